"""第7条第7号: phones, e-mail, My Number, home addresses and private persons' details."""

from __future__ import annotations

import pytest


def my_number(body: str) -> str:
    """``body`` (11 digits) plus the check digit of the individual number (個人番号).

    From the ordinance on the check digit: with P(n) the n-th digit counted from the right of the
    11-digit body and Q(n) = n + 1 for n <= 6, n - 5 for n >= 7, the check digit is
    11 - (sum P(n)Q(n) mod 11), or 0 when that remainder is 0 or 1.
    """
    assert len(body) == 11 and body.isdigit()
    total = 0
    for n in range(1, 12):
        p = int(body[-n])
        q = n + 1 if n <= 6 else n - 5
        total += p * q
    remainder = total % 11
    return body + str(0 if remainder <= 1 else 11 - remainder)


def wrong_check_digit(body: str) -> str:
    valid = my_number(body)
    return body + str((int(valid[-1]) + 1) % 10)


def test_check_digit_helper_against_a_hand_computed_value() -> None:
    # 1 2 3 4 5 6 7 8 9 0 1: sum = 1*2+0*3+9*4+8*5+7*6+6*7+5*2+4*3+3*4+2*5+1*6 = 212; 212 % 11 = 3 → 8
    assert my_number("12345678901") == "123456789018"


class TestPhones:
    @pytest.mark.parametrize(
        ("text", "span"),
        [
            ("担当の携帯090-1234-5678までご連絡を", "090-1234-5678"),
            ("連絡先：０８０－２３４５－６７８９", "０８０－２３４５－６７８９"),
            ("070 3456 7890 にショートメールを", "070 3456 7890"),
            ("TEL:08012345678", "08012345678"),
            ("携帯は090(1234)5678です", "090(1234)5678"),
            ("国際表記では +81 90 1234 5678 です", "+81 90 1234 5678"),
        ],
    )
    def test_mobile_number_is_a_warning(self, ck, text: str, span: str) -> None:
        findings = ck.find(text, "privacy.mobile_phone")
        assert [(text[f.start : f.end], f.severity, f.article) for f in findings] == [(span, "warning", "7-7")]
        assert findings[0].suggestion is not None

    @pytest.mark.parametrize(
        "text",
        [
            "お問い合わせは市民課（082-430-1234）まで",
            "フリーダイヤル0120-123-456へ",
            "ナビダイヤル0570-000-123",
            "郵便番号739-8601",
            "申込番号 2026-1120-0001",
        ],
    )
    def test_other_numbers_are_not_personal(self, ck, text: str) -> None:
        assert ck.find(text, "privacy.") == []

    @pytest.mark.parametrize("number", ["082-420-0919", "082-420-0402", "082-422-2111", "０８２－４２２－２１１１"])
    def test_city_numbers_from_the_rulebook(self, ck, number: str) -> None:
        assert ck.check(f"お問い合わせ：広報戦略担当 {number}") == []

    def test_ip_phone_is_only_a_hint(self, ck) -> None:
        text = "IP電話050-1234-5678"
        assert [(f.severity, text[f.start : f.end]) for f in ck.find(text, "privacy.")] == [("info", "050-1234-5678")]


class TestEmail:
    @pytest.mark.parametrize(
        "address", ["taro.yamada@gmail.com", "hanako_0801@yahoo.co.jp", "yamada.taro@example-shop.co.jp"]
    )
    def test_personal_address(self, ck, address: str) -> None:
        text = f"申込みは {address} へ"
        findings = ck.find(text, "privacy.email")
        assert [(text[f.start : f.end], f.severity) for f in findings] == [(address, "warning")]

    @pytest.mark.parametrize(
        "address",
        [
            "kouhou@city.higashihiroshima.lg.jp",
            "soumu@pref.hiroshima.lg.jp",
            "info@example-shop.co.jp",
            "event-desk@example-shop.co.jp",
        ],
    )
    def test_official_and_role_addresses(self, ck, address: str) -> None:
        assert ck.check(f"お問い合わせは {address} まで") == []

    def test_role_name_on_free_mail_is_still_personal(self, ck) -> None:
        assert ck.spans("連絡は info@gmail.com へ", "privacy.email") == ["info@gmail.com"]


class TestMyNumber:
    def test_valid_number_is_an_error(self, ck) -> None:
        number = my_number("20261120123")
        text = f"申請者の番号は{number}です"
        findings = ck.find(text, "privacy.my_number")
        assert [(text[f.start : f.end], f.severity, f.article) for f in findings] == [(number, "error", "7-7")]
        assert findings[0].suggestion == "●" * 12
        assert "検査用数字も一致" in findings[0].message and "一致しません" not in findings[0].message

    def test_a_labelled_number_with_a_wrong_check_digit_says_so_without_contradiction(self, ck) -> None:
        (finding,) = ck.find(f"個人番号 {wrong_check_digit('12345678901')} を送ってください", "privacy.my_number")
        assert finding.severity == "warning"
        assert "検査用数字は一致しません" in finding.message and "も一致" not in finding.message

    def test_valid_number_with_separators_and_full_width(self, ck) -> None:
        number = my_number("98765432109")
        grouped = f"{number[:4]}-{number[4:8]}-{number[8:]}"
        wide = grouped.translate(str.maketrans("0123456789-", "０１２３４５６７８９－"))
        for written in (grouped, f"{number[:4]} {number[4:8]} {number[8:]}", wide):
            text = f"🆔 番号：{written}"
            assert ck.spans(text, "privacy.my_number") == [written]

    def test_invalid_number_labelled_as_receipt_number(self, ck) -> None:
        assert ck.check(f"受付番号{wrong_check_digit('12345678901')}でお待ちください") == []

    def test_receipt_label_explains_even_a_valid_looking_number(self, ck) -> None:
        # About one arbitrary 12-digit number in eleven passes the check digit; when the author
        # says what the number is, it is left alone.
        assert ck.check(f"受付番号{my_number('12345678901')}でお待ちください") == []

    def test_invalid_number_without_a_label(self, ck) -> None:
        assert ck.find(f"番号は{wrong_check_digit('12345678901')}です", "privacy.") == []

    def test_invalid_number_labelled_my_number_is_a_warning(self, ck) -> None:
        number = wrong_check_digit("12345678901")
        findings = ck.find(f"マイナンバー {number}", "privacy.my_number")
        assert [f.severity for f in findings] == ["warning"]

    def test_digits_inside_a_longer_run_are_not_a_number(self, ck) -> None:
        assert ck.find(f"9{my_number('12345678901')}9", "privacy.my_number") == []


class TestStreetAddress:
    def test_address_tied_to_a_person_is_a_warning(self, ck) -> None:
        text = "田中さんの自宅（東広島市八本松町原123-4）"
        findings = ck.find(text, "privacy.home_address")
        assert [(text[f.start : f.end], f.severity) for f in findings] == [("東広島市八本松町原123-4", "warning")]

    def test_facility_address_is_only_a_hint(self, ck) -> None:
        text = "会場：東広島市西条町下見4-6-1 体育館"
        findings = ck.find(text, "privacy.home_address")
        assert [f.severity for f in findings] == ["info"]
        assert text[findings[0].start : findings[0].end].endswith("4-6-1")
        assert ck.blocking(text) == []

    @pytest.mark.parametrize("address", ["東広島市西条栄町8-29", "広島県東広島市西条栄町8番29号"])
    def test_city_hall_address(self, ck, address: str) -> None:
        assert ck.find(f"山田さんの窓口：{address}", "privacy.home_address") == []

    @pytest.mark.parametrize(
        ("text", "address"),
        [
            ("会場は東広島市西条町下見4-6-1の体育館です", "東広島市西条町下見4-6-1"),
            ("鈴木さんの自宅は西条町寺家123-4です", "西条町寺家123-4"),
            ("会場：東広島市西条町下見6丁目2番1号", "東広島市西条町下見6丁目2番1号"),
        ],
    )
    def test_span_is_the_address(self, ck, text: str, address: str) -> None:
        assert ck.spans(text, "privacy.home_address") == [address]


class TestPersonDetails:
    @pytest.mark.parametrize(
        ("text", "span"),
        [
            ("山田太郎さん（45歳）が表彰されました", "山田太郎さん"),
            ("佐藤花子さんは市内在住で、現在入院中です", "佐藤花子さん"),
            ("鈴木一郎さんは持病があり通院しています", "鈴木一郎さん"),
            ("東広島市に住む佐藤さん（38）が受賞しました", "佐藤さん"),
        ],
    )
    def test_name_with_private_details(self, ck, text: str, span: str) -> None:
        findings = ck.find(text, "privacy.person_details")
        assert [(text[f.start : f.end], f.severity) for f in findings] == [(span, "warning")]

    @pytest.mark.parametrize(
        "text",
        [
            "佐藤花子さんが講演します",
            "高垣市長は市内在住で、先月入院されました",
            "山田太郎市長（60）が会見しました",
            "田中議員が通院中の方への支援策を質問しました",
            "土方歳三の生家を訪ねるツアー",
        ],
    )
    def test_no_private_details_or_a_public_role(self, ck, text: str) -> None:
        assert ck.find(text, "privacy.person_details") == []


class TestEntitiesInRunningText:
    """Phone numbers and addresses written straight after Japanese words, or inside a link."""

    @pytest.mark.parametrize(
        ("text", "span"),
        [
            ("サポートセンター090-1234-5678まで", "090-1234-5678"),
            ("TEL.090-1234-5678", "090-1234-5678"),
            ("携帯090―1234―5678", "090―1234―5678"),
        ],
    )
    def test_mobile_number_after_a_word(self, ck, text: str, span: str) -> None:
        assert ck.spans(text, "privacy.mobile_phone") == [span]

    def test_number_inside_a_link_is_the_link(self, ck) -> None:
        text = "詳しくは https://example.com/tel/09012345678 へ"
        assert ck.find(text, "privacy.") == []
        assert ck.spans(text, "link.") == ["https://example.com/tel/09012345678"]

    @pytest.mark.parametrize(
        ("text", "span"),
        [
            ("連絡はtaro@gmail.comまで", "taro@gmail.com"),
            ("申込：ｈａｎａｋｏ＠ｙａｈｏｏ．ｃｏ．ｊｐへ", "ｈａｎａｋｏ＠ｙａｈｏｏ．ｃｏ．ｊｐ"),
        ],
    )
    def test_address_next_to_japanese(self, ck, text: str, span: str) -> None:
        assert ck.spans(text, "privacy.email") == [span]


class TestInCombination:
    """Issue 12: a private person's name with an age band or a birth date, a number plate, a home number."""

    @pytest.mark.parametrize(
        "text",
        [
            "木村恵子さん(70代)が道に迷っていたところを保護されました",
            "小林誠さん(平成2年3月生まれ)の落とし物を預かっています",
            "福山 300 ぬ 88-99 の車の持ち主の方はご連絡ください",
            "夜間は担当者の自宅 082-430-1122 までお電話ください",
        ],
    )
    def test_reported(self, ck, text: str) -> None:
        assert ck.articles(text) == {"7-7"}

    @pytest.mark.parametrize(
        "text",
        [
            "40代・50代の方を対象にした健康講座です",
            "平成2年4月2日から平成3年4月1日生まれの方が対象です",
            "公用車(広島 300 さ 12-34)で巡回しています",
            "担当の山口(082-420-0919)までお電話ください",
        ],
    )
    def test_not_reported(self, ck, text: str) -> None:
        assert ck.articles(text) == set()


class TestAddressWithoutAMunicipality:
    @pytest.mark.parametrize(
        ("text", "span"),
        [
            ("届け先は岡田さん、八本松南2-3-4です", "八本松南2-3-4"),
            ("小川さん宅(下見4丁目5-6)の前で事故がありました", "下見4丁目5-6"),
        ],
    )
    def test_with_a_person(self, ck, text: str, span: str) -> None:
        assert ck.spans(text, "privacy.home_address") == [span]

    @pytest.mark.parametrize(
        "text",
        ["会場:西条中央7丁目23-35(くらら)", "担当:山本(電話082-420-0919)", "12月3日は2-3-4の順に並んでください"],
    )
    def test_without_a_person(self, ck, text: str) -> None:
        assert ck.find(text, "privacy.home_address") == []
