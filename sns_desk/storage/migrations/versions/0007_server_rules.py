"""PostgreSQL enforces who may do what, and writes the audit chain itself.

Staff connect with their own login roles (SSPI or SCRAM, see the README's IT section). What a
login may touch comes from group roles: ``sns_desk_staff`` holds the table privileges and the
three app roles (``sns_desk_drafter``, ``sns_desk_account_manager``,
``sns_desk_operations_manager``) are its members; every login is put in the group of its role.

On top of the privileges, triggers refuse what the app's rules refuse even when somebody goes
round the app with psql: approving or returning a draft (four eyes, the account's manager or the
operations manager), changing a person's role or deactivating them (operations manager only),
editing or removing another person's acknowledgement. The audit table is read-only for logins:
records are appended by ``sns_desk_audit_append``, a SECURITY DEFINER function that takes the
actor from ``session_user``, the time from the server, and the chain's head under an advisory
lock, so terminals cannot fork the chain and nobody can write a record in another's name.

Every committed change of a draft, an account or a person is announced on the channel
``sns_desk_changes`` (LISTEN/NOTIFY), so other terminals refresh without being asked to.

The owner of the schema (and a superuser) is trusted: it runs migrations and maintenance, and
could drop the triggers anyway. The staff's logins must never own the schema.

SQLite has no roles and no server: there this revision changes nothing (the README says what
SQLite cannot protect and what the audit chain still detects there).

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from alembic import op
from sqlalchemy import Connection, text

revision: str = "0007"
down_revision: str | Sequence[str] | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

AUDIT_LOCK_KEY = 0x534E5341  # storage/audit.py takes the same lock on the client path
GROUPS = ("sns_desk_drafter", "sns_desk_account_manager", "sns_desk_operations_manager")
OPERATIONS_SETTINGS = ("media_root", "policy.official_accounts_url")
TABLES_WITH_DELETE = ("draft_acknowledgements", "draft_attachments")
TABLES_APPEND_ONLY = ("draft_events",)
TABLES_READ_ONLY = ("audit_events", "alembic_version")


def _functions(schema: str, schema_name: str) -> list[str]:
    """The functions, pinned to ``schema`` (quoted) whose plain name is ``schema_name`` (a literal)."""
    path = f"SET search_path = {schema}, pg_temp"
    return [
        # Trusted: the schema's owner or a superuser (migrations, maintenance, IT).
        f"""
CREATE FUNCTION sns_desk_trusted() RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER {path} AS $$
  SELECT coalesce((SELECT rolsuper FROM pg_roles WHERE rolname = session_user), false)
      OR session_user::text = (SELECT pg_get_userbyid(nspowner)::text FROM pg_namespace WHERE nspname = '{schema_name}')
$$""",
        # The caller's app role, or NULL when they are unknown or deactivated.
        f"""
CREATE FUNCTION sns_desk_caller_role() RETURNS text
LANGUAGE sql STABLE SECURITY DEFINER {path} AS $$
  SELECT role FROM users WHERE login_name = session_user::text AND active
$$""",
        f"""
CREATE FUNCTION sns_desk_refuse(p_message text) RETURNS void
LANGUAGE plpgsql {path} AS $$
BEGIN
  RAISE EXCEPTION USING ERRCODE = 'insufficient_privilege', MESSAGE = p_message,
    HINT = 'データベースサーバーが拒否しました(sns_desk の規則)';
END $$""",
        f"""
CREATE FUNCTION sns_desk_guard_users() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER {path} AS $$
DECLARE
  caller text := sns_desk_caller_role();
BEGIN
  IF sns_desk_trusted() THEN
    RETURN NEW;
  END IF;
  IF TG_OP = 'INSERT' THEN
    IF NOT (caller = 'operations_manager'
            OR (NEW.login_name = session_user::text AND NEW.role = 'drafter' AND NEW.active)) THEN
      PERFORM sns_desk_refuse('職員を登録できるのは運用管理者だけです(自分を起案者として登録する場合を除く)');
    END IF;
  ELSIF NEW.login_name IS DISTINCT FROM OLD.login_name OR NEW.role IS DISTINCT FROM OLD.role
        OR NEW.active IS DISTINCT FROM OLD.active THEN
    IF caller IS DISTINCT FROM 'operations_manager' THEN
      PERFORM sns_desk_refuse('役割の変更や無効化ができるのは運用管理者だけです');
    END IF;
  ELSIF NOT (caller = 'operations_manager' OR OLD.login_name = session_user::text) THEN
    PERFORM sns_desk_refuse('ほかの職員の登録情報を変更できるのは運用管理者だけです');
  END IF;
  RETURN NEW;
END $$""",
        # Put the person's login role (when IT has created one) in the group of their app role.
        f"""
CREATE FUNCTION sns_desk_sync_groups() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER {path} AS $$
DECLARE
  grp text;
  wanted text := CASE WHEN NEW.active THEN 'sns_desk_' || NEW.role END;
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = NEW.login_name AND rolcanlogin AND NOT rolsuper)
     OR NEW.login_name = (SELECT pg_get_userbyid(nspowner)::text FROM pg_namespace WHERE nspname = '{schema_name}') THEN
    RETURN NEW;
  END IF;
  FOREACH grp IN ARRAY ARRAY['sns_desk_drafter', 'sns_desk_account_manager', 'sns_desk_operations_manager'] LOOP
    IF grp = wanted THEN
      EXECUTE format('GRANT %I TO %I', grp, NEW.login_name);
    ELSIF pg_has_role(NEW.login_name, grp, 'MEMBER') THEN
      EXECUTE format('REVOKE %I FROM %I', grp, NEW.login_name);
    END IF;
  END LOOP;
  RETURN NEW;
END $$""",
        f"""
CREATE FUNCTION sns_desk_may_approve(d drafts) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER {path} AS $$
  SELECT session_user::text <> d.author
     AND NOT (coalesce(d.editors::jsonb, '[]'::jsonb) ? session_user::text)
     AND (sns_desk_caller_role() = 'operations_manager'
          OR (sns_desk_caller_role() = 'account_manager'
              AND session_user::text = (SELECT manager FROM accounts WHERE id = d.account_id)))
$$""",
        f"""
CREATE FUNCTION sns_desk_may_edit(d drafts) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER {path} AS $$
  SELECT sns_desk_caller_role() IS NOT NULL
     AND (session_user::text = d.author OR sns_desk_caller_role() <> 'drafter')
$$""",
        f"""
CREATE FUNCTION sns_desk_guard_drafts() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER {path} AS $$
BEGIN
  IF sns_desk_trusted() THEN
    RETURN NEW;
  END IF;
  IF TG_OP = 'INSERT' THEN
    IF NEW.author <> session_user::text OR NEW.state <> 'draft' OR NEW.reviewed_by <> ''
       OR sns_desk_caller_role() IS NULL THEN
      PERFORM sns_desk_refuse('投稿案は自分の名前で、下書きとして作成してください');
    END IF;
    RETURN NEW;
  END IF;
  IF NEW.author IS DISTINCT FROM OLD.author OR NEW.id IS DISTINCT FROM OLD.id THEN
    PERFORM sns_desk_refuse('投稿案の作成者は変更できません');
  END IF;
  IF NEW.state IS DISTINCT FROM OLD.state THEN
    IF OLD.state = 'pending' AND NEW.state IN ('approved', 'returned') THEN
      IF NOT sns_desk_may_approve(NEW) OR NEW.reviewed_by IS DISTINCT FROM session_user::text THEN
        PERFORM sns_desk_refuse('この投稿案を承認・差戻しできるのは、作成にも編集にも関わっていない'
                                || 'このアカウントのアカウント管理者か運用管理者です');
      END IF;
    ELSIF OLD.state IN ('pending', 'approved') AND NEW.state = 'draft' THEN
      IF session_user::text <> OLD.author THEN
        PERFORM sns_desk_refuse('承認申請を取り下げられるのは作成者だけです');
      END IF;
    ELSIF (OLD.state IN ('draft', 'returned') AND NEW.state IN ('pending', 'discarded'))
          OR (OLD.state = 'approved' AND NEW.state = 'posted') THEN
      IF NOT sns_desk_may_edit(OLD) THEN
        PERFORM sns_desk_refuse('この投稿案を操作できるのは作成者か管理者です');
      END IF;
    ELSE
      PERFORM sns_desk_refuse(format('投稿案の状態は「%s」から「%s」に変えられません', OLD.state, NEW.state));
    END IF;
    IF NEW.state NOT IN ('approved', 'returned') AND NEW.reviewed_by IS DISTINCT FROM OLD.reviewed_by
       AND NEW.reviewed_by <> '' THEN
      PERFORM sns_desk_refuse('承認者の記録は承認・差戻しのときだけ変わります');
    END IF;
    RETURN NEW;
  END IF;
  IF NOT sns_desk_may_edit(OLD) THEN
    PERFORM sns_desk_refuse('この投稿案を編集する権限がありません');
  END IF;
  IF NEW.reviewed_by IS DISTINCT FROM OLD.reviewed_by THEN
    PERFORM sns_desk_refuse('承認者の記録は承認・差戻しのときだけ変わります');
  END IF;
  IF OLD.state NOT IN ('draft', 'returned') AND NEW.text IS DISTINCT FROM OLD.text THEN
    PERFORM sns_desk_refuse(format('「%s」の投稿案の本文は変更できません', OLD.state));
  END IF;
  RETURN NEW;
END $$""",
        f"""
CREATE FUNCTION sns_desk_guard_acknowledgements() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER {path} AS $$
DECLARE
  d drafts;
BEGIN
  IF sns_desk_trusted() THEN
    RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
  END IF;
  IF TG_OP = 'UPDATE' THEN
    PERFORM sns_desk_refuse('確認済みの記録は書き換えられません(確認し直すと新しい記録になります)');
  END IF;
  SELECT * INTO d FROM drafts WHERE id = CASE WHEN TG_OP = 'DELETE' THEN OLD.draft_id ELSE NEW.draft_id END;
  IF TG_OP = 'INSERT' THEN
    IF NEW."by" <> session_user::text OR NOT sns_desk_may_edit(d) THEN
      PERFORM sns_desk_refuse('警告の確認は、投稿案を編集できる人が自分の名前で記録します');
    END IF;
    RETURN NEW;
  END IF;
  IF d.id IS NOT NULL AND OLD."by" <> session_user::text AND sns_desk_caller_role() IS DISTINCT FROM 'account_manager'
     AND sns_desk_caller_role() IS DISTINCT FROM 'operations_manager' THEN
    PERFORM sns_desk_refuse('ほかの職員の確認済みの記録は削除できません');
  END IF;
  RETURN OLD;
END $$""",
        # Accounts: who manages one and whether it operates decide who approves its posts.
        f"""
CREATE FUNCTION sns_desk_guard_accounts() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER {path} AS $$
DECLARE
  caller text := sns_desk_caller_role();
BEGIN
  IF sns_desk_trusted() OR caller = 'operations_manager' THEN
    RETURN NEW;
  END IF;
  IF caller IS NULL THEN
    PERFORM sns_desk_refuse('登録されていないか無効にされた職員はアカウントを変更できません');
  END IF;
  IF TG_OP = 'INSERT' THEN
    IF NEW.status NOT IN ('requested', 'imported') THEN
      PERFORM sns_desk_refuse('アカウントを登録・承認できるのは運用管理者だけです(申請はできます)');
    END IF;
    RETURN NEW;
  END IF;
  IF NEW.manager IS DISTINCT FROM OLD.manager AND OLD.status <> 'requested' THEN
    PERFORM sns_desk_refuse('アカウント管理者を変えられるのは運用管理者だけです');
  END IF;
  IF NEW.status IS DISTINCT FROM OLD.status AND NOT (
       caller = 'account_manager' AND OLD.manager = session_user::text
       AND OLD.status IN ('approved', 'active', 'suspended') AND NEW.status IN ('active', 'suspended')) THEN
    PERFORM sns_desk_refuse('アカウントの状態を変えられるのは運用管理者か、'
                            || '運用の開始・休止ならそのアカウントの管理者です');
  END IF;
  RETURN NEW;
END $$""",
        # Usage policies (第4条): versions never change text; the account's owner approves and publishes.
        f"""
CREATE FUNCTION sns_desk_guard_policies() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER {path} AS $$
DECLARE
  caller text := sns_desk_caller_role();
  owner_ok boolean := caller = 'operations_manager' OR (caller = 'account_manager'
    AND session_user::text = (SELECT manager FROM accounts WHERE id = NEW.account_id));
BEGIN
  IF sns_desk_trusted() THEN
    RETURN NEW;
  END IF;
  IF TG_OP = 'INSERT' THEN
    IF caller IS NULL OR NEW.status <> 'draft' OR NEW.author <> session_user::text OR NEW.approved_by <> '' THEN
      PERFORM sns_desk_refuse('利用方針の版は自分の名前で、案として保存してください');
    END IF;
    RETURN NEW;
  END IF;
  IF NEW.body IS DISTINCT FROM OLD.body OR NEW.author IS DISTINCT FROM OLD.author
     OR NEW.account_id IS DISTINCT FROM OLD.account_id OR NEW.version IS DISTINCT FROM OLD.version THEN
    PERFORM sns_desk_refuse('保存した利用方針の版は変更できません(新しい版として保存してください)');
  END IF;
  IF NOT coalesce(owner_ok, false) THEN
    PERFORM sns_desk_refuse('利用方針を承認・公表できるのは、このアカウントの管理者か運用管理者です');
  END IF;
  IF NEW.approved_by IS DISTINCT FROM OLD.approved_by AND NEW.approved_by <> session_user::text THEN
    PERFORM sns_desk_refuse('利用方針の承認は自分の名前でしか記録できません');
  END IF;
  RETURN NEW;
END $$""",
        # Draft history is written in the writer's own name.
        f"""
CREATE FUNCTION sns_desk_guard_draft_events() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER {path} AS $$
BEGIN
  IF NOT sns_desk_trusted() AND NEW."by" IS DISTINCT FROM session_user::text THEN
    PERFORM sns_desk_refuse('投稿案の履歴は自分の名前でしか記録できません');
  END IF;
  RETURN NEW;
END $$""",
        # Office-wide settings only the operations manager may change (the shared media folder, ...).
        f"""
CREATE FUNCTION sns_desk_guard_settings() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER {path} AS $$
BEGIN
  IF NOT sns_desk_trusted() AND NEW.key IN ({", ".join(f"'{k}'" for k in OPERATIONS_SETTINGS)})
     AND sns_desk_caller_role() IS DISTINCT FROM 'operations_manager' THEN
    PERFORM sns_desk_refuse('この設定を変更できるのは運用管理者だけです');
  END IF;
  RETURN NEW;
END $$""",
        # Other terminals refresh at once: announce each committed change (storage/changes.py listens).
        f"""
CREATE FUNCTION sns_desk_notify_change() RETURNS trigger
LANGUAGE plpgsql {path} AS $$
BEGIN
  PERFORM pg_notify('sns_desk_changes',
    json_build_object('schema', '{schema_name}', 'table', TG_TABLE_NAME, 'id', NEW.id)::text);
  RETURN NULL;
END $$""",
        # The audit chain, written by the server.
        f"""
CREATE FUNCTION sns_desk_audit_append(
  p_actor text, p_action text, p_object_type text, p_object_id text, p_payload text, p_at timestamptz
) RETURNS SETOF audit_events
LANGUAGE plpgsql SECURITY DEFINER {path} AS $$
DECLARE
  v_seq integer;
  v_prev text;
  v_actor text := CASE WHEN sns_desk_trusted() THEN p_actor ELSE session_user::text END;
  v_at timestamptz := CASE WHEN sns_desk_trusted() AND p_at IS NOT NULL THEN p_at ELSE now() END;
  v_content text;
BEGIN
  IF json_typeof(p_payload::json) <> 'object' THEN
    RAISE EXCEPTION '監査記録の内容は JSON のオブジェクトにしてください';
  END IF;
  PERFORM pg_advisory_xact_lock({AUDIT_LOCK_KEY});
  SELECT a.seq, a.hash INTO v_seq, v_prev FROM audit_events a ORDER BY a.seq DESC LIMIT 1;
  IF v_seq IS NULL THEN
    v_seq := 1;
    v_prev := repeat('0', 64);
  ELSE
    v_seq := v_seq + 1;
  END IF;
  v_content := '{{"action":' || to_json(p_action)::text
    || ',"actor":' || to_json(v_actor)::text
    || ',"at":"' || to_char(v_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') || '"'
    || ',"object":[' || to_json(p_object_type)::text || ',' || to_json(p_object_id)::text || ']'
    || ',"payload":' || p_payload
    || ',"seq":' || v_seq || '}}';
  RETURN QUERY INSERT INTO audit_events (seq, at, actor, action, object_type, object_id, payload, prev_hash, hash)
    VALUES (v_seq, v_at, v_actor, p_action, p_object_type, p_object_id, p_payload, v_prev,
            encode(sha256(convert_to(v_prev || v_content, 'UTF8')), 'hex'))
    RETURNING *;
END $$""",
    ]


TRIGGERS = (
    ("users", "sns_desk_guard_users", "BEFORE INSERT OR UPDATE"),
    ("users", "sns_desk_sync_groups", "AFTER INSERT OR UPDATE OF role, active"),
    ("drafts", "sns_desk_guard_drafts", "BEFORE INSERT OR UPDATE"),
    ("draft_acknowledgements", "sns_desk_guard_acknowledgements", "BEFORE INSERT OR UPDATE OR DELETE"),
    ("app_settings", "sns_desk_guard_settings", "BEFORE INSERT OR UPDATE"),
    ("accounts", "sns_desk_guard_accounts", "BEFORE INSERT OR UPDATE"),
    ("draft_events", "sns_desk_guard_draft_events", "BEFORE INSERT"),
    ("policy_versions", "sns_desk_guard_policies", "BEFORE INSERT OR UPDATE"),
    *((table, "sns_desk_notify_change", "AFTER INSERT OR UPDATE") for table in ("drafts", "accounts", "users")),
)
FUNCTIONS = (
    "sns_desk_audit_append(text, text, text, text, text, timestamptz)",
    "sns_desk_guard_acknowledgements()",
    "sns_desk_notify_change()",
    "sns_desk_guard_settings()",
    "sns_desk_guard_accounts()",
    "sns_desk_guard_draft_events()",
    "sns_desk_guard_policies()",
    "sns_desk_guard_drafts()",
    "sns_desk_may_edit(drafts)",
    "sns_desk_may_approve(drafts)",
    "sns_desk_sync_groups()",
    "sns_desk_guard_users()",
    "sns_desk_refuse(text)",
    "sns_desk_caller_role()",
    "sns_desk_trusted()",
)


def _schema(bind: Connection) -> tuple[str, str]:
    name = str(bind.execute(text("SELECT current_schema()")).scalar_one())
    return '"' + name.replace('"', '""') + '"', name.replace("'", "''")


def _runner(bind: Connection) -> Callable[[str], None]:
    """Plain SQL on the driver's cursor: nobody parses ":MI" or "%I" in it as a parameter."""
    cursor = bind.connection.cursor()

    def run(statement: str) -> None:
        cursor.execute(statement)

    return run


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    schema, schema_name = _schema(bind)
    run = _runner(bind)
    # Group roles belong to the whole server: create them once, keep them across databases.
    for group in ("sns_desk_staff", *GROUPS):
        run(
            f"DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{group}') "
            f"THEN CREATE ROLE {group} NOLOGIN; END IF; END $$"
        )
    for group in GROUPS:
        run(f"GRANT sns_desk_staff TO {group}")
    for statement in _functions(schema, schema_name):
        run(statement)
    for table, function, when in TRIGGERS:
        run(f"CREATE TRIGGER {function} {when} ON {table} FOR EACH ROW EXECUTE FUNCTION {function}()")
    run(f"REVOKE ALL ON ALL TABLES IN SCHEMA {schema} FROM PUBLIC")
    run(f"GRANT USAGE ON SCHEMA {schema} TO sns_desk_staff")
    run(f"GRANT SELECT, INSERT, UPDATE ON ALL TABLES IN SCHEMA {schema} TO sns_desk_staff")
    run(f"GRANT USAGE ON ALL SEQUENCES IN SCHEMA {schema} TO sns_desk_staff")
    for table in TABLES_WITH_DELETE:
        run(f"GRANT DELETE ON {table} TO sns_desk_staff")
    for table in TABLES_APPEND_ONLY:
        run(f"REVOKE UPDATE ON {table} FROM sns_desk_staff")
    for table in TABLES_READ_ONLY:
        run(f"REVOKE INSERT, UPDATE ON {table} FROM sns_desk_staff")
    # Tables and sequences of later revisions get the same base privileges.
    run(f"ALTER DEFAULT PRIVILEGES IN SCHEMA {schema} GRANT SELECT, INSERT, UPDATE ON TABLES TO sns_desk_staff")
    run(f"ALTER DEFAULT PRIVILEGES IN SCHEMA {schema} GRANT USAGE ON SEQUENCES TO sns_desk_staff")
    run(f"REVOKE ALL ON FUNCTION {FUNCTIONS[0]} FROM PUBLIC")
    run(f"GRANT EXECUTE ON FUNCTION {FUNCTIONS[0]} TO sns_desk_staff")


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    schema, _name = _schema(bind)
    run = _runner(bind)
    for table, function, _when in TRIGGERS:
        run(f"DROP TRIGGER IF EXISTS {function} ON {table}")
    for function in FUNCTIONS:
        run(f"DROP FUNCTION IF EXISTS {function}")
    run(f"ALTER DEFAULT PRIVILEGES IN SCHEMA {schema} REVOKE ALL ON TABLES FROM sns_desk_staff")
    run(f"ALTER DEFAULT PRIVILEGES IN SCHEMA {schema} REVOKE ALL ON SEQUENCES FROM sns_desk_staff")
    run(f"REVOKE ALL ON ALL TABLES IN SCHEMA {schema} FROM sns_desk_staff")
    run(f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA {schema} FROM sns_desk_staff")
    run(f"REVOKE USAGE ON SCHEMA {schema} FROM sns_desk_staff")
