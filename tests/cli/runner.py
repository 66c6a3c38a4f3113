"""Running ``sns-desk`` in a subprocess as a given OS user (the CLI tests' one way of calling it)."""

from __future__ import annotations

import os
import subprocess
import sys


def login_env(login: str) -> dict[str, str]:
    """The environment in which ``getpass.getuser()`` reports ``login``."""
    return {**os.environ, "LOGNAME": login, "USER": login, "USERNAME": login, "LNAME": login}


def sns_desk(db: str, login: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "sns_desk", "--db", db, *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=login_env(login),
        timeout=120,
    )
