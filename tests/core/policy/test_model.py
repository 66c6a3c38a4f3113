"""The registry's one-line contact field read into a Contact."""

from __future__ import annotations

import pytest

from sns_desk.core.policy import Contact


@pytest.mark.parametrize(
    ("text", "phone"),
    [
        ("電話 082-420-0919", "082-420-0919"),
        ("電話 082(420)0919", "082(420)0919"),
        ("電話 (082)420-0919", "(082)420-0919"),
        ("電話 0824200919", "0824200919"),
        ("電話 082\u2010420\u20100919", "082-420-0919"),
        ("電話 082\u2212420\u22120919", "082-420-0919"),
        ("電話 082ー420ー0919", "082-420-0919"),
        ("電話 ０８２－４２０－０９１９", "082-420-0919"),
        ("電話 ０８２（４２０）０９１９", "082(420)0919"),
        ("携帯 090-1234-5678", "090-1234-5678"),
    ],
)
def test_phone_numbers_as_written(text: str, phone: str) -> None:
    contact = Contact.from_text(text + " / koho@city.higashihiroshima.lg.jp")
    assert contact.phone == phone
    assert contact.email == "koho@city.higashihiroshima.lg.jp"
    assert contact.other == ""


@pytest.mark.parametrize("text", ["2025-04-01", "04-01-2025", "内線 1234", "123-4567"])
def test_not_phone_numbers(text: str) -> None:
    assert Contact.from_text(text).phone == ""


def test_digits_in_a_web_address_are_no_phone_number() -> None:
    contact = Contact.from_text("https://www.city.higashihiroshima.lg.jp/form/?id=0824200919 電話 082-420-0919")
    assert contact.phone == "082-420-0919"
    assert Contact.from_text("https://www.city.higashihiroshima.lg.jp/form/?id=0824200919").phone == ""


def test_unrecognised_text_is_kept() -> None:
    contact = Contact.from_text("  広報戦略担当の窓口(市役所本館3階)  ")
    assert (contact.phone, contact.email, contact.form_url) == ("", "", "")
    assert contact.other == "広報戦略担当の窓口(市役所本館3階)"
    assert not contact.is_empty()


def test_empty_text() -> None:
    contact = Contact.from_text(" \u3000 ")
    assert contact == Contact()
    assert contact.is_empty()


def test_recognised_text_keeps_no_other() -> None:
    contact = Contact.from_text("電話 082-420-0919 https://www.city.higashihiroshima.lg.jp/form/")
    assert contact.form_url == "https://www.city.higashihiroshima.lg.jp/form/"
    assert contact.other == ""
