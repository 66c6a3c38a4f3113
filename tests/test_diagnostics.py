"""The log file and crash reports a clerk can send to IT (sns_desk/diagnostics.py)."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

import sns_desk.__main__ as entry
from sns_desk import diagnostics
from sns_desk.cli import main as cli_main


@pytest.fixture
def logs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    folder = tmp_path / "logs"
    monkeypatch.setenv(diagnostics.LOG_DIR_ENV, str(folder))
    yield folder
    diagnostics.stop_logging()


def test_a_bug_in_a_command_is_logged_with_its_traceback_and_said_in_japanese(
    logs: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def broken(_args: object) -> int:
        raise RuntimeError("boom in the archive")

    monkeypatch.setattr(cli_main, "run", broken)
    assert entry.main(["audit", "verify"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("sns-desk: 予期しないエラーが発生しました(RuntimeError)。")
    assert str(logs / diagnostics.LOG_NAME) in err and "Traceback" not in err
    logged = (logs / diagnostics.LOG_NAME).read_text(encoding="utf-8")
    assert "sns-desk audit" in logged and "Traceback" in logged and "boom in the archive" in logged


def test_an_unwritable_log_folder_still_gives_the_message(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder", encoding="utf-8")
    monkeypatch.setenv(diagnostics.LOG_DIR_ENV, str(blocker / "logs"))
    assert diagnostics.log_unexpected(ValueError("x"), "test") is None
    assert "ログファイルは書けませんでした" in diagnostics.unexpected_message(ValueError("x"), None)


def test_the_log_rotates(logs: Path) -> None:
    path = diagnostics.start_logging()
    assert path == logs / diagnostics.LOG_NAME
    assert diagnostics.start_logging() == path  # once only
    line = "あ" * 1000
    for _ in range(diagnostics.LOG_BYTES // 2000 + 50):
        logging.getLogger("sns_desk.test").info(line)
    assert (logs / f"{diagnostics.LOG_NAME}.1").is_file()
    assert path.stat().st_size <= diagnostics.LOG_BYTES


def test_a_clean_stop_leaves_no_crash_file(logs: Path) -> None:
    crash = diagnostics.CrashLog()
    assert crash.start()
    assert crash.path.is_file()
    crash.stop()
    assert not crash.path.exists()
    assert diagnostics.previous_crashes(logs) == []


CRASHING_CHILD = """
import faulthandler, sys
from pathlib import Path
from sns_desk.diagnostics import CrashLog
CrashLog(Path(sys.argv[1])).start()
faulthandler._sigsegv()
"""


@pytest.mark.skipif(sys.platform == "win32", reason="a real segmentation fault of a child process")
def test_a_hard_crash_leaves_a_report_that_the_next_start_offers_once(logs: Path) -> None:
    child = subprocess.run([sys.executable, "-c", CRASHING_CHILD, str(logs)], capture_output=True, check=False)
    assert child.returncode != 0
    (report,) = diagnostics.previous_crashes(logs)
    text = report.read_text(encoding="utf-8")
    assert text.startswith("sns-desk ") and "Fatal Python error" in text
    kept = diagnostics.mark_reported(report)
    assert kept.is_file() and diagnostics.previous_crashes(logs) == []


def test_header_only_files_of_ended_processes_are_not_reports_and_old_ones_go(logs: Path) -> None:
    logs.mkdir()
    other = logs / "crash-999999.log"
    other.write_text("sns-desk 0.1.0 / process 999999 / started x\n----\n", encoding="utf-8")
    assert diagnostics.previous_crashes(logs) == [] and other.exists()  # maybe another window, still open
    old = time.time() - diagnostics.STALE_AFTER_S - 60
    os.utime(other, (old, old))
    assert diagnostics.previous_crashes(logs) == [] and not other.exists()
