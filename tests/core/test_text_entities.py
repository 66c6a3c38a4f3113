"""URLs, e-mail addresses, phone numbers and @handles found with their offsets (core/text_entities.py)."""

from __future__ import annotations

import dataclasses
import subprocess
import sys

import pytest

from sns_desk.core.text_entities import (
    Email,
    EntityKind,
    Mention,
    PhoneNumber,
    PhoneType,
    Url,
    entities,
    find_emails,
    find_mentions,
    find_phone_numbers,
    find_urls,
    fold,
    parse_handle,
    phone_digits,
    scan,
)

# Prefixes that are one or several code points per visible character, or that NFKC would change.
PREFIXES = ["", "😀", "👍🏽👍🏽", "👨\u200d👩\u200d👧", "🇯🇵", "ＡＢＣ、", "か\u3099", "㈱", "ﾊﾟｽﾜｰﾄﾞ "]


def _spans(found: list[Url] | list[Email] | list[PhoneNumber] | list[Mention], text: str) -> list[str]:
    for e in found:
        assert text[e.start : e.end] == e.text
    return [e.text for e in found]


class TestUrls:
    @pytest.mark.parametrize(
        ("text", "written", "value", "host"),
        [
            ("詳しくは https://bit.ly/3abcDEF をご覧ください", "https://bit.ly/3abcDEF", "https://bit.ly/3abcDEF",
             "bit.ly"),
            ("詳細→ｈｔｔｐｓ：／／ｂｉｔ．ｌｙ／ａｂｃ１２３", "ｈｔｔｐｓ：／／ｂｉｔ．ｌｙ／ａｂｃ１２３",
             "https://bit.ly/abc123", "bit.ly"),
            ("（https://www.city.higashihiroshima.lg.jp/soshiki/）", "https://www.city.higashihiroshima.lg.jp/soshiki/",
             "https://www.city.higashihiroshima.lg.jp/soshiki/", "www.city.higashihiroshima.lg.jp"),
            ("「www.example-event.com」で", "www.example-event.com", "www.example-event.com", "www.example-event.com"),
            ("詳しくはhttps://www.example-event.com/infoをご覧ください", "https://www.example-event.com/info",
             "https://www.example-event.com/info", "www.example-event.com"),
            ("https://example.com/a、b", "https://example.com/a", "https://example.com/a", "example.com"),
            ("こちら: https://example.com/info.", "https://example.com/info", "https://example.com/info",
             "example.com"),
            ("https://example.com/info。次に", "https://example.com/info", "https://example.com/info", "example.com"),
            ("https://example.com/a\u3000次", "https://example.com/a", "https://example.com/a", "example.com"),
            ("申込はbit.ly/abcから", "bit.ly/abc", "bit.ly/abc", "bit.ly"),
            ("ＨＴＴＰＳ：／／Ｅｘａｍｐｌｅ．ＣＯＭ／Ａ", "ＨＴＴＰＳ：／／Ｅｘａｍｐｌｅ．ＣＯＭ／Ａ", "HTTPS://Example.COM/A",
             "example.com"),
            ("http://10.1.2.3/kenshu/ にあります", "http://10.1.2.3/kenshu/", "http://10.1.2.3/kenshu/", "10.1.2.3"),
            ("共有は http://fileserver.local/docs です", "http://fileserver.local/docs", "http://fileserver.local/docs",
             "fileserver.local"),
            ("http://intra.city.lan/admin/sns", "http://intra.city.lan/admin/sns", "http://intra.city.lan/admin/sns",
             "intra.city.lan"),
        ],
    )  # fmt: skip
    def test_found(self, text: str, written: str, value: str, host: str) -> None:
        (url,) = find_urls(text)
        assert (url.kind, text[url.start : url.end], url.text, url.value, url.host) == (
            EntityKind.URL,
            written,
            written,
            value,
            host,
        )

    def test_port_and_path(self) -> None:
        (url,) = find_urls("http://localhost:8080/app を確認")
        assert (url.host, url.port, url.path) == ("localhost", 8080, "/app")
        (bad,) = find_urls("http://example.com:99999/x")
        assert (bad.host, bad.port) == ("example.com", None)

    @pytest.mark.parametrize(
        "text",
        [
            "配布資料は report.pdf です",
            "example.com だけではリンクにしません",
            "お問い合わせは kouhou@city.higashihiroshima.lg.jp まで",
            "バージョン1.2.3.4に更新",
            "資料は a/b.c/d にあります",
            "2026.11.28に開催",
            "東広島市のサイト。次のページ",
        ],
    )
    def test_not_a_link(self, text: str) -> None:
        assert find_urls(text) == []

    def test_two_links_apart(self) -> None:
        text = "詳しくはbit.ly/x、またはwww.example.com/pathをご覧ください"
        assert _spans(find_urls(text), text) == ["bit.ly/x", "www.example.com/path"]


class TestEmails:
    @pytest.mark.parametrize(
        ("text", "written", "value"),
        [
            ("申込みは taro.yamada@gmail.com へ", "taro.yamada@gmail.com", "taro.yamada@gmail.com"),
            ("連絡はtaro@gmail.comまで", "taro@gmail.com", "taro@gmail.com"),
            ("ｔａｒｏ＠ｇｍａｉｌ．ｃｏｍ へ", "ｔａｒｏ＠ｇｍａｉｌ．ｃｏｍ", "taro@gmail.com"),
            ("hanako_0801＠yahoo.co.jp", "hanako_0801＠yahoo.co.jp", "hanako_0801@yahoo.co.jp"),
            ("Info@Example-Shop.CO.JP です", "Info@Example-Shop.CO.JP", "info@example-shop.co.jp"),
            ("メール：koho@city.higashihiroshima.lg.jp。", "koho@city.higashihiroshima.lg.jp",
             "koho@city.higashihiroshima.lg.jp"),
            ("a+b@example.jp- 電話", "a+b@example.jp", "a+b@example.jp"),
        ],
    )  # fmt: skip
    def test_found(self, text: str, written: str, value: str) -> None:
        (email,) = find_emails(text)
        assert (email.kind, email.text, email.value) == (EntityKind.EMAIL, written, value)
        assert text[email.start : email.end] == written
        assert (email.local, email.domain) == tuple(value.split("@"))

    @pytest.mark.parametrize(
        "text",
        ["a.b@c", "taro@gmail.com1", "taro@gmail.com-abc", "ARTS @ 東広島 2026", "@tanaka さんの投稿", "ＲＴ＠abc"],
    )
    def test_not_an_address(self, text: str) -> None:
        assert find_emails(text) == []


CITY_PHONES = ["082-420-0919", "082-420-0402", "082-422-2111"]


class TestPhones:
    @pytest.mark.parametrize(
        ("text", "written", "value", "kind"),
        [
            ("担当の携帯090-1234-5678までご連絡を", "090-1234-5678", "09012345678", PhoneType.MOBILE),
            ("連絡先：０８０－２３４５－６７８９", "０８０－２３４５－６７８９", "08023456789", PhoneType.MOBILE),
            ("070 3456 7890 にショートメールを", "070 3456 7890", "07034567890", PhoneType.MOBILE),
            ("TEL:08012345678", "08012345678", "08012345678", PhoneType.MOBILE),
            ("携帯は090(1234)5678です", "090(1234)5678", "09012345678", PhoneType.MOBILE),
            ("国際表記では +81 90 1234 5678 です", "+81 90 1234 5678", "09012345678", PhoneType.MOBILE),
            ("＋８１ ９０－１２３４－５６７８", "＋８１ ９０－１２３４－５６７８", "09012345678", PhoneType.MOBILE),
            ("携帯090ー1234ー5678", "090ー1234ー5678", "09012345678", PhoneType.MOBILE),
            ("携帯090―1234―5678", "090―1234―5678", "09012345678", PhoneType.MOBILE),
            ("市民課（082-430-1234）まで", "082-430-1234", "0824301234", PhoneType.FIXED_LINE),
            ("(082)420-0919", "(082)420-0919", "0824200919", PhoneType.FIXED_LINE),
            ("（０８２）４２０－０９１９", "（０８２）４２０－０９１９", "0824200919", PhoneType.FIXED_LINE),
            ("082(422)2111", "082(422)2111", "0824222111", PhoneType.FIXED_LINE),
            ("TEL.03-1234-5678", "03-1234-5678", "0312345678", PhoneType.FIXED_LINE),
            ("082\u2010420\u20100919", "082\u2010420\u20100919", "0824200919", PhoneType.FIXED_LINE),
            ("フリーダイヤル0120-123-456へ", "0120-123-456", "0120123456", PhoneType.TOLL_FREE),
            ("0800-123-4567", "0800-123-4567", "08001234567", PhoneType.TOLL_FREE),
            ("サポートセンター0120-123-456", "0120-123-456", "0120123456", PhoneType.TOLL_FREE),
            ("ナビダイヤル0570-000-123", "0570-000-123", "0570000123", PhoneType.UAN),
            ("IP電話050-1234-5678", "050-1234-5678", "05012345678", PhoneType.VOIP),
            ("020-1234-5678", "020-1234-5678", "02012345678", PhoneType.PAGER),
        ],
    )
    def test_classified(self, text: str, written: str, value: str, kind: PhoneType) -> None:
        (phone,) = find_phone_numbers(text)
        assert (phone.kind, phone.text, phone.value, phone.number_type, phone.valid) == (
            EntityKind.PHONE,
            written,
            value,
            kind,
            True,
        )
        assert text[phone.start : phone.end] == written

    @pytest.mark.parametrize("number", CITY_PHONES)
    def test_city_numbers_are_landlines_and_compare_by_digits(self, number: str) -> None:
        written = number.translate(str.maketrans("0123456789-", "０１２３４５６７８９－"))
        (phone,) = find_phone_numbers(f"お問い合わせ：広報戦略担当 {written}")
        assert phone.number_type is PhoneType.FIXED_LINE
        assert phone.value == phone_digits(number) == number.replace("-", "")
        assert phone.value in {phone_digits(p) for p in CITY_PHONES}

    def test_phone_shaped_but_not_in_the_plan(self) -> None:
        (phone,) = find_phone_numbers("番号は020-123-4567です")
        assert (phone.value, phone.valid, phone.number_type) == ("0201234567", False, PhoneType.UNKNOWN)

    @pytest.mark.parametrize(
        "text",
        [
            "郵便番号739-8601",
            "申込番号 2026-1120-0001",
            "受付 1.0824200919",
            "第3ー0824200919",
            "電話 0824-20",
            "123456789018",
            "012345678901",
            "9090-1234-5678",
            "090-1234-56789",
        ],
    )
    def test_not_a_number(self, text: str) -> None:
        assert find_phone_numbers(text) == []

    def test_digits_in_an_address_are_the_address(self) -> None:
        text = "https://example.jp/09012345678 と 09012345678@example.jp"
        found = scan(text)
        assert found.phone_numbers == ()
        assert [e.kind for e in found.all()] == [EntityKind.URL, EntityKind.EMAIL]

    @pytest.mark.parametrize(
        ("written", "digits"),
        [("082-420-0919", "0824200919"), ("+81 82-420-0919", "0824200919"), ("０８２（４２０）０９１９", "0824200919"),
         ("", ""), ("なし", "")],
    )  # fmt: skip
    def test_phone_digits(self, written: str, digits: str) -> None:
        assert phone_digits(written) == digits


class TestMentions:
    @pytest.mark.parametrize(
        ("text", "written", "value"),
        [
            ("@tanaka さんの投稿を紹介します", "@tanaka", "tanaka"),
            ("RT @hiroshima_taro 明日はお祭り！", "@hiroshima_taro", "hiroshima_taro"),
            ("名前：＠ｈｉｇａｓｈｉｈｉｒｏｓｈｉｍａ＿ｃｉｔｙ", "＠ｈｉｇａｓｈｉｈｉｒｏｓｈｉｍａ＿ｃｉｔｙ",
             "higashihiroshima_city"),
            ("東広島市@HigashiHiroshima_Cityです", "@HigashiHiroshima_City", "higashihiroshima_city"),
            ("Instagramは@higashihiroshima.city です", "@higashihiroshima.city", "higashihiroshima.city"),
            ("フォローは@abc.", "@abc", "abc"),
        ],
    )  # fmt: skip
    def test_found(self, text: str, written: str, value: str) -> None:
        (mention,) = find_mentions(text)
        assert (mention.kind, mention.text, mention.value) == (EntityKind.MENTION, written, value)
        assert text[mention.start : mention.end] == written
        assert mention.handle.lower() == value

    @pytest.mark.parametrize(
        "text",
        [
            "お問い合わせは kouhou@city.higashihiroshima.lg.jp まで",
            "ｋｏｕｈｏｕ＠ｃｉｔｙ．ｌｇ．ｊｐ",
            "ARTS @ 東広島 2026 を開催",
            "https://www.youtube.com/@higashihiroshimacity",
            "https://line.me/R/ti/p/@higashihiroshima",
        ],
    )
    def test_not_a_mention(self, text: str) -> None:
        assert find_mentions(text) == []

    def test_mention_versus_email(self) -> None:
        text = "@Higashi_Bousai か bousai@city.higashihiroshima.lg.jp へ"
        assert [(e.kind, e.text) for e in entities(text)] == [
            (EntityKind.MENTION, "@Higashi_Bousai"),
            (EntityKind.EMAIL, "bousai@city.higashihiroshima.lg.jp"),
        ]

    @pytest.mark.parametrize(
        ("text", "handle"),
        [("@HigashiHiroshima_City", "higashihiroshima_city"), ("HigashiHiroshima_City", "higashihiroshima_city"),
         (" ＠ｈｈ＿ｃｉｔｙ ", "hh_city"), ("東広島市", None), ("@abc def", None), ("@abc.", None), ("", None)],
    )  # fmt: skip
    def test_parse_handle(self, text: str, handle: str | None) -> None:
        assert parse_handle(text) == handle


# One of each kind, as a user might type it; the offsets must not move whatever comes before.
SAMPLES = [
    (EntityKind.URL, "ｈｔｔｐｓ：／／ｂｉｔ．ｌｙ／３ａｂｃ"),
    (EntityKind.URL, "https://www.city.higashihiroshima.lg.jp/soshiki/"),
    (EntityKind.EMAIL, "ｋｏｈｏ＠ｃｉｔｙ．ｈｉｇａｓｈｉｈｉｒｏｓｈｉｍａ．ｌｇ．ｊｐ"),
    (EntityKind.PHONE, "０９０－１２３４－５６７８"),
    (EntityKind.PHONE, "(082)420-0919"),
    (EntityKind.MENTION, "＠ｔａｎａｋａ"),
]


@pytest.mark.parametrize("prefix", PREFIXES)
@pytest.mark.parametrize(("kind", "written"), SAMPLES)
def test_offsets_do_not_move(prefix: str, kind: EntityKind, written: str) -> None:
    text = f"{prefix}連絡は {written} まで🎉"
    (found,) = entities(text)
    assert found.kind is kind
    assert (found.start, found.end) == (len(prefix) + 4, len(prefix) + 4 + len(written))
    assert text[found.start : found.end] == written


def test_everything_in_one_text_by_position() -> None:
    text = (
        "📣詳しくは https://bit.ly/x、連絡は ｋｏｈｏ＠ｃｉｔｙ．ｈｉｇａｓｈｉｈｉｒｏｓｈｉｍａ．ｌｇ．ｊｐ か"
        "０８２－４２０－０９１９(@HigashiHiroshima_City)まで"
    )
    found = entities(text)
    assert [(e.kind, e.value) for e in found] == [
        (EntityKind.URL, "https://bit.ly/x"),
        (EntityKind.EMAIL, "koho@city.higashihiroshima.lg.jp"),
        (EntityKind.PHONE, "0824200919"),
        (EntityKind.MENTION, "higashihiroshima_city"),
    ]
    assert [e.start for e in found] == sorted(e.start for e in found)
    assert all(text[e.start : e.end] == e.text for e in found)


def test_nothing_in_plain_text() -> None:
    assert entities("インフルエンザが流行しています。こまめな手洗いを。") == []
    assert entities("") == []


def test_entities_are_frozen() -> None:
    (url,) = find_urls("https://bit.ly/x")
    with pytest.raises(dataclasses.FrozenInstanceError):
        url.host = "example.com"  # type: ignore[misc]


def test_fold_keeps_the_length() -> None:
    text = "ＡＢＣ＠１２３　－‐−ー"
    assert fold(text) == "ABC@123 ---ー"
    assert len(fold(text)) == len(text)


def test_twitter_text_is_not_imported() -> None:
    """twitter-text takes ≈ 0.45 s to import: finding entities (and importing the checker) must not load it."""
    code = (
        "import sys\n"
        "import sns_desk.core.checker\n"
        "from sns_desk.core.text_entities import entities\n"
        "entities('詳しくは https://bit.ly/x 090-1234-5678 @abc taro@gmail.com')\n"
        "assert 'twitter_text' not in sys.modules, 'twitter_text was imported'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)
