"""Detectors that read words and grammar: word lists and hearsay endings."""

from __future__ import annotations

from collections.abc import Iterable

from ...rulebook.model import Rule, Rulebook
from ..analysis import Analysis
from ..lexicon import Lexicon
from .base import Detector, Raw


def words_key(rule_id: str) -> str:
    return f"rule:{rule_id}"


class WordListDetector(Detector):
    """Each occurrence of one of the rule's words is a hit (context is gated by the engine)."""

    kind = "lexicon"

    def __init__(self, rule: Rule, rulebook: Rulebook, lexicon: Lexicon) -> None:
        super().__init__(rule, rulebook, lexicon)
        if not rule.words:
            raise self.fail("words(検出する語)がありません")
        self.key = words_key(rule.id)
        words: list[str] = []
        for word in rule.words:
            if word.startswith("$"):
                if word[1:] not in rulebook.lists:
                    raise self.fail(f"words が参照する語リスト「{word}」がありません")
                words.extend(rulebook.lists[word[1:]])
            else:
                words.append(word)
        lexicon.add(self.key, words)

    def find(self, a: Analysis) -> Iterable[Raw]:
        hits = a.hits.get(self.key)
        if not hits:
            return
        if len(hits) > 1:
            # The longest match first where hits overlap (タバコを吸う rather than タバコ).
            hits = sorted(hits, key=lambda h: (h.start, -h.end))
        suggestions = self.rule.suggestions
        for hit in hits:
            yield Raw(hit.start, hit.end, suggestion=suggestions.get(hit.word))


class HearsayGrammarDetector(Detector):
    """Sentence endings that pass on what others said: 〜そうだ (伝聞), 〜らしい, 〜みたい.

    UniDic tells 伝聞の「そう」(降るそうだ) from 様態の「そう」(降りそうだ). らしい and みたい count
    only after a predicate or as the end of a clause, so 男らしい人 / 夢みたいな日 do not.
    """

    kind = "hearsay_grammar"

    def find(self, a: Analysis) -> Iterable[Raw]:
        for offset, tokens in a.sentences:
            for i, tok in enumerate(tokens):
                if tok.lemma == "そう-伝聞":
                    yield Raw(offset + tok.start, offset + tok.end)
                elif tok.lemma == "ぽい" and i and tokens[i - 1].is_predicate:
                    yield Raw(offset + tok.start, offset + tok.end)  # 値上げになるっぽい
                elif tok.lemma == "みたい" and tok.pos2 == "助動詞語幹" and i and tokens[i - 1].is_predicate:
                    yield Raw(offset + tok.start, offset + tok.end)  # 閉店するみたい
                elif tok.pos1 == "助動詞" and tok.lemma in ("らしい", "みたい"):
                    prev = tokens[i - 1] if i else None
                    nxt = tokens[i + 1] if i + 1 < len(tokens) else None
                    after_predicate = prev is not None and prev.is_predicate
                    attributive = nxt is not None and (nxt.is_noun or tok.cform.startswith("連用形"))
                    noun_clause_end = prev is not None and prev.is_noun and not attributive and tok.lemma == "らしい"
                    if after_predicate or noun_clause_end:
                        yield Raw(offset + tok.start, offset + tok.end)


class WordPairDetector(Detector):
    """A word of ``params.first`` written right against a word of ``params.second``.

    For insults built on a person noun: クソ + 上司, バカ + 息子, カス + 野郎. The two words must
    touch (no particle, no space between), so 上司のバカな話 or ごみ袋 are not pairs.
    """

    kind = "word_pair"

    def __init__(self, rule: Rule, rulebook: Rulebook, lexicon: Lexicon) -> None:
        super().__init__(rule, rulebook, lexicon)
        if not self.param_words("first") or not self.param_words("second"):
            raise self.fail("params.first と params.second(組み合わせる語の一覧)が要ります")
        self.first_key = self.register_words(lexicon, "first")
        self.second_key = self.register_words(lexicon, "second")

    def find(self, a: Analysis) -> Iterable[Raw]:
        firsts = a.hits.get(self.first_key)
        if not firsts:
            return
        seconds: dict[int, list[int]] = {}
        for hit in a.hits.get(self.second_key, ()):
            seconds.setdefault(hit.start, []).append(hit.end)
        for hit in firsts:
            for end in seconds.get(hit.end, ()):
                yield Raw(hit.start, end)
