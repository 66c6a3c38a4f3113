"""第7条第7号 (secrets): internal-only and not-yet-public information."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize(
    ("text", "span"),
    [
        ("これは部外秘の資料ですが、少しだけ紹介します", "部外秘"),
        ("ここだけの話、来年度に新しい施設ができます", "ここだけの話"),
        ("オフレコでお願いしますね", "オフレコ"),
        ("内緒だけど、来月すごいイベントがあります", "内緒"),
        ("関係者によると、駅前に新しい店ができます", "関係者によると"),
    ],
)
def test_secret_markers(ck, text: str, span: str) -> None:
    findings = ck.find(text, "privacy.secret")
    assert [(text[f.start : f.end], f.severity, f.article) for f in findings] == [(span, "warning", "7-7")]


@pytest.mark.parametrize(
    "text",
    [
        "職員には守秘義務があります",
        "委託先と秘密保持契約を結んでいます",
        "個人情報保護のため、お名前は伏せています",
        "秘密のパスワードは誰にも漏らさないでください",
    ],
)
def test_talking_about_confidentiality_is_fine(ck, text: str) -> None:
    assert ck.find(text, "privacy.secret") == []
