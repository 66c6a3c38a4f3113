"""Incidents (第8条・第9条) over the database: report, checklist, evidence, generated texts, closing.

Every decision is made in :mod:`sns_desk.core.incidents` (who may see, add, tick and close; what keeps an
incident open; what a text says); this service loads and stores what it decides, appends each step to
the incident's timeline (``incident_events``) and to the audit chain in the same transaction, keeps
screenshots in the media store, and hands out plain frozen dataclasses (never ORM objects), so the GUI
can call it from a worker thread.

A generated text becomes a draft in the desk (:meth:`DeskService.create_draft`) so that it is checked and
approved like any post; the draft is linked to the incident in its timeline.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..core.accounts import Account
from ..core.attachments import inspect_image, make_thumbnail
from ..core.audit import AuditAction
from ..core.errors import InvalidInput
from ..core.incidents import (
    AccountFacts,
    Checklist,
    Event,
    EventKind,
    Evidence,
    EvidenceKind,
    GeneratedText,
    Incident,
    IncidentCatalog,
    IncidentError,
    IncidentKind,
    IncidentNotFound,
    IncidentStatus,
    IncidentSummary,
    LinkedDraft,
    Step,
    TextKind,
    load_catalog,
    render_text,
    rules,
)
from ..core.people import Person
from ..storage import audit
from ..storage.database import Database, begin_transaction
from ..storage.media import MediaStore
from ..storage.models import (
    AccountRow,
    IncidentEventRow,
    IncidentEvidenceRow,
    IncidentRow,
    PostedItemRow,
    utc_now,
)
from ..storage.rows import account_from_row, person_for

if TYPE_CHECKING:
    from ..core.checker import Checker

MAX_FILENAME = 255
_EXCERPT = 60

_AUDIT: dict[EventKind, AuditAction] = {
    EventKind.OPENED: AuditAction.INCIDENT_OPENED,
    EventKind.STEP_DONE: AuditAction.INCIDENT_STEP_DONE,
    EventKind.STEP_NOT_NEEDED: AuditAction.INCIDENT_STEP_NOT_NEEDED,
    EventKind.NOTE: AuditAction.INCIDENT_NOTE_ADDED,
    EventKind.EVIDENCE: AuditAction.INCIDENT_EVIDENCE_ADDED,
    EventKind.TEXT_GENERATED: AuditAction.INCIDENT_TEXT_GENERATED,
    EventKind.CLOSED: AuditAction.INCIDENT_CLOSED,
}


class IncidentService:
    """One user's view of the incidents. ``login`` is the OS user (or the server's session user)."""

    def __init__(
        self,
        database: Database,
        login: str,
        clock: Callable[[], dt.datetime] = utc_now,
        *,
        media: MediaStore | None = None,
        checker: Callable[[], Checker] | None = None,
        catalog: Callable[[], IncidentCatalog] | None = None,
    ) -> None:
        self._db = database
        self._login = login
        self._clock = clock
        self._media = media
        self._checker = checker
        self._catalog = catalog or load_catalog
        """The checklists and templates (``resources/incidents`` or ``$SNS_DESK_INCIDENTS``)."""

    # -- what there is ---------------------------------------------------------------------------

    def me(self) -> Person:
        with self._db.session() as s:
            return person_for(s, self._login)

    def accounts(self) -> list[Account]:
        """The accounts this person may report an incident on: the city's (not those only requested or
        refused), in operation or not (an impersonation of a closed account is still reported), by name."""
        with self._db.session() as s:
            me = person_for(s, self._login)
            accounts = [account_from_row(r) for r in s.scalars(select(AccountRow).order_by(AccountRow.name)).all()]
        return [a for a in accounts if not rules.why_not_report(me, a)]

    def checklists(self) -> list[Checklist]:
        """Each kind's checklist and texts as a new incident would get them, in the kinds' order."""
        catalog = self._catalog()
        return [catalog.checklist(kind) for kind in IncidentKind]

    def incidents(self, include_closed: bool = False) -> list[IncidentSummary]:
        """The incidents this person may see (the operations manager: all; an account manager: those of
        their accounts; anyone: those they reported), open ones first, newest first."""
        with self._db.session() as s:
            me = person_for(s, self._login)
            query = select(IncidentRow)
            if not include_closed:
                query = query.where(IncidentRow.status == IncidentStatus.OPEN.value)
            rows = s.scalars(query.order_by(IncidentRow.found_at.desc(), IncidentRow.id.desc())).all()
            incidents = [self._incident(s, row) for row in rows]
        visible = [i for i in incidents if rules.may_see(me, i)]
        visible.sort(key=lambda i: i.is_open, reverse=True)  # stable: newest first within each group
        return [_summary(i) for i in visible]

    def incident(self, incident_id: int) -> Incident:
        """Everything about one incident: its steps with their state, its timeline and its evidence."""
        with self._db.session() as s:
            me = person_for(s, self._login)
            incident = self._incident(s, self._row(s, incident_id))
        _require(rules.why_not_see(me, incident))
        return incident

    # -- reporting -------------------------------------------------------------------------------

    def open(
        self,
        account: str | int,
        kind: IncidentKind,
        description: str,
        found_at: dt.datetime | None = None,
        found_by: str = "",
    ) -> Incident:
        """Report an incident on a city account. The kind's checklist as it is now is kept with it."""
        catalog = self._catalog()
        checklist = catalog.checklist(kind)
        with self._db.session() as s:
            begin_transaction(s, write=True)
            me = person_for(s, self._login)
            account_row = _account_row(s, account)
            now = self._clock()
            found = found_at or now
            who_found = found_by.strip() or me.display_name or me.login
            rules.check_report(me, account_from_row(account_row), kind, description, found, who_found, now)
            row = IncidentRow(
                account_id=account_row.id,
                kind=kind.value,
                description=description.strip(),
                found_at=found,
                found_by=who_found,
                reported_by=me.login,
                reported_at=now,
                status=IncidentStatus.OPEN.value,
                checklist=[step.to_json() for step in checklist.steps],
                closed_by="",
            )
            s.add(row)
            s.flush()
            payload = {
                "account": account_row.name,
                "kind": kind.value,
                "found_at": found.astimezone(dt.UTC).isoformat(),
                "checklist_version": catalog.version,
                "checklist_sha256": catalog.digest,
            }
            self._append(s, row.id, Event(EventKind.OPENED, me.login, now, text=description.strip()), payload)
            incident = self._incident(s, row)
        return incident

    # -- the checklist ---------------------------------------------------------------------------

    def step_done(self, incident_id: int, step_id: str, note: str = "") -> Incident:
        """Tick a step as done (the account's manager or the operations manager); ``note``: what was done."""
        with self._write(incident_id) as (s, incident, me, now):
            event = rules.decide(incident, me, step_id, now, note=note)
            payload: dict[str, Any] = {"step": step_id}
            if event.text:
                payload["note"] = event.text
            self._append(s, incident_id, event, payload)
        return self.incident(incident_id)

    def step_not_needed(self, incident_id: int, step_id: str, reason: str) -> Incident:
        """Decide that an optional step is not needed here (不要), with the reason."""
        with self._write(incident_id) as (s, incident, me, now):
            event = rules.decide(incident, me, step_id, now, not_needed_reason=reason)
            self._append(s, incident_id, event, {"step": step_id, "reason": event.text})
        return self.incident(incident_id)

    def add_note(self, incident_id: int, text: str) -> Incident:
        """A line in the timeline: what happened, what was decided, who was told."""
        with self._write(incident_id) as (s, incident, me, now):
            event = rules.note(incident, me, text, now)
            self._append(s, incident_id, event, _text_digest(event.text))
        return self.incident(incident_id)

    def close(self, incident_id: int, summary: str = "") -> Incident:
        """Close the incident: refused (naming them) while a required step is open or an optional one undecided."""
        with self._write(incident_id) as (s, incident, me, now):
            event = rules.close(incident, me, now, summary)
            self._append(s, incident_id, event, {"summary": event.text} if event.text else {})
            row = s.get(IncidentRow, incident_id)
            assert row is not None
            row.status = IncidentStatus.CLOSED.value
            row.closed_by = me.login
            row.closed_at = now
        return self.incident(incident_id)

    # -- evidence --------------------------------------------------------------------------------

    @property
    def media(self) -> MediaStore:
        if self._media is None:
            raise IncidentError("画面の記録(画像)の保存先が設定されていません")
        return self._media

    def add_url(self, incident_id: int, url: str, note: str = "") -> Incident:
        """An address that shows it (the fake account, a post, a comment)."""
        address = rules.check_url(url)
        return self._add_evidence(incident_id, EvidenceKind.URL, note, url=address)

    def add_file(self, incident_id: int, filename: str, data: bytes, note: str = "") -> Incident:
        """A screenshot, kept as it is (evidence is not cleaned) in the media store, verified on read."""
        info = inspect_image(data)  # a file that is no image is refused before anything is stored
        with self._db.session() as s:
            me = person_for(s, self._login)
            _require(rules.why_not_add(me, self._incident(s, self._row(s, incident_id))))
        sha256 = self.media.put(data)
        return self._add_evidence(
            incident_id,
            EvidenceKind.FILE,
            note,
            sha256=sha256,
            filename=(filename.strip() or "screenshot")[-MAX_FILENAME:],
            format=info.format,
            byte_size=info.byte_size,
        )

    def add_item(self, incident_id: int, item_id: int, note: str = "") -> Incident:
        """A post of the archive (第6条), e.g. the mistaken post a correction is about."""
        with self._db.session() as s:
            item = s.get(PostedItemRow, item_id)
            if item is None:
                raise InvalidInput(f"アーカイブに投稿 {item_id} はありません", option="--item")
            incident_row = self._row(s, incident_id)
            if item.account_id != incident_row.account_id:
                owner = s.get(AccountRow, item.account_id)
                name = owner.name if owner else item.account_id
                raise IncidentError(f"アーカイブの投稿 {item_id} は別のアカウント「{name}」のものです")
            url = item.url
        return self._add_evidence(incident_id, EvidenceKind.ITEM, note, item_id=item_id, url=url)

    def evidence_file(self, incident_id: int, evidence_id: int) -> bytes:
        """The bytes of a screenshot (checked against its SHA-256; a damaged file is a StorageError)."""
        incident = self.incident(incident_id)
        found = next((e for e in incident.evidence if e.id == evidence_id and e.kind is EvidenceKind.FILE), None)
        if found is None:
            raise InvalidInput(f"事案 {incident_id} に画面の記録 {evidence_id} はありません")
        return self.media.get(found.sha256)

    def evidence_thumbnail(self, incident_id: int, evidence_id: int, max_side: int = 256) -> bytes:
        """A small PNG of a screenshot, for lists."""
        return make_thumbnail(self.evidence_file(incident_id, evidence_id), max_side)

    def _add_evidence(self, incident_id: int, kind: EvidenceKind, note: str, **values: Any) -> Incident:
        if len(note.strip()) > rules.MAX_NOTE:
            raise IncidentError(f"説明が長すぎます({rules.MAX_NOTE} 文字まで)")
        with self._write(incident_id) as (s, incident, me, now):
            _require(rules.why_not_add(me, incident))
            row = IncidentEvidenceRow(
                incident_id=incident_id, kind=kind.value, note=note.strip(), added_by=me.login, added_at=now, **values
            )
            s.add(row)
            s.flush()
            evidence = _evidence(row, None)
            event = Event(EventKind.EVIDENCE, me.login, now, text=evidence.summary, evidence_id=row.id)
            payload: dict[str, Any] = {"evidence": row.id, "kind": kind.value}
            payload.update({k: v for k, v in values.items() if k in ("url", "sha256", "filename", "item_id")})
            self._append(s, incident_id, event, payload)
        return self.incident(incident_id)

    # -- generated texts -------------------------------------------------------------------------

    def preview(self, incident_id: int, text: TextKind, message: str = "") -> GeneratedText:
        """The text as it would be written now (nothing is stored). ``message``: what to put in (the correct
        content of a mistaken post, an explanation …)."""
        with self._db.session() as s:
            me = person_for(s, self._login)
            incident = self._incident(s, self._row(s, incident_id))
            _require(rules.why_not_see(me, incident))
            account = account_from_row(_account_row(s, incident.account_id))
        return render_text(self._catalog(), incident, text, _facts(account), self._clock(), message)

    def create_draft(self, incident_id: int, text: TextKind, message: str = "") -> LinkedDraft:
        """Make the text a draft in the desk (to be checked and approved like any post), linked to the incident.

        The draft is written first, by the desk; if the link cannot be recorded afterwards (the incident was
        closed meanwhile), the draft is discarded with that reason, so no unexplained draft is left.
        """
        from .desk import DeskService

        with self._db.session() as s:
            me = person_for(s, self._login)
            incident = self._incident(s, self._row(s, incident_id))
            _require(rules.why_not_add(me, incident))
            account = account_from_row(_account_row(s, incident.account_id))
        if not account.postable:
            raise IncidentError(
                f"アカウント「{account.name}」は{account.status.label}のため、文案から投稿案を作れません"
                f"(文案の表示は sns-desk incident text {incident_id} {text.value})"
            )
        generated = render_text(self._catalog(), incident, text, _facts(account), self._clock(), message)
        desk = DeskService(self._db, self._checker or _default_checker, self._login, self._clock, self._media)
        draft = desk.create_draft(account.id, text.draft_platforms, generated.title[:200], generated.body)
        try:
            with self._write(incident_id) as (s, current, me, now):
                _require(rules.why_not_add(me, current))
                event = Event(
                    EventKind.TEXT_GENERATED,
                    me.login,
                    now,
                    text=generated.title,
                    draft_id=draft.id,
                    text_kind=text.value,
                )
                self._append(s, incident_id, event, {"text": text.value, "draft": draft.id, "title": generated.title})
        except BaseException:
            desk.discard(draft.id, f"事案 {incident_id} に紐づけられなかったため")
            raise
        return LinkedDraft(draft.id, text, event.by, event.at)

    # -- helpers ---------------------------------------------------------------------------------

    def _row(self, s: Session, incident_id: int, for_update: bool = False) -> IncidentRow:
        query = select(IncidentRow).where(IncidentRow.id == incident_id)
        if for_update:
            query = query.with_for_update()
        row = s.scalar(query)
        if row is None:
            raise IncidentNotFound(f"事案 {incident_id} は見つかりません")
        return row

    @contextmanager
    def _write(self, incident_id: int) -> Iterator[tuple[Session, Incident, Person, dt.datetime]]:
        """One write transaction on one incident: the write lock (SQLite) or the row (PostgreSQL) is held
        from the read on, so two people ticking the same step cannot both pass the check."""
        with self._db.session() as s:
            begin_transaction(s, write=True)
            row = self._row(s, incident_id, for_update=True)
            yield s, self._incident(s, row), person_for(s, self._login), self._clock()

    def _append(self, s: Session, incident_id: int, event: Event, payload: dict[str, Any]) -> None:
        """The timeline line and the same step in the audit chain, in one transaction."""
        assert isinstance(event.action, EventKind)
        s.add(
            IncidentEventRow(
                incident_id=incident_id,
                action=event.action.value,
                step_id=event.step_id,
                text=event.text,
                by=event.by,
                at=event.at,
                draft_id=event.draft_id,
                text_kind=event.text_kind,
                evidence_id=event.evidence_id,
            )
        )
        s.flush()
        audit.append(s, event.by, _AUDIT[event.action], "incident", incident_id, payload, at=event.at)

    def _incident(self, s: Session, row: IncidentRow) -> Incident:
        account = s.get(AccountRow, row.account_id)
        events = s.scalars(
            select(IncidentEventRow).where(IncidentEventRow.incident_id == row.id).order_by(IncidentEventRow.id)
        ).all()
        evidence_rows = s.execute(
            select(IncidentEvidenceRow, PostedItemRow)
            .outerjoin(PostedItemRow, IncidentEvidenceRow.item_id == PostedItemRow.id)
            .where(IncidentEvidenceRow.incident_id == row.id)
            .order_by(IncidentEvidenceRow.id)
        ).all()
        return Incident(
            id=row.id,
            account_id=row.account_id,
            account_name=account.name if account else "",
            account_manager=account.manager if account else "",
            kind=IncidentKind(row.kind),
            description=row.description,
            found_at=row.found_at,
            found_by=row.found_by,
            reported_by=row.reported_by,
            reported_at=row.reported_at,
            status=IncidentStatus(row.status),
            steps=tuple(Step.from_json(step) for step in row.checklist),
            events=tuple(_event(e) for e in events),
            evidence=tuple(_evidence(e, item) for e, item in evidence_rows),
            closed_by=row.closed_by,
            closed_at=row.closed_at,
            account_platform=account.platform if account else "",
        )


def _default_checker() -> Checker:
    from ..core.checker import default_checker

    return default_checker()


def _require(reason: str) -> None:
    if reason:
        raise IncidentError(reason)


def _account_row(s: Session, account: str | int) -> AccountRow:
    if isinstance(account, int):
        row = s.get(AccountRow, account)
    else:
        row = s.scalar(select(AccountRow).where(AccountRow.name == account.strip()))
    if row is None:
        raise InvalidInput(f"アカウント「{account}」は登録されていません。台帳にあるアカウント名を", option="--account")
    return row


def _facts(account: Account) -> AccountFacts:
    from .registry import PLATFORM_LABELS

    return AccountFacts(
        name=account.name,
        display_name=account.display_name,
        platform_label=PLATFORM_LABELS.get(account.platform, account.platform),
        url=account.url,
        department=account.department,
        contact=account.contact,
        manager_title=account.manager_title,
    )


def _text_digest(text: str) -> dict[str, Any]:
    """Notes stay in the timeline; the audit chain holds their fingerprint, so an edited note shows."""
    return {"characters": len(text), "text_sha256": hashlib.sha256(text.encode("utf-8")).hexdigest()}


def _event(row: IncidentEventRow) -> Event:
    try:
        action: EventKind | str = EventKind(row.action)
    except ValueError:  # written by a newer version sharing the database: shown as stored
        action = row.action
    return Event(action, row.by, row.at, row.step_id, row.text, row.draft_id, row.evidence_id, row.text_kind)


def _evidence(row: IncidentEvidenceRow, item: PostedItemRow | None) -> Evidence:
    try:
        kind = EvidenceKind(row.kind)
    except ValueError:  # pragma: no cover - a newer version's kind
        kind = EvidenceKind.URL
    excerpt = " ".join(item.text.split())[:_EXCERPT] if item is not None else ""
    return Evidence(
        id=row.id,
        kind=kind,
        added_by=row.added_by,
        added_at=row.added_at,
        note=row.note,
        url=row.url,
        sha256=row.sha256,
        filename=row.filename,
        format=row.format,
        byte_size=row.byte_size,
        item_id=row.item_id,
        item_posted_at=item.posted_at if item is not None else None,
        item_excerpt=excerpt,
    )


def _summary(incident: Incident) -> IncidentSummary:
    return IncidentSummary(
        id=incident.id,
        account_id=incident.account_id,
        account_name=incident.account_name,
        kind=incident.kind,
        status=incident.status,
        found_at=incident.found_at,
        reported_by=incident.reported_by,
        steps_total=len(incident.steps),
        steps_open=len(incident.blocking),
        last_activity=incident.last_activity,
        description=incident.description,
    )
