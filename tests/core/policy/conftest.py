"""Realistic registry facts for each platform kind, as the account registry would hand them over."""

from __future__ import annotations

import dataclasses

import pytest

from sns_desk.core.policy import AccountFacts, Contact, Policy, default_policy

KINDS = ("x", "facebook", "instagram", "line", "youtube", "generic")

_COMMON = {
    "department": "総務部 経営戦略チーム 広報戦略担当",
    "manager_title": "広報戦略担当課長",
    "operating_hours": "平日 8時30分〜17時15分(土曜日・日曜日・祝日・年末年始を除く)",
    "contact": Contact(
        phone="082-420-0919",
        email="koho@city.higashihiroshima.lg.jp",
        form_url="https://www.city.higashihiroshima.lg.jp/form/detail.php?sec_sec1=1",
    ),
}

_BY_KIND = {
    "x": {"name": "@HigashiHiroshima_City", "display_name": "東広島市", "url": "https://x.com/HigashiHiroshima_City"},
    "facebook": {"name": "東広島市", "url": "https://www.facebook.com/higashihiroshima.city"},
    "instagram": {
        "name": "@higashihiroshima_official",
        "display_name": "東広島市",
        "url": "https://www.instagram.com/higashihiroshima_official/",
    },
    "line": {
        "name": "@higashihiroshima",
        "display_name": "東広島市",
        "url": "https://line.me/R/ti/p/@higashihiroshima",
    },
    "youtube": {
        "name": "@higashihiroshimacity",
        "display_name": "東広島市",
        "url": "https://www.youtube.com/@higashihiroshimacity",
    },
    # A platform without a template of its own: the generic one, with the label from the registry.
    "generic": {
        "platform": "threads",
        "platform_label": "Threads",
        "name": "@higashihiroshima_city",
        "display_name": "東広島市",
        "url": "https://www.threads.com/@higashihiroshima_city",
    },
}


def make_facts(kind: str, **changes: object) -> AccountFacts:
    values: dict[str, object] = {"platform": kind, **_COMMON, **_BY_KIND[kind]}
    values.update(changes)
    return AccountFacts(**values)


@pytest.fixture
def x_facts() -> AccountFacts:
    return make_facts("x")


@pytest.fixture
def x_policy(x_facts: AccountFacts) -> Policy:
    return default_policy(x_facts)


def replaced(facts: AccountFacts, **changes: object) -> AccountFacts:
    return dataclasses.replace(facts, **changes)
