"""第9条第2項: URL shorteners (9-2-1), third-party pages and quoted posts (9-2-2)."""

from __future__ import annotations

import pytest


class TestShorteners:
    @pytest.mark.parametrize(
        "url",
        [
            "https://bit.ly/3abcDEF",
            "bit.ly/3abcDEF",
            "https://tinyurl.com/y5abc2",
            "http://ow.ly/AbC123",
            "https://is.gd/xyz789",
            "https://x.gd/abc12",
            "https://buff.ly/4qRsT",
            "https://t.co/AbCdEf",
            "https://forms.gle/AbCdEf123",
        ],
    )
    def test_shortener_is_only_9_2_1(self, ck, url: str) -> None:
        text = f"詳しくは {url} をご覧ください"
        findings = ck.blocking(text)
        assert [(f.rule, f.article, f.severity, text[f.start : f.end]) for f in findings] == [
            ("link.shortener", "9-2-1", "error", url)
        ]

    def test_full_width_shortener(self, ck) -> None:
        text = "詳細→ｈｔｔｐｓ：／／ｂｉｔ．ｌｙ／ａｂｃ１２３"
        assert ck.articles(text) == {"9-2-1"}
        assert ck.spans(text, "link.shortener") == ["ｈｔｔｐｓ：／／ｂｉｔ．ｌｙ／ａｂｃ１２３"]


class TestDomains:
    @pytest.mark.parametrize(
        "url",
        [
            "https://www.city.higashihiroshima.lg.jp/soshiki/kikaku/",
            "https://higashihiroshima.lg.jp/",
            "https://www.pref.hiroshima.lg.jp/site/bousai/",
            "https://www.mhlw.go.jp/stf/index.html",
            "https://www.jma.go.jp",
            "www.city.higashihiroshima.lg.jp/event/",
        ],
    )
    def test_government_links_are_fine(self, ck, url: str) -> None:
        assert ck.check(f"詳しくは {url} をご覧ください") == []

    @pytest.mark.parametrize(
        "url",
        [
            "https://www.example-event.com/info",
            "http://hiroshima-gourmet.jp/ranking",
            "www.example-event.com",
            "https://lg.jp.example.com/",
            "https://fakelg.jp/",
        ],
    )
    def test_other_domains_are_third_party(self, ck, url: str) -> None:
        text = f"詳しくは {url} をご覧ください"
        findings = ck.blocking(text)
        assert [(f.rule, f.article, f.severity, text[f.start : f.end]) for f in findings] == [
            ("link.third_party", "9-2-2", "warning", url)
        ]
        assert url.split("//")[-1].split("/")[0].lower() in findings[0].message

    def test_file_name_is_not_a_link(self, ck) -> None:
        assert ck.check("配布資料は report.pdf です") == []

    def test_link_followed_directly_by_japanese(self, ck) -> None:
        text = "詳しくはhttps://www.example-event.com/infoをご覧ください"
        assert ck.spans(text, "link.") == ["https://www.example-event.com/info"]


class TestQuotes:
    @pytest.mark.parametrize(
        ("text", "span"),
        [
            ("RT @hiroshima_taro 明日はお祭り！", "RT @hiroshima_taro"),
            ("QT: @news_bot 号外です", "QT: @news_bot"),
            ("@tanaka さんの投稿を紹介します", "@tanaka さんの投稿"),
            ("素敵な写真 via @photo_lover", "via @photo_lover"),
        ],
    )
    def test_quoted_post(self, ck, text: str, span: str) -> None:
        findings = ck.find(text, "link.quote_post")
        assert [(text[f.start : f.end], f.article, f.severity) for f in findings] == [(span, "9-2-2", "warning")]

    def test_quote_word_with_a_post(self, ck) -> None:
        assert ck.spans("市民の方の投稿を引用して紹介します", "link.quote_word") == ["引用"]

    @pytest.mark.parametrize(
        "text",
        [
            "お問い合わせは kouhou@city.higashihiroshima.lg.jp まで",
            "ARTS @ 東広島 2026 を開催",
            "レシピをシェアしてね",
            "この記事は市報からの引用です",
        ],
    )
    def test_not_a_quoted_post(self, ck, text: str) -> None:
        assert ck.find(text, "link.quote") == []


class TestLinksInRunningText:
    @pytest.mark.parametrize(
        ("text", "span"),
        [
            ("詳しくはbit.ly/abcをご覧ください", "bit.ly/abc"),
            ("申込はbit.ly/abcです。", "bit.ly/abc"),
            ("「ｂｉｔ．ｌｙ／ａｂｃ」から", "ｂｉｔ．ｌｙ／ａｂｃ"),
        ],
    )
    def test_shortener_glued_to_japanese(self, ck, text: str, span: str) -> None:
        assert ck.spans(text, "link.") == [span]

    def test_bare_link_does_not_swallow_the_next_link(self, ck) -> None:
        text = "example.jp/abc詳しくはhttp://10.1.2.3/x"
        assert ck.spans(text, "security.internal_host") == ["http://10.1.2.3/x"]
        assert ck.spans(text, "link.third_party") == ["example.jp/abc"]


class TestLocalGovernments:
    """Issue 12: every local government's domain is official (city.*.jp, town.*.jp, *.lg.jp …)."""

    @pytest.mark.parametrize(
        "text",
        [
            "詳しくは https://www.city.fukuyama.hiroshima.jp/ をご覧ください",
            "隣町のお知らせ https://www.town.osakikamijima.hiroshima.jp/",
            "村の観光案内 https://www.vill.example.nagano.jp/kanko/",
            "県の防災情報 https://www.bousai.pref.hiroshima.jp/",
            "お問い合わせは bousai@town.fuchu.hiroshima.jp まで",
            "お問い合わせは kikaku@pref.hiroshima.lg.jp まで",
        ],
    )
    def test_official(self, ck, text: str) -> None:
        assert ck.blocking(text) == []

    def test_lookalike_is_not_official(self, ck) -> None:
        assert ck.articles("https://www.mycity.example.jp/ をご覧ください") == {"9-2-2"}
        assert ck.articles("https://city.jp.example.com/ をご覧ください") == {"9-2-2"}


class TestPolicyIsNotQuoting:
    @pytest.mark.parametrize(
        "text",
        [
            "運用方針:このアカウントでは、他の利用者の投稿の引用は行いません",
            "本アカウントは、ほかのアカウントの投稿をリポストしません",
            "利用方針:フォローやリツイートは原則として行わないこととします",
        ],
    )
    def test_policy(self, ck, text: str) -> None:
        assert ck.articles(text) == set()

    def test_announcing_a_repost_is_still_quoting(self, ck) -> None:
        assert ck.articles("観光協会のアカウントの投稿をリポストします") == {"9-2-2"}


@pytest.mark.parametrize("host", ["ux.nu", "goo.su", "htn.to", "nico.ms", "lihi1.cc", "x.gd"])
def test_more_shorteners(ck, host: str) -> None:
    assert ck.articles(f"こちら https://{host}/Ab12C をご覧ください") == {"9-2-1"}


@pytest.mark.parametrize(
    "text",
    [
        "運用方針を改定しました。リツイートや引用のルールをまとめています",
        "このアカウントの投稿は、自由にシェアしてください",
    ],
)
def test_about_the_accounts_own_posts(ck, text: str) -> None:
    assert ck.articles(text) == set()


@pytest.mark.parametrize(
    "text",
    [
        "当アカウントは、原則としてリプライやリツイートはしておりません",
        "【運用ポリシー】他者の投稿への「いいね」「リポスト」は行いません",
    ],
)
def test_saying_what_the_account_does_not_do(ck, text: str) -> None:
    assert ck.articles(text) == set()


def test_a_repost_next_to_an_unrelated_negation_is_still_a_repost(ck) -> None:
    assert ck.articles("観光協会さんの投稿をリツイートします。雨でも中止しません") == {"9-2-2"}
