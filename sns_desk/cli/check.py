"""``sns-desk check``: the guideline check of a text, for people (text) and machines (json, jsonl)."""

from __future__ import annotations

import argparse
import bisect
import datetime as dt
import json
import os
import unicodedata
from collections.abc import Iterable
from pathlib import Path
from typing import Any, TextIO

from ..core.checker import CheckContext, Checker, Finding, Severity
from ..core.checker.articles import article_label
from ..core.errors import InvalidInput
from ..core.rulebook import load_rulebook
from ..resources import default_rulebook_path
from .errors import run_guarded
from .exits import EXIT_FOUND, EXIT_OK, EXIT_USAGE
from .inputs import MAX_BATCH_BYTES, MAX_TEXT_BYTES, InputError, control_characters, decode_text, read_bytes

_SEVERITY_JA = {"error": "エラー", "warning": "警告", "info": "参考"}


def run_check(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    return run_guarded(err, "sns-desk check", lambda: _check(args, out, err))


def _check(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    context = _context(args.platform, args.date)
    checker = _checker(args.rulebook)
    _validate_platforms(checker, context)
    if args.format == "jsonl":
        return _batch(checker, context, args.source, out, err)
    name = "標準入力" if args.source == "-" else args.source
    text = decode_text(read_bytes(args.source, MAX_TEXT_BYTES), name)
    if not text.strip():
        raise InputError(f"{name} が空です。チェックする投稿文を指定してください")
    controls = control_characters(text)
    if controls:
        err.write(f"sns-desk check: 注意: 制御文字が {controls} 個含まれています(投稿前に削除してください)\n")
    findings = checker.check(text, context)
    if args.format == "json":
        json.dump({"source": name, "findings": [f.to_dict() for f in findings]}, out, ensure_ascii=False)
        out.write("\n")
    else:
        _print_text(name, text, findings, out)
    return EXIT_FOUND if any(f.severity is Severity.ERROR for f in findings) else EXIT_OK


def _context(platforms: Iterable[str], date: str | None) -> CheckContext:
    ids = tuple(p.strip().lower() for raw in platforms for p in raw.split(",") if p.strip())
    post_date = dt.date.today()
    if date:
        try:
            post_date = dt.date.fromisoformat(date)
        except ValueError:
            raise InputError(f"--date「{date}」は YYYY-MM-DD の形の日付にしてください") from None
    return CheckContext(platforms=ids, post_date=post_date)


def _checker(rulebook: str | None) -> Checker:
    path = Path(rulebook or os.environ.get("SNS_DESK_RULEBOOK") or default_rulebook_path())
    return Checker(load_rulebook(path))


def _validate_platforms(checker: Checker, context: CheckContext) -> None:
    unknown = [p for p in context.platforms if p not in checker.rulebook.platforms]
    if unknown:
        known = ", ".join(checker.rulebook.platforms)
        raise InputError(f"投稿先「{', '.join(unknown)}」はルールブックにありません(使えるもの: {known})")


def _batch(checker: Checker, context: CheckContext, source: str, out: TextIO, err: TextIO) -> int:
    """One ``{"id", "text", "date"?}`` per input line, one ``{"id", "findings"}`` per output line."""
    data = read_bytes(source, MAX_BATCH_BYTES)
    text = decode_text(data, "標準入力" if source == "-" else source)
    bad = 0
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row, item_context = _parse_row(line, context, checker)
        except InvalidInput as exc:
            bad += 1
            err.write(f"sns-desk check: {number} 行目を読めません({exc.message})\n")
            continue
        if len(row["text"]) > MAX_TEXT_BYTES:
            bad += 1
            err.write(f"sns-desk check: {number} 行目の text が大きすぎます(1 MB まで)。チェックしていません\n")
            continue
        findings = checker.check(row["text"], item_context)
        out.write(json.dumps({"id": row["id"], "findings": [f.to_dict() for f in findings]}, ensure_ascii=False))
        out.write("\n")
    return EXIT_USAGE if bad else EXIT_OK


def _parse_row(line: str, context: CheckContext, checker: Checker) -> tuple[dict[str, Any], CheckContext]:
    """One batch line as its object and the context to check it in; InvalidInput says what is wrong."""
    try:
        row = json.loads(line)
    except json.JSONDecodeError as exc:
        raise InvalidInput(f"JSON の書式の誤り、{exc.colno} 文字目") from None
    except ValueError:  # e.g. an integer of more digits than Python converts
        raise InvalidInput("JSON の値を読めません(桁数の多すぎる数など)") from None
    except RecursionError:
        raise InvalidInput("JSON の入れ子が深すぎます") from None
    if not isinstance(row, dict) or "id" not in row or not isinstance(row.get("text"), str):
        raise InvalidInput("id と text(文字列)が必要です")
    item_context = context
    if row.get("date"):
        try:
            item_context = CheckContext(context.platforms, dt.date.fromisoformat(str(row["date"])))
        except ValueError:
            raise InvalidInput(f"date「{row['date']}」は YYYY-MM-DD の形の日付にしてください") from None
    platforms = row.get("platforms")
    if isinstance(platforms, str):
        platforms = [p.strip() for p in platforms.split(",") if p.strip()]
    if platforms:
        if not isinstance(platforms, list) or not all(isinstance(p, str) for p in platforms):
            raise InvalidInput('platforms は投稿先の配列(例 ["x", "line"])にしてください')
        item_context = CheckContext(tuple(p.lower() for p in platforms), item_context.post_date)
        _validate_platforms(checker, item_context)
    return row, item_context


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _print_text(name: str, text: str, findings: list[Finding], out: TextIO) -> None:
    """Compiler-style lines: ``name:line:col: 重大度: message [rule, 条項]`` and the span."""
    line_starts = [0]
    for i, ch in enumerate(text):
        if ch == "\n":
            line_starts.append(i + 1)
    for f in findings:
        row = bisect.bisect_right(line_starts, f.start) - 1
        start_of_line = line_starts[row]
        end_of_line = text.find("\n", start_of_line)
        if end_of_line < 0:
            end_of_line = len(text)
        col = f.start - start_of_line + 1
        out.write(
            f"{name}:{row + 1}:{col}: {_SEVERITY_JA[f.severity.value]}: {f.message} "
            f"[{f.rule}, {article_label(f.article)}]\n"
        )
        line_text = text[start_of_line:end_of_line].rstrip("\r")
        span_end = min(f.end, end_of_line)
        out.write(f"    {line_text}\n")
        marker = "^" + "~" * max(0, _width(text[f.start : span_end]) - 1)
        out.write(f"    {' ' * _width(text[start_of_line : f.start])}{marker}\n")
        if f.suggestion is not None:
            out.write(f"    修正案: {f.suggestion_label}\n")
    counts = {s: sum(1 for f in findings if f.severity.value == s) for s in ("error", "warning", "info")}
    out.write(f"{name}: エラー {counts['error']} 件、警告 {counts['warning']} 件、参考 {counts['info']} 件\n")
