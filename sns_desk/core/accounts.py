"""Official accounts (第4条), as the rest of the app sees them."""

from __future__ import annotations

import enum
from dataclasses import dataclass


class AccountStatus(enum.StrEnum):
    ACTIVE = "active"
    SUSPENDED = "suspended"
    CLOSED = "closed"
    IMPORTED = "imported"
    """Known only from an imported platform export (第6条 backup); not a target for drafts."""

    @property
    def label(self) -> str:
        return {"active": "運用中", "suspended": "休止", "closed": "廃止", "imported": "取込のみ"}[self.value]


@dataclass(frozen=True, slots=True)
class Account:
    id: int
    platform: str
    name: str
    url: str
    department: str
    manager: str
    """Login name of the account manager (アカウント管理者)."""
    status: AccountStatus

    @property
    def postable(self) -> bool:
        """Only registered accounts in operation can be the target of a draft."""
        return self.status is AccountStatus.ACTIVE
