"""``sns-desk check``: formats, exit codes and bad input (../shared/cli.md)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from .runner import CliResult, call


def run(*args: str, stdin: bytes = b"") -> CliResult:
    return call(*args, stdin=stdin)


def test_version() -> None:
    result = run("--version")
    assert result.returncode == 0
    assert result.stdout.strip().startswith("sns-desk ")


def test_clean_text_exits_zero() -> None:
    result = run("check", "-", stdin="図書館で冬のおはなし会を開催します。参加無料です。".encode())
    assert result.returncode == 0, result.stderr
    assert "エラー 0 件、警告 0 件" in result.stdout


def test_error_exits_one_with_compiler_style_line(tmp_path: Path) -> None:
    post = tmp_path / "post.txt"
    post.write_text("お知らせです。\n申込はこちら https://bit.ly/abc123 まで", encoding="utf-8")
    result = run("check", str(post))
    assert result.returncode == 1
    first = result.stdout.splitlines()[0]
    assert first.startswith(f"{post}:2:8: エラー: ")
    assert "[link.shortener, 第9条第2項(URL短縮)]" in first
    assert "^~~~" in result.stdout


def test_warning_only_exits_zero() -> None:
    result = run("check", "-", stdin="駅前に新しい施設ができるらしいです。".encode())
    assert result.returncode == 0
    assert "警告" in result.stdout and "rumour.hearsay" in result.stdout


def test_json_follows_the_contract() -> None:
    text = "😀パスワードはabc12345です"
    result = run("check", "--format", "json", "-", stdin=text.encode())
    assert result.returncode == 1
    data = json.loads(result.stdout)
    (finding,) = data["findings"]
    assert set(finding) >= {"rule", "article", "severity", "start", "end", "message"}
    assert finding["article"] == "7-5" and finding["severity"] == "error"
    assert text[finding["start"] : finding["end"]] == "パスワードはabc12345"


def test_jsonl_batch_keeps_ids_and_uses_each_date() -> None:
    rows = [
        {"id": "a", "text": "12月5日(金)に開催します。", "date": "2026-11-20"},
        {"id": 7, "text": "12月5日(金)に開催します。", "date": "2025-11-20"},
        {"id": "c", "text": "ふつうのお知らせです。"},
    ]
    feed = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows).encode()
    result = run("check", "--format", "jsonl", stdin=feed)
    assert result.returncode == 0, result.stderr
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert [o["id"] for o in out] == ["a", 7, "c"]
    assert [f["article"] for f in out[0]["findings"]] == ["6-6"]  # 2026-12-05 is a Saturday
    assert out[1]["findings"] == []  # 2025-12-05 is a Friday
    assert out[2]["findings"] == []


def test_jsonl_bad_line_is_reported_and_the_rest_still_checked() -> None:
    feed = b'{"id": "ok", "text": "\xe3\x81\x82"}\n{not json}\n'
    result = run("check", "--format", "jsonl", stdin=feed)
    assert result.returncode == 2
    assert "2 行目を読めません" in result.stderr
    assert json.loads(result.stdout.splitlines()[0])["id"] == "ok"


def test_platform_length_is_checked_per_platform() -> None:
    text = ("あ" * 141).encode()
    assert run("check", "--platform", "x", "-", stdin=text).returncode == 1
    assert run("check", "--platform", "bluesky", "-", stdin=text).returncode == 0


@pytest.mark.parametrize(
    ("payload", "expected"),
    [
        ("お知らせ".encode("cp932"), "UTF-8 ではありません"),
        (b"", "空です"),
        (b"   \n", "空です"),
        (b"abc\x00def", "NUL"),
    ],
)
def test_bad_input_gets_a_japanese_message_and_exit_two(payload: bytes, expected: str) -> None:
    result = run("check", "-", stdin=payload)
    assert result.returncode == 2
    assert expected in result.stderr
    assert "Traceback" not in result.stderr


def test_huge_file_is_refused(tmp_path: Path) -> None:
    big = tmp_path / "big.txt"
    big.write_bytes("あ".encode() * (5 * 1024 * 1024 // 3))
    result = run("check", str(big))
    assert result.returncode == 2
    assert "大きすぎます" in result.stderr and "Traceback" not in result.stderr


def test_missing_file_and_unknown_platform() -> None:
    missing = run("check", "no-such-file.txt")
    assert missing.returncode == 2 and "見つかりません" in missing.stderr
    unknown = run("check", "--platform", "myspace", "-", stdin="テスト".encode())
    assert unknown.returncode == 2 and "myspace" in unknown.stderr


def test_control_emoji_and_combining_characters_are_handled() -> None:
    text = "\x07お知らせ👨‍👩‍👧 か\u3099っこう 2026年12月5日(金)"
    result = run("check", "--format", "json", "-", stdin=text.encode())
    assert result.returncode == 1
    assert "制御文字が 1 個" in result.stderr
    (finding,) = json.loads(result.stdout)["findings"]
    assert text[finding["start"] : finding["end"]] == "2026年12月5日(金)"


def test_usage_error_is_japanese() -> None:
    result = run("check", "--format", "xml")
    assert result.returncode == 2
    assert "エラー" in result.stderr


def test_broken_rulebook_names_file_and_line(tmp_path: Path) -> None:
    book = tmp_path / "rules.yaml"
    book.write_text("version: '1'\nrules:\n  - id: a\n    article: '99-1'\n", encoding="utf-8")
    result = run("check", "--rulebook", str(book), "-", stdin="テスト".encode())
    assert result.returncode == 2
    assert str(book) in result.stderr and "4 行目" in result.stderr


def test_jsonl_line_with_a_huge_text_is_reported_not_silently_passed() -> None:
    rows = [{"id": "big", "text": "あ" * (1024 * 1024 + 1)}, {"id": "small", "text": "テスト"}]
    feed = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows).encode()
    result = run("check", "--format", "jsonl", stdin=feed)
    assert result.returncode == 2
    assert "1 行目の text が大きすぎます" in result.stderr
    assert [json.loads(line)["id"] for line in result.stdout.splitlines()] == ["small"]


def test_a_deletion_fix_is_shown_as_such() -> None:
    result = run("check", "-", stdin="担当者の携帯090-1234-5678までどうぞ".encode())
    assert "修正案: (この部分を削除)" in result.stdout
