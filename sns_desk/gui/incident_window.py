"""The インシデント window: incidents on the city's accounts (第8条 トラブル, 第9条 誤りの訂正).

Left: the incidents the person may see (the operations manager all, an account manager those of their
accounts, anyone those they reported), open ones first; 「終了した事案も表示」 adds the closed ones.
Right: the chosen incident — its facts, the checklist its kind had when it was reported (each step
required or where needed, 未了 / 済み / 不要 with who and when in Japan time), its evidence (addresses
open in the browser, screenshots as thumbnails, posts of the archive), its timeline and the desk drafts
made from it.

Anyone on the staff reports (報告…) and, while the incident is open, adds notes, evidence and texts;
the account's manager or the operations manager ticks steps (済みにする… / 不要にする…, with a reason)
and closes it (事案を終了…) once every required step is done and every other one decided. Which
button is enabled is asked of the core's rules (:func:`~sns_desk.gui.incident_model.incident_allowed`);
a greyed button's tooltip says why. The :class:`IncidentService` decides, and its refusal is shown the
app's one way; whatever was typed is offered again the next time the same dialog opens.

A text made from the incident (文面を作成…) is previewed, then becomes a draft in the desk
(:attr:`IncidentWindow.draftCreated`, which the desk answers by reloading its list).

Every call runs on the window's own :class:`OpRunner`; the window receives plain values.
"""

from __future__ import annotations

import dataclasses
import html
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Final, TypeVar

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QSettings, Qt, QUrl, Signal, Slot
from PySide6.QtGui import QAction, QCloseEvent, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QSplitter,
    QStackedWidget,
    QTableView,
    QTabWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ..core.accounts import Account
from ..core.errors import InvalidInput
from ..core.incidents import (
    Checklist,
    Evidence,
    EvidenceKind,
    GeneratedText,
    Incident,
    IncidentStatus,
    IncidentSummary,
    LinkedDraft,
    StepState,
    StepStatus,
    TextKind,
    jst_text,
    rules,
)
from ..core.people import Person
from ..services.incidents import IncidentService
from ..storage.search import FoundItem, SearchQuery
from .attachments_panel import read_image_file, square_pixmap
from .dialogs import ConfirmDialog
from .errors import error_text
from .guideline import open_location
from .incident_dialogs import (
    CloseIncidentDialog,
    EvidenceAnswer,
    EvidenceDialog,
    NoteDialog,
    NotNeededDialog,
    ReportAnswer,
    ReportDialog,
    StepDoneDialog,
    TextAnswer,
    TextDialog,
)
from .incident_model import (
    COLUMN_ACCOUNT,
    COLUMN_FOUND,
    COLUMN_ID,
    COLUMN_KIND,
    COLUMN_STATUS,
    COLUMN_STEPS,
    STATUS_COLORS,
    STEP_COLUMN_ARTICLE,
    STEP_COLUMN_NEED,
    STEP_COLUMN_RECORD,
    STEP_COLUMN_STATE,
    STEP_COLUMN_TITLE,
    TIMELINE_COLUMN_TEXT,
    IncidentAllowed,
    IncidentListModel,
    StepsModel,
    TimelineModel,
    incident_allowed,
    text_label,
)
from .ops import OpRunner
from .window import AppWindow, plain_label, set_allowed

if TYPE_CHECKING:
    from ..services.archive import ArchiveService

T = TypeVar("T")

WINDOW_TITLE: Final = "sns_desk — インシデント"
WATCHED_TABLES: Final = frozenset({"incidents", "accounts", "users"})
"""Another terminal's changes that alter what the window shows (PostgreSQL announces them)."""
BUSY: Final = "処理中です。終わるまでお待ちください"
PLACEHOLDER: Final = (
    "左の一覧から事案を選んでください。\n\n"
    "なりすまし・乗っ取り・炎上・誤投稿などに気づいたら、「報告」(Ctrl+N)で記録してください。"
    "種類ごとの手順が示され、アカウントの管理者と運用管理者に共有されます(第8条・第9条)。"
)
THUMBNAIL_SIDE: Final = 96
"""Logical pixels of a screenshot's thumbnail in the evidence list."""
ARCHIVE_RESULTS: Final = 50
REPORT_KEY: Final = ("report", 0, "")
"""Where a refused report is kept (see :attr:`IncidentWindow._typed`)."""


@dataclass(frozen=True, slots=True)
class IncidentsSnapshot:
    """What a refresh loads in one background call."""

    me: Person
    accounts: tuple[Account, ...]
    """Those the person may report on."""
    checklists: tuple[Checklist, ...]
    incidents: tuple[IncidentSummary, ...]


@dataclass(frozen=True, slots=True)
class IncidentDetail:
    """One incident with the thumbnails of its screenshots not shown before (by SHA-256)."""

    incident: Incident
    thumbnails: dict[str, bytes] = dataclasses.field(default_factory=dict)
    broken: dict[str, str] = dataclasses.field(default_factory=dict)
    """Screenshots that could not be read (damaged in the media store …), with the message."""


def load_incidents(service: IncidentService, include_closed: bool) -> IncidentsSnapshot:
    return IncidentsSnapshot(
        service.me(),
        tuple(service.accounts()),
        tuple(service.checklists()),
        tuple(service.incidents(include_closed=include_closed)),
    )


def load_incident(service: IncidentService, incident_id: int, known: frozenset[str], side: int) -> IncidentDetail:
    """Runs on the worker thread: the incident and the thumbnails of the screenshots not in ``known``."""
    incident = service.incident(incident_id)
    thumbnails: dict[str, bytes] = {}
    broken: dict[str, str] = {}
    for evidence in incident.evidence:
        if evidence.kind is not EvidenceKind.FILE or evidence.sha256 in known or evidence.sha256 in thumbnails:
            continue
        try:
            thumbnails[evidence.sha256] = service.evidence_thumbnail(incident_id, evidence.id, side)
        except Exception as exc:  # one unreadable screenshot does not hide the incident
            broken[evidence.sha256] = error_text(exc)[1]
    return IncidentDetail(incident, thumbnails, broken)


def read_evidence(answer: EvidenceAnswer) -> tuple[EvidenceKind, str | bytes | int]:
    """Runs on the worker thread: the screenshot's bytes, the post's number, or the address as typed."""
    if answer.kind is EvidenceKind.FILE:
        if Path(answer.value).is_dir():
            raise InvalidInput(f"「{answer.value}」はフォルダです。画像ファイルを選んでください")
        return answer.kind, read_image_file(answer.value)
    if answer.kind is EvidenceKind.ITEM:
        try:
            return answer.kind, int(answer.value)
        except ValueError:
            raise InvalidInput(f"「{answer.value}」はアーカイブの投稿の番号ではありません") from None
    return answer.kind, answer.value


def add_evidence(service: IncidentService, incident_id: int, answer: EvidenceAnswer) -> Incident:
    kind, value = read_evidence(answer)
    if kind is EvidenceKind.FILE:
        assert isinstance(value, bytes)
        return service.add_file(incident_id, Path(answer.value).name, value, answer.note)
    if kind is EvidenceKind.ITEM:
        assert isinstance(value, int)
        return service.add_item(incident_id, value, answer.note)
    assert isinstance(value, str)
    return service.add_url(incident_id, value, answer.note)


def person_text(login: str) -> str:
    return login or "(不明)"


def subject_of(incident: Incident) -> str:
    """「事案 3(なりすまし、東広島市広報)」."""
    return f"事案 {incident.id}({incident.kind.label}、{incident.account_name})"


def progress_text(incident: Incident) -> str:
    """What keeps the incident open, or that it may be closed, or how it was closed."""
    if not incident.is_open:
        when = jst_text(incident.closed_at) if incident.closed_at is not None else ""
        return f"終了しました({person_text(incident.closed_by)} {when})。終了した事案には追加できません。"
    blocking = incident.blocking
    if not blocking:
        return "手順はすべて済みか不要と判断されています。「事案を終了」で閉じられます。"
    required = sum(1 for s in blocking if s.step.required)
    undecided = len(blocking) - required
    parts = [f"必須 {required} 件"] if required else []
    if undecided:
        parts.append(f"要否が未判断 {undecided} 件")
    return f"終了までに残っている手順: {len(blocking)} 件({'・'.join(parts)})"


def _link(url: str, text: str | None = None) -> str:
    """An anchor for an http(s) address (anything else is shown as text, never made clickable)."""
    shown = html.escape(text if text is not None else url)
    if QUrl(url).scheme().lower() in ("http", "https"):
        return f'<a href="{html.escape(url, quote=True)}">{shown}</a>'
    return shown


class EvidenceRow(QFrame):
    """One piece of evidence: a thumbnail for a screenshot, the address as a link, the note, who and when."""

    linkActivated = Signal(str)

    def __init__(self, evidence: Evidence, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.evidence = evidence
        self.setObjectName("incident_evidence_row")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 4)
        self.thumbnail = QLabel()
        self.thumbnail.setFixedSize(THUMBNAIL_SIDE, THUMBNAIL_SIDE)
        self.thumbnail.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.thumbnail.setWordWrap(True)
        layout.addWidget(self.thumbnail, 0, Qt.AlignmentFlag.AlignTop)
        if evidence.kind is EvidenceKind.FILE:
            self.thumbnail.setText("読み込み中…")
            self.thumbnail.setToolTip(f"{evidence.filename}({evidence.format}、{evidence.byte_size:,} バイト)")
        else:
            self.thumbnail.hide()  # only screenshots have a picture
        if evidence.kind is EvidenceKind.URL:
            what = _link(evidence.url)
        elif evidence.kind is EvidenceKind.FILE:
            what = html.escape(evidence.summary)
        else:
            what = html.escape(evidence.summary)
            if evidence.url:
                what += f"<br/>{_link(evidence.url)}"
        lines = [f"<b>{html.escape(evidence.kind.label)}</b> {what}"]
        if evidence.note:
            lines.append(html.escape(evidence.note))
        lines.append(
            f'<span style="color:#666666">証拠 {evidence.id}・{html.escape(person_text(evidence.added_by))} '
            f"{html.escape(jst_text(evidence.added_at))}</span>"
        )
        self.label = QLabel("<br/>".join(lines))
        self.label.setTextFormat(Qt.TextFormat.RichText)
        self.label.setWordWrap(True)
        self.label.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextBrowserInteraction | Qt.TextInteractionFlag.TextSelectableByMouse
        )
        self.label.setOpenExternalLinks(False)
        self.label.linkActivated.connect(self.linkActivated)
        layout.addWidget(self.label, 1)

    def set_thumbnail(self, pixmap: QPixmap | None, problem: str = "") -> None:
        if pixmap is not None:
            self.thumbnail.setPixmap(pixmap)
        else:
            self.thumbnail.setText("表示できません")
            if problem:
                self.thumbnail.setToolTip(problem)


class IncidentWindow(AppWindow):
    """The incidents for one user (the service's login)."""

    incidentsLoaded = Signal(object)
    """An :class:`IncidentsSnapshot` is shown."""
    incidentShown = Signal(object)
    """The chosen :class:`Incident` is shown on the right (after a load, with its thumbnails)."""
    incidentChanged = Signal(object)
    """A step succeeded (reported, ticked, noted, evidence added, closed): the :class:`Incident` after it."""
    draftCreated = Signal(object)
    """A text became a desk draft: the :class:`LinkedDraft` (the desk reloads its list)."""
    openDraftRequested = Signal(int)
    """The person asked to see a draft made from an incident in the desk."""

    def __init__(
        self,
        service: IncidentService,
        *,
        archive: Callable[[], ArchiveService] | None = None,
        settings: QSettings | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__("incidents", settings, parent)
        self.setWindowTitle(WINDOW_TITLE)
        self.service = service
        self._archive_factory = archive
        self._archive: ArchiveService | None = None
        self._snapshot: IncidentsSnapshot | None = None
        self._incident: Incident | None = None
        self._want_id: int | None = None
        """The incident to choose once the next list is shown (e.g. the one just reported)."""
        self._syncing = False
        self._pixmaps: dict[str, QPixmap] = {}
        self._broken: dict[str, str] = {}
        self._evidence_rows: list[EvidenceRow] = []
        self._typed: dict[tuple[str, int, str], object] = {}
        """What was typed for a change the service refused, by (what, incident, step): offered again."""

        self.ops = OpRunner(self)
        self.ops.unhandledError.connect(self.show_failure)
        self.ops.busyChanged.connect(lambda _busy: self._update_actions())

        self._build_actions()
        self._build_list()
        self._build_detail()
        self._build_layout()
        self._build_menus_and_toolbar()
        self.me_label = QLabel("")
        self.me_label.setAccessibleName("利用者")
        self.statusBar().addPermanentWidget(self.me_label)
        self.resize(1280, 800)
        self.restore_layout(self.splitter)
        self._show_incident(None)
        self._update_actions()
        self.refresh()

    # == construction =================================================================================================

    def _build_actions(self) -> None:
        def a(label: str, slot: Callable[[], object], tip: str, shortcut: str | None = None) -> QAction:
            return self.make_action(label, slot, shortcut, tip)

        self.report_action = a(
            "報告(&N)…", self.report, "なりすまし・乗っ取り・炎上・誤投稿などの事案を記録します(だれでも)", "Ctrl+N"
        )
        self.note_action = a("メモを追加(&M)…", self.add_note, "起きたこと・決めたこと・連絡した相手を経過に記録します")
        self.evidence_action = a(
            "証拠を追加(&E)…", self.add_evidence, "URL、画面の記録(画像)、アーカイブの投稿を証拠として残します"
        )
        self.text_action = a(
            "文面を作成(&T)…",
            self.make_text,
            "市ホームページのお知らせ・報道機関への情報提供・公式アカウントでの投稿の文案を作り、投稿案にします",
        )
        self.done_action = a("済みにする(&D)…", self.mark_done, "選んだ手順を済みにします(元には戻せません)")
        self.not_needed_action = a(
            "不要にする(&X)…", self.mark_not_needed, "必要に応じて行う手順を、理由を書いて不要にします"
        )
        self.close_incident_action = a(
            "事案を終了(&L)…", self.close_incident, "手順がすべて済んだ事案を閉じます(その後は追加できません)"
        )
        self.refresh_action = a("更新(&U)", self.refresh, "一覧と選んだ事案を読み込み直します", "F5")
        self.close_window_action = a("閉じる(&C)", self.close, "この画面を閉じます", "Ctrl+W")

    def _build_list(self) -> None:
        self.list_model = IncidentListModel(self)
        view = QTableView()
        view.setObjectName("incident_list")
        view.setModel(self.list_model)
        view.setAccessibleName("事案の一覧")
        view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        view.setAlternatingRowColors(True)
        view.setWordWrap(False)
        view.verticalHeader().setVisible(False)
        header = view.horizontalHeader()
        header.setHighlightSections(False)
        for column in (COLUMN_ID, COLUMN_STATUS, COLUMN_KIND, COLUMN_ACCOUNT, COLUMN_FOUND):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(COLUMN_STEPS, QHeaderView.ResizeMode.Stretch)
        view.selectionModel().currentRowChanged.connect(self._on_row_changed)
        self.list_view = view

        self.include_closed = QCheckBox("終了した事案も表示(&A)")
        self.include_closed.setToolTip("終了した事案も一覧に表示します(記録は消えずに残っています)")
        self.include_closed.toggled.connect(lambda _on: self.refresh())
        self.count_label = QLabel("")
        top = QHBoxLayout()
        top.addWidget(self.include_closed)
        top.addStretch(1)
        top.addWidget(self.count_label)
        box = QGroupBox("事案")
        layout = QVBoxLayout(box)
        layout.addLayout(top)
        layout.addWidget(view, 1)
        self.list_box = box

    def _tool_button(self, action: QAction) -> QToolButton:
        button = QToolButton()
        button.setDefaultAction(action)
        button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        button.setAccessibleName(plain_label(action))
        return button

    def _build_detail(self) -> None:
        self.placeholder = QLabel(PLACEHOLDER)
        self.placeholder.setWordWrap(True)
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.placeholder.setMargin(24)

        self.header_label = QLabel("")
        self.header_label.setObjectName("incident_header")
        self.header_label.setTextFormat(Qt.TextFormat.RichText)
        self.header_label.setStyleSheet("QLabel#incident_header { font-size: 14pt; }")
        self.account_label = self._fact_label()
        self.found_label = self._fact_label()
        self.reported_label = self._fact_label()
        self.description_label = self._fact_label()
        self.progress_label = QLabel("")
        self.progress_label.setObjectName("incident_progress")
        self.progress_label.setWordWrap(True)
        self.read_only_label = QLabel("")
        self.read_only_label.setObjectName("incident_read_only")
        self.read_only_label.setWordWrap(True)
        self.read_only_label.setStyleSheet(
            "QLabel#incident_read_only { background: #fff4e5; border: 1px solid #ffb74d; border-radius: 4px;"
            " padding: 4px 8px; }"
        )
        self.read_only_label.hide()
        facts = QFormLayout()
        facts.setContentsMargins(0, 0, 0, 0)
        facts.addRow("アカウント:", self.account_label)
        facts.addRow("発見:", self.found_label)
        facts.addRow("報告:", self.reported_label)
        facts.addRow("説明:", self.description_label)

        self.steps_model = StepsModel(self)
        steps = QTableView()
        steps.setObjectName("incident_steps")
        steps.setModel(self.steps_model)
        steps.setAccessibleName("手順")
        steps.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        steps.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        steps.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        steps.setAlternatingRowColors(True)
        steps.setWordWrap(True)
        steps.verticalHeader().setVisible(False)
        steps.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header = steps.horizontalHeader()
        header.setHighlightSections(False)
        for column in (STEP_COLUMN_STATE, STEP_COLUMN_NEED, STEP_COLUMN_ARTICLE):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(STEP_COLUMN_TITLE, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(STEP_COLUMN_RECORD, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(STEP_COLUMN_RECORD, self.fontMetrics().horizontalAdvance("あ") * 16)
        steps.selectionModel().currentRowChanged.connect(self._on_step_changed)
        steps.doubleClicked.connect(lambda _index: self.done_action.trigger())
        self.steps_view = steps
        self.step_help = QLabel("")
        self.step_help.setWordWrap(True)
        self.step_help.setTextFormat(Qt.TextFormat.PlainText)
        self.step_help.setStyleSheet("color: #555555;")
        step_buttons = QHBoxLayout()
        step_buttons.addWidget(self._tool_button(self.done_action))
        step_buttons.addWidget(self._tool_button(self.not_needed_action))
        step_buttons.addWidget(self.step_help, 1)
        steps_box = QGroupBox("手順")
        steps_layout = QVBoxLayout(steps_box)
        steps_layout.addWidget(steps, 1)
        steps_layout.addLayout(step_buttons)

        # Evidence: one row per item, in a scroll area.
        self.evidence_area = QScrollArea()
        self.evidence_area.setWidgetResizable(True)
        self.evidence_area.setAccessibleName("証拠")
        self.evidence_holder = QWidget()
        self.evidence_layout = QVBoxLayout(self.evidence_holder)
        self.evidence_layout.setContentsMargins(4, 4, 4, 4)
        self.evidence_empty = QLabel(
            "証拠はまだありません。「証拠を追加」で URL・画面の記録・アーカイブの投稿を残せます。"
        )
        self.evidence_empty.setWordWrap(True)
        self.evidence_layout.addWidget(self.evidence_empty)
        self.evidence_layout.addStretch(1)
        self.evidence_area.setWidget(self.evidence_holder)
        evidence_page = QWidget()
        evidence_layout = QVBoxLayout(evidence_page)
        evidence_layout.setContentsMargins(4, 4, 4, 4)
        evidence_top = QHBoxLayout()
        evidence_top.addWidget(self._tool_button(self.evidence_action))
        evidence_top.addStretch(1)
        evidence_layout.addLayout(evidence_top)
        evidence_layout.addWidget(self.evidence_area, 1)

        self.timeline_model = TimelineModel(self)
        timeline = QTableView()
        timeline.setObjectName("incident_timeline")
        timeline.setModel(self.timeline_model)
        timeline.setAccessibleName("経過")
        timeline.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        timeline.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        timeline.setAlternatingRowColors(True)
        timeline.setWordWrap(True)
        timeline.verticalHeader().setVisible(False)
        timeline.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        theader = timeline.horizontalHeader()
        theader.setHighlightSections(False)
        for column in range(TIMELINE_COLUMN_TEXT):
            theader.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        theader.setSectionResizeMode(TIMELINE_COLUMN_TEXT, QHeaderView.ResizeMode.Stretch)
        self.timeline_view = timeline
        timeline_page = QWidget()
        timeline_layout = QVBoxLayout(timeline_page)
        timeline_layout.setContentsMargins(4, 4, 4, 4)
        note_row = QHBoxLayout()
        note_row.addWidget(self._tool_button(self.note_action))
        note_row.addStretch(1)
        timeline_layout.addLayout(note_row)
        timeline_layout.addWidget(timeline, 1)

        self.drafts_list = QListWidget()
        self.drafts_list.setAccessibleName("この事案から作った投稿案")
        self.drafts_list.itemDoubleClicked.connect(lambda _item: self.open_selected_draft())
        self.drafts_list.currentItemChanged.connect(lambda *_: self._update_actions())
        self.open_draft_button = QPushButton("投稿デスクで開く(&O)")
        self.open_draft_button.clicked.connect(self.open_selected_draft)
        drafts_page = QWidget()
        drafts_layout = QVBoxLayout(drafts_page)
        drafts_layout.setContentsMargins(4, 4, 4, 4)
        drafts_top = QHBoxLayout()
        drafts_top.addWidget(self._tool_button(self.text_action))
        drafts_top.addWidget(self.open_draft_button)
        drafts_top.addStretch(1)
        drafts_layout.addLayout(drafts_top)
        drafts_layout.addWidget(self.drafts_list, 1)
        drafts_layout.addWidget(
            QLabel("投稿案は投稿デスクで直し、チェックと承認を経てから公開します(公開したら「投稿済みにする」)。")
        )

        self.tabs = QTabWidget()
        self.tabs.setObjectName("incident_tabs")
        self.tabs.addTab(evidence_page, "証拠")
        self.tabs.addTab(timeline_page, "経過")
        self.tabs.addTab(drafts_page, "投稿案")

        self.detail_splitter = QSplitter(Qt.Orientation.Vertical)
        self.detail_splitter.setChildrenCollapsible(False)
        self.detail_splitter.addWidget(steps_box)
        self.detail_splitter.addWidget(self.tabs)
        self.detail_splitter.setStretchFactor(0, 1)
        self.detail_splitter.setStretchFactor(1, 1)

        detail = QWidget()
        detail_layout = QVBoxLayout(detail)
        detail_layout.setContentsMargins(0, 0, 0, 0)
        detail_layout.addWidget(self.header_label)
        detail_layout.addLayout(facts)
        detail_layout.addWidget(self.progress_label)
        detail_layout.addWidget(self.read_only_label)
        detail_layout.addWidget(self.detail_splitter, 1)
        self.detail = detail
        self.detail_stack = QStackedWidget()
        self.detail_stack.addWidget(self.placeholder)
        self.detail_stack.addWidget(detail)

    def _fact_label(self) -> QLabel:
        label = QLabel("")
        label.setTextFormat(Qt.TextFormat.PlainText)
        label.setWordWrap(True)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        return label

    def _build_layout(self) -> None:
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(self.list_box)
        self.splitter.addWidget(self.detail_stack)
        self.splitter.setStretchFactor(0, 2)
        self.splitter.setStretchFactor(1, 3)
        em = self.fontMetrics().horizontalAdvance("あ")
        self.splitter.setSizes([em * 36, em * 56])
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(8, 8, 8, 0)
        layout.addWidget(self.splitter, 1)
        self.setCentralWidget(body)

    def _build_menus_and_toolbar(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu("ファイル(&F)")
        file_menu.addAction(self.close_window_action)
        incident_menu = bar.addMenu("事案(&I)")
        incident_menu.addAction(self.report_action)
        incident_menu.addSeparator()
        incident_menu.addActions([self.done_action, self.not_needed_action])
        incident_menu.addSeparator()
        incident_menu.addActions([self.note_action, self.evidence_action, self.text_action])
        incident_menu.addSeparator()
        incident_menu.addAction(self.close_incident_action)
        view_menu = bar.addMenu("表示(&V)")
        view_menu.addAction(self.refresh_action)

        groups = (
            (self.report_action,),
            (self.note_action, self.evidence_action, self.text_action),
            (self.close_incident_action,),
            (self.refresh_action,),
        )
        self.toolbar = self.add_tool_bar("incident", groups)

    # == state ========================================================================================================

    @property
    def me(self) -> Person | None:
        return self._snapshot.me if self._snapshot is not None else None

    @property
    def snapshot(self) -> IncidentsSnapshot | None:
        return self._snapshot

    @property
    def incident(self) -> Incident | None:
        """The incident shown on the right."""
        return self._incident

    @property
    def evidence_rows(self) -> list[EvidenceRow]:
        return list(self._evidence_rows)

    def selected_summary(self) -> IncidentSummary | None:
        index = self.list_view.currentIndex()
        return self.list_model.summary(index.row()) if index.isValid() else None

    def select(self, incident_id: int | None) -> None:
        """Choose the incident in the list (its details load); None clears the choice."""
        row = self.list_model.row_of(incident_id)
        if row is None:
            self.list_view.setCurrentIndex(QModelIndex())
        else:
            self.list_view.selectRow(row)

    def selected_step(self) -> StepState | None:
        index = self.steps_view.currentIndex()
        return self.steps_model.state(index.row()) if index.isValid() else None

    def select_step(self, step_id: str | None) -> None:
        row = self.steps_model.row_of(step_id)
        if row is None:
            self.steps_view.setCurrentIndex(QModelIndex())
        else:
            self.steps_view.selectRow(row)

    def _checklist(self, incident: Incident | None) -> Checklist | None:
        if incident is None or self._snapshot is None:
            return None
        return next((c for c in self._snapshot.checklists if c.kind is incident.kind), None)

    def _offered_texts(self, incident: Incident | None) -> list[tuple[TextKind, str]]:
        checklist = self._checklist(incident)
        return [(kind, spec.title) for kind, spec in checklist.texts.items()] if checklist is not None else []

    def allowed(self) -> IncidentAllowed:
        snapshot, incident, step = self._snapshot, self._incident, self.selected_step()
        return incident_allowed(
            snapshot.me if snapshot is not None else None,
            snapshot.accounts if snapshot is not None else (),
            incident,
            step.step.id if step is not None else None,
            offers_texts=bool(self._offered_texts(incident)),
        )

    def _update_actions(self) -> None:
        can = self.allowed()
        busy = BUSY if self.ops.is_busy else None
        set_allowed(self.report_action, can.report or busy)
        set_allowed(self.note_action, can.note or busy)
        set_allowed(self.evidence_action, can.evidence or busy)
        set_allowed(self.text_action, can.text or busy)
        set_allowed(self.done_action, can.done or busy)
        set_allowed(self.not_needed_action, can.not_needed or busy)
        set_allowed(self.close_incident_action, can.close or busy)
        set_allowed(
            self.open_draft_button, None if self.drafts_list.currentItem() is not None else "投稿案を選んでください"
        )
        self._show_step_help()

    @Slot(QModelIndex, QModelIndex)
    def _on_row_changed(
        self, current: QModelIndex | QPersistentModelIndex, _previous: QModelIndex | QPersistentModelIndex
    ) -> None:
        if self._syncing:
            return
        summary = self.list_model.summary(current.row()) if current.isValid() else None
        if summary is None:
            self._show_incident(None)
            return
        if self._incident is None or self._incident.id != summary.id:
            self.load(summary.id)

    @Slot(QModelIndex, QModelIndex)
    def _on_step_changed(
        self, _current: QModelIndex | QPersistentModelIndex, _previous: QModelIndex | QPersistentModelIndex
    ) -> None:
        if not self._syncing:
            self._update_actions()

    def _show_step_help(self) -> None:
        state = self.selected_step()
        if state is None or self._incident is None:
            self.step_help.setText("")
            return
        if not self._incident.is_open:
            self.step_help.setText(state.step.help)
            return
        hint = state.step.help
        if state.step.text is not None and state.status is not StepStatus.DONE:
            hint = f"{hint}(文案:「文面を作成」→「{state.step.text.label}」)".lstrip()
        self.step_help.setText(hint)

    # == loading ======================================================================================================

    @Slot()
    def refresh(self) -> None:
        """Reload the list, then the chosen incident."""
        service, include_closed = self.service, self.include_closed.isChecked()
        self.ops.run(lambda: load_incidents(service, include_closed), self._apply, self.show_failure, label="incidents")

    @Slot(object)
    def on_external_change(self, tables: object) -> None:
        """Another terminal changed an incident, an account or a person: reload while the window is shown."""
        if isinstance(tables, frozenset) and tables & WATCHED_TABLES and self.isVisible() and not self.ops.is_closed:
            self.refresh()

    def _apply(self, snapshot: IncidentsSnapshot) -> None:
        chosen = self._want_id
        if chosen is None:
            current = self.selected_summary()
            chosen = current.id if current is not None else (self._incident.id if self._incident else None)
        self._want_id = None
        first_load = self._snapshot is None
        self._snapshot = snapshot
        self._syncing = True
        try:
            self.list_model.set_incidents(snapshot.incidents)
            if chosen is None and first_load and snapshot.incidents:
                chosen = snapshot.incidents[0].id  # the newest open incident, on opening the window
            self.select(chosen)
        finally:
            self._syncing = False
        me = snapshot.me
        name = f"{me.display_name}({me.login})" if me.display_name != me.login else me.login
        self.me_label.setText(f"利用者: {name}({me.role.label})")
        open_count = sum(1 for i in snapshot.incidents if i.status is IncidentStatus.OPEN)
        closed = len(snapshot.incidents) - open_count
        self.count_label.setText(f"対応中 {open_count} 件" + (f"・終了 {closed} 件" if closed else ""))
        shown = self.selected_summary()
        if shown is None:
            self._show_incident(None)
        else:
            self.load(shown.id)
        self._update_actions()
        self.incidentsLoaded.emit(snapshot)

    def load(self, incident_id: int) -> None:
        """Load one incident (and the thumbnails of its screenshots) and show it on the right."""
        service, known = self.service, frozenset(self._pixmaps) | frozenset(self._broken)
        side = round(THUMBNAIL_SIDE * self.devicePixelRatioF())
        self._want_id = None
        self.ops.run(
            lambda: load_incident(service, incident_id, known, side),
            self._apply_detail,
            self._detail_failed,
            label="incident",
        )

    def _apply_detail(self, detail: IncidentDetail) -> None:
        current = self.selected_summary()
        if current is None or current.id != detail.incident.id:
            return  # another incident was chosen meanwhile; its own load follows
        ratio = self.devicePixelRatioF()
        side = round(THUMBNAIL_SIDE * ratio)
        for sha256, png in detail.thumbnails.items():
            pixmap = square_pixmap(png, side, ratio)
            if pixmap is None:
                self._broken[sha256] = "画像を表示できません"
            else:
                self._pixmaps[sha256] = pixmap
        self._broken.update(detail.broken)
        self._show_incident(detail.incident)
        self.incidentShown.emit(detail.incident)

    def _detail_failed(self, exc: Exception) -> None:
        self._show_incident(None)
        self.show_failure(exc, "事案を表示できません")

    def _show_incident(self, incident: Incident | None) -> None:
        previous_step = self.selected_step()
        same = incident is not None and self._incident is not None and self._incident.id == incident.id
        self._incident = incident
        if incident is None:
            self.detail_stack.setCurrentWidget(self.placeholder)
            self.steps_model.set_states([])
            self.timeline_model.set_incident(None)
            self._show_evidence(())
            self.drafts_list.clear()
            self._update_actions()
            return
        self.detail_stack.setCurrentWidget(self.detail)
        article = f"({incident.kind.article})" if incident.kind.article else ""
        color = STATUS_COLORS[incident.status]
        self.header_label.setText(
            f"<b>事案 {incident.id}</b>  {html.escape(incident.kind.label)}{html.escape(article)}  "
            f'<span style="color:{color}">{html.escape(incident.status.label)}</span>'
        )
        manager = incident.account_manager or "未定"
        self.account_label.setText(f"{incident.account_name}(アカウント管理者: {manager})")
        self.found_label.setText(f"{jst_text(incident.found_at)}(日本時間)  {incident.found_by}")
        self.reported_label.setText(f"{jst_text(incident.reported_at)}  {person_text(incident.reported_by)}")
        self.description_label.setText(incident.description)
        self.progress_label.setText(progress_text(incident))
        self.progress_label.setStyleSheet(
            "" if not incident.is_open or not incident.blocking else "color: #c62828; font-weight: bold;"
        )
        me = self.me
        runs = me is not None and rules.runs_account(me, incident.account_manager)
        self.read_only_label.setVisible(incident.is_open and me is not None and not runs)
        self.read_only_label.setText(
            f"手順の記録と事案の終了は、アカウント「{incident.account_name}」の管理者か運用管理者が行います。"
            "メモ・証拠の追加と文面の作成は、あなたもできます。"
        )

        self._syncing = True
        try:
            self.steps_model.set_states(incident.states)
            if same and previous_step is not None:
                self.select_step(previous_step.step.id)
            else:
                self.select_step(next((s.step.id for s in incident.blocking), None))
        finally:
            self._syncing = False
        self.timeline_model.set_incident(incident)
        self.timeline_view.scrollToBottom()
        self._show_evidence(incident.evidence)
        self._show_drafts(incident.drafts)
        self.tabs.setTabText(0, f"証拠({len(incident.evidence)})")
        self.tabs.setTabText(1, f"経過({len(incident.events)})")
        self.tabs.setTabText(2, f"投稿案({len(incident.drafts)})")
        self._update_actions()

    def _show_evidence(self, evidence: Sequence[Evidence]) -> None:
        for row in self._evidence_rows:
            self.evidence_layout.removeWidget(row)
            row.deleteLater()
        self._evidence_rows = []
        self.evidence_empty.setVisible(not evidence)
        for position, item in enumerate(evidence):
            row = EvidenceRow(item)
            row.linkActivated.connect(self.open_link)
            if item.kind is EvidenceKind.FILE:
                pixmap = self._pixmaps.get(item.sha256)
                if pixmap is not None:
                    row.set_thumbnail(pixmap)
                elif item.sha256 in self._broken:
                    row.set_thumbnail(None, self._broken[item.sha256])
            self.evidence_layout.insertWidget(position + 1, row)
            row.show()  # at once, not when the layout gets round to it
            self._evidence_rows.append(row)

    def _show_drafts(self, drafts: Sequence[LinkedDraft]) -> None:
        chosen = self.drafts_list.currentItem()
        chosen_id = chosen.data(Qt.ItemDataRole.UserRole) if chosen is not None else None
        self.drafts_list.clear()
        for draft in drafts:
            item = QListWidgetItem(
                f"投稿案 {draft.draft_id}  {text_label(draft.text)}({person_text(draft.by)} {jst_text(draft.at)})"
            )
            item.setData(Qt.ItemDataRole.UserRole, draft.draft_id)
            self.drafts_list.addItem(item)
            if draft.draft_id == chosen_id:
                self.drafts_list.setCurrentItem(item)

    # == links and drafts =============================================================================================

    @Slot(str)
    def open_link(self, url: str) -> bool:
        """Open an evidence address in the browser (only http and https)."""
        target = QUrl(url)
        if target.scheme().lower() not in ("http", "https"):
            return False
        if not open_location(target):
            self.statusBar().showMessage(f"「{url}」を開けませんでした", 10_000)
            return False
        return True

    @Slot()
    def open_selected_draft(self) -> None:
        item = self.drafts_list.currentItem()
        if item is not None:
            self.openDraftRequested.emit(int(item.data(Qt.ItemDataRole.UserRole)))

    # == steps ========================================================================================================

    def _change(
        self,
        label: str,
        work: Callable[[], T],
        done: Callable[[T], str],
        title: str,
        key: tuple[str, int, str] | None = None,
        typed: object = None,
        then: Callable[[T], None] | None = None,
    ) -> None:
        """Run one change; reload either way (a refusal may come from a screen out of date). On a refusal,
        what was typed is kept under ``key`` and offered again."""

        def succeeded(result: T) -> None:
            if key is not None:
                self._typed.pop(key, None)
            if isinstance(result, Incident):
                self._want_id = result.id
            self.statusBar().showMessage(done(result), 10_000)
            self.refresh()
            if isinstance(result, Incident):
                self.incidentChanged.emit(result)
            if then is not None:
                then(result)

        def failed(exc: Exception) -> None:
            if key is not None:
                self._typed[key] = typed
            self.show_failure(exc, title)
            self.refresh()

        self.ops.run(work, succeeded, failed, label=label)

    def _previous_text(self, key: tuple[str, int, str]) -> str:
        value = self._typed.get(key)
        return value if isinstance(value, str) else ""

    @Slot()
    def report(self) -> None:
        """報告…: the form (prefilled with a refused report), then the service records the incident."""
        snapshot = self._snapshot
        if snapshot is None or self.allowed().report is not None:
            return
        key = REPORT_KEY
        previous = self._typed.get(key)
        answer = ReportDialog.ask(
            self, snapshot.accounts, snapshot.checklists, previous if isinstance(previous, ReportAnswer) else None
        )
        if answer is None:
            return
        service = self.service
        self._change(
            "report",
            lambda: service.open(answer.account_id, answer.kind, answer.description, answer.found_at, answer.found_by),
            lambda incident: (
                f"事案 {incident.id} を受け付けました({incident.kind.label}、{incident.account_name})。"
                f"手順 {len(incident.steps)} 件を進めてください"
            ),
            "事案を報告できません",
            key,
            answer,
        )

    @Slot()
    def mark_done(self) -> None:
        incident, state = self._incident, self.selected_step()
        if incident is None or state is None or self.allowed().done is not None:
            return
        key = ("done", incident.id, state.step.id)
        note = StepDoneDialog.ask(self, state.step, self._previous_text(key))
        if note is None:
            return
        service, incident_id, step = self.service, incident.id, state.step
        self._change(
            "step done",
            lambda: service.step_done(incident_id, step.id, note),
            lambda after: f"「{step.title}」を済みにしました。{_left(after)}",
            "手順を済みにできません",
            key,
            note,
        )

    @Slot()
    def mark_not_needed(self) -> None:
        incident, state = self._incident, self.selected_step()
        if incident is None or state is None or self.allowed().not_needed is not None:
            return
        key = ("not_needed", incident.id, state.step.id)
        reason = NotNeededDialog.ask(self, state.step, self._previous_text(key))
        if reason is None:
            return
        service, incident_id, step = self.service, incident.id, state.step
        self._change(
            "step not needed",
            lambda: service.step_not_needed(incident_id, step.id, reason),
            lambda after: f"「{step.title}」を不要と記録しました。{_left(after)}",
            "手順を不要にできません",
            key,
            reason,
        )

    @Slot()
    def add_note(self) -> None:
        incident = self._incident
        if incident is None or self.allowed().note is not None:
            return
        key = ("note", incident.id, "")
        text = NoteDialog.ask(self, subject_of(incident), self._previous_text(key))
        if text is None:
            return
        service, incident_id = self.service, incident.id
        self._change(
            "note",
            lambda: service.add_note(incident_id, text),
            lambda _after: f"事案 {incident_id} の経過に記録しました",
            "メモを追加できません",
            key,
            text,
        )

    def _archive_finder(self, incident: Incident) -> Callable[[str], list[FoundItem]] | None:
        if self._archive_factory is None:
            return None
        factory, account = self._archive_factory, incident.account_name

        def find(words: str) -> list[FoundItem]:
            if self._archive is None:
                self._archive = factory()
            return self._archive.search(SearchQuery(text=words, account=account, limit=ARCHIVE_RESULTS)).items

        return find

    @Slot()
    def add_evidence(self) -> None:
        incident = self._incident
        if incident is None or self.allowed().evidence is not None:
            return
        key = ("evidence", incident.id, "")
        previous = self._typed.get(key)
        answer = EvidenceDialog.ask(
            self,
            previous if isinstance(previous, EvidenceAnswer) else None,
            find=self._archive_finder(incident),
            runner=self.ops,
        )
        if answer is None:
            return
        service, incident_id = self.service, incident.id

        def done(after: Incident) -> str:
            added = after.evidence[-1] if after.evidence else None
            what = f"({added.kind.label}: {added.summary})" if added is not None else ""
            return f"証拠を追加しました{what}"

        self._change(
            "evidence", lambda: add_evidence(service, incident_id, answer), done, "証拠を追加できません", key, answer
        )

    def _draft_refusal(self, incident: Incident) -> str | None:
        """Why the account cannot take a draft now (not in operation), as the service would say."""
        snapshot = self._snapshot
        account = next((a for a in snapshot.accounts if a.id == incident.account_id), None) if snapshot else None
        if account is None or account.postable:
            return None
        return f"アカウント「{account.name}」は{account.status.label}のため、投稿案は作れません(文案は表示できます)"

    @Slot()
    def make_text(self) -> None:
        """文面を作成…: preview the text chosen, then make it a desk draft linked to the incident."""
        incident = self._incident
        if incident is None or self.allowed().text is not None:
            return
        key = ("text", incident.id, "")
        previous = self._typed.get(key)
        if not isinstance(previous, TextAnswer):
            state = self.selected_step()
            suggested = state.step.text if state is not None else None
            previous = TextAnswer(suggested) if suggested is not None else None
        service, incident_id = self.service, incident.id

        def preview(kind: TextKind, message: str) -> GeneratedText:
            return service.preview(incident_id, kind, message)

        answer = TextDialog.ask(
            self,
            subject_of(incident),
            self._offered_texts(incident),
            preview,
            self.ops,
            previous,
            self._draft_refusal(incident),
        )
        if answer is None:
            return

        def created(linked: LinkedDraft) -> None:
            self.draftCreated.emit(linked)
            open_it = ConfirmDialog.ask(
                self,
                "投稿案を作成しました",
                f"投稿案 {linked.draft_id}({text_label(linked.text)})を作成しました。"
                "投稿デスクの一覧に表示されます。\n\n"
                "デスクで内容を確かめて直し、チェックと承認を経てから公開してください。",
                "投稿デスクで開く",
                "閉じる",
            )
            if open_it:
                self.openDraftRequested.emit(linked.draft_id)

        self._change(
            "draft",
            lambda: service.create_draft(incident_id, answer.kind, answer.message),
            lambda linked: f"投稿案 {linked.draft_id} を作成しました({text_label(linked.text)})",
            "投稿案を作成できません",
            key,
            answer,
            then=created,
        )

    @Slot()
    def close_incident(self) -> None:
        incident = self._incident
        if incident is None or self.allowed().close is not None:
            return
        key = ("close", incident.id, "")
        summary = CloseIncidentDialog.ask(self, subject_of(incident), self._previous_text(key))
        if summary is None:
            return
        service, incident_id = self.service, incident.id
        hidden = "" if self.include_closed.isChecked() else "(「終了した事案も表示」で見られます)"
        self._change(
            "close",
            lambda: service.close(incident_id, summary),
            lambda _after: f"事案 {incident_id} を終了しました{hidden}",
            "事案を終了できません",
            key,
            summary,
        )

    # == closing ======================================================================================================

    def closeEvent(self, event: QCloseEvent) -> None:
        """Closing hides the window (the desk may show it again)."""
        self.save_layout(self.splitter)
        super().closeEvent(event)


def _left(incident: Incident) -> str:
    left = len(incident.blocking)
    return f"残りの手順 {left} 件" if left else "手順はすべて済みです。事案を終了できます"
