"""How archive text is normalised for search, and where a query's hits are in the original text.

Search folds the forms staff type interchangeably: full-width and half-width letters, digits and
katakana (NFKC) and upper and lower case. The index holds :func:`search_key` of each text; a query
is split on spaces (half- or full-width) into terms that must all occur.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Final

_SPACES: Final = re.compile(r"\s+")


def search_key(text: str) -> str:
    """``text`` as the search index holds it."""
    return unicodedata.normalize("NFKC", text).casefold()


def spaced(key: str) -> str:
    """``key`` with a space between characters: a word index then holds every single character."""
    return " ".join(key)


def query_terms(query: str) -> list[str]:
    """The normalised terms of a query, without duplicates, longest first."""
    terms = {term for term in _SPACES.split(search_key(query)) if term}
    return sorted(terms, key=lambda term: (-len(term), term))


_JOINERS: Final = frozenset("\uff9e\uff9f\u3099\u309a")
"""Marks that NFKC folds into the character before them (half-width ﾞ ﾟ and the combining kana marks)."""


def highlight_spans(text: str, terms: list[str]) -> list[tuple[int, int]]:
    """Where the terms occur in ``text``, as sorted, non-overlapping ``(start, end)`` offsets into ``text``.

    The text is folded in clusters -- a character with the marks that join it (ﾊﾞ → バ, combining
    accents) -- so that offsets map back exactly; a hit that starts or ends inside the expansion of one
    cluster (e.g. ``㍻``) covers that whole cluster.
    """
    if not terms:
        return []
    folded = text.casefold()
    starts: range | list[int]
    ends: range | list[int]
    if len(folded) == len(text) and unicodedata.is_normalized("NFKC", text):
        normalised = folded  # the usual case: every character folds to exactly one character
        starts = range(len(text))
        ends = range(1, len(text) + 1)
    else:
        pieces: list[str] = []
        starts, ends = [], []
        index = 0
        while index < len(text):
            end = index + 1
            while end < len(text) and (text[end] in _JOINERS or unicodedata.combining(text[end])):
                end += 1
            piece = search_key(text[index:end])
            pieces.append(piece)
            starts.extend([index] * len(piece))
            ends.extend([end] * len(piece))
            index = end
        normalised = "".join(pieces)
    spans: list[tuple[int, int]] = []
    for term in terms:
        found = normalised.find(term)
        while found != -1:
            last = found + len(term) - 1
            spans.append((starts[found], ends[last]))
            found = normalised.find(term, found + len(term))
    spans.sort()
    merged: list[tuple[int, int]] = []
    for begin, end in spans:
        if merged and begin <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((begin, end))
    return merged
