from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QColor
from pytestqt.modeltest import ModelTester

from sns_desk.core.workflow import DraftState
from sns_desk.gui.drafts_model import HEADERS, STATE_COLORS, SUMMARY_ROLE, DraftsModel, subject, updated_text
from sns_desk.services.desk import DraftSummary

UPDATED = dt.datetime(2026, 11, 20, 1, 0, tzinfo=dt.UTC)
TITLED = DraftSummary(
    1,
    "冬のおはなし会",
    "図書館で冬のおはなし会を開催します。",
    1,
    "東広島市広報",
    DraftState.PENDING,
    "suzuki",
    UPDATED,
)
UNTITLED = DraftSummary(2, "", "市民文化センターの休館日", 2, "東広島市観光", DraftState.RETURNED, "sato", UPDATED)
EMPTY = DraftSummary(3, "", "", 1, "東広島市広報", DraftState.DRAFT, "suzuki", UPDATED)


def test_model_passes_qt_model_tester(qtmodeltester: ModelTester) -> None:
    model = DraftsModel()
    model.set_summaries([TITLED, UNTITLED, EMPTY])
    qtmodeltester.check(model, force_py=True)  # type: ignore[no-untyped-call]


def test_columns() -> None:
    model = DraftsModel()
    model.set_summaries([TITLED, UNTITLED, EMPTY])
    assert [model.headerData(c, Qt.Orientation.Horizontal) for c in range(5)] == list(HEADERS)
    assert HEADERS == ("状態", "アカウント", "件名・冒頭", "作成者", "更新")
    rows = [[model.data(model.index(r, c)) for c in range(5)] for r in range(3)]
    local = updated_text(TITLED)
    assert rows[0] == ["承認待ち", "東広島市広報", "冬のおはなし会", "suzuki", local]
    assert rows[1][:3] == ["差戻し", "東広島市観光", "市民文化センターの休館日"]  # no title: the text's start
    assert rows[2][2] == "(本文なし)"
    this_year = UPDATED.astimezone()
    assert updated_text(TITLED, dt.date(this_year.year, 1, 1)) == this_year.strftime("%m/%d %H:%M")
    assert updated_text(TITLED, dt.date(this_year.year + 1, 1, 1)) == this_year.strftime("%Y/%m/%d")
    assert subject(UNTITLED) == UNTITLED.excerpt


def test_roles_and_lookup() -> None:
    model = DraftsModel()
    model.set_summaries([TITLED, UNTITLED])
    assert model.data(model.index(1, 3), SUMMARY_ROLE) is UNTITLED
    assert model.data(model.index(0, 0), Qt.ItemDataRole.ForegroundRole) == QColor(STATE_COLORS[DraftState.PENDING])
    tooltip = model.data(model.index(0, 2), Qt.ItemDataRole.ToolTipRole)
    assert isinstance(tooltip, str) and "件名: 冬のおはなし会" in tooltip and "冒頭: 図書館で" in tooltip
    assert model.row_of(2) == 1 and model.row_of(99) is None
    assert model.summary(0) is TITLED
    assert model.data(QModelIndex()) is None
    assert not model.index(5, 0).isValid()
    assert model.rowCount(model.index(0, 0)) == 0
