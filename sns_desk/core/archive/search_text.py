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


def highlight_spans(text: str, terms: list[str]) -> list[tuple[int, int]]:
    """Where the terms occur in ``text``, as sorted, non-overlapping ``(start, end)`` offsets into ``text``.

    Each character is normalised on its own so that offsets map back exactly; a hit that starts or ends
    inside the expansion of one character (e.g. ``㍻``) covers that whole character.
    """
    if not terms:
        return []
    normalised = search_key(text)
    owner: range | list[int]
    if len(normalised) == len(text):
        owner = range(len(text))  # the usual case: every character folds to one character
    else:
        pieces: list[str] = []
        owner = []  # normalised offset -> original offset
        for index, char in enumerate(text):
            folded = char.casefold() if char.isascii() else search_key(char)
            pieces.append(folded)
            owner.extend([index] * len(folded))
        normalised = "".join(pieces)
    spans: list[tuple[int, int]] = []
    for term in terms:
        start = normalised.find(term)
        while start != -1:
            end = start + len(term)
            spans.append((owner[start], owner[end - 1] + 1))
            start = normalised.find(term, end)
    spans.sort()
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged
