"""Everything the detectors share about one text, computed once per check."""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property

from ..text_entities import Email, PhoneNumber, TextEntities, Url, scan
from .finding import CheckContext
from .lexicon import Hit
from .morph import Token
from .text import NormalizedText

_SENTENCE_END = re.compile(r"[。!?\n]+")


def sentence_starts(text: str) -> list[int]:
    """Where each sentence of ``text`` starts: after 。 ! ? and line breaks."""
    starts = [0]
    for m in _SENTENCE_END.finditer(text):
        if m.end() < len(text):
            starts.append(m.end())
    return starts


@dataclass
class Analysis:
    nt: NormalizedText
    sentences: list[tuple[int, Sequence[Token]]]
    """(offset, tokens) of each sentence; token offsets are relative to their sentence, which
    lets the checker reuse a sentence's analysis unchanged wherever the sentence moves."""
    hits: dict[str, list[Hit]]
    context: CheckContext
    _sentence_starts: list[int] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._sentence_starts = [offset for offset, _ in self.sentences] or [0]

    @cached_property
    def tokens(self) -> list[Token]:
        """All tokens with offsets in the whole text (built on demand)."""
        out: list[Token] = []
        for offset, tokens in self.sentences:
            out.extend(t if not offset else t._replace(start=t.start + offset, end=t.end + offset) for t in tokens)
        return out

    def sentence_of(self, offset: int) -> int:
        return bisect.bisect_right(self._sentence_starts, offset) - 1

    @cached_property
    def entities(self) -> TextEntities:
        """URLs, e-mail addresses and phone numbers of the normalised text (found on first use)."""
        return scan(self.nt.text)

    @property
    def urls(self) -> tuple[Url, ...]:
        return self.entities.urls

    @property
    def emails(self) -> tuple[Email, ...]:
        return self.entities.emails

    @property
    def phone_numbers(self) -> tuple[PhoneNumber, ...]:
        return self.entities.phone_numbers

    def sentences_with(self, key: str) -> set[int]:
        return {self.sentence_of(h.start) for h in self.hits.get(key, ())}
