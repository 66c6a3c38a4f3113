"""第9条 rules without a database: who links a correction and how, who records a moderation action, what an
entry needs, and when an earlier entry may be superseded."""

from __future__ import annotations

import datetime as dt

import pytest

from sns_desk.core.accounts import Account, AccountStatus
from sns_desk.core.errors import InvalidInput
from sns_desk.core.moderation import (
    ArchivedPost,
    ModerationAction,
    ModerationEntry,
    ModerationError,
    check_entry,
    why_not_link,
    why_not_record,
)
from sns_desk.core.people import Person, Role

NOW = dt.datetime(2026, 12, 1, 3, 0, tzinfo=dt.UTC)
OPS = Person("tanaka", "田中", Role.OPERATIONS_MANAGER)
KACHO = Person("kacho", "課長", Role.ACCOUNT_MANAGER)
BUCHO = Person("bucho", "部長", Role.ACCOUNT_MANAGER)
SUZUKI = Person("suzuki", "鈴木", Role.DRAFTER)
ACCOUNT = Account(1, "x", "@hh_koho", "https://x.com/hh_koho", "広報", "kacho", AccountStatus.ACTIVE)


def _post(post_id: int, hours: int = 0, corrects: int | None = None, account_id: int = 1) -> ArchivedPost:
    return ArchivedPost(post_id, account_id, NOW + dt.timedelta(hours=hours), corrects)


def test_who_links_a_correction_and_what_a_link_must_be() -> None:
    original, correction = _post(1), _post(2, 1)
    assert why_not_link(KACHO, ACCOUNT, original, correction, ()) == ""
    assert why_not_link(OPS, ACCOUNT, original, correction, ()) == ""
    for outsider in (SUZUKI, BUCHO, Person("kacho", "課長", Role.ACCOUNT_MANAGER, active=False)):
        assert "管理者と運用管理者" in why_not_link(outsider, ACCOUNT, original, correction, ())
    # marking a correction as posted from the desk: whoever the workflow lets mark it
    assert why_not_link(SUZUKI, ACCOUNT, original, correction, (), at_posting=True) == ""
    assert "それ自身" in why_not_link(OPS, ACCOUNT, original, original, ())
    assert "同じアカウント" in why_not_link(OPS, ACCOUNT, original, _post(2, 1, account_id=9), ())
    assert "前の日時" in why_not_link(OPS, ACCOUNT, _post(1, 2), _post(2, 1), ())
    assert "すでに投稿 5 の訂正" in why_not_link(OPS, ACCOUNT, original, _post(2, 1, corrects=5), ())
    assert "すでに投稿 1 の訂正" in why_not_link(OPS, ACCOUNT, original, _post(2, 1, corrects=1), ())
    # a chain 1 ← 2 ← 3: 1 cannot become a correction of 3 (posted at the same time)
    assert "元になった投稿" in why_not_link(OPS, ACCOUNT, _post(3, 0, corrects=2), _post(1, 0), (2, 1))


def _entry(**changes: object) -> ModerationEntry:
    values: dict[str, object] = dict(
        id=7, account_id=1, account_name="@hh_koho", action=ModerationAction.DELETE, author_handle="@troll",
        text="ひどい言葉", url="", commented_at=None, acted_at=NOW, policy_item="user_rules", policy_version=1,
        reason="誹謗中傷", recorded_by="kacho", recorded_at=NOW,
    )  # fmt: skip
    values.update(changes)
    return ModerationEntry(**values)  # type: ignore[arg-type]


def _check(person: Person = KACHO, **changes: object):  # type: ignore[no-untyped-def]
    values: dict[str, object] = dict(
        action="hide", author_handle=" @troll ", text=" ひどい言葉\n", policy_item="user_rules", reason=" 誹謗中傷 ",
        acted_at=NOW - dt.timedelta(hours=1), now=NOW, published_policy=3,
    )  # fmt: skip
    values.update(changes)
    return check_entry(person, ACCOUNT, **values)  # type: ignore[arg-type]


def test_who_records_and_what_an_entry_needs() -> None:
    checked = _check()
    assert (checked.action, checked.author_handle, checked.text, checked.reason) == (
        ModerationAction.HIDE, "@troll", " ひどい言葉\n", "誹謗中傷",
    )  # fmt: skip
    assert _check(OPS).action is ModerationAction.HIDE
    assert "起案者は記録できません" in why_not_record(SUZUKI, ACCOUNT)
    assert "管理者と運用管理者" in why_not_record(BUCHO, ACCOUNT)
    requested = Account(2, "x", "@new", "", "広報", "kacho", AccountStatus.REQUESTED)
    assert "市のアカウントではない" in why_not_record(KACHO, requested)
    with pytest.raises(ModerationError, match="起案者"):
        _check(SUZUKI)
    with pytest.raises(ModerationError, match="公表された利用方針がありません"):
        _check(published_policy=None)
    for field, value, option in (
        ("action", "ban", "--action"), ("author_handle", " ", "--author"), ("text", "\n", "--text"),
        ("policy_item", "第6号", "--item"), ("reason", "", "--reason"), ("url", "x.com/a", "--url"),
        ("acted_at", NOW + dt.timedelta(hours=1), "--at"), ("acted_at", dt.datetime(2026, 12, 1), "--at"),
        ("commented_at", NOW, "--posted-at"), ("action", "retract", "--supersedes"),
    ):  # fmt: skip
        with pytest.raises(InvalidInput) as refused:
            _check(**{field: value})
        assert refused.value.option == option, field


def test_superseding_an_earlier_entry() -> None:
    earlier = _entry()
    assert _check(supersedes=earlier).supersedes_id == 7
    assert _check(action="retract", supersedes=earlier).action is ModerationAction.RETRACT
    with pytest.raises(ModerationError, match="別のアカウント"):
        _check(supersedes=_entry(account_id=2))
    with pytest.raises(ModerationError, match="記録 8 で訂正されています"):
        _check(supersedes=_entry(superseded_by_id=8))
    with pytest.raises(ModerationError, match="取消の記録"):
        _check(supersedes=_entry(action=ModerationAction.RETRACT))
    assert earlier.stands and not _entry(superseded_by_id=8).stands
    assert not _entry(action=ModerationAction.RETRACT).stands
    assert earlier.policy_label == "第4条第4項第6号『利用者の遵守事項』"
    assert [a.label for a in ModerationAction] == ["削除", "非表示", "取消"]
