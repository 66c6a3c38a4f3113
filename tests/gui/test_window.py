"""The chrome every main window shares: actions, remembered layout, one way of showing failures."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QLabel, QSplitter
from pytestqt.qtbot import QtBot

from sns_desk import diagnostics
from sns_desk.core.archive.errors import ArchiveError
from sns_desk.core.errors import InvalidInput, UserError
from sns_desk.core.workflow import WorkflowError
from sns_desk.gui.errors import error_kind, error_text
from sns_desk.gui.window import AppWindow
from sns_desk.storage.errors import DatabaseLockedError

from .conftest import Messages


def test_titles_and_kinds_follow_the_error_type() -> None:
    assert error_text(WorkflowError("承認できません")) == ("操作できません", "承認できません")
    assert error_text(ArchiveError("壊れています")) == ("取り込めません", "壊れています")
    assert error_text(DatabaseLockedError("使用中です"), "取り込めません") == ("データベースのエラー", "使用中です")
    assert error_text(InvalidInput("名前がありません"), "取り込めません") == ("取り込めません", "名前がありません")
    assert error_text(UserError("保存できません", hint="あとでもう一度")) == (
        "操作できません",
        "保存できません\n\nあとでもう一度",
    )
    title, text = error_text(KeyError("x"))
    assert title == "予期しないエラー" and "KeyError" in text
    assert [error_kind(e) for e in (WorkflowError("a"), DatabaseLockedError("b"), KeyError("c"))] == [
        "warning",
        "critical",
        "critical",
    ]


def test_a_failure_is_shown_in_the_status_bar_and_a_dialog_and_reported(
    qtbot: QtBot, messages: Messages, tmp_path: object
) -> None:
    window = AppWindow("test", QSettings(str(tmp_path) + "/w.ini", QSettings.Format.IniFormat))
    qtbot.addWidget(window)
    with qtbot.waitSignal(window.actionFailed) as failed:
        window.show_failure(WorkflowError("自分の投稿案は承認できません\n別の人に依頼してください"))
    assert failed.args == ["自分の投稿案は承認できません\n別の人に依頼してください"]
    assert window.statusBar().currentMessage() == "自分の投稿案は承認できません"
    assert messages.shown == [("操作できません", "自分の投稿案は承認できません\n別の人に依頼してください", "warning")]


def test_actions_show_their_shortcut_and_the_layout_is_remembered(qtbot: QtBot, tmp_path: object) -> None:
    settings = QSettings(str(tmp_path) + "/w.ini", QSettings.Format.IniFormat)
    window = AppWindow("test", settings)
    qtbot.addWidget(window)
    triggered: list[str] = []
    action = window.make_action("保存(&S)", lambda: triggered.append("save"), "Ctrl+S", "いまの本文を保存します")
    assert action.toolTip() == "いまの本文を保存します(Ctrl+S)" and action.statusTip() == "いまの本文を保存します"
    action.trigger()
    assert triggered == ["save"]

    splitter = QSplitter()
    splitter.addWidget(QLabel("左"))
    splitter.addWidget(QLabel("右"))
    window.setCentralWidget(splitter)
    window.resize(640, 480)
    splitter.setSizes([100, 500])
    window.save_layout(splitter)
    assert not settings.value("test/geometry").isEmpty() and not settings.value("test/splitter").isEmpty()

    again = AppWindow("test", settings)
    qtbot.addWidget(again)
    other = QSplitter()
    other.addWidget(QLabel("左"))
    other.addWidget(QLabel("右"))
    again.setCentralWidget(other)
    again.restore_layout(other)
    assert other.saveState() == splitter.saveState()


def test_a_bug_is_logged_with_its_traceback_and_the_dialog_names_the_log(
    qtbot: QtBot, messages: Messages, tmp_path: object, log_folder: Path
) -> None:
    window = AppWindow("test", QSettings(str(tmp_path) + "/w.ini", QSettings.Format.IniFormat))
    qtbot.addWidget(window)
    try:
        {}["missing"]
    except KeyError as exc:
        window.show_failure(exc, "保存できません")
    ((title, text, kind),) = messages.shown
    log = log_folder / diagnostics.LOG_NAME
    assert title == "予期しないエラー" and kind == "critical"
    assert f"詳細をログファイル「{log}」に記録しました" in text
    logged = log.read_text(encoding="utf-8")
    assert "AppWindow: 保存できません" in logged and "Traceback" in logged and "KeyError: 'missing'" in logged


def test_a_refusal_of_the_rules_is_not_logged(
    qtbot: QtBot, messages: Messages, tmp_path: object, log_folder: Path
) -> None:
    window = AppWindow("test", QSettings(str(tmp_path) + "/w.ini", QSettings.Format.IniFormat))
    qtbot.addWidget(window)
    window.show_failure(WorkflowError("承認できません"))
    assert messages.shown == [("操作できません", "承認できません", "warning")]
    assert not (log_folder / diagnostics.LOG_NAME).exists()
