"""Morphological analysis with fugashi + unidic-lite, reduced to what the detectors need."""

from __future__ import annotations

import threading
from typing import Any, NamedTuple

import fugashi

_local = threading.local()


def _tagger() -> Any:
    """One MeCab tagger per thread: fugashi taggers are not safe to share across threads."""
    tagger = getattr(_local, "tagger", None)
    if tagger is None:
        tagger = fugashi.Tagger()
        _local.tagger = tagger
    return tagger


class Token(NamedTuple):
    start: int
    """Offset in the normalised text."""
    end: int
    surface: str
    lemma: str
    """UniDic lemma (語彙素), e.g. 馬鹿 for バカ; the surface when UniDic has none."""
    pos1: str
    pos2: str
    pos3: str
    cform: str
    reading: str
    """Katakana reading of the lemma form (語彙素読み), used to match kana spellings."""

    @property
    def is_person_name(self) -> bool:
        return self.pos2 == "固有名詞" and self.pos3 == "人名"

    @property
    def is_noun(self) -> bool:
        return self.pos1 in ("名詞", "代名詞") or (self.pos1 == "接尾辞" and self.pos2 == "名詞的")

    @property
    def is_predicate(self) -> bool:
        return self.pos1 in ("動詞", "形容詞", "助動詞")


_BLANKS = str.maketrans({"\t": " ", "\r": " ", "\n": " "})
_POS_CACHE: dict[str, tuple[str, str, str]] = {}


def _pos(tags: str) -> tuple[str, str, str]:
    parsed = _POS_CACHE.get(tags)
    if parsed is None:
        parts = [*tags.split("-"), "", "", ""]
        parsed = _POS_CACHE[tags] = (parts[0], parts[1], parts[2])
    return parsed


def tokenize(text: str) -> list[Token]:
    """Tokenise ``text``; offsets are into ``text`` itself.

    Reads MeCab's tab-separated output rather than fugashi's node objects: building a
    feature tuple per node costs four times the analysis itself. Columns of unidic-lite's
    output: surface, pron, kana, lemma, pos (joined by '-'), conj. type, conj. form, accent.
    """
    tokens: list[Token] = []
    pos = 0
    find = text.find
    for line in _tagger().parse(text.translate(_BLANKS)).split("\n"):
        cols = line.split("\t")
        if len(cols) < 5:
            continue  # "EOS" and blank lines
        surface = cols[0]
        start = find(surface, pos)
        if start < 0:  # never expected; keep offsets monotonic rather than fail
            start = pos
        end = start + len(surface)
        p1, p2, p3 = _pos(cols[4])
        tokens.append(
            Token(start, end, surface, cols[3] or surface, p1, p2, p3, cols[6] if len(cols) > 6 else "", cols[2])
        )
        pos = end
    return tokens
