"""What a clerk can send to IT when something goes wrong: a log file and crash reports.

The log is a rotating file (1 MiB × 5) in the platform's user log folder (``SNS_DESK_LOG_DIR`` elsewhere).
Unexpected exceptions (a bug, not a person's mistake) are written there with their traceback, from the
command line, the GUI's excepthook and its background operations.  A hard crash of the interpreter (a
fault in Qt or a driver) cannot be caught: :class:`CrashLog` has :mod:`faulthandler` write the stacks of
every thread into a file of its own, which the next start finds with :func:`previous_crashes` and offers.
"""

from __future__ import annotations

import datetime as dt
import faulthandler
import logging
import logging.handlers
import os
import time
from pathlib import Path
from typing import IO

from platformdirs import user_log_dir

LOG_DIR_ENV = "SNS_DESK_LOG_DIR"
LOG_NAME = "sns-desk.log"
LOG_BYTES = 1024 * 1024
LOG_BACKUPS = 5
CRASH_PREFIX = "crash-"
REPORTED_SUFFIX = ".reported"
STALE_AFTER_S = 7 * 24 * 3600
"""A crash file with nothing but its header belongs to a process that ended without a fault (or is still
running, another window of the same person): removed once it is this old."""

logger = logging.getLogger("sns_desk")
_HEADER_END = "----\n"


def log_dir() -> Path:
    override = os.environ.get(LOG_DIR_ENV, "").strip()
    return Path(override) if override else Path(user_log_dir("sns_desk", appauthor=False))


def log_file() -> Path:
    return log_dir() / LOG_NAME


def start_logging(level: int = logging.INFO) -> Path | None:
    """Send the ``sns_desk`` loggers to the rotating log file; its path, or ``None`` when the folder cannot be
    written (the app works on without a log). Calling it again changes nothing."""
    path = log_file()
    for handler in logger.handlers:
        if isinstance(handler, logging.handlers.RotatingFileHandler):
            return Path(handler.baseFilename)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handler = logging.handlers.RotatingFileHandler(
            path, maxBytes=LOG_BYTES, backupCount=LOG_BACKUPS, encoding="utf-8", delay=True
        )
    except OSError:
        return None
    handler.setFormatter(logging.Formatter("%(asctime)s %(process)d %(levelname)s %(name)s: %(message)s"))
    logger.addHandler(handler)
    logger.setLevel(min(level, logger.level or level))
    return path


def stop_logging() -> None:
    for handler in list(logger.handlers):
        if isinstance(handler, logging.handlers.RotatingFileHandler):
            logger.removeHandler(handler)
            handler.close()


def log_unexpected(exc: BaseException, where: str) -> Path | None:
    """Write ``exc`` with its traceback to the log file (opened now if need be); the file's path, if any."""
    path = start_logging()
    logger.error("予期しないエラー (%s)", where, exc_info=(type(exc), exc, exc.__traceback__))
    return path


def log_note(path: Path | None) -> str:
    """Where the details of an unexpected error are, and what to do with them."""
    where = f"詳細をログファイル「{path}」に記録しました。" if path else "ログファイルは書けませんでした。"
    return f"{where}操作を続けられない場合は、このメッセージとログファイルを IT 担当者に送ってください。"


def unexpected_message(exc: BaseException, path: Path | None) -> str:
    """The Japanese sentence for a person who met a bug: what happened, where the details are."""
    return f"予期しないエラーが発生しました({type(exc).__name__})。{log_note(path)}"


class CrashLog:
    """faulthandler's report of a hard crash, in ``crash-<pid>.log`` of the log folder while the app runs.

    The file starts with a header (time, process, version); a clean :meth:`stop` removes it. A file that
    holds more than its header after the process has gone is a crash report.
    """

    def __init__(self, folder: Path | None = None) -> None:
        self.folder = folder or log_dir()
        self.path = self.folder / f"{CRASH_PREFIX}{os.getpid()}.log"
        self._file: IO[str] | None = None

    def start(self) -> bool:
        from . import __version__

        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            self._file = self.path.open("w", encoding="utf-8")
        except OSError:
            return False
        now = dt.datetime.now().astimezone().isoformat(timespec="seconds")
        self._file.write(f"sns-desk {__version__} / process {os.getpid()} / started {now}\n{_HEADER_END}")
        self._file.flush()
        faulthandler.enable(file=self._file, all_threads=True)
        return True

    def stop(self) -> None:
        if self._file is None:
            return
        faulthandler.disable()
        self._file.close()
        self._file = None
        if _is_header_only(self.path):
            self.path.unlink(missing_ok=True)


def _is_header_only(path: Path) -> bool:
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False
    return text.endswith(_HEADER_END) and text.count(_HEADER_END) == 1


def previous_crashes(folder: Path | None = None, *, now: float | None = None) -> list[Path]:
    """Crash reports not yet shown: other processes' crash files that hold a fault (oldest first). Old
    files with only a header are removed on the way."""
    folder = folder or log_dir()
    now = time.time() if now is None else now
    own = f"{CRASH_PREFIX}{os.getpid()}.log"
    found: list[Path] = []
    for path in sorted(folder.glob(f"{CRASH_PREFIX}*.log"), key=lambda p: p.stat().st_mtime):
        if path.name == own or path.stem.endswith(REPORTED_SUFFIX):
            continue
        if _is_header_only(path):
            if now - path.stat().st_mtime > STALE_AFTER_S:
                path.unlink(missing_ok=True)
            continue
        found.append(path)
    return found


def mark_reported(path: Path) -> Path:
    """Keep a shown crash report (IT may still ask for it) under a name that is not offered again."""
    target = path.with_name(f"{path.stem}{REPORTED_SUFFIX}{path.suffix}")
    try:
        return path.replace(target)
    except OSError:
        return path
