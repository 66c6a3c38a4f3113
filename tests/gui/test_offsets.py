from __future__ import annotations

import pytest

from sns_desk.gui.offsets import codepoint_to_utf16, span_to_utf16, utf16_to_codepoint

EMOJI_TEXT = "🎉a🎉bc"  # code points: 🎉 a 🎉 b c ; UTF-16: 2 1 2 1 1


@pytest.mark.parametrize(
    ("offset", "expected"),
    [(0, 0), (1, 2), (2, 3), (3, 5), (4, 6), (5, 7), (99, 7), (-3, 0)],
)
def test_codepoint_to_utf16(offset: int, expected: int) -> None:
    assert codepoint_to_utf16(EMOJI_TEXT, offset) == expected


def test_codepoint_to_utf16_matches_utf16_encoding() -> None:
    text = "お知らせ👨‍👩‍👧𠮷野家で😀テスト"
    for i in range(len(text) + 1):
        assert codepoint_to_utf16(text, i) == len(text[:i].encode("utf-16-le")) // 2


@pytest.mark.parametrize(
    ("position", "expected"),
    [(0, 0), (1, 0), (2, 1), (3, 2), (4, 2), (5, 3), (6, 4), (7, 5), (50, 5)],
)
def test_utf16_to_codepoint(position: int, expected: int) -> None:
    # Positions 1 and 4 fall inside a surrogate pair: they map to the emoji they split.
    assert utf16_to_codepoint(EMOJI_TEXT, position) == expected


def test_round_trip() -> None:
    text = "😀あ𠮷b"
    for i in range(len(text) + 1):
        assert utf16_to_codepoint(text, codepoint_to_utf16(text, i)) == i


def test_span_without_astral_characters_is_unchanged() -> None:
    assert span_to_utf16("パスワードは abc", 0, 5) == (0, 5)


def test_span_after_emoji_is_shifted_by_one_per_emoji() -> None:
    text = "🎉🎉 パスワード"
    start = text.index("パ")
    assert span_to_utf16(text, start, start + 5) == (start + 2, start + 7)


def test_span_containing_emoji_grows() -> None:
    assert span_to_utf16("x😀y", 0, 3) == (0, 4)
