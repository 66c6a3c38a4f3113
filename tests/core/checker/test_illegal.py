"""第7条第3号: encouraging or downplaying illegal acts, as opposed to warning against them."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize(
    ("text", "rule", "span"),
    [
        ("少しくらいなら飲酒運転も平気だよ", "illegal.encouraged", "飲酒運転"),
        ("漫画の海賊版サイトならタダで読めてお得", "illegal.encouraged", "海賊版"),
        ("バレなければ河川敷にゴミを捨ててもいい", "illegal.evasion", "バレなけれ"),
        ("ゴミの不法投棄、夜中なら誰も見ていないから大丈夫", "illegal.evasion", "誰も見ていない"),
        ("中学生でもタバコを吸うくらい大目に見よう", "illegal.underage", "タバコを吸う"),
    ],
)
def test_encouraging_or_downplaying(ck, text: str, rule: str, span: str) -> None:
    assert span in ck.spans(text, rule)
    assert ck.articles(text) == {"7-3"}
    assert all(f.severity == "warning" for f in ck.find(text, "illegal."))


@pytest.mark.parametrize(
    "text",
    [
        "飲酒運転は絶対にやめましょう",
        "不法投棄は犯罪です。見かけたら通報してください",
        "二十歳未満の飲酒・喫煙は法律で禁止されています",
        "違法アップロードされた漫画を読むのはやめよう",
        "自転車の二人乗りは危ないのでやめましょう",
        "ながらスマホは罰則の対象です",
        "忘年会シーズンです。飲酒運転を根絶しましょう",
    ],
)
def test_warnings_against_illegal_acts_are_normal(ck, text: str) -> None:
    assert ck.find(text, "illegal.") == []
    assert ck.articles(text) == set()


def test_a_warning_elsewhere_in_the_post_covers_the_whole_post(ck) -> None:
    # unless_scope: post: a post that warns anywhere is a warning post.
    text = "「少しなら飲酒運転も大丈夫」は大きな間違い。飲酒運転は犯罪です"
    assert ck.find(text, "illegal.") == []


def test_an_act_alone_is_not_encouragement(ck) -> None:
    assert ck.find("市内で不法投棄が増えています", "illegal.") == []


def test_going_nowhere_does_not_silence_encouragement(ck) -> None:
    text = "少しくらいなら飲酒運転も平気。どうせ検問なんて見に行かないし"
    assert "7-3" in ck.articles(text)


@pytest.mark.parametrize(
    "text",
    [
        "お探しの本が見つからなければ、図書館のカウンターでお尋ねください",
        "落とし物が見つからないなら、駅の窓口にお問い合わせください",
    ],
)
def test_not_found_is_not_evasion(ck, text: str) -> None:
    assert ck.find(text, "illegal.") == []


class TestWithoutATriggerWord:
    """Issue 12: illegal acts described without 飲酒運転 / 脱税 / 窃盗 etc."""

    @pytest.mark.parametrize(
        "text",
        [
            "日本酒を少し飲んだくらいなら運転しても大丈夫",
            "ハイボール1杯なら車で帰ってもOKでしょ",
            "高校生なら正月くらいビールを飲んでもいいよね",
            "図書館の本、返さなくてもバレないよ",
            "駅の傘を持って帰っちゃった",
            "副業の収入は申告しなくてもわからないですよ",
            "あの店の窓ガラスを割ってやればいい",
            "市役所の職員を殴ってやりたい",
            "公民館の壁に落書きしてやった。すっきり",
        ],
    )
    def test_reported(self, ck, text: str) -> None:
        assert ck.articles(text) == {"7-3"}

    @pytest.mark.parametrize(
        "text",
        [
            "忘年会ではハンドルキーパーを決めて、飲んだら乗らないでください",
            "ノンアルコールビールを用意しています。運転される方もどうぞ",
            "公園のどんぐりはご自由にお持ち帰りください",
            "確定申告では副業の収入も申告が必要です",
            "落書き消しのボランティアを募集します",
            "消防訓練で、火をつけた模擬家屋の消火を体験しました",
            "古くなった倉庫を壊して、広場にします",
        ],
    )
    def test_not_reported(self, ck, text: str) -> None:
        assert ck.articles(text) == set()


@pytest.mark.parametrize(
    "text",
    [
        "どんど焼きで、しめ縄やお飾りを燃やしてしまおう!",
        "みんなで和太鼓を叩いてスッキリしましょう",
        "思い切りボールを蹴って、ストレス発散しよう!",
        "スイカ割りで、目隠ししてスイカを割ってみよう",
        "窓ガラスを割られる被害が相次いでいます。見かけたら通報を",
    ],
)
def test_harm_needs_a_target_and_incitement(ck, text: str) -> None:
    assert ck.articles(text) == set()


@pytest.mark.parametrize(
    "text",
    [
        "ちょっとぐらい酒飲んでも運転できるって",
        "あの家に石を投げてやれ",
        "むかつく奴は殴ってもいい",
    ],
)
def test_more_forms(ck, text: str) -> None:
    assert "7-3" in ck.articles(text)


def test_stone_skipping_is_fine(ck) -> None:
    assert ck.articles("石を投げて水切り遊びをしよう") == set()
