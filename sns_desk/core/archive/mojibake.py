"""Undoing the mojibake in Meta's (Facebook and Instagram) JSON exports.

Meta writes every UTF-8 *byte* of a non-ASCII character as its own ``\\u00XX`` escape, so "東" (``E6 9D B1``)
arrives as the three characters ``"æ\\x9d±"`` and an emoji as four. Encoding such a string as Latin-1 gives the
original UTF-8 bytes back. A string that is already correct (it has a character above U+00FF) or that is real
Latin-1 text ("café": its bytes are not valid UTF-8) is left as it is.
"""

from __future__ import annotations

import json
from typing import Any

__all__ = ["loads_meta_json", "repair_mojibake", "repair_strings"]


def repair_mojibake(text: str) -> str:
    """``text`` with Meta's byte-per-character UTF-8 decoded, or unchanged when it is not such a string."""
    if text.isascii():
        return text
    try:
        return text.encode("latin-1").decode("utf-8")
    except UnicodeError:  # a character above U+00FF, or bytes that are not UTF-8: not mojibake
        return text


def _repair_list(items: list[Any]) -> list[Any]:
    """Repair the strings of a list in place; objects inside were already repaired by the hook."""
    for index, item in enumerate(items):
        if isinstance(item, str):
            if not item.isascii():
                items[index] = repair_mojibake(item)
        elif isinstance(item, list):
            _repair_list(item)
    return items


def _object_pairs_hook(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if isinstance(value, str):
            if not value.isascii():
                value = repair_mojibake(value)
        elif isinstance(value, list):
            _repair_list(value)
        result[key if key.isascii() else repair_mojibake(key)] = value
    return result


def loads_meta_json(text: str) -> Any:
    """:func:`json.loads` with every string (keys too) passed through :func:`repair_mojibake`.

    Raises :class:`json.JSONDecodeError` and :class:`RecursionError` as :func:`json.loads` does.
    """
    value = json.loads(text, object_pairs_hook=_object_pairs_hook)
    if isinstance(value, str):
        return repair_mojibake(value)
    if isinstance(value, list):
        return _repair_list(value)
    return value


def repair_strings(value: Any) -> Any:
    """A copy of decoded JSON ``value`` with every string (keys too) passed through :func:`repair_mojibake`."""
    if isinstance(value, str):
        return repair_mojibake(value)
    if isinstance(value, list):
        return [repair_strings(item) for item in value]
    if isinstance(value, dict):
        return {
            repair_mojibake(key) if isinstance(key, str) else key: repair_strings(item) for key, item in value.items()
        }
    return value
