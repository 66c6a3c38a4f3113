"""The audit trail: every state change as one record in a hash chain (第6条・第10条 — who did what, when).

Each record's ``hash`` is SHA-256 over the previous record's hash and this record's canonical
content (sequence number, UTC time, actor, action, object, payload as sorted compact JSON). Editing
a record changes its hash; deleting, inserting or reordering one breaks the link to its
predecessor or the run of sequence numbers. A rewrite of the whole chain is caught by comparing the
head hash with one written down earlier (each backup package records it in ``bag-info.txt``).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import hashlib
import json
from collections.abc import Iterable, Mapping
from typing import Any, Final

GENESIS: Final = "0" * 64
"""The ``prev_hash`` of the first record."""


class AuditAction(enum.StrEnum):
    """What happened. The value is stored; the label is shown."""

    DRAFT_CREATED = "draft.created"
    DRAFT_SAVED = "draft.saved"
    DRAFT_SUBMITTED = "draft.submitted"
    DRAFT_APPROVED = "draft.approved"
    DRAFT_RETURNED = "draft.returned"
    DRAFT_POSTED = "draft.posted"
    DRAFT_WITHDRAWN = "draft.withdrawn"
    DRAFT_DISCARDED = "draft.discarded"
    WARNING_ACKNOWLEDGED = "warning.acknowledged"
    IMAGE_ATTACHED = "image.attached"
    IMAGE_REMOVED = "image.removed"
    IMAGE_CLEANED = "image.cleaned"
    RIGHTS_CONFIRMED = "image.rights_confirmed"
    ACCOUNT_REGISTERED = "account.registered"
    ACCOUNT_REQUESTED = "account.requested"
    ACCOUNT_APPROVED = "account.approved"
    ACCOUNT_REJECTED = "account.rejected"
    ACCOUNT_STARTED = "account.started"
    ACCOUNT_SUSPENDED = "account.suspended"
    ACCOUNT_CLOSED = "account.closed"
    ACCOUNT_FACTS_CHANGED = "account.facts_changed"
    POLICY_SAVED = "policy.saved"
    POLICY_APPROVED = "policy.approved"
    POLICY_PUBLISHED = "policy.published"
    USER_ADDED = "user.added"
    USER_ROLE_CHANGED = "user.role_changed"
    USER_DEACTIVATED = "user.deactivated"
    SETTING_CHANGED = "setting.changed"
    RULEBOOK_CHANGED = "rulebook.changed"
    BACKUP_EXPORTED = "backup.exported"
    BACKUP_RESTORED = "backup.restored"
    BACKUP_RUN = "backup.run"
    ARCHIVE_IMPORTED = "archive.imported"
    INCIDENT_OPENED = "incident.opened"
    INCIDENT_STEP_DONE = "incident.step_done"
    INCIDENT_STEP_NOT_NEEDED = "incident.step_not_needed"
    INCIDENT_NOTE_ADDED = "incident.note_added"
    INCIDENT_EVIDENCE_ADDED = "incident.evidence_added"
    INCIDENT_TEXT_GENERATED = "incident.text_generated"
    INCIDENT_CLOSED = "incident.closed"
    CORRECTION_LINKED = "archive.correction_linked"
    MODERATION_RECORDED = "moderation.recorded"

    @property
    def label(self) -> str:
        return _LABELS.get(self, self.value)


_LABELS: Final = {
    AuditAction.DRAFT_CREATED: "投稿案を作成",
    AuditAction.DRAFT_SAVED: "投稿案を保存",
    AuditAction.DRAFT_SUBMITTED: "承認申請",
    AuditAction.DRAFT_APPROVED: "承認",
    AuditAction.DRAFT_RETURNED: "差戻し",
    AuditAction.DRAFT_POSTED: "投稿済みにした",
    AuditAction.DRAFT_WITHDRAWN: "承認申請を取り下げ",
    AuditAction.DRAFT_DISCARDED: "破棄",
    AuditAction.WARNING_ACKNOWLEDGED: "警告を確認済みにした",
    AuditAction.IMAGE_ATTACHED: "画像を添付",
    AuditAction.IMAGE_REMOVED: "画像を削除",
    AuditAction.IMAGE_CLEANED: "画像の位置情報などを削除",
    AuditAction.RIGHTS_CONFIRMED: "画像のチェックリストに回答",
    AuditAction.ACCOUNT_REGISTERED: "アカウントを登録",
    AuditAction.ACCOUNT_REQUESTED: "開設を申請",
    AuditAction.ACCOUNT_APPROVED: "開設を承認",
    AuditAction.ACCOUNT_REJECTED: "開設を不承認",
    AuditAction.ACCOUNT_STARTED: "運用を開始",
    AuditAction.ACCOUNT_SUSPENDED: "運用を休止",
    AuditAction.ACCOUNT_CLOSED: "アカウントを廃止",
    AuditAction.ACCOUNT_FACTS_CHANGED: "登録情報を変更",
    AuditAction.POLICY_SAVED: "利用方針を保存",
    AuditAction.POLICY_APPROVED: "利用方針を承認",
    AuditAction.POLICY_PUBLISHED: "利用方針の公表を記録",
    AuditAction.USER_ADDED: "職員を登録",
    AuditAction.USER_ROLE_CHANGED: "役割を変更",
    AuditAction.USER_DEACTIVATED: "職員を無効化",
    AuditAction.SETTING_CHANGED: "設定を変更",
    AuditAction.RULEBOOK_CHANGED: "別のルールブックで審査",
    AuditAction.BACKUP_EXPORTED: "バックアップを書き出し",
    AuditAction.BACKUP_RESTORED: "バックアップから復元",
    AuditAction.BACKUP_RUN: "定期バックアップを実行",
    AuditAction.ARCHIVE_IMPORTED: "エクスポートをアーカイブに取り込み",
    AuditAction.INCIDENT_OPENED: "事案を報告",
    AuditAction.INCIDENT_STEP_DONE: "事案の手順を完了",
    AuditAction.INCIDENT_STEP_NOT_NEEDED: "事案の手順を不要と判断",
    AuditAction.INCIDENT_NOTE_ADDED: "事案の経過を記録",
    AuditAction.INCIDENT_EVIDENCE_ADDED: "事案の証拠を追加",
    AuditAction.INCIDENT_TEXT_GENERATED: "事案の文案から投稿案を作成",
    AuditAction.INCIDENT_CLOSED: "事案を終了",
    AuditAction.CORRECTION_LINKED: "訂正の投稿を原文に紐づけ",
    AuditAction.MODERATION_RECORDED: "コメントの削除・非表示を記録",
}


@dataclasses.dataclass(frozen=True, slots=True)
class AuditRecord:
    """One link of the chain, as stored."""

    seq: int
    at: dt.datetime
    actor: str
    action: str
    object_type: str
    object_id: str
    payload: Mapping[str, Any]
    prev_hash: str
    hash: str


def canonical_content(
    seq: int, at: dt.datetime, actor: str, action: str, object_type: str, object_id: str, payload: Mapping[str, Any]
) -> bytes:
    """The bytes a record's hash covers: fixed keys, sorted compact JSON, UTC time to the microsecond."""
    if at.utcoffset() is None:
        raise ValueError("audit times must be timezone-aware")
    body = {
        "seq": seq,
        "at": at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        "actor": actor,
        "action": action,
        "object": [object_type, object_id],
        "payload": payload,
    }
    return json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def chain_hash(prev_hash: str, content: bytes) -> str:
    return hashlib.sha256(prev_hash.encode("ascii") + content).hexdigest()


def record_hash(record: AuditRecord) -> str:
    """What ``record.hash`` must be, given its predecessor's hash."""
    content = canonical_content(
        record.seq, record.at, record.actor, record.action, record.object_type, record.object_id, record.payload
    )
    return chain_hash(record.prev_hash, content)


class ProblemKind(enum.StrEnum):
    EDITED = "edited"
    """The record's content no longer matches its hash."""
    BROKEN_LINK = "broken_link"
    """The record does not follow its predecessor: one was inserted, deleted or reordered before it."""
    MISSING = "missing"
    """Sequence numbers jump: records were deleted."""


@dataclasses.dataclass(frozen=True, slots=True)
class ChainProblem:
    seq: int
    kind: ProblemKind

    @property
    def message(self) -> str:
        what = {
            ProblemKind.EDITED: "の内容が書き換えられています(ハッシュが一致しません)",
            ProblemKind.BROKEN_LINK: "の前のつながりが切れています(記録の挿入・削除・並べ替え)",
            ProblemKind.MISSING: "の直前の記録が削除されています(番号が飛んでいます)",
        }[self.kind]
        return f"監査記録 {self.seq} 番{what}"


@dataclasses.dataclass(frozen=True, slots=True)
class ChainReport:
    count: int
    head: str
    """The last record's hash (``GENESIS`` for an empty trail)."""
    problem: ChainProblem | None
    """The first problem found, or None when the chain is intact."""

    @property
    def intact(self) -> bool:
        return self.problem is None


def verify_chain(records: Iterable[AuditRecord]) -> ChainReport:
    """Walk the records in stored order and report the first one that does not hold."""
    expected_prev, expected_seq, count, head = GENESIS, 1, 0, GENESIS
    for record in records:
        count += 1
        if record.seq != expected_seq:
            kind = ProblemKind.MISSING if record.seq > expected_seq else ProblemKind.BROKEN_LINK
            return ChainReport(count, head, ChainProblem(record.seq, kind))
        if record.prev_hash != expected_prev:
            return ChainReport(count, head, ChainProblem(record.seq, ProblemKind.BROKEN_LINK))
        if record_hash(record) != record.hash:
            return ChainReport(count, head, ChainProblem(record.seq, ProblemKind.EDITED))
        expected_prev, expected_seq, head = record.hash, record.seq + 1, record.hash
    return ChainReport(count, head, None)
