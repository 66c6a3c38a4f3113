"""NFKC normalisation for matching, with every offset mapped back to the text the user typed."""

from __future__ import annotations

import pytest

from sns_desk.core.checker.text import fold_kana, normalize


def _mapped(original: str, start: int, end: int) -> str:
    """The original substring behind ``normalize(original).text[start:end]``."""
    nt = normalize(original)
    o_start, o_end = nt.span(start, end)
    return original[o_start:o_end]


class TestNormalize:
    def test_ascii_is_left_alone(self) -> None:
        nt = normalize("RT @city 2026")
        assert nt.text == nt.original == "RT @city 2026"
        assert nt.origin == tuple(range(len("RT @city 2026") + 1))

    def test_full_width_digits_and_letters_fold_to_ascii(self) -> None:
        nt = normalize("ＩＤ：０１２３")
        assert nt.text == "ID:0123"
        assert len(nt.text) == len(nt.original)
        assert nt.span(3, 7) == (3, 7)

    def test_half_width_katakana_with_sound_marks(self) -> None:
        original = "注意：ﾊﾟｽﾜｰﾄﾞ"
        nt = normalize(original)
        assert nt.text == "注意:パスワード"
        # ﾊﾟ (two code points) became パ (one); ﾄﾞ likewise.
        start = nt.text.index("パスワード")
        assert nt.span(start, start + len("パスワード")) == (3, len(original))
        assert _mapped(original, start, start + 1) == "ﾊﾟ"
        assert _mapped(original, start + 4, start + 5) == "ﾄﾞ"

    def test_combining_dakuten_joins_its_base(self) -> None:
        original = "か\u3099き"  # が written as か + U+3099 COMBINING KATAKANA-HIRAGANA VOICED SOUND MARK
        nt = normalize(original)
        assert nt.text == "がき"
        assert nt.span(0, 1) == (0, 2)
        assert nt.span(1, 2) == (2, 3)
        assert nt.span(0, 2) == (0, 3)

    def test_emoji_outside_the_bmp_keep_offsets(self) -> None:
        # Astral characters (surrogate pairs in UTF-16) and a ZWJ family sequence before the word.
        original = "😀👨\u200d👩\u200d👧ＡＢ"
        nt = normalize(original)
        assert nt.text == "😀👨\u200d👩\u200d👧AB"
        start = nt.text.index("AB")
        assert nt.span(start, start + 2) == (6, 8)
        assert original[6:8] == "ＡＢ"

    def test_one_character_expanding_to_several(self) -> None:
        original = "㈱ﾃｽﾄ"  # ㈱ becomes "(株)": three normalised characters from one
        nt = normalize(original)
        assert nt.text == "(株)テスト"
        assert nt.span(0, 3) == (0, 1)
        assert nt.span(1, 2) == (0, 1)
        assert nt.span(3, 6) == (1, 4)

    def test_origin_is_monotonic_and_ends_at_the_original_length(self) -> None:
        original = "🎉２０２６年ﾃﾞｰﾀ㈱か\u3099"
        nt = normalize(original)
        assert len(nt.origin) == len(nt.text) + 1
        assert nt.origin[-1] == len(original)
        assert list(nt.origin) == sorted(nt.origin)

    def test_folded_is_katakana_and_same_length(self) -> None:
        nt = normalize("ばかとバカ")
        assert nt.folded == "バカトバカ"
        assert len(nt.folded) == len(nt.text)

    def test_to_normalized_inverts_span(self) -> None:
        nt = normalize("ﾊﾟｽ😀ＩＤ")
        # original offsets: ﾊﾟ=0..2 ｽ=2 😀=3 Ｉ=4 Ｄ=5
        assert nt.to_normalized(0) == 0
        assert nt.to_normalized(2) == 1
        assert nt.to_normalized(4) == nt.text.index("I")
        assert nt.to_normalized(6) == len(nt.text)

    def test_empty_span(self) -> None:
        nt = normalize("ＡＢ")
        assert nt.span(1, 1) == (1, 1)


@pytest.mark.parametrize(
    ("word", "folded"),
    [("ばか", "バカ"), ("ﾊﾞｶ", "バカ"), ("ＢＡＫＡ", "BAKA"), ("馬鹿", "馬鹿")],
)
def test_fold_kana(word: str, folded: str) -> None:
    assert fold_kana(word) == folded


class TestOffsetsThroughTheChecker:
    """The checker matches the normalised text but reports spans of what was typed."""

    def test_half_width_katakana_credential(self, ck) -> None:
        text = "💻 ﾊﾟｽﾜｰﾄﾞ：Ｋｏｕｈｏｕ２０２６"
        assert ck.spans(text, "security.credential") == ["ﾊﾟｽﾜｰﾄﾞ：Ｋｏｕｈｏｕ２０２６"]

    def test_combining_mark_inside_the_hit(self, ck) -> None:
        text = "🙂あいつは本当にか\u3099きだ"
        assert ck.spans(text, "insult.") == ["か\u3099き"]

    def test_half_width_insult(self, ck) -> None:
        text = "😡😡ﾊﾞｶじゃないの"
        assert ck.spans(text, "insult.") == ["ﾊﾞｶ"]

    def test_full_width_digits_in_a_date(self, ck) -> None:
        text = "🎄２０２６年１２月５日（金）開催"
        assert ck.spans(text, "accuracy.weekday") == ["２０２６年１２月５日（金）"]

    def test_lone_surrogate_does_not_crash(self, ck) -> None:
        text = "\ud83dあいつはバカだ"
        assert ck.spans(text, "insult.") == ["バカ"]
