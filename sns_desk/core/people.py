"""Who uses the app and in which role (第4条: 運用管理者, アカウント管理者; and drafting staff)."""

from __future__ import annotations

import enum
from dataclasses import dataclass


class Role(enum.StrEnum):
    OPERATIONS_MANAGER = "operations_manager"
    ACCOUNT_MANAGER = "account_manager"
    DRAFTER = "drafter"

    @property
    def label(self) -> str:
        return {"operations_manager": "運用管理者", "account_manager": "アカウント管理者", "drafter": "起案者"}[
            self.value
        ]


@dataclass(frozen=True, slots=True)
class Person:
    login: str
    display_name: str
    role: Role
