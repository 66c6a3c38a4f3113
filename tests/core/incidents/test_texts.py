"""The generated texts: filled with the incident's facts, and clean for the guideline checker on every kind,
every text and every platform, so a draft made from them only needs what a person adds."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable

import pytest

from sns_desk.core.checker import CheckContext, Checker, default_checker
from sns_desk.core.incidents import (
    AccountFacts,
    Evidence,
    EvidenceKind,
    Incident,
    IncidentError,
    IncidentKind,
    TextKind,
    load_catalog,
    render_text,
)

from .conftest import NOW

ACCOUNTS = {
    "x": AccountFacts("@HigashiHiroshima_City", "東広島市", "X(旧Twitter)", "https://x.com/HigashiHiroshima_City",
                      "総務部 経営戦略チーム 広報戦略担当", "電話 082-420-0919", "広報戦略担当課長"),
    "instagram": AccountFacts("@higashihiroshima_official", "", "Instagram",
                              "https://www.instagram.com/higashihiroshima_official/", "観光振興課", ""),
    "facebook": AccountFacts("東広島市", "", "Facebook", "https://www.facebook.com/higashihiroshima.city",
                             "広報戦略担当", "koho@city.higashihiroshima.lg.jp"),
    "line": AccountFacts("@higashihiroshima", "東広島市", "LINE", "https://line.me/R/ti/p/@higashihiroshima",
                         "広報戦略担当", "082-420-0919"),
}  # fmt: skip
POSTED = dt.datetime(2026, 12, 3, 23, 30, tzinfo=dt.UTC)  # 12月4日 8:30 in Japan
ITEM = Evidence(
    3, EvidenceKind.ITEM, "suzuki", NOW, url="https://x.com/HigashiHiroshima_City/status/1", item_id=41,
    item_posted_at=POSTED, item_excerpt="12月10日(木)の乳幼児健診は中央生涯学習センターで行います",
)  # fmt: skip
MESSAGES = ("", "正しくは12月15日(火)です。")


@pytest.fixture(scope="module")
def checker() -> Checker:
    return default_checker()


def _cases() -> list[tuple[IncidentKind, TextKind]]:
    catalog = load_catalog()
    return [(kind, text) for kind in IncidentKind for text in catalog.checklist(kind).texts]


@pytest.mark.parametrize("platform", sorted(ACCOUNTS))
@pytest.mark.parametrize(("kind", "text"), _cases())
def test_every_text_passes_the_checker_without_errors(
    checker: Checker, incident_of: Callable[..., Incident], kind: IncidentKind, text: TextKind, platform: str
) -> None:
    incident = incident_of(kind)
    for evidence in ((), (ITEM,)):
        for message in MESSAGES:
            generated = render_text(
                load_catalog(), dataclasses.replace(incident, evidence=evidence), text, ACCOUNTS[platform], NOW, message
            )
            targets = text.draft_platforms or (platform,)
            findings = checker.check(generated.body, CheckContext(platforms=targets, post_date=NOW.date()))
            errors = [(f.rule, f.message) for f in findings if f.severity.value == "error"]
            assert errors == [], generated.body
            assert generated.body and "{{" not in generated.body and "\n\n\n" not in generated.body


def test_a_text_is_filled_with_the_facts(incident_of: Callable[..., Incident]) -> None:
    catalog = load_catalog()
    notice = render_text(catalog, incident_of(IncidentKind.IMPERSONATION), TextKind.NOTICE, ACCOUNTS["x"], NOW)
    assert notice.title == "事案 7: 市ホームページのお知らせ(なりすましへの注意)"
    body = notice.body
    assert "2026年12月5日" in body and "X(旧Twitter)" in body and "「東広島市」" in body
    assert "https://x.com/HigashiHiroshima_City" in body and "電話 082-420-0919" in body
    assert body.startswith("東広島市の公式アカウントを装った偽のアカウントにご注意ください\n\n")
    assert "市を名乗る偽アカウントが見つかった" not in body  # the internal description stays internal

    press = render_text(catalog, incident_of(IncidentKind.TAKEOVER), TextKind.PRESS, ACCOUNTS["instagram"], NOW)
    assert press.body.startswith("報道機関各位\n2026年12月5日\n東広島市 観光振興課\n")
    assert "「@higashihiroshima_official」" in press.body  # no display name: the account's name


def test_a_correction_names_the_linked_post_and_the_message(incident_of: Callable[..., Incident]) -> None:
    incident = dataclasses.replace(incident_of(IncidentKind.MISTAKE), evidence=(ITEM,))
    post = render_text(load_catalog(), incident, TextKind.POST, ACCOUNTS["x"], NOW, "正しくは12月15日(火)です。")
    assert post.body == (
        "【訂正とお詫び】2026年12月4日の投稿に誤りがありました。申し訳ありません。\n"
        "正しくは次のとおりです。\n正しくは12月15日(火)です。"
    )
    without = render_text(load_catalog(), incident_of(IncidentKind.MISTAKE), TextKind.POST, ACCOUNTS["x"], NOW)
    assert "このアカウントの投稿に誤り" in without.body and "改めてお知らせします" in without.body


def test_flaming_says_it_takes_time_unless_an_explanation_is_given(incident_of: Callable[..., Incident]) -> None:
    incident = incident_of(IncidentKind.FLAMING)
    waiting = render_text(load_catalog(), incident, TextKind.POST, ACCOUNTS["x"], NOW)
    assert "お時間をいただきます" in waiting.body
    explained = render_text(
        load_catalog(), incident, TextKind.POST, ACCOUNTS["x"], NOW, "写真は許可を得て撮影しました。"
    )
    assert "写真は許可を得て撮影しました。" in explained.body and "お時間" not in explained.body


def test_a_kind_without_that_text_says_which_it_has(incident_of: Callable[..., Incident]) -> None:
    with pytest.raises(
        IncidentError, match=r"誤投稿の事案には「報道機関への情報提供」の文案がありません\(あるもの: post"
    ):
        render_text(load_catalog(), incident_of(IncidentKind.MISTAKE), TextKind.PRESS, ACCOUNTS["x"], NOW)
