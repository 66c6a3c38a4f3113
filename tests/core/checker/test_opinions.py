"""第7条第8号: personal opinions about city policy."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize(
    ("text", "span"),
    [
        ("個人的には新庁舎の建設に反対です", "個人的には"),
        ("私見ですが、この補助金制度は無駄だと思います", "私見"),
        ("本音を言えば、ごみ袋の有料化には納得できません", "本音を言えば"),
        ("正直、市の新しい計画はおかしいと思う", "正直"),
    ],
)
def test_personal_view_on_policy(ck, text: str, span: str) -> None:
    assert span in ck.spans(text, "opinion.")
    assert ck.articles(text) == {"7-8"}


@pytest.mark.parametrize(
    "text",
    [
        "市長が本音で語り合う座談会を開きます",
        "皆さんは市の計画についてどう思いますか？ご意見を募集します",
        "個人的におすすめのランチを紹介します",
        "私は図書館で本を読むのが好きです",
        "市の新しい計画について説明会を開きます",
        "新庁舎の計画案に対するパブリックコメントを募集します。皆さんの考えをお寄せください",
    ],
)
def test_not_a_personal_opinion_on_policy(ck, text: str) -> None:
    assert ck.find(text, "opinion.") == []
    assert ck.articles(text) == set()
