"""第9条 over a real database (SQLite and PostgreSQL): correction links both ways (desk and afterwards),
the moderation log (who records, insert-only with superseding entries), the audit trail and the report's
facts of an interval."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Callable
from functools import cache
from pathlib import Path

import pytest
from sqlalchemy import select

from sns_desk.core.archive.package import verify_package
from sns_desk.core.audit import AuditAction
from sns_desk.core.checker import Checker, default_checker
from sns_desk.core.errors import InvalidInput
from sns_desk.core.moderation import ModerationAction, ModerationError
from sns_desk.core.people import Role
from sns_desk.services.archive import ArchiveService
from sns_desk.services.audit import AuditService
from sns_desk.services.backups import export_backup, restore_backup
from sns_desk.services.desk import DeskService
from sns_desk.services.moderation import ModerationService
from sns_desk.storage.database import Database
from sns_desk.storage.media import MediaStore
from sns_desk.storage.models import AccountRow, ModerationRow, PostedItemRow
from sns_desk.storage.search import SearchQuery

Opener = Callable[..., Database]
T0 = dt.datetime(2026, 11, 2, 1, 0, tzinfo=dt.UTC)


@cache
def _checker() -> Checker:
    return default_checker()


@dataclasses.dataclass
class Office:
    database: Database
    ops: str
    account_id: int
    other_account_id: int

    def moderation(self, login: str) -> ModerationService:
        return ModerationService(self.database, login, clock=lambda: T0 + dt.timedelta(days=30))

    def desk(self, login: str) -> DeskService:
        return DeskService(self.database, _checker, login)


def unpublished(database: Database, manager: str) -> None:
    """An account approved outside the app whose usage policy is not published here yet."""
    with database.session() as s:
        s.add(AccountRow(platform="x", name="@hh_new", url="https://x.com/hh_new", department="新設課",
                         manager=manager, status="approved"))  # fmt: skip


def post(database: Database, account_id: int, platform_id: str, text: str, at: dt.datetime) -> int:
    with database.session() as s:
        row = PostedItemRow(
            account_id=account_id, platform="x", platform_id=platform_id, url=f"https://x.com/hh/status/{platform_id}",
            text=text, author="", source="x-archive", posted_at=at,
        )  # fmt: skip
        s.add(row)
        s.flush()
        return row.id


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def office(request: pytest.FixtureRequest, opener: Opener, db_url: str, os_user: str) -> Office:
    """The OS user is the operations manager; kacho manages @hh_koho, bucho @hh_kanko; suzuki drafts."""
    url = db_url if request.param == "sqlite" else request.getfixturevalue("pg_url")
    database = opener(url)
    ops = database.login()
    desk = DeskService(database, _checker, ops)
    desk.set_role("kacho", Role.ACCOUNT_MANAGER)
    desk.set_role("bucho", Role.ACCOUNT_MANAGER)
    desk.set_role("suzuki", Role.DRAFTER)
    account = desk.add_account("x", "@hh_koho", "https://x.com/hh_koho", "広報戦略担当", "kacho")
    other = desk.add_account("x", "@hh_kanko", "https://x.com/hh_kanko", "観光振興課", "bucho")
    unpublished(database, "bucho")
    return Office(database, ops, account.id, other.id)


def test_imported_posts_linked_afterwards_show_the_chain_both_ways(office: Office) -> None:
    original = post(office.database, office.account_id, "10", "花火大会は 8月3日(土)です", T0)
    correction = post(
        office.database, office.account_id, "11", "【訂正】花火大会は 8月2日(土)です", T0 + dt.timedelta(hours=1)
    )
    with pytest.raises(ModerationError, match="管理者と運用管理者"):
        office.moderation("suzuki").link_correction(original, correction)
    with pytest.raises(ModerationError, match="管理者と運用管理者"):
        office.moderation("bucho").link_correction(original, correction)
    with pytest.raises(ModerationError, match="前の日時"):
        office.moderation("kacho").link_correction(correction, original)
    with pytest.raises(ModerationError, match="それ自身"):
        office.moderation("kacho").link_correction(original, original)
    with pytest.raises(InvalidInput, match="999"):
        office.moderation("kacho").link_correction(999, correction)

    chain = office.moderation("kacho").link_correction(original, correction)
    assert chain.corrected and [p.id for p in chain.corrected_by] == [correction]
    back = office.moderation("suzuki").chain(correction)
    assert back.corrects is not None and back.corrects.id == original and not back.corrected
    with pytest.raises(ModerationError, match="すでに"):
        office.moderation("kacho").link_correction(original, correction)

    # a correction of the correction: a chain, never a loop
    again = post(
        office.database,
        office.account_id,
        "12",
        "【再訂正】花火大会は 8月2日(土)19時からです",
        T0 + dt.timedelta(hours=2),
    )
    office.moderation(office.ops).link_correction(correction, again)
    with pytest.raises(ModerationError):
        office.moderation(office.ops).link_correction(again, original)

    # another account's post cannot be the correction
    elsewhere = post(office.database, office.other_account_id, "20", "【訂正】", T0 + dt.timedelta(hours=3))
    with pytest.raises(ModerationError, match="同じアカウント"):
        office.moderation(office.ops).link_correction(original, elsewhere)

    archive = ArchiveService(office.database, MediaStore(office.database.display_name + "-media"))
    page = archive.search(SearchQuery(text="花火大会"))
    found = {item.id: item for item in page.items}
    assert found[original].corrected_by == (correction,) and found[original].corrected
    assert found[correction].corrects_id == original and found[correction].corrected_by == (again,)
    assert found[again].corrects_id == correction and not found[again].corrected

    history = AuditService(office.database).history("posted_item", correction)
    assert [(h.action, h.actor) for h in history] == [(AuditAction.CORRECTION_LINKED.value, "kacho")]
    assert AuditService(office.database).verify().intact


def test_a_correction_posted_from_the_desk_is_linked_by_its_author(office: Office) -> None:
    original = post(office.database, office.account_id, "30", "窓口は午後3時までです", T0)
    suzuki, kacho = office.desk("suzuki"), office.desk("kacho")
    draft = suzuki.create_draft(office.account_id, text="【訂正】窓口は午後1時までです。失礼しました。")
    suzuki.submit(draft.id)
    kacho.approve(draft.id)
    suzuki.mark_posted(draft.id, "https://x.com/hh_koho/status/31", T0 + dt.timedelta(hours=1), corrects=original)
    chain = office.moderation("suzuki").chain(original)
    assert [p.url for p in chain.corrected_by] == ["https://x.com/hh_koho/status/31"]
    history = AuditService(office.database).history("posted_item", chain.corrected_by[0].id)
    assert [(h.action, h.actor) for h in history] == [(AuditAction.CORRECTION_LINKED.value, "suzuki")]
    assert "投稿 " in suzuki.history(draft.id)[-1].comment


def test_the_moderation_log_who_records_and_superseding(office: Office) -> None:
    acted = T0 + dt.timedelta(days=3)
    with pytest.raises(ModerationError, match="起案者は記録できません"):
        office.moderation("suzuki").record(
            "@hh_koho", "delete", author_handle="@troll", text="ひどい言葉", policy_item="user_rules",
            reason="誹謗中傷", acted_at=acted,
        )  # fmt: skip
    with pytest.raises(ModerationError, match="管理者と運用管理者"):
        office.moderation("bucho").record(
            "@hh_koho", "hide", author_handle="@troll", text="x", policy_item="user_rules", reason="r"
        )
    with pytest.raises(ModerationError, match="公表された利用方針がありません"):
        office.moderation("bucho").record(
            "@hh_new", "hide", author_handle="@troll", text="x", policy_item="user_rules", reason="r"
        )
    with pytest.raises(InvalidInput, match="利用方針の項目"):
        office.moderation("kacho").record(
            "@hh_koho", "hide", author_handle="@troll", text="x", policy_item="第6号", reason="r"
        )
    with pytest.raises(InvalidInput):
        office.moderation("kacho").record(
            "@hh_koho", "hide", author_handle="@troll", text="x", policy_item="user_rules", reason=" "
        )
    first = office.moderation("kacho").record(
        "@hh_koho", "delete", author_handle="@troll", text="  ひどい言葉\n二行目", policy_item="user_rules",
        reason="誹謗中傷(利用者の遵守事項)", acted_at=acted, url="https://x.com/troll/status/9",
        commented_at=acted - dt.timedelta(hours=2),
    )  # fmt: skip
    assert (first.action, first.recorded_by, first.text, first.policy_version) == (
        ModerationAction.DELETE, "kacho", "  ひどい言葉\n二行目", 1,
    )  # fmt: skip
    assert first.acted_at == acted and first.stands and "第4条第4項第6号" in first.policy_label
    fixed = office.moderation(office.ops).record(
        "@hh_koho", "hide", author_handle="@troll", text="  ひどい言葉\n二行目", policy_item="user_rules",
        reason="削除ではなく非表示だった", acted_at=acted, supersedes=first.id,
    )  # fmt: skip
    with pytest.raises(ModerationError, match="すでに記録"):
        office.moderation("kacho").record(
            "@hh_koho", "retract", author_handle="@troll", text="x", policy_item="user_rules", reason="r",
            supersedes=first.id,
        )  # fmt: skip
    listed = office.moderation("kacho").entries("@hh_koho")
    assert [(e.id, e.superseded_by_id, e.stands) for e in listed] == [
        (first.id, fixed.id, False),
        (fixed.id, None, True),
    ]
    assert office.moderation("bucho").entries() == []
    with pytest.raises(ModerationError):
        office.moderation("suzuki").entries("@hh_koho")
    assert len(office.moderation(office.ops).entries()) == 2

    history = AuditService(office.database).history("moderation", first.id)
    assert [(h.action, h.actor) for h in history] == [(AuditAction.MODERATION_RECORDED.value, "kacho")]
    assert "text_sha256" in history[0].details

    # the monthly report's facts: [start, end) in UTC
    original = post(office.database, office.account_id, "40", "誤り", T0)
    correction = post(office.database, office.account_id, "41", "訂正", T0 + dt.timedelta(days=1))
    office.moderation("kacho").link_correction(original, correction)
    facts = office.moderation(office.ops).article9("@hh_koho", T0, T0 + dt.timedelta(days=30))
    assert [(c.original.id, c.correction.id) for c in facts.corrections] == [(original, correction)]
    assert [e.id for e in facts.moderation] == [first.id, fixed.id]
    assert [e.id for e in facts.moderation_standing] == [fixed.id]
    later = office.moderation(office.ops).article9("@hh_koho", T0 + dt.timedelta(days=4), T0 + dt.timedelta(days=30))
    assert later.corrections == () and later.moderation == ()


def test_backups_carry_the_log_and_the_chain_both_ways(office: Office, tmp_path: Path, opener: Opener) -> None:
    original = post(office.database, office.account_id, "50", "花火大会は 8月3日(土)です", T0)
    correction = post(
        office.database, office.account_id, "51", "【訂正】花火大会は 8月2日(土)です", T0 + dt.timedelta(hours=1)
    )
    office.moderation("kacho").link_correction(original, correction)
    first = office.moderation("kacho").record(
        "@hh_koho", "delete", author_handle="@troll", text="ひどい言葉 <script>alert(1)</script>",
        policy_item="user_rules", reason="誹謗中傷", acted_at=T0 + dt.timedelta(days=1),
    )  # fmt: skip
    office.moderation("kacho").record(
        "@hh_koho", "retract", author_handle="@troll", text=first.text, policy_item="user_rules",
        reason="別のコメントだった", supersedes=first.id,
    )  # fmt: skip
    media = MediaStore(tmp_path / "media")
    package = tmp_path / "pkg"
    export_backup(office.database, media, package, by=office.ops)
    assert verify_package(package) == []
    lines = (package / "data" / "moderation.jsonl").read_text(encoding="utf-8").splitlines()
    records = [json.loads(line) for line in lines]
    assert [r["action"] for r in records] == ["delete", "retract"]
    assert records[1]["supersedes_key"] == records[0]["key"] and records[0]["recorded_by"] == "kacho"
    assert "moderation.jsonl" in (package / "data" / "README.txt").read_text(encoding="utf-8-sig")

    # the viewer: items.js gives the original its corrections, viewer.js shows both directions
    script = (package / "data" / "viewer" / "items.js").read_text(encoding="utf-8")
    data = json.loads(script.removeprefix("window.SNS_ARCHIVE = ").strip().rstrip(";"))
    by_key = {item["key"]: item for item in data["items"]}
    assert by_key["x:50"]["corrected_by"] == ["x:51"] and by_key["x:51"]["corrects_key"] == "x:50"
    js = (package / "data" / "viewer" / "viewer.js").read_text(encoding="utf-8")
    assert "訂正済み" in js and "訂正 → 原文" in js and "原文 → 訂正" in js
    assert "viewer.js" in (package / "data" / "viewer" / "index.html").read_text(encoding="utf-8")

    # restore into an empty SQLite database, twice: the same log, the same links, nothing doubled
    target = opener(f"sqlite:///{tmp_path / 'restored.db'}")
    for _ in range(2):
        restore_backup(target, MediaStore(tmp_path / "media2"), package, by="it")
    with target.session() as s:
        rows = s.scalars(select(ModerationRow).order_by(ModerationRow.id)).all()
        assert [(r.action, r.recorded_by, r.text) for r in rows] == [
            ("delete", "kacho", first.text), ("retract", "kacho", first.text),
        ]  # fmt: skip
        assert rows[1].supersedes_id == rows[0].id
    chain = ModerationService(target, "it").chain(
        ArchiveService(target, media).search(SearchQuery(text="8月3日")).items[0].id
    )
    assert chain.corrected and chain.corrected_by[0].excerpt.startswith("【訂正】")
    again = tmp_path / "pkg2"
    export_backup(target, media, again, by="it")
    assert (again / "data" / "moderation.jsonl").read_bytes() == (package / "data" / "moderation.jsonl").read_bytes()
    assert (again / "data" / "viewer" / "items.js").read_bytes() == (
        package / "data" / "viewer" / "items.js"
    ).read_bytes()


def test_why_not_record_names_the_reason_only_for_those_who_may_record_nowhere(office: Office) -> None:
    assert office.moderation(office.ops).why_not_record() == ""
    assert office.moderation("kacho").why_not_record() == ""
    assert "起案者は記録できません" in office.moderation("suzuki").why_not_record()
    assert office.moderation("suzuki").accounts() == []
