"""``sns-desk account`` and ``sns-desk policy`` as agreed in cli.md: registry, lifecycle, policy outputs."""

from __future__ import annotations

import json
from html.parser import HTMLParser
from pathlib import Path

import docx
import pypdf
import pytest

from sns_desk.core.policy import ITEMS, Policy, policy_to_json

from .runner import CliResult, sns_desk


def run(db: str, login: str, *args: str) -> CliResult:
    return sns_desk(db, login, *args)


FACTS = [
    "--platform", "x", "--name", "@hh_kosodate", "--url", "https://x.com/hh_kosodate",
    "--department", "こども家庭課", "--display-name", "東広島市 子育て応援", "--manager-title", "こども家庭課長",
    "--hours", "平日 8時30分〜17時15分", "--contact", "082-420-0000",
]  # fmt: skip


@pytest.fixture
def db(tmp_path: Path) -> str:
    url = f"sqlite:///{(tmp_path / 'registry.db').as_posix()}"
    assert run(url, "tanaka", "account", "list").returncode == 0  # tanaka creates it: operations manager
    from sns_desk.core.checker import default_checker
    from sns_desk.core.people import Role
    from sns_desk.services.desk import DeskService
    from sns_desk.storage.database import open_database

    with open_database(url) as database:
        DeskService(database, default_checker, "tanaka").set_role("kacho", Role.ACCOUNT_MANAGER)
    return url


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.tags: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def test_request_to_operation_and_every_output(db: str, tmp_path: Path) -> None:
    requested = run(db, "kacho", "account", "request", *FACTS, "--purpose", "子育て世帯への情報発信")
    assert requested.returncode == 0, requested.stderr
    assert "申請中" in requested.stdout
    refused = run(db, "kacho", "account", "approve", "@hh_kosodate", "--number", "広戦第12号")
    assert refused.returncode == 2 and "運用管理者" in refused.stderr
    assert run(db, "tanaka", "account", "approve", "@hh_kosodate", "--number", "広戦第12号").returncode == 0
    not_yet = run(db, "kacho", "account", "start", "@hh_kosodate")
    assert not_yet.returncode == 2 and "第4条第4項" in not_yet.stderr

    # A policy renders from the template before anything is saved.
    for fmt in ("html", "pdf", "docx"):
        out = tmp_path / f"policy.{fmt}"
        done = run(db, "kacho", "policy", "render", "@hh_kosodate", "--format", fmt, "--out", str(out))
        assert done.returncode == 0, done.stderr
    parser = _Text()
    parser.feed((tmp_path / "policy.html").read_text(encoding="utf-8"))
    html_text = "".join(parser.parts)
    pdf_text = "".join(page.extract_text() for page in pypdf.PdfReader(tmp_path / "policy.pdf").pages)
    docx_text = "\n".join(p.text for p in docx.Document(str(tmp_path / "policy.docx")).paragraphs)
    for text in (html_text, pdf_text.replace("\n", ""), docx_text):
        for item in ITEMS:
            assert item.heading.replace("\n", "") in text.replace(" ", "") or item.heading in text, item.heading
        for fact in ("https://x.com/hh_kosodate", "こども家庭課長", "082-420-0000"):
            assert fact in text.replace("\n", "")
    assert "script" not in parser.tags

    fragment = tmp_path / "fragment.html"
    run(db, "kacho", "policy", "render", "@hh_kosodate", "--format", "html", "--fragment", "--out", str(fragment))
    assert fragment.read_text(encoding="utf-8").lstrip().startswith("<section")

    # Save the template as version 1, approve, publish, then operate.
    policy_json = tmp_path / "policy.json"
    from sns_desk.services.registry import RegistryService
    from sns_desk.storage.database import open_database

    with open_database(db) as database:
        policy_json.write_text(policy_to_json(RegistryService(database, "kacho").policy("@hh_kosodate")[0]), "utf-8")
    assert "第 1 版" in run(db, "kacho", "policy", "save", "@hh_kosodate", "--from", str(policy_json)).stdout
    assert run(db, "kacho", "policy", "check", "@hh_kosodate").returncode == 0
    assert run(db, "kacho", "policy", "approve", "@hh_kosodate", "--version", "1").returncode == 0
    published = run(db, "kacho", "policy", "publish", "@hh_kosodate", "--version", "1", "--date", "2026-04-10")
    assert "2026年04月10日" in published.stdout
    assert "運用中" in run(db, "kacho", "account", "start", "@hh_kosodate").stdout
    listed = json.loads(run(db, "suzuki", "account", "list", "--format", "json").stdout)
    assert listed[0]["status"] == "active" and listed[0]["approval_number"] == "広戦第12号"
    run(db, "kacho", "policy", "render", "@hh_kosodate", "--format", "html", "--out", str(tmp_path / "p.html"))
    assert "2026年4月10日" in (tmp_path / "p.html").read_text(encoding="utf-8")


def test_check_names_the_item_and_exits_1(db: str, tmp_path: Path) -> None:
    assert run(db, "tanaka", "account", "add", *FACTS, "--manager", "kacho").returncode == 0
    broken = Policy("利用方針", {"platform": "X を使います", "purpose": "〇〇のため"})
    source = tmp_path / "broken.json"
    source.write_text(policy_to_json(broken), encoding="utf-8")
    saved = run(db, "kacho", "policy", "save", "@hh_kosodate", "--from", str(source))
    assert saved.returncode == 0, saved.stderr
    checked = run(db, "kacho", "policy", "check", "@hh_kosodate")
    assert checked.returncode == 1
    assert "情報発信を行う内容" in checked.stdout and "〇〇" in checked.stdout
    refused = run(db, "kacho", "policy", "approve", "@hh_kosodate", "--version", "1")
    assert refused.returncode == 2 and "承認できません" in refused.stderr


def test_usage_errors(db: str, tmp_path: Path) -> None:
    missing = run(db, "tanaka", "account", "add", "--platform", "x", "--name", "a")
    assert missing.returncode == 2 and "必要" in missing.stderr
    bad_date = run(db, "tanaka", "account", "add", *FACTS, "--manager", "kacho", "--approved-on", "4/1")
    assert bad_date.returncode == 2 and "YYYY-MM-DD" in bad_date.stderr
    not_json = tmp_path / "x.json"
    not_json.write_text("{", encoding="utf-8")
    assert run(db, "tanaka", "account", "add", *FACTS, "--manager", "kacho").returncode == 0
    bad = run(db, "kacho", "policy", "save", "@hh_kosodate", "--from", str(not_json))
    assert bad.returncode == 2 and "Traceback" not in bad.stderr
