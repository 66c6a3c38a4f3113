"""Findings point into the text the user typed, and come sorted by position."""

from __future__ import annotations

import datetime as dt

import pytest

from sns_desk.core.checker import CheckContext, Finding, Severity

MIXED = (
    "🎉👨\u200d👩\u200d👧【ｵｼﾗｾ】ＡＢＣ広場で２０２６年１２月５日（金）に開催！"
    "担当の携帯は０９０－１２３４－５６７８、ﾊﾟｽﾜｰﾄﾞはＳａｋｕｒａ＃７７です。"
    "詳しくは https://bit.ly/3abcDEF へ。あいつはﾊﾞｶだ"
)


def test_every_span_in_a_mixed_text(ck) -> None:
    got = [(f.rule, MIXED[f.start : f.end]) for f in ck.check(MIXED)]
    assert got == [
        ("accuracy.weekday", "２０２６年１２月５日（金）"),
        ("privacy.mobile_phone", "０９０－１２３４－５６７８"),
        ("security.credential", "ﾊﾟｽﾜｰﾄﾞはＳａｋｕｒａ＃７７"),
        ("link.shortener", "https://bit.ly/3abcDEF"),
        ("insult.abusive", "ﾊﾞｶ"),
    ]


def test_weekday_fix_applies_to_the_original(ck) -> None:
    (f,) = ck.find(MIXED, "accuracy.weekday")
    assert f.suggestion is not None
    repaired = MIXED[: f.start] + f.suggestion + MIXED[f.end :]
    assert "２０２６年１２月５日（土）" in repaired
    assert len(repaired) == len(MIXED)


def test_findings_are_sorted_by_start(ck) -> None:
    findings = ck.check(MIXED)
    assert [f.start for f in findings] == sorted(f.start for f in findings)
    text = "バカ！" * 3 + "ｶｽ、ゴミ人間、090-1234-5678"
    findings = ck.check(text)
    assert len(findings) >= 5
    assert [f.start for f in findings] == sorted(f.start for f in findings)


@pytest.mark.parametrize(
    ("prefix", "hit"),
    [
        ("", "うざかっ"),
        ("😀", "うざかっ"),
        ("👍🏽👍🏽", "うざかっ"),
        ("ＡＢＣ１２３", "うざかっ"),
        ("ﾃﾞｰﾀﾍﾞｰｽ", "うざかっ"),
        ("か\u3099か\u3099", "うざかっ"),
        ("㈱㈲", "うざかっ"),
    ],
)
def test_prefixes_do_not_shift_the_span(ck, prefix: str, hit: str) -> None:
    text = prefix + "、あの客ほんとうざかった"
    assert ck.spans(text, "insult.") == [hit]


def test_offsets_are_code_points(ck) -> None:
    text = "😀😀😀 090-1234-5678"
    (f,) = ck.find(text, "privacy.mobile_phone")
    assert (f.start, f.end) == (4, 17)


class TestCheckerBasics:
    def test_empty_and_blank_texts(self, ck) -> None:
        assert ck.check("") == []
        assert ck.check(" \n\t　") == []

    def test_context_defaults(self, checker) -> None:
        # No context: no platforms, today's date; a text without dates behaves the same.
        assert checker.check("あ" * 300) == []
        assert [f.rule for f in checker.check("あいつはバカだ")] == ["insult.abusive"]

    def test_finding_fields(self, ck) -> None:
        (f,) = ck.check("あいつはバカだ")
        assert isinstance(f, Finding)
        assert f.severity is Severity.WARNING
        assert f.article == "7-1"
        assert any("\u3040" <= ch <= "\u30ff" or "\u4e00" <= ch <= "\u9fff" for ch in f.message)
        assert f.to_dict() == {
            "rule": "insult.abusive",
            "article": "7-1",
            "severity": "warning",
            "start": 4,
            "end": 6,
            "message": f.message,
        }

    def test_to_dict_carries_the_suggestion(self, ck) -> None:
        (f,) = ck.find("片手落ちの対応", "discrimination.term")
        assert f.to_dict()["suggestion"] == "不公平"

    def test_severity_rank(self) -> None:
        assert [s.rank for s in (Severity.ERROR, Severity.WARNING, Severity.INFO)] == [0, 1, 2]

    def test_same_checker_reused_gives_same_result(self, checker) -> None:
        ctx = CheckContext(platforms=("x",), post_date=dt.date(2026, 11, 20))
        assert checker.check(MIXED, ctx) == checker.check(MIXED, ctx)
