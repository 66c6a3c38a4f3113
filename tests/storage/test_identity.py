"""Who the user is comes from the operating system or the server, never from the environment."""

from __future__ import annotations

import os
import pwd
import subprocess
import sys

import pytest

from sns_desk.storage import identity


def test_the_os_user_is_the_effective_uid_whatever_the_environment_says(monkeypatch: pytest.MonkeyPatch) -> None:
    for var in ("LOGNAME", "USER", "USERNAME", "LNAME"):
        monkeypatch.setenv(var, "kacho")
    assert identity.os_login() == pwd.getpwuid(os.geteuid()).pw_name != "kacho"


def test_a_uid_without_a_passwd_entry_is_named_by_its_number(monkeypatch: pytest.MonkeyPatch) -> None:
    def missing(uid: int) -> object:
        raise KeyError(uid)

    monkeypatch.setattr(pwd, "getpwuid", missing)
    assert identity.os_login() == f"uid-{os.geteuid()}"


def test_a_new_process_with_a_forged_login_environment_is_still_the_real_user() -> None:
    env = {**os.environ, "LOGNAME": "kacho", "USER": "kacho", "USERNAME": "kacho", "LNAME": "kacho"}
    done = subprocess.run(
        [sys.executable, "-c", "from sns_desk.storage.identity import os_login; print(os_login())"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=True,
    )
    assert done.stdout.strip() == pwd.getpwuid(os.geteuid()).pw_name
