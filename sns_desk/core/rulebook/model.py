"""The rulebook (第10条): every rule as data, as the operations manager maintains it."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ARTICLES = frozenset({"6-5", "6-6", "7-1", "7-2", "7-3", "7-4", "7-5", "7-6", "7-7", "7-8", "7-9", "9-2-1", "9-2-2"})
SEVERITIES = ("error", "warning", "info")
COUNTING_RULES = ("twitter", "graphemes", "utf16", "codepoints")


@dataclass(frozen=True, slots=True)
class Platform:
    id: str
    name: str
    counting: str
    """How the platform counts: twitter (X's weighted count), graphemes, utf16, codepoints."""
    limit: int
    source: str
    """Where the limit comes from, for the operations manager to re-check."""
    max_hashtags: int | None = None


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    article: str
    severity: str
    detector: str
    message: str
    line: int
    """Line of the rule in its file, for error messages."""
    words: tuple[str, ...] = ()
    suggestions: dict[str, str] = field(default_factory=dict)
    """Replacement text for a matched word."""
    requires: tuple[str, ...] = ()
    """List references (``$name``) or words; every one must occur in the same sentence."""
    requires_any: tuple[str, ...] = ()
    """At least one must occur in the same sentence."""
    unless: tuple[str, ...] = ()
    """Any one occurring in the same sentence silences the rule."""
    params: dict[str, Any] = field(default_factory=dict)
    """Detector-specific settings (patterns, domains, thresholds)."""
    lines: dict[str, int] = field(default_factory=dict)
    """Line of each of the rule's fields, for error messages that point at the field."""


@dataclass(frozen=True, slots=True)
class CitySettings:
    name: str = ""
    phones: tuple[str, ...] = ()
    addresses: tuple[str, ...] = ()
    domains: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Rulebook:
    version: str
    title: str
    path: Path | None
    city: CitySettings
    allowed_domains: tuple[str, ...]
    """Domains whose links are not third-party pages: ``*.lg.jp`` style wildcards allowed."""
    platforms: dict[str, Platform]
    lists: dict[str, tuple[str, ...]]
    rules: tuple[Rule, ...]
    digest: str = ""
    """SHA-256 of the rulebook's text: which rulebook a check, a submission or an approval used."""

    def rule(self, rule_id: str) -> Rule:
        for rule in self.rules:
            if rule.id == rule_id:
                return rule
        raise KeyError(rule_id)
