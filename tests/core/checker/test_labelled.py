"""The labelled set: micro F1 over articles and false alarms on normal posts.

Only error and warning findings count, as in the evaluation. The current level is F1 1.000 with
no false alarm; the floors leave room for small regressions, not for a broken detector.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from sns_desk.core.checker import CheckContext, Checker, Severity
from sns_desk.core.rulebook.model import ARTICLES

DATA = Path(__file__).parent / "data" / "labelled.jsonl"
MIN_F1 = 0.97
MAX_FALSE_ALARMS = 1


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    false_alarms: list[str] = field(default_factory=list)
    misses: list[str] = field(default_factory=list)

    @property
    def f1(self) -> float:
        total = 2 * self.tp + self.fp + self.fn
        return 2 * self.tp / total if total else 1.0


def load_rows() -> list[dict[str, Any]]:
    rows = []
    with DATA.open(encoding="utf-8") as fh:
        for number, line in enumerate(fh, start=1):
            if line.strip():
                row = json.loads(line)
                assert {"id", "text", "expect"} <= row.keys(), f"line {number}: missing fields"
                rows.append(row)
    return rows


@pytest.fixture(scope="module")
def score(checker: Checker) -> Score:
    result = Score()
    for row in load_rows():
        date = row.get("date")
        post_date = dt.date.fromisoformat(date) if date else dt.date(2026, 11, 20)
        findings = checker.check(row["text"], CheckContext(post_date=post_date))
        got = {f.article for f in findings if f.severity in (Severity.ERROR, Severity.WARNING)}
        expect = set(row["expect"])
        result.tp += len(got & expect)
        result.fp += len(got - expect)
        result.fn += len(expect - got)
        if got != expect:
            result.misses.append(f"{row['id']}: expected {sorted(expect)}, got {sorted(got)}")
        if not expect and got:
            result.false_alarms.append(f"{row['id']}: {sorted(got)}")
    return result


def test_the_set_is_substantial() -> None:
    rows = load_rows()
    assert len(rows) >= 100
    assert len({r["id"] for r in rows}) == len(rows)
    assert any(not r["expect"] for r in rows)
    assert any(r["expect"] for r in rows)
    assert set().union(*(r["expect"] for r in rows)) <= ARTICLES


def test_micro_f1(score: Score) -> None:
    assert score.tp > 0
    assert score.f1 >= MIN_F1, "\n".join(score.misses)


def test_false_alarms_on_normal_posts(score: Score) -> None:
    assert len(score.false_alarms) <= MAX_FALSE_ALARMS, "\n".join(score.false_alarms)
