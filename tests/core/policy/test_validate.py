"""Validation: missing and empty items, placeholders, registry facts, shorteners, the checker."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from sns_desk.core.checker import Checker
from sns_desk.core.policy import AccountFacts, Contact, Policy, ValidationProblem, default_policy, has_errors, validate

from .conftest import KINDS, make_facts, replaced


def errors(problems: list[ValidationProblem]) -> list[ValidationProblem]:
    return [p for p in problems if p.severity == "error"]


def only(problems: list[ValidationProblem], item_id: str | None, code: str = "") -> list[ValidationProblem]:
    return [p for p in problems if p.item_id == item_id and p.code.startswith(code)]


@pytest.mark.parametrize("kind", KINDS)
def test_default_templates_validate_clean(kind: str, checker: Checker) -> None:
    facts = make_facts(kind)
    policy = default_policy(facts)
    assert validate(policy, facts) == []
    assert validate(policy, facts, checker) == []


@pytest.mark.parametrize("item_id", ["platform", "purpose", "personal_information"])
def test_missing_item_is_named(x_facts: AccountFacts, x_policy: Policy, item_id: str) -> None:
    problems = validate(x_policy.without_item(item_id), x_facts)
    assert len(problems) == 1
    (p,) = problems
    assert (p.item_id, p.severity, p.code) == (item_id, "error", "policy.missing")
    assert p.message.startswith("第4条第4項第")
    assert "がありません" in p.message


def test_empty_item_is_named(x_facts: AccountFacts, x_policy: Policy) -> None:
    problems = validate(x_policy.replace_item("purpose", " \n\u3000\n"), x_facts)
    assert [(p.item_id, p.message, p.severity) for p in problems] == [
        ("purpose", "第4条第4項第3号『情報発信を行う目的』が空です", "error")
    ]
    assert problems[0].message_ja == problems[0].message
    assert problems[0].item_label == "第4条第4項第3号『情報発信を行う目的』"


def test_empty_title(x_facts: AccountFacts, x_policy: Policy) -> None:
    problems = validate(x_policy.replace_title(""), x_facts)
    assert [(p.item_id, p.code) for p in problems] == [(None, "policy.title")]


@pytest.mark.parametrize(
    "placeholder",
    ["{{ account.url }}", "{{account.foo}}", "〇〇", "○○○", "＿＿＿", "____", "[要記入]", "【要記入:運用時間】",
     "［未定］", "XXXX", "ＸＸＸＸ", "(要確認)", "TODO"],
)  # fmt: skip
def test_placeholder_is_an_error(x_facts: AccountFacts, x_policy: Policy, placeholder: str) -> None:
    text = f"市の{placeholder}に関する情報を発信します。"
    problems = validate(x_policy.replace_item("content", text), x_facts)
    assert len(problems) == 1, problems
    (p,) = problems
    assert (p.item_id, p.severity, p.code) == ("content", "error", "policy.placeholder")
    assert "第4条第4項第4号『情報発信を行う内容』" in p.message
    assert p.start is not None and p.end is not None
    assert text[p.start : p.end] == placeholder
    assert placeholder in p.message


def test_placeholder_in_title(x_facts: AccountFacts, x_policy: Policy) -> None:
    problems = validate(x_policy.replace_title("〇〇課 公式アカウント利用方針"), x_facts)
    assert [(p.item_id, p.code) for p in problems] == [(None, "policy.placeholder")]


def test_urls_and_addresses_are_not_placeholders(x_facts: AccountFacts, x_policy: Policy) -> None:
    text = x_policy["content"] + "\n\n詳しくは https://www.city.higashihiroshima.lg.jp/a__b/XXXX.html をご覧ください。"
    assert validate(x_policy.replace_item("content", text), x_facts) == []


class TestFacts:
    def test_other_account_url_in_item_2(self, x_facts: AccountFacts, x_policy: Policy) -> None:
        text = x_policy["account"].replace("https://x.com/HigashiHiroshima_City", "https://x.com/Higashi_Hiroshima")
        problems = validate(x_policy.replace_item("account", text), x_facts)
        assert {(p.item_id, p.severity, p.code) for p in problems} == {("account", "error", "policy.fact")}
        messages = " ".join(p.message for p in problems)
        assert "第4条第4項第2号『アカウント名、URL及びアカウント管理者』" in messages
        assert "https://x.com/Higashi_Hiroshima" in messages  # the wrong one
        assert "https://x.com/HigashiHiroshima_City" in messages  # the registered one

    @pytest.mark.parametrize(
        "url",
        [
            "http://twitter.com/higashihiroshima_city",
            "https://x.com/HigashiHiroshima_City/",
            "x.com/HigashiHiroshima_City",
        ],
    )
    def test_same_account_written_differently_is_fine(self, x_facts: AccountFacts, x_policy: Policy, url: str) -> None:
        text = x_policy["account"] + f"\n\n旧アドレス:{url}"
        assert validate(x_policy.replace_item("account", text), x_facts) == []

    def test_other_handle_in_item_2(self, x_facts: AccountFacts, x_policy: Policy) -> None:
        text = x_policy["account"] + "\n\n- 防災情報：@Higashi_Bousai"
        problems = validate(x_policy.replace_item("account", text), x_facts)
        assert [(p.item_id, p.severity, p.code) for p in problems] == [("account", "error", "policy.fact")]
        assert "@Higashi_Bousai" in problems[0].message
        assert text[problems[0].start : problems[0].end] == "@Higashi_Bousai"  # type: ignore[index]

    def test_other_account_elsewhere_is_a_warning(self, x_facts: AccountFacts, x_policy: Policy) -> None:
        text = x_policy["content"] + "\n\n防災情報は @Higashi_Bousai(https://x.com/Higashi_Bousai)でも発信しています。"
        problems = validate(x_policy.replace_item("content", text), x_facts)
        assert [(p.item_id, p.severity) for p in problems] == [("content", "warning"), ("content", "warning")]
        assert not has_errors(problems)

    def test_email_is_not_a_handle(self, x_facts: AccountFacts, x_policy: Policy) -> None:
        assert validate(x_policy, replaced(x_facts)) == []  # the template has koho@city… in item 2

    def test_registered_url_missing_from_item_2(self, x_facts: AccountFacts, x_policy: Policy) -> None:
        text = x_policy["account"].replace("- URL：https://x.com/HigashiHiroshima_City\n", "")
        problems = validate(x_policy.replace_item("account", text), x_facts)
        assert [(p.item_id, p.severity) for p in problems] == [("account", "error")]
        assert "URL「https://x.com/HigashiHiroshima_City」が書かれていません" in problems[0].message

    def test_registry_changed_after_the_policy(self, x_facts: AccountFacts, x_policy: Policy) -> None:
        moved = replaced(x_facts, url="https://x.com/hh_city", name="@hh_city")
        problems = validate(x_policy, moved)
        assert {p.item_id for p in problems} == {"account"}
        assert has_errors(problems)

    def test_manager_missing_from_item_2(self, x_facts: AccountFacts, x_policy: Policy) -> None:
        text = x_policy["account"].replace("広報戦略担当課長", "課長")
        problems = validate(x_policy.replace_item("account", text), x_facts)
        assert [(p.item_id, p.severity) for p in problems] == [("account", "error")]
        assert "アカウント管理者「広報戦略担当課長」" in problems[0].message

    def test_operating_hours_differ_in_item_5(self, x_facts: AccountFacts, x_policy: Policy) -> None:
        text = x_policy["operation"].replace("17時15分", "17時00分")
        problems = validate(x_policy.replace_item("operation", text), x_facts)
        assert [(p.item_id, p.severity, p.code) for p in problems] == [("operation", "error", "policy.fact")]
        assert problems[0].message.startswith("第4条第4項第5号『運用方法』")
        assert "運用時間" in problems[0].message

    def test_operating_hours_with_other_spacing_and_width(self, x_facts: AccountFacts, x_policy: Policy) -> None:
        text = x_policy["operation"].replace("平日 8時30分〜17時15分", "平日　８時３０分～１７時１５分")
        assert validate(x_policy.replace_item("operation", text), x_facts) == []

    def test_other_phone_and_email_are_warnings(self, x_facts: AccountFacts, x_policy: Policy) -> None:
        text = x_policy["account"] + "\n\n- 代表電話：082-422-2111\n- メール：someone@city.higashihiroshima.lg.jp"
        problems = validate(x_policy.replace_item("account", text), x_facts)
        assert [(p.item_id, p.severity) for p in problems] == [("account", "warning"), ("account", "warning")]
        assert "082-422-2111" in problems[0].message and "082-420-0919" in problems[0].message

    def test_contact_nowhere(self, x_facts: AccountFacts, x_policy: Policy) -> None:
        contact = ("- 電話", "- メール", "- 問い")
        lines = [line for line in x_policy["account"].splitlines() if not line.startswith(contact)]
        problems = validate(x_policy.replace_item("account", "\n".join(lines)), x_facts)
        assert [(p.item_id, p.severity) for p in problems] == [("account", "warning")]

    def test_gaps_in_the_registry(self, x_facts: AccountFacts) -> None:
        facts = replaced(x_facts, department="")
        problems = validate(default_policy(facts), facts)
        assert [(p.item_id, p.severity, p.code) for p in problems] == [(None, "warning", "policy.registry")]
        assert "所属" in problems[0].message

    def test_no_operating_hours_in_the_registry(self, x_facts: AccountFacts) -> None:
        facts = replaced(x_facts, operating_hours=" ")
        policy = default_policy(facts)
        assert "運用時間：\n" in policy["operation"] + "\n"  # what the template can only print
        problems = validate(policy, facts)
        assert [(p.item_id, p.severity, p.code) for p in problems] == [("operation", "error", "policy.registry")]
        assert problems[0].message.startswith("第4条第4項第5号『運用方法』")
        assert "運用時間" in problems[0].message and "アカウントの登録情報" in problems[0].message
        assert has_errors(problems)

    def test_no_manager_title_in_the_registry(self, x_facts: AccountFacts) -> None:
        facts = replaced(x_facts, manager_title="", publisher_title="広報監")
        problems = validate(default_policy(facts), facts)
        assert [(p.item_id, p.severity, p.code) for p in problems] == [("account", "error", "policy.registry")]
        assert problems[0].message.startswith("第4条第4項第2号『アカウント名、URL及びアカウント管理者』")
        assert "アカウント管理者" in problems[0].message and "アカウントの登録情報" in problems[0].message

    def test_no_manager_title_nor_publisher(self, x_facts: AccountFacts) -> None:
        facts = replaced(x_facts, manager_title="")
        problems = validate(default_policy(facts), facts)
        assert [(p.item_id, p.severity, p.code) for p in problems] == [
            ("account", "error", "policy.registry"),
            ("operation", "error", "policy.registry"),
        ]
        assert "情報発信責任者" in problems[1].message

    def test_no_contact_in_the_registry_is_a_warning(self, x_facts: AccountFacts) -> None:
        facts = replaced(x_facts, contact=Contact())
        problems = validate(default_policy(facts), facts)
        assert [(p.item_id, p.severity, p.code) for p in problems] == [(None, "warning", "policy.registry")]
        assert "問い合わせ先" in problems[0].message

    def test_contact_the_registry_could_not_read(self, x_facts: AccountFacts) -> None:
        contact = Contact.from_text("広報戦略担当の窓口(市役所本館3階)")
        facts = replaced(x_facts, contact=contact)
        policy = default_policy(facts)
        shown = policy["account"] + "\n- 窓口：広報戦略担当の窓口(市役所本館3階)"
        assert validate(policy.replace_item("account", shown), facts) == []
        lines = [line for line in policy["account"].splitlines() if "窓口" not in line]
        problems = validate(policy.replace_item("account", "\n".join(lines)), facts)
        assert [(p.item_id, p.severity, p.code) for p in problems] == [("account", "warning", "policy.fact")]

    @pytest.mark.parametrize(
        "written", ["082(420)0919", "(082)420-0919", "0824200919", "082\u2010420\u20100919", "０８２－４２０－０９１９"]
    )
    def test_registered_phone_written_otherwise(self, x_facts: AccountFacts, x_policy: Policy, written: str) -> None:
        text = x_policy["account"].replace("082-420-0919", written)
        assert validate(x_policy.replace_item("account", text), x_facts) == []

    @pytest.mark.parametrize("written", ["082(422)2111", "(082)422-2111", "0824222111"])
    def test_other_phone_written_otherwise(self, x_facts: AccountFacts, x_policy: Policy, written: str) -> None:
        text = x_policy["account"] + f"\n\n- 代表電話：{written}"
        problems = validate(x_policy.replace_item("account", text), x_facts)
        assert [(p.item_id, p.severity) for p in problems] == [("account", "warning")]
        assert text[problems[0].start : problems[0].end] == written  # type: ignore[index]


class TestAccountName:
    """Item 2 states the registered name on its name lines, not merely somewhere."""

    def test_other_name_on_the_name_line(self) -> None:
        facts = make_facts("facebook")
        policy = default_policy(facts)
        text = policy["account"].replace("ページ名：東広島市", "アカウント名：東広島市観光PR")
        assert "東広島市" in text.replace("東広島市観光PR", "")  # still found as a substring elsewhere
        problems = validate(policy.replace_item("account", text), facts)
        assert [(p.item_id, p.severity, p.code) for p in problems] == [("account", "error", "policy.fact")]
        p = problems[0]
        assert p.message.startswith("第4条第4項第2号『アカウント名、URL及びアカウント管理者』")
        assert "東広島市観光PR" in p.message and "「東広島市」" in p.message
        assert text[p.start : p.end] == "東広島市観光PR"  # type: ignore[index]

    def test_other_name_on_the_page_name_line(self) -> None:
        facts = make_facts("facebook")
        policy = default_policy(facts)
        text = policy["account"].replace("ページ名：東広島市", "ページ名：東広島市観光PR")
        problems = validate(policy.replace_item("account", text), facts)
        assert [(p.item_id, p.severity, p.code) for p in problems] == [("account", "error", "policy.fact")]

    def test_other_display_name(self, x_facts: AccountFacts, x_policy: Policy) -> None:
        text = x_policy["account"].replace("表示名：東広島市", "表示名：東広島市観光PR")
        problems = validate(x_policy.replace_item("account", text), x_facts)
        assert [(p.item_id, p.severity, p.code) for p in problems] == [("account", "error", "policy.fact")]
        assert "東広島市観光PR" in problems[0].message

    def test_other_handle_reported_once(self, x_facts: AccountFacts, x_policy: Policy) -> None:
        text = x_policy["account"].replace("アカウント名：@HigashiHiroshima_City", "アカウント名：@Higashi_Bousai")
        problems = validate(x_policy.replace_item("account", text), x_facts)
        assert [(p.item_id, p.severity, p.code) for p in problems] == [("account", "error", "policy.fact")]
        assert "@Higashi_Bousai" in problems[0].message

    @pytest.mark.parametrize(
        ("line", "written"),
        [
            ("アカウント名：@HigashiHiroshima_City", "アカウント名 : ＠ｈｉｇａｓｈｉｈｉｒｏｓｈｉｍａ＿ｃｉｔｙ"),
            ("アカウント名：@HigashiHiroshima_City", "アカウント名：東広島市(@HigashiHiroshima_City)"),
            ("表示名：東広島市", "表示名：東広島　市"),
            ("表示名：東広島市", "表示名：ｈｉｇａｓｈｉｈｉｒｏｓｈｉｍａ_city"),
        ],
    )
    def test_same_name_written_differently(
        self, x_facts: AccountFacts, x_policy: Policy, line: str, written: str
    ) -> None:
        text = x_policy["account"].replace(line, written)
        assert text != x_policy["account"]
        assert validate(x_policy.replace_item("account", text), x_facts) == []

    def test_name_only_in_running_text_is_still_fine(self) -> None:
        facts = make_facts("facebook")
        text = "東広島市の公式Facebookページ(https://www.facebook.com/higashihiroshima.city)です。管理者は広報戦略担当課長です。"
        policy = default_policy(facts)
        problems = validate(policy.replace_item("account", text), facts)
        assert [p.code for p in problems if p.item_id == "account" and p.is_error] == []


class TestUndrawable:
    """Characters the bundled PDF font cannot draw are named before publishing."""

    @pytest.mark.parametrize("chars", ["🌸", "𠮷"])
    def test_in_an_item(self, x_facts: AccountFacts, x_policy: Policy, chars: str) -> None:
        text = x_policy["content"] + f"\n\n春の{chars}情報も発信します。"
        problems = validate(x_policy.replace_item("content", text), x_facts)
        assert [(p.item_id, p.severity, p.code) for p in problems] == [("content", "warning", "policy.glyph")]
        p = problems[0]
        assert p.message.startswith("第4条第4項第4号『情報発信を行う内容』")
        assert f"PDF に出せない文字があります: {chars}" in p.message
        assert text[p.start : p.end] == chars  # type: ignore[index]

    def test_each_character_named_once(self, x_facts: AccountFacts, x_policy: Policy) -> None:
        text = x_policy["content"] + "\n\n🌸🌸 と 𠮷野家 と ❤️ と 🌸"
        problems = validate(x_policy.replace_item("content", text), x_facts)
        assert [p.code for p in problems] == ["policy.glyph"]
        assert "PDF に出せない文字があります: 🌸 𠮷 ❤(" in problems[0].message

    def test_in_the_title(self, x_facts: AccountFacts, x_policy: Policy) -> None:
        problems = validate(x_policy.replace_title("🌸東広島市 X 利用方針"), x_facts)
        assert [(p.item_id, p.severity, p.code) for p in problems] == [(None, "warning", "policy.glyph")]
        assert "表題" in problems[0].message and "🌸" in problems[0].message

    def test_drawable_characters(self, x_facts: AccountFacts, x_policy: Policy) -> None:
        text = x_policy["content"] + "\n\n髙﨑①㈱〜～－―\u3000※ABCｱｲｳ\tと\u200b"
        assert validate(x_policy.replace_item("content", text), x_facts) == []


@pytest.mark.parametrize(
    "url",
    [
        "https://bit.ly/3abcDEF",
        "bit.ly/3abcDEF",
        "https://lin.ee/AbCdEf",
        "ｈｔｔｐｓ：／／ｔｉｎｙｕｒｌ．ｃｏｍ／ａｂｃ",
    ],
)
def test_shortener_is_an_error(x_facts: AccountFacts, x_policy: Policy, url: str) -> None:
    text = x_policy["disclaimer"] + f"\n\n詳しくは {url} をご覧ください。"
    problems = validate(x_policy.replace_item("disclaimer", text), x_facts)
    assert [(p.item_id, p.severity, p.code) for p in problems] == [("disclaimer", "error", "policy.shortener")]
    assert problems[0].message.startswith("第4条第4項第8号『免責事項』")
    assert "第9条第2項" in problems[0].message


def test_registered_url_through_a_shortener(checker: Checker) -> None:
    facts = make_facts("line", url="https://lin.ee/AbCdEf")
    problems = validate(default_policy(facts), facts, checker)
    assert [(p.item_id, p.code) for p in problems] == [("account", "policy.shortener")]  # reported once


def test_unknown_item_is_a_warning(x_facts: AccountFacts, x_policy: Policy) -> None:
    problems = validate(x_policy.replace_item("extra", "何か"), x_facts)
    assert [(p.item_id, p.severity, p.code) for p in problems] == [("extra", "warning", "policy.unknown_item")]


class TestChecker:
    def test_internal_host_is_reported(self, checker: Checker, x_facts: AccountFacts, x_policy: Policy) -> None:
        text = x_policy["user_rules"] + "\n\n職員向けの手順は http://intra.city.lan/admin/sns にあります。"
        problems = validate(x_policy.replace_item("user_rules", text), x_facts, checker)
        found = only(problems, "user_rules", "checker:security.internal_host")
        assert found and found[0].severity == "error"
        assert found[0].message.startswith("第4条第4項第6号『利用者の遵守事項』")
        assert "第7条第5号" in found[0].message
        assert text[found[0].start : found[0].end].startswith("http://intra.city.lan")  # type: ignore[index]

    def test_warning_is_a_warning(self, checker: Checker, x_facts: AccountFacts, x_policy: Policy) -> None:
        text = x_policy["content"] + "\n\n詳しくは https://www.example-event.com/info をご覧ください。"
        problems = validate(x_policy.replace_item("content", text), x_facts, checker)
        assert [(p.item_id, p.severity, p.code) for p in problems] == [
            ("content", "warning", "checker:link.third_party")
        ]

    def test_shortener_reported_once(self, checker: Checker, x_facts: AccountFacts, x_policy: Policy) -> None:
        text = x_policy["content"] + "\n\n詳しくは https://bit.ly/3abcDEF をご覧ください。"
        problems = validate(x_policy.replace_item("content", text), x_facts, checker)
        assert [p.code for p in problems] == ["policy.shortener"]

    def test_any_object_with_check(self, x_facts: AccountFacts, x_policy: Policy) -> None:
        @dataclass(frozen=True)
        class FakeFinding:
            rule: str
            article: str
            severity: str
            start: int
            end: int
            message: str

        class FakeChecker:
            def __init__(self) -> None:
                self.seen: list[str] = []

            def check(self, text: str) -> list[FakeFinding]:
                self.seen.append(text)
                if "市政" in text:
                    i = text.index("市政")
                    return [FakeFinding("x.rule", "7-8", "warning", i, i + 2, "テスト"),
                            FakeFinding("x.info", "7-8", "info", i, i + 2, "参考")]  # fmt: skip
                return []

        fake = FakeChecker()
        policy = x_policy.replace_item("purpose", "市政の情報を発信します。")
        problems = validate(policy, x_facts, fake)
        assert len(fake.seen) == 9
        assert [(p.item_id, p.severity, p.code, p.message) for p in problems] == [
            ("purpose", "warning", "checker:x.rule", "第4条第4項第3号『情報発信を行う目的』:「市政」テスト(第7条第8号)")
        ]


def test_account_on_the_city_website() -> None:
    """A mail magazine (第2条) registered with a page of the city website: other city pages are fine."""
    facts = make_facts(
        "generic",
        platform="mail_magazine",
        platform_label="メールマガジン",
        name="東広島市メールマガジン",
        url="https://www.city.higashihiroshima.lg.jp/mailmagazine/",
    )
    policy = default_policy(facts)
    assert "「メールマガジン」を利用して情報を発信します。" in policy["platform"]
    assert validate(policy, facts) == []


def test_name_line_message_quotes_the_text_as_written() -> None:
    facts = make_facts("facebook")
    policy = default_policy(facts)
    text = policy["account"].replace("ページ名：東広島市", "ページ名：東広島市ＰＲ\r")
    problems = validate(policy.replace_item("account", text), facts)
    assert [p.code for p in problems] == ["policy.fact"]
    assert (
        "ページ名「東広島市ＰＲ」は、アカウント登録情報のアカウント名「東広島市」と一致しません" in problems[0].message
    )


class TestEntitiesInItems:
    """Phone numbers and addresses as people write them, compared with the registry by their value."""

    @pytest.mark.parametrize("written", ["+81-82-420-0919", "082 420 0919", "TEL.082-420-0919", "082―420―0919"])
    def test_registered_phone_in_other_forms(self, x_facts: AccountFacts, x_policy: Policy, written: str) -> None:
        text = x_policy["account"].replace("082-420-0919", written)
        assert text != x_policy["account"]
        assert validate(x_policy.replace_item("account", text), x_facts) == []

    @pytest.mark.parametrize("written", ["082 422 2111", "+81 82 422 2111"])
    def test_other_phone_in_other_forms(self, x_facts: AccountFacts, x_policy: Policy, written: str) -> None:
        text = x_policy["account"] + f"\n\n- 代表電話：{written}"
        problems = validate(x_policy.replace_item("account", text), x_facts)
        assert [(p.item_id, p.severity, p.code) for p in problems] == [("account", "warning", "policy.fact")]
        assert text[problems[0].start : problems[0].end] == written  # type: ignore[index]

    def test_registered_email_before_a_dash(self, x_facts: AccountFacts, x_policy: Policy) -> None:
        text = x_policy["content"] + "\n\nご意見は koho@city.higashihiroshima.lg.jp- までお寄せください。"
        assert validate(x_policy.replace_item("content", text), x_facts) == []

    def test_number_in_a_city_page_address_is_not_a_phone(self, x_facts: AccountFacts, x_policy: Policy) -> None:
        text = x_policy["content"] + "\n\n詳しくは https://www.city.higashihiroshima.lg.jp/soshiki/0824220000.html へ。"
        assert validate(x_policy.replace_item("content", text), x_facts) == []
