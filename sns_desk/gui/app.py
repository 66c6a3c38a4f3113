"""The desktop application: ``sns-desk`` with no subcommand starts the drafting desk here."""

from __future__ import annotations

import gc
import os
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Final

from PySide6.QtCore import QCoreApplication, QEvent, QLibraryInfo, QLocale, QObject, QTimer, QTranslator, Slot
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import QApplication, QMessageBox

from .. import __version__, diagnostics
from ..config import DB_ENV_VAR, resolve_db_url
from ..core.checker import Checker, default_checker
from ..core.rulebook.errors import RulebookError
from ..services.desk import DeskService
from ..storage.database import database_exists, describe_url, open_database
from ..storage.errors import StorageError
from ..storage.media import MediaStore

if TYPE_CHECKING:
    from ..services.archive import ArchiveService
    from ..services.incidents import IncidentService
    from ..services.moderation import ModerationService
    from ..services.people import PeopleService
    from ..services.registry import RegistryService
    from ..services.report import ReportService

RULEBOOK_ENV_VAR: Final = "SNS_DESK_RULEBOOK"
GC_INTERVAL_MS: Final = 5_000

PREFERRED_FONT_FAMILIES: Final = ("Yu Gothic UI", "Meiryo UI", "Noto Sans CJK JP", "Noto Sans JP")
"""Japanese UI fonts, best first: Windows' own, then the Noto families found on Linux."""


def choose_font_family(available: Iterable[str]) -> str | None:
    """The first of :data:`PREFERRED_FONT_FAMILIES` that is in ``available`` (case-insensitive)."""
    by_key = {name.casefold(): name for name in available}
    for family in PREFERRED_FONT_FAMILIES:
        found = by_key.get(family.casefold())
        if found is not None:
            return found
    return None


def install_translations(app: QCoreApplication) -> QTranslator | None:
    """Install Qt's own Japanese strings (standard dialogs, context menus).

    Returns the installed translator (a child of ``app``), or None when Qt's ``qtbase_ja``
    catalogue is not there.
    """
    translator = QTranslator(app)  # parented: lives as long as the application
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    if not translator.load("qtbase_ja", folder) or not QCoreApplication.installTranslator(translator):
        translator.deleteLater()
        return None
    return translator


def apply_japanese_font(app: QApplication) -> str | None:
    """Make a Japanese UI font the first choice, so kanji never take Chinese glyph shapes."""
    family = choose_font_family(QFontDatabase.families())
    if family is not None:
        font = app.font()
        families = [family, *(f for f in font.families() if f != family)]
        font.setFamilies(families)
        app.setFont(font)
    return family


def create_application(argv: list[str] | None = None) -> QApplication:
    """The QApplication, set up for Japanese (reused if one already exists)."""
    existing = QApplication.instance()
    if isinstance(existing, QApplication):
        return existing
    app = QApplication(list(sys.argv if argv is None else argv))
    app.setApplicationName("sns_desk")
    app.setOrganizationName("sns_desk")  # where QSettings keeps the user's settings
    app.setApplicationDisplayName("sns_desk")
    app.setApplicationVersion(__version__)
    QLocale.setDefault(QLocale(QLocale.Language.Japanese, QLocale.Country.Japan))
    install_translations(app)
    apply_japanese_font(app)
    return app


class StartupErrorDialog:
    """The message shown when the desk cannot start (database or rulebook unusable)."""

    @classmethod
    def ask(cls, message: str) -> None:
        QMessageBox.critical(None, "sns_desk を起動できません", message)


class CreateDatabaseDialog:
    """Asked at start when the database given by ``--db`` or ``SNS_DESK_DB`` does not exist yet."""

    @classmethod
    def ask(cls, where: str) -> bool:
        answer = QMessageBox.question(
            None,
            "新しいデータベースを作成しますか",
            f"データベース「{where}」はまだありません。\n\n"
            "新しいデータベースを作成しますか?\n"
            "(既存のデータベースを使うつもりだった場合は「いいえ」を選び、パスを確認してください)",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        return answer == QMessageBox.StandardButton.Yes


def _may_open(url: str, given: bool) -> bool:
    """Whether to open ``url``: yes unless it was given (``--db``/``SNS_DESK_DB``), does not exist yet and the
    person does not want it created. The default database is created on first use; ``SNS_DESK_CREATE=1``
    creates without asking, as on the command line."""
    if not given or os.environ.get("SNS_DESK_CREATE", "").strip().lower() in {"1", "true", "yes", "on"}:
        return True
    return database_exists(url) or CreateDatabaseDialog.ask(describe_url(url))


class MainThreadGarbageCollector(QObject):
    """Run Python's cycle collector on the main thread only.

    Qt objects must be destroyed on the thread they live on. Left alone, Python's collector
    runs in whichever thread happens to allocate — a worker checking text or saving a draft —
    and may destroy a window that became garbage there, which crashes the process. So automatic
    collection is switched off while the app runs and done here from a timer (the approach
    Anki takes for the same reason).
    """

    def __init__(self, parent: QObject | None = None, interval_ms: int = GC_INTERVAL_MS) -> None:
        super().__init__(parent)
        self._was_enabled = gc.isenabled()
        gc.disable()
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.collect)
        self.timer.start()

    @Slot()
    def collect(self) -> int:
        return gc.collect()

    def stop(self) -> None:
        """Collect once more and give collection back to Python as it was."""
        self.timer.stop()
        gc.collect()
        if self._was_enabled:
            gc.enable()


def load_checker(path: str | None = None) -> Checker:
    """The checker for ``path``, ``$SNS_DESK_RULEBOOK`` or the bundled rulebook."""
    chosen = path or os.environ.get(RULEBOOK_ENV_VAR, "").strip()
    return default_checker(Path(chosen) if chosen else None)


QUIT_WHEN_READY_ENV = "SNS_DESK_QUIT_WHEN_READY"


class CrashReportDialog:
    """Shown at start when an earlier run ended in a hard crash: where its report is, to send to IT."""

    @classmethod
    def ask(cls, reports: list[Path]) -> None:
        listing = "\n".join(f"・{path}" for path in reports)
        QMessageBox.information(
            None,
            "前回の異常終了の記録",
            "前回 sns_desk が異常終了しました。次のファイルに記録が残っています。\n\n"
            f"{listing}\n\n"
            "同じことが続く場合は、このファイルとログファイル(同じフォルダの sns-desk.log)を IT 担当者に"
            "送ってください。",
        )


def offer_crash_reports() -> list[Path]:
    """Show the crash reports of earlier runs once (they are kept, renamed, for IT); the reports shown."""
    reports = diagnostics.previous_crashes()
    if reports:
        CrashReportDialog.ask(reports)
        for path in reports:
            diagnostics.mark_reported(path)
    return reports


def _log_uncaught(kind: type[BaseException], exc: BaseException, tb: object) -> None:
    """``sys.excepthook`` of the desk: a bug escaped every handler; log it and tell the person once."""
    if issubclass(kind, KeyboardInterrupt):
        return
    path = diagnostics.log_unexpected(exc, "GUI")  # the traceback travels with the exception
    from .dialogs import MessageDialog

    MessageDialog.ask(None, "予期しないエラー", diagnostics.unexpected_message(exc, path), "critical")


def run(argv: list[str] | None = None, db_url: str | None = None) -> int:
    """Start the drafting desk on the database ``db_url`` (``--db``, ``$SNS_DESK_DB`` or the
    default file) and return the exit code: 2 when the database or the rulebook is unusable."""
    diagnostics.start_logging()
    crash_log = diagnostics.CrashLog()
    crash_log.start()
    previous_hook = sys.excepthook
    sys.excepthook = _log_uncaught
    try:
        return _run(argv, db_url)
    finally:
        sys.excepthook = previous_hook
        crash_log.stop()


def _run(argv: list[str] | None, db_url: str | None) -> int:
    app = create_application(argv)
    offer_crash_reports()
    try:
        checker = load_checker()
        url = resolve_db_url(db_url)
        if not _may_open(url, given=bool((db_url or "").strip() or os.environ.get(DB_ENV_VAR, "").strip())):
            return 0  # the person chose not to create a new database
        database = open_database(url)
    except (StorageError, RulebookError) as exc:
        StartupErrorDialog.ask(exc.full_text)  # with the hint: e.g. how to restore a damaged database
        return 2

    from ..services.audit import AuditService
    from .desk_window import DeskWindow
    from .live_changes import ChangeWatcher

    collector = MainThreadGarbageCollector()
    from ..services.settings import media_for

    media: MediaStore = media_for(database)  # the shared folder if IT set one, else next to an SQLite file
    service = DeskService(database, lambda: checker, database.login(), media=media)

    def archive() -> ArchiveService:
        from ..services.archive import ArchiveService  # loaded when the archive is first opened

        return ArchiveService(database, media)

    def registry() -> RegistryService:
        from ..services.registry import RegistryService  # loaded when the registry is first opened

        return RegistryService(database, database.login(), checker=lambda: checker)

    def people() -> PeopleService:
        from ..services.people import PeopleService  # loaded when 職員と役割 is first opened

        return PeopleService(database, database.login())

    def incidents() -> IncidentService:
        from ..services.incidents import IncidentService  # loaded when インシデント is first opened

        return IncidentService(database, database.login(), media=media, checker=lambda: checker)

    def reports() -> ReportService:
        from ..services.report import ReportService  # loaded when 月次報告 is first needed

        return ReportService(database, database.login(), rulebook=lambda: checker.rulebook)  # the rules in force

    def moderation() -> ModerationService:
        from ..services.moderation import ModerationService  # loaded when the archive is first opened

        return ModerationService(database, database.login())

    window = DeskWindow(
        service,
        checker,
        database_name=database.display_name,
        archive=archive,
        registry=registry,
        people=people,
        incidents=incidents,
        reports=reports,
        moderation=moderation,
        audit=AuditService(database),
        changes=ChangeWatcher(database),  # PostgreSQL: other terminals' changes appear without F5
    )
    if os.environ.get(QUIT_WHEN_READY_ENV):
        # For the start-up benchmark: report and leave once the window is usable (first refresh).
        def ready() -> None:
            print("READY", flush=True)
            app.quit()

        window.refreshed.connect(ready)
    try:
        window.show()
        return app.exec()
    finally:
        window.close()
        # Destroy the window here, on the main thread, rather than whenever Python collects it.
        window.deleteLater()
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        collector.stop()
        collector.deleteLater()
        database.close()


if __name__ == "__main__":
    raise SystemExit(run())
