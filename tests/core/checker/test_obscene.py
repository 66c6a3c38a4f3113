"""第7条第4号: sexual content, without tripping on 裸足 or 裸眼."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize(
    ("text", "span"),
    [
        ("グラビアアイドルのヌード写真集を紹介", "ヌード"),
        ("今夜はエロい話で盛り上がろう", "エロい"),
        ("お色気たっぷりのショーが見られます", "お色気"),
        ("ﾗﾌﾞﾎﾃﾙの割引情報", "ﾗﾌﾞﾎﾃﾙ"),
        ("真冬に裸で走る奇祭", "裸"),
    ],
)
def test_sexual_terms(ck, text: str, span: str) -> None:
    findings = ck.find(text, "obscene.")
    assert [text[f.start : f.end] for f in findings] == [span]
    assert findings[0].article == "7-4"
    assert findings[0].severity == "warning"


@pytest.mark.parametrize(
    "text",
    [
        "夏は裸足で芝生を歩こう",
        "日食を裸眼で見ないでください",
        "葉が落ちて丸裸になった木々",
        "わいせつ事件が発生しました。夜道には注意してください",
        "セクシャルハラスメント防止研修を実施しました",
    ],
)
def test_not_obscene(ck, text: str) -> None:
    assert ck.find(text, "obscene.") == []


def test_idiom_with_naked(ck) -> None:
    assert ck.find("裸一貫で起業した先輩の話を聞く会", "obscene.") == []
