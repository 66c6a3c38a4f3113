"""``sns-desk moderation`` and the correction links of ``sns-desk archive``/``draft posted`` (第9条), in-process,
with the exit codes of ../shared/cli.md (0 done, 1 refused by the rules, 2 usage or input), never a traceback."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from sns_desk.core.checker import default_checker
from sns_desk.core.people import Role
from sns_desk.services.desk import DeskService
from sns_desk.storage import identity
from sns_desk.storage.database import open_database
from sns_desk.storage.models import PostedItemRow

from .runner import CliResult, sns_desk

T0 = dt.datetime(2026, 11, 2, 1, 0, tzinfo=dt.UTC)


def run(db: str, login: str, *args: str) -> CliResult:
    result = sns_desk(db, login, *args)
    assert "Traceback" not in result.stderr
    return result


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """tanaka (operations manager) created the database; kacho manages @hh_koho; suzuki drafts; two imported
    posts (ids 1 and 2), the second a correction of the first."""
    monkeypatch.setattr(identity, "os_login", lambda: "tanaka")
    url = f"sqlite:///{(tmp_path / 'desk.db').as_posix()}"
    with open_database(url) as database:
        ops = DeskService(database, default_checker, "tanaka")
        ops.set_role("kacho", Role.ACCOUNT_MANAGER)
        ops.set_role("suzuki", Role.DRAFTER)
        account = ops.add_account("x", "@hh_koho", "https://x.com/hh_koho", "広報戦略担当", "kacho")
        with database.session() as s:
            for n, text in enumerate(("花火大会は 8月3日(土)です", "【訂正】花火大会は 8月2日(土)です")):
                s.add(
                    PostedItemRow(
                        account_id=account.id, platform="x", platform_id=str(10 + n), url=f"https://x.com/hh/status/{n}",
                        text=text, author="", source="x-archive", posted_at=T0 + dt.timedelta(hours=n),
                    )
                )  # fmt: skip
    return url


def test_link_a_correction_afterwards_and_see_both_ways(db: str) -> None:
    refused = run(db, "suzuki", "archive", "link-correction", "1", "2")
    assert refused.returncode == 1 and "管理者と運用管理者" in refused.stderr
    assert run(db, "kacho", "archive", "link-correction", "2", "1").returncode == 1  # older than the original
    assert run(db, "kacho", "archive", "link-correction", "1", "99").returncode == 2
    assert run(db, "kacho", "archive", "link-correction", "1").returncode == 2
    linked = run(db, "kacho", "archive", "link-correction", "1", "2")
    assert linked.returncode == 0, linked.stderr
    assert "投稿 2 を投稿 1 の訂正として記録しました" in linked.stdout
    assert run(db, "kacho", "archive", "link-correction", "1", "2").returncode == 1  # already

    shown = json.loads(run(db, "suzuki", "archive", "show", "1", "--format", "json").stdout)
    assert shown["corrected"] is True and [p["id"] for p in shown["corrected_by"]] == [2] and shown["corrects"] is None
    back = json.loads(run(db, "suzuki", "archive", "show", "2", "--format", "json").stdout)
    assert back["corrects"]["id"] == 1 and back["corrected"] is False
    text = run(db, "suzuki", "archive", "show", "1").stdout
    assert "【訂正済み】" in text and "原文 → 訂正: #2" in text
    assert "訂正 → 原文: #1" in run(db, "suzuki", "archive", "show", "2").stdout
    assert run(db, "suzuki", "archive", "show", "99").returncode == 2

    found = json.loads(run(db, "suzuki", "archive", "search", "花火大会", "--format", "json").stdout)
    by_id = {item["id"]: item for item in found["items"]}
    assert (by_id[1]["corrected"], by_id[1]["corrected_by"], by_id[2]["corrects_id"]) == (True, [2], 1)
    listing = run(db, "suzuki", "archive", "search", "花火大会").stdout
    assert "【訂正済み → #2】" in listing and "【#1 の訂正】" in listing

    audit = run(db, "tanaka", "audit", "export", "--out", str(Path(db.removeprefix("sqlite:///")).with_suffix(".csv")))
    assert audit.returncode == 0


def test_draft_posted_with_the_original(db: str) -> None:
    with open_database(db) as database:
        suzuki = DeskService(database, default_checker, "suzuki")
        draft = suzuki.create_draft(1, text="【おわび】花火大会の日付に誤りがありました。正しくは8月2日(土)です。")
        for finding in suzuki.check(draft):
            draft = suzuki.acknowledge(draft.id, finding, "訂正の投稿のため")
        suzuki.submit(draft.id)
        DeskService(database, default_checker, "kacho").approve(draft.id)
    posted = run(db, "suzuki", "draft", "posted", str(draft.id), "--url", "https://x.com/hh_koho/status/77",
                 "--at", "2026-11-02T12:00+09:00", "--corrects", "1")  # fmt: skip
    assert posted.returncode == 0, posted.stderr
    assert "アーカイブの投稿 1 の訂正として記録しました" in posted.stdout
    shown = json.loads(run(db, "suzuki", "archive", "show", "1", "--format", "json").stdout)
    assert [p["url"] for p in shown["corrected_by"]] == ["https://x.com/hh_koho/status/77"]


def test_moderation_add_and_list(db: str) -> None:
    args = ("moderation", "add", "--account", "@hh_koho", "--action", "delete", "--author", "@troll",
            "--text", "ひどい言葉", "--item", "user_rules", "--reason", "誹謗中傷",
            "--at", "2026-11-05T10:00", "--posted-at", "2026-11-05T09:00",
            "--url", "https://x.com/troll/status/9")  # fmt: skip
    refused = run(db, "suzuki", *args)
    assert refused.returncode == 1 and "起案者は記録できません" in refused.stderr
    bad_item = run(db, "kacho", *[a if a != "user_rules" else "rule6" for a in args])
    assert bad_item.returncode == 2 and "--item で指定してください" in bad_item.stderr
    bad_time = run(db, "kacho", *[a if a != "2026-11-05T10:00" else "昨日" for a in args])
    assert bad_time.returncode == 2 and "--at" in bad_time.stderr
    assert run(db, "kacho", "moderation", "add", "--account", "@hh_koho").returncode == 2
    added = run(db, "kacho", *args)
    assert added.returncode == 0, added.stderr
    assert added.stdout == "記録 1: @hh_koho のコメントを削除として記録しました\n"
    fixed = run(db, "tanaka", *[a if a != "delete" else "hide" for a in args], "--supersedes", "1")
    assert fixed.returncode == 0, fixed.stderr
    assert run(db, "tanaka", *args, "--supersedes", "1").returncode == 1  # superseded already

    listed = json.loads(run(db, "kacho", "moderation", "list", "--format", "json").stdout)
    assert [(e["id"], e["action"], e["superseded_by"], e["stands"]) for e in listed] == [
        (1, "delete", 2, False), (2, "hide", None, True),
    ]  # fmt: skip
    first = listed[0]
    assert (first["recorded_by"], first["acted_at"], first["commented_at"]) == (
        "kacho", "2026-11-05T01:00:00+00:00", "2026-11-05T00:00:00+00:00",
    )  # fmt: skip
    assert first["policy_label"] == "第4条第4項第6号『利用者の遵守事項』" and first["policy_version"] == 1
    text = run(db, "kacho", "moderation", "list", "--account", "@hh_koho", "--month", "2026-11").stdout
    assert "削除" in text and "記録 2 で訂正済み" in text and text.endswith("2 件\n")
    assert run(db, "kacho", "moderation", "list", "--month", "2026-12").stdout == "0 件\n"
    assert run(db, "kacho", "moderation", "list", "--month", "2026-13").returncode == 2
    denied = run(db, "suzuki", "moderation", "list", "--account", "@hh_koho")
    assert denied.returncode == 1
    retracted = run(db, "kacho", "moderation", "retract", "2", "--reason", "別の人のコメントだった")
    assert retracted.returncode == 0, retracted.stderr
    assert run(db, "kacho", "moderation", "retract", "99", "--reason", "x").returncode == 2
    after = json.loads(run(db, "kacho", "moderation", "list", "--format", "json").stdout)
    assert [e["stands"] for e in after] == [False, False, False]
