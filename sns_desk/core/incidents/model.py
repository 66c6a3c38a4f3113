"""What an incident (第8条: トラブル) is, as plain immutable values.

An incident belongs to one of the city's accounts and is of one kind. When it is reported, the
checklist of its kind (``resources/incidents/<kind>.yaml``) is copied into it, so a checklist edited
later never changes what an incident already had to do. Everything that happens afterwards is an
:class:`Event` in its timeline (who, when), and the state of each step is read from those events.
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass, field
from typing import Any, Final

from ..jst import JST


class IncidentKind(enum.StrEnum):
    IMPERSONATION = "impersonation"
    """なりすまし: someone pretends to be a city account (第8条第1項)."""
    TAKEOVER = "takeover"
    """乗っ取り・不正アクセス: someone else got into a city account (第8条第1項)."""
    FLAMING = "flaming"
    """炎上: a flood of critical comments on something the city posted (第8条第2項)."""
    MISTAKE = "mistake"
    """誤投稿: the city posted something wrong (第9条第1項)."""
    OTHER = "other"

    @property
    def label(self) -> str:
        return _KIND_LABELS[self]

    @property
    def article(self) -> str:
        """Where the guideline speaks of this kind ('' for その他)."""
        return _KIND_ARTICLES[self]


_KIND_LABELS: Final = {
    IncidentKind.IMPERSONATION: "なりすまし",
    IncidentKind.TAKEOVER: "乗っ取り・不正アクセス",
    IncidentKind.FLAMING: "炎上",
    IncidentKind.MISTAKE: "誤投稿",
    IncidentKind.OTHER: "その他",
}
_KIND_ARTICLES: Final = {
    IncidentKind.IMPERSONATION: "第8条第1項",
    IncidentKind.TAKEOVER: "第8条第1項",
    IncidentKind.FLAMING: "第8条第2項",
    IncidentKind.MISTAKE: "第9条第1項",
    IncidentKind.OTHER: "",
}


class IncidentStatus(enum.StrEnum):
    OPEN = "open"
    CLOSED = "closed"

    @property
    def label(self) -> str:
        return "対応中" if self is IncidentStatus.OPEN else "終了"


class TextKind(enum.StrEnum):
    """The texts the app writes from an incident's facts (templates in ``resources/incidents/texts``)."""

    NOTICE = "notice"
    """A notice for the city homepage (第8条第1項: the fact is made known there)."""
    PRESS = "press"
    """Information for the press (第8条第1項: where needed)."""
    POST = "post"
    """A post on the account itself: a warning, an explanation, a correction or an apology."""

    @property
    def label(self) -> str:
        return _TEXT_LABELS[self]

    @property
    def draft_platforms(self) -> tuple[str, ...]:
        """What the desk's draft targets: a post goes to the account's platform (``()``: its default);
        the notice and the press text are published elsewhere, so no platform's length limit applies
        (the checker skips ids that are not in the rulebook)."""
        return {TextKind.NOTICE: ("homepage",), TextKind.PRESS: ("press",), TextKind.POST: ()}[self]


_TEXT_LABELS: Final = {
    TextKind.NOTICE: "市ホームページのお知らせ",
    TextKind.PRESS: "報道機関への情報提供",
    TextKind.POST: "公式アカウントでの投稿",
}


class StepStatus(enum.StrEnum):
    OPEN = "open"
    DONE = "done"
    NOT_NEEDED = "not_needed"

    @property
    def label(self) -> str:
        return {"open": "未了", "done": "済み", "not_needed": "不要"}[self.value]


class EventKind(enum.StrEnum):
    """What happened to an incident, as stored in its timeline (``incident_events.action``)."""

    OPENED = "opened"
    STEP_DONE = "step_done"
    STEP_NOT_NEEDED = "step_not_needed"
    NOTE = "note"
    EVIDENCE = "evidence"
    TEXT_GENERATED = "text_generated"
    CLOSED = "closed"

    @property
    def label(self) -> str:
        return _EVENT_LABELS[self]


_EVENT_LABELS: Final = {
    EventKind.OPENED: "報告(受付)",
    EventKind.STEP_DONE: "手順を完了",
    EventKind.STEP_NOT_NEEDED: "手順を不要と判断",
    EventKind.NOTE: "記録",
    EventKind.EVIDENCE: "証拠を追加",
    EventKind.TEXT_GENERATED: "文案から投稿案を作成",
    EventKind.CLOSED: "終了",
}


@dataclass(frozen=True, slots=True)
class Step:
    """One thing to do for an incident of a kind."""

    id: str
    title: str
    required: bool
    """Required steps must be done before closing; the others ("where needed") must be decided:
    done, or 不要 with a reason."""
    article: str = ""
    """Where the guideline asks for it (e.g. 第8条第1項)."""
    help: str = ""
    """How to do it, in a sentence or two."""
    text: TextKind | None = None
    """The generated text that helps with this step, if any."""

    def to_json(self) -> dict[str, Any]:
        body: dict[str, Any] = {"id": self.id, "title": self.title, "required": self.required}
        if self.article:
            body["article"] = self.article
        if self.help:
            body["help"] = self.help
        if self.text is not None:
            body["text"] = self.text.value
        return body

    @classmethod
    def from_json(cls, body: dict[str, Any]) -> Step:
        text = body.get("text")
        return cls(
            id=str(body["id"]),
            title=str(body["title"]),
            required=bool(body["required"]),
            article=str(body.get("article", "")),
            help=str(body.get("help", "")),
            text=TextKind(text) if text in {t.value for t in TextKind} else None,
        )


@dataclass(frozen=True, slots=True)
class Event:
    """One line of an incident's timeline."""

    action: EventKind | str
    """A kind this version knows, or the stored text of one written by a newer version."""
    by: str
    at: dt.datetime
    """UTC, as stored; shown in Japan time (:func:`jst_text`)."""
    step_id: str = ""
    text: str = ""
    """The note, the reason a step is not needed, or what the evidence or draft is."""
    draft_id: int | None = None
    evidence_id: int | None = None
    text_kind: str = ""
    """For a draft made from a generated text: which text (a :class:`TextKind` value)."""

    @property
    def label(self) -> str:
        return self.action.label if isinstance(self.action, EventKind) else self.action


@dataclass(frozen=True, slots=True)
class StepState:
    step: Step
    status: StepStatus
    by: str = ""
    at: dt.datetime | None = None
    note: str = ""
    """What was done (optional) or why it is not needed."""

    @property
    def blocks_closing(self) -> bool:
        """A required step not done, or an optional one not decided yet."""
        if self.step.required:
            return self.status is not StepStatus.DONE
        return self.status is StepStatus.OPEN

    @property
    def describe_open(self) -> str:
        """「title」(必須) or 「title」(要否が未判断), for a refusal."""
        why = "必須" if self.step.required else "要否が未判断"
        return f"「{self.step.title}」({why})"


class EvidenceKind(enum.StrEnum):
    URL = "url"
    FILE = "file"
    ITEM = "item"

    @property
    def label(self) -> str:
        return {"url": "URL", "file": "画面の記録", "item": "アーカイブの投稿"}[self.value]


@dataclass(frozen=True, slots=True)
class Evidence:
    id: int
    kind: EvidenceKind
    added_by: str
    added_at: dt.datetime
    note: str = ""
    url: str = ""
    """For a URL; for an archive item, the item's address."""
    sha256: str = ""
    """For a file: its key in the media store."""
    filename: str = ""
    format: str = ""
    byte_size: int = 0
    item_id: int | None = None
    item_posted_at: dt.datetime | None = None
    item_excerpt: str = ""

    @property
    def summary(self) -> str:
        """One line for lists and the timeline."""
        if self.kind is EvidenceKind.URL:
            return self.url
        if self.kind is EvidenceKind.FILE:
            return f"{self.filename}({self.format}、{self.byte_size:,} バイト)"
        when = f"{jst_text(self.item_posted_at)} " if self.item_posted_at is not None else ""
        return f"投稿 {self.item_id}({when}{self.item_excerpt})"


@dataclass(frozen=True, slots=True)
class LinkedDraft:
    """A draft in the desk made from one of the incident's generated texts."""

    draft_id: int
    text: TextKind | str
    by: str
    at: dt.datetime


@dataclass(frozen=True, slots=True)
class Incident:
    id: int
    account_id: int
    account_name: str
    account_manager: str
    """Login of the account's manager now (the one who runs the incident with the operations manager)."""
    kind: IncidentKind
    description: str
    found_at: dt.datetime
    found_by: str
    """Who noticed it: a person, or e.g. 「市民からの電話」."""
    reported_by: str
    """Login of who recorded it in the app."""
    reported_at: dt.datetime
    status: IncidentStatus
    steps: tuple[Step, ...]
    events: tuple[Event, ...] = ()
    evidence: tuple[Evidence, ...] = ()
    closed_by: str = ""
    closed_at: dt.datetime | None = None
    account_platform: str = ""

    @property
    def is_open(self) -> bool:
        return self.status is IncidentStatus.OPEN

    @property
    def states(self) -> tuple[StepState, ...]:
        return step_states(self.steps, self.events)

    @property
    def blocking(self) -> tuple[StepState, ...]:
        """What keeps the incident from being closed."""
        return tuple(state for state in self.states if state.blocks_closing)

    def step(self, step_id: str) -> Step | None:
        return next((s for s in self.steps if s.id == step_id), None)

    @property
    def drafts(self) -> tuple[LinkedDraft, ...]:
        out = []
        for event in self.events:
            if event.action == EventKind.TEXT_GENERATED and event.draft_id is not None:
                known = event.text_kind in {t.value for t in TextKind}
                text: TextKind | str = TextKind(event.text_kind) if known else event.text_kind
                out.append(LinkedDraft(event.draft_id, text, event.by, event.at))
        return tuple(out)

    @property
    def last_activity(self) -> dt.datetime:
        return max((e.at for e in self.events), default=self.reported_at)


def step_states(steps: tuple[Step, ...], events: tuple[Event, ...]) -> tuple[StepState, ...]:
    """Each step's state from the timeline: the last decision counts (不要 may later become done)."""
    decided: dict[str, StepState] = {}
    by_id = {step.id: step for step in steps}
    for event in events:
        step = by_id.get(event.step_id)
        if step is None:
            continue
        if event.action == EventKind.STEP_DONE:
            decided[step.id] = StepState(step, StepStatus.DONE, event.by, event.at, event.text)
        elif event.action == EventKind.STEP_NOT_NEEDED:
            decided[step.id] = StepState(step, StepStatus.NOT_NEEDED, event.by, event.at, event.text)
    return tuple(decided.get(step.id, StepState(step, StepStatus.OPEN)) for step in steps)


@dataclass(frozen=True, slots=True)
class IncidentSummary:
    """One line of the incidents list."""

    id: int
    account_id: int
    account_name: str
    kind: IncidentKind
    status: IncidentStatus
    found_at: dt.datetime
    reported_by: str
    steps_total: int
    steps_open: int
    """Steps that still keep it from being closed."""
    last_activity: dt.datetime
    description: str = field(default="")


def jst_text(at: dt.datetime) -> str:
    """A stored UTC moment as people read it: Japan time, e.g. 2026年12月05日 10:05."""
    if at.tzinfo is None:  # stored as UTC without a zone
        at = at.replace(tzinfo=dt.UTC)
    return at.astimezone(JST).strftime("%Y年%m月%d日 %H:%M")


def jst_date_text(at: dt.datetime) -> str:
    """The Japan date of a moment, e.g. 2026年12月5日 (no leading zeros, as in public texts)."""
    if at.tzinfo is None:
        at = at.replace(tzinfo=dt.UTC)
    day = at.astimezone(JST)
    return f"{day.year}年{day.month}月{day.day}日"
