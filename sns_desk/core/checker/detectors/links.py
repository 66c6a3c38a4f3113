"""Links and quotes (第9条第2項): URL shorteners, third-party pages, others' posts."""

from __future__ import annotations

import re
from collections.abc import Iterable

from ...rulebook.model import Rule, Rulebook
from ..analysis import Analysis
from ..domains import DomainSet
from ..lexicon import Lexicon
from .base import Detector, Raw
from .security import is_internal_ip


class ShortenerDetector(Detector):
    """Links through a URL shortener, which hide the real domain."""

    kind = "shortener"

    def __init__(self, rule: Rule, rulebook: Rulebook, lexicon: Lexicon) -> None:
        super().__init__(rule, rulebook, lexicon)
        self.domains = DomainSet(self.param_words("domains"))

    def find(self, a: Analysis) -> Iterable[Raw]:
        for url in a.urls:
            if self.domains.contains(url.host):
                yield Raw(url.start, url.end, detail=f"({url.host})")


class ExternalLinkDetector(Detector):
    """Links to pages outside the city's and government domains.

    Shorteners and internal hosts have rules of their own and are not reported twice.
    """

    kind = "external_link"

    def __init__(self, rule: Rule, rulebook: Rulebook, lexicon: Lexicon) -> None:
        super().__init__(rule, rulebook, lexicon)
        self.allowed = DomainSet(rulebook.allowed_domains + rulebook.city.domains)
        self.skip = DomainSet(self.param_words("skip_domains"))

    def find(self, a: Analysis) -> Iterable[Raw]:
        for url in a.urls:
            host = url.host
            if self.allowed.contains(host) or self.skip.contains(host) or is_internal_ip(host):
                continue
            yield Raw(url.start, url.end, detail=f"({host})")


class PatternDetector(Detector):
    """Hits of a regular expression from the rulebook (e.g. ``RT @user``)."""

    kind = "pattern"

    def __init__(self, rule: Rule, rulebook: Rulebook, lexicon: Lexicon) -> None:
        super().__init__(rule, rulebook, lexicon)
        patterns = self.param("patterns")
        if not isinstance(patterns, list) or not patterns:
            raise self.fail("params.patterns(正規表現の一覧)がありません")
        compiled = []
        item_lines = getattr(patterns, "lines", [])
        for i, p in enumerate(patterns):
            try:
                compiled.append(re.compile(str(p), re.IGNORECASE))
            except re.error as exc:
                line = item_lines[i] if i < len(item_lines) else None
                raise self.fail(f"正規表現「{p}」が正しくありません({exc})", line) from None
        self.patterns = compiled

    def find(self, a: Analysis) -> Iterable[Raw]:
        for pattern in self.patterns:
            for m in pattern.finditer(a.nt.text):
                if m.end() > m.start():
                    yield Raw(m.start(), m.end())
