"""Default policy templates, one per platform kind, filled from the account registry.

A template is a YAML file in ``resources/policy/<kind>.yaml``::

    kind: x
    label: X(旧Twitter)          # default platform_label
    hosts: [x.com, twitter.com]  # where the platform serves account pages
    title: "{{ account.display_name }} … 利用方針"
    items:
      platform: |-
        …{{ account.platform_label }}…
      account: |-
        …
      # one entry for each of the nine items (see items.py)

Titles and item texts are Jinja2 templates (sandboxed, undefined names are errors) whose only
variable is ``account``: the registry facts, so that a policy never carries retyped values.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from jinja2 import StrictUndefined, TemplateError
from jinja2.sandbox import SandboxedEnvironment

from ..errors import UserError
from .items import ITEMS
from .model import AccountFacts, Policy

GENERIC = "generic"
# Other names the registry may use for a kind.
_ALIASES = {"twitter": "x", "line_official": "line", "yt": "youtube", "fb": "facebook", "ig": "instagram"}
_KIND = re.compile(r"^[a-z0-9_]+$")
_BLANK_LINES = re.compile(r"\n{3,}")
_TRAILING_SPACE = re.compile(r"[ \t\u3000]+$", re.MULTILINE)


class PolicyTemplateError(UserError):
    """A template file that cannot be used (message in Japanese, naming the file)."""


@dataclass(frozen=True, slots=True)
class PolicyTemplate:
    kind: str
    label: str
    hosts: tuple[str, ...]
    title: str
    items: dict[str, str]
    """Item id → Jinja2 source."""
    path: Path


def templates_dir() -> Path:
    from ...resources import resource_path

    return resource_path("policy")


def template_kinds(directory: Path | None = None) -> list[str]:
    """The kinds with a template file, sorted (``generic`` included)."""
    folder = directory or templates_dir()
    return sorted(p.stem for p in folder.glob("*.yaml") if _KIND.match(p.stem))


def template_kind(platform: str, directory: Path | None = None) -> str:
    """The template kind for a registry platform id; ``generic`` when there is no template for it."""
    key = platform.strip().lower()
    key = _ALIASES.get(key, key)
    folder = directory or templates_dir()
    if _KIND.match(key) and (folder / f"{key}.yaml").is_file():
        return key
    return GENERIC


_cache: dict[Path, tuple[int, PolicyTemplate]] = {}


def load_template(kind: str, directory: Path | None = None) -> PolicyTemplate:
    """The template of ``kind`` (read again only when the file changed)."""
    if not _KIND.match(kind):
        raise PolicyTemplateError(f"利用方針のひな形の種類「{kind}」は使えません")
    path = (directory or templates_dir()) / f"{kind}.yaml"
    try:
        mtime = path.stat().st_mtime_ns
    except OSError:
        raise PolicyTemplateError(f"利用方針のひな形 {path} がありません") from None
    cached = _cache.get(path)
    if cached is not None and cached[0] == mtime:
        return cached[1]
    template = _parse(path, kind)
    _cache[path] = (mtime, template)
    return template


def template_for(platform: str, directory: Path | None = None) -> PolicyTemplate:
    """The template for a registry platform id, falling back to ``generic``."""
    return load_template(template_kind(platform, directory), directory)


def _parse(path: Path, kind: str) -> PolicyTemplate:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise PolicyTemplateError(f"利用方針のひな形 {path.name} を読めません: {exc}") from None
    if not isinstance(data, dict):
        raise PolicyTemplateError(f"利用方針のひな形 {path.name} の形式が正しくありません")
    items = data.get("items")
    if not isinstance(items, dict):
        raise PolicyTemplateError(f"利用方針のひな形 {path.name} に items がありません")
    missing = [item.label for item in ITEMS if not isinstance(items.get(item.id), str) or not items[item.id].strip()]
    if missing:
        raise PolicyTemplateError(f"利用方針のひな形 {path.name} に次の項目がありません: {'、'.join(missing)}")
    unknown = sorted(str(k) for k in items if k not in {item.id for item in ITEMS})
    if unknown:
        raise PolicyTemplateError(f"利用方針のひな形 {path.name} に知らない項目があります: {', '.join(unknown)}")
    title = data.get("title")
    if not isinstance(title, str) or not title.strip():
        raise PolicyTemplateError(f"利用方針のひな形 {path.name} に title がありません")
    hosts = data.get("hosts") or []
    if not isinstance(hosts, list) or not all(isinstance(h, str) for h in hosts):
        raise PolicyTemplateError(f"利用方針のひな形 {path.name} の hosts はドメインの一覧にしてください")
    label = data.get("label") or ""
    if not isinstance(label, str):
        raise PolicyTemplateError(f"利用方針のひな形 {path.name} の label は文字列にしてください")
    return PolicyTemplate(
        kind=kind,
        label=label,
        hosts=tuple(h.strip().lower() for h in hosts if h.strip()),
        title=title,
        items={item.id: items[item.id] for item in ITEMS},
        path=path,
    )


_env = SandboxedEnvironment(
    undefined=StrictUndefined,
    autoescape=False,  # plain text; every renderer escapes for its own format
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=False,
)


def facts_context(facts: AccountFacts, template: PolicyTemplate | None = None) -> dict[str, Any]:
    """The ``account`` variable of the templates: the registry facts with defaults resolved."""
    label = facts.platform_label.strip() or (template.label if template else "") or facts.platform
    manager = " ".join(p for p in (facts.manager_title.strip(), facts.manager_name.strip()) if p)
    return {
        "platform": facts.platform,
        "platform_label": label,
        "name": facts.name.strip(),
        "display_name": facts.shown_name,
        "url": facts.url.strip(),
        "department": facts.department.strip(),
        "manager_title": facts.manager_title.strip(),
        "manager_name": facts.manager_name.strip(),
        "manager": manager,
        "publisher_title": facts.publisher,
        "operating_hours": facts.operating_hours.strip(),
        "contact": {
            "phone": facts.contact.phone.strip(),
            "email": facts.contact.email.strip(),
            "form_url": facts.contact.form_url.strip(),
            "other": facts.contact.other.strip(),
        },
        "official_accounts_url": facts.official_accounts_url.strip(),
    }


def tidy(text: str) -> str:
    """Trailing spaces off every line, at most one blank line in a row, no blank lines around."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _TRAILING_SPACE.sub("", text)
    return _BLANK_LINES.sub("\n\n", text).strip("\n")


def fill(source: str, facts: AccountFacts, template: PolicyTemplate | None = None) -> str:
    """Render one template text (Jinja2) with the account facts."""
    try:
        rendered = _env.from_string(source).render(account=facts_context(facts, template))
    except TemplateError as exc:
        where = f"ひな形 {template.path.name} の" if template else "ひな形の"
        raise PolicyTemplateError(f"{where}差し込みに失敗しました: {exc}") from None
    return tidy(rendered)


def default_policy(facts: AccountFacts, directory: Path | None = None) -> Policy:
    """The template of the account's platform kind (or ``generic``) filled with its facts."""
    template = template_for(facts.platform, directory)
    title = " ".join(fill(template.title, facts, template).split())
    return Policy(title, {item_id: fill(source, facts, template) for item_id, source in template.items.items()})
