"""Domain allow- and deny-lists with ``*.lg.jp`` and ``city.*.jp`` style wildcards."""

from __future__ import annotations

import re
from collections.abc import Iterable

_LABELS = r"[a-z0-9-]+(?:\.[a-z0-9-]+)*"


class DomainSet:
    """``example.jp`` matches itself and its subdomains; ``*.lg.jp`` matches any subdomain.

    A ``*`` inside a pattern stands for one or more labels: ``city.*.jp`` matches
    ``city.kure.hiroshima.jp`` and ``www.city.kure.hiroshima.jp`` (a city's own domain under
    the prefecture), not ``city.jp`` or ``mycity.example.jp``.
    """

    def __init__(self, patterns: Iterable[str]) -> None:
        self._suffixes: set[str] = set()
        wildcards: list[str] = []
        for pattern in patterns:
            p = pattern.strip().lower().rstrip(".")
            if p.startswith("*."):
                p = p[2:]
            if "*" in p:
                wildcards.append(r"\.".join(_LABELS if label == "*" else re.escape(label) for label in p.split(".")))
            elif p:
                self._suffixes.add(p)
        self._wildcard = re.compile(rf"(?:^|\.)(?:{'|'.join(wildcards)})$") if wildcards else None

    def contains(self, host: str) -> bool:
        host = host.lower().rstrip(".")
        # The host and each of its parent domains, looked up (a.b.c.jp, b.c.jp, c.jp, jp).
        labels = host.split(".")
        if any(".".join(labels[i:]) in self._suffixes for i in range(len(labels))):
            return True
        return self._wildcard is not None and self._wildcard.search(host) is not None
