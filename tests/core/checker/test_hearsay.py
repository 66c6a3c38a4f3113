"""第7条第9号: hearsay, rumours and calls to spread them."""

from __future__ import annotations

import pytest


class TestGrammar:
    @pytest.mark.parametrize(
        ("text", "span"),
        [
            ("明日は雨が降るそうです", "そう"),
            ("来月から駐車場が有料になるらしい", "らしい"),
            ("市立図書館が来春に移転するらしいです", "らしい"),
            ("バスの路線が廃止になるっぽい", "っぽい"),
            ("新しい店長は元プロ野球選手らしい", "らしい"),
        ],
    )
    def test_hearsay_ending(self, ck, text: str, span: str) -> None:
        findings = ck.find(text, "rumour.hearsay")
        assert [(text[f.start : f.end], f.article, f.severity) for f in findings] == [(span, "7-9", "warning")]

    @pytest.mark.parametrize(
        "text",
        [
            "今にも雨が降りそうです",  # 様態のそう
            "おいしそうな新米が並びました",
            "男らしい生き方を描いた映画の上映会",
            "素晴らしい景色が広がっています",
            "春らしい陽気になりました",
            "子どもらしい笑顔があふれる運動会でした",
            "夢みたいな一日でした",
        ],
    )
    def test_not_hearsay(self, ck, text: str) -> None:
        assert ck.find(text, "rumour.") == []

    def test_forecast_is_a_source(self, ck) -> None:
        assert ck.find("気象台の予報によると、明日は晴れるそうです", "rumour.") == []

    @pytest.mark.parametrize("text", ["あの店、来月で閉店するみたい", "来週から工事が始まるみたいだよ"])
    def test_mitai_after_a_verb(self, ck, text: str) -> None:
        assert "7-9" in ck.articles(text)

    @pytest.mark.xfail(
        strict=True,
        raises=AssertionError,
        reason="a sentence-final 男らしい (the adjective 'manly') after a noun is taken for the "
        "hearsay らしい; only the attributive use (男らしい人) is excluded",
    )
    def test_manly_at_the_end_of_a_sentence(self, ck) -> None:
        assert ck.find("消防団員の皆さんの姿はとても男らしい。", "rumour.") == []


class TestWords:
    @pytest.mark.parametrize(
        ("text", "span"),
        [
            ("駅前に大型店ができるって噂です", "噂"),
            ("拡散希望！迷子の犬を探しています", "拡散希望"),
            ("これは未確認情報ですが、道路が陥没したそうだ", "未確認情報"),
            ("新しいバス路線ができるって聞いた", "って聞いた"),
            ("かくさんきぼう！", "かくさんきぼう"),
        ],
    )
    def test_rumour_words(self, ck, text: str, span: str) -> None:
        assert span in ck.spans(text, "rumour.word")
        assert ck.articles(text) == {"7-9"}

    @pytest.mark.parametrize(
        "text",
        [
            "噂に惑わされないでください",
            "根拠のない噂に惑わされず、市の公式情報を確認してください",
            "SNSで流れている情報は事実ではありません。デマに注意してください",
            "地震の後はデマが広がりがちです。正しい情報を確認しましょう",
        ],
    )
    def test_warning_against_rumours_is_normal(self, ck, text: str) -> None:
        assert ck.find(text, "rumour.") == []
        assert ck.articles(text) == set()
