"""Word-list matching on morphemes: lemmas, kana, readings, multi-token entries and markers."""

from __future__ import annotations

import pytest

from sns_desk.core.checker.lexicon import EntrySpec, Lexicon, parse_entry
from sns_desk.core.checker.morph import tokenize
from sns_desk.core.checker.text import normalize


def matches(entries: list[str], text: str) -> list[tuple[str, str]]:
    """(entry word, original substring) for each hit of a one-list lexicon."""
    lexicon = Lexicon()
    lexicon.add("k", entries)
    nt = normalize(text)
    hits = lexicon.match(nt, tokenize(nt.text))
    out = []
    for hit in hits.get("k", []):
        start, end = nt.span(hit.start, hit.end)
        out.append((hit.word, text[start:end]))
    return out


class TestParseEntry:
    @pytest.mark.parametrize(
        ("raw", "spec"),
        [
            ("バカ", EntrySpec("バカ")),
            ("=やめる", EntrySpec("やめる", surface_only=True)),
            ("^アホ", EntrySpec("アホ", standalone=True)),
            ("^=クズ", EntrySpec("クズ", surface_only=True, standalone=True)),
            ("=^クズ", EntrySpec("クズ", surface_only=True, standalone=True)),
            ("決まる~ない", EntrySpec("決まる", negated=True)),
            ("  許す ~ない ", EntrySpec("許す", negated=True)),
        ],
    )
    def test_markers(self, raw: str, spec: EntrySpec) -> None:
        assert parse_entry(raw) == spec

    def test_ident_round_trips_the_markers(self) -> None:
        assert parse_entry("=^クズ").ident == "^=クズ"
        assert parse_entry("見つかる~ない").ident == "見つかる~ない"

    def test_blank_entries_are_ignored(self) -> None:
        assert matches(["", "  ", "バカ"], "バカだ") == [("バカ", "バカ")]


class TestLemmaAndSpelling:
    def test_inflected_adjective(self) -> None:
        assert matches(["うざい"], "あの人、ほんとにうざかったよね") == [("うざい", "うざかっ")]

    def test_inflection_with_katakana_spelling(self) -> None:
        assert matches(["うざい"], "あいつウザかった") == [("うざい", "ウザかっ")]

    def test_katakana_entry_matches_hiragana_text(self) -> None:
        assert matches(["ガキ"], "うるさいがきだ") == [("ガキ", "がき")]

    def test_katakana_entry_matches_half_width_text(self) -> None:
        assert matches(["バカ"], "ﾊﾞｶだな") == [("バカ", "ﾊﾞｶ")]

    def test_kanji_entry_matches_kana_spelling_by_lemma(self) -> None:
        assert matches(["馬鹿"], "そんなのばかげてる、ばかだ") == [("馬鹿", "ばか")]

    def test_reading_katakana_spelling_of_a_kanji_entry(self) -> None:
        assert matches(["拡散希望"], "カクサンキボウです") == [("拡散希望", "カクサンキボウ")]

    def test_reading_hiragana_spelling_across_tokens(self) -> None:
        assert matches(["拡散希望"], "かくさんきぼう！") == [("拡散希望", "かくさんきぼう")]

    def test_readings_shorter_than_three_kana_are_not_used(self) -> None:
        # 庁 reads チョウ: a kana homophone run must not hit it by reading.
        assert matches(["庁"], "ちょうが飛ぶ") == []

    def test_multi_token_entry(self) -> None:
        assert matches(["ここだけの話"], "ここだけの話ですが、来月…") == [("ここだけの話", "ここだけの話")]
        assert matches(["人間のクズ"], "あれは人間のクズだ") == [("人間のクズ", "人間のクズ")]

    def test_multi_token_entry_needs_every_token(self) -> None:
        assert matches(["ここだけの話"], "ここだけの秘密です") == []

    def test_entry_with_particles_and_inflection(self) -> None:
        assert matches(["と聞いた"], "来週から工事と聞いた") == [("と聞いた", "と聞いた")]
        assert matches(["と聞いた"], "来週から工事と聞いたよ") == [("と聞いた", "と聞いた")]


class TestNegation:
    @pytest.mark.parametrize(
        ("text", "span"),
        [
            ("会場はまだ決まっていません", "決まっていません"),
            ("日程は決まりません", "決まりません"),
            ("結論が決まらない", "決まらない"),
        ],
    )
    def test_negated_predicate(self, text: str, span: str) -> None:
        assert matches(["決まる~ない"], text) == [("決まる", span)]

    @pytest.mark.parametrize("text", ["会場が決まりました", "会場が決まる", "決まっている"])
    def test_affirmative_is_not_a_hit(self, text: str) -> None:
        assert matches(["決まる~ない"], text) == []

    def test_negation_too_far_away(self) -> None:
        assert matches(["決まる~ない"], "決まると嬉しいが、天気は分からない") == []

    def test_negated_entry_does_not_match_its_bare_surface(self) -> None:
        assert matches(["見つかる~ない"], "見つかる") == []


class TestMarkers:
    def test_surface_only_ignores_the_lemma(self) -> None:
        # UniDic's lemma of クズ is 屑; a surface-only entry does not reach it.
        assert matches(["クズ"], "屑を拾う") == [("クズ", "屑")]
        assert matches(["=クズ"], "屑を拾う") == []
        assert matches(["=クズ"], "あいつはクズだ") == [("クズ", "クズ")]

    def test_surface_only_still_folds_kana(self) -> None:
        assert matches(["=クズ"], "あいつはくずだ") == [("クズ", "くず")]

    def test_surface_only_does_not_inflect(self) -> None:
        assert matches(["=やめる"], "やめよう") == []
        assert matches(["やめる"], "やめよう") == [("やめる", "やめよう")]

    def test_standalone_is_not_part_of_a_compound(self) -> None:
        assert matches(["アホ"], "アホウドリを見た") == [("アホ", "アホウ")]  # by lemma 阿呆: why ^ exists
        assert matches(["^アホ"], "アホウドリを見た") == []
        assert matches(["^アホ"], "アホだな") == [("アホ", "アホ")]

    def test_standalone_surface_only(self) -> None:
        assert matches(["^=クズ"], "吉野くずを使った和菓子") == []
        assert matches(["^=クズ"], "あいつクズだな") == [("クズ", "クズ")]


class TestBoundaries:
    def test_never_inside_a_person_name(self) -> None:
        assert matches(["土方"], "土方歳三の資料館") == []
        assert matches(["土方"], "土方さんに聞いてください") == []
        assert matches(["土方"], "昔は土方の仕事をしていた") == [("土方", "土方")]

    @pytest.mark.parametrize(
        ("entry", "text"),
        [
            ("バカ", "夏はバカンスに出かけよう"),
            ("裸", "裸足で芝生を歩こう"),
            ("裸", "裸眼で太陽を見ないで"),
            ("カス", "カスタードプリンを配ります"),
            ("レズ", "レズビアン映画祭"),
        ],
    )
    def test_never_inside_a_longer_word(self, entry: str, text: str) -> None:
        assert matches([entry], text) == []

    def test_the_word_itself_still_hits(self) -> None:
        assert matches(["裸"], "裸で走り回る") == [("裸", "裸")]
        assert matches(["バカ"], "バカなことを") == [("バカ", "バカ")]

    @pytest.mark.parametrize("text", ["噂に惑わされず、公式情報を確認してください", "慌てず騒がず、惑わされず"])
    def test_not_glued_from_particles_and_auxiliaries(self, text: str) -> None:
        # 惑わさ|れ|ず: the kana run レズ is an auxiliary plus a negation, not a word.
        assert matches(["レズ"], text) == []

    def test_several_lists_share_one_entry(self) -> None:
        lexicon = Lexicon()
        lexicon.add("a", ["バカ"])
        lexicon.add("b", ["バカ", "アホ"])
        nt = normalize("バカとアホ")
        hits = lexicon.match(nt, tokenize(nt.text))
        assert [h.word for h in hits["a"]] == ["バカ"]
        assert sorted(h.word for h in hits["b"]) == ["アホ", "バカ"]

    def test_no_tokens_no_hits(self) -> None:
        lexicon = Lexicon()
        lexicon.add("k", ["バカ"])
        assert dict(lexicon.match(normalize(""), [])) == {}


class TestThroughTheChecker:
    """The same behaviours with the bundled rulebook."""

    def test_inflected_insult(self, ck) -> None:
        assert ck.spans("昨日の客、ほんとうざかった", "insult.") == ["うざかっ"]

    def test_person_name_is_not_the_slur(self, ck) -> None:
        assert ck.check("新選組の土方歳三ゆかりの地を巡るツアーです") == []

    def test_slur_outside_a_name(self, ck) -> None:
        findings = ck.find("あの現場の土方に頼んでおいて", "discrimination.term")
        assert [(f.severity, f.suggestion) for f in findings] == [("warning", "建設作業員")]

    def test_vacation_is_not_an_insult(self, ck) -> None:
        assert ck.check("今年のバカンスは東広島で！") == []

    def test_hearsay_particles_are_not_a_slur(self, ck) -> None:
        assert ck.find("噂に惑わされず、市の発表を待ってください", "discrimination.") == []


class TestGapsAndWishes:
    """``性格+悪い``: particles may stand between the parts or be dropped; ``消える~ほしい``: a wish."""

    @pytest.mark.parametrize("text", ["性格が悪い", "性格の悪い人", "性格悪すぎ", "性格は本当に悪い"])
    def test_particles_in_the_gap(self, text: str) -> None:
        got = matches(["性格+悪い"], text)
        assert [w for w, _ in got] == (["性格+悪い"] if "本当に" not in text else [])

    def test_gap_takes_the_copula(self) -> None:
        assert [w for w, _ in matches(["正式+発表+まだ"], "正式な発表はまだです")] == ["正式+発表+まだ"]

    def test_wish(self) -> None:
        assert matches(["消える~ほしい"], "あの人には消えてほしい") == [("消える", "消えてほしい")]
        assert matches(["いなくなる~ほしい"], "早くいなくなってくれ") == [("いなくなる", "いなくなってくれ")]

    def test_no_wish_no_hit(self) -> None:
        assert matches(["消える~ほしい"], "電気が消えました") == []
        assert matches(["消える~ほしい"], "消えてほしくない風景") == []

    def test_wish_and_negation_combine(self) -> None:
        assert [w for w, _ in matches(["来る~ほしい~ない"], "ここには来てほしくない")] == ["来る"]

    def test_parse(self) -> None:
        assert parse_entry("消える~ほしい") == EntrySpec("消える", wish=True)
        assert parse_entry("来る~ほしい~ない") == EntrySpec("来る", negated=True, wish=True)


def test_any_word_in_a_gap() -> None:
    for text in ("正式な発表はまだです", "正式なお知らせはまだですが"):
        assert [w for w, _ in matches(["正式+*+まだ"], text)] == ["正式+*+まだ"]
    assert matches(["正式+*+まだ"], "正式にはまだ") == []
