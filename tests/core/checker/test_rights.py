"""第7条第6号: others' images, articles, lyrics and characters used without permission."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize(
    ("text", "rule", "span"),
    [
        ("ネットで拾った画像を勝手に使いました", "rights.unauthorised_use", "勝手に"),
        ("人気キャラクターのイラストを無断で掲載します", "rights.unauthorised_use", "無断で"),
        ("新聞記事をそのまま転載します", "rights.unauthorised_use", "そのまま転載"),
        ("テレビ番組の画面をスクショして載せます", "rights.broadcast_capture", "スクショ"),
        ("映画のワンシーンをキャプチャしてみました", "rights.broadcast_capture", "キャプチャ"),
    ],
)
def test_unauthorised_use(ck, text: str, rule: str, span: str) -> None:
    assert span in ck.spans(text, rule)
    assert ck.articles(text) == {"7-6"}


@pytest.mark.parametrize(
    "text",
    [
        "写真は撮影者の許可を得て掲載しています",
        "写真提供：東広島市観光協会",
        "無断転載はご遠慮ください",
        "掲載作品の無断転載を禁止します",
        "市のロゴマークの使用には申請が必要です",
        "勝手に自転車を持って行かないでください",
    ],
)
def test_permission_or_a_warning_is_fine(ck, text: str) -> None:
    assert ck.find(text, "rights.") == []


def test_capture_needs_a_broadcast_source(ck) -> None:
    assert ck.find("申請画面のスクリーンショットを添付してください", "rights.") == []


def test_full_lyrics(ck) -> None:
    assert "7-6" in ck.articles("好きな曲の歌詞を全部載せちゃいます")
