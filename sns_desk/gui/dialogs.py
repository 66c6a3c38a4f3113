"""The desk's modal dialogs.

Each dialog is opened through a ``classmethod ask(...)`` that returns the user's answer, or
None when the user cancels, so that tests replace ``ask`` instead of driving a modal loop.
The dialogs only collect input: whether it is acceptable is decided by the core.
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Final, Literal

from PySide6.QtCore import QDate, QDateTime, QLocale, QModelIndex, Qt, QTime
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from .. import __version__
from ..core.accounts import Account
from ..core.checker import Finding, Severity
from ..core.checker.articles import article_label
from ..core.jst import JST
from ..core.workflow import RIGHTS_CHECKLIST
from ..services.audit import HistoryEntry
from .findings_model import SEVERITY_COLORS, SEVERITY_LABELS
from .guideline import ARTICLE_GISTS

MessageKind = Literal["information", "warning", "critical"]

IMAGE_FILE_FILTER: Final = (
    "画像 (*.jpg *.jpeg *.png *.gif *.webp *.JPG *.JPEG *.PNG *.GIF *.WEBP);;すべてのファイル (*)"
)


def _text_width(widget: QWidget, chars: int) -> int:
    """The width of ``chars`` full-width characters in ``widget``'s font (follows the scaling)."""
    return widget.fontMetrics().horizontalAdvance("あ" * chars)


def _run(dialog: QDialog) -> bool:
    try:
        return dialog.exec() == QDialog.DialogCode.Accepted
    finally:
        dialog.deleteLater()


def jst_second_text(moment: dt.datetime) -> str:
    """``2026/11/20 10:00:05`` in Japan time (the audit trail's times, whatever the computer's zone)."""
    aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.UTC)
    return aware.astimezone(JST).strftime("%Y/%m/%d %H:%M:%S")


def timezone_text(moment: dt.datetime) -> str:
    """「JST(UTC+09:00)」 for an aware datetime."""
    offset = moment.utcoffset() or dt.timedelta(0)
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    hh, mm = divmod(abs(minutes), 60)
    name = moment.tzname() or ""
    utc = f"UTC{sign}{hh:02d}:{mm:02d}"
    return f"{name}({utc})" if name and not name.startswith(("UTC", "+", "-")) else utc


# -- message boxes ---------------------------------------------------------------------------


class MessageDialog:
    """A message box (refusals of the rules, database problems, notices)."""

    @classmethod
    def ask(cls, parent: QWidget | None, title: str, text: str, kind: MessageKind = "warning") -> None:
        icons = {
            "information": QMessageBox.Icon.Information,
            "warning": QMessageBox.Icon.Warning,
            "critical": QMessageBox.Icon.Critical,
        }
        box = QMessageBox(icons[kind], title, text, QMessageBox.StandardButton.Ok, parent)
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.exec()
        box.deleteLater()


class ConfirmDialog:
    """A yes/no question. Returns True for yes, None otherwise."""

    @classmethod
    def ask(cls, parent: QWidget | None, title: str, text: str, yes: str, no: str = "キャンセル") -> bool | None:
        box = QMessageBox(QMessageBox.Icon.Question, title, text, QMessageBox.StandardButton.NoButton, parent)
        box.setTextFormat(Qt.TextFormat.PlainText)
        yes_button = box.addButton(yes, QMessageBox.ButtonRole.AcceptRole)
        box.addButton(no, QMessageBox.ButtonRole.RejectRole)
        box.exec()
        answer = box.clickedButton() is yes_button
        box.deleteLater()
        return True if answer else None


class AboutDialog:
    """The バージョン情報 box."""

    @staticmethod
    def text() -> str:
        return (
            f"<h3>sns_desk {html.escape(__version__)}</h3>"
            "<p>東広島市ソーシャルメディア運用ガイドラインに沿って、公式アカウントの投稿を"
            "書きながら確かめ、承認を受けて記録するためのアプリです。</p>"
        )

    @classmethod
    def ask(cls, parent: QWidget | None) -> None:
        QMessageBox.about(parent, "バージョン情報", cls.text())


class ImageFileDialog:
    """「画像を追加…」: the image files to attach (several may be chosen). Returns [] when cancelled."""

    @classmethod
    def ask(cls, parent: QWidget | None, folder: str = "") -> list[str]:
        paths, _filter = QFileDialog.getOpenFileNames(parent, "添付する画像を選ぶ", folder, IMAGE_FILE_FILTER)
        return [path for path in paths if path]


# -- input dialogs --------------------------------------------------------------------------


class _FormDialog(QDialog):
    """OK/Cancel dialog whose OK button is enabled only while :meth:`is_complete` holds."""

    def __init__(self, parent: QWidget | None, title: str, ok_label: str) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(ok_label)
        cancel = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        cancel.setText("キャンセル")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.layout_ = QVBoxLayout(self)

    def finish_layout(self) -> None:
        self.layout_.addWidget(self.buttons)
        self.update_ok()
        self.setMinimumWidth(_text_width(self, 30))

    def is_complete(self) -> bool:
        return True

    def update_ok(self) -> None:
        self.ok_button.setEnabled(self.is_complete())

    def accept(self) -> None:
        if self.is_complete():
            super().accept()


@dataclass(frozen=True, slots=True)
class NewDraftAnswer:
    account_id: int
    title: str


class NewDraftDialog(_FormDialog):
    """新規投稿案: the target account (postable ones only) and an optional title."""

    def __init__(self, parent: QWidget | None, accounts: Sequence[Account], platform_names: Mapping[str, str]) -> None:
        super().__init__(parent, "新規投稿案", "作成")
        self.account_combo = QComboBox()
        self.account_combo.setAccessibleName("投稿先のアカウント")
        for account in accounts:
            name = platform_names.get(account.platform, account.platform)
            self.account_combo.addItem(f"{account.name}({name})", account.id)
        self.title_edit = QLineEdit()
        self.title_edit.setAccessibleName("件名")
        self.title_edit.setPlaceholderText("一覧で見分けるための件名(投稿には含まれません)")
        self.title_edit.setMinimumWidth(_text_width(self, 24))
        form = QFormLayout()
        form.addRow("投稿先のアカウント(&A):", self.account_combo)
        form.addRow("件名(&T):", self.title_edit)
        self.layout_.addLayout(form)
        note = QLabel("運用中の登録済みアカウントだけを選べます(第4条)。")
        note.setWordWrap(True)
        self.layout_.addWidget(note)
        self.finish_layout()

    def is_complete(self) -> bool:
        return self.account_combo.currentIndex() >= 0

    def answer(self) -> NewDraftAnswer:
        return NewDraftAnswer(int(self.account_combo.currentData()), self.title_edit.text().strip())

    @classmethod
    def ask(
        cls, parent: QWidget | None, accounts: Sequence[Account], platform_names: Mapping[str, str]
    ) -> NewDraftAnswer | None:
        dialog = cls(parent, accounts, platform_names)
        return dialog.answer() if _run(dialog) else None


class _ReasonDialog(_FormDialog):
    """A dialog around one required free-text answer."""

    def __init__(self, parent: QWidget | None, title: str, ok_label: str, intro: str, field_label: str) -> None:
        super().__init__(parent, title, ok_label)
        intro_label = QLabel(intro)
        intro_label.setWordWrap(True)
        intro_label.setTextFormat(Qt.TextFormat.RichText)
        self.layout_.addWidget(intro_label)
        label = QLabel(field_label)
        self.text_edit = QPlainTextEdit()
        self.text_edit.setAccessibleName(field_label.rstrip(":(&)").replace("(&", "").strip())
        self.text_edit.setTabChangesFocus(True)
        label.setBuddy(self.text_edit)
        self.layout_.addWidget(label)
        self.layout_.addWidget(self.text_edit)
        self.text_edit.textChanged.connect(self.update_ok)
        self.finish_layout()
        self.setMinimumWidth(_text_width(self, 34))

    def is_complete(self) -> bool:
        return bool(self.text_edit.toPlainText().strip())

    def answer(self) -> str:
        return self.text_edit.toPlainText().strip()


class RejectDialog(_ReasonDialog):
    """差戻し: the comment for the drafter is required."""

    def __init__(self, parent: QWidget | None, subject: str) -> None:
        super().__init__(
            parent,
            "差戻し",
            "差し戻す",
            f"「{html.escape(subject)}」を起案者に差し戻します。直してほしい点を書いてください。",
            "コメント(必須)(&C):",
        )
        self.text_edit.setAccessibleName("差戻しのコメント")

    @classmethod
    def ask(cls, parent: QWidget | None, subject: str) -> str | None:
        dialog = cls(parent, subject)
        return dialog.answer() if _run(dialog) else None


class DiscardDialog(_ReasonDialog):
    """破棄: why the draft is given up (kept in its history; the draft stays, read-only)."""

    def __init__(self, parent: QWidget | None, subject: str) -> None:
        super().__init__(
            parent,
            "破棄",
            "破棄する",
            f"「{html.escape(subject)}」を破棄します。破棄した投稿案は削除されず、履歴とともに残りますが、"
            "編集や承認申請はできなくなります。<br/><br/>破棄する理由を書いてください。理由は履歴に残ります。",
            "理由(必須)(&R):",
        )
        self.text_edit.setAccessibleName("破棄する理由")

    @classmethod
    def ask(cls, parent: QWidget | None, subject: str) -> str | None:
        dialog = cls(parent, subject)
        return dialog.answer() if _run(dialog) else None


class AcknowledgeDialog(_ReasonDialog):
    """警告を確認済みにする: why the flagged words stay."""

    def __init__(self, parent: QWidget | None, finding: Finding, quoted: str) -> None:
        color = SEVERITY_COLORS[finding.severity]
        intro = (
            f'<b style="color:{color}">{SEVERITY_LABELS[finding.severity]}</b>・'
            f"{html.escape(article_label(finding.article))}<br/>"
            f"「{html.escape(quoted)}」{html.escape(finding.message)}<br/><br/>"
            "直さずにこのまま申請する理由を書いてください。理由は承認者と履歴に残ります。"
        )
        super().__init__(parent, "警告を確認済みにする", "確認済みにする", intro, "理由(必須)(&R):")
        self.text_edit.setAccessibleName("確認済みにする理由")

    @classmethod
    def ask(cls, parent: QWidget | None, finding: Finding, quoted: str) -> str | None:
        dialog = cls(parent, finding, quoted)
        return dialog.answer() if _run(dialog) else None


@dataclass(frozen=True, slots=True)
class PostedAnswer:
    url: str
    posted_at: dt.datetime
    """Aware, in the computer's time zone."""
    off_terminal_reason: str = ""
    """Why the post was made from a device the city does not manage (第5条); empty for a city terminal."""


class MarkPostedDialog(_FormDialog):
    """投稿済みにする: the post's address and when it was posted (default: now, local time)."""

    def __init__(self, parent: QWidget | None, now: dt.datetime | None = None) -> None:
        super().__init__(parent, "投稿済みにする", "記録する")
        moment = (now or dt.datetime.now(dt.UTC)).astimezone()
        self._tzinfo = moment.tzinfo
        self.url_edit = QLineEdit()
        self.url_edit.setAccessibleName("投稿の URL")
        self.url_edit.setPlaceholderText("https://")
        self.url_edit.setMinimumWidth(_text_width(self, 28))
        self.time_edit = QDateTimeEdit()
        self.time_edit.setAccessibleName("投稿日時")
        self.time_edit.setLocale(QLocale(QLocale.Language.Japanese, QLocale.Country.Japan))
        self.time_edit.setDisplayFormat("yyyy年M月d日(ddd) HH:mm")
        self.time_edit.setCalendarPopup(True)
        self.time_edit.setDateTime(
            QDateTime(
                QDate(moment.year, moment.month, moment.day),
                QTime(moment.hour, moment.minute),
            )
        )
        self.zone_label = QLabel(f"時刻はこのパソコンの時間帯です: {timezone_text(moment)}")
        form = QFormLayout()
        form.addRow("投稿の URL(&U):", self.url_edit)
        form.addRow("投稿日時(&D):", self.time_edit)
        form.addRow("", self.zone_label)
        self.off_terminal_box = QCheckBox("市が管理する端末以外から投稿した(第5条: 緊急時・災害時など)")
        self.reason_edit = QLineEdit()
        self.reason_edit.setAccessibleName("端末以外から投稿した理由")
        self.reason_edit.setPlaceholderText("例: 災害対応中で庁舎の端末が使えなかったため")
        self.reason_edit.setEnabled(False)
        form.addRow("", self.off_terminal_box)
        form.addRow("理由(&R):", self.reason_edit)
        self.layout_.addLayout(form)
        note = QLabel("投稿した内容・URL・日時は記録として保存されます(第6条)。")
        note.setWordWrap(True)
        self.layout_.addWidget(note)
        self.url_edit.textChanged.connect(self.update_ok)
        self.reason_edit.textChanged.connect(self.update_ok)
        self.off_terminal_box.toggled.connect(self.reason_edit.setEnabled)
        self.off_terminal_box.toggled.connect(self.update_ok)
        self.finish_layout()

    def is_complete(self) -> bool:
        reason_needed = self.off_terminal_box.isChecked() and not self.reason_edit.text().strip()
        return bool(self.url_edit.text().strip()) and not reason_needed

    def answer(self) -> PostedAnswer:
        qdt = self.time_edit.dateTime()
        d, t = qdt.date(), qdt.time()
        naive = dt.datetime(d.year(), d.month(), d.day(), t.hour(), t.minute())
        reason = self.reason_edit.text().strip() if self.off_terminal_box.isChecked() else ""
        return PostedAnswer(self.url_edit.text().strip(), naive.replace(tzinfo=self._tzinfo), reason)

    @classmethod
    def ask(cls, parent: QWidget | None, now: dt.datetime | None = None) -> PostedAnswer | None:
        dialog = cls(parent, now)
        return dialog.answer() if _run(dialog) else None


class RightsChecklistDialog(_FormDialog):
    """画像のチェックリスト (第6条第3号): every question must be ticked before OK is enabled."""

    def __init__(self, parent: QWidget | None, image_count: int, with_metadata: int = 0) -> None:
        super().__init__(parent, "画像のチェックリスト(第6条第3号)", "回答して承認申請")
        intro = QLabel(
            f"この投稿案には画像が {image_count} 枚添付されています。"
            "承認申請の前に、次のすべてを確かめてチェックしてください(第6条第3号)。"
        )
        intro.setWordWrap(True)
        self.layout_.addWidget(intro)
        self.metadata_label = QLabel(
            f"位置情報などが残っている画像が {with_metadata} 枚あります。"
            "不要なら、添付画像の「位置情報などを削除」で取り除いてから申請してください。"
        )
        self.metadata_label.setWordWrap(True)
        self.metadata_label.setStyleSheet(f"color: {SEVERITY_COLORS[Severity.ERROR]}; font-weight: bold;")
        self.metadata_label.setVisible(with_metadata > 0)
        self.layout_.addWidget(self.metadata_label)
        self.checkboxes: dict[str, QCheckBox] = {}
        for key, question in RIGHTS_CHECKLIST:
            checkbox = QCheckBox(question)
            checkbox.setObjectName(f"rights_{key}")
            checkbox.toggled.connect(lambda _checked: self.update_ok())
            self.checkboxes[key] = checkbox
            self.layout_.addWidget(checkbox)
        note = QLabel("回答した人と日時は記録され、承認者にも表示されます。画像を追加すると、もう一度回答が必要です。")
        note.setWordWrap(True)
        self.layout_.addWidget(note)
        self.finish_layout()
        self.setMinimumWidth(_text_width(self, 40))

    def is_complete(self) -> bool:
        return all(checkbox.isChecked() for checkbox in self.checkboxes.values())

    def answer(self) -> dict[str, bool]:
        return {key: checkbox.isChecked() for key, checkbox in self.checkboxes.items()}

    @classmethod
    def ask(cls, parent: QWidget | None, image_count: int, with_metadata: int = 0) -> dict[str, bool] | None:
        dialog = cls(parent, image_count, with_metadata)
        return dialog.answer() if _run(dialog) else None


class SettingsDialog(_FormDialog):
    """設定: where the full guideline is (a file or a web address)."""

    def __init__(self, parent: QWidget | None, location: str) -> None:
        super().__init__(parent, "設定", "保存")
        self.location_edit = QLineEdit(location)
        self.location_edit.setAccessibleName("ガイドライン原文の場所")
        self.location_edit.setPlaceholderText("ファイルのパス、または https:// で始まるアドレス")
        self.location_edit.setMinimumWidth(_text_width(self, 26))
        browse = QPushButton("参照(&B)…")
        browse.clicked.connect(self._browse)
        label = QLabel("ガイドライン原文の場所(&G):")
        label.setBuddy(self.location_edit)
        row = QHBoxLayout()
        row.addWidget(self.location_edit, 1)
        row.addWidget(browse)
        self.layout_.addWidget(label)
        self.layout_.addLayout(row)
        note = QLabel("「ヘルプ → ガイドライン原文を開く」で、ここに指定したファイルやページを開きます。")
        note.setWordWrap(True)
        self.layout_.addWidget(note)
        self.finish_layout()

    def _browse(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, "ガイドライン原文を選ぶ", self.location_edit.text(), "文書 (*.pdf *.html *.htm *.txt);;すべて (*)"
        )
        if path:
            self.location_edit.setText(path)

    def answer(self) -> str:
        return self.location_edit.text().strip()

    @classmethod
    def ask(cls, parent: QWidget | None, location: str) -> str | None:
        dialog = cls(parent, location)
        return dialog.answer() if _run(dialog) else None


# -- read-only lists -----------------------------------------------------------------------------


class _TableDialog(QDialog):
    """A read-only table with a close button."""

    def __init__(
        self, parent: QWidget | None, title: str, intro: str, headers: Sequence[str], rows: Sequence[Sequence[str]]
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        layout = QVBoxLayout(self)
        if intro:
            label = QLabel(intro)
            label.setWordWrap(True)
            layout.addWidget(label)
        self.table = QTableWidget(len(rows), len(headers))
        self.table.setAccessibleName(title)
        self.table.setHorizontalHeaderLabels(list(headers))
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setWordWrap(True)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                item = QTableWidgetItem(value)
                item.setToolTip(value)
                item.setTextAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
                self.table.setItem(r, c, item)
        header = self.table.horizontalHeader()
        for c in range(len(headers) - 1):
            header.setSectionResizeMode(c, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(len(headers) - 1, QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.setCurrentIndex(QModelIndex())  # no cell looks chosen when the list opens
        layout.addWidget(self.table)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText("閉じる")
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.setMinimumWidth(_text_width(self, 44))
        self.setMinimumHeight(self.fontMetrics().lineSpacing() * 22)

    def rows(self) -> list[list[str]]:
        def cell(r: int, c: int) -> str:
            item = self.table.item(r, c)
            return item.text() if item is not None else ""

        return [[cell(r, c) for c in range(self.table.columnCount())] for r in range(self.table.rowCount())]


class HistoryDialog(_TableDialog):
    """履歴: what the audit trail records of one draft, account or person, oldest first (times in JST)."""

    HEADERS: Final = ("日時(日本時間)", "担当", "操作", "内容")

    def __init__(self, parent: QWidget | None, subject: str, entries: Sequence[HistoryEntry]) -> None:
        rows = [(jst_second_text(e.at), e.actor, e.label, e.details) for e in entries]
        intro = "" if entries else "記録はまだありません。"
        super().__init__(parent, f"履歴 — {subject}", intro, self.HEADERS, rows)
        self.setMinimumWidth(_text_width(self, 56))

    @classmethod
    def ask(cls, parent: QWidget | None, subject: str, entries: Sequence[HistoryEntry]) -> None:
        _run(cls(parent, subject, entries))


class GuidelineSummaryDialog(_TableDialog):
    """ガイドラインの要点: articles 4–10 in the project's own words."""

    HEADERS: Final = ("条", "内容", "要点")

    def __init__(self, parent: QWidget | None) -> None:
        rows = [(a.label, a.heading, a.gist) for a in ARTICLE_GISTS]
        intro = (
            "東広島市ソーシャルメディア等に関する運用ガイドラインの第4条〜第10条を、"
            "このアプリの言葉でまとめたものです。正確な内容は原文で確かめてください。"
        )
        super().__init__(parent, "ガイドラインの要点", intro, self.HEADERS, rows)
        self.setMinimumWidth(_text_width(self, 60))
        self.setMinimumHeight(self.fontMetrics().lineSpacing() * 30)

    @classmethod
    def ask(cls, parent: QWidget | None) -> None:
        _run(cls(parent))


class ShortcutsDialog(_TableDialog):
    """ショートカット一覧."""

    HEADERS: Final = ("操作", "キー")

    def __init__(self, parent: QWidget | None, rows: Sequence[tuple[str, str]]) -> None:
        super().__init__(parent, "ショートカット一覧", "", self.HEADERS, rows)
        self.setMinimumWidth(_text_width(self, 26))

    @classmethod
    def ask(cls, parent: QWidget | None, rows: Sequence[tuple[str, str]]) -> None:
        _run(cls(parent, rows))
