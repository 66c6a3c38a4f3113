"""Appending to and reading the audit chain (``audit_events``); the chain's rules are in ``core.audit``.

A record is appended in the same transaction as the change it describes, so either both are stored
or neither. Appending reads the head and writes the next link; two terminals doing that at once
cannot fork the chain: on PostgreSQL the append waits for a transaction-scoped advisory lock, and on
SQLite the database's single writer serialises them (the later one is refused as locked and retried
by the caller, never stored beside the other). ``prev_hash`` is unique in the table besides.

On PostgreSQL the server writes the record (``sns_desk_audit_append``, migration 0007): staff logins
cannot insert, change or delete audit rows themselves, and the server takes the actor from
``session_user`` and the time from its own clock; only the schema's owner (maintenance, tests) may
give them. The hash it computes is the one ``core.audit.canonical_content`` defines.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from ..core.audit import GENESIS, AuditAction, AuditRecord, canonical_content, chain_hash
from .models import AuditRow


def canonical_payload(payload: Mapping[str, Any]) -> str:
    return json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def append(
    s: Session,
    actor: str,
    action: AuditAction,
    object_type: str,
    object_id: str | int,
    payload: Mapping[str, Any] | None = None,
    *,
    at: dt.datetime,
) -> AuditRecord:
    """Add the next link of the chain inside ``s``'s transaction."""
    if s.get_bind().dialect.name == "postgresql":
        return _append_on_server(s, actor, action, object_type, str(object_id), payload or {}, at)
    last = s.execute(select(AuditRow.seq, AuditRow.hash).order_by(AuditRow.seq.desc()).limit(1)).first()
    seq, prev = (last[0] + 1, last[1]) if last is not None else (1, GENESIS)
    stored_payload = canonical_payload(payload or {})
    body = json.loads(stored_payload)  # exactly what verification will read back
    content = canonical_content(seq, at, actor, action.value, object_type, str(object_id), body)
    row = AuditRow(
        seq=seq,
        at=at,
        actor=actor,
        action=action.value,
        object_type=object_type,
        object_id=str(object_id),
        payload=stored_payload,
        prev_hash=prev,
        hash=chain_hash(prev, content),
    )
    s.add(row)
    s.flush()
    return _record(row)


def _append_on_server(
    s: Session,
    actor: str,
    action: AuditAction,
    object_type: str,
    object_id: str,
    payload: Mapping[str, Any],
    at: dt.datetime,
) -> AuditRecord:
    stored_payload = canonical_payload(payload)
    row = s.execute(
        text(
            "SELECT seq, at, actor, prev_hash, hash"
            " FROM sns_desk_audit_append(:actor, :action, :object_type, :object_id, :payload, :at)"
        ),
        {
            "actor": actor,
            "action": action.value,
            "object_type": object_type,
            "object_id": object_id,
            "payload": stored_payload,
            "at": at,
        },
    ).one()
    return AuditRecord(
        row.seq,
        row.at.astimezone(dt.UTC),
        row.actor,
        action.value,
        object_type,
        object_id,
        json.loads(stored_payload),
        row.prev_hash,
        row.hash,
    )


def _record(row: AuditRow) -> AuditRecord:
    try:
        payload = json.loads(row.payload)
    except ValueError:
        payload = {"unreadable": row.payload}  # an edited row: verification reports it
    return AuditRecord(
        row.seq, row.at, row.actor, row.action, row.object_type, row.object_id, payload, row.prev_hash, row.hash
    )


def records(s: Session, batch: int = 1000) -> Iterator[AuditRecord]:
    """Every record in stored order, a batch at a time (the trail grows for years)."""
    after = 0
    while True:
        rows = s.scalars(select(AuditRow).where(AuditRow.seq > after).order_by(AuditRow.seq).limit(batch)).all()
        if not rows:
            return
        for row in rows:
            yield _record(row)
        after = rows[-1].seq


def history(s: Session, object_type: str, object_id: str | int) -> list[AuditRecord]:
    """What happened to one object, oldest first."""
    rows = s.scalars(
        select(AuditRow)
        .where(AuditRow.object_type == object_type, AuditRow.object_id == str(object_id))
        .order_by(AuditRow.seq)
    ).all()
    return [_record(row) for row in rows]


def head(s: Session) -> tuple[int, str]:
    """(number of records, hash of the last one) — ``(0, GENESIS)`` for an empty trail."""
    last = s.execute(select(AuditRow.seq, AuditRow.hash).order_by(AuditRow.seq.desc()).limit(1)).first()
    return (last[0], last[1]) if last is not None else (0, GENESIS)


def between(s: Session, actions: Iterable[AuditAction], start: dt.datetime, end: dt.datetime) -> list[AuditRecord]:
    """The records of ``actions`` with ``start <= at < end``, in stored order (a month's backups …)."""
    rows = s.scalars(
        select(AuditRow)
        .where(AuditRow.action.in_([a.value for a in actions]), AuditRow.at >= start, AuditRow.at < end)
        .order_by(AuditRow.seq)
    ).all()
    return [_record(row) for row in rows]
