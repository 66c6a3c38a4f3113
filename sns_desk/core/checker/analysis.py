"""Everything the detectors share about one text, computed once per check."""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from urllib.parse import urlsplit

from .finding import CheckContext
from .lexicon import Hit
from .morph import Token
from .text import NormalizedText

_SENTENCE_END = re.compile(r"[。!?\n]+")
# A link with a scheme, or a bare host followed by a path (bit.ly/abc), or www.host.
_URL = re.compile(
    r"https?://[A-Za-z0-9\-._~:/?#@!$&*+,;=%]+"
    r"|(?<![\w.@/-])(?:www\.)?(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,}(?:/[^\s<>\"'、。「」『』()]*|(?=[\s、。)]|$))",
    re.IGNORECASE,
)
_BARE_HOST_ONLY = re.compile(r"^(?:[a-z0-9-]+\.)+[a-z]{2,}$", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Url:
    start: int
    end: int
    text: str
    host: str
    path: str
    port: int | None


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
    def urls(self) -> list[Url]:
        out = []
        for m in _URL.finditer(self.nt.text):
            raw = m.group(0).rstrip(".,;:!?")
            if "://" not in raw and not ("/" in raw or raw.lower().startswith("www.")):
                # A bare "word.word" with no path: a file name or an abbreviation, not a link.
                continue
            if "://" not in raw and not _BARE_HOST_ONLY.match(raw.split("/", 1)[0]):
                continue
            parts = urlsplit(raw if "://" in raw else "http://" + raw)
            try:
                port = parts.port
            except ValueError:
                port = None
            host = (parts.hostname or "").lower().rstrip(".")
            if host:
                out.append(Url(m.start(), m.start() + len(raw), raw, host, parts.path, port))
        return out

    def sentences_with(self, key: str) -> set[int]:
        return {self.sentence_of(h.start) for h in self.hits.get(key, ())}
