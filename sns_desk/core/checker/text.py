"""Normalisation for matching, with a map back to offsets in the original text.

Matching runs on an NFKC-normalised copy (full-width ASCII and digits, half-width kana and
compatibility characters folded), so ``２０２６年`` and ``ﾊﾟｽﾜｰﾄﾞ`` match like their plain forms.
Every finding must point into the text the user typed, so each normalised character remembers
the original character it came from.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

# Hiragana -> katakana, used to fold kana spelling variants (ばか / バカ) when matching.
_HIRA_TO_KATA = {code: code + 0x60 for code in range(0x3041, 0x3097)}
# Characters that join the preceding character under NFKC (voiced sound marks, combining marks).
_JOINERS = {"\u3099", "\u309a", "\u309b", "\u309c", "\uff9e", "\uff9f"}


_SURROGATE = re.compile("[\ud800-\udfff]")


@lru_cache(maxsize=8192)
def _nfkc(chunk: str) -> str:
    # A lone surrogate (from a broken JSON escape) cannot reach MeCab: it becomes U+FFFD.
    return _SURROGATE.sub("\ufffd", unicodedata.normalize("NFKC", chunk))


def _is_joiner(ch: str) -> bool:
    return ch in _JOINERS or unicodedata.combining(ch) != 0


@dataclass(frozen=True, slots=True)
class NormalizedText:
    original: str
    text: str
    """NFKC-normalised text."""
    folded: str
    """``text`` with hiragana folded to katakana: same length as ``text``."""
    origin: tuple[int, ...]
    """For each index of ``text`` (and one past the end), the index in ``original``."""

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Map a half-open span of ``text`` to the original text."""
        o_start = self.origin[start]
        o_end = self.origin[end] if end > start else o_start
        # The end must cover the whole original cluster of the last character.
        if end > start:
            last = self.origin[end - 1]
            o_end = max(o_end, last + 1)
        return o_start, o_end

    def to_normalized(self, original_offset: int) -> int:
        """The first index of ``text`` that comes from ``original_offset`` or later."""
        return bisect.bisect_left(self.origin, original_offset, 0, len(self.text))


# Runs of characters NFKC leaves alone (printable ASCII, kana, common CJK ideographs and
# punctuation) are copied as they are; only what lies between them is normalised one
# character cluster at a time.
_STABLE_RUN = re.compile(r"[\u0020-\u007e\u3001-\u3002\u300c-\u300f\u3041-\u3096\u30a1-\u30fa\u30fc\u4e00-\u9fff\n]+")


def normalize(original: str) -> NormalizedText:
    """Normalise ``original`` for matching and keep the offset map."""
    if original.isascii():
        return NormalizedText(original, original, original, tuple(range(len(original) + 1)))
    out: list[str] = []
    origin: list[int] = []
    n = len(original)
    pos = 0
    for m in _STABLE_RUN.finditer(original):
        start, end = m.start(), m.end()
        if end < n and _is_joiner(original[end]):
            end -= 1  # a voiced sound mark after the run joins the run's last character
        if end <= start:
            continue
        if start > pos:
            _normalize_slice(original, pos, start, out, origin)
        out.append(original[start:end])
        origin.extend(range(start, end))
        pos = end
    if pos < n:
        _normalize_slice(original, pos, n, out, origin)
    origin.append(n)
    text = "".join(out)
    return NormalizedText(original, text, text.translate(_HIRA_TO_KATA), tuple(origin))


def _normalize_slice(original: str, i: int, stop: int, out: list[str], origin: list[int]) -> None:
    while i < stop:
        j = i + 1
        while j < len(original) and _is_joiner(original[j]):
            j += 1
        norm = _nfkc(original[i:j])
        out.append(norm)
        origin.extend([i] * len(norm))
        i = j


def fold_kana_same_length(normalized: str) -> str:
    """Hiragana folded to katakana in already normalised text (same length)."""
    return normalized.translate(_HIRA_TO_KATA)


def fold_kana(text: str) -> str:
    """NFKC and hiragana folded to katakana, as matching sees a word."""
    return _nfkc(text).translate(_HIRA_TO_KATA)
