"""The archive window's 第9条 and report steps over a real SQLite database: 「月次報告…」 (written in each
format, greyed for a drafter with the reason) and 「訂正として紐づける…」 (訂正済み and the chain both ways)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtCore import QCoreApplication, QEvent, QSettings
from pytestqt.qtbot import QtBot

from sns_desk.core.moderation import ModerationError
from sns_desk.core.report import Month, ReportRefused
from sns_desk.gui.archive_model import CORRECTED_MARK, HTML_ROLE, ITEM_ROLE
from sns_desk.gui.archive_window import ArchiveWindow
from sns_desk.gui.moderation_dialogs import LinkCorrectionDialog, LinkRequest
from sns_desk.gui.report_dialog import MonthlyReportDialog, ReportRequest, default_file_name, last_month, with_suffix
from sns_desk.services.archive import ArchiveService
from sns_desk.services.report import ReportService
from sns_desk.storage.database import Database
from sns_desk.storage.media import MediaStore
from sns_desk.storage.models import PostedItemRow
from sns_desk.storage.search import FoundItem

from .conftest import ACCOUNT_MANAGER, DRAFTER, OPS_MANAGER, SIGNAL_TIMEOUT_MS, Desk, Messages, set_os_user

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints", "does not support raise")  # offscreen platform notes

T0 = dt.datetime(2026, 11, 2, 1, 0, tzinfo=dt.UTC)
ORIGINAL_TEXT = "花火大会は 8月3日(土)です"
CORRECTION_TEXT = "【訂正】花火大会は 8月2日(土)です"


def post(database: Database, account_id: int, platform_id: str, text: str, at: dt.datetime) -> int:
    with database.session() as s:
        row = PostedItemRow(
            account_id=account_id, platform="x", platform_id=platform_id, url=f"https://x.com/hh/status/{platform_id}",
            text=text, author="", source="x-archive", posted_at=at,
        )  # fmt: skip
        s.add(row)
        s.flush()
        return row.id


@dataclass
class Posts:
    original: int
    correction: int


@pytest.fixture
def posts(desk: Desk) -> Posts:
    """Two posts of 東広島市広報 in November 2026: a wrong date, and its correction an hour later."""
    original = post(desk.database, desk.koho.id, "10", ORIGINAL_TEXT, T0)
    correction = post(desk.database, desk.koho.id, "11", CORRECTION_TEXT, T0 + dt.timedelta(hours=1))
    return Posts(original, correction)


OpenArchive = Callable[[str], ArchiveWindow]


def wait_idle(qtbot: QtBot, window: ArchiveWindow) -> None:
    qtbot.waitUntil(lambda: not window.ops.is_busy and not window.search_timer.isActive(), timeout=SIGNAL_TIMEOUT_MS)


@pytest.fixture
def open_archive(qtbot: QtBot, desk: Desk, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[OpenArchive]:
    """``open_archive(login)``: the archive window as that OS user, with 「月次報告…」, its first load done."""
    windows: list[ArchiveWindow] = []

    def make(login: str) -> ArchiveWindow:
        set_os_user(monkeypatch, login)
        settings = QSettings(str(tmp_path / f"settings-{login}.ini"), QSettings.Format.IniFormat)
        archive = ArchiveService(desk.database, MediaStore(tmp_path / "archive.media"))
        window = ArchiveWindow(archive, settings=settings, reports=lambda: ReportService(desk.database, login))
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


def row_of(window: ArchiveWindow, item_id: int) -> int:
    row = window.results_model.row_of(item_id)
    assert row is not None
    return row


def show(qtbot: QtBot, window: ArchiveWindow, item_id: int) -> FoundItem:
    """Select the post in the results and wait until its correction chain is shown."""
    with qtbot.waitSignal(window.chainShown, timeout=SIGNAL_TIMEOUT_MS):
        window.select_result(row_of(window, item_id))
    item = window.current_item()
    assert item is not None and item.id == item_id
    return item


# -- 月次報告 ---------------------------------------------------------------------------------------------------


def test_report_dialog_helpers() -> None:
    assert last_month(dt.datetime(2026, 12, 3, 10, tzinfo=dt.UTC)) == Month(2026, 11)
    assert last_month(dt.datetime(2026, 12, 31, 16, tzinfo=dt.UTC)) == Month(2026, 12)  # 2027-01-01 in Japan
    assert last_month(dt.datetime(2027, 1, 5, tzinfo=dt.UTC)) == Month(2026, 12)
    assert default_file_name(Month(2026, 11), None, "csv") == "月次報告-2026-11.csv"
    assert default_file_name(Month(2026, 11), "東広島市/広報", "pdf") == "月次報告-2026-11-東広島市広報.pdf"
    assert with_suffix(Path("r"), "html") == Path("r.html")
    assert with_suffix(Path("r.htm"), "html") == Path("r.htm")
    assert with_suffix(Path("r.PDF"), "pdf") == Path("r.PDF")


@pytest.mark.parametrize("fmt", ["html", "csv", "pdf"])
def test_a_monthly_report_is_written_in_the_format_chosen(
    qtbot: QtBot,
    open_archive: OpenArchive,
    posts: Posts,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    messages: Messages,
    fmt: str,
) -> None:
    window = open_archive(OPS_MANAGER)
    qtbot.waitUntil(window.report_action.isEnabled, timeout=SIGNAL_TIMEOUT_MS)
    asked: list[tuple[list[str], Month]] = []
    target = tmp_path / f"月次報告.{fmt}"

    def ask(_cls: object, _parent: object, accounts: list[str], month: Month, folder: str = "") -> ReportRequest:
        asked.append((list(accounts), month))
        return ReportRequest(Month(2026, 11), None, fmt, target)

    monkeypatch.setattr(MonthlyReportDialog, "ask", classmethod(ask))
    with qtbot.waitSignal(window.reportFinished, timeout=SIGNAL_TIMEOUT_MS * 3) as finished:
        window.report_action.trigger()
    assert finished.args == [target]
    assert asked == [(["東広島市広報", "東広島市観光"], last_month(window.service.now()))]  # default: last month
    data = target.read_bytes()
    if fmt == "html":
        assert b"<html" in data[:500].lower() and "東広島市広報".encode() in data
    elif fmt == "csv":
        assert "東広島市広報" in data.decode("utf-8-sig")
    else:
        assert data.startswith(b"%PDF")
        assert "東広島市広報" in "".join(page.extract_text() for page in PdfReader(target).pages)
    assert not list(tmp_path.glob("*.partial"))
    (title, text, kind) = messages.shown[-1]
    assert (title, kind) == ("月次報告を書き出しました", "information") and str(target) in text
    assert window.settings.value("archive/report_folder") == str(tmp_path)


def test_one_account_only_in_the_report(
    qtbot: QtBot, open_archive: OpenArchive, posts: Posts, tmp_path: Path, messages: Messages
) -> None:
    window = open_archive(ACCOUNT_MANAGER)
    target = tmp_path / "koho.csv"
    with qtbot.waitSignal(window.reportFinished, timeout=SIGNAL_TIMEOUT_MS * 3) as finished:
        window.start_report(ReportRequest(Month(2026, 11), "東広島市広報", "csv", target))
    assert finished.args == [target]
    text = target.read_text(encoding="utf-8-sig")
    assert "東広島市広報" in text and "東広島市観光" not in text


def test_a_drafter_sees_the_monthly_report_greyed_with_the_reason(
    qtbot: QtBot, open_archive: OpenArchive, desk: Desk, tmp_path: Path, messages: Messages
) -> None:
    reason = ReportService(desk.database, DRAFTER).why_not()
    assert reason
    window = open_archive(DRAFTER)
    assert window.report_action.isVisible()
    qtbot.waitUntil(lambda: window.report_action.toolTip() == reason, timeout=SIGNAL_TIMEOUT_MS)
    assert not window.report_action.isEnabled()
    assert window.report_action.statusTip() == reason

    # asked anyway (e.g. the role was taken away meanwhile): refused by the service, shown as a failure
    target = tmp_path / "r.html"
    with qtbot.waitSignal(window.reportFinished, timeout=SIGNAL_TIMEOUT_MS) as finished:
        window.start_report(ReportRequest(Month(2026, 11), None, "html", target))
    assert isinstance(finished.args[0], ReportRefused)
    assert not target.exists()
    assert any(reason in text for text in messages.texts())


def test_without_a_report_service_there_is_no_monthly_report(qtbot: QtBot, desk: Desk, tmp_path: Path) -> None:
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    window = ArchiveWindow(ArchiveService(desk.database, MediaStore(tmp_path / "m")), settings=settings)
    try:
        assert not window.report_action.isVisible()
        window.monthly_report()  # nothing happens
    finally:
        window.ops.shutdown()
        window.deleteLater()


# -- 訂正として紐づける ------------------------------------------------------------------------------------------------


def link(qtbot: QtBot, window: ArchiveWindow, monkeypatch: pytest.MonkeyPatch, request: LinkRequest) -> object:
    asked: list[int] = []

    def ask(_cls: object, _parent: object, item: FoundItem) -> LinkRequest:
        asked.append(item.id)
        return request

    monkeypatch.setattr(LinkCorrectionDialog, "ask", classmethod(ask))
    with qtbot.waitSignal(window.correctionLinked, timeout=SIGNAL_TIMEOUT_MS) as linked:
        window.link_action.trigger()
    wait_idle(qtbot, window)
    assert asked == [request.correction_id]
    return linked.args[0]


def test_linking_a_correction_shows_corrected_on_the_original_and_the_chain_both_ways(
    qtbot: QtBot, open_archive: OpenArchive, posts: Posts, monkeypatch: pytest.MonkeyPatch, messages: Messages
) -> None:
    window = open_archive(ACCOUNT_MANAGER)
    assert not window.link_action.isEnabled()  # nothing selected
    assert window.results_model.rowCount() == 2
    item = show(qtbot, window, posts.correction)
    assert window.link_action.isEnabled()
    assert window.detail.id_label.text() == str(posts.correction)
    assert window.detail.chain_text() == "" and window.detail.chain_label.isHidden()

    outcome = link(qtbot, window, monkeypatch, LinkRequest(posts.original, item.id))
    assert not isinstance(outcome, Exception)
    assert messages.shown == []

    # the list marks the original (and only it)
    model = window.results_model
    original_cell = model.index(row_of(window, posts.original), 3)
    correction_cell = model.index(row_of(window, posts.correction), 3)
    assert CORRECTED_MARK in str(model.data(original_cell, HTML_ROLE))
    assert CORRECTED_MARK not in str(model.data(correction_cell, HTML_ROLE))
    found = model.data(original_cell, ITEM_ROLE)
    assert isinstance(found, FoundItem) and found.corrected

    # 訂正 → 原文 on the correction (still selected: the chain was reloaded with the results)
    qtbot.waitUntil(lambda: window.detail.chain is not None and window.detail.chain.corrects is not None)
    assert window.detail.chain_text() == f"訂正 → 原文: 2026-11-02 10:00「{ORIGINAL_TEXT}」"
    assert not window.detail.chain_label.isHidden()

    # 訂正済み and 原文 → 訂正 on the original
    show(qtbot, window, posts.original)
    assert window.detail.chain_text() == f"訂正済み\n原文 → 訂正: 2026-11-02 11:00「{CORRECTION_TEXT}」"
    assert "訂正済み" in window.detail.chain_label.text()

    # clicking the other post selects it
    with qtbot.waitSignal(window.chainShown, timeout=SIGNAL_TIMEOUT_MS):
        window.detail.chain_label.linkActivated.emit(f"post:{posts.correction}")
    current = window.current_item()
    assert current is not None and current.id == posts.correction


def test_clicking_a_post_of_the_chain_not_listed_searches_its_day(
    qtbot: QtBot, open_archive: OpenArchive, posts: Posts, desk: Desk, monkeypatch: pytest.MonkeyPatch
) -> None:
    ArchiveService(desk.database, MediaStore(Path("unused"))).link_correction(posts.original, posts.correction)
    window = open_archive(ACCOUNT_MANAGER)
    with qtbot.waitSignal(window.resultsLoaded, timeout=SIGNAL_TIMEOUT_MS):
        window.search_edit.setText("【訂正】")
    wait_idle(qtbot, window)
    assert [i.id for i in window.results_model.items()] == [posts.correction]
    show(qtbot, window, posts.correction)

    window.detail.chain_label.linkActivated.emit(f"post:{posts.original}")
    qtbot.waitUntil(
        lambda: (shown := window.current_item()) is not None and shown.id == posts.original, timeout=SIGNAL_TIMEOUT_MS
    )
    wait_idle(qtbot, window)
    assert window.search_edit.text() == ""
    assert window.selected_account() == "東広島市広報"
    assert window.since_check.isChecked() and window.until_check.isChecked()
    assert window.detail.chain_text().startswith("訂正済み")


def test_a_drafter_cannot_link_a_correction(
    qtbot: QtBot, open_archive: OpenArchive, posts: Posts, monkeypatch: pytest.MonkeyPatch, messages: Messages
) -> None:
    window = open_archive(DRAFTER)
    show(qtbot, window, posts.correction)
    outcome = link(qtbot, window, monkeypatch, LinkRequest(posts.original, posts.correction))
    assert isinstance(outcome, ModerationError)
    assert messages.shown and "管理者と運用管理者" in messages.shown[-1][1]
    show(qtbot, window, posts.original)
    assert window.detail.chain_text() == ""
