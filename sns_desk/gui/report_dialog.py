"""「月次報告…」 of the archive window: the month, the account (or all), the format and the file to write.

The dialog only collects the answer; :class:`~sns_desk.services.report.ReportService` decides who may
make which report and writes the file. Both the dialog and its save-file picker are opened through
``classmethod ask()`` so that tests replace them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QWidget,
)

from ..core.jst import JST
from ..core.report import Month
from .dialogs import _FormDialog, _run

ALL_ACCOUNTS: Final = "すべて"
FORMAT_LABELS: Final = {"html": "HTML", "csv": "CSV", "pdf": "PDF"}
FORMAT_FILTERS: Final = {
    "html": "HTML (*.html *.htm)",
    "csv": "CSV (*.csv)",
    "pdf": "PDF (*.pdf)",
}


@dataclass(frozen=True, slots=True)
class ReportRequest:
    """What 「月次報告…」 asked for: ``account`` None is every account the person may report on."""

    month: Month
    account: str | None
    fmt: str
    path: Path


def last_month(now: dt.datetime) -> Month:
    """The month before the one ``now`` falls in (Japan time): the report usually written."""
    first = now.astimezone(JST).date().replace(day=1)
    return Month.of(dt.datetime.combine(first - dt.timedelta(days=1), dt.time(12), tzinfo=JST))


def default_file_name(month: Month, account: str | None, fmt: str) -> str:
    """「月次報告-2026-11.html」, or with the account: 「月次報告-2026-11-東広島市広報.csv」."""
    safe = "".join(c for c in (account or "") if c not in '\\/:*?"<>|').strip()
    return f"月次報告-{month}{'-' + safe if safe else ''}.{fmt}"


def with_suffix(path: Path, fmt: str) -> Path:
    """The file name ending in the format's extension (the picker may leave it off)."""
    return (
        path
        if path.suffix.lower().lstrip(".") in (fmt, "htm" if fmt == "html" else fmt)
        else path.with_name(path.name + f".{fmt}")
    )


class ReportFileDialog:
    """The file to write the report to (None when cancelled)."""

    @classmethod
    def ask(cls, parent: QWidget | None, suggested: str, fmt: str) -> Path | None:
        path, _filter = QFileDialog.getSaveFileName(parent, "月次報告の保存先", suggested, FORMAT_FILTERS[fmt])
        return with_suffix(Path(path), fmt) if path else None


class MonthlyReportDialog(_FormDialog):
    """「月次報告…」: month (default last month), account (すべて or one), format, the output file."""

    def __init__(self, parent: QWidget | None, accounts: Sequence[str], month: Month, folder: str = "") -> None:
        super().__init__(parent, "月次報告の書き出し", "書き出す")
        self._folder = folder
        self.year_spin = QSpinBox()
        self.year_spin.setAccessibleName("報告する年")
        self.year_spin.setRange(2000, 9999)
        self.year_spin.setValue(month.year)
        self.year_spin.setSuffix(" 年")
        self.month_spin = QSpinBox()
        self.month_spin.setAccessibleName("報告する月")
        self.month_spin.setRange(1, 12)
        self.month_spin.setValue(month.month)
        self.month_spin.setSuffix(" 月")
        month_row = QHBoxLayout()
        month_row.addWidget(self.year_spin)
        month_row.addWidget(self.month_spin)
        month_row.addStretch(1)

        self.account_combo = QComboBox()
        self.account_combo.setAccessibleName("報告するアカウント")
        self.account_combo.addItem(ALL_ACCOUNTS, None)
        for name in accounts:
            self.account_combo.addItem(name, name)
        self.format_combo = QComboBox()
        self.format_combo.setAccessibleName("ファイルの形式")
        for fmt, label in FORMAT_LABELS.items():
            self.format_combo.addItem(label, fmt)

        self.path_edit = QLineEdit()
        self.path_edit.setAccessibleName("保存するファイル")
        self.path_edit.setPlaceholderText("参照… で保存先を選びます")
        self.path_edit.textChanged.connect(lambda _text: self.update_ok())
        self.browse_button = QPushButton("参照(&B)…")
        self.browse_button.clicked.connect(self.browse)
        path_row = QHBoxLayout()
        path_row.addWidget(self.path_edit, 1)
        path_row.addWidget(self.browse_button)
        self.format_combo.currentIndexChanged.connect(lambda _index: self._follow_format())

        form = QFormLayout()
        form.addRow("年月(日本時間):", month_row)
        form.addRow("アカウント(&A):", self.account_combo)
        form.addRow("形式(&T):", self.format_combo)
        form.addRow("保存先(&O):", path_row)
        self.layout_.addLayout(form)
        self.finish_layout()

    def month(self) -> Month:
        return Month(self.year_spin.value(), self.month_spin.value())

    def fmt(self) -> str:
        value = self.format_combo.currentData()
        return value if isinstance(value, str) else "html"

    def account(self) -> str | None:
        value = self.account_combo.currentData()
        return value if isinstance(value, str) else None

    def _follow_format(self) -> None:
        text = self.path_edit.text().strip()
        if text:
            path = Path(text)
            self.path_edit.setText(str(with_suffix(path.with_suffix("") if path.suffix else path, self.fmt())))

    def browse(self) -> None:
        current = self.path_edit.text().strip()
        suggested = current or str(Path(self._folder) / default_file_name(self.month(), self.account(), self.fmt()))
        path = ReportFileDialog.ask(self, suggested, self.fmt())
        if path is not None:
            self.path_edit.setText(str(path))

    def is_complete(self) -> bool:
        return bool(self.path_edit.text().strip()) if hasattr(self, "path_edit") else False

    def request(self) -> ReportRequest:
        return ReportRequest(self.month(), self.account(), self.fmt(), Path(self.path_edit.text().strip()))

    @classmethod
    def ask(
        cls, parent: QWidget | None, accounts: Sequence[str], month: Month, folder: str = ""
    ) -> ReportRequest | None:
        dialog = cls(parent, accounts, month, folder)
        answer = dialog.request() if _run(dialog) else None
        return answer
