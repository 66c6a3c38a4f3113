"""Hostile input through a real ``sns-desk`` process: exit 2 and a Japanese message, never a traceback.

A real process has the interpreter's real recursion limit and C stack, which the in-process tests share
with pytest; one process per case, so this file stays small.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from .runner import spawn

DEEP = "[" * 100_000 + "]" * 100_000


def test_check_jsonl_with_lines_nested_100000_deep() -> None:
    lines = [
        DEEP,
        '{"id": 1, "text": ' + "[" * 100_000,
        '{"id": 2, "text": "a", "x": ' + DEEP + "}",
        '{"id": 3, "text": "a", "n": ' + "1" * 100_000 + "}",
        json.dumps({"id": "ok", "text": "図書館で冬のおはなし会を開催します。"}, ensure_ascii=False),
    ]
    done = spawn("check", "--format", "jsonl", "-", stdin="\n".join(lines).encode())
    assert done.returncode == 2  # bad input (cli.md), the good line still checked
    assert "Traceback" not in done.stderr and "RecursionError" not in done.stderr
    said = done.stderr.splitlines()
    assert said[:3] == [f"sns-desk check: {n} 行目を読めません(JSON の入れ子が深すぎます)" for n in (1, 2, 3)]
    assert said[3].startswith("sns-desk check: 4 行目を読めません(") and "桁数の多すぎる数" in said[3]
    assert [json.loads(line)["id"] for line in done.stdout.splitlines()] == ["ok"]


@pytest.mark.parametrize(
    ("files", "said"),
    [
        ({"outbox.json": '{"orderedItems": ' + DEEP + "}"}, "入れ子が深すぎます"),
        ({"posts/your_posts_1.json": '[{"timestamp": ' + "1" * 100_000 + "}]"}, "桁数が多すぎて読めない数"),
        ({"outbox.json": '{"orderedItems": [{"type": "Create", "summary": "東広島"}]}'.encode("cp932")}, "UTF-8"),
    ],
    ids=["deep-outbox", "huge-number-facebook", "cp932-outbox"],
)
def test_archive_import_of_hostile_json(tmp_path: Path, files: dict[str, str | bytes], said: str) -> None:
    export = tmp_path / "export.zip"
    with zipfile.ZipFile(export, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    db = f"sqlite:///{(tmp_path / 'archive.db').as_posix()}"
    done = spawn("--db", db, "archive", "import", str(export), "--account", "city")
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr and said in done.stderr
    assert done.stderr.startswith("sns-desk archive: ") and "「" in done.stderr
