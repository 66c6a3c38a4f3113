"""第7条第1号: insults and offensive words aimed at people."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize(
    ("text", "span"),
    [
        ("窓口のあいつ、ほんとに役立たずだ", "役立たず"),
        ("担当者が無能すぎて話にならない", "無能"),
        ("こんなクソ対応は初めてだ", "クソ対応"),
        ("お前みたいなバカは帰れ", "バカ"),
        ("あのおっさん、マジでキモい", "キモい"),
        ("会議で頭が悪い発言ばかりする人", "頭が悪い"),
        ("あいつはクズだな", "クズ"),
        ("そんなこと言う奴はアホだ", "アホ"),
        ("半角でも同じ、ｸｿｶﾞｷは帰れ", "ｸｿｶﾞｷ"),
    ],
)
def test_insult_is_reported(ck, text: str, span: str) -> None:
    findings = ck.find(text, "insult.abusive")
    assert [text[f.start : f.end] for f in findings] == [span]
    assert findings[0].article == "7-1"
    assert findings[0].severity == "warning"
    assert findings[0].message  # Japanese guidance for the author


def test_inflected_insult(ck) -> None:
    assert ck.spans("隣の席の人がずっとうざかった", "insult.") == ["うざかっ"]


def test_hiragana_spelling_of_a_katakana_entry(ck) -> None:
    assert ck.spans("あいつ、ほんとにばかだよね", "insult.") == ["ばか"]


@pytest.mark.parametrize(
    "text",
    [
        "今年のバカンスは東広島で過ごしませんか",
        "親バカ全開の写真コンテスト、作品を募集中です",
        "アホウドリの保護活動についての講演会",
        "吉野くずを使った和菓子づくり教室",
        "カスタードプリンを先着50名に配ります",
        "今日は暑いばかりで、水分補給が欠かせません",
        "ゴミ拾いボランティアに参加しませんか",
        "西条の酒蔵通りで秋祭りのお囃子が聞こえてきます",
    ],
)
def test_harmless_words_are_not_insults(ck, text: str) -> None:
    assert ck.find(text, "insult.") == []


def test_warning_against_insults_is_normal(ck) -> None:
    assert ck.find("いじめで「死ね」と言うのは絶対にやめよう", "insult.") == []


class TestDisgust:
    def test_disgust_at_a_shop(self, ck) -> None:
        assert ck.spans("あの店の料理は気持ち悪い", "insult.disgust") == ["気持ち悪い"]

    def test_symptom_is_not_disgust(self, ck) -> None:
        assert ck.find("乗り物酔いで気持ち悪いと感じたら、無理せず休みましょう", "insult.") == []

    def test_disgust_needs_a_target(self, ck) -> None:
        assert ck.find("最悪の天気になりそうですね", "insult.") == []


def test_going_nowhere_is_not_a_prohibition(ck) -> None:
    assert ck.spans("バカな店員がいる店にはもう行かない", "insult.") == ["バカ"]


def test_onomatopoeia_is_not_an_insult(ck) -> None:
    assert ck.find("注射の針がブスッと刺さるのが苦手な方へ、痛みの少ない方法を紹介します", "insult.") == []


@pytest.mark.parametrize(
    "text",
    [
        "ペットが死んだときの届け出について",
        "雪が消えて、春の花が咲き始めました",
        "街灯が消えている場所を教えてください",
        "子どもたちは黙って話に聞き入っていました",
    ],
)
def test_plain_verbs_are_not_imperative_insults(ck, text: str) -> None:
    assert ck.find(text, "insult.") == []


class TestVariantForms:
    """Issue 12: particles dropped or added, prefixes on person nouns, wishes of harm, slang."""

    @pytest.mark.parametrize(
        "text",
        [
            "受付の人、性格悪いなあ",
            "あの店長は性格の悪い人だ",
            "係長って頭おかしいんじゃない",
            "担当者の頭が悪すぎる",
            "あのバカ課長にはついていけない",
            "クソ店員の態度に腹が立った",
            "ポンコツ職員ばかりで困る",
            "あんな担当者は早くいなくなれ",
            "文句ばかりの客には消えてほしい",
            "バス停で騒ぐジジイがいた",
            "あのババアまた来てるよ",
        ],
    )
    def test_reported(self, ck, text: str) -> None:
        assert ck.articles(text) == {"7-1"}

    @pytest.mark.parametrize(
        "text",
        [
            "性格診断のワークショップを開きます",
            "ゴミ袋は指定の袋をお使いください",
            "上司と部下の面談週間です",
            "花咲かじじいの紙芝居を上演します",
            "夜になると灯りが消えてしまいます",
            "消えてほしくない里山の風景を写真で残しましょう",
            "落語「まぬけな泥棒」の噺を楽しむ会",
            "そんなバカげた話はありません。公式情報をご確認ください",
        ],
    )
    def test_not_reported(self, ck, text: str) -> None:
        assert ck.articles(text) == set()


def test_arrogant_attitude(ck) -> None:
    assert ck.articles("この店の店員、態度がデカすぎる") == {"7-1"}
