"""What every detector is: built once from its rule, run on every check."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, ClassVar

from ...rulebook.errors import RulebookError
from ...rulebook.model import Rule, Rulebook
from ..analysis import Analysis
from ..lexicon import Lexicon


@dataclass(frozen=True, slots=True)
class Raw:
    """A detector's hit before it becomes a Finding; offsets in the normalised text."""

    start: int
    end: int
    detail: str = ""
    """Appended to the rule's message (what exactly was found)."""
    suggestion: str | None = None
    severity: str | None = None
    """Overrides the rule's severity for this hit (e.g. a weaker case)."""


class Detector:
    """Base class. Subclasses set ``kind`` and implement :meth:`find`."""

    kind: ClassVar[str] = ""

    def __init__(self, rule: Rule, rulebook: Rulebook, lexicon: Lexicon) -> None:
        self.rule = rule
        self.rulebook = rulebook

    def find(self, a: Analysis) -> Iterable[Raw]:
        raise NotImplementedError

    # Helpers for reading params with errors that point at the rule.
    def fail(self, problem: str, line: int | None = None) -> RulebookError:
        """An error at ``line`` (default: the rule's ``params`` line, else the rule's first line)."""
        where = line or self.rule.lines.get("params") or self.rule.line
        return RulebookError(self.rulebook.path, where, f"ルール {self.rule.id}: {problem}")

    def param(self, name: str, default: Any = None) -> Any:
        return self.rule.params.get(name, default)

    def param_words(self, name: str) -> tuple[str, ...]:
        """A param that is a list of words, or a ``$list`` reference, or a list mixing both."""
        value = self.rule.params.get(name)
        if value is None:
            return ()
        items = value if isinstance(value, list) else [value]
        out: list[str] = []
        for item in items:
            if not isinstance(item, str):
                raise self.fail(f"params.{name} は語の一覧か $語リスト名 で書いてください")
            if item.startswith("$"):
                if item[1:] not in self.rulebook.lists:
                    raise self.fail(f"params.{name} が参照する語リスト「{item}」がありません")
                out.extend(expand_list(self.rulebook, item[1:]))
            else:
                out.append(item)
        return tuple(out)

    def register_words(self, lexicon: Lexicon, name: str) -> str:
        """Register the params word list ``name`` in the lexicon; return its hit key."""
        key = f"param:{self.rule.id}:{name}"
        lexicon.add(key, self.param_words(name))
        return key


def expand_list(rulebook: Rulebook, name: str, seen: frozenset[str] = frozenset()) -> list[str]:
    """The words of list ``name``; an item ``$other`` stands for the words of list ``other``."""
    out: list[str] = []
    for word in rulebook.lists[name]:
        ref = word[1:] if word.startswith("$") else None
        if ref is not None and ref in rulebook.lists and ref not in seen and ref != name:
            out.extend(expand_list(rulebook, ref, seen | {name}))
        else:
            out.append(word)
    return out
