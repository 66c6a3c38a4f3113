"""PostgreSQL holds the incident rules too (migration 0008), for staff who go round the app with SQL.

The office of ``test_server_rules``: real SCRAM logins (ops, kacho, suzuki, sato), kacho manages the account.
"""

from __future__ import annotations

import io
import uuid
from pathlib import Path

import psycopg
import pytest
from PIL import Image

from sns_desk.core.audit import AuditAction
from sns_desk.core.incidents import IncidentKind, IncidentStatus, StepStatus, TextKind
from sns_desk.services.audit import AuditService
from sns_desk.services.incidents import IncidentService
from sns_desk.storage.changes import ChangeFeed
from sns_desk.storage.media import MediaStore

from .test_server_rules import Office, _checker, _refused, office

pytestmark = pytest.mark.postgres
__all__ = ["office"]

TABLES = ("incidents", "incident_evidence", "incident_events")


def _service(office: Office, who: str, media: MediaStore | None = None) -> IncidentService:
    database = office.app(who)
    return IncidentService(database, database.login(), media=media, checker=_checker)


def _incident(office: Office, kind: IncidentKind = IncidentKind.IMPERSONATION) -> tuple[int, int]:
    """An account managed by kacho and an incident on it reported by suzuki: (account id, incident id)."""
    account = office.desk("ops").add_account(
        "x", f"広報 {uuid.uuid4().hex[:4]}", "https://x.com/hh", "広報", office.logins["kacho"]
    )
    incident = _service(office, "suzuki").open(account.name, kind, "市を名乗る偽アカウントがある")
    return account.id, incident.id


def _decide_all(service: IncidentService, incident_id: int) -> None:
    for state in service.incident(incident_id).states:
        if state.status is StepStatus.OPEN:
            if state.step.required:
                service.step_done(incident_id, state.step.id)
            else:
                service.step_not_needed(incident_id, state.step.id, "今回は当てはまらない")


def test_the_app_works_for_each_login_in_its_own_name(office: Office, tmp_path: Path) -> None:
    media = MediaStore(tmp_path / "media")
    _account, incident_id = _incident(office)
    suzuki = _service(office, "suzuki", media)
    suzuki.add_note(incident_id, "フォロワーが増えている")
    suzuki.add_url(incident_id, "https://x.com/fake_hh")
    buffer = io.BytesIO()
    Image.new("RGB", (20, 20)).save(buffer, "PNG")
    suzuki.add_file(incident_id, "fake.png", buffer.getvalue())
    kacho = _service(office, "kacho")
    _decide_all(kacho, incident_id)
    made = kacho.create_draft(incident_id, TextKind.NOTICE)
    closed = kacho.close(incident_id, "対応済み")
    assert closed.status is IncidentStatus.CLOSED and closed.closed_by == office.logins["kacho"]
    assert [i.id for i in _service(office, "ops").incidents(include_closed=True)] == [incident_id]
    assert _service(office, "sato").incidents(include_closed=True) == []

    history = AuditService(office.owner).history("incident", incident_id)
    actors = {(h.action, h.actor) for h in history}
    assert (AuditAction.INCIDENT_OPENED.value, office.logins["suzuki"]) in actors
    assert (AuditAction.INCIDENT_EVIDENCE_ADDED.value, office.logins["suzuki"]) in actors
    assert (AuditAction.INCIDENT_TEXT_GENERATED.value, office.logins["kacho"]) in actors
    assert (AuditAction.INCIDENT_CLOSED.value, office.logins["kacho"]) in actors
    assert office.desk("kacho").draft(made.draft_id).author == office.logins["kacho"]
    assert AuditService(office.app("suzuki")).verify().intact


def test_staff_read_and_insert_but_never_delete(office: Office) -> None:
    with office.sql("suzuki") as conn:
        for table in TABLES:
            privileges = ("SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE")
            checks = ", ".join(f"has_table_privilege(current_user, %s, '{p}')" for p in privileges)
            granted = conn.execute(f"SELECT {checks}", (table,) * len(privileges)).fetchone()
            assert granted == (True, True, table == "incidents", False, False), table
    _account, incident_id = _incident(office)
    for who in ("suzuki", "kacho", "ops"):
        with office.sql(who) as conn:
            for table in TABLES:
                key = "id" if table == "incidents" else "incident_id"
                _refused(conn, f"DELETE FROM {table} WHERE {key} = %s", incident_id)
                _refused(conn, f"TRUNCATE {table}")
            _refused(conn, "UPDATE incident_events SET text = '書き換え' WHERE incident_id = %s", incident_id)
            _refused(conn, "UPDATE incident_evidence SET note = '書き換え' WHERE incident_id = %s", incident_id)
    with office.sql("sato") as conn:  # another drafter can read (as drafts can be read) …
        (count,) = conn.execute("SELECT count(*) FROM incidents WHERE id = %s", (incident_id,)).fetchone()
    assert count == 1


def test_nobody_writes_in_anothers_name_or_to_an_incident_they_may_not_see(office: Office) -> None:
    account_id, incident_id = _incident(office)
    suzuki, kacho = office.logins["suzuki"], office.logins["kacho"]
    with office.sql("suzuki") as conn:
        assert "自分の名前" in _refused(
            conn,
            "INSERT INTO incidents (account_id, kind, description, found_at, found_by, reported_by, reported_at,"
            " status, checklist, closed_by) VALUES (%s, 'other', 'x', now(), 'x', %s, now(), 'open', '[]', '')",
            account_id,
            kacho,
        )
        assert "自分の名前" in _refused(
            conn,
            "INSERT INTO incident_events (incident_id, action, step_id, text, by, at, text_kind)"
            " VALUES (%s, 'note', '', '課長の名前で', %s, now(), '')",
            incident_id,
            kacho,
        )
        _refused(
            conn,
            "INSERT INTO incident_evidence (incident_id, kind, url, sha256, filename, format, byte_size, note,"
            " added_by, added_at) VALUES (%s, 'url', 'https://x.com/a', '', '', '', 0, '', %s, now())",
            incident_id,
            kacho,
        )
        assert "変更できません" in _refused(
            conn, "UPDATE incidents SET description = '書き換え' WHERE id = %s", incident_id
        )
        conn.execute(  # the reporter adds a note in their own name
            "INSERT INTO incident_events (incident_id, action, step_id, text, by, at, text_kind)"
            " VALUES (%s, 'note', '', '追記', %s, now(), '')",
            (incident_id, suzuki),
        )
    with office.sql("sato") as conn:  # … but not write to an incident they did not report
        assert "報告した人" in _refused(
            conn,
            "INSERT INTO incident_events (incident_id, action, step_id, text, by, at, text_kind)"
            " VALUES (%s, 'note', '', '見ました', %s, now(), '')",
            incident_id,
            office.logins["sato"],
        )


def test_only_the_accounts_manager_or_the_operations_manager_ticks_and_closes(office: Office) -> None:
    _account, incident_id = _incident(office)
    suzuki, kacho = office.logins["suzuki"], office.logins["kacho"]

    def step(conn: psycopg.Connection[tuple[object, ...]], action: str, step_id: str, by: str, reason: str = "") -> str:
        return _refused(
            conn,
            "INSERT INTO incident_events (incident_id, action, step_id, text, by, at, text_kind)"
            " VALUES (%s, %s, %s, %s, %s, now(), '')",
            incident_id,
            action,
            step_id,
            reason,
            by,
        )

    with office.sql("suzuki") as conn:
        assert "管理者か運用管理者" in step(conn, "step_done", "report", suzuki)
        assert "管理者か運用管理者" in _refused(
            conn,
            "UPDATE incidents SET status = 'closed', closed_by = %s, closed_at = now() WHERE id = %s",
            suzuki,
            incident_id,
        )
    with office.sql("kacho") as conn:
        assert "必須の手順は不要にできません" in step(conn, "step_not_needed", "report", kacho, "不要")
        assert "理由" in step(conn, "step_not_needed", "press", kacho, "  ")
        assert "手順「nope」はありません" in step(conn, "step_done", "nope", kacho)
        refused = _refused(
            conn,
            "UPDATE incidents SET status = 'closed', closed_by = %s, closed_at = now() WHERE id = %s",
            kacho,
            incident_id,
        )
        assert "次の手順が済んでいないため" in refused and "「運用管理者(広報戦略担当)へ報告する」" in refused
        conn.execute(
            "INSERT INTO incident_events (incident_id, action, step_id, text, by, at, text_kind)"
            " VALUES (%s, 'step_done', 'report', '', %s, now(), '')",
            (incident_id, kacho),
        )
        assert "済みにした手順は変えられません" in step(conn, "step_not_needed", "report", kacho, "やはり")
    _decide_all(_service(office, "kacho"), incident_id)
    with office.sql("kacho") as conn:
        assert "自分の名前" in _refused(
            conn,
            "UPDATE incidents SET status = 'closed', closed_by = %s, closed_at = now() WHERE id = %s",
            office.logins["ops"],
            incident_id,
        )
        conn.execute(
            "UPDATE incidents SET status = 'closed', closed_by = %s, closed_at = now() WHERE id = %s",
            (kacho, incident_id),
        )
        assert "変えられません" in _refused(conn, "UPDATE incidents SET status = 'open' WHERE id = %s", incident_id)
    with office.sql("suzuki") as conn:
        assert "終了した事案" in _refused(
            conn,
            "INSERT INTO incident_events (incident_id, action, step_id, text, by, at, text_kind)"
            " VALUES (%s, 'note', '', 'その後', %s, now(), '')",
            incident_id,
            suzuki,
        )


def test_other_terminals_hear_of_each_change(office: Office) -> None:
    _account, incident_id = _incident(office)
    with ChangeFeed(office.app("ops")) as feed:
        _service(office, "suzuki").add_note(incident_id, "追記")
        changes = feed.wait(timeout=10)
    assert ("incidents", incident_id) in {(c.table, c.id) for c in changes}
