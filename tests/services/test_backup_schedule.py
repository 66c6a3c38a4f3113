"""The scheduled backup's command and its explanation (「スケジュール設定の案内」), without Qt."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest

from sns_desk.services.backup_schedule import (
    DEFAULT_KEEP,
    SCHTASKS_TR_LIMIT,
    TASK_NAME,
    backup_schedule,
    scheduled_db_url,
)
from sns_desk.storage.database import Database


def windows_args(command: str) -> list[str]:
    """Split a command line by the Microsoft C runtime's rules (CommandLineToArgvW), as Windows programs do."""
    args: list[str] = []
    current: list[str] = []
    quoted = started = False
    i = 0
    while i < len(command):
        c = command[i]
        if c == "\\":
            n = len(command[i:]) - len(command[i:].lstrip("\\"))
            i += n
            if i < len(command) and command[i] == '"':
                current.append("\\" * (n // 2))
                if n % 2:
                    current.append('"')
                    i += 1
            else:
                current.append("\\" * n)
            started = True
            continue
        if c == '"':
            quoted = not quoted
            started = True
        elif c in " \t" and not quoted:
            if started:
                args.append("".join(current))
                current, started = [], False
        else:
            current.append(c)
            started = True
        i += 1
    if started:
        args.append("".join(current))
    return args


def test_the_command_runs_the_backup_of_the_given_database_into_the_folder_keeping_n() -> None:
    schedule = backup_schedule(
        r"\\fileserver\kouhou\sns-backup", 30, db_url="sqlite:///C:/Users/tanaka/sns_desk.db", program="sns-desk"
    )
    assert schedule.command == (
        r"sns-desk --db sqlite:///C:/Users/tanaka/sns_desk.db backup run --to \\fileserver\kouhou\sns-backup --keep 30"
    )
    assert schedule.program == "sns-desk"
    assert schedule.arguments == schedule.command.removeprefix("sns-desk ")
    assert schedule.schtasks == (f'schtasks /create /tn "{TASK_NAME}" /tr "{schedule.command}" /sc daily /st 12:15')
    text = schedule.explanation
    assert "毎日 12:15" in text and "30 世代" in text and r"\\fileserver\kouhou\sns-backup" in text
    assert "/create" in text and "/tn" in text and "/tr" in text and "/sc daily" in text
    assert f'schtasks /run /tn "{TASK_NAME}"' in text and f'schtasks /delete /tn "{TASK_NAME}"' in text
    assert "pgpass.conf" in text  # --db is given: where a password belongs
    assert f"引数の追加: {schedule.arguments}" in text


def test_the_default_database_needs_no_db_option() -> None:
    schedule = backup_schedule("D:/backup", DEFAULT_KEEP, at=dt.time(7, 5))
    assert schedule.command == "sns-desk backup run --to D:/backup --keep 30"
    assert "--db" not in schedule.schtasks and "pgpass" not in schedule.explanation
    assert schedule.schtasks.endswith("/sc daily /st 07:05")


def test_paths_with_spaces_are_quoted_once_in_the_command_and_again_inside_tr() -> None:
    program = r"C:\Program Files\sns_desk\bin\sns-desk.exe"
    schedule = backup_schedule(r"D:\SNS バックアップ\\", 7, program=program, db_url="sqlite:///C:/Users/Taro Y/a.db")
    assert schedule.command == (
        rf'"{program}" --db "sqlite:///C:/Users/Taro Y/a.db" backup run --to "D:\SNS バックアップ\\\\" --keep 7'
    )
    # schtasks gets the whole command as the one argument after /tr, its quotes escaped as \"
    args = windows_args(schedule.schtasks)
    assert args[args.index("/tr") + 1] == schedule.command
    assert windows_args(schedule.command) == [
        program, "--db", "sqlite:///C:/Users/Taro Y/a.db",
        "backup", "run", "--to", "D:\\SNS バックアップ\\\\", "--keep", "7",
    ]  # fmt: skip


def test_a_command_too_long_for_schtasks_is_pointed_out() -> None:
    long_folder = "D:/" + "a" * SCHTASKS_TR_LIMIT
    assert "上限" in backup_schedule(long_folder, 3).explanation
    assert "上限" not in backup_schedule("D:/b", 3).explanation


def test_scheduled_db_url_names_another_file_or_server_without_the_password(
    opener: Callable[..., Database], tmp_path: Path, os_user: str
) -> None:
    path = tmp_path / "city.db"
    database = opener(f"sqlite:///{path.as_posix()}")
    assert scheduled_db_url(database, default_url=f"sqlite:///{(tmp_path / 'other.db').as_posix()}") == (
        f"sqlite:///{path.resolve().as_posix()}"
    )
    assert scheduled_db_url(database, default_url=f"sqlite:///{path.as_posix()}") is None  # the default one
    read_only = opener(f"sqlite:///{path.as_posix()}", read_only=True)  # type: ignore[arg-type]
    assert scheduled_db_url(read_only, default_url="sqlite:///elsewhere.db") == f"sqlite:///{path.resolve().as_posix()}"


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("postgresql+psycopg://sato:secret@db.city.local:5432/sns", "postgresql+psycopg://sato@db.city.local:5432/sns"),
        ("postgresql+psycopg://db.city.local/sns", "postgresql+psycopg://db.city.local/sns"),
    ],
)
def test_a_server_url_loses_its_password(url: str, expected: str) -> None:
    from sqlalchemy import create_engine

    class Server:
        engine = create_engine(url)
        display_name = url

    assert scheduled_db_url(Server(), default_url="sqlite:///x.db") == expected  # type: ignore[arg-type]
