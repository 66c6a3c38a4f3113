"""「エクスポートを取り込む」: which platform export to add to the Article 6 archive, and how to read it.

Like the desk's dialogs it only collects the answer (through :meth:`ImportDialog.ask`, which tests
replace); whether the file is a readable export is decided by the importer, whose Japanese message
the archive window shows.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Final

from PySide6.QtWidgets import QComboBox, QFileDialog, QFormLayout, QHBoxLayout, QLabel, QLineEdit, QPushButton, QWidget

from ..core.archive.formats import FORMAT_LABELS, FORMATS
from .dialogs import _FormDialog, _run, _text_width

AUTO_LABEL: Final = "自動判定(中身から判別します)"
EXPORT_FILE_FILTER: Final = (
    "エクスポート (*.zip *.tar.gz *.tgz *.tar *.json *.csv *.ZIP *.JSON *.CSV);;すべてのファイル (*)"
)


@dataclass(frozen=True, slots=True)
class ImportRequest:
    path: Path
    fmt: str = "auto"
    """One of :data:`~sns_desk.core.archive.formats.FORMATS`."""
    account: str | None = None
    """The account to file the posts under, when the export does not say."""


class ImportDialog(_FormDialog):
    """The export (a file or an extracted folder), its format and, if needed, the account name."""

    def __init__(self, parent: QWidget | None, folder: str = "") -> None:
        super().__init__(parent, "エクスポートを取り込む(第6条)", "取り込む")
        self._folder = folder
        self.path_edit = QLineEdit()
        self.path_edit.setAccessibleName("取り込むエクスポート")
        self.path_edit.setPlaceholderText("zip・tar.gz・JSON・CSV のファイル、または展開したフォルダ")
        self.path_edit.setMinimumWidth(_text_width(self, 26))
        file_button = QPushButton("ファイルを選ぶ(&F)…")
        file_button.clicked.connect(self._choose_file)
        folder_button = QPushButton("フォルダを選ぶ(&D)…")
        folder_button.clicked.connect(self._choose_folder)
        browse_row = QHBoxLayout()
        browse_row.addWidget(file_button)
        browse_row.addWidget(folder_button)
        browse_row.addStretch(1)

        self.format_combo = QComboBox()
        self.format_combo.setAccessibleName("形式")
        self.format_combo.addItem(AUTO_LABEL, "auto")
        for fmt in FORMATS:
            if fmt in FORMAT_LABELS:
                self.format_combo.addItem(FORMAT_LABELS[fmt], fmt)
        self.account_edit = QLineEdit()
        self.account_edit.setAccessibleName("アカウント名")
        self.account_edit.setPlaceholderText("エクスポートから分からないときだけ(例: 東広島市広報)")

        form = QFormLayout()
        for text, field in (
            ("エクスポート(&E):", self.path_edit),
            ("", browse_row),
            ("形式(&K):", self.format_combo),
            ("アカウント名(&A):", self.account_edit),
        ):
            if isinstance(field, QWidget):
                label = QLabel(text)
                label.setBuddy(field)
                form.addRow(label, field)
            else:
                form.addRow(text, field)
        self.layout_.addLayout(form)
        note = QLabel(
            "各サービスからダウンロードしたエクスポートの投稿を、投稿の控え(第6条)として保存します。"
            "取り込み済みの投稿は二度取り込まれないので、新しいエクスポートをそのまま取り込めます。"
        )
        note.setWordWrap(True)
        self.layout_.addWidget(note)
        self.path_edit.textChanged.connect(self.update_ok)
        self.finish_layout()
        self.setMinimumWidth(_text_width(self, 40))

    def _start_folder(self) -> str:
        current = self.path_edit.text().strip()
        return str(Path(current).parent) if current else self._folder

    def _choose_file(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(
            self, "取り込むエクスポートを選ぶ", self._start_folder(), EXPORT_FILE_FILTER
        )
        if path:
            self.path_edit.setText(path)

    def _choose_folder(self) -> None:
        path = QFileDialog.getExistingDirectory(self, "展開したエクスポートのフォルダを選ぶ", self._start_folder())
        if path:
            self.path_edit.setText(path)

    def is_complete(self) -> bool:
        return bool(self.path_edit.text().strip())

    def answer(self) -> ImportRequest:
        account = self.account_edit.text().strip()
        return ImportRequest(Path(self.path_edit.text().strip()), str(self.format_combo.currentData()), account or None)

    @classmethod
    def ask(cls, parent: QWidget | None, folder: str = "") -> ImportRequest | None:
        dialog = cls(parent, folder)
        return dialog.answer() if _run(dialog) else None
