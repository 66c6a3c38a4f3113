"""The archive window's モデレーション記録 (第9条) over a real SQLite database: recording a comment deleted or
hidden shows it in the month's list (with who, when, the policy item); a superseded entry is marked; a drafter
sees 「記録を追加…」 greyed with the reason and is refused."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QEvent, QSettings
from pytestqt.qtbot import QtBot

from sns_desk.core.jst import JST
from sns_desk.core.moderation import ModerationAction, ModerationEntry, ModerationError
from sns_desk.gui.archive_window import ArchiveWindow
from sns_desk.gui.moderation_dialogs import ModerationRequest, RecordModerationDialog, entry_state
from sns_desk.services.archive import ArchiveService
from sns_desk.services.moderation import ModerationService
from sns_desk.storage.media import MediaStore

from .conftest import ACCOUNT_MANAGER, DRAFTER, SIGNAL_TIMEOUT_MS, Desk, Messages, set_os_user

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints", "does not support raise")  # offscreen platform notes

ACTED = dt.datetime(2026, 11, 20, 10, 30, tzinfo=JST)

OpenArchive = Callable[[str], ArchiveWindow]


def wait_idle(qtbot: QtBot, window: ArchiveWindow) -> None:
    qtbot.waitUntil(lambda: not window.ops.is_busy and not window.search_timer.isActive(), timeout=SIGNAL_TIMEOUT_MS)


@pytest.fixture
def open_archive(qtbot: QtBot, desk: Desk, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[OpenArchive]:
    """``open_archive(login)``: the archive window as that OS user, with the moderation log, loaded."""
    windows: list[ArchiveWindow] = []

    def make(login: str) -> ArchiveWindow:
        set_os_user(monkeypatch, login)
        settings = QSettings(str(tmp_path / f"settings-{login}.ini"), QSettings.Format.IniFormat)
        archive = ArchiveService(desk.database, MediaStore(tmp_path / "archive.media"))
        window = ArchiveWindow(archive, settings=settings, moderation=lambda: ModerationService(desk.database, login))
        windows.append(window)
        window.show()
        qtbot.waitUntil(lambda: window.overview is not None, timeout=SIGNAL_TIMEOUT_MS)
        wait_idle(qtbot, window)
        return window

    yield make
    for window in windows:
        window.close()
        window.ops.shutdown()
        window.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def request(**changes: object) -> ModerationRequest:
    values: dict[str, object] = {
        "account": "東広島市広報",
        "action": ModerationAction.HIDE,
        "author_handle": "@someone",
        "text": "この担当者の自宅は○○町です",
        "url": "https://x.com/someone/status/1",
        "policy_item": "user_rules",
        "commented_at": ACTED - dt.timedelta(hours=2),
        "acted_at": ACTED,
        "reason": "個人の住所をさらすコメント(利用者の遵守事項)",
    }
    values.update(changes)
    return ModerationRequest(**values)  # type: ignore[arg-type]


def record(
    qtbot: QtBot, window: ArchiveWindow, monkeypatch: pytest.MonkeyPatch, answer: ModerationRequest
) -> tuple[object, list[tuple[list[str], str | None]]]:
    asked: list[tuple[list[str], str | None]] = []

    def ask(_cls: object, _parent: object, accounts: list[str], account: str | None, now: dt.datetime) -> object:
        asked.append((list(accounts), account))
        return answer

    monkeypatch.setattr(RecordModerationDialog, "ask", classmethod(ask))
    with qtbot.waitSignal(window.moderationRecorded, timeout=SIGNAL_TIMEOUT_MS) as recorded:
        window.add_moderation_action.trigger()
    wait_idle(qtbot, window)
    return recorded.args[0], asked


def test_recording_a_moderation_entry_shows_it_in_the_list(
    qtbot: QtBot, open_archive: OpenArchive, monkeypatch: pytest.MonkeyPatch, messages: Messages
) -> None:
    window = open_archive(ACCOUNT_MANAGER)
    assert window.moderation_dock.isHidden()
    assert window.add_moderation_action.isEnabled()
    entry, asked = record(qtbot, window, monkeypatch, request())
    assert messages.shown == []
    assert isinstance(entry, ModerationEntry) and entry.recorded_by == ACCOUNT_MANAGER
    assert asked == [(["東広島市広報", "東広島市観光"], "東広島市広報")]

    panel = window.moderation_panel
    assert window.moderation_dock.isVisible()
    assert (panel.year_spin.value(), panel.month_spin.value()) == (2026, 11)
    assert panel.account() == "東広島市広報"
    qtbot.waitUntil(lambda: len(panel.rows()) == 1, timeout=SIGNAL_TIMEOUT_MS)
    acted, account, action, item, author, text, reason, who, _when, state = panel.rows()[0]
    assert (acted, account, action, author, who, state) == (
        "2026/11/20 10:30:00", "東広島市広報", "非表示", "@someone", ACCOUNT_MANAGER, ""
    )  # fmt: skip
    assert item == "第4条第4項第6号『利用者の遵守事項』"
    assert text == "この担当者の自宅は○○町です" and reason.startswith("個人の住所")

    # another month: empty; back to November: listed again
    with qtbot.waitSignal(window.moderationLoaded, timeout=SIGNAL_TIMEOUT_MS):
        panel.month_spin.setValue(10)
    assert panel.rows() == []
    with qtbot.waitSignal(window.moderationLoaded, timeout=SIGNAL_TIMEOUT_MS):
        panel.month_spin.setValue(11)
    assert len(panel.rows()) == 1


def test_a_superseded_entry_is_marked(
    qtbot: QtBot, open_archive: OpenArchive, desk: Desk, monkeypatch: pytest.MonkeyPatch
) -> None:
    service = ModerationService(desk.database, ACCOUNT_MANAGER)
    first = service.record(
        "東広島市広報", ModerationAction.DELETE, author_handle="@a", text="広告です", policy_item="user_rules",
        reason="宣伝", acted_at=ACTED,
    )  # fmt: skip
    service.record(
        "東広島市広報", ModerationAction.RETRACT, author_handle="@a", text="広告です", policy_item="user_rules",
        reason="記録の誤り", acted_at=ACTED + dt.timedelta(hours=1), supersedes=first.id,
    )  # fmt: skip
    window = open_archive(ACCOUNT_MANAGER)
    panel = window.moderation_panel
    panel.year_spin.setValue(2026)
    panel.month_spin.setValue(1)
    panel.month_spin.setValue(11)  # whatever the month today: the list of an earlier month is dropped
    qtbot.waitUntil(lambda: len(panel.rows()) == 2, timeout=SIGNAL_TIMEOUT_MS)
    states = [row[-1] for row in panel.rows()]
    assert states[0].endswith("で訂正・取消済み") and states[1] == f"記録 {first.id} の取消"
    assert [e.stands for e in panel.entries] == [False, False]
    cell = panel.table.item(0, 0)
    assert cell is not None and cell.font().strikeOut()
    assert entry_state(panel.entries[1]) == states[1]


def test_a_drafter_sees_add_greyed_with_the_reason_and_is_refused(
    qtbot: QtBot, open_archive: OpenArchive, monkeypatch: pytest.MonkeyPatch, messages: Messages, desk: Desk
) -> None:
    reason = ModerationService(desk.database, DRAFTER).why_not_record()
    assert "起案者は記録できません" in reason
    window = open_archive(DRAFTER)
    qtbot.waitUntil(lambda: not window.add_moderation_action.isEnabled(), timeout=SIGNAL_TIMEOUT_MS)
    assert window.add_moderation_action.toolTip() == reason
    assert not window.moderation_panel.add_button.isEnabled()
    window.show_moderation()
    wait_idle(qtbot, window)
    assert window.moderation_panel.note.text() == reason and window.moderation_panel.account() is None

    # asked anyway (the action triggered from code): refused, nothing stored
    window.add_moderation()
    assert messages.texts() == [reason]
    with qtbot.waitSignal(window.moderationRecorded, timeout=SIGNAL_TIMEOUT_MS) as recorded:
        window.start_moderation(request())
    assert isinstance(recorded.args[0], ModerationError)
    assert ModerationService(desk.database, ACCOUNT_MANAGER).entries() == []
