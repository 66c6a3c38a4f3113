"""Post length as each platform counts it."""

from __future__ import annotations

from dataclasses import dataclass

import regex
from twitter_text import parse_tweet

_GRAPHEME = regex.compile(r"\X")


@dataclass(frozen=True, slots=True)
class Length:
    count: int
    limit: int
    overflow_start: int | None
    """Code-point offset of the first character past the limit, or None when within it."""

    @property
    def remaining(self) -> int:
        return self.limit - self.count


def _utf16_to_codepoint(text: str, units: int) -> int:
    seen = 0
    for i, ch in enumerate(text):
        if seen >= units:
            return i
        seen += 2 if ord(ch) > 0xFFFF else 1
    return len(text)


def measure(text: str, counting: str, limit: int) -> Length:
    """Count ``text`` by the rule ``counting`` (twitter | graphemes | utf16 | codepoints)."""
    if counting == "twitter":
        # X's weighted count (CJK counts 2, URLs 23) from X's own configuration.
        parsed = parse_tweet(text)
        count = parsed.weightedLength
        over = None
        if count > limit:
            over = _utf16_to_codepoint(text, parsed.validRangeEnd + 1)
        return Length(count, limit, over)
    if counting == "graphemes":
        clusters = _GRAPHEME.findall(text)
        over = None
        if len(clusters) > limit:
            over = sum(len(c) for c in clusters[:limit])
        return Length(len(clusters), limit, over)
    if counting == "utf16":
        count = len(text.encode("utf-16-le")) // 2
        return Length(count, limit, _utf16_to_codepoint(text, limit) if count > limit else None)
    if counting == "codepoints":
        return Length(len(text), limit, limit if len(text) > limit else None)
    raise ValueError(f"unknown counting rule: {counting}")
