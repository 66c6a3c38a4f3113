"""``python -m sns_desk`` as a real process: what the in-process tests cannot see.

The entry point and ``--version``, exit codes as the shell gets them, bytes piped into stdin, the
OS user taken from a real environment, and that the CLI never imports PySide6. Each call costs
an interpreter start-up, so this file stays small; the behaviour itself is tested in-process.
"""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from .runner import spawn, spawn_env


def test_version() -> None:
    result = spawn("--version")
    assert result.returncode == 0
    assert result.stdout.strip().startswith("sns-desk ")


def test_version_imports_neither_the_checker_nor_the_database_layer() -> None:
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "sns_desk", "--db", "desk.db", "--version"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode == 0 and result.stdout.startswith("sns-desk ")
    imported = {line.rsplit("|", 1)[-1].strip() for line in result.stderr.splitlines() if "|" in line}
    assert "sns_desk" in imported
    assert not {m for m in imported if m.startswith(("sns_desk.core.checker", "sqlalchemy", "fugashi"))}


def test_check_exits_0_for_clean_text_on_stdin() -> None:
    result = spawn("check", "-", stdin="図書館で冬のおはなし会を開催します。参加無料です。".encode())
    assert result.returncode == 0, result.stderr
    assert "エラー 0 件、警告 0 件" in result.stdout


def test_check_exits_1_for_an_error_in_a_file(tmp_path: Path) -> None:
    post = tmp_path / "post.txt"
    post.write_text("お知らせです。\n申込はこちら https://bit.ly/abc123 まで", encoding="utf-8")
    result = spawn("check", str(post))
    assert result.returncode == 1
    assert result.stdout.splitlines()[0].startswith(f"{post}:2:8: エラー: ")


def test_check_exits_2_for_shift_jis_bytes_piped_in() -> None:
    result = spawn("check", "-", stdin="お知らせ".encode("cp932"))
    assert result.returncode == 2
    assert "UTF-8 ではありません" in result.stderr and "Traceback" not in result.stderr


def test_check_never_imports_pyside6() -> None:
    code = (
        "import sys, io\n"
        "from sns_desk.cli.main import main\n"
        "sys.stdin = io.TextIOWrapper(io.BytesIO('テスト'.encode()), encoding='utf-8')\n"
        "rc = main(['check', '-'])\n"
        "assert 'PySide6' not in sys.modules, 'PySide6 was imported'\n"
        "print('rc', rc)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "rc 0" in result.stdout


def test_a_forged_login_environment_gives_no_powers(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from sns_desk.core.checker import default_checker
    from sns_desk.core.people import Role
    from sns_desk.services.desk import DeskService
    from sns_desk.storage import identity
    from sns_desk.storage.database import open_database

    db = f"sqlite:///{(tmp_path / 'registry.db').as_posix()}"
    with monkeypatch.context() as as_tanaka:
        as_tanaka.setattr(identity, "os_login", lambda: "tanaka")  # tanaka creates it: operations manager
        with open_database(db) as database:
            ops = DeskService(database, default_checker, "tanaka")
            ops.set_role("kacho", Role.ACCOUNT_MANAGER)
    facts = [
        "--platform", "x", "--name", "@hh_kosodate", "--url", "https://x.com/hh_kosodate",
        "--department", "こども家庭課", "--purpose", "子育て世帯への情報発信", "--manager", "kacho",
    ]  # fmt: skip
    # The real OS user of this process is nobody in this database: a drafter, whatever LOGNAME says.
    forged = spawn("--db", db, "account", "add", *facts, forged_login="tanaka")
    assert forged.returncode == 2 and "運用管理者" in forged.stderr, forged.stderr
    with open_database(db) as database:
        assert database.login() != "tanaka"


def test_archive_import_and_search(tmp_path: Path) -> None:
    db = f"sqlite:///{(tmp_path / 'archive.db').as_posix()}"
    export = tmp_path / "x.zip"
    posts = [
        {"tweet": {"id_str": "1", "full_text": "花火大会を開催します", "created_at": "Sat Aug 02 09:00:00 +0000 2025"}}
    ]
    with zipfile.ZipFile(export, "w") as z:
        z.writestr("data/account.js", "window.YTD.account.part0 = " + json.dumps([{"account": {"username": "koho"}}]))
        z.writestr("data/tweets.js", "window.YTD.tweets.part0 = " + json.dumps(posts, ensure_ascii=False))
    imported = spawn("--db", db, "archive", "import", str(export), forged_login="tanaka")
    assert imported.returncode == 0, imported.stderr
    assert imported.stdout.startswith("koho: 1 件を追加")
    found = spawn("--db", db, "archive", "search", "花火", "--format", "json", forged_login="tanaka")
    assert found.returncode == 0 and json.loads(found.stdout)["total"] == 1


def test_a_new_database_is_created_only_on_purpose(tmp_path: Path) -> None:
    """A mistyped ``SNS_DESK_DB`` is an error (exit 2, nothing made); ``--create`` makes it; the default
    database in the user data folder is created on first use without asking."""

    def sns_desk(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
        base = {k: v for k, v in spawn_env(create=False).items() if k != "SNS_DESK_DB"}
        return subprocess.run(
            [sys.executable, "-m", "sns_desk", *args],
            capture_output=True,
            text=True,
            encoding="utf-8",
            env={**base, "XDG_DATA_HOME": str(tmp_path / "xdg"), **env},
            timeout=120,
        )

    mistyped = tmp_path / "share" / "sns_dsek.db"
    refused = sns_desk("user", "list", SNS_DESK_DB=f"sqlite:///{mistyped.as_posix()}")
    assert refused.returncode == 2 and "Traceback" not in refused.stderr
    assert "まだありません" in refused.stderr and "--create" in refused.stderr
    assert not mistyped.parent.exists()
    created = sns_desk("--create", "user", "list", SNS_DESK_DB=f"sqlite:///{mistyped.as_posix()}")
    assert created.returncode == 0, created.stderr
    assert mistyped.is_file()
    default = sns_desk("user", "list")
    assert default.returncode == 0, default.stderr
    assert (tmp_path / "xdg" / "sns-desk" / "sns_desk.db").is_file()
