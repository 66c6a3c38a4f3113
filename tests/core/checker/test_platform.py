"""Per-platform limits: length as each platform counts it, hashtag count, and measure()."""

from __future__ import annotations

import pytest

from sns_desk.core.checker import measure

CITY_URL = "https://www.city.higashihiroshima.lg.jp/soshiki/kikaku/kouhou/2026/event-information.html"
FAMILY = "👨\u200d👩\u200d👧"  # one grapheme, five code points, eight UTF-16 units
GA = "か\u3099"  # が as base + combining mark: one grapheme, two code points


def length_findings(ck, text: str, platform: str):
    return ck.find(text, "platform.length", platforms=(platform,))


class TestX:
    def test_141_cjk_characters_is_an_error(self, ck) -> None:
        text = "あ" * 141
        findings = length_findings(ck, text, "x")
        assert len(findings) == 1
        f = findings[0]
        assert (f.article, f.severity) == ("6-6", "error")
        assert (f.start, f.end) == (140, 141)
        assert "282 / 280" in f.message

    def test_140_cjk_characters_is_fine(self, ck) -> None:
        assert ck.check("あ" * 140, platforms=("x",)) == []

    def test_ascii_counts_one(self, ck) -> None:
        assert length_findings(ck, "a" * 280, "x") == []
        assert [(f.start, f.end) for f in length_findings(ck, "a" * 281, "x")] == [(280, 281)]

    def test_url_counts_23_whatever_its_length(self, ck) -> None:
        assert len(CITY_URL) > 23
        assert ck.check("あ" * 128 + " " + CITY_URL, platforms=("x",)) == []  # 256 + 1 + 23 = 280
        findings = length_findings(ck, "あ" * 129 + " " + CITY_URL, "x")  # 282
        assert len(findings) == 1
        assert "282 / 280" in findings[0].message

    def test_emoji_count_two(self, ck) -> None:
        assert length_findings(ck, "😀" * 140, "x") == []
        text = "😀" * 141
        assert [(f.start, f.end) for f in length_findings(ck, text, "x")] == [(140, 141)]

    def test_span_is_the_overflow_after_full_width_text(self, ck) -> None:
        text = "ＡＢＣ" + "あ" * 140
        # 3 full-width letters (CJK-weighted 2 each) + 140 CJK: 286; the first 137 あ fit.
        findings = length_findings(ck, text, "x")
        assert [(f.start, f.end) for f in findings] == [(140, len(text))]

    def test_no_platform_no_length_check(self, ck) -> None:
        assert ck.check("あ" * 141) == []


class TestBluesky:
    def test_graphemes_with_combining_marks(self, ck) -> None:
        assert length_findings(ck, GA * 300, "bluesky") == []
        text = GA * 301
        findings = length_findings(ck, text, "bluesky")
        assert [(f.start, f.end) for f in findings] == [(600, 602)]
        assert text[findings[0].start : findings[0].end] == GA
        assert "301 / 300" in findings[0].message

    def test_emoji_sequences_are_one_grapheme(self, ck) -> None:
        assert length_findings(ck, FAMILY * 300, "bluesky") == []
        text = FAMILY * 301
        findings = length_findings(ck, text, "bluesky")
        assert [text[f.start : f.end] for f in findings] == [FAMILY]


class TestLine:
    def test_utf16_units_with_emoji(self, ck) -> None:
        assert length_findings(ck, "あ" * 4998 + "😀", "line") == []  # 4998 + 2 = 5000
        text = "あ" * 4999 + "😀" + "い"  # 5002 units: the emoji straddles the limit
        findings = length_findings(ck, text, "line")
        assert len(findings) == 1
        assert "5002 / 5000" in findings[0].message

    def test_overflow_after_emoji(self, ck) -> None:
        text = "😀" * 2500 + "あ"
        findings = length_findings(ck, text, "line")
        assert [text[f.start : f.end] for f in findings] == ["あ"]

    def test_emoji_straddling_the_limit_is_the_overflow(self, ck) -> None:
        text = "あ" * 4999 + "😀"
        findings = length_findings(ck, text, "line")
        assert [(f.start, f.end) for f in findings] == [(4999, 5000)]


class TestInstagramHashtags:
    def test_five_hashtags_are_fine(self, ck) -> None:
        text = "秋祭り開催！ #東広島 #西条 #酒まつり #秋 #イベント"
        assert ck.check(text, platforms=("instagram",)) == []

    def test_six_hashtags_are_an_error(self, ck) -> None:
        text = "秋祭り開催！ #東広島 #西条 #酒まつり #秋 #イベント #広島"
        findings = ck.find(text, "platform.hashtags", platforms=("instagram",))
        assert [(f.article, f.severity, text[f.start : f.end]) for f in findings] == [("6-6", "error", "#広島")]
        assert "6 個" in findings[0].message

    def test_extra_tags_are_the_span(self, ck) -> None:
        text = "#a #b #c #d #e #f #g"
        findings = ck.find(text, "platform.hashtags", platforms=("instagram",))
        assert [text[f.start : f.end] for f in findings] == ["#f #g"]

    def test_other_platforms_have_no_hashtag_limit(self, ck) -> None:
        assert ck.check("#a #b #c #d #e #f", platforms=("x", "threads")) == []

    def test_numbers_and_anchors_are_not_hashtags(self, ck) -> None:
        text = "#1 #2 #3 #4 #5 #6 の順に並んでください #東広島"
        assert ck.find(text, "platform.hashtags", platforms=("instagram",)) == []


@pytest.mark.parametrize("platforms", [("x", "threads"), ("threads", "x")])
def test_each_target_platform_over_its_limit_is_reported(ck, platforms: tuple[str, ...]) -> None:
    text = "あ" * 501
    findings = ck.find(text, "platform.length", platforms=platforms)
    spans = sorted((f.start, f.end) for f in findings)
    assert spans == [(140, 501), (500, 501)]


def test_unknown_platform_is_ignored(ck) -> None:
    assert ck.check("あ" * 501, platforms=("myspace",)) == []


def test_platform_within_its_limit_is_not_reported(ck) -> None:
    text = "あ" * 501
    findings = ck.find(text, "platform.length", platforms=("instagram", "x"))
    assert [(f.start, f.end) for f in findings] == [(140, 501)]
    assert "X:" in findings[0].message


class TestMeasure:
    def test_twitter(self) -> None:
        length = measure("あ" * 141, "twitter", 280)
        assert (length.count, length.limit, length.overflow_start, length.remaining) == (282, 280, 140, -2)
        assert measure("abc", "twitter", 280).overflow_start is None

    def test_twitter_url(self) -> None:
        assert measure(CITY_URL, "twitter", 280).count == 23

    def test_graphemes(self) -> None:
        assert measure(FAMILY + GA + "a", "graphemes", 300).count == 3
        over = measure(FAMILY * 3, "graphemes", 2)
        assert (over.count, over.overflow_start) == (3, 10)

    def test_utf16(self) -> None:
        length = measure("a😀", "utf16", 5)
        assert (length.count, length.overflow_start, length.remaining) == (3, None, 2)
        assert measure("😀😀😀", "utf16", 4).overflow_start == 2

    def test_codepoints(self) -> None:
        length = measure(FAMILY, "codepoints", 3)
        assert (length.count, length.overflow_start) == (5, 3)

    def test_exactly_at_the_limit(self) -> None:
        for counting in ("twitter", "graphemes", "utf16", "codepoints"):
            assert measure("abcde", counting, 5).overflow_start is None

    def test_empty_text(self) -> None:
        assert measure("", "graphemes", 300).count == 0

    def test_unknown_counting_rule(self) -> None:
        with pytest.raises(ValueError, match="unknown counting rule"):
            measure("abc", "bytes", 10)

    def test_utf16_straddling_character(self) -> None:
        assert measure("ab😀", "utf16", 3).overflow_start == 2
