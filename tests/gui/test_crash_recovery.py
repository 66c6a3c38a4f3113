"""Drafts are never lost: the app is killed (SIGKILL) mid-typing and the autosaved text is there."""

from __future__ import annotations

import os
import selectors
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import text

from sns_desk.core.checker import default_checker
from sns_desk.core.people import Role
from sns_desk.core.workflow import DraftState
from sns_desk.services.desk import DeskService
from sns_desk.storage import identity
from sns_desk.storage.database import open_database

CHILD = Path(__file__).with_name("crash_child.py")
FIRST = "12月5日(土)、図書館で冬のおはなし会を開催します。"
DEADLINE_S = 60


def _read_until(proc: subprocess.Popen[bytes], marker: bytes) -> bytes:
    """Lines from the child until one starts with ``marker`` (bounded by a deadline, not a sleep)."""
    assert proc.stdout is not None
    selector = selectors.DefaultSelector()
    selector.register(proc.stdout, selectors.EVENT_READ)
    end = time.monotonic() + DEADLINE_S
    while time.monotonic() < end:
        if not selector.select(timeout=end - time.monotonic()):
            break
        line = proc.stdout.readline()
        if not line:
            break
        if line.startswith(marker):
            return line
    raise AssertionError(f"the app never printed {marker!r}")


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs POSIX SIGKILL")
def test_killed_while_typing_keeps_the_last_autosave(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(identity, "os_login", lambda: "tanaka")  # tanaka creates the database
    monkeypatch.setenv("LOGNAME", "tanaka")  # the child process's own argument: whose desk it opens
    url = f"sqlite:///{(tmp_path / 'desk.db').as_posix()}"
    with open_database(url) as database:
        ops = DeskService(database, default_checker, "tanaka")
        ops.set_role("kacho", Role.ACCOUNT_MANAGER)
        account = ops.add_account("x", "東広島市広報", "https://x.com/hh", "広報戦略担当", "kacho")
        draft = ops.create_draft(account.id)

    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    proc = subprocess.Popen(
        [sys.executable, str(CHILD), url, str(draft.id), str(tmp_path / "settings.ini")],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        env=env,
        bufsize=0,  # unbuffered: a line read must not pull the next one out of select()'s sight
    )
    try:
        saved = _read_until(proc, b"SAVED")
        _read_until(proc, b"TYPING")
        os.kill(proc.pid, signal.SIGKILL)  # power cut while the next characters are being typed
        assert proc.wait(timeout=DEADLINE_S) == -signal.SIGKILL
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        if proc.stdout is not None:
            proc.stdout.close()

    with open_database(url) as database:
        with database.engine.connect() as connection:
            assert connection.execute(text("PRAGMA integrity_check")).scalar() == "ok"
        recovered = DeskService(database, default_checker, "tanaka").draft(draft.id)
    assert recovered.text.startswith(FIRST)
    assert recovered.revision >= int(saved.split()[1])
    assert recovered.state is DraftState.DRAFT
