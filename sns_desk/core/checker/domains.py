"""Domain allow- and deny-lists with ``*.lg.jp`` style wildcards."""

from __future__ import annotations

from collections.abc import Iterable


class DomainSet:
    """``example.jp`` matches itself and its subdomains; ``*.lg.jp`` matches any subdomain."""

    def __init__(self, patterns: Iterable[str]) -> None:
        self._suffixes: list[str] = []
        for pattern in patterns:
            p = pattern.strip().lower().rstrip(".")
            if p.startswith("*."):
                p = p[2:]
            if p:
                self._suffixes.append(p)

    def contains(self, host: str) -> bool:
        host = host.lower().rstrip(".")
        return any(host == s or host.endswith("." + s) for s in self._suffixes)
