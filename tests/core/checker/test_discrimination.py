"""第7条第2号: discriminatory terms, exclusion by origin/nationality/disability, stereotypes."""

from __future__ import annotations

import pytest


class TestTerms:
    @pytest.mark.parametrize(
        ("text", "span", "suggestion"),
        [
            ("この制度は片手落ちだと言われても仕方ない", "片手落ち", "不公平"),
            ("駅前で外人に道を聞かれた", "外人", "外国人"),
            ("昔は土方をしていたそうだ", "土方", "建設作業員"),
            ("片親の家庭に向けた説明会", "片親", "ひとり親"),
            ("痴呆の予防について", "痴呆", "認知症"),
            ("うちの父はキチガイみたいに働く", "キチガイ", None),
        ],
    )
    def test_term_with_suggestion(self, ck, text: str, span: str, suggestion: str) -> None:
        findings = ck.find(text, "discrimination.term")
        assert [(text[f.start : f.end], f.suggestion, f.severity, f.article) for f in findings] == [
            (span, suggestion, "warning", "7-2")
        ]

    def test_half_width_spelling(self, ck) -> None:
        text = "ｶﾞｲｼﾞという言葉"
        findings = ck.find(text, "discrimination.term")
        assert [(text[f.start : f.end], f.suggestion) for f in findings] == [("ｶﾞｲｼﾞ", None)]

    def test_dated_term_is_only_a_hint(self, ck) -> None:
        text = "父兄の皆さまへのお知らせ"
        findings = ck.find(text, "discrimination.")
        assert [(f.rule, f.severity, text[f.start : f.end], f.suggestion) for f in findings] == [
            ("discrimination.dated_term", "info", "父兄", "保護者")
        ]
        assert ck.blocking(text) == []

    def test_anti_discrimination_context(self, ck) -> None:
        assert ck.find("「外人」という呼び方は差別につながるので使わないようにしましょう", "discrimination.") == []

    def test_person_name_is_not_the_term(self, ck) -> None:
        assert ck.find("土方歳三の生涯をたどる企画展", "discrimination.") == []

    def test_half_marathon(self, ck) -> None:
        assert ck.find("ハーフマラソンの参加者を募集します", "discrimination.") == []

    def test_press_the_button(self, ck) -> None:
        assert ck.find("呼び出しボタンをおしてお待ちください", "discrimination.") == []


class TestExclusion:
    @pytest.mark.parametrize(
        ("text", "span"),
        [
            ("ベトナム人の入居はお断りしています", "ベトナム人"),
            ("障がいのある方はプールを利用できません", "障がいのある方"),
            ("外国籍の方は申し込めません", "外国籍の方"),  # the longest entry that matches
            ("生活保護受給者は入居できません", "生活保護受給者"),
            ("このお店は外国人お断りです", "外国人"),
        ],
    )
    def test_exclusion_by_group(self, ck, text: str, span: str) -> None:
        assert ck.spans(text, "discrimination.exclusion") == [span]
        assert ck.articles(text) == {"7-2"}

    @pytest.mark.parametrize(
        "text",
        [
            "市内在住の方に限ります",
            "市内在住・在勤・在学の方が対象です",
            "小学生以下は保護者同伴でお願いします",
            "館内での喫煙はご遠慮ください",
            "ペットを連れての入場はご遠慮ください",
            "定員に達したため受付を終了しました",
            "外国人の方も参加できます。通訳を用意しています",
            "障害のある方も安心して利用できます",
            "外国人への偏見をなくし、誰もが暮らしやすいまちに",
            "差別のない社会をめざして人権講演会を開きます",
            "部落差別の解消に向けた職員研修を行いました",
        ],
    )
    def test_normal_conditions_are_not_exclusion(self, ck, text: str) -> None:
        assert ck.find(text, "discrimination.") == []
        assert ck.articles(text) == set()

    def test_polite_exclusion(self, ck) -> None:
        assert ck.spans("このイベントに外国人の方はご参加いただけません", "discrimination.") == ["外国人"]


class TestStereotype:
    @pytest.mark.parametrize(
        ("text", "span"),
        [
            ("中国人はマナーが悪い", "中国人"),
            ("外国人が増えると治安が悪くなる", "外国人"),
            ("ブラジル人は信用できない", "ブラジル人"),
        ],
    )
    def test_group_spoken_ill_of(self, ck, text: str, span: str) -> None:
        assert ck.spans(text, "discrimination.stereotype") == [span]

    def test_background_check(self, ck) -> None:
        assert ck.spans("結婚前に相手の身元調査をしておこう", "discrimination.practice") == ["身元調査"]

    def test_warning_against_background_checks(self, ck) -> None:
        assert ck.find("結婚や就職の際の身元調査は差別につながります", "discrimination.") == []

    def test_welcoming_everyone(self, ck) -> None:
        assert ck.find("外国人観光客の皆さんに東広島の魅力を発信します", "discrimination.") == []


class TestWithoutAGroupWord:
    """Issue 12: excluding people by residence, occupation euphemisms, nationality without 人."""

    @pytest.mark.parametrize(
        "text",
        [
            "あの団地の人とは付き合わない方がいい",
            "△△地区の住民はお断りです",
            "県営住宅の子とは遊ばせないで",
            "夜の店で働いている人は入会をご遠慮ください",
            "ベトナムの方はこのアパートに入居できません",
            "フィリピンの人はこの町に来ないで",
        ],
    )
    def test_reported(self, ck, text: str) -> None:
        assert ck.articles(text) == {"7-2"}

    @pytest.mark.parametrize(
        "text",
        [
            "団地の集会所で子ども食堂を開きます",
            "ベトナムの方向けに生活ガイドを作りました",
            "△△地区の方は、明日の断水にご注意ください",
            "韓国の姉妹都市から中学生が来られます",
            "住む地区で人を差別することは許されません",
        ],
    )
    def test_not_reported(self, ck, text: str) -> None:
        assert ck.articles(text) == set()


@pytest.mark.parametrize(
    "text",
    ["〇〇団地の子どもとは遊ばないように言っています", "アジアの人はマナーが悪い"],
)
def test_more_forms(ck, text: str) -> None:
    assert ck.articles(text) == {"7-2"}


def test_a_safety_warning_for_a_district_is_fine(ck) -> None:
    assert ck.articles("〇〇団地の子どもは、川で遊ばないようにしましょう") == set()


def test_a_district_sent_elsewhere_for_safety_is_fine(ck) -> None:
    text = "〇〇地区の方は、避難所に来ないでください(浸水のおそれがあるため、△△小学校へ)"
    assert ck.articles(text) == set()
