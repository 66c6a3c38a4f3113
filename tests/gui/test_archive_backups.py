"""The archive window's バックアップ menu (第6条第9号) over real SQLite databases: export, verify, restore, schedule."""

from __future__ import annotations

import datetime as dt
import errno
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QCoreApplication, QDate, QEvent, QSettings, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QPushButton
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

from sns_desk.bench.synthetic import write_x_archive
from sns_desk.core.archive.package import PackageCancelled, PackageSummary, ProblemKind
from sns_desk.core.archive.package import write as package_write
from sns_desk.core.archive.package.layout import TAG_AUDIT_HEAD, parse_audit_head, read_bag_info
from sns_desk.gui.archive_window import ArchiveWindow
from sns_desk.gui.backup_dialogs import (
    BackupExportDialog,
    BackupProblemsDialog,
    ExportRequest,
    FolderDialog,
    PackageFolderDialog,
    ScheduleDialog,
    package_name,
)
from sns_desk.gui.dialogs import ConfirmDialog
from sns_desk.gui.import_dialog import ImportRequest
from sns_desk.services import backup_schedule
from sns_desk.services.archive import ArchiveService
from sns_desk.services.backups import BackupCheck, RestoreResult
from sns_desk.storage.database import Database, open_database
from sns_desk.storage.media import MediaStore
from sns_desk.storage.models import BackupRecordRow, PostedItemRow
from sns_desk.storage.search import SearchQuery

from .conftest import SIGNAL_TIMEOUT_MS, Messages
from .test_archive_window import POSTS, account_rows, make_export, png_bytes, run_import, wait_idle

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints", "does not support raise")  # offscreen platform notes


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path.as_posix()}"


@pytest.fixture
def databases(tmp_path: Path) -> Iterator[Callable[[str], ArchiveService]]:
    """``archive_of(name)``: the archive service of a database ``<name>.db`` (with ``<name>.media``)."""
    opened: list[Database] = []

    def archive_of(name: str) -> ArchiveService:
        database = open_database(sqlite_url(tmp_path / f"{name}.db"))
        opened.append(database)
        return ArchiveService(database, MediaStore(tmp_path / f"{name}.media"))

    yield archive_of
    for database in opened:
        database.close()


OpenWindow = Callable[[ArchiveService], ArchiveWindow]


@pytest.fixture
def open_window(qtbot: QtBot, tmp_path: Path) -> Iterator[OpenWindow]:
    """``open_window(service)``: a shown archive window, its first load done. Closed and destroyed at the end."""
    windows: list[ArchiveWindow] = []

    def make(service: ArchiveService) -> ArchiveWindow:
        settings = QSettings(str(tmp_path / f"settings-{len(windows)}.ini"), QSettings.Format.IniFormat)
        window = ArchiveWindow(service, settings=settings)
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


@pytest.fixture
def city(databases: Callable[[str], ArchiveService]) -> ArchiveService:
    return databases("city")


@pytest.fixture
def filled_window(
    qtbot: QtBot, open_window: OpenWindow, city: ArchiveService, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> ArchiveWindow:
    """The city's archive window with three posts of hh_koho (one with a photo), never backed up."""
    window = open_window(city)
    export = make_export(tmp_path / "twitter-2025.zip", POSTS, {"101-photo.png": png_bytes()})
    run_import(qtbot, window, monkeypatch, ImportRequest(export))
    return window


def answer_export(monkeypatch: pytest.MonkeyPatch, request: ExportRequest) -> list[tuple[list[str], str]]:
    """Make 「書き出し…」 answer ``request``; returns what the dialog was opened with (accounts, folder)."""
    asked: list[tuple[list[str], str]] = []

    def ask(_cls: object, _parent: object, accounts: list[str], folder: str = "") -> ExportRequest:
        asked.append((list(accounts), folder))
        return request

    monkeypatch.setattr(BackupExportDialog, "ask", classmethod(ask))
    return asked


def answer_package(monkeypatch: pytest.MonkeyPatch, path: Path | None) -> list[str]:
    """Make the package folder picker of 「検証…」 and 「復元…」 answer ``path``; returns its titles."""
    titles: list[str] = []

    def ask(_cls: object, _parent: object, title: str, folder: str = "") -> Path | None:
        titles.append(title)
        return path

    monkeypatch.setattr(PackageFolderDialog, "ask", classmethod(ask))
    return titles


def run_backup_job(qtbot: QtBot, window: ArchiveWindow, trigger: Callable[[], object]) -> object:
    """Start a backup job and wait until it ended, its result shown and the window reloaded."""
    with qtbot.waitSignal(window.backupFinished, timeout=SIGNAL_TIMEOUT_MS) as finished:
        trigger()
    wait_idle(qtbot, window)
    assert not window.is_working
    assert window.progress_dialog is not None and window.progress_dialog.isHidden()
    return finished.args[0]


def folder_names(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


# -- export and verify ----------------------------------------------------------------------------------------


def test_export_writes_the_package_clears_the_warning_and_verifies_ok(
    qtbot: QtBot, filled_window: ArchiveWindow, city: ArchiveService, tmp_path: Path, messages: Messages,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    window = filled_window
    assert not window.banner.isHidden()  # never backed up
    menu_texts = [a.text() for a in window.backup_menu.actions() if not a.isSeparator()]
    assert menu_texts == ["書き出し(&E)…", "検証(&V)…", "復元(&R)…", "スケジュール設定の案内(&S)…"]
    toolbar = window.toolbar.actions()
    assert {window.export_backup_action, window.verify_backup_action, window.restore_backup_action} <= set(toolbar)

    target = tmp_path / "backups" / "2025-11"
    (tmp_path / "backups").mkdir()
    asked = answer_export(monkeypatch, ExportRequest(target))
    phases: list[str] = []
    window.progress_relay.backupProgressed.connect(lambda phase, _done, _total: phases.append(phase))
    shown: list[bool] = []
    window.backupStarted.connect(lambda _kind: shown.append(bool(window.progress_dialog.isVisible())))  # type: ignore[union-attr]

    summary = run_backup_job(qtbot, window, window.export_backup_action.trigger)

    assert asked == [(["hh_koho"], "")]
    assert isinstance(summary, PackageSummary)
    assert (summary.path, summary.item_count, summary.media_count) == (target, 3, 1)
    assert shown == [True] and phases and set(phases) == {"export"}
    assert messages.shown[-1][0] == "バックアップを書き出しました"
    assert messages.shown[-1][1].startswith(f"「{target}」に 3 件、メディア 1 件を書き出しました(")
    assert messages.shown[-1][2] == "information"
    assert window.statusBar().currentMessage().startswith(f"「{target}」に 3 件、メディア 1 件")
    assert window.banner.isHidden()  # the warning went away with the backup
    assert "最終バックアップ 未実施" not in account_rows(window)[1]
    assert [a.last_backup_path for a in city.accounts()] == [str(target.resolve())]
    assert window.export_backup_action.isEnabled() and window.import_action.isEnabled()

    titles = answer_package(monkeypatch, target)
    check = run_backup_job(qtbot, window, window.verify_backup_action.trigger)

    assert titles == ["検証するバックアップのフォルダを選ぶ"]
    assert isinstance(check, BackupCheck) and check.ok
    head = parse_audit_head(read_bag_info(target)[TAG_AUDIT_HEAD])
    assert head is not None and check.audit_head == head
    title, text, kind = messages.shown[-1]
    assert (title, kind) == ("バックアップの検証 — 問題はありません", "information")
    assert text == (
        f"「{target}」: 欠け・改変・余分なファイルはありません。\n\n"
        f"監査記録の先頭(書き出し時点): {head[0]:,} 件、最後の記録の SHA-256\n{head[1]}"
    )

    answer_export(monkeypatch, ExportRequest(target))  # not empty any more: refused, nothing overwritten
    with qtbot.waitSignal(window.actionFailed, timeout=SIGNAL_TIMEOUT_MS) as failed:
        refused = run_backup_job(qtbot, window, window.export_backup_action.trigger)
    assert isinstance(refused, Exception)
    assert failed.args == [f"保存先のフォルダ「{target}」は空ではありません。新しいフォルダを指定してください"]
    assert messages.shown[-1][0] == "バックアップを書き出せません"
    again = run_backup_job(qtbot, window, window.verify_backup_action.trigger)
    assert isinstance(again, BackupCheck) and again.ok  # the package is untouched


def test_an_export_of_one_account_since_a_day_does_not_count_as_its_backup(
    qtbot: QtBot, filled_window: ArchiveWindow, city: ArchiveService, tmp_path: Path, messages: Messages,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    window = filled_window
    answer_export(monkeypatch, ExportRequest(tmp_path / "part", "hh_koho", dt.date(2025, 11, 26)))
    summary = run_backup_job(qtbot, window, window.export_backup_action.trigger)
    assert isinstance(summary, PackageSummary) and summary.item_count == 2  # 26 and 27 November (Japan time)
    assert "日付で絞り込んだ書き出しのため、アカウントの最終バックアップには数えていません。" in messages.texts()[-1]
    assert not window.banner.isHidden()  # older posts are not in it: still warned
    assert city.accounts()[0].last_backup_at is None


def test_cancelling_mid_export_leaves_no_package_and_no_partial_folder(
    qtbot: QtBot, open_window: OpenWindow, city: ArchiveService, tmp_path: Path, messages: Messages,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    window = open_window(city)
    big = write_x_archive(tmp_path / "big.zip", 600, media_every=50, media_bytes=500, account="hh_koho")
    run_import(qtbot, window, monkeypatch, ImportRequest(big))
    backups = tmp_path / "backups"
    backups.mkdir()
    target = backups / "cancelled"
    answer_export(monkeypatch, ExportRequest(target))

    # The worker reports its first progress and waits there until 「中止」 has been clicked.
    paused, resume = threading.Event(), threading.Event()
    seen_mid_way: list[list[str]] = []

    def on_worker_thread(_phase: str, _done: int, _total: int) -> None:
        if not paused.is_set():
            seen_mid_way.append(folder_names(backups))
            paused.set()
            resume.wait(SIGNAL_TIMEOUT_MS / 1000)

    window.progress_relay.backupProgressed.connect(on_worker_thread, Qt.ConnectionType.DirectConnection)
    with qtbot.waitSignal(window.backupFinished, timeout=SIGNAL_TIMEOUT_MS) as finished:
        window.export_backup_action.trigger()
        qtbot.waitUntil(paused.is_set, timeout=SIGNAL_TIMEOUT_MS)
        dialog = window.progress_dialog
        assert dialog is not None and dialog.isVisible() and dialog.windowTitle() == "バックアップの書き出し"
        buttons = [b for b in dialog.findChildren(QPushButton) if b.text() == "中止"]
        assert len(buttons) == 1
        buttons[0].click()
        assert window.statusBar().currentMessage() == "書き出しを中止しています…"
        resume.set()
    wait_idle(qtbot, window)
    window.progress_relay.backupProgressed.disconnect(on_worker_thread)

    assert len(seen_mid_way) == 1 and len(seen_mid_way[0]) == 1  # the package was being built…
    assert seen_mid_way[0][0].startswith("cancelled.partial-sns-desk-")
    assert isinstance(finished.args[0], PackageCancelled)
    assert folder_names(backups) == []  # …and nothing of it is left
    assert window.statusBar().currentMessage() == "バックアップの作成を中止しました。途中のファイルは残していません"
    assert messages.shown == []  # a cancel is no error
    assert not window.banner.isHidden()
    with city.database.session() as s:
        assert s.scalar(select(func.count(BackupRecordRow.id))) == 0

    summary = run_backup_job(qtbot, window, window.export_backup_action.trigger)  # the cancel is forgotten
    assert isinstance(summary, PackageSummary) and summary.item_count == 600
    assert folder_names(backups) == ["cancelled"]


def test_a_full_disk_gives_the_services_message_and_leaves_nothing(
    qtbot: QtBot, filled_window: ArchiveWindow, city: ArchiveService, tmp_path: Path, messages: Messages,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    window = filled_window

    def full(root: Path, *args: Any) -> int:
        raise OSError(errno.ENOSPC, "No space left on device", str(root / "bag-info.txt"))

    monkeypatch.setattr(package_write, "_write_tag_files", full)
    answer_export(monkeypatch, ExportRequest(tmp_path / "usb" / "backup"))
    (tmp_path / "usb").mkdir()
    outcome = run_backup_job(qtbot, window, window.export_backup_action.trigger)
    assert isinstance(outcome, Exception)
    title, text, kind = messages.shown[-1]
    assert (title, kind) == ("バックアップを書き出せません", "warning")
    assert text.startswith("バックアップを書き込めません(") and "No space left on device" in text
    assert folder_names(tmp_path / "usb") == []
    assert not window.banner.isHidden()
    with city.database.session() as s:
        assert s.scalar(select(func.count(BackupRecordRow.id))) == 0


# -- verify a damaged package ---------------------------------------------------------------------------------


def test_verifying_a_tampered_package_lists_the_problem_and_restoring_it_is_refused(
    qtbot: QtBot, filled_window: ArchiveWindow, databases: Callable[[str], ArchiveService], open_window: OpenWindow,
    tmp_path: Path, messages: Messages, monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    window = filled_window
    package = tmp_path / "pkg"
    answer_export(monkeypatch, ExportRequest(package))
    run_backup_job(qtbot, window, window.export_backup_action.trigger)
    jsonl = package / "data" / "items.jsonl"
    jsonl.write_bytes(jsonl.read_bytes().replace("花火".encode(), "水火".encode()))
    (package / "data" / "メモ.txt").write_text("後から足した", encoding="utf-8")

    reported: list[BackupCheck] = []
    monkeypatch.setattr(BackupProblemsDialog, "ask", classmethod(lambda _cls, _parent, check: reported.append(check)))
    answer_package(monkeypatch, package)
    check = run_backup_job(qtbot, window, window.verify_backup_action.trigger)

    assert isinstance(check, BackupCheck) and not check.ok and reported == [check]
    assert sorted((p.kind, p.path) for p in check.problems) == [
        (ProblemKind.CHANGED, "data/items.jsonl"),
        (ProblemKind.EXTRA, "data/メモ.txt"),
    ]
    assert window.statusBar().currentMessage() == "「pkg」: 問題が 2 件あります"
    dialog = BackupProblemsDialog(window, check)  # what the user sees
    qtbot.addWidget(dialog)
    rows = sorted(dialog.rows())
    assert rows[0][:2] == ["余分", "data/メモ.txt"] and rows[1][:2] == ["改変", "data/items.jsonl"]
    assert "変わっています" in rows[1][2]

    # Restoring it is refused with the service's message; the fresh database stays empty.
    fresh = databases("fresh")
    other = open_window(fresh)
    monkeypatch.setattr(ConfirmDialog, "ask", classmethod(lambda *_args: True))
    before = len(messages.shown)
    outcome = run_backup_job(qtbot, other, other.restore_backup_action.trigger)
    assert isinstance(outcome, Exception)
    title, text, _kind = messages.shown[before]
    assert title == "バックアップから復元できません"
    assert text.startswith("このバックアップは検証に失敗したため読み込めません。\n・")
    assert "data/items.jsonl" in text
    assert fresh.accounts() == [] and fresh.search(SearchQuery()).total == 0


# -- restore --------------------------------------------------------------------------------------------------


def test_restore_into_a_fresh_database_adds_the_items_and_a_second_restore_adds_nothing(
    qtbot: QtBot, filled_window: ArchiveWindow, databases: Callable[[str], ArchiveService], open_window: OpenWindow,
    tmp_path: Path, messages: Messages, monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    package = tmp_path / "pkg"
    answer_export(monkeypatch, ExportRequest(package))
    run_backup_job(qtbot, filled_window, filled_window.export_backup_action.trigger)

    fresh = databases("fresh")
    window = open_window(fresh)
    assert account_rows(window) == ["すべてのアカウント\n0 件"]
    titles = answer_package(monkeypatch, package)
    questions: list[tuple[str, str, str]] = []
    answers = [None, True, True]

    def confirm(_cls: object, _parent: object, title: str, text: str, yes: str, no: str = "") -> bool | None:
        questions.append((title, text, yes))
        return answers[len(questions) - 1]

    monkeypatch.setattr(ConfirmDialog, "ask", classmethod(confirm))

    # Declined: nothing runs.
    with qtbot.waitSignal(window.ops.finished, timeout=SIGNAL_TIMEOUT_MS):
        window.restore_backup_action.trigger()
    wait_idle(qtbot, window)
    assert len(questions) == 1 and not window.is_working and fresh.accounts() == []
    title, text, yes = questions[0]
    assert (title, yes) == ("バックアップから復元", "復元する")
    assert text.startswith(f"「{package}」(SNS 投稿アーカイブ、")
    assert "3 件、メディア 1 件)を、データベース「" in text and str(tmp_path / "fresh.db") in text

    phases: list[str] = []
    window.progress_relay.backupProgressed.connect(lambda phase, _done, _total: phases.append(phase))
    result = run_backup_job(qtbot, window, window.restore_backup_action.trigger)
    assert result == RestoreResult(3, 0)
    assert titles[-1] == "復元するバックアップのフォルダを選ぶ"
    assert phases[0] == "restore-check" and phases[-1] == "restore"
    assert messages.shown[-1] == (
        "バックアップから復元しました",
        f"「{package}」から3 件を追加、0 件は登録済みのため省略しました。",
        "information",
    )
    assert account_rows(window)[1].startswith("hh_koho(X)\n3 件")
    assert [item.platform_id for item in window.results_model.items()] == ["102", "101", "100"]
    with fresh.database.session() as s:
        assert s.scalar(select(func.count(PostedItemRow.id))) == 3
    photo = [m for item in window.results_model.items() for m in fresh.media_of(item.id)]
    assert len(photo) == 1 and fresh.media.get(photo[0].sha256) == png_bytes()

    again = run_backup_job(qtbot, window, window.restore_backup_action.trigger)
    assert again == RestoreResult(0, 3)
    assert window.statusBar().currentMessage() == "0 件を追加、3 件は登録済みのため省略しました。"
    with fresh.database.session() as s:
        assert s.scalar(select(func.count(PostedItemRow.id))) == 3


# -- the schedule ---------------------------------------------------------------------------------------------


def test_the_schedule_guide_gives_the_command_with_the_database_and_the_kept_count(
    qtbot: QtBot, open_window: OpenWindow, city: ArchiveService, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    window = open_window(city)
    opened: list[dict[str, Any]] = []
    monkeypatch.setattr(ScheduleDialog, "ask", classmethod(lambda _cls, _parent, **kwargs: opened.append(kwargs)))
    with qtbot.waitSignal(window.scheduleShown, timeout=SIGNAL_TIMEOUT_MS):
        window.schedule_action.trigger()
    wait_idle(qtbot, window)
    db_url = sqlite_url((tmp_path / "city.db").resolve())
    assert len(opened) == 1 and opened[0]["db_url"] == db_url  # not the default database: --db names it
    program = opened[0]["program"]

    dialog = ScheduleDialog(window, db_url=db_url, program=program, folder=opened[0]["folder"])
    qtbot.addWidget(dialog)
    dialog.folder_edit.setText(r"\\fileserver\kouhou\sns-backup")
    dialog.keep_spin.setValue(14)
    expected = f"--db {db_url} backup run --to \\\\fileserver\\kouhou\\sns-backup --keep 14"
    assert dialog.command_edit.toPlainText().endswith(expected)
    assert "/create" in dialog.schtasks_edit.toPlainText() and "--keep 14" in dialog.schtasks_edit.toPlainText()
    explanation = dialog.explanation.toPlainText()
    assert "14 世代" in explanation and "/create" in explanation and r"\\fileserver\kouhou\sns-backup" in explanation
    dialog.copy_command_button.click()
    assert QGuiApplication.clipboard().text() == dialog.command_edit.toPlainText()
    assert dialog.copied_label.text() == "コマンドをクリップボードにコピーしました"
    dialog.copy_schtasks_button.click()
    assert QGuiApplication.clipboard().text() == dialog.schtasks_edit.toPlainText()

    # The default database needs no --db.
    monkeypatch.setattr(backup_schedule, "default_db_url", lambda: sqlite_url(tmp_path / "city.db"))
    with qtbot.waitSignal(window.scheduleShown, timeout=SIGNAL_TIMEOUT_MS):
        window.schedule_action.trigger()
    wait_idle(qtbot, window)
    assert opened[-1]["db_url"] is None


# -- the dialogs ----------------------------------------------------------------------------------------------


def test_the_export_dialog_answers_the_folder_the_account_and_the_day(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    now = dt.datetime(2026, 11, 20, 1, 2, 3, tzinfo=dt.UTC)
    dialog = BackupExportDialog(None, ["東広島市広報", "東広島市観光"], str(tmp_path), now=now)
    qtbot.addWidget(dialog)
    assert not dialog.ok_button.isEnabled()
    assert [dialog.account_combo.itemText(i) for i in range(dialog.account_combo.count())] == [
        "すべてのアカウント",
        "東広島市広報",
        "東広島市観光",
    ]
    empty = tmp_path / "empty"
    empty.mkdir()
    picked = [str(empty)]
    monkeypatch.setattr(FolderDialog, "ask", classmethod(lambda _cls, _parent, _title, _folder="": picked[-1]))
    browse = next(b for b in dialog.findChildren(QPushButton) if b.text() == "フォルダを選ぶ(&D)…")
    browse.click()
    assert dialog.path_edit.text() == str(empty)  # an empty folder is the package itself
    (empty / "old.txt").write_text("x", encoding="utf-8")
    browse.click()
    assert dialog.path_edit.text() == str(empty / "sns-desk-backup-20261120-100203")  # a new one inside
    assert package_name(now) == "sns-desk-backup-20261120-100203"
    assert dialog.ok_button.isEnabled()
    assert dialog.answer() == ExportRequest(empty / "sns-desk-backup-20261120-100203")
    dialog.account_combo.setCurrentIndex(2)
    dialog.since_check.setChecked(True)
    assert dialog.since_edit.isEnabled()
    dialog.since_edit.setDate(QDate(2026, 4, 1))
    assert dialog.answer() == ExportRequest(
        empty / "sns-desk-backup-20261120-100203", "東広島市観光", dt.date(2026, 4, 1)
    )


def test_progress_lines_name_the_phase() -> None:
    from sns_desk.gui.archive_window import progress_text

    assert progress_text("export", "pkg", 0, -1) == "書き出す投稿を読み込んでいます…"
    assert progress_text("export", "pkg", 250, -1) == "書き出す投稿を集めています… 250 件"
    assert progress_text("export", "pkg", 150, 600) == "「pkg」に書き出しています… 25 %"
    assert progress_text("verify", "pkg", 50, 120) == "「pkg」を検証しています… 50 / 120 ファイル"
    assert progress_text("restore-check", "pkg", 0, -1) == "復元の前に「pkg」を検証しています…"
    assert progress_text("restore", "pkg", 500, 1_200) == "「pkg」から復元しています… 500 / 1,200 件"
    assert progress_text("import", "x.zip", 500, 1_100) == "「x.zip」を取り込んでいます… 500 / 1,100 件"
