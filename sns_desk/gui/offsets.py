"""Offsets between Python strings (code points) and Qt text positions (UTF-16 code units).

The checker reports spans in code points of the text; ``QTextCursor`` positions count UTF-16
code units, so every character outside the Basic Multilingual Plane (most emoji) before a span
shifts it by one more unit in Qt.
"""

from __future__ import annotations

_BMP_END = 0xFFFF


def codepoint_to_utf16(text: str, offset: int) -> int:
    """The UTF-16 position of code-point ``offset`` in ``text`` (clamped to the text)."""
    offset = max(0, min(offset, len(text)))
    return offset + sum(1 for ch in text[:offset] if ord(ch) > _BMP_END)


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
    first = codepoint_to_utf16(text, start)
    return first, max(first, codepoint_to_utf16(text, end))
