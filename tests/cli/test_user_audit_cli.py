"""``sns-desk user …`` and ``sns-desk audit …`` on the command line (in-process)."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from .runner import call


def test_people_roles_and_the_audit_trail(tmp_path: Path) -> None:
    path = tmp_path / "desk.db"
    db = f"sqlite:///{path.as_posix()}"

    def as_user(login: str, *args: str) -> tuple[int, str, str]:
        done = call("--db", db, *args, login=login)
        return done.returncode, done.stdout, done.stderr

    assert as_user("tanaka", "user", "whoami")[1] == "tanaka\ttanaka\t運用管理者\n"  # the creator
    code, out, _ = as_user("tanaka", "user", "add", "kacho", "--name", "こども家庭課長", "--department", "こども家庭課")
    assert code == 0 and "起案者として登録" in out
    assert as_user("tanaka", "user", "role", "kacho", "account-manager")[0] == 0
    code, _, err = as_user("kacho", "user", "role", "kacho", "operations-manager")
    assert code == 2 and "運用管理者だけ" in err
    code, _, err = as_user("tanaka", "user", "role", "tanaka", "drafter")
    assert code == 2 and "最後の運用管理者" in err
    code, _, err = as_user("tanaka", "user", "role", "kacho", "boss")
    assert code == 2 and "選べない値" in err
    assert as_user("tanaka", "user", "deactivate", "kacho")[0] == 0
    code, _, err = as_user("kacho", "user", "whoami")
    assert code == 2 and "無効" in err
    listed = json.loads(as_user("tanaka", "user", "list", "--format", "json")[1])
    assert [(p["login"], p["role"], p["active"]) for p in listed] == [
        ("tanaka", "operations-manager", True),
        ("kacho", "account-manager", False),
    ]

    code, out, _ = as_user("tanaka", "audit", "verify")
    assert code == 0 and "監査記録 3 件" in out
    exported = tmp_path / "audit.csv"
    code, out, _ = as_user("tanaka", "audit", "export", "--out", str(exported))
    assert code == 0 and exported.read_text(encoding="utf-8-sig").count("\n") == 4

    with sqlite3.connect(path) as raw:  # what anyone who can write the file could do
        raw.execute("UPDATE audit_events SET actor = 'kacho' WHERE seq = 2")
    code, out, _ = as_user("tanaka", "audit", "verify")
    assert code == 1 and out == "NG  監査記録 2 番の内容が書き換えられています(ハッシュが一致しません)\n"


def test_export_to_a_folder_is_a_message(tmp_path: Path) -> None:
    db = f"sqlite:///{(tmp_path / 'a.db').as_posix()}"
    done = call("--db", db, "audit", "export", "--out", str(tmp_path), login="tanaka")
    assert done.returncode == 2 and "フォルダです" in done.stderr and "Traceback" not in done.stderr
