"""Offsets between Python strings (code points) and Qt text positions (UTF-16 code units).

The checker reports spans in code points of the text; ``QTextCursor`` positions count UTF-16
code units, so every character outside the Basic Multilingual Plane (most emoji) before a span
shifts it by one more unit in Qt.
"""

from __future__ import annotations

import bisect
import re

_BMP_END = 0xFFFF
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


class Utf16Map:
    """Code-point offsets of one text to UTF-16 positions, in O(log n) per lookup.

    Converting each finding's offsets from the start of the text would cost the length of the
    text per finding; hundreds of findings in a long text would then block the UI thread.
    """

    def __init__(self, text: str) -> None:
        self._length = len(text)
        self._astral = [m.start() for m in _ASTRAL.finditer(text)]

    def position(self, offset: int) -> int:
        offset = max(0, min(offset, self._length))
        return offset + bisect.bisect_left(self._astral, offset)

    def span(self, start: int, end: int) -> tuple[int, int]:
        first = self.position(start)
        return first, max(first, self.position(end))


def codepoint_to_utf16(text: str, offset: int) -> int:
    """The UTF-16 position of code-point ``offset`` in ``text`` (clamped to the text)."""
    return Utf16Map(text).position(offset)


def utf16_to_codepoint(text: str, position: int) -> int:
    """The code-point offset of UTF-16 ``position`` in ``text``.

    A position inside a surrogate pair maps to the character it splits; positions past the end
    are clamped to ``len(text)``.
    """
    seen = 0
    for index, ch in enumerate(text):
        if seen >= position:
            return index
        seen += 2 if ord(ch) > _BMP_END else 1
        if seen > position:
            return index
    return len(text)


def span_to_utf16(text: str, start: int, end: int) -> tuple[int, int]:
    """A code-point span ``[start, end)`` of ``text`` as UTF-16 positions."""
    return Utf16Map(text).span(start, end)
