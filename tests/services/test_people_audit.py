"""People, roles and the audit chain over a real database, tampered with by SQL as an intruder would."""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from sns_desk.core.audit import AuditAction, ProblemKind
from sns_desk.core.checker import Checker, default_checker
from sns_desk.core.people import PeopleError, Role
from sns_desk.services.audit import AuditService
from sns_desk.services.desk import DeskService
from sns_desk.services.people import PeopleService
from sns_desk.storage.database import Database

Opener = Callable[..., Database]


def _checker() -> Checker:
    return default_checker()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database(request: pytest.FixtureRequest, opener: Opener, db_url: str, os_user: str) -> Database:
    url = db_url if request.param == "sqlite" else request.getfixturevalue("pg_url")
    return opener(url)


def test_the_operations_manager_manages_people_and_every_change_is_audited(database: Database) -> None:
    ops = PeopleService(database, database.login())
    ops.add("kacho", "こども家庭課長", "こども家庭課")
    ops.set_role("kacho", Role.ACCOUNT_MANAGER)
    ops.add("suzuki", "鈴木 花子", "こども家庭課")
    with pytest.raises(PeopleError, match="登録済み"):
        ops.add("suzuki", "鈴木", "")
    with pytest.raises(PeopleError, match="運用管理者だけ"):
        PeopleService(database, "suzuki").set_role("suzuki", Role.OPERATIONS_MANAGER)
    with pytest.raises(PeopleError, match="最後の運用管理者"):
        ops.set_role(database.login(), Role.DRAFTER)

    staff = {m.person.login: m for m in ops.staff()}
    assert staff["kacho"].person.role is Role.ACCOUNT_MANAGER and staff["kacho"].person.department == "こども家庭課"
    ops.deactivate("suzuki")
    with pytest.raises(PeopleError, match="無効"):
        DeskService(database, _checker, "suzuki").me()  # can no longer act …
    assert not {m.person.login: m for m in ops.staff()}["suzuki"].person.active  # … and stays on the list

    actions = [(h.action, h.details) for h in AuditService(database).history("user", "kacho")]
    assert actions == [
        (AuditAction.USER_ADDED.value, "department: こども家庭課、name: こども家庭課長、role: drafter"),
        (AuditAction.USER_ROLE_CHANGED.value, "from: drafter、to: account_manager"),
    ]
    assert AuditService(database).verify().intact


def _desk_story(database: Database) -> int:
    me = database.login()
    PeopleService(database, me).set_role("kacho", Role.ACCOUNT_MANAGER)
    account = DeskService(database, _checker, me).add_account("x", "@hh_koho", "https://x.com/hh_koho", "広報", "kacho")
    suzuki = DeskService(database, _checker, "suzuki")
    draft = suzuki.create_draft(account.id, text="図書館でおはなし会を開きます。")
    suzuki.save(draft.id, draft.revision, "図書館で冬のおはなし会を開きます。")
    return draft.id


def test_desk_and_registry_steps_land_in_the_chain(database: Database) -> None:
    draft_id = _desk_story(database)
    history = AuditService(database).history("draft", draft_id)
    assert [h.action for h in history] == [AuditAction.DRAFT_CREATED.value, AuditAction.DRAFT_SAVED.value]
    assert "revision: 1" in history[1].details and "text_sha256" in history[1].details
    assert history[1].actor == "suzuki"
    account_steps = [h.action for h in AuditService(database).history("account", 1)]
    assert account_steps == [
        AuditAction.ACCOUNT_REGISTERED.value,
        AuditAction.POLICY_SAVED.value,
        AuditAction.POLICY_APPROVED.value,
        AuditAction.POLICY_PUBLISHED.value,
        AuditAction.ACCOUNT_STARTED.value,
    ]
    report = AuditService(database).verify()
    assert report.intact and report.count == 8  # role, five account steps, created, saved


@pytest.mark.parametrize(
    ("tamper", "seq", "kind"),
    [
        ("UPDATE audit_events SET actor = 'kacho' WHERE seq = 3", 3, ProblemKind.EDITED),
        ("UPDATE audit_events SET payload = '{}' WHERE seq = 2", 2, ProblemKind.EDITED),
        ("DELETE FROM audit_events WHERE seq = 2", 3, ProblemKind.MISSING),
    ],
)
def test_sql_edits_and_deletions_are_found(database: Database, tamper: str, seq: int, kind: ProblemKind) -> None:
    _desk_story(database)
    with database.engine.begin() as connection:
        connection.execute(text(tamper))
    report = AuditService(database).verify()
    assert report.problem is not None and (report.problem.seq, report.problem.kind) == (seq, kind)


def test_a_swap_of_two_records_is_found(database: Database) -> None:
    _desk_story(database)
    columns = "at, actor, action, object_type, object_id, payload, prev_hash, hash"
    with database.engine.begin() as connection:
        two = connection.execute(text(f"SELECT {columns} FROM audit_events WHERE seq = 2")).one()
        three = connection.execute(text(f"SELECT {columns} FROM audit_events WHERE seq = 3")).one()
        connection.execute(text("DELETE FROM audit_events WHERE seq IN (2, 3)"))
        for seq, row in ((2, three), (3, two)):
            connection.execute(
                text(f"INSERT INTO audit_events (seq, {columns}) VALUES (:seq, :at, :actor, :action, :object_type, "
                     ":object_id, :payload, :prev_hash, :hash)"),
                {"seq": seq, **row._asdict()},
            )  # fmt: skip
    report = AuditService(database).verify()
    assert report.problem is not None and report.problem.seq == 2 and report.problem.kind is ProblemKind.BROKEN_LINK


def test_the_chain_cannot_fork(database: Database) -> None:
    _desk_story(database)
    with database.engine.connect() as connection:
        head = connection.execute(text("SELECT seq, hash, at FROM audit_events ORDER BY seq DESC LIMIT 1")).one()
        with pytest.raises(IntegrityError):  # a second successor of the same record
            connection.execute(
                text("INSERT INTO audit_events (seq, at, actor, action, object_type, object_id, payload, prev_hash, "
                     "hash) VALUES (:seq, :at, 'x', 'x', 'x', 'x', '{}', :prev, :hash)"),
                {"seq": head.seq + 1, "at": head.at, "prev": "f" * 64, "hash": "e" * 64},
            )  # fmt: skip
            connection.execute(
                text("INSERT INTO audit_events (seq, at, actor, action, object_type, object_id, payload, prev_hash, "
                     "hash) VALUES (:seq, :at, 'y', 'y', 'y', 'y', '{}', :prev, :hash)"),
                {"seq": head.seq + 2, "at": head.at, "prev": "f" * 64, "hash": "d" * 64},
            )  # fmt: skip
        connection.rollback()


def test_export_is_csv_for_excel_with_formulas_made_inert(database: Database, tmp_path: Path) -> None:
    PeopleService(database, database.login()).add("=cmd", '=HYPERLINK("x")', "@team")
    out = tmp_path / "audit.csv"
    assert AuditService(database).export_csv(out) == 1
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(raw.decode("utf-8-sig").splitlines()))
    assert rows[0]["object_id"] == "'=cmd" and rows[0]["action_label"] == "職員を登録"
    assert rows[0]["hash"] == AuditService(database).head()[1]
    assert not list(tmp_path.glob("*.partial"))
