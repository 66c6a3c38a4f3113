"""``sns-desk draft``: the approval steps from the command line obey the same rules as the GUI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sns_desk.core.checker import default_checker
from sns_desk.core.people import Role
from sns_desk.services.desk import DeskService
from sns_desk.storage import identity
from sns_desk.storage.database import open_database

from .runner import CliResult, sns_desk


def run(db: str, login: str, *args: str) -> CliResult:
    return sns_desk(db, login, "draft", *args)


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[str, int, int]:
    """A database where tanaka is the operations manager, kacho manages the account, and
    suzuki has one clean draft and one with a URL shortener (an error)."""
    monkeypatch.setattr(identity, "os_login", lambda: "tanaka")  # tanaka creates the database
    url = f"sqlite:///{(tmp_path / 'desk.db').as_posix()}"
    with open_database(url) as database:
        ops = DeskService(database, default_checker, "tanaka")
        ops.set_role("kacho", Role.ACCOUNT_MANAGER)
        account = ops.add_account("x", "東広島市広報", "https://x.com/hh", "広報戦略担当", "kacho")
        suzuki = DeskService(database, default_checker, "suzuki")
        clean = suzuki.create_draft(account.id, text="図書館で冬のおはなし会を開催します。")
        broken = suzuki.create_draft(account.id, text="申込はこちら https://bit.ly/abc")
    return url, clean.id, broken.id


def test_list_and_show(db: tuple[str, int, int]) -> None:
    url, clean, _ = db
    listed = run(url, "suzuki", "list", "--format", "json")
    assert listed.returncode == 0, listed.stderr
    assert sorted(row["id"] for row in json.loads(listed.stdout)) == sorted(db[1:])
    shown = run(url, "suzuki", "show", str(clean), "--format", "json")
    assert json.loads(shown.stdout)["text"] == "図書館で冬のおはなし会を開催します。"


def test_the_rules_hold_on_the_command_line(db: tuple[str, int, int]) -> None:
    url, clean, broken = db
    refused = run(url, "suzuki", "submit", str(broken))
    assert refused.returncode == 1 and "エラーが 1 件" in refused.stderr
    assert run(url, "suzuki", "submit", str(clean)).returncode == 0
    own = run(url, "suzuki", "approve", str(clean))
    assert own.returncode == 1 and "自分が作成した" in own.stderr
    no_comment = run(url, "kacho", "reject", str(clean), "--comment", " ")
    assert no_comment.returncode == 1 and "コメント" in no_comment.stderr
    approved = run(url, "kacho", "approve", str(clean))
    assert approved.returncode == 0 and "承認済み" in approved.stdout
    posted = run(url, "suzuki", "posted", str(clean), "--url", "https://x.com/hh/status/1")
    assert posted.returncode == 0 and "投稿済み" in posted.stdout
    listed = run(url, "suzuki", "list", "--state", "posted")
    assert listed.stdout.startswith(f"{clean}\t投稿済み\t東広島市広報\tsuzuki")


def test_unknown_draft_and_bad_database(tmp_path: Path, db: tuple[str, int, int]) -> None:
    missing = run(db[0], "suzuki", "approve", "999")
    assert missing.returncode == 2 and "見つかりません" in missing.stderr
    garbage = tmp_path / "garbage.db"
    garbage.write_bytes(b"not a database at all" * 100)
    broken = run(f"sqlite:///{garbage.as_posix()}", "suzuki", "list")
    assert broken.returncode == 2 and "Traceback" not in broken.stderr


def test_approve_with_an_old_revision_and_a_bad_time(db: tuple[str, int, int]) -> None:
    url, clean, _ = db
    assert run(url, "suzuki", "submit", str(clean)).returncode == 0
    shown = json.loads(run(url, "kacho", "show", str(clean), "--format", "json").stdout)
    stale = run(url, "kacho", "approve", str(clean), "--revision", str(shown["revision"] - 1))
    assert stale.returncode == 1 and "表示中の内容から変わっています" in stale.stderr
    assert run(url, "kacho", "approve", str(clean), "--revision", str(shown["revision"])).returncode == 0
    bad = run(url, "suzuki", "posted", str(clean), "--url", "https://x.com/hh/status/1", "--at", "昨日")
    assert bad.returncode == 2 and "ISO 8601" in bad.stderr


def test_withdraw_and_discard(db: tuple[str, int, int]) -> None:
    url, clean, broken = db
    assert run(url, "suzuki", "submit", str(clean)).returncode == 0
    not_author = run(url, "kacho", "withdraw", str(clean))
    assert not_author.returncode == 1 and "作成者だけ" in not_author.stderr
    withdrawn = run(url, "suzuki", "withdraw", str(clean))
    assert withdrawn.returncode == 0 and "下書き" in withdrawn.stdout
    discarded = run(url, "suzuki", "discard", str(broken), "--reason", "短縮URLの案は使わない")
    assert discarded.returncode == 0 and "破棄" in discarded.stdout
    again = run(url, "suzuki", "discard", str(broken))
    assert again.returncode == 1 and "破棄できるのは下書きと差戻し" in again.stderr
    listed = json.loads(run(url, "suzuki", "list", "--state", "discarded", "--format", "json").stdout)
    assert [row["id"] for row in listed] == [broken]
    shown = json.loads(run(url, "suzuki", "show", str(broken), "--format", "json").stdout)
    assert shown["state"] == "discarded" and shown["text"] == "申込はこちら https://bit.ly/abc"
