"""第6条第5号: information about decisions still being made."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize(
    ("text", "span"),
    [
        ("駅前の再開発は、まだ検討中です", "検討中"),
        ("新しい公園の名称は現在調整中です", "調整中"),
        ("ルートはまだ決まっていません", "決まっていません"),
        ("計画の素案を一足先にお見せします", "素案"),
        ("候補地を3か所に絞り込む段階です", "絞り込む"),
    ],
)
def test_decision_in_progress(ck, text: str, span: str) -> None:
    findings = ck.find(text, "decision.")
    assert [(text[f.start : f.end], f.article, f.severity) for f in findings] == [(span, "6-5", "warning")]


@pytest.mark.parametrize(
    "text",
    [
        "ご検討中の方はお気軽にご相談ください",
        "住宅の購入をご検討の皆さまへ、補助制度のご案内です",
        "詳細は決まり次第お知らせします",
        "開催日は未定です。決定次第お知らせします",
        "新しい公園の名称が決まりました",
        "髪の毛を絞る前にタオルで拭きましょう",
    ],
)
def test_not_a_decision_in_progress(ck, text: str) -> None:
    assert ck.find(text, "decision.") == []


@pytest.mark.parametrize(
    "text",
    [
        "学校給食センターの建設地は高屋町が有力です",
        "文化ホールは再来年に閉鎖される公算が高い",
        "駅前駐輪場の有料化は4月からになる見通しです",
        "次の教育長は〇〇さんに内定しています",
        "まだ正式ではありませんが、市民祭りは中止になります",
        "事業者の選定は来月発表になりますが、一足先にお伝えします",
        "新しい保育所の場所が決まりそうです",
        "補助金の増額は年度内に固まりつつあります",
    ],
)
def test_hedged_decisions(ck, text: str) -> None:
    assert ck.articles(text) == {"6-5"}


@pytest.mark.parametrize(
    "text",
    [
        "リフォームを検討中の方は、補助制度の説明会にお越しください",
        "お子さんの習い事を検討されている方へ、スポーツ教室のご案内です",
        "週末は雨の見通しです。イベントは予定どおり開催します",
        "道路工事は今月末に終わる見込みです",
        "就職が内定した皆さん、おめでとうございます",
        "新しい保育所の場所が決まりました",
    ],
)
def test_not_a_city_decision_in_progress(ck, text: str) -> None:
    assert ck.articles(text) == set()


@pytest.mark.parametrize(
    "text",
    [
        "会場周辺は混雑する模様です。公共交通機関をご利用ください",
        "駅の方向へ進むと、左手に会場があります",
        "新しい市民ホールの来場者は年間10万人の見込みです",
        "4月の人事異動を発表しました",
    ],
)
def test_hedges_need_a_city_matter_in_the_making(ck, text: str) -> None:
    assert ck.articles(text) == set()


@pytest.mark.parametrize(
    "text",
    [
        "新しい給食センターは高屋町に建設される可能性が高いです",
        "市長は来期の出馬を見送る意向を固めました",
        "駅前の再開発は白紙になりそうです",
        "予算案はほぼ固まりましたが、正式発表は議会後です",
    ],
)
def test_more_hedges(ck, text: str) -> None:
    assert ck.articles(text) == {"6-5"}


def test_citizens_wishes_are_not_the_citys_process(ck) -> None:
    assert ck.articles("市民の意向を踏まえて計画を作りました") == set()
    assert ck.articles("新しい公園は楽しい場所になりそうです") == set()


@pytest.mark.parametrize(
    "text",
    [
        "新庁舎の完成は2028年春の見込みです",
        "市の補助金の申請受付は1月末までの見込みです",
        "今年度の市税収入は前年度並みの見通しです",
        "市長が有力企業の社長と懇談しました",
    ],
)
def test_schedules_are_not_decisions_in_the_making(ck, text: str) -> None:
    assert ck.articles(text) == set()
