"""The checker: a compiled rulebook run over a text."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from ..rulebook.errors import RulebookError
from ..rulebook.model import Rule, Rulebook
from .analysis import Analysis, sentence_starts
from .detectors import DETECTORS, Detector, Raw
from .detectors.base import expand_list
from .finding import CheckContext, Finding, Severity
from .lexicon import Hit, Lexicon
from .morph import Token, tokenize
from .text import fold_kana_same_length, normalize


def list_key(ref: str) -> str:
    """The lexicon key of a context reference: ``$name`` is a named list, else a single word."""
    return ref if ref.startswith("$") else f"word:{ref}"


@dataclass(frozen=True, slots=True)
class _Gate:
    """A rule's context condition, evaluated on the sentence of each hit (or the whole post)."""

    requires: tuple[str, ...]
    requires_any: tuple[str, ...]
    unless: tuple[str, ...]
    whole_post: bool
    """``params.scope: post``: requires/requires_any look at the whole post, not the sentence."""
    unless_whole_post: bool
    """``params.unless_scope: post``: a post that warns anywhere is a warning post."""

    def allows(self, a: Analysis, raw: Raw, cache: dict[str, set[int]]) -> bool:
        sentence = a.sentence_of(raw.start)

        def present(key: str, whole_post: bool) -> bool:
            sentences = cache.get(key)
            if sentences is None:
                sentences = cache[key] = a.sentences_with(key)
            return bool(sentences) if whole_post else sentence in sentences

        if any(present(k, self.unless_whole_post) for k in self.unless):
            return False
        if not all(present(k, self.whole_post) for k in self.requires):
            return False
        return not self.requires_any or any(present(k, self.whole_post) for k in self.requires_any)


@dataclass(frozen=True, slots=True)
class _Compiled:
    rule: Rule
    detector: Detector
    gate: _Gate | None


class Checker:
    """``Checker(rulebook).check(text, context)`` → findings in text order.

    Construction compiles every word list into one morpheme index and builds each rule's
    detector; a rule the code cannot honour raises :class:`RulebookError` naming its line.
    """

    def __init__(self, rulebook: Rulebook) -> None:
        self.rulebook = rulebook
        self.lexicon = Lexicon()
        for name in rulebook.lists:
            self.lexicon.add(f"${name}", expand_list(rulebook, name))
        compiled = []
        for rule in rulebook.rules:
            cls = DETECTORS.get(rule.detector)
            if cls is None:
                raise RulebookError(
                    rulebook.path,
                    rule.lines.get("detector", rule.line),
                    f"ルール {rule.id} の検出方式「{rule.detector}」はありません"
                    f"(使えるもの: {', '.join(sorted(DETECTORS))})",
                )
            detector = cls(rule, rulebook, self.lexicon)
            compiled.append(_Compiled(rule, detector, self._gate(rule)))
        self._compiled = tuple(compiled)
        self._sentence = lru_cache(maxsize=4096)(self._analyse_sentence)

    def _analyse_sentence(self, sentence: str) -> tuple[tuple[Token, ...], dict[str, tuple[Hit, ...]]]:
        """Morphemes and word-list hits of one sentence, offsets relative to it.

        Cached by the sentence's text: while a post is typed only the edited sentence is
        analysed again.
        """
        tokens = tokenize(sentence)
        hits = self.lexicon.match_text(sentence, fold_kana_same_length(sentence), tokens)
        return tuple(tokens), {key: tuple(found) for key, found in hits.items()}

    def _gate(self, rule: Rule) -> _Gate | None:
        if not (rule.requires or rule.requires_any or rule.unless):
            return None
        keys: dict[str, tuple[str, ...]] = {}
        for field_name in ("requires", "requires_any", "unless"):
            refs: tuple[str, ...] = getattr(rule, field_name)
            for ref in refs:
                if not ref.startswith("$"):
                    self.lexicon.add(list_key(ref), [ref])
            keys[field_name] = tuple(list_key(r) for r in refs)
        scope = rule.params.get("scope", "sentence")
        unless_scope = rule.params.get("unless_scope", scope)
        for name, value in (("scope", scope), ("unless_scope", unless_scope)):
            if value not in ("sentence", "post"):
                raise RulebookError(
                    self.rulebook.path,
                    rule.lines.get("params", rule.line),
                    f"ルール {rule.id} の params.{name} は sentence か post にしてください",
                )
        return _Gate(keys["requires"], keys["requires_any"], keys["unless"], scope == "post", unless_scope == "post")

    def check(self, text: str, context: CheckContext | None = None) -> list[Finding]:
        if context is None:
            context = CheckContext()
        if not text.strip():
            return []
        nt = normalize(text)
        starts = sentence_starts(nt.text)
        sentences: list[tuple[int, Sequence[Token]]] = []
        hits: dict[str, list[Hit]] = defaultdict(list)
        for start, end in zip(starts, [*starts[1:], len(nt.text)], strict=True):
            sentence_tokens, sentence_hits = self._sentence(nt.text[start:end])
            sentences.append((start, sentence_tokens))
            for key, found in sentence_hits.items():
                if start:
                    hits[key].extend(Hit(h.start + start, h.end + start, h.word) for h in found)
                else:
                    hits[key].extend(found)
        a = Analysis(nt, sentences, hits, context)
        cache: dict[str, set[int]] = {}
        findings: list[Finding] = []
        for c in self._compiled:
            taken: list[tuple[int, int, str]] = []
            for raw in c.detector.find(a):
                if c.gate is not None and not c.gate.allows(a, raw, cache):
                    continue
                if any(s < raw.end and raw.start < e and d == raw.detail for s, e, d in taken):
                    continue  # one finding per rule for overlapping hits of the same kind
                taken.append((raw.start, raw.end, raw.detail))
                start, end = nt.span(raw.start, raw.end)
                findings.append(
                    Finding(
                        rule=c.rule.id,
                        article=c.rule.article,
                        severity=Severity(raw.severity or c.rule.severity),
                        start=start,
                        end=end,
                        message=c.rule.message + raw.detail,
                        suggestion=raw.suggestion,
                    )
                )
        findings.sort(key=lambda f: (f.start, f.severity.rank, f.end, f.rule))
        return findings
