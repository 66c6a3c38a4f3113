"""The archive window's バックアップ dialogs (第6条第9号): what to export, which package, what was found, the schedule.

Like the desk's dialogs each only collects an answer or shows a result, through a ``classmethod ask()`` that
tests replace. Folder pickers go through :class:`FolderDialog` for the same reason. Whether a folder can take
a package, or a package verifies, is decided by the backup services, whose Japanese messages the window shows;
the texts of the results are plain functions here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from PySide6.QtCore import QDate, QLocale, Qt, QTime
from PySide6.QtGui import QFontDatabase, QFontMetrics, QGuiApplication, QTextOption
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from ..core.archive.package import PackageSummary, ProblemKind
from ..core.jst import JST, today
from ..services.backup_schedule import DEFAULT_KEEP, DEFAULT_TIME, BackupSchedule, backup_schedule
from ..services.backups import PACKAGE_PREFIX, BackupCheck, PackageOverview, RestoreResult
from .dialogs import _FormDialog, _run, _TableDialog, _text_width

ALL_ACCOUNTS: Final = "すべてのアカウント"
MAX_KEEP: Final = 999
PROBLEM_LABELS: Final = {
    ProblemKind.NOT_A_PACKAGE: "パッケージではない",
    ProblemKind.DAMAGED: "破損",
    ProblemKind.MISSING: "欠け",
    ProblemKind.CHANGED: "改変",
    ProblemKind.EXTRA: "余分",
}


@dataclass(frozen=True, slots=True)
class ExportRequest:
    target: Path
    """The package folder to create (absent or empty)."""
    account: str | None = None
    """Only this account's posts (None: every account)."""
    since: dt.date | None = None
    """Only the posts from this day on, Japan time (None: all)."""


# == texts ====================================================================================================


def package_name(now: dt.datetime) -> str:
    """``sns-desk-backup-YYYYMMDD-HHMMSS`` in Japan time, as ``backup run`` names its packages."""
    return f"{PACKAGE_PREFIX}{now.astimezone(JST):%Y%m%d-%H%M%S}"


def export_result_text(summary: PackageSummary, request: ExportRequest) -> str:
    text = (
        f"「{summary.path}」に {summary.item_count:,} 件、メディア {summary.media_count:,} 件を書き出しました"
        f"({summary.bytes / 1024 / 1024:,.1f} MB)。"
    )
    if request.since is not None:
        text += "\n日付で絞り込んだ書き出しのため、アカウントの最終バックアップには数えていません。"
    return text


def check_ok_text(check: BackupCheck) -> str:
    text = f"「{check.path}」: 欠け・改変・余分なファイルはありません。"
    if check.audit_head is not None:
        records, digest = check.audit_head
        text += f"\n\n監査記録の先頭(書き出し時点): {records:,} 件、最後の記録の SHA-256\n{digest}"
    return text


def check_problems_text(check: BackupCheck) -> str:
    return f"「{check.path}」: 問題が {len(check.problems):,} 件あります。このバックアップからは復元できません。"


def restore_question(overview: PackageOverview, database: str) -> str:
    """What 「復元…」 asks before loading the package into ``database``."""
    said = []
    if overview.title:
        said.append(overview.title)
    if overview.exported_at is not None:
        said.append(f"{overview.exported_at.astimezone(JST):%Y-%m-%d %H:%M} 書き出し")
    if overview.created_by:
        said.append(f"作成: {overview.created_by}")
    if overview.items is not None:
        said.append(f"{overview.items:,} 件")
    if overview.media is not None:
        said.append(f"メディア {overview.media:,} 件")
    what = f"({'、'.join(said)})" if said else ""
    return (
        f"「{overview.path}」{what}を、データベース「{database}」に復元します。\n\n"
        "復元の前にパッケージ全体を検証し、問題があれば何も取り込みません。"
        "登録済みの投稿は省略するので、同じバックアップを何度復元しても投稿が重複することはありません。"
        "復元は監査記録に残ります。"
    )


def restore_result_text(result: RestoreResult) -> str:
    return f"{result.added:,} 件を追加、{result.skipped:,} 件は登録済みのため省略しました。"


def _is_empty_folder(path: Path) -> bool:
    try:
        return path.is_dir() and next(path.iterdir(), None) is None
    except OSError:
        return False


# == dialogs ==================================================================================================


class FolderDialog:
    """A folder picker (returns "" when cancelled)."""

    @classmethod
    def ask(cls, parent: QWidget | None, title: str, folder: str = "") -> str:
        return QFileDialog.getExistingDirectory(parent, title, folder)


class PackageFolderDialog:
    """「検証…」 and 「復元…」: the package folder (``sns-desk-backup-…``, with ``bagit.txt``). None when cancelled."""

    @classmethod
    def ask(cls, parent: QWidget | None, title: str, folder: str = "") -> Path | None:
        path = FolderDialog.ask(parent, title, folder)
        return Path(path) if path else None


class BackupExportDialog(_FormDialog):
    """「書き出し…」: the new package folder, and optionally one account or the posts since a day (as the CLI)."""

    def __init__(
        self, parent: QWidget | None, accounts: Sequence[str], folder: str = "", now: dt.datetime | None = None
    ) -> None:
        super().__init__(parent, "バックアップの書き出し(第6条)", "書き出す")
        self._folder = folder
        self._now = now
        self.path_edit = QLineEdit()
        self.path_edit.setAccessibleName("書き出し先のフォルダ")
        self.path_edit.setPlaceholderText("まだないフォルダ、または空のフォルダ")
        self.path_edit.setMinimumWidth(_text_width(self, 28))
        browse = QPushButton("フォルダを選ぶ(&D)…")
        browse.clicked.connect(self._choose_folder)
        path_row = QHBoxLayout()
        path_row.addWidget(self.path_edit, 1)
        path_row.addWidget(browse)

        self.account_combo = QComboBox()
        self.account_combo.setAccessibleName("書き出すアカウント")
        self.account_combo.addItem(ALL_ACCOUNTS, None)
        for name in accounts:
            self.account_combo.addItem(name, name)
        self.since_check = QCheckBox("この日以降の投稿だけ(&S)")
        self.since_check.setAccessibleName("開始日で絞り込む")
        day = today()
        self.since_edit = QDateEdit(QDate(day.year, day.month, day.day))
        self.since_edit.setLocale(QLocale(QLocale.Language.Japanese, QLocale.Country.Japan))
        self.since_edit.setDisplayFormat("yyyy-MM-dd")
        self.since_edit.setCalendarPopup(True)
        self.since_edit.setAccessibleName("開始日(この日を含む、日本時間)")
        self.since_edit.setEnabled(False)
        self.since_check.toggled.connect(self.since_edit.setEnabled)
        since_row = QHBoxLayout()
        since_row.addWidget(self.since_check)
        since_row.addWidget(self.since_edit)
        since_row.addStretch(1)

        form = QFormLayout()
        path_label = QLabel("書き出し先(&T):")
        path_label.setBuddy(self.path_edit)
        form.addRow(path_label, path_row)
        account_label = QLabel("アカウント(&A):")
        account_label.setBuddy(self.account_combo)
        form.addRow(account_label, self.account_combo)
        form.addRow("", since_row)
        self.layout_.addLayout(form)
        note = QLabel(
            "投稿の控え(第6条第9号)を、ほかのパソコンでも開けるフォルダ(BagIt パッケージ)として書き出します。"
            "中身のあるフォルダを選ぶと、その中に新しいフォルダを作ります。"
            "日付で絞り込まずに書き出すと、各アカウントの最終バックアップとして記録され、警告が消えます。"
        )
        note.setWordWrap(True)
        self.layout_.addWidget(note)
        self.path_edit.textChanged.connect(self.update_ok)
        self.finish_layout()
        self.setMinimumWidth(_text_width(self, 40))

    def _choose_folder(self) -> None:
        current = self.path_edit.text().strip()
        start = str(Path(current).parent) if current else self._folder
        chosen = FolderDialog.ask(self, "書き出し先のフォルダを選ぶ", start)
        if chosen:
            self.set_folder(Path(chosen))

    def set_folder(self, chosen: Path) -> None:
        """An empty folder is the package itself; one with files gets a new ``sns-desk-backup-…`` inside."""
        if _is_empty_folder(chosen) or not chosen.exists():
            self.path_edit.setText(str(chosen))
        else:
            self.path_edit.setText(str(chosen / package_name(self._now or dt.datetime.now(dt.UTC))))

    def is_complete(self) -> bool:
        return bool(self.path_edit.text().strip())

    def answer(self) -> ExportRequest:
        account = self.account_combo.currentData()
        since = None
        if self.since_check.isChecked():
            d = self.since_edit.date()
            since = dt.date(d.year(), d.month(), d.day())
        return ExportRequest(Path(self.path_edit.text().strip()), account if isinstance(account, str) else None, since)

    @classmethod
    def ask(cls, parent: QWidget | None, accounts: Sequence[str], folder: str = "") -> ExportRequest | None:
        dialog = cls(parent, accounts, folder)
        return dialog.answer() if _run(dialog) else None


class BackupProblemsDialog(_TableDialog):
    """「検証…」 found problems: each missing, changed or extra file by name."""

    HEADERS: Final = ("種類", "ファイル", "内容")

    def __init__(self, parent: QWidget | None, check: BackupCheck) -> None:
        rows = [(PROBLEM_LABELS.get(p.kind, str(p.kind)), p.path or "(全体)", p.message) for p in check.problems]
        super().__init__(parent, "バックアップの検証 — 問題があります", check_problems_text(check), self.HEADERS, rows)
        self.setMinimumWidth(_text_width(self, 60))

    @classmethod
    def ask(cls, parent: QWidget | None, check: BackupCheck) -> None:
        _run(cls(parent, check))


class ScheduleDialog(QDialog):
    """「スケジュール設定の案内」: the ``backup run`` command for Windows Task Scheduler, with copy buttons.

    The folder, the number of packages kept and the time can be changed here; the command follows them
    (:func:`~sns_desk.services.backup_schedule.backup_schedule`). Nothing is registered by the app.
    """

    def __init__(
        self,
        parent: QWidget | None,
        *,
        db_url: str | None,
        program: str,
        folder: str = "",
        keep: int = DEFAULT_KEEP,
        at: dt.time = DEFAULT_TIME,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("定期バックアップの設定(タスク スケジューラ)")
        self._db_url = db_url
        self._program = program
        self.folder_edit = QLineEdit(folder)
        self.folder_edit.setAccessibleName("バックアップを置くフォルダ")
        self.folder_edit.setPlaceholderText(r"例: \\fileserver\kouhou\sns-backup")
        self.folder_edit.setMinimumWidth(_text_width(self, 26))
        browse = QPushButton("フォルダを選ぶ(&D)…")
        browse.clicked.connect(self._choose_folder)
        folder_row = QHBoxLayout()
        folder_row.addWidget(self.folder_edit, 1)
        folder_row.addWidget(browse)
        self.keep_spin = QSpinBox()
        self.keep_spin.setAccessibleName("残す世代数")
        self.keep_spin.setRange(1, MAX_KEEP)
        self.keep_spin.setValue(keep)
        self.keep_spin.setSuffix(" 世代")
        self.time_edit = QTimeEdit(QTime(at.hour, at.minute))
        self.time_edit.setAccessibleName("毎日の実行時刻")
        self.time_edit.setDisplayFormat("HH:mm")
        form = QFormLayout()
        for text, field in (
            ("バックアップ先(&T):", folder_row),
            ("残す世代数(&K):", self.keep_spin),
            ("毎日の実行時刻(&H):", self.time_edit),
        ):
            label = QLabel(text)
            if isinstance(field, QWidget):
                label.setBuddy(field)
                form.addRow(label, field)
            else:
                label.setBuddy(self.folder_edit)
                form.addRow(label, field)

        mono = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        lines = QFontMetrics(mono).lineSpacing()

        def command_box(name: str, rows: int) -> QPlainTextEdit:
            box = QPlainTextEdit()
            box.setAccessibleName(name)
            box.setReadOnly(True)
            box.setFont(mono)
            box.setWordWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
            box.setFixedHeight(lines * rows + 12)
            return box

        self.command_edit = command_box("実行するコマンド", 3)
        self.copy_command_button = QPushButton("コピー(&C)")
        self.copy_command_button.setAccessibleName("コマンドをコピー")
        self.copy_command_button.clicked.connect(lambda: self._copy(self.command_edit.toPlainText(), "コマンド"))
        self.schtasks_edit = command_box("タスクを登録する schtasks のコマンド", 5)
        self.copy_schtasks_button = QPushButton("コピー(&Y)")
        self.copy_schtasks_button.setAccessibleName("schtasks のコマンドをコピー")
        self.copy_schtasks_button.clicked.connect(lambda: self._copy(self.schtasks_edit.toPlainText(), "schtasks"))
        command_row = QHBoxLayout()
        command_row.addWidget(self.command_edit, 1)
        command_row.addWidget(self.copy_command_button, 0, Qt.AlignmentFlag.AlignTop)
        schtasks_row = QHBoxLayout()
        schtasks_row.addWidget(self.schtasks_edit, 1)
        schtasks_row.addWidget(self.copy_schtasks_button, 0, Qt.AlignmentFlag.AlignTop)
        form.addRow("実行するコマンド:", command_row)
        form.addRow("登録(schtasks):", schtasks_row)

        self.explanation = QPlainTextEdit()
        self.explanation.setAccessibleName("定期バックアップの説明")
        self.explanation.setReadOnly(True)
        self.explanation.setMinimumHeight(self.fontMetrics().lineSpacing() * 16)
        self.copied_label = QLabel("")
        self.copied_label.setAccessibleName("コピーの結果")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText("閉じる")
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.explanation, 1)
        bottom = QHBoxLayout()
        bottom.addWidget(self.copied_label, 1)
        bottom.addWidget(buttons)
        layout.addLayout(bottom)
        self.folder_edit.textChanged.connect(self.update_texts)
        self.keep_spin.valueChanged.connect(self.update_texts)
        self.time_edit.timeChanged.connect(self.update_texts)
        self.update_texts()
        self.setMinimumWidth(_text_width(self, 60))

    def schedule(self) -> BackupSchedule:
        t = self.time_edit.time()
        return backup_schedule(
            self.folder_edit.text(),
            self.keep_spin.value(),
            db_url=self._db_url,
            program=self._program,
            at=dt.time(t.hour(), t.minute()),
        )

    def update_texts(self) -> None:
        schedule = self.schedule()
        self.command_edit.setPlainText(schedule.command)
        self.schtasks_edit.setPlainText(schedule.schtasks)
        self.explanation.setPlainText(schedule.explanation)
        self.copied_label.setText("")

    def _choose_folder(self) -> None:
        chosen = FolderDialog.ask(self, "バックアップを置くフォルダを選ぶ", self.folder_edit.text().strip())
        if chosen:
            self.folder_edit.setText(str(Path(chosen)))

    def _copy(self, text: str, what: str) -> None:
        QGuiApplication.clipboard().setText(text)
        self.copied_label.setText(f"{what}をクリップボードにコピーしました")

    @classmethod
    def ask(
        cls, parent: QWidget | None, *, db_url: str | None, program: str, folder: str = "", keep: int = DEFAULT_KEEP
    ) -> None:
        _run(cls(parent, db_url=db_url, program=program, folder=folder, keep=keep))
