"""ORM models (SQLAlchemy 2 typed declarative mapping).

Every schema change here needs a hand-written migration in ``migrations/versions``;
``tests/storage`` checks that both agree.
"""

from __future__ import annotations

import enum
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Connection,
    Date,
    DateTime,
    Dialect,
    Enum,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    event,
    func,
)
from sqlalchemy import text as sql_text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

from ..core.archive.search_text import search_key, spaced

#: Constraint names are derived from this, so that Alembic batch mode on SQLite
#: can find (and drop or recreate) every constraint by name.
NAMING_CONVENTION: dict[str, str] = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Declarative base of all sns_desk tables."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp stored in UTC and always returned timezone-aware (UTC).

    SQLite has no time zones, so naive values read back are taken as UTC; naive
    values are refused on the way in because their zone would be a guess.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError("naive datetime given; use a timezone-aware value such as datetime.now(UTC)")
        value = value.astimezone(UTC)
        # SQLite stores the text form: keep it naive so every row has the same layout.
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if not isinstance(value, datetime):  # pragma: no cover - drivers return datetime
            raise TypeError(f"unexpected timestamp value {value!r}")
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def utc_now() -> datetime:
    """Return the current time as a timezone-aware UTC datetime."""
    return datetime.now(UTC)


class UserRole(enum.StrEnum):
    """Roles of the guideline: 運用管理者, アカウント管理者, 起案者."""

    OPERATIONS_MANAGER = "operations_manager"
    ACCOUNT_MANAGER = "account_manager"
    DRAFTER = "drafter"


class User(Base):
    """A person who uses the app, identified by their OS login name."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    login_name: Mapped[str] = mapped_column(String(150), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    role: Mapped[UserRole] = mapped_column(
        Enum(
            UserRole,
            name="role",
            native_enum=False,
            create_constraint=True,
            length=32,
            values_callable=lambda roles: [role.value for role in roles],
            validate_strings=True,
        ),
        default=UserRole.DRAFTER,
        server_default=UserRole.DRAFTER.value,
    )
    created_at: Mapped[datetime] = mapped_column(
        UTCDateTime(), default=utc_now, server_default=func.current_timestamp()
    )
    department: Mapped[str] = mapped_column(String(200), default="", server_default=sql_text("''"))
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=sql_text("true"))
    """False once deactivated: the person can no longer act, and stays in the history."""

    def __repr__(self) -> str:
        return f"User(id={self.id!r}, login_name={self.login_name!r}, role={self.role.value!r})"


class AppSetting(Base):
    """A key/value setting shared by everyone using the same database."""

    __tablename__ = "app_settings"

    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[str] = mapped_column(Text)

    def __repr__(self) -> str:
        return f"AppSetting(key={self.key!r}, value={self.value!r})"


class AccountRow(Base):
    """An official account (第4条). Minimal for now: the account issue adds the lifecycle."""

    __tablename__ = "accounts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    platform: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(200), unique=True)
    url: Mapped[str] = mapped_column(String(500), default="")
    department: Mapped[str] = mapped_column(String(200), default="")
    manager: Mapped[str] = mapped_column(String(150), default="")
    """Login name of the account manager (アカウント管理者)."""
    status: Mapped[str] = mapped_column(String(16), default="active")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now)
    display_name: Mapped[str] = mapped_column(String(200), default="", server_default=sql_text("''"))
    manager_title: Mapped[str] = mapped_column(String(200), default="", server_default=sql_text("''"))
    """The account manager's title as the public reads it (e.g. 広報戦略担当課長)."""
    publisher_title: Mapped[str] = mapped_column(String(200), default="", server_default=sql_text("''"))
    """情報発信責任者 when it is not the account manager; '' → the manager."""
    operating_hours: Mapped[str] = mapped_column(String(200), default="", server_default=sql_text("''"))
    contact: Mapped[str] = mapped_column(String(500), default="", server_default=sql_text("''"))
    purpose: Mapped[str] = mapped_column(Text, default="", server_default=sql_text("''"))
    requested_by: Mapped[str] = mapped_column(String(150), default="", server_default=sql_text("''"))
    approval_number: Mapped[str] = mapped_column(String(100), default="", server_default=sql_text("''"))
    approved_by: Mapped[str] = mapped_column(String(150), default="", server_default=sql_text("''"))
    status_note: Mapped[str] = mapped_column(Text, default="", server_default=sql_text("''"))
    """The reason given for the last refusal, suspension or closure."""
    requested_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    approved_on: Mapped[date | None] = mapped_column(Date(), nullable=True)


class PolicyVersionRow(Base):
    """One saved version of an account's usage policy (利用方針, 第4条第4項); never changed once saved,
    except for its status (draft → approved → published)."""

    __tablename__ = "policy_versions"
    __table_args__ = (UniqueConstraint("account_id", "version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    body: Mapped[str] = mapped_column(Text)
    """The nine items as JSON (``sns_desk.core.policy``)."""
    status: Mapped[str] = mapped_column(String(16), default="draft")
    author: Mapped[str] = mapped_column(String(150))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now)
    approved_by: Mapped[str] = mapped_column(String(150), default="")
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    published_on: Mapped[date | None] = mapped_column(Date(), nullable=True)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    """When the publication was recorded: of two versions published the same day, the later one is in force."""


class DraftRow(Base):
    """A post being written, approved and posted."""

    __tablename__ = "drafts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    author: Mapped[str] = mapped_column(String(150))
    title: Mapped[str] = mapped_column(String(200), default="")
    text: Mapped[str] = mapped_column(Text, default="")
    state: Mapped[str] = mapped_column(String(16), default="draft", index=True)
    platforms: Mapped[list[str]] = mapped_column(JSON, default=list)
    """Platform ids of the rulebook, as a JSON array."""
    revision: Mapped[int] = mapped_column(Integer, default=0)
    review_comment: Mapped[str] = mapped_column(Text, default="")
    reviewed_by: Mapped[str] = mapped_column(String(150), default="")
    posted_url: Mapped[str] = mapped_column(String(1000), default="")
    posted_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    editors: Mapped[list[str]] = mapped_column(JSON, default=list)
    """Logins of everyone who saved the text (none may approve it), as a JSON array."""
    rights_checked_by: Mapped[str] = mapped_column(String(150), default="")
    """Who answered the image checklist (第6条第3号) for the current attachments; '' when not."""
    rights_checked_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now)


class AttachmentRow(Base):
    """An image attached to a draft; the bytes live in the media store under ``sha256``."""

    __tablename__ = "draft_attachments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    draft_id: Mapped[int] = mapped_column(ForeignKey("drafts.id", ondelete="CASCADE"), index=True)
    sha256: Mapped[str] = mapped_column(String(64))
    filename: Mapped[str] = mapped_column(String(255))
    format: Mapped[str] = mapped_column(String(16))
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    byte_size: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now)


class AcknowledgementRow(Base):
    """A warning kept on purpose, with who, when and why."""

    __tablename__ = "draft_acknowledgements"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    draft_id: Mapped[int] = mapped_column(ForeignKey("drafts.id", ondelete="CASCADE"), index=True)
    fingerprint: Mapped[str] = mapped_column(Text)
    rule: Mapped[str] = mapped_column(String(100))
    reason: Mapped[str] = mapped_column(Text)
    by: Mapped[str] = mapped_column(String(150))
    at: Mapped[datetime] = mapped_column(UTCDateTime())


class DraftEventRow(Base):
    """Every state change of a draft: the approval history."""

    __tablename__ = "draft_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    draft_id: Mapped[int] = mapped_column(ForeignKey("drafts.id", ondelete="CASCADE"), index=True)
    action: Mapped[str] = mapped_column(String(32))
    by: Mapped[str] = mapped_column(String(150))
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    comment: Mapped[str] = mapped_column(Text, default="")


class PostedItemRow(Base):
    """Something the city posted (第6条第9号: the backup kept in-office). The archive issue
    extends this with imports, media and search; drafts marked as posted land here."""

    __tablename__ = "posted_items"
    __table_args__ = (
        UniqueConstraint("platform", "platform_id"),
        # One account's timeline, newest first, without sorting (the archive window and filtered search).
        Index("ix_posted_items_account_posted", "account_id", "posted_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    draft_id: Mapped[int | None] = mapped_column(ForeignKey("drafts.id"), nullable=True)
    platform: Mapped[str] = mapped_column(String(32))
    url: Mapped[str] = mapped_column(String(2000))
    text: Mapped[str] = mapped_column(Text)
    author: Mapped[str] = mapped_column(String(150))
    terminal: Mapped[str] = mapped_column(String(200), default="")
    platform_id: Mapped[str | None] = mapped_column(String(255), nullable=True)
    """The platform's own id of the post (None for desk records until it is known)."""
    reply_to_id: Mapped[str | None] = mapped_column(String(2000), nullable=True)
    """What it replies to: an id, or on Mastodon the address of the post."""
    quoted_id: Mapped[str | None] = mapped_column(String(2000), nullable=True)
    source: Mapped[str] = mapped_column(String(32), default="desk")
    """Where the record came from: desk, x-archive, …"""
    posted_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now)
    off_terminal_reason: Mapped[str] = mapped_column(Text, default="", server_default=sql_text("''"))
    """Non-empty when posted from outside a city terminal (第5条): the emergency reason."""
    corrects_id: Mapped[int | None] = mapped_column(ForeignKey("posted_items.id"), nullable=True, index=True)
    """The item this one corrects (第9条)."""
    reposted_url: Mapped[str | None] = mapped_column(String(2000), nullable=True)
    """For a boost/repost: the address of what was reposted."""
    search_text: Mapped[str] = mapped_column(Text, default="", server_default=sql_text("''"))
    """``text`` normalised for search (NFKC, case-folded); kept in step by an ORM event."""
    search_chars: Mapped[str] = mapped_column(Text, default="", server_default=sql_text("''"))
    """``search_text`` with a space between characters, for one- and two-character searches (SQLite)."""


class PostedMediaRow(Base):
    """A media file of a posted item; the bytes live in the media store under ``sha256``."""

    __tablename__ = "posted_media"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("posted_items.id", ondelete="CASCADE"), index=True)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    name: Mapped[str] = mapped_column(String(255))


class BackupRecordRow(Base):
    """A finished backup package that holds an account's items: the GUI shows the newest per account."""

    __tablename__ = "backup_records"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), index=True)
    path: Mapped[str] = mapped_column(String(1000))
    items: Mapped[int] = mapped_column(Integer)
    by: Mapped[str] = mapped_column(String(150))
    finished_at: Mapped[datetime] = mapped_column(UTCDateTime())


SEARCH_INDEX_TABLE = "posted_items_fts"
"""SQLite FTS5 index over ``posted_items.search_text`` (trigram tokenizer): terms of three or more characters."""
CHAR_INDEX_TABLE = "posted_items_chars"
"""SQLite FTS5 index over ``posted_items.search_chars`` (one token per character): shorter terms."""


def _index_ddl(table: str, column: str, tokenizer: str) -> tuple[str, ...]:
    delete = f"INSERT INTO {table}({table}, rowid, {column}) VALUES ('delete', old.id, old.{column});"
    insert = f"INSERT INTO {table}(rowid, {column}) VALUES (new.id, new.{column});"
    return (
        f"CREATE VIRTUAL TABLE IF NOT EXISTS {table} USING fts5("
        f"{column}, content='posted_items', content_rowid='id', tokenize='{tokenizer}')",
        f"CREATE TRIGGER IF NOT EXISTS {table}_insert AFTER INSERT ON posted_items BEGIN {insert} END",
        f"CREATE TRIGGER IF NOT EXISTS {table}_delete AFTER DELETE ON posted_items BEGIN {delete} END",
        f"CREATE TRIGGER IF NOT EXISTS {table}_update AFTER UPDATE OF {column} ON posted_items BEGIN "
        f"{delete} {insert} END",
    )


SEARCH_INDEXES: tuple[tuple[str, str], ...] = ((SEARCH_INDEX_TABLE, "search_text"), (CHAR_INDEX_TABLE, "search_chars"))
SQLITE_SEARCH_DDL: tuple[str, ...] = _index_ddl(SEARCH_INDEX_TABLE, "search_text", "trigram") + _index_ddl(
    CHAR_INDEX_TABLE, "search_chars", "unicode61 remove_diacritics 0"
)


def is_search_index_table(name: str | None) -> bool:
    """True for the FTS5 table and its shadow tables, which Alembic must not try to drop."""
    return bool(name) and str(name).startswith((SEARCH_INDEX_TABLE, CHAR_INDEX_TABLE))


@event.listens_for(PostedItemRow.__table__, "after_create")
def _create_search_index(target: Table, connection: Connection, **_kw: Any) -> None:
    if connection.dialect.name == "sqlite":
        for statement in SQLITE_SEARCH_DDL:
            connection.exec_driver_sql(statement)


@event.listens_for(PostedItemRow, "before_insert")
@event.listens_for(PostedItemRow, "before_update")
def _keep_search_text(_mapper: Any, _connection: Connection, target: PostedItemRow) -> None:
    target.search_text = search_key(target.text or "")
    target.search_chars = spaced(target.search_text)


class AuditRow(Base):
    """One link of the audit chain (``sns_desk.core.audit``). Rows are only ever appended.

    ``seq`` runs 1, 2, 3 … without gaps; ``prev_hash`` is unique, so two writers can never both
    extend the same head: the chain cannot fork.
    """

    __tablename__ = "audit_events"

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    actor: Mapped[str] = mapped_column(String(150))
    action: Mapped[str] = mapped_column(String(64))
    object_type: Mapped[str] = mapped_column(String(32))
    object_id: Mapped[str] = mapped_column(String(64))
    payload: Mapped[str] = mapped_column(Text)
    """Canonical JSON (sorted keys, compact), exactly what the hash covers."""
    prev_hash: Mapped[str] = mapped_column(String(64), unique=True)
    hash: Mapped[str] = mapped_column(String(64), unique=True)

    __table_args__ = (Index("ix_audit_events_object", "object_type", "object_id"),)


class IncidentRow(Base):
    """An incident (第8条: なりすまし, 乗っ取り, 炎上 …; 第9条: 誤投稿) on one of the city's accounts.

    ``checklist`` is the kind's steps as they were when it was reported (``core.incidents``); what happens
    afterwards is in ``incident_events``. Only the closing changes a row, once.
    """

    __tablename__ = "incidents"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    description: Mapped[str] = mapped_column(Text)
    found_at: Mapped[datetime] = mapped_column(UTCDateTime())
    found_by: Mapped[str] = mapped_column(String(200))
    """Who noticed it: a person, or e.g. 「市民からの電話」."""
    reported_by: Mapped[str] = mapped_column(String(150))
    reported_at: Mapped[datetime] = mapped_column(UTCDateTime())
    status: Mapped[str] = mapped_column(String(16), default="open", index=True)
    checklist: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    """The steps of the kind when it was reported, as a JSON array."""
    closed_by: Mapped[str] = mapped_column(String(150), default="")
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class IncidentEvidenceRow(Base):
    """What shows what happened: an address, a screenshot (bytes in the media store under ``sha256``) or a
    post of the archive. Never changed or removed."""

    __tablename__ = "incident_evidence"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    url: Mapped[str] = mapped_column(String(2000), default="")
    sha256: Mapped[str] = mapped_column(String(64), default="")
    filename: Mapped[str] = mapped_column(String(255), default="")
    format: Mapped[str] = mapped_column(String(16), default="")
    byte_size: Mapped[int] = mapped_column(Integer, default=0)
    item_id: Mapped[int | None] = mapped_column(ForeignKey("posted_items.id"), nullable=True)
    note: Mapped[str] = mapped_column(Text, default="")
    added_by: Mapped[str] = mapped_column(String(150))
    added_at: Mapped[datetime] = mapped_column(UTCDateTime())


class IncidentEventRow(Base):
    """One line of an incident's timeline: reported, a step done or not needed (with the reason), a note,
    evidence added, a draft made from a generated text, closed. Rows are only ever appended."""

    __tablename__ = "incident_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id"), index=True)
    action: Mapped[str] = mapped_column(String(32))
    step_id: Mapped[str] = mapped_column(String(64), default="")
    text: Mapped[str] = mapped_column(Text, default="")
    by: Mapped[str] = mapped_column(String(150))
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    draft_id: Mapped[int | None] = mapped_column(ForeignKey("drafts.id"), nullable=True)
    text_kind: Mapped[str] = mapped_column(String(16), default="")
    evidence_id: Mapped[int | None] = mapped_column(ForeignKey("incident_evidence.id"), nullable=True)


class ModerationRow(Base):
    """One line of the moderation log (第9条): another's comment deleted or hidden under the account's
    usage policy, with the text as it was. Rows are only ever appended; a mistaken one is superseded by a
    later row naming it in ``supersedes_id``."""

    __tablename__ = "moderation_actions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    action: Mapped[str] = mapped_column(String(16))
    author_handle: Mapped[str] = mapped_column(String(200))
    text: Mapped[str] = mapped_column(Text)
    url: Mapped[str] = mapped_column(String(2000), default="")
    commented_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    acted_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    policy_item: Mapped[str] = mapped_column(String(64))
    policy_version: Mapped[int | None] = mapped_column(Integer, nullable=True)
    reason: Mapped[str] = mapped_column(Text)
    recorded_by: Mapped[str] = mapped_column(String(150))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime())
    supersedes_id: Mapped[int | None] = mapped_column(ForeignKey("moderation_actions.id"), nullable=True, unique=True)
    """The earlier entry this one corrects or retracts; unique, so an entry is superseded once."""
