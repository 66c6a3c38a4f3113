"""Default templates: one per platform kind, filled from the registry facts only."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path
from typing import Any

import pytest

from sns_desk.core.policy import (
    ITEM_IDS,
    AccountFacts,
    PolicyTemplateError,
    default_policy,
    load_template,
    template_kind,
    template_kinds,
)
from sns_desk.resources import resource_path

from .conftest import KINDS, make_facts, replaced


def test_a_template_for_every_kind() -> None:
    assert set(KINDS) <= set(template_kinds())


@pytest.mark.parametrize("kind", KINDS)
def test_template_is_complete_and_filled(kind: str) -> None:
    facts = make_facts(kind)
    policy = default_policy(facts)
    assert list(policy) == list(ITEM_IDS)
    for item_id in ITEM_IDS:
        assert policy[item_id].strip(), item_id
        assert "{{" not in policy[item_id] and "{%" not in policy[item_id]
        assert "\n\n\n" not in policy[item_id]
    account = policy["account"]
    for fact in (facts.name, facts.url, facts.department, facts.manager_title):
        assert fact in account
    for fact in (facts.contact.phone, facts.contact.email, facts.contact.form_url):
        assert fact in account
    operation = policy["operation"]
    assert facts.operating_hours in operation
    assert "情報発信責任者" in operation
    assert "110番" in operation and "119番" in operation
    assert "災害" in operation  # operating outside the hours in a disaster
    assert facts.shown_name in policy.title and "利用方針" in policy.title


def test_platform_differences() -> None:
    line = default_policy(make_facts("line"))
    assert "1対1" in line["operation"] and "お答えしません" in line["operation"]
    youtube = default_policy(make_facts("youtube"))
    assert "コメント欄は、原則として閉じています" in youtube["operation"]
    instagram = default_policy(make_facts("instagram"))
    assert "ダイレクトメッセージ" in instagram["operation"]
    x = default_policy(make_facts("x"))
    assert "X(旧Twitter)" in x["platform"]
    generic = default_policy(make_facts("generic"))
    assert "「Threads」" in generic["platform"]
    assert "Threads公式アカウント" in generic.title


def test_platform_kind_lookup() -> None:
    assert template_kind("X") == "x"
    assert template_kind("twitter") == "x"
    assert template_kind("threads") == "generic"
    assert template_kind("../x") == "generic"


def test_optional_facts_only_when_registered() -> None:
    facts = make_facts("x")
    plain = default_policy(facts)
    assert "山田" not in plain["account"]
    assert "一覧" in plain["account"] and "(https://www.city" not in plain["account"]
    named = default_policy(
        replaced(facts, manager_name="山田 太郎", official_accounts_url="https://www.city.higashihiroshima.lg.jp/sns/")
    )
    assert "広報戦略担当課長 山田 太郎" in named["account"]
    assert "(https://www.city.higashihiroshima.lg.jp/sns/)" in named["account"]
    no_phone = default_policy(replaced(facts, contact=replaced(facts.contact, phone="")))
    assert "電話" not in no_phone["account"]
    assert not re.search(r"^- 電話：$", no_phone["account"], re.MULTILINE)


def test_publisher_defaults_to_the_manager() -> None:
    facts = make_facts("x")
    assert "情報発信責任者：広報戦略担当課長" in default_policy(facts)["operation"]
    other = replaced(facts, publisher_title="広報戦略担当係長")
    assert "情報発信責任者：広報戦略担当係長" in default_policy(other)["operation"]


def _copy_templates(tmp_path: Path) -> Path:
    folder = tmp_path / "policy"
    shutil.copytree(resource_path("policy"), folder)
    return folder


def test_broken_template_is_reported(tmp_path: Path) -> None:
    folder = _copy_templates(tmp_path)
    path = folder / "x.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("  purpose: |-", "  purpos: |-"), encoding="utf-8")
    with pytest.raises(PolicyTemplateError, match="情報発信を行う目的"):
        load_template("x", folder)


def test_unknown_variable_is_an_error(tmp_path: Path) -> None:
    folder = _copy_templates(tmp_path)
    path = folder / "generic.yaml"
    text = path.read_text(encoding="utf-8").replace("{{ account.url }}", "{{ account.homepage }}")
    path.write_text(text, encoding="utf-8")
    with pytest.raises(PolicyTemplateError, match="差し込み"):
        default_policy(make_facts("generic"), folder)


def test_edited_template_is_read_again(tmp_path: Path) -> None:
    folder = _copy_templates(tmp_path)
    facts = make_facts("x")
    assert "タイミングよく" in default_policy(facts, folder)["purpose"]
    path = folder / "x.yaml"
    text = path.read_text(encoding="utf-8").replace("タイミングよく", "すばやく")
    path.write_text(text, encoding="utf-8")
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    assert "すばやく" in default_policy(facts, folder)["purpose"]


@pytest.mark.parametrize("kind", KINDS)
def test_contact_the_registry_could_not_read_is_shown(kind: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """A contact field with no phone, e-mail or URL in it is printed as it is, not dropped."""
    from sns_desk.core.policy import Contact, templates

    original = templates.facts_context

    def with_other(facts: AccountFacts, template: templates.PolicyTemplate | None = None) -> dict[str, Any]:
        context = original(facts, template)
        context["contact"].setdefault("other", facts.contact.other.strip())  # until facts_context passes it
        return context

    monkeypatch.setattr(templates, "facts_context", with_other)
    facts = make_facts(kind, contact=Contact.from_text("広報戦略担当の窓口(市役所本館3階)"))
    account = default_policy(facts)["account"]
    assert "- 広報戦略担当の窓口(市役所本館3階)" in account.splitlines()
    assert "電話" not in account and "メール" not in account


@pytest.mark.parametrize("kind", KINDS)
def test_contact_other_line_is_optional(kind: str) -> None:
    """The templates still fill with a context that has no contact.other (older facts_context)."""
    account = default_policy(make_facts(kind))["account"]
    assert "\n\n\n" not in account
    assert account.splitlines()[-1].startswith("- 問い合わせフォーム：")


def test_a_contact_in_words_is_printed_as_written() -> None:
    from sns_desk.core.policy import AccountFacts, Contact, default_policy

    facts = AccountFacts(
        platform="x", name="@a", url="https://x.com/a", department="広報", manager_title="課長",
        operating_hours="平日", contact=Contact.from_text("本庁舎1階の総合案内へ"),
    )  # fmt: skip
    assert "本庁舎1階の総合案内へ" in default_policy(facts)["account"]
