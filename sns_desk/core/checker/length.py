"""Post length as each platform counts it."""

from __future__ import annotations

import re
import unicodedata
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import regex

_GRAPHEME = regex.compile(r"\X")
_X_SCALE = 100
"""twitter-text's weight scale (``config["defaults"]["scale"]``), checked in the tests."""
# Where the library's URL and emoji extraction cannot reach across: ASCII white space. (Japanese
# punctuation is no such boundary: 。 counts as a domain dot, and a candidate URL that starts
# before （ or 」 swallows what follows; the equivalence test found both.)
_X_SEPARATOR = re.compile("[ \t\n\r\f\v]+")
# Characters that may start a URL's domain dot, an emoji, or be invalid in a post: a chunk
# without any of them is weighed per character, with the library's own weight table.
_MAYBE_SPECIAL = re.compile(
    "[.\u00a9\u00ae\u2000-\u2bff\u3030\u303d\u3297\u3299\ufe00-\ufe0f\ufeff\ufffe\uffff\U0001f000-\U0010ffff]"
)


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
    """Index of the character holding UTF-16 unit ``units`` (one that straddles it included)."""
    seen = 0
    for i, ch in enumerate(text):
        seen += 2 if ord(ch) > 0xFFFF else 1
        if seen > units:
            return i
    return len(text)


@lru_cache(maxsize=1)
def _twitter() -> tuple[Callable[..., Any], dict[str, Any], Callable[[str, dict[str, Any]], int]]:
    """twitter-text, imported on first use: its import compiles large regexes (≈ 0.4 s), which
    start-up should not pay before anyone measures a post for X."""
    # twitter-text reads its emoji table through pkg_resources, whose import warns that the API is
    # deprecated (setuptools 67-81): nothing the app can act on, so only that warning is silenced here.
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="pkg_resources is deprecated", category=UserWarning)
        from twitter_text import parse_tweet
        from twitter_text.config import config
        from twitter_text.get_character_weight import get_character_weight

    return parse_tweet, config["defaults"], get_character_weight


def _parse_tweet(text: str, **overrides: int) -> Any:
    parse_tweet, options, _ = _twitter()
    return parse_tweet(text, {**options, **overrides}) if overrides else parse_tweet(text)


@lru_cache(maxsize=65536)
def _x_char_weight(ch: str) -> int:
    _, options, weight = _twitter()
    return int(weight(ch, options))


@lru_cache(maxsize=4096)
def _x_chunk_weight(chunk: str, before: str) -> int:
    """Weight (in X's scaled units) of a chunk; ``before`` is the separator in front of it.

    URL extraction looks at the character before a URL, so a chunk that may hold one is
    weighed by the library with its separator in front, and the separator taken off again.
    """
    chunk = unicodedata.normalize("NFC", chunk)
    if _MAYBE_SPECIAL.search(chunk) is None:
        return sum(_x_char_weight(ch) for ch in chunk)
    return int(_parse_tweet(before + chunk).weightedLength) * _X_SCALE - (_x_char_weight(before) if before else 0)


def _x_chunks(text: str) -> list[tuple[int, int, int, str]]:
    """(start, end, scaled weight, separator before it) of each chunk and separator, in order."""
    out: list[tuple[int, int, int, str]] = []
    pos = 0
    for m in _X_SEPARATOR.finditer(text):
        if m.start() > pos:
            before = " " if pos else ""
            out.append((pos, m.start(), _x_chunk_weight(text[pos : m.start()], before), before))
        sep = m.group(0).replace("\r\n", "\n").replace("\r", "\n")
        out.append((m.start(), m.end(), sum(_x_char_weight(ch) for ch in sep), ""))
        pos = m.end()
    if pos < len(text):
        before = " " if pos else ""
        out.append((pos, len(text), _x_chunk_weight(text[pos:], before), before))
    return out


def _x_overflow(text: str, chunks: list[tuple[int, int, int, str]], limit: int) -> int:
    """Code-point offset of the first character past X's limit (the text is over it)."""
    budget = limit * _X_SCALE
    total = 0
    for start, end, weight, before in chunks:
        if total + weight <= budget:
            total += weight
            continue
        chunk = text[start:end]
        if _MAYBE_SPECIAL.search(chunk) is None and unicodedata.is_normalized("NFC", chunk):
            for offset, ch in enumerate(chunk):
                total += _x_char_weight(ch)
                if total > budget:
                    return start + offset
        # The library decides where a URL or emoji ends: ask it about this chunk alone.
        room = (budget - total + (_x_char_weight(before) if before else 0)) // _X_SCALE
        return start + max(0, _x_fitting(before + chunk, room) - len(before))
    return len(text)


@lru_cache(maxsize=256)
def _x_fitting(text: str, room: int) -> int:
    """How many code points of ``text`` fit in ``room`` by the library's count."""
    if room <= 0:
        return 0
    parsed = _parse_tweet(text, max_weighted_tweet_length=room)
    return _utf16_to_codepoint(text, parsed.validRangeEnd + 1)


def x_weighted_length(text: str) -> int:
    """X's weighted length, as ``twitter_text.parse_tweet`` computes it, but incremental.

    URLs and emoji never contain white space, so the text is weighed in chunks between white
    space, each cached: while a post is being typed only the chunk
    under the cursor is weighed again. Chunks that may hold a URL or emoji go through
    ``parse_tweet`` itself; the others use the library's per-character weights.
    """
    return sum(chunk[2] for chunk in _x_chunks(text)) // _X_SCALE


def measure(text: str, counting: str, limit: int) -> Length:
    """Count ``text`` by the rule ``counting`` (twitter | graphemes | utf16 | codepoints)."""
    if counting == "twitter":
        # X's weighted count (CJK counts 2, URLs 23) from X's own configuration.
        chunks = _x_chunks(text)
        count = sum(chunk[2] for chunk in chunks) // _X_SCALE
        return Length(count, limit, _x_overflow(text, chunks, limit) if count > limit else None)
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
