"""The アーカイブ(第6条) window over a real SQLite database: import, backup warnings, search, detail."""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from PySide6.QtCore import QCoreApplication, QDate, QEvent, QSettings, QUrl
from PySide6.QtWidgets import QPushButton
from pytestqt.qtbot import QtBot

from sns_desk.bench.synthetic import write_x_archive
from sns_desk.gui import archive_window as archive_module
from sns_desk.gui.archive_model import (
    ACCOUNT_ROLE,
    COLUMN_TEXT,
    HIGHLIGHTS_ROLE,
    HTML_ROLE,
    OVERDUE_ROLE,
    excerpt,
    highlight_html,
    jst_minute,
)
from sns_desk.gui.archive_window import (
    PAGE_SIZE,
    WINDOW_TITLE,
    ArchiveWindow,
    banner_text,
    is_web_url,
)
from sns_desk.gui.import_dialog import ImportDialog, ImportRequest
from sns_desk.services.archive import AccountArchive, ArchiveService
from sns_desk.services.archive_import import AccountNameNeeded, ImportCancelled, ImportResult
from sns_desk.storage.database import Database, open_database
from sns_desk.storage.media import MediaStore
from sns_desk.storage.models import AccountRow, BackupRecordRow
from sns_desk.storage.search import SearchQuery

from .conftest import DRAFTER, SIGNAL_TIMEOUT_MS, Desk, Messages, OpenDesk

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints", "does not support raise")  # offscreen platform notes

FIREWORKS = "🎉花火大会のお知らせ🎆 <b>雨天</b>の場合、花火大会は中止します & 翌日に延期"


def _js(name: str, data: Any) -> bytes:
    return f"window.{name} = {json.dumps(data, ensure_ascii=False)}".encode()


def _tweet(post_id: str, text: str, created: str, **extra: Any) -> dict[str, Any]:
    return {"tweet": {"id_str": post_id, "full_text": text, "created_at": created, **extra}}


def png_bytes(color: tuple[int, int, int] = (30, 111, 217)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (120, 80), color).save(out, "PNG")
    return out.getvalue()


def make_export(path: Path, posts: list[dict[str, Any]], media: dict[str, bytes] | None = None) -> Path:
    """A small X account archive (zip) of ``hh_koho``."""
    files = {
        "data/account.js": _js("YTD.account.part0", [{"account": {"username": "hh_koho", "accountId": "1"}}]),
        "data/tweets.js": _js("YTD.tweets.part0", posts),
        **{f"data/tweets_media/{name}": data for name, data in (media or {}).items()},
    }
    with zipfile.ZipFile(path, "w") as z:
        for name, data in files.items():
            z.writestr(name, data)
    return path


POSTS = [
    _tweet("100", "冬のおはなし会を開催します。参加無料", "Tue Nov 25 01:00:00 +0000 2025"),
    _tweet(
        "101",
        FIREWORKS,
        "Wed Nov 26 02:00:00 +0000 2025",
        extended_entities={"media": [{"url": "https://t.co/abc", "media_url_https": "https://pbs/x/photo.png"}]},
    ),
    _tweet("102", "年末年始のごみ収集のお知らせです。", "Thu Nov 27 03:00:00 +0000 2025"),
]


@pytest.fixture
def database(tmp_path: Path) -> Iterator[Database]:
    database = open_database(f"sqlite:///{(tmp_path / 'archive.db').as_posix()}")
    yield database
    database.close()


@pytest.fixture
def archive(database: Database, tmp_path: Path) -> ArchiveService:
    return ArchiveService(database, MediaStore(tmp_path / "archive.media"))


@pytest.fixture
def export(tmp_path: Path) -> Path:
    return make_export(tmp_path / "twitter-2025.zip", POSTS, {"101-photo.png": png_bytes()})


OpenArchive = Callable[[], ArchiveWindow]


def wait_idle(qtbot: QtBot, window: ArchiveWindow) -> None:
    """Wait until every queued call has run and its result has been shown."""
    qtbot.waitUntil(lambda: not window.ops.is_busy and not window.search_timer.isActive(), timeout=SIGNAL_TIMEOUT_MS)


@pytest.fixture
def open_archive(qtbot: QtBot, archive: ArchiveService, tmp_path: Path) -> Iterator[OpenArchive]:
    """``open_archive()``: a shown archive window, its first load done. Closed and destroyed at the end."""
    windows: list[ArchiveWindow] = []

    def make() -> ArchiveWindow:
        settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
        window = ArchiveWindow(archive, settings=settings)
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


def answer_import(monkeypatch: pytest.MonkeyPatch, request: ImportRequest) -> list[str]:
    """Make 「エクスポートを取り込む」's dialog answer ``request``; returns the folders it was opened in."""
    folders: list[str] = []

    def ask(_cls: object, _parent: object, folder: str = "") -> ImportRequest:
        folders.append(folder)
        return request

    monkeypatch.setattr(ImportDialog, "ask", classmethod(ask))
    return folders


def run_import(
    qtbot: QtBot, window: ArchiveWindow, monkeypatch: pytest.MonkeyPatch, request: ImportRequest
) -> ImportResult | Exception:
    """Import through the toolbar action and wait until the accounts and results are reloaded."""
    answer_import(monkeypatch, request)
    with qtbot.waitSignal(window.importFinished, timeout=SIGNAL_TIMEOUT_MS) as finished:
        window.import_action.trigger()
    wait_idle(qtbot, window)
    outcome = finished.args[0]
    assert isinstance(outcome, ImportResult | Exception)
    return outcome


def search(qtbot: QtBot, window: ArchiveWindow, text: str) -> None:
    """Type ``text`` into the search box and wait for the (debounced) results."""
    with qtbot.waitSignal(window.resultsLoaded, timeout=SIGNAL_TIMEOUT_MS):
        window.search_edit.setText(text)
        assert window.search_timer.isActive()  # debounced: nothing is searched while typing
    wait_idle(qtbot, window)


def result_texts(window: ArchiveWindow) -> list[str]:
    return [item.text for item in window.results_model.items()]


def account_rows(window: ArchiveWindow) -> list[str]:
    model = window.accounts_model
    return [str(model.data(model.index(row))) for row in range(model.rowCount())]


# -- import ------------------------------------------------------------------------------------------------


def test_import_shows_the_account_with_its_count_and_the_overdue_warning(
    qtbot: QtBot, open_archive: OpenArchive, export: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    window = open_archive()
    assert window.windowTitle() == WINDOW_TITLE
    assert account_rows(window) == ["すべてのアカウント\n0 件"]
    assert window.results_model.rowCount() == 0
    assert window.count_label.text() == "0 件"
    assert window.banner.isHidden()

    progress: list[tuple[int, int]] = []
    window.progress_relay.progressed.connect(lambda done, total: progress.append((done, total)))
    shown: list[bool] = []

    def started(_request: object) -> None:
        shown.append(window.progress_dialog is not None and window.progress_dialog.isVisible())

    window.importStarted.connect(started)
    result = run_import(qtbot, window, monkeypatch, ImportRequest(export))

    assert isinstance(result, ImportResult)
    assert (result.account, result.platform, result.added, result.skipped) == ("hh_koho", "x", 3, 0)
    assert shown == [True]  # the progress dialog was open while importing
    assert window.progress_dialog is not None and window.progress_dialog.isHidden()
    assert not window.is_importing
    assert progress and progress[-1][0] == 3
    assert window.statusBar().currentMessage() == "hh_koho: 3 件を追加、0 件は取り込み済み"
    assert window.import_action.isEnabled()

    model = window.accounts_model
    assert account_rows(window) == [
        "すべてのアカウント\n3 件",
        "hh_koho(X)\n3 件・最終バックアップ 未実施\nバックアップが必要です",
    ]
    account = model.data(model.index(1), ACCOUNT_ROLE)
    assert isinstance(account, AccountArchive) and account.items == 3
    assert model.data(model.index(1), OVERDUE_ROLE) is True
    assert model.data(model.index(0), OVERDUE_ROLE) is False
    assert not window.banner.isHidden()
    assert (
        window.banner_label.text()
        == "⚠ バックアップが 7 日以上ないアカウント: hh_koho(第6条第9号: 投稿の控えは庁内に残す)"
    )

    # The timeline, newest first, in Japan time.
    items = window.results_model.items()
    assert [item.platform_id for item in items] == ["102", "101", "100"]
    assert window.results_model.data(window.results_model.index(2, 0)) == "2025-11-25 10:00"
    assert window.count_label.text() == "3 件"
    assert [window.platform_combo.itemText(i) for i in range(window.platform_combo.count())] == [
        "すべてのサービス",
        "X",
    ]

    again = run_import(qtbot, window, monkeypatch, ImportRequest(export))
    assert isinstance(again, ImportResult) and (again.added, again.skipped) == (0, 3)
    assert window.statusBar().currentMessage() == "hh_koho: 0 件を追加、3 件は取り込み済み"
    assert window.results_model.rowCount() == 3


def test_the_import_dialog_opens_where_the_last_export_was(
    qtbot: QtBot, open_archive: OpenArchive, export: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    window = open_archive()
    run_import(qtbot, window, monkeypatch, ImportRequest(export))
    folders = answer_import(monkeypatch, ImportRequest(export))
    with qtbot.waitSignal(window.importFinished, timeout=SIGNAL_TIMEOUT_MS):
        window.import_action.trigger()
    wait_idle(qtbot, window)
    assert folders == [str(export.parent)]


def test_cancelling_the_import_leaves_the_archive_as_it_was(
    qtbot: QtBot,
    open_archive: OpenArchive,
    archive: ArchiveService,
    export: Path,
    messages: Messages,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    window = open_archive()

    def click_cancel(_request: object) -> None:
        dialog = window.progress_dialog
        assert dialog is not None and dialog.isVisible()
        buttons = [b for b in dialog.findChildren(QPushButton) if b.text() == "中止"]
        assert len(buttons) == 1
        buttons[0].click()

    window.importStarted.connect(click_cancel)
    outcome = run_import(qtbot, window, monkeypatch, ImportRequest(export))

    assert isinstance(outcome, ImportCancelled)
    assert window.statusBar().currentMessage() == "取り込みを中止しました。アーカイブは取り込み前のままです"
    assert messages.shown == []  # a cancel is no error
    assert window.progress_dialog is not None and window.progress_dialog.isHidden()
    assert window.import_action.isEnabled()
    assert archive.accounts() == []
    assert archive.search(SearchQuery()).total == 0
    assert window.results_model.rowCount() == 0

    window.importStarted.disconnect(click_cancel)
    again = run_import(qtbot, window, monkeypatch, ImportRequest(export))  # the cancel is forgotten
    assert isinstance(again, ImportResult) and again.added == 3


def test_progress_is_shown_while_a_large_export_is_imported(
    qtbot: QtBot, open_archive: OpenArchive, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    window = open_archive()
    big = write_x_archive(tmp_path / "big.zip", 1_100)
    labels: list[str] = []
    progress: list[tuple[int, int]] = []

    def progressed(done: int, total: int) -> None:
        progress.append((done, total))
        if window.progress_dialog is not None:
            labels.append(window.progress_dialog.labelText())

    window.progress_relay.progressed.connect(progressed)
    result = run_import(qtbot, window, monkeypatch, ImportRequest(big))
    assert isinstance(result, ImportResult) and result.added == 1_100
    assert [done for done, _total in progress] == [500, 1_000, 1_100]
    assert progress[-1][1] in (1_100, -1)  # -1: the export did not say how many posts it holds
    assert labels and labels[0].startswith("「big.zip」を")
    assert window.progress_dialog is not None and window.progress_dialog.isHidden()

    # The search counts up to 1,000; 「さらに表示」 goes on until every post is listed.
    model = window.results_model
    assert model.total_is_capped
    assert window.count_label.text() == "1,000 件以上(新しい順に 100 件を表示)"
    while window.more_button.isEnabled():
        with qtbot.waitSignal(window.resultsLoaded, timeout=SIGNAL_TIMEOUT_MS):
            window.more_button.click()
        wait_idle(qtbot, window)
    assert model.rowCount() == 1_100
    assert len({item.id for item in model.items()}) == 1_100
    assert window.count_label.text() == "1,100 件"  # all listed: the count is exact again


def test_a_damaged_export_is_refused_with_a_japanese_message(
    qtbot: QtBot,
    open_archive: OpenArchive,
    archive: ArchiveService,
    tmp_path: Path,
    messages: Messages,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    window = open_archive()
    bad = tmp_path / "bad.zip"
    bad.write_bytes(b"PK\x03\x04 this is not a zip file")
    with qtbot.waitSignal(window.actionFailed, timeout=SIGNAL_TIMEOUT_MS) as failed:
        outcome = run_import(qtbot, window, monkeypatch, ImportRequest(bad))
    assert not isinstance(outcome, ImportResult)
    assert len(messages.shown) == 1
    title, text, _kind = messages.shown[0]
    assert title == "取り込めません"
    assert text.startswith("bad.zip は zip ファイルとして読めません")
    assert failed.args == [text]
    assert window.progress_dialog is not None and window.progress_dialog.isHidden()
    assert window.import_action.isEnabled()
    assert archive.accounts() == []


def test_an_export_without_an_account_name_asks_for_one(
    qtbot: QtBot, open_archive: OpenArchive, tmp_path: Path, messages: Messages, monkeypatch: pytest.MonkeyPatch
) -> None:
    window = open_archive()
    sheet = tmp_path / "line.csv"
    sheet.write_text(
        "platform,posted_at,text,url\nline,2025-04-01 09:30,桜が見ごろです,https://example.jp/1\n", "utf-8"
    )
    outcome = run_import(qtbot, window, monkeypatch, ImportRequest(sheet, "csv"))
    assert isinstance(outcome, AccountNameNeeded)
    assert messages.pairs() == [
        ("取り込めません", "アカウント名が分かりません。「アカウント名」に入力して、もう一度取り込んでください")
    ]
    result = run_import(qtbot, window, monkeypatch, ImportRequest(sheet, "csv", "東広島市LINE"))
    assert isinstance(result, ImportResult) and (result.account, result.platform, result.added) == (
        "東広島市LINE",
        "line",
        1,
    )
    assert account_rows(window)[1].startswith("東広島市LINE(LINE)\n1 件")
    assert [window.platform_combo.itemText(i) for i in range(window.platform_combo.count())] == [
        "すべてのサービス",
        "LINE",
    ]


# -- search ------------------------------------------------------------------------------------------------


def test_search_filters_the_results_and_marks_the_hits(
    qtbot: QtBot, open_archive: OpenArchive, export: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    window = open_archive()
    run_import(qtbot, window, monkeypatch, ImportRequest(export))

    search(qtbot, window, "花火")
    assert result_texts(window) == [FIREWORKS]
    assert window.count_label.text() == "1 件"
    model = window.results_model
    cell = model.index(0, COLUMN_TEXT)
    shown = model.data(cell)
    spans = model.data(cell, HIGHLIGHTS_ROLE)
    assert isinstance(shown, str) and isinstance(spans, list)
    assert [shown[start:end] for start, end in spans] == ["花火", "花火"]
    markup = model.data(cell, HTML_ROLE)
    assert isinstance(markup, str)
    assert "&lt;b&gt;雨天&lt;/b&gt;" in markup and "<b>" not in markup  # post text is escaped
    assert markup.count(">花火</span>") == 2

    search(qtbot, window, "花火 中止")  # every term must occur
    assert result_texts(window) == [FIREWORKS]
    search(qtbot, window, "花火 おはなし")
    assert result_texts(window) == []
    assert window.count_label.text() == "0 件"

    search(qtbot, window, "")
    assert len(result_texts(window)) == 3

    # The dates are days in Japan, both ends included.
    with qtbot.waitSignal(window.resultsLoaded, timeout=SIGNAL_TIMEOUT_MS):
        window.since_edit.setDate(QDate(2025, 11, 26))
        window.since_check.setChecked(True)
    wait_idle(qtbot, window)
    assert [item.platform_id for item in model.items()] == ["102", "101"]
    with qtbot.waitSignal(window.resultsLoaded, timeout=SIGNAL_TIMEOUT_MS):
        window.until_edit.setDate(QDate(2025, 11, 26))
        window.until_check.setChecked(True)
    wait_idle(qtbot, window)
    assert [item.platform_id for item in model.items()] == ["101"]
    with qtbot.waitSignal(window.resultsLoaded, timeout=SIGNAL_TIMEOUT_MS):
        window.since_check.setChecked(False)
    wait_idle(qtbot, window)
    assert [item.platform_id for item in model.items()] == ["101", "100"]


def test_accounts_and_services_filter_the_results(
    qtbot: QtBot, open_archive: OpenArchive, export: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    window = open_archive()
    run_import(qtbot, window, monkeypatch, ImportRequest(export))
    other = make_export(tmp_path / "kanko.zip", [_tweet("900", "紅葉が見ごろです", "Fri Nov 28 00:00:00 +0000 2025")])
    result = run_import(qtbot, window, monkeypatch, ImportRequest(other, "x", "東広島市観光"))
    assert isinstance(result, ImportResult) and result.account == "東広島市観光"
    assert window.results_model.rowCount() == 4

    with qtbot.waitSignal(window.resultsLoaded, timeout=SIGNAL_TIMEOUT_MS):
        window.select_account("東広島市観光")
    wait_idle(qtbot, window)
    assert window.current_query().account == "東広島市観光"
    assert result_texts(window) == ["紅葉が見ごろです"]

    with qtbot.waitSignal(window.resultsLoaded, timeout=SIGNAL_TIMEOUT_MS):
        window.select_account(None)
    wait_idle(qtbot, window)
    assert window.results_model.rowCount() == 4
    with qtbot.waitSignal(window.resultsLoaded, timeout=SIGNAL_TIMEOUT_MS):
        window.platform_combo.setCurrentIndex(window.platform_combo.findData("x"))
    wait_idle(qtbot, window)
    assert window.current_query().platform == "x"
    assert window.results_model.rowCount() == 4


def test_more_results_are_added_a_page_at_a_time(
    qtbot: QtBot, open_archive: OpenArchive, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    window = open_archive()
    big = write_x_archive(tmp_path / "big.zip", 250)
    run_import(qtbot, window, monkeypatch, ImportRequest(big))
    model = window.results_model
    assert (model.rowCount(), model.total) == (PAGE_SIZE, 250)
    assert window.count_label.text() == "250 件(新しい順に 100 件を表示)"
    assert window.more_button.isEnabled()
    window.select_result(5)
    chosen = window.current_item()
    for shown in (200, 250):
        with qtbot.waitSignal(window.resultsLoaded, timeout=SIGNAL_TIMEOUT_MS):
            window.more_button.click()
        wait_idle(qtbot, window)
        assert model.rowCount() == shown
    assert window.count_label.text() == "250 件"
    assert not window.more_button.isEnabled()
    assert window.current_item() == chosen  # the chosen post stays chosen
    times = [item.posted_at for item in model.items()]
    assert times == sorted(times, reverse=True)
    assert len({item.id for item in model.items()}) == 250


# -- the detail pane -----------------------------------------------------------------------------------------


def test_choosing_a_result_shows_the_post_with_its_link_hits_and_media(
    qtbot: QtBot, open_archive: OpenArchive, export: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    window = open_archive()
    run_import(qtbot, window, monkeypatch, ImportRequest(export))
    search(qtbot, window, "花火")
    assert window.detail.item is None and window.detail.placeholder.isVisible()

    with qtbot.waitSignal(window.mediaLoaded, timeout=SIGNAL_TIMEOUT_MS):
        window.select_result(0)
    item = window.current_item()
    assert item is not None and item.platform_id == "101"
    detail = window.detail
    assert detail.text_view.toPlainText() == FIREWORKS
    assert detail.text_view.isReadOnly()
    assert detail.hit_texts() == ["花火", "花火"]  # after emoji: UTF-16 positions are right
    assert detail.time_label.text() == f"{jst_minute(item.posted_at)}(日本時間)" == "2025-11-26 11:00(日本時間)"
    assert detail.account_label.text() == "hh_koho(X)"
    url = "https://x.com/hh_koho/status/101"
    assert detail.url_label.text() == f'<a href="{url}">{url}</a>'
    assert detail.media_names() == ["photo.png"]
    icon = detail.media_list.item(0).icon()
    assert not icon.isNull()
    assert detail.media_label.text() == "メディア 1 点"

    opened: list[QUrl] = []
    monkeypatch.setattr(archive_module, "open_location", lambda u: opened.append(u) or True)
    detail.url_label.linkActivated.emit(url)
    assert opened == [QUrl(url)]
    assert not window.open_link("file:///C:/Windows/system32/calc.exe")  # exports are untrusted
    assert not window.open_link("javascript:alert(1)")
    assert opened == [QUrl(url)]

    # A new search that no longer finds the post clears the pane.
    search(qtbot, window, "ごみ収集")
    assert window.detail.item is None and window.detail.placeholder.isVisible()


def test_a_post_from_outside_a_city_terminal_is_flagged(
    qtbot: QtBot, open_archive: OpenArchive, archive: ArchiveService, database: Database
) -> None:
    from sns_desk.storage.models import PostedItemRow, utc_now

    with database.session() as s:
        account = AccountRow(
            platform="x",
            name="東広島市広報",
            url="https://x.com/hh_koho",
            department="広報戦略担当",
            manager="kacho",
            status="active",
            created_at=utc_now(),
        )
        s.add(account)
        s.flush()
        s.add(
            PostedItemRow(
                account_id=account.id,
                platform="x",
                url="https://x.com/hh_koho/status/5",
                text="避難所を開設しました。",
                author="suzuki",
                terminal="SUZUKI-PHONE",
                off_terminal_reason="大雨で登庁できないため",
                posted_at=dt.datetime(2025, 7, 1, 21, 0, tzinfo=dt.UTC),
                source="desk",
            )
        )
    window = open_archive()
    with qtbot.waitSignal(window.detailShown, timeout=SIGNAL_TIMEOUT_MS):
        window.select_result(0)
    detail = window.detail
    assert detail.terminal_label.text() == "⚠ 市の端末以外から投稿 — 理由: 大雨で登庁できないため(端末: SUZUKI-PHONE)"
    assert detail.form.isRowVisible(detail.terminal_label)
    assert detail.source_label.text() == "投稿デスクの記録"
    assert detail.account_label.text() == "東広島市広報(X) 投稿者: suzuki"
    assert not detail.form.isRowVisible(detail.reposted_label)
    assert detail.media_label.text() == "メディアなし"


# -- the backup warning ---------------------------------------------------------------------------------------


def test_the_warning_threshold_is_stored_and_marks_the_accounts_again(
    qtbot: QtBot,
    open_archive: OpenArchive,
    archive: ArchiveService,
    database: Database,
    export: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    window = open_archive()
    run_import(qtbot, window, monkeypatch, ImportRequest(export))
    assert window.warn_spin.value() == 7
    with database.session() as s:
        account_id = s.query(AccountRow.id).filter(AccountRow.name == "hh_koho").scalar()
        s.add(
            BackupRecordRow(
                account_id=account_id,
                path=r"\\fileserver\koho\backup-2025",
                items=3,
                by="tanaka",
                finished_at=archive.now() - dt.timedelta(days=3, hours=1),
            )
        )
    with qtbot.waitSignal(window.overviewLoaded, timeout=SIGNAL_TIMEOUT_MS):
        window.refresh_action.trigger()
    wait_idle(qtbot, window)
    model = window.accounts_model
    day = (archive.now() - dt.timedelta(days=3, hours=1)).astimezone(dt.timezone(dt.timedelta(hours=9)))
    assert account_rows(window)[1] == f"hh_koho(X)\n3 件・最終バックアップ {day:%Y-%m-%d}"
    assert model.data(model.index(1), OVERDUE_ROLE) is False
    assert window.banner.isHidden()

    with qtbot.waitSignal(window.warnDaysSaved, timeout=SIGNAL_TIMEOUT_MS) as saved:
        window.warn_spin.setValue(2)  # stored once the spin box stops changing
    assert saved.args == [2]
    wait_idle(qtbot, window)
    assert archive.backup_warning_days() == 2
    assert model.data(model.index(1), OVERDUE_ROLE) is True
    assert account_rows(window)[1].endswith("\n最終バックアップから 3 日")
    assert window.banner_label.text().startswith("⚠ バックアップが 2 日以上ないアカウント: hh_koho")

    second = open_archive()  # another window, another day: the threshold is the database's
    assert second.warn_spin.value() == 2


# -- the desk's menu ----------------------------------------------------------------------------------------


def test_the_desk_opens_the_archive_window_from_its_view_menu(
    qtbot: QtBot, open_desk: OpenDesk, desk: Desk, tmp_path: Path
) -> None:
    made: list[ArchiveService] = []

    def archive_service() -> ArchiveService:
        made.append(ArchiveService(desk.database, MediaStore(tmp_path / "desk.media")))
        return made[-1]

    window = open_desk(DRAFTER, archive=archive_service)
    view_menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "表示(&V)")
    assert window.archive_action in view_menu.actions()
    assert window.archive_action.isVisible()
    assert window.archive_action.text() == "アーカイブ(第6条)(&B)…"
    window.archive_action.trigger()
    archive_window = window.open_archive()  # a second time: the same window
    assert isinstance(archive_window, ArchiveWindow) and archive_window.isVisible()
    assert len(made) == 1
    qtbot.waitUntil(lambda: archive_window.overview is not None, timeout=SIGNAL_TIMEOUT_MS)
    names = [a.name for a in archive_window.overview.accounts] if archive_window.overview else []
    assert names == ["東広島市広報", "東広島市観光"]  # registered accounts, nothing posted yet
    assert archive_window.banner.isHidden()  # accounts without posts need no backup
    wait_idle(qtbot, archive_window)
    archive_window.close()


def test_without_an_archive_the_desk_has_no_archive_menu_entry(open_desk: OpenDesk) -> None:
    window = open_desk(DRAFTER)
    assert not window.archive_action.isVisible()
    assert window.open_archive() is None


# -- texts --------------------------------------------------------------------------------------------------


def test_excerpt_keeps_the_hits_in_view_and_in_place() -> None:
    text = "あ" * 100 + "花火" + "い" * 300
    shown, spans = excerpt(text, [(100, 102)])
    assert shown.startswith("…") and shown.endswith("…")
    assert [shown[s:e] for s, e in spans] == ["花火"]
    assert excerpt("一行目\n二行目", [(4, 7)]) == ("一行目 二行目", [(4, 7)])
    assert excerpt("short", []) == ("short", [])
    cut, cut_spans = excerpt("x" * 10 + "終わり", [(10, 13)], limit=11)
    assert [cut[s:e] for s, e in cut_spans] == ["終"]


def test_highlight_html_escapes_everything() -> None:
    assert highlight_html("<a href='x'>&</a>", [(0, 2)]) == (
        '<span style="background-color: #ffe082; color: #000000; font-weight: bold;">&lt;a</span>'
        " href=&#x27;x&#x27;&gt;&amp;&lt;/a&gt;"
    )


def test_only_web_addresses_are_links() -> None:
    assert is_web_url("https://x.com/hh_koho/status/1")
    assert is_web_url("http://www.city.example.lg.jp/")
    assert not is_web_url("file:///etc/passwd")
    assert not is_web_url("javascript:alert(1)")
    assert not is_web_url("")


def test_banner_text_names_the_accounts_and_the_article() -> None:
    def account(name: str) -> AccountArchive:
        return AccountArchive(name, "x", "active", 1, None, None, "")

    assert banner_text([account("A"), account("B")], 7) == (
        "⚠ バックアップが 7 日以上ないアカウント: A、B(第6条第9号: 投稿の控えは庁内に残す)"
    )


def test_the_import_dialog_answers_the_file_the_format_and_the_account(qtbot: QtBot, tmp_path: Path) -> None:
    dialog = ImportDialog(None, str(tmp_path))
    qtbot.addWidget(dialog)
    assert not dialog.ok_button.isEnabled()  # nothing chosen yet
    assert [dialog.format_combo.itemData(i) for i in range(dialog.format_combo.count())] == [
        "auto",
        "x",
        "facebook",
        "instagram",
        "mastodon",
        "csv",
    ]
    assert dialog.answer().fmt == "auto"
    dialog.path_edit.setText(f"  {tmp_path / 'line.csv'}  ")
    dialog.format_combo.setCurrentIndex(dialog.format_combo.findData("csv"))
    dialog.account_edit.setText(" 東広島市LINE ")
    assert dialog.ok_button.isEnabled()
    assert dialog.answer() == ImportRequest(tmp_path / "line.csv", "csv", "東広島市LINE")
    dialog.account_edit.clear()
    assert dialog.answer().account is None
