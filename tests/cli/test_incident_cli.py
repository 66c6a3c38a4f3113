"""``sns-desk incident``: report, steps, evidence, texts and closing from the command line, with the exit codes
of ../shared/cli.md (0 done, 1 refused by the rules, 2 usage, input or database) and never a traceback."""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path

import pytest
from PIL import Image

from sns_desk.core.checker import default_checker
from sns_desk.core.incidents.catalog import default_directory
from sns_desk.core.people import Role
from sns_desk.services.desk import DeskService
from sns_desk.storage import identity
from sns_desk.storage.database import open_database

from .runner import CliResult, sns_desk


def run(db: str, login: str, *args: str) -> CliResult:
    result = sns_desk(db, login, "incident", *args)
    assert "Traceback" not in result.stderr
    return result


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """tanaka (operations manager) created the database; kacho manages @hh_koho (in operation);
    suzuki and sato are drafters."""
    monkeypatch.setattr(identity, "os_login", lambda: "tanaka")
    url = f"sqlite:///{(tmp_path / 'desk.db').as_posix()}"
    with open_database(url) as database:
        ops = DeskService(database, default_checker, "tanaka")
        ops.set_role("kacho", Role.ACCOUNT_MANAGER)
        ops.set_role("sato", Role.DRAFTER)
        ops.add_account("x", "@hh_koho", "https://x.com/hh_koho", "広報戦略担当", "kacho")
    return url


def _open(db: str, kind: str = "impersonation") -> int:
    opened = run(db, "suzuki", "open", "--account", "@hh_koho", "--kind", kind, "--description", "偽アカウントがある",
                 "--found-at", "2026-12-01T09:30")  # fmt: skip
    assert opened.returncode == 0, opened.stderr
    assert opened.stdout.startswith("事案 1 を受け付けました(")
    return 1


def _show(db: str, login: str, incident_id: int) -> dict[str, object]:
    shown = run(db, login, "show", str(incident_id), "--format", "json")
    assert shown.returncode == 0, shown.stderr
    body: dict[str, object] = json.loads(shown.stdout)
    return body


def test_a_drafter_reports_and_the_people_concerned_see_it(db: str) -> None:
    incident_id = _open(db)
    shown = _show(db, "kacho", incident_id)
    assert (shown["kind"], shown["status"], shown["reported_by"]) == ("impersonation", "open", "suzuki")
    assert shown["found_at"] == "2026-12-01T00:30:00+00:00" and shown["found_at_jst"] == "2026年12月01日 09:30"
    steps = shown["steps"]
    assert isinstance(steps, list) and steps[0]["id"] == "report" and steps[0]["status"] == "open"
    listed = run(db, "tanaka", "list")
    assert listed.returncode == 0 and listed.stdout.startswith(
        "1\t対応中\tなりすまし\t@hh_koho\t2026年12月01日 09:30\t残り 7/7"
    )
    assert json.loads(run(db, "suzuki", "list", "--format", "json").stdout)[0]["id"] == incident_id
    assert run(db, "sato", "list").stdout == "見られる事案はありません\n"
    refused = run(db, "sato", "show", str(incident_id))
    assert refused.returncode == 1 and "報告した人、アカウント「@hh_koho」の管理者と運用管理者だけ" in refused.stderr
    text = run(db, "suzuki", "show", str(incident_id))
    assert "[  ] report  運用管理者(広報戦略担当)へ報告する  必須  第8条第1項" in text.stdout
    assert "経過(日本時間):" in text.stdout and "報告(受付)" in text.stdout


def test_steps_and_closing_with_the_exit_codes(db: str) -> None:
    incident_id = _open(db, "mistake")
    drafter = run(db, "suzuki", "step", str(incident_id), "report")
    assert drafter.returncode == 1 and "管理者か運用管理者です(あなたは起案者)" in drafter.stderr
    required = run(db, "kacho", "step", str(incident_id), "link_post", "--not-needed", "不要")
    assert required.returncode == 1 and "必須のため、不要にはできません" in required.stderr
    unknown = run(db, "kacho", "step", str(incident_id), "nope")
    assert unknown.returncode == 1 and "手順「nope」はありません" in unknown.stderr
    done = run(db, "kacho", "step", str(incident_id), "link_post", "--note", "投稿 12 を紐づけ")
    assert done.returncode == 0 and "を済みにしました。残りの手順 5 件" in done.stdout

    refused = run(db, "kacho", "close", str(incident_id))
    assert refused.returncode == 1
    assert "次の手順が済んでいないため、事案 1 を終了できません" in refused.stderr
    assert "「訂正(必要に応じてお詫び)の投稿をする」(必須)" in refused.stderr
    assert "「運用管理者(広報戦略担当)へ報告する」(要否が未判断)" in refused.stderr

    for step in ("confirm_facts", "correction_post"):
        assert run(db, "kacho", "step", str(incident_id), step).returncode == 0
    for step in ("original_post", "other_media"):
        assert run(db, "tanaka", "step", str(incident_id), step, "--not-needed", "当てはまらない").returncode == 0
    last = run(db, "kacho", "step", str(incident_id), "report", "--not-needed", "影響が小さい")
    assert "手順はすべて済みです(sns-desk incident close 1 で終了)" in last.stdout
    assert run(db, "suzuki", "close", str(incident_id)).returncode == 1
    closed = run(db, "kacho", "close", str(incident_id), "--summary", "訂正を投稿した")
    assert closed.returncode == 0 and closed.stdout == "事案 1 を終了しました\n"
    assert run(db, "kacho", "list").stdout == "見られる事案はありません\n"
    assert run(db, "kacho", "list", "--all").stdout.startswith("1\t終了\t誤投稿")
    late = run(db, "suzuki", "note", str(incident_id), "その後")
    assert late.returncode == 1 and "終了" in late.stderr


def test_evidence_url_file_and_archive_item(db: str, tmp_path: Path) -> None:
    incident_id = _open(db)
    note = run(db, "suzuki", "note", str(incident_id), "フォロワーが増えている")
    assert note.returncode == 0 and note.stdout == "事案 1: 経過を記録しました\n"
    url = run(db, "suzuki", "evidence", str(incident_id), "--url", "https://x.com/hh_koho_jp", "--note", "偽物")
    assert url.returncode == 0 and "証拠 1 を追加しました(URL: https://x.com/hh_koho_jp)" in url.stdout
    shot = tmp_path / "shot.png"
    buffer = io.BytesIO()
    Image.new("RGB", (30, 20), (0, 90, 200)).save(buffer, "PNG")
    shot.write_bytes(buffer.getvalue())
    added = run(db, "suzuki", "evidence", str(incident_id), "--file", str(shot))
    assert added.returncode == 0 and "証拠 2 を追加しました(画面の記録: shot.png(PNG、" in added.stdout
    evidence = _show(db, "kacho", incident_id)["evidence"]
    assert isinstance(evidence, list)
    media = tmp_path / "desk.media"  # next to the SQLite file: the desk's media store
    assert (media / evidence[1]["sha256"][:2] / evidence[1]["sha256"]).read_bytes() == shot.read_bytes()

    text_file = tmp_path / "memo.txt"
    text_file.write_text("画像ではありません", encoding="utf-8")
    for args, message in (
        (("--file", str(text_file)), "画像"),
        (("--file", str(tmp_path / "missing.png")), "見つかりません"),
        (("--file", str(tmp_path)), "フォルダです"),
        (("--item", "77"), "アーカイブに投稿 77 はありません"),
        (("--url", "hh_koho_jp"), "http:// か https://"),
    ):
        bad = run(db, "suzuki", "evidence", str(incident_id), *args)
        assert bad.returncode in (1, 2) and message in bad.stderr, (args, bad.stderr)
    assert run(db, "suzuki", "evidence", str(incident_id), "--item", "77").returncode == 2
    assert run(db, "suzuki", "evidence", str(incident_id), "--url", "x").returncode == 1
    both = run(db, "suzuki", "evidence", str(incident_id), "--url", "https://a.example", "--item", "1")
    assert both.returncode == 2


def test_texts_and_drafts(db: str) -> None:
    incident_id = _open(db)
    preview = run(db, "suzuki", "text", str(incident_id), "notice")
    assert preview.returncode == 0 and preview.stdout.startswith(
        "東広島市の公式アカウントを装った偽のアカウントにご注意ください"
    )
    made = run(db, "suzuki", "draft", str(incident_id), "post")
    assert made.returncode == 0, made.stderr
    draft_id = int(made.stdout.strip())
    shown = json.loads(sns_desk(db, "suzuki", "draft", "show", str(draft_id), "--format", "json").stdout)
    assert shown["author"] == "suzuki" and shown["title"] == "事案 1: 公式アカウントでの注意の呼びかけ(なりすまし)"
    assert shown["platforms"] == ["x"] and "このアカウントを装った偽のアカウント" in shown["text"]
    drafts = _show(db, "kacho", incident_id)["drafts"]
    assert drafts == [{"draft_id": draft_id, "text": "post", "by": "suzuki", "at": drafts[0]["at"]}]  # type: ignore[index]
    missing = run(db, "suzuki", "draft", str(incident_id), "press", "--message", "広く注意を")
    assert missing.returncode == 0  # impersonation has a press text
    mistake = _open_second(db)
    refused = run(db, "suzuki", "draft", str(mistake), "press")
    assert refused.returncode == 1 and "誤投稿の事案には「報道機関への情報提供」の文案がありません" in refused.stderr


def _open_second(db: str) -> int:
    opened = run(db, "suzuki", "open", "--account", "@hh_koho", "--kind", "mistake", "--description", "日付の誤り")
    assert opened.returncode == 0
    return int(opened.stdout.split()[1])


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("open", "--account", "@hh_koho", "--kind", "hack", "--description", "x"), "選べない値"),
        (
            ("open", "--account", "@nope", "--kind", "other", "--description", "x"),
            "アカウント「@nope」は登録されていません",
        ),
        (
            ("open", "--account", "@hh_koho", "--kind", "other", "--description", "x", "--found-at", "きのう"),
            "ISO 8601",
        ),
        (("show", "42"), "事案 42 は見つかりません"),
        (("step", "42", "report"), "事案 42 は見つかりません"),
        (("show", "abc"), "整数ではない値"),
        (("draft", "1", "tweet"), "選べない値"),
    ],
)
def test_usage_and_bad_input_exit_2(db: str, args: tuple[str, ...], message: str) -> None:
    result = run(db, "suzuki", *args)
    assert result.returncode == 2 and message in result.stderr


def test_a_future_found_at_is_refused(db: str) -> None:
    future = run(db, "suzuki", "open", "--account", "@hh_koho", "--kind", "other", "--description", "x",
                 "--found-at", "2999-01-01T00:00")  # fmt: skip
    assert future.returncode == 1 and "未来" in future.stderr


def test_kinds_lists_the_checklists_and_names_a_broken_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, db: str
) -> None:
    listed = run(db, "tanaka", "kinds", "--format", "json")
    kinds = {k["kind"]: k for k in json.loads(listed.stdout)["kinds"]}
    assert set(kinds) == {"impersonation", "takeover", "flaming", "mistake", "other"}
    assert kinds["takeover"]["label"] == "乗っ取り・不正アクセス" and kinds["flaming"]["article"] == "第8条第2項"
    copy = tmp_path / "edited"
    shutil.copytree(default_directory(), copy)
    path = copy / "flaming.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("required: true", "required: maybe", 1), encoding="utf-8")
    monkeypatch.setenv("SNS_DESK_INCIDENTS", str(copy))
    broken = run(db, "tanaka", "kinds")
    assert broken.returncode == 2
    assert f"{path} の " in broken.stderr and "必須かどうか(required)を true か false で書いてください" in broken.stderr
    refused = run(db, "suzuki", "open", "--account", "@hh_koho", "--kind", "flaming", "--description", "x")
    assert refused.returncode == 2 and "事案のチェックリストを読み込めません" in refused.stderr


def test_kinds_needs_no_database(tmp_path: Path) -> None:
    missing = sns_desk(f"sqlite:///{(tmp_path / 'none.db').as_posix()}", "tanaka", "incident", "kinds", create=False)
    assert missing.returncode == 0 and "takeover: 乗っ取り・不正アクセス、第8条第1項" in missing.stdout
    assert not (tmp_path / "none.db").exists()
