"""Word-list matching on morphemes: lemmas, surfaces, kana readings and multi-token sequences.

A list entry matches a span of the text when the span starts and ends on morpheme
boundaries and one of these holds:

* surface: the span's text equals the entry (``片手落ち`` whatever the tokeniser makes of it).
  An entry written with katakana also matches hiragana spellings (``バカ`` ← ``ばか``);
* lemma: the span's lemmas equal the entry's, which covers inflection and spelling variants
  (``うざかった`` ← ``うざい``, ``馬鹿`` ← ``バカ``);
* reading: a span written wholly in kana reads like the entry (``カクサンキボウ`` ← ``拡散希望``),
  for entries of three kana or more, so short homophones do not collide.

A match never covers part of a person's name (土方歳三 is a name, not the slur) nor part of a
longer word (バカンス, 裸足), and a multi-morpheme surface match is never glued together from
particles and auxiliaries (惑わさ|れ|ず is not レズ).

Entry syntax, as the rulebook writes it:

``word``
    plain entry;
``=word``
    surface only, no lemma or reading matching (for words whose lemma is too broad);
``^word``
    standalone only: not when glued to a neighbouring noun, as in a compound
    (アホウ|ドリ, 吉野|くず, くず|餅); markers combine (``^=クズ``);
``word~ない``
    the predicate ``word`` followed by a negation (できません, 見つからない, 納得していません);
``word~ほしい``
    the predicate ``word`` followed by a wish addressed to someone (消えてほしい, いなくなってくれ);
    both combine (``来る~ほしい~ない``);
``part+part``
    a lemma sequence where particles and the copula may stand between the parts or be left out
    (``性格+悪い``: 性格が悪い, 性格の悪い, 性格悪すぎ); a part ``*`` is any one noun or
    predicate, not as the first part (``正式+*+まだ``: 正式な発表はまだ, 正式なお知らせはまだ).
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import chain

from .morph import Token, tokenize
from .text import NormalizedText, fold_kana

NEGATION_SUFFIX = "~ない"
WISH_SUFFIX = "~ほしい"
GAP = "+"
_WISH_LEMMAS = frozenset({"欲しい", "呉れる"})
# What may stand in a ``+`` gap, at most three: particles, prefixes, the copula and た
# (が, の, は, お, だ/な/で, 決まった).
_GAP_POS = frozenset({"助詞", "接頭辞"})
_GAP_LEMMAS = frozenset({"だ", "です", "た"})
_GAP_MAX = 3
# ``正式+*+まだ``: one noun or verb of any kind (正式な発表はまだ, 正式なお知らせはまだ).
ANY_WORD = "*"
_CONTENT_POS = frozenset({"名詞", "動詞", "形容詞", "形状詞"})
_NEG_LEMMAS = frozenset({"ない", "無い", "ず", "ぬ"})
# Morphemes that may stand between a predicate and its negation: ます, て, いる, する …
_NEG_BRIDGE_POS = frozenset({"助動詞", "助詞"})
_NEG_WINDOW = 5
_FUNCTION_POS = frozenset({"助詞", "助動詞"})
_INFLECTING_POS = frozenset({"動詞", "形容詞", "助動詞"})
_KATAKANA = re.compile(r"[ァ-ヺ]")
_KANA_ONLY = re.compile(r"^[ぁ-ゖァ-ヺー]+$")
_MIN_READING = 3


@dataclass(frozen=True, slots=True)
class Hit:
    start: int
    """Offsets in the normalised text."""
    end: int
    word: str
    """The entry as written in the rulebook (without its markers)."""


@dataclass(slots=True)
class _Entry:
    word: str
    surface: str
    """NFKC surface; kana-folded when ``folded`` (the entry has katakana)."""
    folded: bool
    lemmas: tuple[str, ...]
    reading: str
    """Katakana reading for kana spellings, or '' when not used."""
    negated: bool
    standalone: bool
    has_function_words: bool
    """Whether the entry itself contains particles or auxiliaries (ここだけの話, と聞いた)."""
    wish: bool = False
    gaps: frozenset[int] = frozenset()
    """Indices of lemmas before which particles may stand (``+`` in the entry)."""
    keys: set[str] = field(default_factory=set)


@dataclass(frozen=True, slots=True)
class EntrySpec:
    word: str
    surface_only: bool = False
    negated: bool = False
    standalone: bool = False
    wish: bool = False

    @property
    def ident(self) -> str:
        return (
            ("^" if self.standalone else "")
            + ("=" if self.surface_only else "")
            + self.word
            + (WISH_SUFFIX if self.wish else "")
            + (NEGATION_SUFFIX if self.negated else "")
        )


def parse_entry(raw: str) -> EntrySpec:
    """Read an entry's markers: ``^`` standalone, ``=`` surface only, ``~ない`` negated,
    ``~ほしい`` wished for."""
    word = raw.strip()
    standalone = surface_only = False
    while word[:1] in ("^", "="):
        standalone |= word[0] == "^"
        surface_only |= word[0] == "="
        word = word[1:].strip()
    negated = word.endswith(NEGATION_SUFFIX)
    if negated:
        word = word[: -len(NEGATION_SUFFIX)].strip()
    wish = word.endswith(WISH_SUFFIX)
    if wish:
        word = word[: -len(WISH_SUFFIX)].strip()
    return EntrySpec(word, surface_only, negated, standalone, wish)


def _compile(spec: EntrySpec) -> _Entry:
    word, surface_only, negated = spec.word, spec.surface_only, spec.negated
    parts = [unicodedata.normalize("NFKC", part) for part in word.split(GAP)] if GAP in word else []
    normal = "".join(parts) if parts else unicodedata.normalize("NFKC", word)
    gaps: set[int] = set()
    if parts:
        own: list[Token] = []
        for part in parts:
            if own:
                gaps.add(len(own))
            if part == ANY_WORD:
                own.append(Token(0, 1, ANY_WORD, ANY_WORD, "記号", "", "", "", ""))
            else:
                own.extend(tokenize(part))
    else:
        own = tokenize(normal)
    folded = bool(_KATAKANA.search(normal))
    reading = ""
    if (
        not surface_only
        and not negated
        and not spec.wish
        and not gaps
        and not any(t.pos1 in _INFLECTING_POS for t in own)
    ):
        reading = "".join(t.reading for t in own)
        if len(reading) < _MIN_READING or not _KANA_ONLY.match(reading) or reading == fold_kana(normal):
            reading = ""
    return _Entry(
        word=word,
        surface=fold_kana(normal) if folded else normal,
        folded=folded,
        lemmas=() if surface_only else tuple(t.lemma for t in own),
        reading=reading,
        negated=negated,
        standalone=spec.standalone,
        has_function_words=any(t.pos1 in _FUNCTION_POS for t in own),
        wish=spec.wish,
        gaps=frozenset(gaps),
    )


class Lexicon:
    """All word lists of a rulebook compiled into one index, matched in one pass."""

    def __init__(self) -> None:
        self._entries: dict[str, _Entry] = {}
        # (first two characters, text to search) -> entries; the text is "folded" or "plain".
        self._by_char: dict[tuple[str, bool], list[tuple[str, _Entry, bool]]] = defaultdict(list)
        self._by_lemma: dict[str, list[_Entry]] = defaultdict(list)

    def add(self, key: str, raw_words: Iterable[str]) -> None:
        """Register ``raw_words`` under the list ``key``."""
        for raw in raw_words:
            spec = parse_entry(raw)
            if not spec.word:
                continue
            entry = self._entries.get(spec.ident)
            if entry is None:
                entry = _compile(spec)
                self._entries[spec.ident] = entry
                if not (spec.negated or spec.wish):
                    self._by_char[(entry.surface[:2], entry.folded)].append((entry.surface, entry, False))
                if entry.reading:
                    self._by_char[(entry.reading[:2], True)].append((entry.reading, entry, True))
                if entry.lemmas:
                    self._by_lemma[entry.lemmas[0]].append(entry)
            entry.keys.add(key)

    def match(self, nt: NormalizedText, tokens: Sequence[Token]) -> dict[str, list[Hit]]:
        """Every hit in the text, grouped by list key."""
        return self.match_text(nt.text, nt.folded, tokens)

    def match_text(self, text: str, folded: str, tokens: Sequence[Token]) -> dict[str, list[Hit]]:
        """Every hit in ``text`` (normalised; ``folded`` is its kana-folded copy), by list key."""
        hits: dict[str, list[Hit]] = defaultdict(list)
        if not tokens:
            return hits
        texts = {True: folded, False: text}
        end_index = {t.end: i for i, t in enumerate(tokens)}
        names = {i for i, t in enumerate(tokens) if t.pos3 == "人名"}
        function = [t.pos1 in _FUNCTION_POS for t in tokens]
        by_char, by_lemma = self._by_char, self._by_lemma
        seen: set[tuple[int, int, int]] = set()

        def emit(entry: _Entry, i: int, j: int) -> None:
            """Tokens i..j inclusive."""
            if names and any(k in names for k in range(i, j + 1)):
                return
            if entry.standalone and _glued(tokens, i, j):
                return
            mark = (i, j, id(entry))
            if mark in seen:
                return
            seen.add(mark)
            hit = Hit(tokens[i].start, tokens[j].end, entry.word)
            for key in entry.keys:
                hits[key].append(hit)

        n = len(tokens)
        for i, tok in enumerate(tokens):
            for kana_folded in (True, False):
                searched = texts[kana_folded]
                head = searched[tok.start : tok.start + 2]
                for surface, entry, by_reading in chain(
                    by_char.get((head, kana_folded), ()), by_char.get((head[:1], kana_folded), ())
                ):
                    if not searched.startswith(surface, tok.start):
                        continue
                    j = end_index.get(tok.start + len(surface))
                    if j is None:
                        continue
                    if by_reading and not _KANA_ONLY.match(text[tok.start : tokens[j].end]):
                        continue
                    # Across several morphemes, a kana run must not be glued from particles
                    # and auxiliaries.
                    if j == i or entry.has_function_words or not any(function[i : j + 1]):
                        emit(entry, i, j)
            lemma_candidates = by_lemma.get(tok.lemma)
            if lemma_candidates:
                for entry in lemma_candidates:
                    size = len(entry.lemmas)
                    if entry.gaps:
                        found = _match_with_gaps(tokens, i, entry)
                        if found is None:
                            continue
                        j = found
                    else:
                        if i + size > n:
                            continue
                        if size > 1 and any(tokens[i + k].lemma != entry.lemmas[k] for k in range(1, size)):
                            continue
                        j = i + size - 1
                    if entry.wish:
                        wished = _wish_after(tokens, j, entry.negated)
                        if wished is None:
                            continue
                        j = wished
                    if entry.negated:
                        neg = _negation_after(tokens, j)
                        if neg is None:
                            continue
                        j = neg
                    emit(entry, i, j)
        return hits


def _match_with_gaps(tokens: Sequence[Token], i: int, entry: _Entry) -> int | None:
    """Index of the last token when ``entry``'s lemmas match from token ``i`` with its gaps."""
    n, k = len(tokens), i
    for index, lemma in enumerate(entry.lemmas):
        if index:
            k += 1
            if index in entry.gaps:
                skipped = 0
                while (
                    k < n
                    and skipped < _GAP_MAX
                    and tokens[k].lemma != lemma
                    and (tokens[k].pos1 in _GAP_POS or tokens[k].lemma in _GAP_LEMMAS)
                ):
                    k += 1
                    skipped += 1
        if k >= n or (tokens[k].lemma != lemma and not (lemma == ANY_WORD and tokens[k].pos1 in _CONTENT_POS)):
            return None
    return k


def _wish_after(tokens: Sequence[Token], j: int, negated: bool) -> int | None:
    """Index of 欲しい / くれ wishing for the predicate that ends at token ``j`` (消えてほしい).

    Unless the entry is negated itself (``来る~ほしい~ない``), a negated wish is no wish.
    """
    for k in range(j + 1, min(len(tokens), j + 1 + _NEG_WINDOW)):
        tok = tokens[k]
        if tok.lemma in _WISH_LEMMAS:
            # 消えてほしくない is the opposite of a wish for harm.
            return None if not negated and _negation_after(tokens, k) is not None else k
        if tok.pos1 in _NEG_BRIDGE_POS:
            continue
        return None
    return None


def _negation_after(tokens: Sequence[Token], j: int) -> int | None:
    """Index of a negation closing the predicate that ends at token ``j``, if any."""
    for k in range(j + 1, min(len(tokens), j + 1 + _NEG_WINDOW)):
        tok = tokens[k]
        if tok.lemma in _NEG_LEMMAS:
            return k
        if tok.pos1 in _NEG_BRIDGE_POS or tok.pos2 == "非自立可能":
            continue
        return None
    return None


def _is_compound_part(tok: Token) -> bool:
    return (
        (tok.pos1 == "名詞" and tok.pos2 == "固有名詞")
        or (tok.pos1 == "名詞" and tok.pos2 == "普通名詞" and tok.pos3 == "一般")
        or tok.pos1 == "接尾辞"
    )


def _glued(tokens: Sequence[Token], i: int, j: int) -> bool:
    """Whether tokens i..j are glued to a noun on either side, as part of a compound."""
    before = tokens[i - 1] if i > 0 else None
    after = tokens[j + 1] if j + 1 < len(tokens) else None
    return (before is not None and before.end == tokens[i].start and _is_compound_part(before)) or (
        after is not None and after.start == tokens[j].end and _is_compound_part(after)
    )
