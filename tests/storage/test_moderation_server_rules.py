"""PostgreSQL holds the 第9条 rules too (migration 0009), for staff who go round the app with SQL.

The office of ``test_server_rules``: real SCRAM logins (ops, kacho, suzuki, sato), kacho manages the account.
"""

from __future__ import annotations

import datetime as dt
import uuid

import pytest

from sns_desk.core.audit import AuditAction
from sns_desk.core.moderation import ModerationError
from sns_desk.services.audit import AuditService
from sns_desk.services.moderation import ModerationService
from sns_desk.storage.models import PostedItemRow

from .test_server_rules import Office, _refused, office

pytestmark = pytest.mark.postgres
__all__ = ["office"]

T0 = dt.datetime(2026, 11, 2, 1, 0, tzinfo=dt.UTC)
INSERT = (
    "INSERT INTO moderation_actions (account_id, action, author_handle, text, url, acted_at, policy_item, reason,"
    " recorded_by, recorded_at, supersedes_id) VALUES (%s, %s, '@troll', 'ひどい言葉', '', now(), 'user_rules',"
    " '誹謗中傷', %s, now(), %s)"
)


def _service(office: Office, who: str) -> ModerationService:
    database = office.app(who)
    return ModerationService(database, database.login())


def _account(office: Office, manager: str = "kacho") -> int:
    account = office.desk("ops").add_account(
        "x", f"広報 {uuid.uuid4().hex[:4]}", "https://x.com/hh", "広報", office.logins[manager]
    )
    return account.id


def _posts(office: Office, account_id: int, count: int) -> list[int]:
    with office.owner.session() as s:
        rows = [
            PostedItemRow(
                account_id=account_id, platform="x", platform_id=uuid.uuid4().hex, url="https://x.com/hh/status/1",
                text=f"投稿 {n}", author="", source="x-archive", posted_at=T0 + dt.timedelta(hours=n),
            )
            for n in range(count)
        ]  # fmt: skip
        s.add_all(rows)
        s.flush()
        return [row.id for row in rows]


def test_the_app_records_and_links_in_each_logins_own_name(office: Office) -> None:
    account_id = _account(office)
    original, correction = _posts(office, account_id, 2)
    kacho = _service(office, "kacho")
    entry = kacho.record(account_id, "hide", author_handle="@troll", text="ひどい言葉", policy_item="user_rules",
                         reason="誹謗中傷")  # fmt: skip
    assert entry.recorded_by == office.logins["kacho"]
    with pytest.raises(ModerationError):
        _service(office, "suzuki").record(account_id, "hide", author_handle="@a", text="x", policy_item="user_rules",
                                          reason="r")  # fmt: skip
    chain = kacho.link_correction(original, correction)
    assert [p.id for p in chain.corrected_by] == [correction]
    audit = AuditService(office.owner)
    assert [(h.action, h.actor) for h in audit.history("moderation", entry.id)] == [
        (AuditAction.MODERATION_RECORDED.value, office.logins["kacho"])
    ]
    assert [(h.action, h.actor) for h in audit.history("posted_item", correction)] == [
        (AuditAction.CORRECTION_LINKED.value, office.logins["kacho"])
    ]
    assert audit.verify().intact


def test_the_log_is_insert_only_in_ones_own_name_by_those_who_run_the_account(office: Office) -> None:
    account_id = _account(office)
    kacho, suzuki = office.logins["kacho"], office.logins["suzuki"]
    with office.sql("suzuki") as conn:
        privileges = ("SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE")
        checks = ", ".join(f"has_table_privilege(current_user, 'moderation_actions', '{p}')" for p in privileges)
        assert conn.execute(f"SELECT {checks}").fetchone() == (True, True, False, False, False)
        assert "管理者か運用管理者" in _refused(conn, INSERT, account_id, "delete", suzuki, None)
        assert "自分の名前" in _refused(conn, INSERT, account_id, "delete", kacho, None)
    with office.sql("kacho") as conn:
        assert "自分の名前" in _refused(conn, INSERT, account_id, "delete", office.logins["ops"], None)
        assert "措置" in _refused(conn, INSERT, account_id, "ban", kacho, None)
        assert "取消" in _refused(conn, INSERT, account_id, "retract", kacho, None)
        (first,) = conn.execute(INSERT + " RETURNING id", (account_id, "delete", kacho, None)).fetchone()
        conn.execute(INSERT, (account_id, "retract", kacho, first))
        for statement in ("UPDATE moderation_actions SET reason = '書き換え'", "DELETE FROM moderation_actions",
                          "TRUNCATE moderation_actions"):  # fmt: skip
            _refused(conn, statement)
    other = _account(office, "ops")
    with office.sql("ops") as conn:  # superseding an entry of another account
        assert "同じアカウント" in _refused(conn, INSERT, other, "delete", office.logins["ops"], first)
    with office.sql("kacho") as conn:  # kacho does not run the operations manager's account
        assert "管理者か運用管理者" in _refused(conn, INSERT, other, "delete", kacho, None)
    with office.sql("sato") as conn:  # staff can read (as the app's other tables)
        (count,) = conn.execute(
            "SELECT count(*) FROM moderation_actions WHERE account_id = %s", (account_id,)
        ).fetchone()
    assert count == 2


def test_correction_links_join_one_accounts_posts_once_made_by_those_who_run_it(office: Office) -> None:
    account_id = _account(office)
    original, correction, spare = _posts(office, account_id, 3)
    (elsewhere,) = _posts(office, _account(office, "ops"), 1)
    link = "UPDATE posted_items SET corrects_id = %s WHERE id = %s"
    with office.sql("suzuki") as conn:
        assert "管理者か運用管理者" in _refused(conn, link, original, correction)
    with office.sql("kacho") as conn:
        assert "それ自身" in _refused(conn, link, original, original)
        assert "同じアカウント" in _refused(conn, link, elsewhere, correction)
        conn.execute(link, (original, correction))
        assert "変更も削除も" in _refused(conn, link, spare, correction)
        assert "変更も削除も" in _refused(conn, "UPDATE posted_items SET corrects_id = NULL WHERE id = %s", correction)
        conn.execute("UPDATE posted_items SET text = text WHERE id = %s", (correction,))  # other columns as before
    with office.sql("ops") as conn:
        conn.execute(link, (original, spare))


def test_a_drafter_marks_their_correction_posted_with_the_link(office: Office) -> None:
    from .test_server_rules import _pending_draft

    account_id, draft_id = _pending_draft(office, "【訂正】図書館のおはなし会は12月5日(土)です。")
    (original,) = _posts(office, account_id, 1)
    office.desk("kacho").approve(draft_id)
    suzuki = office.desk("suzuki")
    suzuki.mark_posted(draft_id, "https://x.com/hh/status/99", T0 + dt.timedelta(days=1), corrects=original)
    chain = _service(office, "sato").chain(original)
    assert [p.url for p in chain.corrected_by] == ["https://x.com/hh/status/99"]
    history = AuditService(office.owner).history("posted_item", chain.corrected_by[0].id)
    assert [(h.action, h.actor) for h in history] == [(AuditAction.CORRECTION_LINKED.value, office.logins["suzuki"])]
