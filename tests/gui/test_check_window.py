from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint
from PySide6.QtGui import QColor, QInputMethodEvent, QKeySequence, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from sns_desk import __version__
from sns_desk.core.checker import Checker, Severity
from sns_desk.gui.check_window import WINDOW_TITLE, AboutDialog, CheckWindow, counter_text, summary_text
from sns_desk.gui.editor import selected_plain_text
from sns_desk.gui.findings_model import SEVERITY_COLORS
from sns_desk.gui.offsets import span_to_utf16

from .conftest import SIGNAL_TIMEOUT_MS, set_text_and_wait

CREDENTIAL_POST = "職員用Wi-Fiのパスワードは abc12345 です。"
CREDENTIAL_SPAN = "パスワードは abc12345"
EMOJI_POST = "🎉🎉 職員用のパスワードは abc12345 です😀"
WEEKDAY_POST = "12月5日(月)に説明会を開催します。"
WEEKDAY_FIXED = "12月5日(土)に説明会を開催します。"


def type_text(window: CheckWindow, text: str) -> None:
    """Type ``text`` as a Japanese input method does: one committed character at a time.

    (``QTest.keyClicks`` only knows ASCII keys.)
    """
    for ch in text:
        event = QInputMethodEvent()
        event.setCommitString(ch)
        QApplication.sendEvent(window.editor, event)


def rules(window: CheckWindow) -> list[str]:
    return [f.rule for f in window.model.findings()]


def underlines(window: CheckWindow) -> list[tuple[int, int, QColor, str]]:
    """(start, end, colour, text) of every wavy underline painted on the editor."""
    found = []
    for sel in window.editor.extraSelections():
        if sel.format.underlineStyle() == QTextCharFormat.UnderlineStyle.WaveUnderline:
            c = sel.cursor
            found.append((c.selectionStart(), c.selectionEnd(), sel.format.underlineColor(), c.selectedText()))
    return found


def row_of(window: CheckWindow, rule: str) -> int:
    return next(i for i, f in enumerate(window.model.findings()) if f.rule == rule)


def test_window_basics(window: CheckWindow) -> None:
    assert window.windowTitle() == WINDOW_TITLE == "sns_desk — 投稿チェック"
    assert window.editor.accessibleName() == "投稿本文"
    menus = [a.text() for a in window.menuBar().actions()]
    assert menus == ["ファイル(&F)", "編集(&E)", "ヘルプ(&H)"]
    assert window.quit_action.shortcut() == QKeySequence("Ctrl+Q")
    assert window.selected_platforms() == ("x",)
    assert set(window.platform_rows) == {"x", "bluesky", "line", "instagram", "threads", "facebook"}
    assert window.summary_label.text() == "エラー 0件・警告 0件・参考 0件"
    assert window.platform_rows["x"].counter.text() == "0 / 280 (残り 280)"
    assert not window.apply_button.isEnabled()
    assert window.apply_button.text() == "修正案を適用"


def test_typing_a_credential_shows_an_error_and_underlines_exactly_its_span(qtbot: QtBot, window: CheckWindow) -> None:
    type_text(window, CREDENTIAL_POST)
    qtbot.waitUntil(lambda: "security.credential" in rules(window), timeout=SIGNAL_TIMEOUT_MS)
    assert window.editor.toPlainText() == CREDENTIAL_POST

    finding = window.model.finding(row_of(window, "security.credential"))
    assert finding.severity is Severity.ERROR
    assert CREDENTIAL_POST[finding.start : finding.end] == CREDENTIAL_SPAN

    start = CREDENTIAL_POST.index(CREDENTIAL_SPAN)
    assert (
        start,
        start + len(CREDENTIAL_SPAN),
        QColor(SEVERITY_COLORS[Severity.ERROR]),
        CREDENTIAL_SPAN,
    ) in (underlines(window))
    assert window.summary_label.text() == "エラー 1件・警告 0件・参考 0件"


def test_emoji_before_a_hit_does_not_shift_the_underline(qtbot: QtBot, window: CheckWindow) -> None:
    result = set_text_and_wait(qtbot, window, EMOJI_POST)
    finding = next(f for f in result.findings if f.rule == "security.credential")
    assert EMOJI_POST[finding.start : finding.end] == CREDENTIAL_SPAN

    qt_start, qt_end = span_to_utf16(EMOJI_POST, finding.start, finding.end)
    assert qt_start == finding.start + 2  # two emoji, one extra UTF-16 unit each
    (painted,) = [u for u in underlines(window) if u[2] == QColor(SEVERITY_COLORS[Severity.ERROR])]
    assert painted[:2] == (qt_start, qt_end)
    assert painted[3] == CREDENTIAL_SPAN


def test_selecting_a_finding_selects_its_span(qtbot: QtBot, window: CheckWindow) -> None:
    set_text_and_wait(qtbot, window, EMOJI_POST)
    row = row_of(window, "security.credential")
    window.findings_view.setCurrentIndex(window.model.index(row, 2))

    cursor = window.editor.textCursor()
    assert cursor.hasSelection()
    assert selected_plain_text(cursor) == CREDENTIAL_SPAN
    assert "第7条第5号" in window.detail_label.text()
    assert not window.apply_button.isEnabled()  # no suggestion for a credential


def test_applying_a_weekday_suggestion_fixes_the_text_in_one_undo_step(qtbot: QtBot, window: CheckWindow) -> None:
    set_text_and_wait(qtbot, window, WEEKDAY_POST)
    row = row_of(window, "accuracy.weekday")
    assert window.model.finding(row).suggestion == "12月5日(土)"
    window.findings_view.setCurrentIndex(window.model.index(row, 0))
    assert window.apply_button.isEnabled()

    with qtbot.waitSignal(window.live.resultReady, timeout=SIGNAL_TIMEOUT_MS):
        window.apply_button.click()
    assert window.editor.toPlainText() == WEEKDAY_FIXED
    assert "accuracy.weekday" not in rules(window)
    assert not window.apply_button.isEnabled()

    window.editor.undo()
    assert window.editor.toPlainText() == WEEKDAY_POST


def test_suggestion_is_not_applied_to_edited_span(qtbot: QtBot, window: CheckWindow) -> None:
    set_text_and_wait(qtbot, window, WEEKDAY_POST)
    window.findings_view.setCurrentIndex(window.model.index(row_of(window, "accuracy.weekday"), 0))
    cursor = QTextCursor(window.editor.document())
    cursor.setPosition(1)
    cursor.insertText("1")  # 12月 → 112月 before the re-check arrives
    assert not window.apply_suggestion()
    assert window.editor.toPlainText() == "1" + WEEKDAY_POST


def test_counters_show_x_over_the_limit(qtbot: QtBot, window: CheckWindow) -> None:
    set_text_and_wait(qtbot, window, "あ" * 140)
    x = window.platform_rows["x"]
    assert x.length is not None
    assert x.counter.text() == counter_text(x.length) == "280 / 280 (残り 0)"
    assert "platform.length" not in rules(window)

    set_text_and_wait(qtbot, window, "あ" * 141)
    assert x.length is not None and x.length.remaining == -2
    assert x.counter.text() == "282 / 280 (2 超過)"
    assert "bold" in x.counter.styleSheet()
    assert window.platform_rows["threads"].counter.text() == "141 / 500 (残り 359)"
    assert "platform.length" in rules(window)


def test_unchecking_a_platform_rechecks_without_its_limit(qtbot: QtBot, window: CheckWindow) -> None:
    set_text_and_wait(qtbot, window, "あ" * 141)
    assert "platform.length" in rules(window)
    with qtbot.waitSignal(window.live.resultReady, timeout=SIGNAL_TIMEOUT_MS):
        window.platform_rows["x"].checkbox.setChecked(False)
    assert window.selected_platforms() == ()
    assert "platform.length" not in rules(window)
    assert not window.platform_rows["x"].counter.isEnabled()


def test_checking_never_changes_the_document(qtbot: QtBot, window: CheckWindow) -> None:
    text = EMOJI_POST + "\n" + WEEKDAY_POST + "\n詳しくは https://bit.ly/3abcDEF をご覧ください。"
    window.editor.setPlainText(text)
    document = window.editor.document()
    revision, undo_steps = document.revision(), document.availableUndoSteps()
    with qtbot.waitSignal(window.live.resultReady, timeout=SIGNAL_TIMEOUT_MS) as blocker:
        pass
    assert len(blocker.args[0].findings) >= 3
    assert len(underlines(window)) == len(blocker.args[0].findings)
    assert window.editor.toPlainText() == text
    assert (document.revision(), document.availableUndoSteps()) == (revision, undo_steps)
    block = document.begin()
    while block.isValid():
        fragments = block.begin()
        while not fragments.atEnd():
            fmt = fragments.fragment().charFormat()
            assert fmt.underlineStyle() == QTextCharFormat.UnderlineStyle.NoUnderline
            fragments += 1
        block = block.next()


def test_findings_on_several_lines_use_qt_positions(qtbot: QtBot, window: CheckWindow) -> None:
    text = "😀一行目\n" + WEEKDAY_POST
    result = set_text_and_wait(qtbot, window, text)
    weekday = next(f for f in result.findings if f.rule == "accuracy.weekday")
    spans = {(u[0], u[1]) for u in underlines(window)}
    assert (weekday.start + 1, weekday.end + 1) in spans
    window.findings_view.setCurrentIndex(window.model.index(row_of(window, "accuracy.weekday"), 0))
    assert selected_plain_text(window.editor.textCursor()) == "12月5日(月)"


def test_selection_survives_a_recheck_without_moving_the_caret(qtbot: QtBot, window: CheckWindow) -> None:
    set_text_and_wait(qtbot, window, WEEKDAY_POST)
    window.findings_view.setCurrentIndex(window.model.index(row_of(window, "accuracy.weekday"), 0))
    cursor = window.editor.textCursor()
    cursor.movePosition(QTextCursor.MoveOperation.End)
    window.editor.setTextCursor(cursor)
    with qtbot.waitSignal(window.live.resultReady, timeout=SIGNAL_TIMEOUT_MS):
        window.editor.insertPlainText("詳細は後日。")
    current = window.current_finding()
    assert current is not None and current.finding.rule == "accuracy.weekday"
    caret = window.editor.textCursor()
    assert not caret.hasSelection()
    assert caret.position() == len(WEEKDAY_POST + "詳細は後日。")


def test_hovering_a_span_gives_its_message_and_article(qtbot: QtBot, window: CheckWindow) -> None:
    window.resize(900, 600)
    set_text_and_wait(qtbot, window, EMOJI_POST)
    editor = window.editor
    start, end = span_to_utf16(EMOJI_POST, EMOJI_POST.index("パ"), EMOJI_POST.index(" abc"))

    def point_in(position: int) -> QPoint:
        left = editor.cursorRect(_cursor_at(editor.document(), position))
        right = editor.cursorRect(_cursor_at(editor.document(), position + 1))
        return QPoint((left.x() + right.x()) // 2, left.center().y())

    tip = editor.tooltip_at(point_in(start + 1))
    assert tip is not None
    assert "第7条第5号" in tip and "ログイン情報" in tip
    assert editor.tooltip_at(point_in(start)) is not None  # first character of the span
    assert editor.tooltip_at(point_in(start - 1)) is None  # the character before it
    assert editor.tooltip_at(point_in(end - 1)) is not None
    assert editor.findings_at(end + 20) == []


def _cursor_at(document: object, position: int) -> QTextCursor:
    from PySide6.QtGui import QTextDocument

    assert isinstance(document, QTextDocument)
    cursor = QTextCursor(document)
    cursor.setPosition(position)
    return cursor


def test_about_shows_the_version(window: CheckWindow, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[object] = []
    monkeypatch.setattr(AboutDialog, "ask", classmethod(lambda cls, parent: calls.append(parent)))
    window.about_action.trigger()
    assert calls == [window]
    assert __version__ in AboutDialog.text()


def test_quit_closes_the_window_and_stops_checking(window: CheckWindow) -> None:
    window.quit_action.trigger()
    assert window.live.is_closed
    generation = window.live.generation
    window.editor.setPlainText(CREDENTIAL_POST)
    assert not window.live.timer.isActive()
    assert window.live.generation == generation + 1


def test_summary_text() -> None:
    counts = {Severity.ERROR: 2, Severity.WARNING: 1, Severity.INFO: 0}
    assert summary_text(counts) == "エラー 2件・警告 1件・参考 0件"


def test_window_with_default_checker(qtbot: QtBot, checker: Checker) -> None:
    window = CheckWindow(checker)
    qtbot.addWidget(window)
    assert window.post_date() is not None


def test_a_locked_text_cannot_be_undone_back_to_an_earlier_version(window: CheckWindow) -> None:
    window.editor.setPlainText("申請した本文")
    window.editor.insertPlainText("追記:")
    submitted = window.editor.toPlainText()
    window.panel.set_read_only(True)
    window.editor.undo()
    assert window.editor.toPlainText() == submitted
    window.panel.set_read_only(False)
    window.editor.insertPlainText("再編集")
    window.editor.undo()
    assert window.editor.toPlainText() == submitted
