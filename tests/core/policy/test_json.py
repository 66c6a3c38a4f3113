"""Stored policies: JSON with stable keys that reads back unchanged."""

from __future__ import annotations

import json

import pytest

from sns_desk.core.policy import ITEM_IDS, Policy, PolicyFormatError, policy_from_json, policy_to_json


def test_round_trip(x_policy: Policy) -> None:
    edited = x_policy.replace_item("purpose", "改行\n\n「記号」<&> 😀\r\n").replace_item("zz_note", "メモ")
    text = policy_to_json(edited)
    back = policy_from_json(text)
    assert back == edited
    assert back["purpose"] == "改行\n\n「記号」<&> 😀\r\n"
    assert policy_to_json(back) == text


def test_stable_keys_and_order(x_policy: Policy) -> None:
    shuffled = Policy(x_policy.title, dict(reversed(list(x_policy.texts.items()))))
    assert policy_to_json(shuffled) == policy_to_json(x_policy)
    payload = json.loads(policy_to_json(x_policy))
    assert list(payload) == ["format", "version", "title", "items"]
    assert list(payload["items"]) == list(ITEM_IDS)
    assert "東広島市" in policy_to_json(x_policy)  # readable, not \\u escapes


def test_policy_reads_as_a_mapping(x_policy: Policy) -> None:
    assert len(x_policy) == 9
    assert dict(x_policy.items()) == dict(x_policy.texts)
    assert x_policy.text("nope") == ""


@pytest.mark.parametrize(
    "text",
    [
        "not json",
        "[]",
        '{"format": "other", "version": 1, "title": "", "items": {}}',
        '{"format": "sns_desk.policy", "version": 99, "title": "", "items": {}}',
        '{"format": "sns_desk.policy", "version": 1, "items": {}}',
        '{"format": "sns_desk.policy", "version": 1, "title": "t", "items": {"purpose": 3}}',
    ],
)
def test_bad_data(text: str) -> None:
    with pytest.raises(PolicyFormatError):
        policy_from_json(text)


def test_contact_from_a_text_field() -> None:
    from sns_desk.core.policy import Contact

    contact = Contact.from_text(
        "電話 ０８２-４２０-０９１９ / koho@city.higashihiroshima.lg.jp / https://www.city.higashihiroshima.lg.jp/form/。"
    )
    assert contact == Contact(
        phone="082-420-0919",
        email="koho@city.higashihiroshima.lg.jp",
        form_url="https://www.city.higashihiroshima.lg.jp/form/",
    )
    assert Contact.from_text("").is_empty()
