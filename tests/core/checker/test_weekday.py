"""第6条第6号: a written weekday that does not fall on the written date."""

from __future__ import annotations

import datetime as dt

import pytest

# Calendar facts the tests rely on (checked against datetime below, not against the detector).
FACTS = {
    dt.date(2026, 12, 5): "土",
    dt.date(2026, 12, 4): "金",
    dt.date(2026, 11, 1): "日",
    dt.date(2027, 1, 8): "金",
    dt.date(2026, 1, 8): "木",
    dt.date(2028, 2, 29): "火",
}


def test_calendar_facts() -> None:
    for date, weekday in FACTS.items():
        assert "月火水木金土日"[date.weekday()] == weekday


class TestYearWritten:
    @pytest.mark.parametrize(
        ("text", "span", "fixed"),
        [
            ("2026年12月5日(金)に開催します", "2026年12月5日(金)", "2026年12月5日(土)"),
            (
                "２０２６年１２月５日（金）に開催します",
                "２０２６年１２月５日（金）",
                "２０２６年１２月５日（土）",
            ),
            ("令和8年12月5日（金）開催", "令和8年12月5日（金）", "令和8年12月5日（土）"),
            ("日時：2026/12/5(金) 10:00～", "2026/12/5(金)", "2026/12/5(土)"),
            ("2026年12月5日金曜日", "2026年12月5日金曜日", "2026年12月5日土曜日"),
            ("2026年12月5日 (金・祝)", "2026年12月5日 (金・祝)", "2026年12月5日 (土・祝)"),
        ],
    )
    def test_wrong_weekday_is_an_error_with_a_fix(self, ck, text: str, span: str, fixed: str) -> None:
        findings = ck.find(text, "accuracy.weekday")
        assert len(findings) == 1
        f = findings[0]
        assert (f.article, f.severity) == ("6-6", "error")
        assert text[f.start : f.end] == span
        assert f.suggestion == fixed
        # Applying the suggestion changes only the weekday character.
        repaired = text[: f.start] + f.suggestion + text[f.end :]
        assert [i for i, (a, b) in enumerate(zip(text, repaired, strict=True)) if a != b] == [
            f.start + span.index("金")
        ]
        assert "12月5日" in f.message or "土曜日" in f.message

    def test_fix_after_emoji_and_full_width_text(self, ck) -> None:
        text = "🎄🎅【お知らせ】ＸＭＡＳ会は２０２６年１２月５日（金）です"
        findings = ck.find(text, "accuracy.weekday")
        assert [(text[f.start : f.end], f.suggestion) for f in findings] == [
            ("２０２６年１２月５日（金）", "２０２６年１２月５日（土）")
        ]

    def test_correct_weekday_is_fine(self, ck) -> None:
        assert ck.check("2026年12月4日(金)と2026年12月5日(土)の2日間") == []

    def test_date_not_in_the_calendar(self, ck) -> None:
        text = "2027年2月30日(火)に開催"
        findings = ck.find(text, "accuracy.weekday")
        assert [(text[f.start : f.end], f.severity, f.suggestion) for f in findings] == [
            ("2027年2月30日(火)", "error", None)
        ]

    def test_several_dates_each_judged(self, ck) -> None:
        text = "12/4（金）〜12/6（日）は点検、2026年12月7日(火)から再開"
        findings = ck.find(text, "accuracy.weekday")
        assert [(text[f.start : f.end], f.suggestion) for f in findings] == [("2026年12月7日(火)", "2026年12月7日(月)")]


class TestYearInferred:
    def test_wrong_weekday_this_year_is_a_warning(self, ck) -> None:
        text = "12月5日(金)に開催"
        findings = ck.find(text, "accuracy.weekday", post_date=dt.date(2026, 11, 20))
        assert [(text[f.start : f.end], f.severity, f.suggestion) for f in findings] == [
            ("12月5日(金)", "warning", "12月5日(土)")
        ]

    def test_correct_weekday_this_year(self, ck) -> None:
        assert ck.check("12月4日(金)に開催", post_date=dt.date(2026, 11, 20)) == []

    def test_recent_past_date_stays_in_this_year(self, ck) -> None:
        assert ck.check("11月1日(日)の結果をお知らせします", post_date=dt.date(2026, 11, 20)) == []

    @pytest.mark.parametrize("post_date", [dt.date(2026, 11, 20), dt.date(2026, 12, 28)])
    def test_january_from_december_is_next_year(self, ck, post_date: dt.date) -> None:
        # 1月8日 is a Friday in 2027 (and a Thursday in 2026).
        assert ck.check("1月8日(金)から受付開始", post_date=post_date) == []
        text = "1月8日(木)から受付開始"
        findings = ck.find(text, "accuracy.weekday", post_date=post_date)
        assert [(text[f.start : f.end], f.severity, f.suggestion) for f in findings] == [
            ("1月8日(木)", "warning", "1月8日(金)")
        ]

    def test_same_text_other_year(self, ck) -> None:
        # Posted in 2025 (before the window), 12月5日 is a Friday: nothing to report.
        assert ck.check("12月5日(金)に開催", post_date=dt.date(2025, 11, 20)) == []

    def test_impossible_date_without_a_year(self, ck) -> None:
        text = "2月30日(月)は休館日"
        findings = ck.find(text, "accuracy.weekday")
        assert [(text[f.start : f.end], f.severity) for f in findings] == [("2月30日(月)", "warning")]

    def test_leap_day_of_next_year(self, ck) -> None:
        # 2028-02-29 is a Tuesday; posted on 2027-12-20 the date is next year's.
        assert ck.check("2月29日(火)に開催", post_date=dt.date(2027, 12, 20)) == []


@pytest.mark.parametrize(
    "text",
    ["会議は13月5日(金)", "電話 082-430-1234（月〜金）", "12月5日に開催", "今週の金曜日"],
)
def test_not_a_dated_weekday(ck, text: str) -> None:
    assert ck.find(text, "accuracy.weekday") == []


class TestYearFromContext:
    """Issue 12: a year written earlier in the post applies to later dates without a year."""

    POST = dt.date(2026, 12, 3)

    def test_era_year_makes_the_weekday_right(self, ck) -> None:
        # 2025-12-27 is a Saturday; 2026-12-27 a Sunday.
        assert ck.articles("令和7年の年末は12月27日(土)まで開館しました", post_date=self.POST) == set()

    def test_header_year_makes_the_weekday_wrong(self, ck) -> None:
        findings = ck.find("【2025年】年末の開館は12月27日(日)までです", "accuracy.weekday", post_date=self.POST)
        assert len(findings) == 1
        assert "2025年12月27日は土曜日" in findings[0].message

    def test_fiscal_year_moves_january_to_the_next_year(self, ck) -> None:
        # 令和7年度 runs April 2025 to March 2026: 1月11日 is 2026-01-11, a Sunday.
        assert ck.articles("令和7年度の成人式は1月11日(日)でした", post_date=self.POST) == set()
        assert ck.articles("令和7年度の成人式は1月11日(土)でした", post_date=self.POST) == {"6-6"}

    def test_a_year_far_back_is_history_not_context(self, ck) -> None:
        assert ck.articles("平成18年の合併から20年。12月27日(日)に記念式典を開きます", post_date=self.POST) == set()


class TestYearInsideASentence:
    """A year inside a sentence may be another event's (2024年にオープンした): it is taken for a
    later date only when the weekday does not fit the post date's year instead."""

    POST = dt.date(2026, 12, 3)

    def test_another_events_year(self, ck) -> None:
        # 2026-12-12 is a Saturday (2024-12-12 a Thursday).
        text = "2024年にオープンした道の駅は、12月12日(土)に2周年を迎えます"
        assert ck.articles(text, post_date=self.POST) == set()

    def test_the_year_of_the_sentence(self, ck) -> None:
        # 2025-08-02 is a Saturday; without the year, 8月2日 after this post date is 2027-08-02, a Monday.
        assert ck.articles("2025年の夏まつりは8月2日(土)でした", post_date=self.POST) == set()
        assert ck.articles("2025年の夏まつりは8月2日(月)でした", post_date=self.POST) == set()

    def test_wrong_in_both(self, ck) -> None:
        # 8月2日 is neither a Friday in 2025 nor in 2027 (the post date's reading).
        assert ck.articles("2025年の夏まつりは8月2日(金)でした", post_date=self.POST) == {"6-6"}
