"""The インシデント window's lists, and which of its buttons a person may press.

Three read-only tables over the plain values of :class:`~sns_desk.services.incidents.IncidentService`:
the incidents (:class:`IncidentListModel`), one incident's checklist with the state of each step
(:class:`StepsModel`) and its timeline (:class:`TimelineModel`). Times are shown in Japan time
whatever the computer's zone (:func:`~sns_desk.core.incidents.jst_text`).

Whether a button is enabled is asked of the core's own rules (:mod:`sns_desk.core.incidents.rules`,
the ``why_not_*`` functions): the sentence they would refuse with is the greyed button's tooltip.
The service decides in the end, and its refusal is what the user reads when the screen is out of date.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor

from ..core.accounts import Account
from ..core.incidents import (
    Event,
    EventKind,
    Incident,
    IncidentStatus,
    IncidentSummary,
    StepState,
    StepStatus,
    TextKind,
    jst_text,
    rules,
)
from ..core.jst import JST
from ..core.people import Person
from .flat_rows import FlatRows

_Index = QModelIndex | QPersistentModelIndex

ROW_ROLE: Final = int(Qt.ItemDataRole.UserRole) + 1
"""The row's value (an :class:`IncidentSummary`, a :class:`StepState` or an :class:`Event`), any column."""

CLOSED_COLOR: Final = "#8a8a8a"
STATUS_COLORS: Final[dict[IncidentStatus, str]] = {IncidentStatus.OPEN: "#c62828", IncidentStatus.CLOSED: CLOSED_COLOR}
STEP_COLORS: Final[dict[StepStatus, str]] = {
    StepStatus.OPEN: "#c62828",
    StepStatus.DONE: "#2e7d32",
    StepStatus.NOT_NEEDED: "#6d6d6d",
}
UNDECIDED_COLOR: Final = "#b26a00"
"""An optional step not decided yet: it keeps the incident open, but is not a must."""

REQUIRED_TEXT: Final = "必須"
WHERE_NEEDED_TEXT: Final = "必要に応じて"


def jst_short_text(at: dt.datetime) -> str:
    """A stored UTC moment in Japan time, compactly for a list: 2026/12/05 10:05."""
    aware = at if at.tzinfo is not None else at.replace(tzinfo=dt.UTC)
    return aware.astimezone(JST).strftime("%Y/%m/%d %H:%M")


def excerpt(text: str, limit: int = 40) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def steps_left_text(steps_open: int, steps_total: int) -> str:
    """「3 / 10」 (3 of 10 steps keep the incident open), or 「なし」 once nothing does."""
    return f"{steps_open} / {steps_total}" if steps_open else "なし"


def text_label(text: TextKind | str) -> str:
    return text.label if isinstance(text, TextKind) else text


# == the incidents ==========================================================================================

LIST_HEADERS: Final = ("番号", "状態", "種類", "アカウント", "発見(日本時間)", "残りの手順")
COLUMN_ID: Final = 0
COLUMN_STATUS: Final = 1
COLUMN_KIND: Final = 2
COLUMN_ACCOUNT: Final = 3
COLUMN_FOUND: Final = 4
COLUMN_STEPS: Final = 5


class IncidentListModel(FlatRows, QAbstractTableModel):
    """One row per incident the person may see, in the service's order (open ones first, newest first)."""

    headers = LIST_HEADERS

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[IncidentSummary] = []

    def row_total(self) -> int:
        return len(self._rows)

    def set_incidents(self, incidents: Sequence[IncidentSummary]) -> None:
        self.beginResetModel()
        self._rows = list(incidents)
        self.endResetModel()

    def incidents(self) -> list[IncidentSummary]:
        return list(self._rows)

    def summary(self, row: int) -> IncidentSummary | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def row_of(self, incident_id: int | None) -> int | None:
        return next((i for i, s in enumerate(self._rows) if s.id == incident_id), None)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not self.has_row(index):
            return None
        summary = self._rows[index.row()]
        column = index.column()
        if role == ROW_ROLE:
            return summary
        text = self._display(summary, column)
        if role == Qt.ItemDataRole.DisplayRole:
            return text
        if role == Qt.ItemDataRole.ForegroundRole:
            if summary.status is IncidentStatus.CLOSED:
                return QColor(CLOSED_COLOR)
            if column == COLUMN_STATUS:
                return QColor(STATUS_COLORS[summary.status])
            return None
        if role == Qt.ItemDataRole.ToolTipRole:
            return summary.description or None
        if role == Qt.ItemDataRole.TextAlignmentRole and column == COLUMN_ID:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"{LIST_HEADERS[column]}: {text}"
        return None

    @staticmethod
    def _display(summary: IncidentSummary, column: int) -> str:
        return {
            COLUMN_ID: str(summary.id),
            COLUMN_STATUS: summary.status.label,
            COLUMN_KIND: summary.kind.label,
            COLUMN_ACCOUNT: summary.account_name,
            COLUMN_FOUND: jst_short_text(summary.found_at),
            COLUMN_STEPS: steps_left_text(summary.steps_open, summary.steps_total),
        }.get(column, "")


# == one incident's checklist ===============================================================================

STEP_HEADERS: Final = ("状態", "手順", "要否", "根拠", "記録(日本時間)")
STEP_COLUMN_STATE: Final = 0
STEP_COLUMN_TITLE: Final = 1
STEP_COLUMN_NEED: Final = 2
STEP_COLUMN_ARTICLE: Final = 3
STEP_COLUMN_RECORD: Final = 4


def step_record_text(state: StepState) -> str:
    """Who decided it and when (Japan time), with the note or the reason: kacho 2026年12月05日 10:05「電話で報告」."""
    if state.at is None:
        return ""
    line = f"{state.by} {jst_text(state.at)}"
    return f"{line}「{state.note}」" if state.note else line


class StepsModel(FlatRows, QAbstractTableModel):
    """The checklist the incident was reported with, each step with its state."""

    headers = STEP_HEADERS

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[StepState] = []

    def row_total(self) -> int:
        return len(self._rows)

    def set_states(self, states: Sequence[StepState]) -> None:
        self.beginResetModel()
        self._rows = list(states)
        self.endResetModel()

    def states(self) -> list[StepState]:
        return list(self._rows)

    def state(self, row: int) -> StepState | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def row_of(self, step_id: str | None) -> int | None:
        return next((i for i, s in enumerate(self._rows) if s.step.id == step_id), None)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not self.has_row(index):
            return None
        state = self._rows[index.row()]
        column = index.column()
        if role == ROW_ROLE:
            return state
        text = self._display(state, column)
        if role == Qt.ItemDataRole.DisplayRole:
            return text
        if role == Qt.ItemDataRole.ForegroundRole and column in (STEP_COLUMN_STATE, STEP_COLUMN_NEED):
            if state.status is StepStatus.OPEN and not state.step.required:
                return QColor(UNDECIDED_COLOR)
            if column == STEP_COLUMN_STATE:
                return QColor(STEP_COLORS[state.status])
            return None
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(state, column, text)
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"{STEP_HEADERS[column]}: {text}"
        return None

    @staticmethod
    def _display(state: StepState, column: int) -> str:
        return {
            STEP_COLUMN_STATE: state.status.label,
            STEP_COLUMN_TITLE: state.step.title,
            STEP_COLUMN_NEED: REQUIRED_TEXT if state.step.required else WHERE_NEEDED_TEXT,
            STEP_COLUMN_ARTICLE: state.step.article,
            STEP_COLUMN_RECORD: step_record_text(state),
        }.get(column, "")

    @staticmethod
    def _tooltip(state: StepState, column: int, text: str) -> str | None:
        if column == STEP_COLUMN_NEED:
            if state.step.required:
                return "済みにしないと事案を終了できません"
            return "行ったら済みに、行わないなら理由を書いて不要にしてください"
        if column == STEP_COLUMN_TITLE:
            parts = [state.step.title]
            if state.step.help:
                parts.append(state.step.help)
            if state.step.text is not None:
                parts.append(f"文案: {state.step.text.label}(「文面を作成」で作れます)")
            return "\n".join(parts)
        return text or None


# == one incident's timeline ================================================================================

TIMELINE_HEADERS: Final = ("日時(日本時間)", "担当", "できごと", "内容")
TIMELINE_COLUMN_AT: Final = 0
TIMELINE_COLUMN_BY: Final = 1
TIMELINE_COLUMN_ACTION: Final = 2
TIMELINE_COLUMN_TEXT: Final = 3


def event_text(event: Event, incident: Incident | None) -> str:
    """What the line is about: the step's title with the note or reason, the evidence, the draft, the note."""
    step = incident.step(event.step_id) if incident is not None and event.step_id else None
    subject = f"「{step.title}」" if step is not None else (f"「{event.step_id}」" if event.step_id else "")
    if event.action == EventKind.TEXT_GENERATED and event.draft_id is not None:
        return f"投稿案 {event.draft_id}: {event.text}"
    if event.action == EventKind.OPENED:
        return ""  # the description is shown above the checklist
    if subject and event.text:
        return f"{subject} {event.text}"
    return subject or event.text


class TimelineModel(FlatRows, QAbstractTableModel):
    """Everything that happened to the incident, oldest first."""

    headers = TIMELINE_HEADERS

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._incident: Incident | None = None
        self._rows: list[Event] = []

    def row_total(self) -> int:
        return len(self._rows)

    def set_incident(self, incident: Incident | None) -> None:
        self.beginResetModel()
        self._incident = incident
        self._rows = list(incident.events) if incident is not None else []
        self.endResetModel()

    def events(self) -> list[Event]:
        return list(self._rows)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not self.has_row(index):
            return None
        event = self._rows[index.row()]
        column = index.column()
        if role == ROW_ROLE:
            return event
        text = {
            TIMELINE_COLUMN_AT: jst_text(event.at),
            TIMELINE_COLUMN_BY: event.by,
            TIMELINE_COLUMN_ACTION: event.label,
            TIMELINE_COLUMN_TEXT: event_text(event, self._incident),
        }.get(column, "")
        if role == Qt.ItemDataRole.DisplayRole:
            return text
        if role == Qt.ItemDataRole.ToolTipRole:
            return text or None
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"{TIMELINE_HEADERS[column]}: {text}"
        return None


# == who may press what =====================================================================================

LOADING: Final = "事案の一覧を読み込んでいます"
NO_INCIDENT: Final = "左の一覧から事案を選んでください"
NO_STEP: Final = "手順の一覧から手順を選んでください"
NO_ACCOUNTS: Final = "事案を報告できる市のアカウントが台帳にありません。運用管理者にアカウントの登録を依頼してください"
NO_TEXTS: Final = "この種類の事案には文案のひな形がありません"


def _none(reason: str) -> str | None:
    return reason or None


@dataclass(frozen=True, slots=True)
class IncidentAllowed:
    """Why each of the window's buttons is disabled (None: enabled)."""

    report: str | None
    note: str | None
    evidence: str | None
    text: str | None
    done: str | None
    not_needed: str | None
    close: str | None


def incident_allowed(
    me: Person | None,
    accounts: Sequence[Account],
    incident: Incident | None,
    step_id: str | None,
    offers_texts: bool = True,
) -> IncidentAllowed:
    """What ``me`` may do with ``incident`` and its step ``step_id`` chosen (the core's own rules, as reasons).

    ``accounts``: those ``me`` may report on; ``offers_texts``: whether the incident's kind has any text.
    """
    if me is None:
        return IncidentAllowed(LOADING, LOADING, LOADING, LOADING, LOADING, LOADING, LOADING)
    report = NO_ACCOUNTS if not accounts else None
    if not me.active:
        report = f"「{me.login}」は無効にされているため、事案を報告できません"
    if incident is None:
        return IncidentAllowed(report, NO_INCIDENT, NO_INCIDENT, NO_INCIDENT, NO_INCIDENT, NO_INCIDENT, NO_INCIDENT)
    add = _none(rules.why_not_add(me, incident))
    text = add or (None if offers_texts else NO_TEXTS)
    done: str | None
    not_needed: str | None
    if step_id is None:
        # Without a chosen step, a closed incident or the role still say why (a drafter reads it at once).
        decides = incident.is_open and rules.runs_account(me, incident.account_manager)
        done = not_needed = NO_STEP if decides else rules.why_not_decide(me, incident, "") or NO_STEP
    else:
        done = _none(rules.why_not_decide(me, incident, step_id))
        not_needed = _none(rules.why_not_decide(me, incident, step_id, not_needed=True))
    close = _none(rules.why_not_close(me, incident))
    return IncidentAllowed(report, add, add, text, done, not_needed, close)
