"""Post length as each platform counts it."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import regex
from twitter_text import parse_tweet
from twitter_text.config import config as _twitter_config
from twitter_text.get_character_weight import get_character_weight

_GRAPHEME = regex.compile(r"\X")
_X_OPTIONS = _twitter_config["defaults"]
_X_SCALE: int = _X_OPTIONS["scale"]
_WHITESPACE = re.compile(r"[ \t\n\r\f\v]+")
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


@lru_cache(maxsize=65536)
def _x_char_weight(ch: str) -> int:
    return int(get_character_weight(ch, _X_OPTIONS))


@lru_cache(maxsize=4096)
def _x_chunk_weight(chunk: str, after_space: bool) -> int:
    """Weight (in X's scaled units) of a run of text with no whitespace in it.

    URL extraction looks at the character before a URL, so a chunk that follows whitespace
    is weighed with a space in front (and the space taken off again).
    """
    chunk = unicodedata.normalize("NFC", chunk)
    if _MAYBE_SPECIAL.search(chunk) is None:
        return sum(_x_char_weight(ch) for ch in chunk)
    if after_space:
        return (int(parse_tweet(" " + chunk).weightedLength) - 1) * _X_SCALE
    return int(parse_tweet(chunk).weightedLength) * _X_SCALE


def _x_chunks(text: str) -> list[tuple[int, int, int]]:
    """(start, end, scaled weight) of each chunk and whitespace run, in order."""
    out: list[tuple[int, int, int]] = []
    pos = 0
    for m in _WHITESPACE.finditer(text):
        if m.start() > pos:
            out.append((pos, m.start(), _x_chunk_weight(text[pos : m.start()], pos > 0)))
        blank = m.group(0).replace("\r\n", "\n").replace("\r", "\n")
        out.append((m.start(), m.end(), sum(_x_char_weight(ch) for ch in blank)))
        pos = m.end()
    if pos < len(text):
        out.append((pos, len(text), _x_chunk_weight(text[pos:], pos > 0)))
    return out


def _x_overflow(text: str, chunks: list[tuple[int, int, int]], limit: int) -> int:
    """Code-point offset of the first character past X's limit (the text is over it)."""
    budget = limit * _X_SCALE
    total = 0
    for start, end, weight in chunks:
        if total + weight <= budget:
            total += weight
            continue
        chunk = text[start:end]
        if _MAYBE_SPECIAL.search(chunk) is None and unicodedata.is_normalized("NFC", chunk):
            for offset, ch in enumerate(chunk):
                total += _x_char_weight(ch)
                if total > budget:
                    return start + offset
        return _x_overflow_by_library(text[:end], limit)
    return len(text)


@lru_cache(maxsize=64)
def _x_overflow_by_library(prefix: str, limit: int) -> int:
    """Where the library says the valid part ends; cached, as typing past it keeps the prefix."""
    parsed = parse_tweet(prefix, {**_X_OPTIONS, "max_weighted_tweet_length": limit})
    return _utf16_to_codepoint(prefix, parsed.validRangeEnd + 1)


def x_weighted_length(text: str) -> int:
    """X's weighted length, as ``twitter_text.parse_tweet`` computes it, but incremental.

    URLs and emoji never contain whitespace, so the text is weighed in whitespace-separated
    chunks, each cached: while a post is being typed only the chunk under the cursor is
    weighed again. Chunks that may hold a URL or emoji go through ``parse_tweet`` itself.
    """
    return sum(weight for _, _, weight in _x_chunks(text)) // _X_SCALE


def measure(text: str, counting: str, limit: int) -> Length:
    """Count ``text`` by the rule ``counting`` (twitter | graphemes | utf16 | codepoints)."""
    if counting == "twitter":
        # X's weighted count (CJK counts 2, URLs 23) from X's own configuration.
        chunks = _x_chunks(text)
        count = sum(weight for _, _, weight in chunks) // _X_SCALE
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
