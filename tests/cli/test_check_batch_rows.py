"""Every bad line of a jsonl batch gets a Japanese reason; the good lines are still checked."""

from __future__ import annotations

import json

import pytest

from .runner import call

GOOD = {"id": "ok", "text": "パスワードはabc12345です"}


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("{", "JSON の書式の誤り"),
        ("[" * 100_000 + "]" * 100_000, "入れ子が深すぎます"),
        ('{"id": ' + "1" * 5000 + ', "text": "a"}', "桁数の多すぎる数"),
        (json.dumps({"text": "本文"}), "id と text(文字列)が必要です"),
        (json.dumps({"id": 1, "text": 5}), "id と text(文字列)が必要です"),
        (json.dumps({"id": 1, "text": "本文", "date": "2026-13-01"}), "YYYY-MM-DD"),
        (json.dumps({"id": 1, "text": "本文", "platforms": [1, 2]}), "投稿先の配列"),
        (json.dumps({"id": 1, "text": "本文", "platforms": ["nope"]}), "投稿先「nope」はルールブックにありません"),
    ],
)
def test_a_bad_line_is_named_with_its_reason_and_the_rest_is_checked(line: str, reason: str) -> None:
    batch = f"{line}\n{json.dumps(GOOD, ensure_ascii=False)}\n".encode()
    done = call("check", "--format", "jsonl", "-", stdin=batch)
    assert done.returncode == 2
    assert done.stderr.startswith("sns-desk check: 1 行目を読めません(") and reason in done.stderr
    assert "Traceback" not in done.stderr
    [result] = [json.loads(row) for row in done.stdout.splitlines()]
    assert result["id"] == "ok" and result["findings"][0]["rule"] == "security.credential"


def test_platforms_may_be_a_comma_separated_string() -> None:
    long_text = "あ" * 200  # over X's 280 weighted characters, well inside LINE's 5,000
    rows = [
        {"id": "x", "text": long_text, "platforms": "X"},
        {"id": "line", "text": long_text, "platforms": "line"},
    ]
    done = call("check", "--format", "jsonl", "-", stdin="\n".join(json.dumps(r) for r in rows).encode())
    assert done.returncode == 0, done.stderr
    rules = {r["id"]: [f["rule"] for f in r["findings"]] for r in map(json.loads, done.stdout.splitlines())}
    assert any("length" in rule for rule in rules["x"]) and not any("length" in rule for rule in rules["line"])
