"""「添付画像」: the open draft's images, what they reveal, and the 第6条第3号 checklist status.

Thumbnails, file names and sizes in a strip; for the chosen image a red notice lists the
identifying metadata it still carries (撮影場所(GPS), 撮影日時, 撮影機器 …) with the button that
removes it. Every call to the :class:`DeskService` (reading the file, adding, stripping,
removing, making thumbnails) runs on the window's :class:`OpRunner`, never on the UI thread,
and in order with the window's saves. Whether a file is an acceptable image is the core's
decision; its Japanese :class:`AttachmentError` message is what the user sees.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

from PySide6.QtCore import QSettings, QSize, Qt, Signal, Slot
from PySide6.QtGui import QAction, QBrush, QColor, QIcon, QKeySequence, QPainter, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListView,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from ..core.attachments import MAX_FILE_BYTES, AttachmentError, ExifConcern
from ..core.workflow import Draft
from ..services.desk import AttachmentInfo, DeskService
from ..storage.errors import StorageError
from .dialogs import ConfirmDialog, ImageFileDialog, MessageDialog
from .ops import OpRunner

THUMBNAIL_SIDE: Final = 72
"""Thumbnails are at most this many (logical) pixels on their longer side."""
ARTICLE: Final = "第6条第3号"
FOLDER_KEY: Final = "desk/attachment_folder"
"""Where the file dialog opens (the folder the last image came from)."""
WARNING_COLOR: Final = "#b71c1c"
CONCERN_COLOR: Final = "#c62828"
CHECKED_COLOR: Final = "#2e7d32"
NO_DRAFT_TEXT: Final = "投稿案を開くと、添付画像が表示されます。"
NO_IMAGES_TEXT: Final = "画像は添付されていません。「画像を追加」で JPEG・PNG・GIF・WebP を添付できます。"
NO_IMAGES_READ_ONLY_TEXT: Final = "画像は添付されていません。"
WARNING_TITLE: Final = "⚠ 撮影場所などの情報が埋め込まれています"
WARNING_NOTE: Final = (
    f"投稿すると誰でも読み取れます。プライバシーへの配慮({ARTICLE})のため、不要な情報は削除してください。"
)
WARNING_STYLE: Final = "QFrame#privacy_warning { background: #fdecea; border: 2px solid #e53935; border-radius: 4px; }"


def size_text(byte_size: int) -> str:
    """「890 バイト」「12.3 KB」「4.5 MB」."""
    if byte_size < 1024:
        return f"{byte_size:,} バイト"
    if byte_size < 1024 * 1024:
        return f"{byte_size / 1024:.1f} KB"
    return f"{byte_size / (1024 * 1024):.1f} MB"


def image_text(attachment: AttachmentInfo) -> str:
    """「JPEG・4032×3024・2.1 MB」."""
    return f"{attachment.format}・{attachment.width}×{attachment.height}・{size_text(attachment.byte_size)}"


def concern_lines(concerns: Sequence[ExifConcern]) -> list[str]:
    """「撮影場所(GPS): 北緯34.4167° 東経132.7333°」, one per concern."""
    return [f"{c.label}: {c.detail}" if c.detail else c.label for c in concerns]


def rights_text(draft: Draft) -> str:
    """Whether the 第6条第3号 checklist was answered for the draft's current images."""
    if draft.rights_checked_by:
        at = draft.rights_checked_at
        when = f"、{at.astimezone().strftime('%Y/%m/%d %H:%M')}" if at is not None else ""
        return f"✔ 画像のチェックリスト({ARTICLE}): 回答済み({draft.rights_checked_by}{when})"
    return f"画像のチェックリスト({ARTICLE}): 未回答 — 承認申請のときに確認します"


def read_image_file(path: str) -> bytes:
    """The bytes of the file at ``path``; too large or unreadable files raise :class:`AttachmentError`.

    The size is checked before reading, so choosing a huge file by mistake never fills the memory.
    """
    name = Path(path).name
    try:
        size = os.stat(path).st_size
        if size > MAX_FILE_BYTES:
            limit = MAX_FILE_BYTES // (1024 * 1024)
            raise AttachmentError(
                f"ファイルサイズが大きすぎます({size_text(size)})。{limit}MB以下の画像にしてから添付してください。"
            )
        with open(path, "rb") as f:
            return f.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise AttachmentError(f"ファイル「{name}」を読み込めません({exc.strerror or exc})。") from exc


def square_pixmap(png: bytes, side: int, ratio: float) -> QPixmap | None:
    """The thumbnail centred on a transparent square, so every name lines up under its picture."""
    picture = QPixmap()
    if not picture.loadFromData(png, "PNG"):
        return None
    square = QPixmap(side, side)
    square.fill(Qt.GlobalColor.transparent)
    painter = QPainter(square)
    try:
        painter.drawPixmap((side - picture.width()) // 2, (side - picture.height()) // 2, picture)
    finally:
        painter.end()
    square.setDevicePixelRatio(ratio)
    return square


@dataclass(frozen=True, slots=True)
class ChangeOutcome:
    """What a change did: the files refused, the image to choose afterwards, whether anything changed."""

    changed: bool
    selected_id: int | None = None
    refused: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class AttachmentsSnapshot:
    """A draft's images as one background call found them."""

    draft: Draft
    attachments: tuple[AttachmentInfo, ...]
    thumbnails: dict[tuple[str, int], bytes] = field(default_factory=dict)
    """New PNG thumbnails by (sha256, side); those already shown are not made again."""
    outcome: ChangeOutcome | None = None
    """Set when the snapshot was taken right after a change."""


def load_snapshot(
    service: DeskService,
    draft_id: int,
    side: int,
    known: frozenset[tuple[str, int]],
    outcome: ChangeOutcome | None = None,
) -> AttachmentsSnapshot:
    """Runs on the worker thread: the draft, its images and the thumbnails not made yet."""
    draft = service.draft(draft_id)
    attachments = tuple(service.attachments(draft_id))
    thumbnails: dict[tuple[str, int], bytes] = {}
    for attachment in attachments:
        key = (attachment.sha256, side)
        if key in known or key in thumbnails:
            continue
        try:
            thumbnails[key] = service.thumbnail(attachment, side)
        except (AttachmentError, StorageError):
            continue  # shown with a placeholder icon; the image itself was accepted before
    return AttachmentsSnapshot(draft, attachments, thumbnails, outcome)


class AttachmentsPanel(QGroupBox):
    """The 「添付画像」 box of the drafting desk."""

    loaded = Signal(object)
    """An :class:`AttachmentsSnapshot` has been shown."""
    changed = Signal(object)
    """Images were added, cleaned or removed; the argument is the :class:`Draft` after it."""
    refused = Signal(str)
    """Files could not be added; the argument is the message shown."""
    failed = Signal(object)
    """A call failed (not editable any more, database error): the exception, for the window to show."""

    def __init__(
        self,
        service: DeskService,
        ops: OpRunner,
        settings: QSettings | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__("添付画像", parent)
        self.service = service
        self.ops = ops
        self.settings = settings
        self._draft: Draft | None = None
        self._attachments: dict[int, AttachmentInfo] = {}
        self._pixmaps: dict[tuple[str, int], QPixmap] = {}
        self._editable = False
        self._busy_count = 0
        self._filling = False
        self._wanted_id: int | None = None

        self.list_view = self._make_list()
        self.placeholder = QLabel(NO_DRAFT_TEXT)
        self.placeholder.setWordWrap(True)
        self.placeholder.setAccessibleName("添付画像の説明")
        self.detail_label = QLabel()
        self.detail_label.setWordWrap(True)
        self.detail_label.setTextFormat(Qt.TextFormat.PlainText)
        self.detail_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.detail_label.setAccessibleName("選んだ画像")

        self.add_button = QPushButton("画像を追加(&I)…")
        self.add_button.setToolTip("JPEG・PNG・GIF・WebP の画像を、この投稿案に添付します")
        self.add_button.clicked.connect(lambda: self.add_images())
        self.remove_button = QPushButton("削除")
        self.remove_button.setToolTip("選んだ画像を、この投稿案から外します(Delete)")
        self.remove_button.clicked.connect(lambda: self.remove_selected())
        self.remove_action = QAction("添付画像を削除", self.list_view)
        self.remove_action.setShortcut(QKeySequence(QKeySequence.StandardKey.Delete))
        self.remove_action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        self.remove_action.triggered.connect(lambda: self.remove_selected())
        self.list_view.addAction(self.remove_action)

        self.warning = QFrame()
        self.warning.setObjectName("privacy_warning")
        self.warning.setStyleSheet(WARNING_STYLE)
        self.warning.setAccessibleName("画像の埋め込み情報の警告")
        self.warning_title = QLabel(WARNING_TITLE)
        self.warning_title.setWordWrap(True)
        self.warning_title.setStyleSheet(f"color: {WARNING_COLOR}; font-weight: bold;")
        self.concerns_label = QLabel()
        self.concerns_label.setWordWrap(True)
        self.concerns_label.setTextFormat(Qt.TextFormat.PlainText)  # metadata is untrusted text
        self.concerns_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.concerns_label.setAccessibleName("埋め込まれている情報")
        self.warning_note = QLabel(WARNING_NOTE)
        self.warning_note.setWordWrap(True)
        self.strip_button = QPushButton("位置情報などを削除(&L)")
        self.strip_button.setToolTip(
            "撮影場所・日時・機器などの埋め込み情報を取り除いた画像に置き換えます(見た目は変わりません)"
        )
        self.strip_button.clicked.connect(lambda: self.strip_selected())
        warning_layout = QVBoxLayout(self.warning)
        warning_layout.setContentsMargins(8, 6, 8, 6)
        warning_layout.addWidget(self.warning_title)
        warning_layout.addWidget(self.concerns_label)
        warning_layout.addWidget(self.warning_note)
        strip_row = QHBoxLayout()
        strip_row.addStretch(1)
        strip_row.addWidget(self.strip_button)
        warning_layout.addLayout(strip_row)
        self.warning.hide()

        self.rights_label = QLabel()
        self.rights_label.setWordWrap(True)
        self.rights_label.setAccessibleName("画像のチェックリスト")

        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.placeholder)
        layout.addWidget(self.list_view)
        layout.addWidget(self.detail_label)
        layout.addWidget(self.warning)
        layout.addWidget(self.rights_label)
        layout.addLayout(buttons)
        self._show_contents()

    def _make_list(self) -> QListWidget:
        view = QListWidget()
        view.setAccessibleName("添付画像の一覧")
        view.setViewMode(QListView.ViewMode.IconMode)
        view.setFlow(QListView.Flow.LeftToRight)
        view.setWrapping(False)
        view.setMovement(QListView.Movement.Static)
        view.setResizeMode(QListView.ResizeMode.Adjust)
        view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        view.setIconSize(QSize(THUMBNAIL_SIDE, THUMBNAIL_SIDE))
        view.setWordWrap(True)
        view.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        view.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        lines = view.fontMetrics().lineSpacing()
        grid = QSize(THUMBNAIL_SIDE + 44, THUMBNAIL_SIDE + 2 * lines + 12)
        view.setGridSize(grid)
        scroll = view.style().pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent)
        view.setFixedHeight(grid.height() + scroll + 2 * view.frameWidth() + 4)
        view.currentItemChanged.connect(lambda _current, _previous: self._on_current_changed())
        return view

    # == state =====================================================================================

    @property
    def draft(self) -> Draft | None:
        """The draft as the last load found it (its checklist answer, its image count)."""
        return self._draft

    def attachments(self) -> list[AttachmentInfo]:
        """The images shown, in the list's order."""
        result = []
        for row in range(self.list_view.count()):
            item = self.list_view.item(row)
            attachment = self._attachments.get(item.data(Qt.ItemDataRole.UserRole)) if item is not None else None
            if attachment is not None:
                result.append(attachment)
        return result

    def selected(self) -> AttachmentInfo | None:
        item = self.list_view.currentItem()
        if item is None:
            return None
        return self._attachments.get(item.data(Qt.ItemDataRole.UserRole))

    def select(self, attachment_id: int) -> bool:
        for row in range(self.list_view.count()):
            item = self.list_view.item(row)
            if item is not None and item.data(Qt.ItemDataRole.UserRole) == attachment_id:
                self.list_view.setCurrentItem(item)
                return True
        return False

    def with_metadata(self) -> int:
        """How many of the images still carry identifying metadata."""
        return sum(1 for a in self._attachments.values() if a.privacy)

    @property
    def is_busy(self) -> bool:
        return self._busy_count > 0

    def set_editable(self, editable: bool) -> None:
        """Whether images may be added, cleaned and removed (the window decides, with the core's rules)."""
        if editable != self._editable:
            self._editable = editable
            self._show_contents()
        self._update_buttons()

    def _can_change(self) -> bool:
        return self._draft is not None and self._editable and not self.is_busy

    def _set_busy(self, busy: bool) -> None:
        self._busy_count = max(0, self._busy_count + (1 if busy else -1))
        self._update_buttons()

    def _update_buttons(self) -> None:
        chosen = self.selected()
        can_change = self._can_change()
        self.add_button.setEnabled(can_change)
        self.remove_button.setEnabled(can_change and chosen is not None)
        self.remove_action.setEnabled(can_change and chosen is not None)
        self.strip_button.setEnabled(can_change and chosen is not None and bool(chosen.privacy))

    # == loading ===================================================================================

    def show_draft(self, draft: Draft | None) -> None:
        """Show ``draft``'s images (loaded in the background); None empties the panel."""
        previous = self._draft
        self._draft = draft
        if draft is None or previous is None or previous.id != draft.id:
            self._wanted_id = None
            self._attachments = {}
            self._fill([])
        self._show_contents()
        if draft is not None:
            self.reload()

    def _thumbnail_side(self) -> int:
        return max(1, round(THUMBNAIL_SIDE * self.devicePixelRatioF()))

    def reload(self) -> None:
        """Load the open draft's images again (their metadata, the checklist answer)."""
        d = self._draft
        if d is None:
            return
        service, draft_id, side, known = self.service, d.id, self._thumbnail_side(), frozenset(self._pixmaps)
        self.ops.run(
            lambda: load_snapshot(service, draft_id, side, known), self._apply_snapshot, self._on_failed, label="images"
        )

    def _apply_snapshot(self, snapshot: AttachmentsSnapshot) -> None:
        if self._draft is None or self._draft.id != snapshot.draft.id:
            return  # another draft was opened meanwhile
        self._draft = snapshot.draft
        for key, png in snapshot.thumbnails.items():
            pixmap = square_pixmap(png, key[1], self.devicePixelRatioF())
            if pixmap is not None:
                self._pixmaps[key] = pixmap
        outcome = snapshot.outcome
        if outcome is not None and outcome.selected_id is not None:
            self._wanted_id = outcome.selected_id
        self._attachments = {a.id: a for a in snapshot.attachments}
        self._fill(snapshot.attachments)
        self._show_contents()
        if outcome is not None and outcome.changed:
            self.changed.emit(snapshot.draft)
        self.loaded.emit(snapshot)
        if outcome is not None and outcome.refused:
            self._show_refused(outcome.refused)

    def _fill(self, attachments: Sequence[AttachmentInfo]) -> None:
        current = self.selected()
        keep = self._wanted_id if self._wanted_id is not None else (current.id if current is not None else None)
        self._wanted_id = None
        side = self._thumbnail_side()
        placeholder = self.style().standardIcon(QStyle.StandardPixmap.SP_FileIcon)
        metrics = self.list_view.fontMetrics()
        text_width = self.list_view.gridSize().width() - 8
        self._filling = True
        try:
            self.list_view.clear()
            for attachment in attachments:
                name = metrics.elidedText(attachment.filename, Qt.TextElideMode.ElideMiddle, text_width)
                mark = "⚠ " if attachment.privacy else ""
                item = QListWidgetItem(f"{mark}{name}\n{size_text(attachment.byte_size)}")
                item.setData(Qt.ItemDataRole.UserRole, attachment.id)
                pixmap = self._pixmaps.get((attachment.sha256, side))
                item.setIcon(QIcon(pixmap) if pixmap is not None else placeholder)
                tip = [attachment.filename, image_text(attachment)]
                if attachment.privacy:
                    item.setForeground(QBrush(QColor(CONCERN_COLOR)))
                    tip += ["", f"埋め込まれている情報({ARTICLE}):", *concern_lines(attachment.privacy)]
                item.setToolTip("\n".join(tip))
                item.setTextAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
                self.list_view.addItem(item)
        finally:
            self._filling = False
        chosen = keep is not None and self.select(keep)
        if not chosen and attachments:
            # Show the warning first: the first image that still carries metadata, else the first one.
            first = next((a for a in attachments if a.privacy), attachments[0])
            self.select(first.id)
        self._on_current_changed()

    def _show_contents(self) -> None:
        d = self._draft
        has_images = bool(self._attachments)
        self.list_view.setVisible(has_images)
        self.detail_label.setVisible(has_images)
        self.placeholder.setVisible(not has_images)
        if d is None:
            self.placeholder.setText(NO_DRAFT_TEXT)
        else:
            self.placeholder.setText(NO_IMAGES_TEXT if self._editable else NO_IMAGES_READ_ONLY_TEXT)
        if d is not None and has_images:
            checked = bool(d.rights_checked_by)
            self.rights_label.setText(rights_text(d))
            self.rights_label.setStyleSheet(f"color: {CHECKED_COLOR};" if checked else "color: #555555;")
            self.rights_label.show()
        else:
            self.rights_label.hide()
        self.setTitle(f"添付画像({len(self._attachments)}枚)" if has_images else "添付画像")
        self._update_buttons()

    @Slot()
    def _on_current_changed(self) -> None:
        if self._filling:
            return
        chosen = self.selected()
        if chosen is None:
            self.detail_label.setText("")
            self.warning.hide()
        else:
            detail = f"{chosen.filename}({image_text(chosen)})"
            self.detail_label.setText(f"{detail}\n⚠ {chosen.problem}" if chosen.problem else detail)
            if chosen.privacy:
                self.concerns_label.setText("\n".join(f"・{line}" for line in concern_lines(chosen.privacy)))
                self.warning.setAccessibleDescription(f"{WARNING_TITLE}\n{self.concerns_label.text()}")
                self.warning.show()
            else:
                self.warning.hide()
        self._update_buttons()

    # == changes ===================================================================================

    def _change(self, label: str, call: Callable[[DeskService, int], ChangeOutcome]) -> None:
        """Run ``call(service, draft_id)`` in the background, then load the images again in the same call."""
        d = self._draft
        if d is None or not self._can_change():
            return
        service, draft_id, side, known = self.service, d.id, self._thumbnail_side(), frozenset(self._pixmaps)

        def work() -> AttachmentsSnapshot:
            return load_snapshot(service, draft_id, side, known, call(service, draft_id))

        def done(snapshot: AttachmentsSnapshot) -> None:
            self._set_busy(False)
            self._apply_snapshot(snapshot)

        def failed(exc: Exception) -> None:
            self._set_busy(False)
            self._on_failed(exc)

        self._set_busy(True)
        self.ops.run(work, done, failed, label=label)

    @Slot()
    def add_images(self) -> None:
        """「画像を追加…」: choose files, then add them."""
        if not self._can_change():
            return
        folder = self.settings.value(FOLDER_KEY, "") if self.settings is not None else ""
        paths = ImageFileDialog.ask(self.window(), folder if isinstance(folder, str) else "")
        if not paths:
            return
        if self.settings is not None:
            self.settings.setValue(FOLDER_KEY, str(Path(paths[-1]).parent))
        self.add_files(paths)

    def add_files(self, paths: Sequence[str]) -> None:
        """Read and attach each file in the background; files the core refuses are listed afterwards."""
        chosen = tuple(paths)

        def call(service: DeskService, draft_id: int) -> ChangeOutcome:
            refused: list[tuple[str, str]] = []
            last: int | None = None
            for path in chosen:
                name = Path(path).name
                try:
                    last = service.add_attachment(draft_id, name, read_image_file(path)).id
                except AttachmentError as exc:
                    refused.append((name, exc.message))
            return ChangeOutcome(last is not None, last, tuple(refused))

        self._change("attach", call)

    @Slot()
    def strip_selected(self) -> None:
        """「位置情報などを削除」: replace the chosen image with a copy without metadata."""
        chosen = self.selected()
        if chosen is None or not chosen.privacy:
            return
        attachment_id = chosen.id

        def call(service: DeskService, draft_id: int) -> ChangeOutcome:
            return ChangeOutcome(True, service.strip_attachment_metadata(draft_id, attachment_id).id)

        self._change("strip metadata", call)

    @Slot()
    def remove_selected(self) -> None:
        """「削除」: take the chosen image off the draft, after asking."""
        chosen = self.selected()
        if chosen is None or not self._can_change():
            return
        answer = ConfirmDialog.ask(
            self.window(), "画像を削除", f"「{chosen.filename}」をこの投稿案から削除しますか?", "削除する"
        )
        if not answer:
            return
        attachment_id = chosen.id

        def call(service: DeskService, draft_id: int) -> ChangeOutcome:
            service.remove_attachment(draft_id, attachment_id)
            return ChangeOutcome(True)

        self._change("detach", call)

    def _show_refused(self, refused: Sequence[tuple[str, str]]) -> None:
        if len(refused) == 1:
            name, message = refused[0]
            text = f"「{name}」を添付できませんでした。\n{message}"
        else:
            text = "次のファイルを添付できませんでした。\n\n" + "\n".join(f"「{n}」: {m}" for n, m in refused)
        self.refused.emit(text)
        MessageDialog.ask(self.window(), "画像を添付できません", text, "warning")

    def _on_failed(self, exc: Exception) -> None:
        self.failed.emit(exc)
