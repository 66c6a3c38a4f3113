"""Calling ``sns-desk`` the CLI tests' way: in this process, as a given OS user, with captured streams.

``call`` runs :func:`sns_desk.cli.main.main` with ``sys.stdin``, ``sys.stdout`` and ``sys.stderr``
replaced by UTF-8 text streams over bytes buffers (so the CLI's ``reconfigure(encoding="utf-8")``
and ``sys.stdin.buffer`` work as on a real console) and restores them afterwards. ``spawn`` runs
``python -m sns_desk`` as a real subprocess, for the few tests that need one (start-up, imports,
signals, a real pipe).

Tests create their databases at a fresh temporary ``--db`` path, which the CLI refuses unless creating is
allowed (``--create``): ``call`` and ``spawn`` allow it (``SNS_DESK_CREATE=1``) unless told ``create=False``,
which is how the tests of that refusal run.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
from dataclasses import dataclass

import pytest

from sns_desk.cli.main import main
from sns_desk.storage import identity

CREATE_ENV = "SNS_DESK_CREATE"
"""The environment variable that allows what ``--create`` allows."""

LOGIN_VARS = ("LOGNAME", "USER", "USERNAME", "LNAME")
"""The variables ``getpass.getuser()`` would read; sns_desk must not."""


@dataclass(frozen=True)
class CliResult:
    """What a command left: its exit code and the texts it wrote (UTF-8 decoded)."""

    returncode: int
    stdout: str
    stderr: str


def login_env(login: str) -> dict[str, str]:
    """An environment whose login variables name ``login`` (what a user could forge in a command prompt)."""
    return {**os.environ, **dict.fromkeys(LOGIN_VARS, login)}


def _exit_code(exc: SystemExit) -> int:
    """The process exit status ``sys.exit(exc.code)`` would give (argparse exits this way)."""
    if exc.code is None:
        return 0
    if isinstance(exc.code, int):
        return exc.code
    sys.stderr.write(f"{exc.code}\n")
    return 1


def call(*args: str, login: str | None = None, stdin: bytes = b"", create: bool = True) -> CliResult:
    """Run ``sns-desk ARGS`` in this process; ``login`` is the OS user it sees (else the current one);
    ``create``: a database that does not exist yet may be created (``SNS_DESK_CREATE=1``)."""
    saved = sys.stdin, sys.stdout, sys.stderr
    out, err = io.BytesIO(), io.BytesIO()
    streams = (
        io.TextIOWrapper(io.BytesIO(stdin), encoding="utf-8"),
        io.TextIOWrapper(out, encoding="utf-8", newline="\n"),
        io.TextIOWrapper(err, encoding="utf-8", newline="\n"),
    )
    with pytest.MonkeyPatch.context() as patch:
        if login is not None:
            patch.setattr(identity, "os_login", lambda: login)
        if create:
            patch.setenv(CREATE_ENV, "1")
        else:
            patch.delenv(CREATE_ENV, raising=False)
        sys.stdin, sys.stdout, sys.stderr = streams
        try:
            try:
                code = main(list(args))
            except SystemExit as exc:
                code = _exit_code(exc)
            for stream in streams[1:]:
                stream.flush()
            stdout, stderr = out.getvalue().decode("utf-8"), err.getvalue().decode("utf-8")
        finally:
            sys.stdin, sys.stdout, sys.stderr = saved
            for stream in streams:
                stream.close()
    return CliResult(code, stdout, stderr)


def sns_desk(db: str, login: str, *args: str, create: bool = True) -> CliResult:
    """``sns-desk --db DB ARGS`` in this process as the OS user ``login`` (creating DB if ``create``)."""
    return call("--db", db, *args, login=login, create=create)


def spawn_env(*, forged_login: str | None = None, create: bool = True) -> dict[str, str]:
    """The environment of a spawned ``sns-desk``: this one, with the login variables forged and creating
    a new database allowed or not."""
    env = login_env(forged_login) if forged_login is not None else {**os.environ}
    if create:
        env[CREATE_ENV] = "1"
    else:
        env.pop(CREATE_ENV, None)
    return env


def spawn(*args: str, forged_login: str | None = None, stdin: bytes = b"", create: bool = True) -> CliResult:
    """``python -m sns_desk ARGS`` as a separate process (stdin piped as bytes), run by the real OS user;
    ``forged_login`` sets the login environment variables, which must change nothing; ``create`` as in
    :func:`call`."""
    proc = subprocess.run(
        [sys.executable, "-m", "sns_desk", *args],
        input=stdin,
        capture_output=True,
        env=spawn_env(forged_login=forged_login, create=create),
        timeout=120,
    )
    return CliResult(proc.returncode, proc.stdout.decode("utf-8"), proc.stderr.decode("utf-8"))
