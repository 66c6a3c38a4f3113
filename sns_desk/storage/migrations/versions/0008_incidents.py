"""Incidents (第8条・第9条): the incident, its evidence and its timeline; on PostgreSQL their server rules.

``incidents`` holds what was reported and the checklist of its kind as it was then; ``incident_evidence``
what shows what happened (an address, a screenshot in the media store, a post of the archive);
``incident_events`` the timeline (reported, step done or not needed, note, evidence, a draft made from a
generated text, closed).

On PostgreSQL, in the style of 0007: staff logins may read the three tables and insert into them; an
incident row may be updated only to close it; evidence and events are append-only; nobody but the
schema's owner may delete anything. Triggers refuse, whoever sends the SQL: an incident, evidence or a
timeline line in another's name; writing to an incident one may not see (the reporter, the account's
manager, the operations manager); ticking a step or closing unless one is the account's manager or the
operations manager; marking a required step 不要 or one without a reason; changing what was reported;
closing while a required step is not done or an optional one undecided; anything once it is closed.
Each change is announced on ``sns_desk_changes`` as a change of ``incidents``.

Revision ID: 0008
Revises: 0007
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy import Connection, text

revision: str = "0008"
down_revision: str | Sequence[str] | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES_UPDATABLE = ("incidents",)
TABLES_APPEND_ONLY = ("incident_evidence", "incident_events")


def _create_tables() -> None:
    op.create_table(
        "incidents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("found_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("found_by", sa.String(length=200), nullable=False),
        sa.Column("reported_by", sa.String(length=150), nullable=False),
        sa.Column("reported_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("checklist", sa.JSON(), nullable=False),
        sa.Column("closed_by", sa.String(length=150), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["account_id"], ["accounts.id"], name=op.f("fk_incidents_account_id_accounts")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_incidents")),
    )
    op.create_index(op.f("ix_incidents_account_id"), "incidents", ["account_id"])
    op.create_index(op.f("ix_incidents_status"), "incidents", ["status"])
    op.create_table(
        "incident_evidence",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("incident_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("url", sa.String(length=2000), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("format", sa.String(length=16), nullable=False),
        sa.Column("byte_size", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("added_by", sa.String(length=150), nullable=False),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["incident_id"], ["incidents.id"], name=op.f("fk_incident_evidence_incident_id_incidents")
        ),
        sa.ForeignKeyConstraint(
            ["item_id"], ["posted_items.id"], name=op.f("fk_incident_evidence_item_id_posted_items")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_incident_evidence")),
    )
    op.create_index(op.f("ix_incident_evidence_incident_id"), "incident_evidence", ["incident_id"])
    op.create_table(
        "incident_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("incident_id", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column("step_id", sa.String(length=64), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("by", sa.String(length=150), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("draft_id", sa.Integer(), nullable=True),
        sa.Column("text_kind", sa.String(length=16), nullable=False),
        sa.Column("evidence_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["draft_id"], ["drafts.id"], name=op.f("fk_incident_events_draft_id_drafts")),
        sa.ForeignKeyConstraint(
            ["evidence_id"], ["incident_evidence.id"], name=op.f("fk_incident_events_evidence_id_incident_evidence")
        ),
        sa.ForeignKeyConstraint(
            ["incident_id"], ["incidents.id"], name=op.f("fk_incident_events_incident_id_incidents")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_incident_events")),
    )
    op.create_index(op.f("ix_incident_events_incident_id"), "incident_events", ["incident_id"])


def _functions(schema: str) -> list[str]:
    """The functions, pinned to ``schema`` (quoted), using 0007's sns_desk_trusted/caller_role/refuse."""
    path = f"SET search_path = {schema}, pg_temp"
    return [
        # The account's manager (in that role) or the operations manager: who ticks steps and closes.
        f"""
CREATE FUNCTION sns_desk_runs_incident(p_account_id integer) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER {path} AS $$
  SELECT coalesce(sns_desk_caller_role() = 'operations_manager'
      OR (sns_desk_caller_role() = 'account_manager'
          AND session_user::text = (SELECT manager FROM accounts WHERE id = p_account_id)), false)
$$""",
        # Who may see an incident, and so add to it: those who run it, and whoever reported it.
        f"""
CREATE FUNCTION sns_desk_may_see_incident(p_incident_id integer) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER {path} AS $$
  SELECT coalesce(sns_desk_caller_role() IS NOT NULL
      AND (sns_desk_runs_incident(i.account_id) OR i.reported_by = session_user::text), false)
  FROM incidents i WHERE i.id = p_incident_id
$$""",
        # The steps that keep an incident open: required ones not done, optional ones not decided.
        f"""
CREATE FUNCTION sns_desk_incident_open_steps(p_incident incidents) RETURNS text
LANGUAGE sql STABLE SECURITY DEFINER {path} AS $$
  SELECT string_agg('「' || (t.s ->> 'title') || '」', '、' ORDER BY t.n)
  FROM json_array_elements(p_incident.checklist::json) WITH ORDINALITY AS t(s, n)
  WHERE NOT EXISTS (
    SELECT 1 FROM incident_events e
    WHERE e.incident_id = p_incident.id AND e.step_id = t.s ->> 'id'
      AND (e.action = 'step_done'
           OR (e.action = 'step_not_needed' AND NOT coalesce((t.s ->> 'required')::boolean, true))))
$$""",
        f"""
CREATE FUNCTION sns_desk_guard_incidents() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER {path} AS $$
DECLARE
  caller text := sns_desk_caller_role();
  open_steps text;
BEGIN
  IF sns_desk_trusted() THEN
    RETURN NEW;
  END IF;
  IF caller IS NULL THEN
    PERFORM sns_desk_refuse('登録されていないか無効にされた職員は事案を記録できません');
  END IF;
  IF TG_OP = 'INSERT' THEN
    IF NEW.reported_by IS DISTINCT FROM session_user::text OR NEW.status <> 'open'
       OR NEW.closed_by <> '' OR NEW.closed_at IS NOT NULL THEN
      PERFORM sns_desk_refuse('事案は自分の名前で、対応中として報告してください');
    END IF;
    IF (SELECT status FROM accounts WHERE id = NEW.account_id) IN ('requested', 'rejected') THEN
      PERFORM sns_desk_refuse('申請中・不承認のアカウントは市のアカウントではないため、事案を報告できません');
    END IF;
    RETURN NEW;
  END IF;
  IF NEW.id IS DISTINCT FROM OLD.id OR NEW.account_id IS DISTINCT FROM OLD.account_id
     OR NEW.kind IS DISTINCT FROM OLD.kind OR NEW.description IS DISTINCT FROM OLD.description
     OR NEW.found_at IS DISTINCT FROM OLD.found_at OR NEW.found_by IS DISTINCT FROM OLD.found_by
     OR NEW.reported_by IS DISTINCT FROM OLD.reported_by OR NEW.reported_at IS DISTINCT FROM OLD.reported_at
     OR NEW.checklist::text IS DISTINCT FROM OLD.checklist::text THEN
    PERFORM sns_desk_refuse('報告した事案の内容は変更できません(経過は記録として追加してください)');
  END IF;
  IF OLD.status <> 'open' OR NEW.status <> 'closed' THEN
    PERFORM sns_desk_refuse(format('事案の状態は「%s」から「%s」に変えられません', OLD.status, NEW.status));
  END IF;
  IF NOT sns_desk_runs_incident(OLD.account_id) OR NEW.closed_by IS DISTINCT FROM session_user::text
     OR NEW.closed_at IS NULL THEN
    PERFORM sns_desk_refuse('事案を終了できるのは、そのアカウントの管理者か運用管理者です(自分の名前で記録します)');
  END IF;
  open_steps := sns_desk_incident_open_steps(OLD);
  IF open_steps IS NOT NULL THEN
    PERFORM sns_desk_refuse('次の手順が済んでいないため、事案を終了できません: ' || open_steps);
  END IF;
  RETURN NEW;
END $$""",
        f"""
CREATE FUNCTION sns_desk_guard_incident_evidence() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER {path} AS $$
BEGIN
  IF sns_desk_trusted() THEN
    RETURN NEW;
  END IF;
  IF NEW.added_by IS DISTINCT FROM session_user::text THEN
    PERFORM sns_desk_refuse('事案の証拠は自分の名前でしか追加できません');
  END IF;
  IF NOT coalesce(sns_desk_may_see_incident(NEW.incident_id), false) THEN
    PERFORM sns_desk_refuse('この事案に追加できるのは、報告した人、そのアカウントの管理者と運用管理者です');
  END IF;
  IF (SELECT status FROM incidents WHERE id = NEW.incident_id) <> 'open' THEN
    PERFORM sns_desk_refuse('終了した事案には追加できません');
  END IF;
  RETURN NEW;
END $$""",
        f"""
CREATE FUNCTION sns_desk_guard_incident_events() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER {path} AS $$
DECLARE
  i incidents;
  step json;
BEGIN
  IF sns_desk_trusted() THEN
    RETURN NEW;
  END IF;
  IF NEW."by" IS DISTINCT FROM session_user::text THEN
    PERFORM sns_desk_refuse('事案の経過は自分の名前でしか記録できません');
  END IF;
  IF NOT coalesce(sns_desk_may_see_incident(NEW.incident_id), false) THEN
    PERFORM sns_desk_refuse('この事案に記録できるのは、報告した人、そのアカウントの管理者と運用管理者です');
  END IF;
  SELECT * INTO i FROM incidents WHERE id = NEW.incident_id;
  IF i.status <> 'open' THEN
    PERFORM sns_desk_refuse('終了した事案には記録できません');
  END IF;
  IF NEW.action = 'opened' AND NEW."by" IS DISTINCT FROM i.reported_by THEN
    PERFORM sns_desk_refuse('事案の受付は、報告した人の名前でだけ記録されます');
  END IF;
  IF NEW.action IN ('step_done', 'step_not_needed', 'closed') AND NOT sns_desk_runs_incident(i.account_id) THEN
    PERFORM sns_desk_refuse('手順の記録と事案の終了ができるのは、そのアカウントの管理者か運用管理者です');
  END IF;
  IF NEW.action IN ('step_done', 'step_not_needed') THEN
    SELECT t.s INTO step FROM json_array_elements(i.checklist::json) AS t(s) WHERE t.s ->> 'id' = NEW.step_id;
    IF step IS NULL THEN
      PERFORM sns_desk_refuse(format('この事案に手順「%s」はありません', NEW.step_id));
    END IF;
    IF EXISTS (SELECT 1 FROM incident_events e
               WHERE e.incident_id = i.id AND e.step_id = NEW.step_id AND e.action = 'step_done') THEN
      PERFORM sns_desk_refuse('済みにした手順は変えられません');
    END IF;
    IF NEW.action = 'step_not_needed'
       AND (coalesce((step ->> 'required')::boolean, true) OR btrim(NEW.text) = '') THEN
      PERFORM sns_desk_refuse('必須の手順は不要にできません。ほかの手順を不要にするときは理由を書いてください');
    END IF;
  END IF;
  IF NEW.draft_id IS NOT NULL
     AND (SELECT author FROM drafts WHERE id = NEW.draft_id) IS DISTINCT FROM session_user::text THEN
    PERFORM sns_desk_refuse('事案に紐づけられるのは、自分が作った投稿案だけです');
  END IF;
  IF NEW.evidence_id IS NOT NULL
     AND (SELECT incident_id FROM incident_evidence WHERE id = NEW.evidence_id) IS DISTINCT FROM NEW.incident_id THEN
    PERFORM sns_desk_refuse('その証拠はこの事案のものではありません');
  END IF;
  RETURN NEW;
END $$""",
        # Other terminals refresh the incident: its timeline's lines are announced as a change of it.
        f"""
CREATE FUNCTION sns_desk_notify_incident_change() RETURNS trigger
LANGUAGE plpgsql {path} AS $$
BEGIN
  PERFORM pg_notify('sns_desk_changes',
    json_build_object('schema', current_schema(), 'table', 'incidents', 'id', NEW.incident_id)::text);
  RETURN NULL;
END $$""",
    ]


TRIGGERS = (
    ("incidents", "sns_desk_guard_incidents", "BEFORE INSERT OR UPDATE"),
    ("incident_evidence", "sns_desk_guard_incident_evidence", "BEFORE INSERT"),
    ("incident_events", "sns_desk_guard_incident_events", "BEFORE INSERT"),
    ("incidents", "sns_desk_notify_change", "AFTER INSERT OR UPDATE"),
    ("incident_events", "sns_desk_notify_incident_change", "AFTER INSERT"),
)
"""(table, function, when). The trigger on ``incidents`` that notifies is named after 0007's function,
so it is distinguished by table."""
FUNCTIONS = (
    "sns_desk_notify_incident_change()",
    "sns_desk_guard_incident_events()",
    "sns_desk_guard_incident_evidence()",
    "sns_desk_guard_incidents()",
    "sns_desk_incident_open_steps(incidents)",
    "sns_desk_may_see_incident(integer)",
    "sns_desk_runs_incident(integer)",
)


def _schema(bind: Connection) -> str:
    name = str(bind.execute(text("SELECT current_schema()")).scalar_one())
    return '"' + name.replace('"', '""') + '"'


def _runner(bind: Connection) -> Callable[[str], None]:
    """Plain SQL on the driver's cursor: nobody parses ":MI" or "%s" in it as a parameter."""
    cursor = bind.connection.cursor()

    def run(statement: str) -> None:
        cursor.execute(statement)

    return run


def upgrade() -> None:
    _create_tables()
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    run = _runner(bind)
    for statement in _functions(_schema(bind)):
        run(statement)
    for table, function, when in TRIGGERS:
        run(f"CREATE TRIGGER {function} {when} ON {table} FOR EACH ROW EXECUTE FUNCTION {function}()")
    # The default privileges of 0007 cover tables its owner creates; say it for these whoever runs this.
    for table in (*TABLES_UPDATABLE, *TABLES_APPEND_ONLY):
        run(f"REVOKE ALL ON {table} FROM PUBLIC")
        run(f"GRANT SELECT, INSERT ON {table} TO sns_desk_staff")
        run(f"GRANT USAGE ON SEQUENCE {table}_id_seq TO sns_desk_staff")
    for table in TABLES_UPDATABLE:
        run(f"GRANT UPDATE ON {table} TO sns_desk_staff")
    for table in TABLES_APPEND_ONLY:
        run(f"REVOKE UPDATE, DELETE, TRUNCATE ON {table} FROM sns_desk_staff")
    run("REVOKE DELETE, TRUNCATE ON incidents FROM sns_desk_staff")


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        run = _runner(bind)
        for table, function, _when in TRIGGERS:
            run(f"DROP TRIGGER IF EXISTS {function} ON {table}")
        for function in FUNCTIONS:
            run(f"DROP FUNCTION IF EXISTS {function}")
    op.drop_index(op.f("ix_incident_events_incident_id"), table_name="incident_events")
    op.drop_table("incident_events")
    op.drop_index(op.f("ix_incident_evidence_incident_id"), table_name="incident_evidence")
    op.drop_table("incident_evidence")
    op.drop_index(op.f("ix_incidents_status"), table_name="incidents")
    op.drop_index(op.f("ix_incidents_account_id"), table_name="incidents")
    op.drop_table("incidents")
