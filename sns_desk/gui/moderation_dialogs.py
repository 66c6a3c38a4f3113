"""第9条 dialogs of the archive window: linking a correction to the post it corrects.

Each opens through ``classmethod ask()`` and only collects the answer; whether the link is allowed (who,
which account, which order in time) is decided by :mod:`sns_desk.core.moderation` through the service.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtWidgets import QButtonGroup, QFormLayout, QLabel, QRadioButton, QSpinBox, QWidget

from ..storage.search import FoundItem
from .archive_model import excerpt, jst_minute
from .dialogs import _FormDialog, _run

_OPENING_CHARS = 40


@dataclass(frozen=True, slots=True)
class LinkRequest:
    """「訂正として紐づける…」: ``correction_id`` corrects ``original_id`` (archive numbers)."""

    original_id: int
    correction_id: int


class LinkCorrectionDialog(_FormDialog):
    """The selected post is the correction (default) or the original; the other post's archive number."""

    def __init__(self, parent: QWidget | None, item: FoundItem) -> None:
        super().__init__(parent, "訂正として紐づける(第9条)", "紐づける")
        self._item = item
        opening = excerpt(item.text, (), _OPENING_CHARS)[0] if item.text else ""
        shown = QLabel(f"{item.id}: {jst_minute(item.posted_at)} {item.account}「{opening}」")
        shown.setWordWrap(True)
        self.is_correction = QRadioButton("選んだ投稿は訂正で、次の番号の投稿(原文)を訂正する")
        self.is_original = QRadioButton("選んだ投稿は原文で、次の番号の投稿が訂正している")
        self.is_correction.setChecked(True)
        group = QButtonGroup(self)
        group.addButton(self.is_correction)
        group.addButton(self.is_original)
        self.other_spin = QSpinBox()
        self.other_spin.setAccessibleName("もう一方の投稿の番号")
        self.other_spin.setRange(1, 2**31 - 1)
        self.other_spin.setToolTip("アーカイブの詳細欄の「番号:」に表示されている番号です")
        self.other_spin.valueChanged.connect(lambda _value: self.update_ok())
        form = QFormLayout()
        form.addRow("選んだ投稿:", shown)
        form.addRow(self.is_correction)
        form.addRow(self.is_original)
        form.addRow("もう一方の番号(&N):", self.other_spin)
        self.layout_.addLayout(form)
        self.finish_layout()

    def is_complete(self) -> bool:
        return hasattr(self, "other_spin") and self.other_spin.value() != self._item.id

    def request(self) -> LinkRequest:
        other = self.other_spin.value()
        if self.is_correction.isChecked():
            return LinkRequest(original_id=other, correction_id=self._item.id)
        return LinkRequest(original_id=self._item.id, correction_id=other)

    @classmethod
    def ask(cls, parent: QWidget | None, item: FoundItem) -> LinkRequest | None:
        dialog = cls(parent, item)
        return dialog.request() if _run(dialog) else None
