"""The audit trail for the front ends: verify the chain, export it, read an object's history."""

from __future__ import annotations

import csv
import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path

from ..core.audit import AuditAction, AuditRecord, ChainReport, verify_chain
from ..core.errors import UserError
from ..core.jst import JST
from ..core.spreadsheet import inert_cell
from ..storage import audit
from ..storage.database import Database

CSV_COLUMNS = ("seq", "at_utc", "at_jst", "actor", "action", "action_label", "object_type", "object_id",
               "payload", "prev_hash", "hash")  # fmt: skip


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    """One line of an object's history as a window shows it."""

    at: dt.datetime
    actor: str
    action: str
    label: str
    details: str


def action_label(action: str) -> str:
    try:
        return AuditAction(action).label
    except ValueError:  # written by a newer version
        return action


class AuditService:
    def __init__(self, database: Database) -> None:
        self._db = database

    def verify(self) -> ChainReport:
        with self._db.session() as s:
            return verify_chain(audit.records(s))

    def head(self) -> tuple[int, str]:
        with self._db.session() as s:
            return audit.head(s)

    def history(self, object_type: str, object_id: str | int) -> list[HistoryEntry]:
        with self._db.session() as s:
            return [_entry(r) for r in audit.history(s, object_type, object_id)]

    def export_csv(self, target: Path) -> int:
        """Write the whole trail as CSV for Excel (UTF-8 with BOM, formula-looking cells made inert).

        Written to a temporary name and renamed at the end, so a failed export leaves no half file.
        Returns the number of records.
        """
        target = Path(target)
        if target.is_dir():
            raise UserError(f"「{target}」はフォルダです。保存するファイル名を指定してください")
        partial = target.with_name(target.name + ".partial")
        count = 0
        try:
            with partial.open("w", encoding="utf-8-sig", newline="") as f, self._db.session() as s:
                writer = csv.writer(f)
                writer.writerow(CSV_COLUMNS)
                for r in audit.records(s):
                    count += 1
                    writer.writerow(
                        [str(r.seq), r.at.astimezone(dt.UTC).isoformat(), r.at.astimezone(JST).isoformat(),
                         *(inert_cell(v) for v in (r.actor, r.action, action_label(r.action), r.object_type,
                                                   r.object_id, json.dumps(r.payload, ensure_ascii=False))),
                         r.prev_hash, r.hash]
                    )  # fmt: skip
            partial.replace(target)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
        return count


def _entry(record: AuditRecord) -> HistoryEntry:
    details = "、".join(f"{key}: {value}" for key, value in record.payload.items())
    return HistoryEntry(record.at, record.actor, record.action, action_label(record.action), details)
