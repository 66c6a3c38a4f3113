"""The fast paths agree with their slow references on adversarial random text."""

from __future__ import annotations

import random

import pytest
from twitter_text import parse_tweet

from sns_desk.core.checker.length import measure, x_weighted_length
from sns_desk.core.checker.text import _is_joiner, _nfkc, normalize

_X_POOL = [
    *"あいうえお日本語テスト。、abc XYZ 123\n\r\t.-/:@#😀👍🏽❤️©®‼️",
    "https://example.com/a",
    " www.city.example.lg.jp ",
    "bit.ly/x",
    "e\u0301",
    "\ufeff",
    "1️⃣",
    "〰",
    "x.gd/1",
    "\u3000",
    "\u00a0",
    "\u200b",
    "\ufe0f",
    *"、。「」『』【】（）！？・",
    "。https://example.com/x。",
    "「bit.ly/y」",
    "（www.example.jp/z）",
    ".）x.gd/1",
]


@pytest.mark.slow
def test_x_weighted_length_equals_parse_tweet() -> None:
    rng = random.Random(20261125)
    for _ in range(4000):
        text = "".join(rng.choice(_X_POOL) for _ in range(rng.randint(0, 80)))
        assert x_weighted_length(text) == parse_tweet(text).weightedLength, repr(text)


@pytest.mark.slow
def test_x_overflow_position_equals_parse_tweet() -> None:
    # parse_tweet's own index is exact when neither NFC nor CR LF changes the text's length;
    # it also stops at characters X refuses (BOM), which the length rule does not look at.
    pool = [p for p in _X_POOL if p not in ("\r", "e\u0301", "\ufeff")]
    rng = random.Random(7)
    for _ in range(800):
        text = "".join(rng.choice(pool) for _ in range(rng.randint(100, 300)))
        parsed = parse_tweet(text)
        length = measure(text, "twitter", 280)
        assert length.count == parsed.weightedLength
        if parsed.weightedLength > 280:
            utf16_end = parsed.validRangeEnd + 1
            expected = next(i for i in range(len(text) + 1) if len(text[:i].encode("utf-16-le")) // 2 >= utf16_end)
            assert length.overflow_start == expected, repr(text)
        else:
            assert length.overflow_start is None


def _slow_normalize(original: str) -> tuple[str, tuple[int, ...]]:
    out: list[str] = []
    origin: list[int] = []
    i = 0
    while i < len(original):
        j = i + 1
        while j < len(original) and _is_joiner(original[j]):
            j += 1
        norm = _nfkc(original[i:j])
        out.append(norm)
        origin.extend([i] * len(norm))
        i = j
    origin.append(len(original))
    return "".join(out), tuple(origin)


def test_normalize_fast_path_equals_per_cluster_reference() -> None:
    pool = [
        *"あいかがはぱ日本ｶﾞｷﾞﾊﾟ１２３ＡＢ（）「」。、abc \n😀é",
        "か\u3099",
        "は\u309a",
        "e\u0301",
        "\u3099",
        "㍿",
        "①",
    ]
    rng = random.Random(3)
    for _ in range(5000):
        text = "".join(rng.choice(pool) for _ in range(rng.randint(1, 30)))
        nt = normalize(text)
        assert (nt.text, nt.origin) == _slow_normalize(text), repr(text)


def test_x_scale_matches_the_library_configuration() -> None:
    from twitter_text.config import config

    from sns_desk.core.checker import length

    assert config["defaults"]["scale"] == length._X_SCALE
