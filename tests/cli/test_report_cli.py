"""``sns-desk report``: the monthly report from the command line in each format, who may make it, and the exit
codes of ../shared/cli.md (0 written, 1 refused by the rules, 2 usage, input or database), never a traceback."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import pytest
from pypdf import PdfReader

from sns_desk.core.checker import default_checker
from sns_desk.core.people import Role
from sns_desk.services.desk import DeskService
from sns_desk.storage import identity
from sns_desk.storage.database import open_database
from sns_desk.storage.models import PostedItemRow

from .runner import CliResult, sns_desk


def run(db: str, login: str, *args: str) -> CliResult:
    result = sns_desk(db, login, "report", *args)
    assert "Traceback" not in result.stderr
    return result


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """tanaka (operations manager) created the database; kacho manages @hh_koho, bucho @hh_kanko; suzuki is a
    drafter. @hh_koho has posts at 2026-11-30T15:30Z (December in Japan) and 2026-11-30T14:30Z (November),
    @hh_kanko one in December."""
    monkeypatch.setattr(identity, "os_login", lambda: "tanaka")
    url = f"sqlite:///{(tmp_path / 'desk.db').as_posix()}"
    with open_database(url) as database:
        ops = DeskService(database, default_checker, "tanaka")
        ops.set_role("kacho", Role.ACCOUNT_MANAGER)
        ops.set_role("bucho", Role.ACCOUNT_MANAGER)
        ops.set_role("suzuki", Role.DRAFTER)
        koho = ops.add_account("x", "@hh_koho", "https://x.com/hh_koho", "広報戦略担当", "kacho")
        kanko = ops.add_account("instagram", "@hh_kanko", "https://www.instagram.com/hh_kanko/", "観光振興課", "bucho")
        with database.session() as s:
            for n, (account, at) in enumerate(
                [
                    (koho.id, dt.datetime(2026, 11, 30, 15, 30, tzinfo=dt.UTC)),
                    (koho.id, dt.datetime(2026, 11, 30, 14, 30, tzinfo=dt.UTC)),
                    (kanko.id, dt.datetime(2026, 12, 20, 3, tzinfo=dt.UTC)),
                ]
            ):
                s.add(
                    PostedItemRow(
                        account_id=account,
                        platform="x" if account == koho.id else "instagram",
                        platform_id=str(n),
                        url=f"https://example.jp/{n}",
                        text=f"投稿 {n}",
                        author="",
                        source="x-archive",
                        posted_at=at,
                    )
                )
    return url


def _csv(path: Path) -> list[dict[str, str]]:
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    return list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"), newline="")))


def test_the_operations_manager_writes_every_format(db: str, tmp_path: Path) -> None:
    for fmt in ("html", "csv", "pdf"):
        out = tmp_path / f"report.{fmt}"
        result = run(db, "tanaka", "--month", "2026-12", "--format", fmt, "--out", str(out))
        assert result.returncode == 0, result.stderr
        assert result.stdout == (f"{out}: 2026年12月の月次報告を書き出しました(アカウント 2 件: @hh_kanko、@hh_koho)\n")
    rows = _csv(tmp_path / "report.csv")
    totals = {r["account"]: int(r["count"]) for r in rows if r["section"] == "posts" and r["key"] == "total"}
    assert totals == {"'@hh_kanko": 1, "'@hh_koho": 1}  # the post at 2026-11-30T15:30Z is December's
    html = (tmp_path / "report.html").read_text("utf-8")
    assert html.startswith("<!DOCTYPE html>") and '<g class="bar" data-label="12/1〜12/6" data-count="1">' in html
    text = "".join("".join(p.extract_text() for p in PdfReader(tmp_path / "report.pdf").pages).split())
    assert "SNS運用月次報告2026年12月" in text and "@hh_kanko" in text and "@hh_koho" in text


def test_one_account_and_the_month_before(db: str, tmp_path: Path) -> None:
    out = tmp_path / "koho-11.csv"
    result = run(db, "tanaka", "--month", "2026-11", "--account", "@hh_koho", "--format", "csv", "--out", str(out))
    assert result.returncode == 0, result.stderr
    rows = _csv(out)
    assert {r["account"] for r in rows} == {"", "'@hh_koho"}
    assert [int(r["count"]) for r in rows if r["section"] == "posts" and r["key"] == "total"] == [1]


def test_an_account_manager_reports_their_own_accounts(db: str, tmp_path: Path) -> None:
    out = tmp_path / "kacho.csv"
    result = run(db, "kacho", "--month", "2026-12", "--format", "csv", "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert {r["account"] for r in _csv(out)} == {"", "'@hh_koho"}
    refused = run(db, "kacho", "--month", "2026-12", "--account", "@hh_kanko", "--format", "csv", "--out", str(out))
    assert refused.returncode == 1
    assert refused.stderr.startswith("sns-desk report: アカウント「@hh_kanko」の月次報告を作れるのは")


def test_drafters_are_refused_with_exit_1(db: str, tmp_path: Path) -> None:
    out = tmp_path / "suzuki.html"
    refused = run(db, "suzuki", "--month", "2026-12", "--format", "html", "--out", str(out))
    assert refused.returncode == 1
    assert (
        refused.stderr == "sns-desk report: 月次報告を作れるのは運用管理者とアカウント管理者だけです(あなたは起案者)\n"
    )
    assert not out.exists()


@pytest.mark.parametrize(
    ("month", "said"),
    [
        ("2026-13", "月 13 はありません(01〜12 月)。YYYY-MM の形の年月(例 2026-12)を--month で指定してください"),
        ("2026/12", "「2026/12」は年月として読めません。YYYY-MM の形の年月(例 2026-12)を--month で指定してください"),
        ("12", "「12」は年月として読めません"),
        ("0000-01", "年 0000 は扱えません"),
    ],
)
def test_a_bad_month_is_exit_2_in_japanese(db: str, tmp_path: Path, month: str, said: str) -> None:
    out = tmp_path / "r.html"
    result = run(db, "tanaka", "--month", month, "--format", "html", "--out", str(out))
    assert result.returncode == 2
    assert result.stderr.startswith("sns-desk report: ") and said in result.stderr
    assert not out.exists()


def test_a_bad_month_opens_no_database(tmp_path: Path) -> None:
    url = f"sqlite:///{(tmp_path / 'never.db').as_posix()}"
    result = run(url, "tanaka", "--month", "2026-99", "--format", "csv", "--out", str(tmp_path / "r.csv"))
    assert result.returncode == 2 and not (tmp_path / "never.db").exists()


def test_usage_and_output_errors_are_exit_2(db: str, tmp_path: Path) -> None:
    missing = run(db, "tanaka", "--month", "2026-12", "--out", str(tmp_path / "r.html"))
    assert missing.returncode == 2 and "次の引数が必要です: --format" in missing.stderr
    docx = run(db, "tanaka", "--month", "2026-12", "--format", "docx", "--out", str(tmp_path / "r.docx"))
    assert docx.returncode == 2 and "選べない値" in docx.stderr
    unknown = run(
        db, "tanaka", "--month", "2026-12", "--account", "@nowhere", "--format", "csv", "--out", str(tmp_path / "r.csv")
    )
    assert unknown.returncode == 2
    assert (
        "アカウント「@nowhere」は登録されていません。台帳にあるアカウント名を--account で指定してください"
        in unknown.stderr
    )
    folder = run(db, "tanaka", "--month", "2026-12", "--format", "csv", "--out", str(tmp_path))
    assert folder.returncode == 2 and "はフォルダです" in folder.stderr
    nowhere = run(db, "tanaka", "--month", "2026-12", "--format", "csv", "--out", str(tmp_path / "no" / "r.csv"))
    assert nowhere.returncode == 2 and f"保存先のフォルダ「{tmp_path / 'no'}」がありません" in nowhere.stderr
    assert sorted(p.name for p in tmp_path.iterdir() if not p.name.startswith("desk.db")) == []


def test_a_broken_rulebook_is_named(db: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    broken = tmp_path / "rules.yaml"
    broken.write_text("version: [\n", encoding="utf-8")
    monkeypatch.setenv("SNS_DESK_RULEBOOK", str(broken))
    result = run(db, "tanaka", "--month", "2026-12", "--format", "csv", "--out", str(tmp_path / "r.csv"))
    assert result.returncode == 2 and "rules.yaml" in result.stderr
