"""Usage policies (利用方針, 第4条第4項) and the registry facts they are written from."""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Literal

from ..errors import UserError
from ..text_entities import fold, scan
from .items import ITEM_IDS, find_item

Severity = Literal["error", "warning"]

JSON_FORMAT = "sns_desk.policy"
JSON_VERSION = 1


def fold_width(text: str) -> str:
    """Full-width ASCII, the ideographic space and dash look-alikes as ASCII, one character for one."""
    return fold(text)


def _ascii_phone(written: str) -> str:
    """A phone number as written, in ASCII digits, hyphens, parentheses and spaces (082ー420ー0919 →
    082-420-0919)."""
    folded = unicodedata.normalize("NFKC", fold(written))
    return re.sub(r"[\u2014\u2015\u30fc\uff70]", "-", folded)


@dataclass(frozen=True, slots=True, kw_only=True)
class Contact:
    """Where the public reaches the department that runs the account (not a person)."""

    phone: str = ""
    email: str = ""
    form_url: str = ""
    """The department's inquiry form on the city website."""
    other: str = ""
    """A contact the registry holds as text with no phone number, e-mail or web address in it
    (「市役所本館3階 広報戦略担当窓口」): shown as it is rather than not at all."""

    def is_empty(self) -> bool:
        return not any(v.strip() for v in (self.phone, self.email, self.form_url, self.other))

    @classmethod
    def from_text(cls, text: str) -> Contact:
        """The first phone number, e-mail address and web address found in a one-line contact field
        (e.g. 「電話 082-420-0919 / koho@… / https://…」), for a registry that stores contact as text.

        The phone number is kept as written, in ASCII digits, hyphens and parentheses; a field in
        which none of the three is found is kept whole in ``other``."""
        found = scan(text)
        email = unicodedata.normalize("NFKC", fold(found.emails[0].text)) if found.emails else ""
        url = next((u.value for u in found.urls if "://" in u.value), "")
        phone = _ascii_phone(found.phone_numbers[0].text) if found.phone_numbers else ""
        if not (phone or email or url):
            return cls(other=" ".join(text.split()))
        return cls(phone=phone, email=email, form_url=url)


@dataclass(frozen=True, slots=True, kw_only=True)
class AccountFacts:
    """What the account registry knows about one official account.

    A policy takes these values from here only; they are never typed into a policy by hand, and
    validation reports a policy whose text disagrees with them.
    """

    platform: str
    """Platform kind: ``x``, ``facebook``, ``instagram``, ``line``, ``youtube`` … (any other → generic)."""
    platform_label: str = ""
    """How the platform is named to the public, e.g. 「X(旧Twitter)」; empty → the template's default."""
    name: str
    """The account name on the platform: a handle (``@higashihiroshima_city``), a LINE ID, a page name."""
    display_name: str = ""
    """The name shown on the profile, e.g. 「東広島市」; empty → ``name``."""
    url: str
    """The account's page (never through a URL shortener)."""
    department: str
    """The department that runs the account, e.g. 「総務部 経営戦略チーム 広報戦略担当」."""
    manager_title: str
    """Title of the account manager (アカウント管理者, 第4条第3項: the head of the department)."""
    manager_name: str = ""
    publisher_title: str = ""
    """Title of the person responsible for what is published (情報発信責任者); empty → ``manager_title``."""
    operating_hours: str = ""
    """e.g. 「平日 8時30分〜17時15分(土曜日・日曜日・祝日・年末年始を除く)」."""
    contact: Contact = field(default_factory=Contact)
    official_accounts_url: str = ""
    """The page of the city website that lists every official account, when there is one."""

    @property
    def shown_name(self) -> str:
        return self.display_name.strip() or self.name.strip()

    @property
    def publisher(self) -> str:
        return self.publisher_title.strip() or self.manager_title.strip()


def _ordered(items: Mapping[str, str]) -> dict[str, str]:
    """The nine items in their order, then any other keys sorted (kept so that nothing is lost)."""
    known = [k for k in ITEM_IDS if k in items]
    extra = sorted(k for k in items if k not in ITEM_IDS)
    return {k: items[k] for k in [*known, *extra]}


@dataclass(frozen=True, slots=True)
class Policy(Mapping[str, str]):
    """A usage policy: a title and the text of each item (item id → text).

    Texts are plain "Markdown-light": paragraphs separated by blank lines, ``- `` at the start of
    a line for a bullet. The policy reads as a mapping of item id → text.
    """

    title: str
    texts: Mapping[str, str]
    """Item id → text, in the order of the nine items (other ids after them, sorted)."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "texts", _ordered(self.texts))

    def __getitem__(self, item_id: str) -> str:
        return self.texts[item_id]

    def __iter__(self) -> Iterator[str]:
        return iter(self.texts)

    def __len__(self) -> int:
        return len(self.texts)

    def text(self, item_id: str) -> str:
        """The item's text, "" when the item is missing."""
        return self.texts.get(item_id, "")

    def replace_item(self, item_id: str, text: str) -> Policy:
        return Policy(self.title, {**self.texts, item_id: text})

    def without_item(self, item_id: str) -> Policy:
        return Policy(self.title, {k: v for k, v in self.texts.items() if k != item_id})

    def replace_title(self, title: str) -> Policy:
        return Policy(title, self.texts)


@dataclass(frozen=True, slots=True)
class ValidationProblem:
    """One reason a policy cannot be published as it is."""

    item_id: str | None
    """The item the problem is in; None for the policy as a whole (e.g. a gap in the registry)."""
    message: str
    """Japanese, naming the item (第4条第4項第N号『…』)."""
    severity: Severity = "error"
    code: str = ""
    """``policy.empty``, ``policy.placeholder``, ``policy.fact`` … or ``checker:<rule id>``."""
    start: int | None = None
    """Offsets of the offending text in the item's text, when there is one."""
    end: int | None = None

    @property
    def message_ja(self) -> str:
        return self.message

    @property
    def is_error(self) -> bool:
        return self.severity == "error"

    @property
    def item_label(self) -> str:
        """「第4条第4項第N号『…』」 for an item, 「利用方針全体」 otherwise."""
        if self.item_id is None:
            return "利用方針全体"
        found = find_item(self.item_id)
        return found.label if found else f"項目「{self.item_id}」"


class PolicyFormatError(UserError):
    """A stored policy that cannot be read (message in Japanese)."""


def policy_to_json(policy: Policy) -> str:
    """The policy as JSON with a fixed key order, so storage can keep it byte for byte."""
    payload = {
        "format": JSON_FORMAT,
        "version": JSON_VERSION,
        "title": policy.title,
        "items": dict(policy.texts),
    }
    return json.dumps(payload, ensure_ascii=False, indent=2) + "\n"


def policy_from_json(text: str) -> Policy:
    try:
        payload = json.loads(text)
    except json.JSONDecodeError as exc:
        raise PolicyFormatError(f"利用方針のデータが JSON として読めません({exc.msg}、{exc.lineno}行目)") from None
    if not isinstance(payload, dict) or payload.get("format") != JSON_FORMAT:
        raise PolicyFormatError("利用方針のデータではありません")
    if payload.get("version") != JSON_VERSION:
        raise PolicyFormatError(f"利用方針のデータの版({payload.get('version')!r})に対応していません")
    title = payload.get("title")
    items = payload.get("items")
    if not isinstance(title, str):
        raise PolicyFormatError("利用方針のデータに表題(title)がありません")
    if not isinstance(items, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in items.items()):
        raise PolicyFormatError("利用方針のデータの項目(items)が正しくありません")
    return Policy(title, items)
