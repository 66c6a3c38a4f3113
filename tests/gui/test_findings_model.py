from __future__ import annotations

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QColor, QIcon
from pytestqt.modeltest import ModelTester

from sns_desk.core.checker import Finding, Severity
from sns_desk.core.checker.articles import article_label
from sns_desk.core.workflow import fingerprint
from sns_desk.gui.findings_model import (
    ACKNOWLEDGED_COLOR,
    FINDING_ROLE,
    HEADERS,
    SEVERITY_COLORS,
    FindingsModel,
    tooltip_html,
)

TEXT = "12月5日(月)に開催。パスワードは abc12345 です。"
WEEKDAY = Finding("accuracy.weekday", "6-6", Severity.WARNING, 0, 8, "日付と曜日が合っていません。", "12月5日(土)")
CREDENTIAL = Finding("security.credential", "7-5", Severity.ERROR, 12, 27, "ログイン情報が書かれています。")
SHORTENER = Finding("link.shortener", "9-2-1", Severity.ERROR, 0, 1, "URL短縮<サービス>です。")
HINT = Finding("discrimination.dated_term", "7-2", Severity.INFO, 0, 2, "古い言い方です。")


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("7-5", "第7条第5号"),
        ("6-6", "第6条第6号"),
        ("6-5", "第6条第5号"),
        ("9-2-1", "第9条第2項(URL短縮)"),
        ("9-2-2", "第9条第2項(引用・リンク)"),
        ("8-1-3", "第8条第1項第3号"),
        ("10", "第10条"),
        ("附則", "附則"),
    ],
)
def test_article_label(code: str, expected: str) -> None:
    assert article_label(code) == expected


def test_model_passes_qt_model_tester(qtmodeltester: ModelTester) -> None:
    model = FindingsModel()
    model.set_findings([WEEKDAY, CREDENTIAL, HINT], TEXT)
    qtmodeltester.check(model, force_py=True)  # type: ignore[no-untyped-call]


def test_columns_and_headers() -> None:
    model = FindingsModel()
    model.set_findings([WEEKDAY, CREDENTIAL], TEXT)
    assert model.rowCount() == 2
    assert model.columnCount() == 3
    headers = [model.headerData(i, Qt.Orientation.Horizontal) for i in range(3)]
    assert headers == list(HEADERS) == ["重大度", "条項", "内容"]
    row = [model.data(model.index(1, c)) for c in range(3)]
    assert row[0] == "エラー"
    assert row[1] == "第7条第5号"
    assert row[2] == "「パスワードは abc12345」ログイン情報が書かれています。"
    assert model.rowCount(model.index(0, 0)) == 0  # flat: no children


def test_roles() -> None:
    model = FindingsModel()
    model.set_findings([WEEKDAY], TEXT)
    index = model.index(0, 0)
    assert model.data(index, FINDING_ROLE) is WEEKDAY
    assert model.data(model.index(0, 2), FINDING_ROLE) is WEEKDAY
    assert isinstance(model.data(index, Qt.ItemDataRole.DecorationRole), QIcon)
    assert model.data(index, Qt.ItemDataRole.ForegroundRole) == QColor(SEVERITY_COLORS[Severity.WARNING])
    tooltip = model.data(model.index(0, 2), Qt.ItemDataRole.ToolTipRole)
    assert isinstance(tooltip, str)
    assert "第6条第6号" in tooltip
    assert "12月5日(土)" in tooltip
    assert model.data(QModelIndex()) is None
    assert not model.index(5, 0).isValid()


def test_tooltip_escapes_html() -> None:
    assert "URL短縮&lt;サービス&gt;です。" in tooltip_html(SHORTENER)


def test_counts_and_reset() -> None:
    model = FindingsModel()
    model.set_findings([WEEKDAY, CREDENTIAL, SHORTENER, HINT])
    assert model.counts() == {Severity.ERROR: 2, Severity.WARNING: 1, Severity.INFO: 1}
    assert model.data(model.index(0, 2)) == WEEKDAY.message  # no text: no quote
    model.set_findings([])
    assert model.rowCount() == 0
    assert model.counts() == {Severity.ERROR: 0, Severity.WARNING: 0, Severity.INFO: 0}


def test_long_excerpt_is_shortened() -> None:
    text = "あ" * 60
    model = FindingsModel()
    model.set_findings([Finding("r", "7-1", Severity.INFO, 0, 60, "長い。")], text)
    shown = model.data(model.index(0, 2))
    assert isinstance(shown, str)
    assert shown.startswith("「" + "あ" * 23 + "…」")


def test_acknowledged_warnings_are_marked() -> None:
    model = FindingsModel()
    model.set_findings([WEEKDAY, CREDENTIAL], TEXT)
    assert model.acknowledgement(0) is None
    model.set_acknowledged({fingerprint(WEEKDAY, TEXT): "議会で公表済み", fingerprint(CREDENTIAL, TEXT): "x"})
    assert model.acknowledgement(0) == "議会で公表済み"
    assert model.acknowledgement(1) is None  # errors are never acknowledged
    assert model.data(model.index(0, 0)) == "警告(確認済み)"
    assert model.data(model.index(1, 0)) == "エラー"
    assert model.data(model.index(0, 0), Qt.ItemDataRole.ForegroundRole) == QColor(ACKNOWLEDGED_COLOR)
    tooltip = model.data(model.index(0, 2), Qt.ItemDataRole.ToolTipRole)
    assert isinstance(tooltip, str) and "確認済み: 議会で公表済み" in tooltip
    # The acknowledgement follows the flagged words, wherever they move.
    moved = "お知らせ。" + TEXT
    shifted = Finding(WEEKDAY.rule, WEEKDAY.article, WEEKDAY.severity, 5, 13, WEEKDAY.message)
    model.set_findings([shifted], moved)
    assert model.acknowledgement(0) == "議会で公表済み"
