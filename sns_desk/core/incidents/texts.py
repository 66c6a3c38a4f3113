"""Texts written from an incident's facts: the homepage notice, the press information, the post.

The templates (``resources/incidents/texts/*.txt.j2``) see these names, all plain strings or lists:

``city``
    ``name``, ``homepage`` — from ``catalog.yaml``.
``account``
    ``name``, ``display_name`` (the name when none is set), ``platform_label``, ``url``,
    ``department``, ``contact``, ``manager_title``.
``incident``
    ``id``, ``kind`` (the label, e.g. なりすまし), ``kind_id``, ``found_on`` (2026年12月5日),
    ``found_at`` (2026年12月5日 10:05, Japan time), ``description`` (the internal description: check
    before it goes public).
``items``
    the archive posts linked as evidence, oldest first: ``posted_on``, ``url``, ``excerpt``.
``today``
    the day the text is written (2026年12月6日).
``message``
    what the person asked to put in (the correct content of a mistaken post, an explanation …), or "".

What comes out is a starting point: it becomes a draft in the desk, is edited there, and goes through the
guideline checker and approval like any post.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from jinja2 import TemplateError

from ..jst import JST
from ..policy.templates import tidy
from .catalog import IncidentCatalog, template_error
from .errors import IncidentError
from .model import Evidence, EvidenceKind, Incident, IncidentKind, TextKind, jst_date_text, jst_text

_EXCERPT = 40


@dataclass(frozen=True, slots=True)
class AccountFacts:
    """What a text may say about the account (from the registry)."""

    name: str
    display_name: str = ""
    platform_label: str = ""
    url: str = ""
    department: str = ""
    contact: str = ""
    manager_title: str = ""


@dataclass(frozen=True, slots=True)
class GeneratedText:
    kind: TextKind
    title: str
    """The draft's title: the incident's number and what the text is."""
    body: str


def _date(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def text_context(
    catalog: IncidentCatalog, incident: Incident, account: AccountFacts, now: dt.datetime, message: str = ""
) -> dict[str, Any]:
    items = sorted(
        (e for e in incident.evidence if e.kind is EvidenceKind.ITEM),
        key=lambda e: (e.item_posted_at or e.added_at, e.id),
    )
    return {
        "city": {"name": catalog.city, "homepage": catalog.homepage},
        "account": {
            "name": account.name,
            "display_name": account.display_name.strip() or account.name,
            "platform_label": account.platform_label,
            "url": account.url,
            "department": account.department,
            "contact": account.contact,
            "manager_title": account.manager_title,
        },
        "incident": {
            "id": incident.id,
            "kind": incident.kind.label,
            "kind_id": incident.kind.value,
            "found_on": jst_date_text(incident.found_at),
            "found_at": jst_text(incident.found_at),
            "description": incident.description,
        },
        "items": [_item(e) for e in items],
        "today": _date(now.astimezone(JST).date()),
        "message": message.strip(),
    }


def _item(evidence: Evidence) -> dict[str, str]:
    excerpt = " ".join(evidence.item_excerpt.split())
    return {
        "posted_on": jst_date_text(evidence.item_posted_at) if evidence.item_posted_at else "",
        "url": evidence.url,
        "excerpt": excerpt[:_EXCERPT] + ("…" if len(excerpt) > _EXCERPT else ""),
    }


def sample_contexts(catalog: IncidentCatalog, kind: IncidentKind) -> list[dict[str, Any]]:
    """Facts of the right shape, to try every template when the folder is read: with a linked post and a
    message, and without either."""
    full = _sample(catalog, kind)
    return [full, {**full, "items": [], "message": ""}]


def _sample(catalog: IncidentCatalog, kind: IncidentKind) -> dict[str, Any]:
    return {
        "city": {"name": catalog.city or "市", "homepage": catalog.homepage},
        "account": {
            "name": "@example",
            "display_name": "広報アカウント",
            "platform_label": "X(旧Twitter)",
            "url": "https://x.com/example",
            "department": "広報課",
            "contact": "電話 082-000-0000",
            "manager_title": "広報課長",
        },
        "incident": {
            "id": 1,
            "kind": kind.label,
            "kind_id": kind.value,
            "found_on": "2026年12月5日",
            "found_at": "2026年12月05日 10:05",
            "description": "見本",
        },
        "items": [{"posted_on": "2026年12月4日", "url": "https://x.com/example/status/1", "excerpt": "見本"}],
        "today": "2026年12月6日",
        "message": "見本",
    }


_SPACES_BEFORE_BREAK = re.compile(r"[ \t\u3000]+\n")


def render_text(
    catalog: IncidentCatalog,
    incident: Incident,
    text: TextKind,
    account: AccountFacts,
    now: dt.datetime,
    message: str = "",
) -> GeneratedText:
    """The text ``text`` of the incident's kind, filled with its facts (and ``message``, see above).

    :raises IncidentError: the kind offers no such text.
    :raises IncidentCatalogError: its template fails (file and line named).
    """
    spec = catalog.checklist(incident.kind).texts.get(text)
    if spec is None:
        offered = "・".join(f"{t.value}({t.label})" for t in catalog.checklist(incident.kind).texts) or "なし"
        raise IncidentError(f"{incident.kind.label}の事案には「{text.label}」の文案がありません(あるもの: {offered})")
    path = catalog.texts_path(spec.template)
    try:
        body = catalog.environment.get_template(spec.template).render(
            text_context(catalog, incident, account, now, message)
        )
    except TemplateError as exc:
        raise template_error(exc, path) from None
    body = tidy(_SPACES_BEFORE_BREAK.sub("\n", body))
    return GeneratedText(text, f"事案 {incident.id}: {spec.title}", body)
