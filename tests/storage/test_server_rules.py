"""PostgreSQL refuses what the rules refuse, even to staff who go round the app with SQL (migration 0007).

Each test makes real login roles with SCRAM passwords, as IT would, connects with them through the app
and directly, and tries the forbidden steps with plain SQL.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import psycopg
import pytest
from alembic import command
from psycopg import errors
from sqlalchemy import make_url, text

from sns_desk.core.audit import AuditAction
from sns_desk.core.checker import Checker, default_checker
from sns_desk.core.people import Role
from sns_desk.core.workflow import DraftState
from sns_desk.services.audit import AuditService
from sns_desk.services.desk import DeskService
from sns_desk.services.people import PeopleService
from sns_desk.services.registry import AccountFactsInput, RegistryService
from sns_desk.storage.database import Database, alembic_config, open_database, schema_lock
from sns_desk.storage.engine import make_engine
from sns_desk.storage.errors import StorageError

pytestmark = pytest.mark.postgres

PASSWORD = "correct horse battery"
WARNING_TEXT = "来月から開館時間を短縮する方向で検討中です。"  # one warning: an undecided plan (第7条)


def _checker() -> Checker:
    return default_checker()


@dataclass
class Office:
    """One schema, its owner's database, and three staff logins (ops, kacho, suzuki) plus a second drafter."""

    url: str
    owner: Database
    logins: dict[str, str]
    opened: list[Database]

    def login_url(self, who: str, password: str = PASSWORD) -> str:
        return make_url(self.url).set(username=self.logins[who], password=password).render_as_string(False)

    def app(self, who: str) -> Database:
        database = open_database(self.login_url(who))
        self.opened.append(database)
        return database

    def desk(self, who: str) -> DeskService:
        database = self.app(who)
        return DeskService(database, _checker, database.login())

    def sql(self, who: str) -> psycopg.Connection[tuple[object, ...]]:
        """A psql-like connection of ``who``: autocommit, the test schema on the search path."""
        parsed = make_url(self.login_url(who))
        options = str(parsed.query.get("options", ""))
        return psycopg.connect(
            host=parsed.host,
            port=parsed.port,
            user=parsed.username,
            password=parsed.password,
            dbname=parsed.database,
            options=options,
            autocommit=True,
        )


@pytest.fixture
def office(pg_url: str) -> Iterator[Office]:
    suffix = uuid.uuid4().hex[:8]
    logins = {who: f"{who}_{suffix}" for who in ("ops", "kacho", "suzuki", "sato")}
    admin = make_engine(pg_url)
    with admin.begin() as connection:
        connection.execute(text("SET password_encryption = 'scram-sha-256'"))
        for login in logins.values():
            # What IT does for each member of staff: a login in the drafters' group.
            connection.execute(text(f"CREATE ROLE \"{login}\" LOGIN PASSWORD '{PASSWORD}' IN ROLE sns_desk_drafter"))
    owner = open_database(pg_url)  # the schema's owner migrates (0007) and is the first operations manager
    people = PeopleService(owner, owner.login())
    people.set_role(logins["ops"], Role.OPERATIONS_MANAGER)
    people.set_role(logins["kacho"], Role.ACCOUNT_MANAGER)
    for who in ("suzuki", "sato"):
        people.add(logins[who], f"{who} さん")
    office = Office(pg_url, owner, logins, [owner])
    try:
        yield office
    finally:
        for database in office.opened:
            database.close()
        with admin.begin() as connection:
            for login in logins.values():
                connection.execute(
                    text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = :login"),
                    {"login": login},
                )
                connection.execute(text(f'DROP ROLE "{login}"'))
        admin.dispose()


def _pending_draft(office: Office, text_: str = "図書館で冬のおはなし会を開催します。") -> tuple[int, int]:
    """An account managed by kacho and a draft by suzuki waiting for approval: (account id, draft id)."""
    ops = office.desk("ops")
    account = ops.add_account("x", f"広報 {uuid.uuid4().hex[:4]}", "https://x.com/hh", "広報", office.logins["kacho"])
    suzuki = office.desk("suzuki")
    draft = suzuki.create_draft(account.id, text=text_)
    for finding in suzuki.check(draft):
        draft = suzuki.acknowledge(draft.id, finding, "議会で公表済みの内容のため")
    suzuki.submit(draft.id)
    return account.id, draft.id


def _refused(conn: psycopg.Connection[tuple[object, ...]], statement: str, *params: object) -> str:
    """Run ``statement`` and return the server's refusal (the test fails if the server accepts it)."""
    with pytest.raises(errors.InsufficientPrivilege) as refused:
        conn.execute(statement, params or None)
    return str(refused.value)


def test_roles_are_group_roles_kept_in_step_with_the_app(office: Office) -> None:
    with office.sql("ops") as conn:
        rows = conn.execute(
            "SELECT g.rolname FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid"
            " JOIN pg_roles u ON u.oid = m.member WHERE u.rolname = %s",
            (office.logins["kacho"],),
        ).fetchall()
    assert [r[0] for r in rows] == ["sns_desk_account_manager"]
    ops = PeopleService(office.app("ops"), office.logins["ops"])
    ops.set_role(office.logins["kacho"], Role.DRAFTER)
    with office.sql("ops") as conn:
        (member,) = conn.execute(
            "SELECT pg_has_role(%s, 'sns_desk_drafter', 'MEMBER'),"
            " pg_has_role(%s, 'sns_desk_account_manager', 'MEMBER')",
            (office.logins["kacho"], office.logins["kacho"]),
        ).fetchall()
    assert member == (True, False)


def test_the_app_works_for_each_login_and_names_the_server_verified_user(office: Office) -> None:
    _account, draft_id = _pending_draft(office, WARNING_TEXT)
    kacho = office.desk("kacho")
    approved = kacho.approve(draft_id)
    assert (approved.state, approved.reviewed_by) == (DraftState.APPROVED, office.logins["kacho"])
    history = AuditService(office.owner).history("draft", draft_id)
    actors = {h.action: h.actor for h in history}
    assert actors[AuditAction.DRAFT_SUBMITTED.value] == office.logins["suzuki"]
    assert actors[AuditAction.DRAFT_APPROVED.value] == office.logins["kacho"]
    assert AuditService(office.app("suzuki")).verify().intact


def test_the_registry_works_for_each_login(office: Office) -> None:
    """Request, approve, policy saved/approved/published and operation started, each by its own login."""
    kacho_login = office.logins["kacho"]
    facts = AccountFactsInput(
        platform="x",
        name="@hh_kosodate",
        url="https://x.com/hh_kosodate",
        department="こども家庭課",
        display_name="東広島市 子育て応援",
        manager_title="こども家庭課長",
        operating_hours="平日 8時30分〜17時15分",
        contact="082-420-0000 kosodate@city.example.lg.jp",
        purpose="子育て世帯に向けた制度や催しの案内",
    )

    def registry(who: str) -> RegistryService:
        database = office.app(who)
        return RegistryService(database, database.login(), checker=_checker)

    kacho, ops = registry("kacho"), registry("ops")
    assert kacho.request(facts).manager == kacho_login
    ops.approve(facts.name, "広戦第12号")
    policy, _ = kacho.policy(facts.name)
    version = kacho.save_policy(facts.name, policy).version
    kacho.approve_policy(facts.name, version)
    kacho.publish_policy(facts.name, version)
    assert kacho.start_operation(facts.name).postable
    assert AuditService(office.owner).verify().intact


def test_a_drafter_cannot_approve_with_sql(office: Office) -> None:
    _account, draft_id = _pending_draft(office)
    suzuki, kacho = office.logins["suzuki"], office.logins["kacho"]
    with office.sql("suzuki") as conn:
        own = _refused(conn, "UPDATE drafts SET state = 'approved', reviewed_by = %s WHERE id = %s", suzuki, draft_id)
        assert "承認・差戻しできるのは" in own
        _refused(conn, "UPDATE drafts SET state = 'approved', reviewed_by = %s WHERE id = %s", kacho, draft_id)
        _refused(conn, "UPDATE drafts SET state = 'returned', reviewed_by = %s WHERE id = %s", suzuki, draft_id)
        _refused(conn, "UPDATE drafts SET reviewed_by = %s WHERE id = %s", kacho, draft_id)
        _refused(conn, "UPDATE drafts SET text = 'すり替え' WHERE id = %s", draft_id)
        _refused(conn, "DELETE FROM drafts WHERE id = %s", draft_id)
    with office.sql("ops") as conn:  # the operations manager cannot skip from 承認待ち to 投稿済み either
        assert "変えられません" in _refused(conn, "UPDATE drafts SET state = 'posted' WHERE id = %s", draft_id)
    with office.sql("kacho") as conn:  # the account's manager may, and only in their own name
        _refused(conn, "UPDATE drafts SET state = 'approved', reviewed_by = %s WHERE id = %s", suzuki, draft_id)
        conn.execute("UPDATE drafts SET state = 'approved', reviewed_by = %s WHERE id = %s", (kacho, draft_id))
    assert office.desk("suzuki").draft(draft_id).state is DraftState.APPROVED


def test_nobody_but_the_operations_manager_changes_a_role(office: Office) -> None:
    suzuki = office.logins["suzuki"]
    with office.sql("suzuki") as conn:
        message = _refused(conn, "UPDATE users SET role = 'operations_manager' WHERE login_name = %s", suzuki)
        assert "運用管理者だけ" in message
        _refused(conn, "UPDATE users SET active = false WHERE login_name = %s", office.logins["ops"])
        _refused(
            conn, "INSERT INTO users (login_name, display_name, role) VALUES ('intruder', 'x', 'operations_manager')"
        )
        _refused(conn, "DELETE FROM users WHERE login_name = %s", office.logins["ops"])
        _refused(conn, "GRANT sns_desk_operations_manager TO " + f'"{suzuki}"')
        conn.execute("UPDATE users SET department = '総務課' WHERE login_name = %s", (suzuki,))  # their own details
    with office.sql("kacho") as conn:
        _refused(conn, "UPDATE users SET role = 'operations_manager' WHERE login_name = %s", office.logins["kacho"])
    with office.sql("ops") as conn:
        conn.execute("UPDATE users SET role = 'account_manager' WHERE login_name = %s", (suzuki,))
    assert office.desk("suzuki").me().role is Role.ACCOUNT_MANAGER


def test_nobody_edits_or_removes_another_persons_acknowledgement(office: Office) -> None:
    _account, draft_id = _pending_draft(office, WARNING_TEXT)
    office.desk("suzuki").withdraw(draft_id)
    with office.sql("sato") as conn:
        _refused(conn, "UPDATE draft_acknowledgements SET reason = '理由なし' WHERE draft_id = %s", draft_id)
        _refused(conn, "DELETE FROM draft_acknowledgements WHERE draft_id = %s", draft_id)
        _refused(
            conn,
            "INSERT INTO draft_acknowledgements (draft_id, fingerprint, rule, reason, by, at)"
            " VALUES (%s, 'x', 'r', '了解', %s, now())",
            draft_id,
            office.logins["suzuki"],
        )
    with office.sql("suzuki") as conn:  # the author cannot rewrite their own reason after the fact either
        _refused(conn, "UPDATE draft_acknowledgements SET reason = '書き換え' WHERE draft_id = %s", draft_id)
        (reason,) = conn.execute(
            "SELECT reason FROM draft_acknowledgements WHERE draft_id = %s", (draft_id,)
        ).fetchone()
    assert reason == "議会で公表済みの内容のため"


def test_audit_rows_cannot_be_written_changed_or_removed_by_a_login(office: Office) -> None:
    _pending_draft(office)
    for who in ("suzuki", "kacho", "ops"):
        with office.sql(who) as conn:
            _refused(conn, "UPDATE audit_events SET actor = 'someone' WHERE seq = 1")
            _refused(conn, "DELETE FROM audit_events WHERE seq = 1")
            _refused(conn, "TRUNCATE audit_events")
            _refused(
                conn,
                "INSERT INTO audit_events (seq, at, actor, action, object_type, object_id, payload, prev_hash, hash)"
                " VALUES (999, now(), 'x', 'x', 'x', 'x', '{}', 'p', 'h')",
            )
    with office.sql("suzuki") as conn:  # the server's append names the caller, whatever the caller claims
        (actor, at_is_now) = conn.execute(
            "SELECT actor, at = now() FROM sns_desk_audit_append(%s, 'draft.saved', 'draft', '1', '{}', '2000-01-01')",
            (office.logins["kacho"],),
        ).fetchone()
    assert (actor, at_is_now) == (office.logins["suzuki"], True)
    report = AuditService(office.owner).verify()
    assert report.intact, report.problem


def test_a_deactivated_person_loses_the_database(office: Office) -> None:
    ops = PeopleService(office.app("ops"), office.logins["ops"])
    ops.deactivate(office.logins["sato"])
    with office.sql("sato") as conn:
        # Out of every group: not even the schema is visible any more.
        with pytest.raises((errors.InsufficientPrivilege, errors.UndefinedTable)):
            conn.execute("SELECT count(*) FROM drafts")
        (groups,) = conn.execute(
            "SELECT count(*) FROM pg_auth_members m JOIN pg_roles u ON u.oid = m.member WHERE u.rolname = current_user"
        ).fetchone()
    assert groups == 0
    with pytest.raises(StorageError):
        office.app("sato")


def test_two_terminals_appending_at_once_keep_one_chain(office: Office) -> None:
    first, second = office.sql("suzuki"), office.sql("kacho")
    try:
        first.autocommit = second.autocommit = False
        first.execute("SELECT sns_desk_audit_append('', 'draft.saved', 'draft', '1', '{}', NULL)")
        done = threading.Event()

        def append_second() -> None:
            second.execute("SELECT sns_desk_audit_append('', 'draft.saved', 'draft', '2', '{}', NULL)")
            second.commit()
            done.set()

        worker = threading.Thread(target=append_second)
        worker.start()
        with office.owner.engine.connect() as watcher:  # only a superuser sees others' wait events
            waiting = _wait_for(
                lambda: (
                    watcher.execute(
                        text(
                            "SELECT count(*) FROM pg_stat_activity WHERE usename = :login AND wait_event_type = 'Lock'"
                        ),
                        {"login": office.logins["kacho"]},
                    ).scalar_one()
                    == 1
                )
            )
        assert waiting and not done.is_set()  # the second terminal waits for the first one's link
        first.commit()
        worker.join(timeout=30)
        assert done.is_set()
    finally:
        first.close()
        second.close()
    report = AuditService(office.owner).verify()
    assert report.intact and report.count >= 2


def _wait_for(condition: Callable[[], bool], attempts: int = 2000) -> bool:
    """Poll the server (each query is a round trip, so no sleeping) until ``condition`` holds."""
    return any(condition() for _ in range(attempts))


def test_a_wrong_password_is_refused_when_the_server_asks_for_scram(office: Office) -> None:
    with office.owner.engine.connect() as connection:
        methods = {
            str(m) for (m,) in connection.execute(text("SELECT auth_method FROM pg_hba_file_rules WHERE type = 'host'"))
        }
    if "trust" in methods:
        pytest.skip("this server trusts every TCP login (CI starts one with scram-sha-256)")
    with pytest.raises(psycopg.OperationalError, match="password authentication failed"):
        psycopg.connect(office.login_url("suzuki", "wrong").replace("postgresql+psycopg", "postgresql")).close()


def test_only_the_operations_manager_moves_the_shared_media_folder(office: Office) -> None:
    with office.sql("kacho") as conn:
        assert "運用管理者だけ" in _refused(
            conn, "INSERT INTO app_settings (key, value) VALUES ('media_root', '/tmp/elsewhere')"
        )
    with office.sql("ops") as conn:
        conn.execute("INSERT INTO app_settings (key, value) VALUES ('media_root', '/srv/koho/media')")
    with office.sql("suzuki") as conn:
        _refused(conn, "UPDATE app_settings SET value = '/tmp/mine' WHERE key = 'media_root'")
        _refused(conn, "DELETE FROM app_settings WHERE key = 'media_root'")


def test_an_account_manager_cannot_take_over_another_account(office: Office) -> None:
    account_id, draft_id = _pending_draft(office)
    ops = office.desk("ops")
    other = ops.add_account("x", "別の課", "https://x.com/other", "別の課", office.logins["ops"])
    with office.sql("kacho") as conn:
        assert "運用管理者だけ" in _refused(
            conn, "UPDATE accounts SET manager = %s WHERE id = %s", office.logins["kacho"], other.id
        )
        _refused(conn, "UPDATE accounts SET status = 'closed' WHERE id = %s", account_id)
        _refused(conn, "INSERT INTO accounts (platform, name, status) VALUES ('x', '勝手な登録', 'active')")
        conn.execute("UPDATE accounts SET status = 'suspended' WHERE id = %s", (account_id,))  # their own: may pause
    with office.sql("suzuki") as conn:
        _refused(conn, "UPDATE accounts SET status = 'active' WHERE id = %s", account_id)
        assert "自分の名前" in _refused(
            conn,
            "INSERT INTO draft_events (draft_id, action, by, at, comment) VALUES (%s, 'approve', %s, now(), '')",
            draft_id,
            office.logins["kacho"],
        )


def test_a_usage_policy_is_approved_only_by_its_owner_and_never_rewritten(office: Office) -> None:
    account_id, _draft_id = _pending_draft(office)  # ops registered it with a published policy
    with office.sql("suzuki") as conn:
        conn.execute(
            "INSERT INTO policy_versions (account_id, version, body, status, author, created_at, approved_by)"
            " VALUES (%s, 99, '{}', 'draft', %s, now(), '')",
            (account_id, office.logins["suzuki"]),
        )
        assert "管理者か運用管理者" in _refused(
            conn,
            "UPDATE policy_versions SET status = 'approved', approved_by = %s WHERE version = 99",
            office.logins["suzuki"],
        )
        _refused(conn, "UPDATE policy_versions SET body = '{\"tampered\": true}' WHERE version = 1")
    with office.sql("kacho") as conn:
        _refused(conn, "UPDATE policy_versions SET status = 'approved', approved_by = 'tanaka' WHERE version = 99")
        conn.execute(
            "UPDATE policy_versions SET status = 'approved', approved_by = %s WHERE version = 99",
            (office.logins["kacho"],),
        )


def test_a_login_outside_the_groups_is_told_to_ask_it(office: Office) -> None:
    stranger = f"stranger_{uuid.uuid4().hex[:8]}"
    admin = make_engine(office.url)
    with admin.begin() as connection:
        connection.execute(text(f"CREATE ROLE \"{stranger}\" LOGIN PASSWORD '{PASSWORD}'"))  # in no sns_desk group
    url = make_url(office.url).set(username=stranger, password=PASSWORD).render_as_string(hide_password=False)
    try:
        with pytest.raises(StorageError, match=rf"ログイン「{stranger}」では.*sns_desk_drafter"):
            open_database(url)
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP ROLE "{stranger}"'))
        admin.dispose()


def test_a_url_without_the_schemas_search_path_is_explained(office: Office) -> None:
    without_path = make_url(office.login_url("suzuki"))
    without_path = without_path.set(query={k: v for k, v in without_path.query.items() if k != "options"})
    for create in (True, False):
        with pytest.raises(StorageError, match=r"スキーマ「public」には sns_desk のデータがなく.*search_path"):
            open_database(without_path.render_as_string(hide_password=False), create=create)


def test_the_rules_come_off_with_a_downgrade_and_back_with_an_upgrade(pg_url: str) -> None:
    engine = make_engine(pg_url)
    config = alembic_config()

    def triggers() -> set[str]:
        with engine.connect() as connection:
            return set(
                connection.execute(
                    text(
                        "SELECT tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid"
                        " JOIN pg_namespace n ON n.oid = c.relnamespace"
                        " WHERE NOT tgisinternal AND n.nspname = current_schema()"
                    )
                ).scalars()
            )

    try:
        for target in ("head", "0006", "head"):
            with schema_lock(engine) as connection:
                config.attributes["connection"] = connection
                (command.upgrade if target == "head" else command.downgrade)(config, target)
            assert ("sns_desk_guard_drafts" in triggers()) is (target == "head")
    finally:
        engine.dispose()
