"""``sns-desk account request-doc``: the account request (開設申請書, 第4条第2項) as HTML and Word."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import docx
import pytest

from sns_desk.core.policy import ITEMS

from .runner import CliResult, sns_desk


def run(db: str, login: str, *args: str) -> CliResult:
    return sns_desk(db, login, *args)


FACTS = [
    "--platform", "x", "--name", "@hh_kosodate", "--url", "",
    "--department", "こども家庭課", "--display-name", "東広島市 子育て応援", "--manager-title", "こども家庭課長",
    "--hours", "平日 8時30分〜17時15分", "--contact", "082-420-0000",
    "--purpose", "子育て世帯への<b>情報</b>発信",
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


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def _docx_text(path: Path) -> tuple[str, list[str]]:
    document = docx.Document(str(path))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join(p.text for p in document.paragraphs), cells


def test_request_doc_writes_html_and_docx(db: str, tmp_path: Path) -> None:
    requested = run(db, "kacho", "account", "request", *FACTS)
    assert requested.returncode == 0, requested.stderr

    html_path = tmp_path / "request.html"
    done = run(db, "kacho", "account", "request-doc", "@hh_kosodate", "--format", "html", "--out", str(html_path))
    assert done.returncode == 0, done.stderr
    assert "開設申請書" in done.stdout and "申請中" in done.stdout
    html = html_path.read_text(encoding="utf-8")
    page = _Page()
    page.feed(html)
    text = "".join(page.parts)
    assert "ソーシャルメディア等公式アカウント開設申請書" in text
    for fact in ("X(旧Twitter)", "@hh_kosodate", "こども家庭課長", "開設後に記入", "082-420-0000", "別紙のとおり"):
        assert fact in text, fact
    assert "子育て世帯への<b>情報</b>発信" in text and "<b>" not in html and "script" not in page.tags
    for item in ITEMS:  # the policy template is the annex
        assert item.numbered_heading in text

    docx_path = tmp_path / "request.docx"
    done = run(db, "kacho", "account", "request-doc", "@hh_kosodate", "--format", "docx", "--out", str(docx_path))
    assert done.returncode == 0, done.stderr
    paragraphs, cells = _docx_text(docx_path)
    assert "ソーシャルメディア等公式アカウント開設申請書" in paragraphs
    for fact in ("X(旧Twitter)", "@hh_kosodate", "開設後に記入", "子育て世帯への<b>情報</b>発信", "082-420-0000"):
        assert fact in cells, fact
    assert cells[cells.index("承認番号") + 1] == ""

    # Once approved, the operations manager's box is filled in.
    assert run(db, "tanaka", "account", "approve", "@hh_kosodate", "--number", "広戦第12号").returncode == 0
    done = run(db, "kacho", "account", "request-doc", "@hh_kosodate", "--format", "docx", "--out", str(docx_path))
    assert done.returncode == 0, done.stderr
    _, cells = _docx_text(docx_path)
    assert cells[cells.index("承認番号") + 1] == "広戦第12号"


def test_request_doc_for_an_unknown_account_exits_2(db: str, tmp_path: Path) -> None:
    target = tmp_path / "none.html"
    done = run(db, "kacho", "account", "request-doc", "@nobody", "--format", "html", "--out", str(target))
    assert done.returncode == 2
    assert "@nobody" in done.stderr and "登録されていません" in done.stderr
    assert not target.exists()


def test_request_doc_needs_a_known_format(db: str, tmp_path: Path) -> None:
    done = run(db, "kacho", "account", "request-doc", "@x", "--format", "pdf", "--out", str(tmp_path / "x.pdf"))
    assert done.returncode == 2
