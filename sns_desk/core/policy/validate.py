"""Is a usage policy fit to publish (第4条第4項)?

Rules, all naming the item they concern (第4条第4項第N号『…』):

- every one of the nine items is present and not blank (error);
- no placeholder is left: ``{{…}}``, 〇〇, ＿＿, [要記入], XXXX, TODO … (error);
- no URL shortener (第9条第2項; the domains are the rulebook's ``url_shorteners``) (error);
- the registry holds the facts items 2 and 5 must state: the account manager's title (第2号) and
  the operating hours (第5号) (error when missing; a missing name, URL, department or contact is a
  warning);
- the account facts agree with the registry:
  - item 2 names the registered account name, URL and manager title; item 5 the registered
    operating hours and the person responsible (情報発信責任者) (error when missing);
  - a name line of item 2 (「アカウント名：…」「表示名：…」 …) states a registered name (error);
  - a URL on the platform's own domains, or an ``@handle``, that is not the registered account is
    an error in item 2 and a warning elsewhere (another item may point at another city account);
  - a phone number or e-mail address other than the registered contact is a warning;
- every character can be drawn by the PDF font (warning: the PDF prints 〓 instead);
- with a ``checker``, the guideline checker's errors and warnings on each item, except warnings
  that only concern a registry fact (the account's own URL is not a "third-party page").
"""

from __future__ import annotations

import contextlib
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Protocol
from urllib.parse import urlsplit

from ..checker.articles import article_label
from ..checker.domains import DomainSet
from ..text_entities import TextEntities, find_urls, parse_handle, phone_digits, scan
from .items import ITEM_IDS, ITEMS, PolicyItem
from .items import item as _item
from .model import AccountFacts, Policy, Severity, ValidationProblem, fold_width
from .render import MISSING_GLYPH, undrawable
from .templates import PolicyTemplateError, template_for


class FindingLike(Protocol):
    """What validation reads from a checker finding (:class:`sns_desk.core.checker.Finding`)."""

    @property
    def rule(self) -> str: ...
    @property
    def article(self) -> str: ...
    @property
    def severity(self) -> str: ...
    @property
    def start(self) -> int: ...
    @property
    def end(self) -> int: ...
    @property
    def message(self) -> str: ...


class TextChecker(Protocol):
    """Anything with ``check(text)`` → findings, e.g. :func:`sns_desk.core.checker.default_checker`."""

    def check(self, text: str, /) -> Sequence[FindingLike]: ...


# 「- アカウント名：…」: the lines of item 2 that name the account (on width-folded text).
_NAME_LINE = re.compile(
    r"^[ \t]*(?:[-*・][ \t]*)?(アカウント名|ページ名|チャンネル名|表示名|ハンドル)"
    r"(?:\([^)\n]*\))?[ \t]*:[ \t]*(.*?)[ \t\r]*$",
    re.MULTILINE,
)
_NAME_PAIR = re.compile(r"(.+?)[ \t]*\(([^()]+)\)")
_PLACEHOLDERS = re.compile(
    r"\{\{.*?\}\}|\{%.*?%\}"
    r"|([〇○◯●◎□■△▲×＊*])\1+"
    r"|_{2,}"
    r"|(?<![A-Za-z])[Xx]{3,}(?![A-Za-z])"
    r"|[\[【〔<]\s*(?:要(?:記入|入力|確認|修正|変更)|未(?:記入|入力|確認|定)|記入|入力|ここに|TODO|TBD)[^\]】〕>\n]*[\]】〕>]"
    r"|\(\s*(?:要記入|要入力|要確認|未記入|未入力|未定)\s*\)"
    r"|(?<![A-Za-z])(?:TODO|TBD|FIXME)(?![A-Za-z])"
)
_TILDES = str.maketrans({"〜": "~", "～": "~", "∼": "~", "－": "-", "−": "-", "‐": "-", "–": "-", "—": "-"})
_SPACE = re.compile(r"\s+")
_PUBLIC_SECTOR = ("lg.jp", "go.jp")
_PROFILE_PREFIXES = ("www.", "m.", "mobile.")
_PAGE_SUFFIXES = (".php", ".html", ".htm", ".asp", ".aspx")

# Used when no rulebook is at hand (the bundled rulebook's url_shorteners is the list in use).
_FALLBACK_SHORTENERS = (
    "bit.ly", "bitly.com", "tinyurl.com", "ow.ly", "is.gd", "v.gd", "x.gd", "buff.ly", "goo.gl", "t.co",
    "t.ly", "cutt.ly", "rebrand.ly", "shorturl.at", "tiny.cc", "rb.gy", "lnkd.in", "amzn.to", "j.mp",
    "forms.gle", "youtu.be", "lin.ee",
)  # fmt: skip


def _fold(text: str) -> str:
    return fold_width(text)


def _loose(text: str) -> str:
    """For "does the text state this fact": width, case, spacing and dash/tilde styles ignored."""
    return _SPACE.sub("", unicodedata.normalize("NFKC", text).translate(_TILDES)).lower()


def _address_spans(found: TextEntities) -> list[tuple[int, int]]:
    """Where the web and e-mail addresses are (their text is neither a placeholder nor a name line)."""
    return [(u.start, u.end) for u in found.urls] + [(e.start, e.end) for e in found.emails]


def _bare_host(host: str) -> str:
    host = host.lower().rstrip(".")
    for prefix in _PROFILE_PREFIXES:
        if host.startswith(prefix):
            return host[len(prefix) :]
    return host


def _url_key(url: str) -> str:
    """A URL compared the way people mean it: scheme, www., case and a trailing slash ignored."""
    parts = urlsplit(url.strip() if "://" in url else "http://" + url.strip())
    query = "&".join(sorted(q for q in parts.query.split("&") if q.lower().startswith("id=")))
    return f"{_bare_host(parts.hostname or '')}{parts.path.rstrip('/').lower()}?{query}"


def _handle_of_url(url: str) -> str | None:
    """``x.com/Name`` → name, ``youtube.com/@name`` → name, ``line.me/R/ti/p/@id`` → id; else None."""
    parts = urlsplit(url.strip() if "://" in url else "http://" + url.strip())
    segments = [s for s in parts.path.split("/") if s]
    for seg in reversed(segments):
        if seg.startswith("@") and len(seg) > 1:
            return seg[1:].lower()
    if len(segments) == 1 and not segments[0].lower().endswith(_PAGE_SUFFIXES):
        return segments[0].lower()
    return None


@lru_cache(maxsize=1)
def _bundled_shorteners() -> tuple[str, ...]:
    from ...resources import default_rulebook_path
    from ..rulebook import RulebookError, load_rulebook

    try:
        return load_rulebook(default_rulebook_path()).lists.get("url_shorteners", ()) or _FALLBACK_SHORTENERS
    except (RulebookError, OSError):
        return _FALLBACK_SHORTENERS


def _shorteners(checker: object | None) -> DomainSet:
    rulebook = getattr(checker, "rulebook", None)
    lists = getattr(rulebook, "lists", None)
    if isinstance(lists, dict) and lists.get("url_shorteners"):
        return DomainSet(lists["url_shorteners"])
    return DomainSet(_bundled_shorteners())


class _Validator:
    def __init__(self, facts: AccountFacts, checker: TextChecker | None, templates_directory: Path | None) -> None:
        self.facts = facts
        self.checker = checker
        self.shorteners = _shorteners(checker)
        hosts: list[str] = []
        with contextlib.suppress(PolicyTemplateError):  # no template: only the registered URL's domain
            hosts.extend(template_for(facts.platform, templates_directory).hosts)
        registered = find_urls(facts.url.strip())
        if registered and not DomainSet(_PUBLIC_SECTOR).contains(registered[0].host):
            # The registered URL's own domain is the platform's too, unless it is the city's website
            # (a mail magazine's page, say), where other pages are not other accounts.
            hosts.append(_bare_host(registered[0].host))
        self.platform_hosts = DomainSet(hosts)
        self.account_url_key = _url_key(facts.url) if facts.url.strip() else None
        self.other_url_keys = {_url_key(v) for v in (facts.contact.form_url, facts.official_accounts_url) if v.strip()}
        self.handles = {
            h for h in (_handle_of_url(facts.url) if facts.url.strip() else None, parse_handle(facts.name)) if h
        }
        self.fact_values = [
            v.strip()
            for v in (
                facts.url,
                facts.name,
                facts.contact.phone,
                facts.contact.email,
                facts.contact.form_url,
                facts.contact.other,
                facts.official_accounts_url,
            )
            if v.strip()
        ]

    # -- the policy as a whole ----------------------------------------------------------------

    def run(self, policy: Policy) -> list[ValidationProblem]:
        problems = self.registry_gaps()
        if not policy.title.strip():
            problems.append(ValidationProblem(None, "利用方針の表題が空です", "error", "policy.title"))
        else:
            for m in _PLACEHOLDERS.finditer(_fold(policy.title)):
                problems.append(
                    ValidationProblem(
                        None, f"利用方針の表題に未記入の箇所「{policy.title[m.start() : m.end()]}」があります",
                        "error", "policy.placeholder",
                    )
                )  # fmt: skip
            glyphs = self.glyph_problem(None, policy.title, "利用方針の表題")
            if glyphs is not None:
                problems.append(glyphs)
        for item in ITEMS:
            if item.id not in policy:
                problems.append(ValidationProblem(item.id, f"{item.label}がありません", "error", "policy.missing"))
                continue
            text = policy.text(item.id)
            if not text.strip():
                problems.append(ValidationProblem(item.id, f"{item.label}が空です", "error", "policy.empty"))
                continue
            problems.extend(sorted(self.item_problems(item, text), key=lambda p: (p.start is None, p.start or 0)))
        for item_id in policy:
            if item_id not in ITEM_IDS:
                problems.append(
                    ValidationProblem(
                        item_id,
                        f"項目「{item_id}」は第4条第4項の項目ではありません。公表する文書には含まれません",
                        "warning",
                        "policy.unknown_item",
                    )
                )
        problems.extend(self.contact_stated(policy))
        return problems

    def registry_gaps(self) -> list[ValidationProblem]:
        f = self.facts
        problems = []
        # What 第2号 and 第5号 must state: without it the policy can only print an empty line.
        required = {
            "account": ["アカウント管理者の役職"] if not f.manager_title.strip() else [],
            "operation": [
                *(["情報発信責任者の役職"] if not f.publisher else []),
                *(["運用時間"] if not f.operating_hours.strip() else []),
            ],
        }
        for item_id, labels in required.items():
            if labels:
                what = "・".join(labels)
                problems.append(
                    ValidationProblem(
                        item_id,
                        f"{_item(item_id).label}:アカウント登録情報に{what}がありません。利用方針に書けないため、"
                        f"アカウントの登録情報に{what}を記入してください",
                        "error",
                        "policy.registry",
                    )
                )
        missing = [
            label
            for label, value in (("アカウント名", f.name), ("URL", f.url), ("所属", f.department))
            if not value.strip()
        ]
        if f.contact.is_empty():
            missing.append("問い合わせ先")
        if missing:
            problems.append(
                ValidationProblem(
                    None,
                    f"アカウント登録情報に{'・'.join(missing)}がありません。利用方針に載せるため、登録情報を補ってください",
                    "warning",
                    "policy.registry",
                )
            )
        return problems

    def contact_stated(self, policy: Policy) -> list[ValidationProblem]:
        c = self.facts.contact
        values = [v for v in (c.phone, c.email, c.form_url, c.other) if v.strip()]
        if not values:
            return []
        everything = _loose("\n".join(policy.text(i) for i in ITEM_IDS))
        if any(_loose(v) in everything for v in values):
            return []
        phone = phone_digits(c.phone)
        if phone and any(p.value == phone for i in ITEM_IDS for p in scan(policy.text(i)).phone_numbers):
            return []
        account = ITEMS[1]
        return [
            ValidationProblem(
                account.id,
                f"{account.label}:登録されている問い合わせ先(電話・メール・問い合わせフォーム)がどこにも書かれていません",
                "warning",
                "policy.fact",
            )
        ]

    # -- one item -------------------------------------------------------------------------------

    def item_problems(self, item: PolicyItem, text: str) -> Iterable[ValidationProblem]:
        folded = _fold(text)
        found = scan(text)
        link_spans = _address_spans(found)

        def inside_link(start: int, end: int) -> bool:
            return any(s <= start and end <= e for s, e in link_spans)

        for m in _PLACEHOLDERS.finditer(folded):
            if inside_link(m.start(), m.end()):
                continue
            yield ValidationProblem(
                item.id,
                f"{item.label}に未記入の箇所「{text[m.start() : m.end()]}」があります。"
                "文言を記入するか、登録情報を差し込んでください",
                "error",
                "policy.placeholder",
                m.start(),
                m.end(),
            )

        shortened: list[tuple[int, int]] = []
        for u in found.urls:
            if self.shorteners.contains(u.host):
                shortened.append((u.start, u.end))
                yield ValidationProblem(
                    item.id,
                    f"{item.label}にURL短縮サービスのURL「{u.value}」があります。リンク先が分からなくなるため、"
                    "元のURLを書いてください(第9条第2項)",
                    "error",
                    "policy.shortener",
                    u.start,
                    u.end,
                )

        yield from self.fact_problems(item, text, folded, found)

        glyphs = self.glyph_problem(item.id, text, item.label)
        if glyphs is not None:
            yield glyphs

        if self.checker is not None:
            yield from self.checked(item, text, shortened)

    @staticmethod
    def glyph_problem(item_id: str | None, text: str, where: str) -> ValidationProblem | None:
        """Characters the PDF font cannot draw (the PDF prints 〓 for each)."""
        try:
            chars = undrawable(text)
        except OSError:  # no readable font: the PDF cannot be made at all, and says so then
            return None
        if not chars:
            return None
        start = text.index(chars[0])
        return ValidationProblem(
            item_id,
            f"{where}に PDF に出せない文字があります: {' '.join(chars)}"
            f"(PDF では「{MISSING_GLYPH}」になります。ほかの文字や言葉に置き換えてください)",
            "warning",
            "policy.glyph",
            start,
            start + len(chars[0]),
        )

    def fact_problems(
        self, item: PolicyItem, text: str, folded: str, found: TextEntities
    ) -> Iterable[ValidationProblem]:
        f = self.facts
        strict: Severity = "error" if item.id == "account" else "warning"
        loose = _loose(text)

        def mismatch(severity: Severity, start: int, end: int, message: str) -> ValidationProblem:
            return ValidationProblem(item.id, f"{item.label}:{message}", severity, "policy.fact", start, end)

        def missing(what: str, value: str) -> ValidationProblem:
            return ValidationProblem(
                item.id,
                f"{item.label}に、アカウント登録情報の{what}「{value}」が書かれていません。登録情報を差し込んでください",
                "error",
                "policy.fact",
            )

        # Required facts.
        if item.id == "account":
            if self.account_url_key and not any(_url_key(u.value) == self.account_url_key for u in found.urls):
                yield missing("URL", f.url.strip())
            yield from self.name_lines(item, text, folded, found, missing)
            if f.manager_title.strip() and _loose(f.manager_title) not in loose:
                yield missing("アカウント管理者", f.manager_title.strip())
        if item.id == "operation":
            if f.operating_hours.strip() and _loose(f.operating_hours) not in loose:
                yield missing("運用時間", f.operating_hours.strip())
            if f.publisher and _loose(f.publisher) not in loose:
                yield missing("情報発信責任者", f.publisher)

        # Values that contradict the registry.
        for u in found.urls:
            if self.shorteners.contains(u.host) or not self.platform_hosts.contains(_bare_host(u.host)):
                continue
            if self.is_account_url(u.value) or _url_key(u.value) in self.other_url_keys:
                continue
            registered = f"「{f.url.strip()}」" if f.url.strip() else "(未登録)"
            yield mismatch(
                strict, u.start, u.end, f"URL「{u.value}」は、アカウント登録情報のURL{registered}と一致しません"
            )
        if self.handles:
            for mention in found.mentions:  # not those in a web or e-mail address
                if mention.value in self.handles:
                    continue
                yield mismatch(
                    strict,
                    mention.start,
                    mention.end,
                    f"「{mention.text}」は、アカウント登録情報のアカウント名「{f.name.strip()}」と一致しません",
                )
        phone = phone_digits(f.contact.phone)
        for number in found.phone_numbers:  # not digits in a web or e-mail address
            if number.value != phone:
                yield mismatch(
                    "warning",
                    number.start,
                    number.end,
                    f"電話番号「{number.text}」は、登録されている問い合わせ先"
                    f"{'「' + f.contact.phone.strip() + '」' if phone else '(未登録)'}と異なります",
                )
        email = f.contact.email.strip().lower()
        for address in found.emails:
            if address.value != email:
                yield mismatch(
                    "warning",
                    address.start,
                    address.end,
                    f"メールアドレス「{address.text}」は、登録されている問い合わせ先"
                    f"{'「' + f.contact.email.strip() + '」' if email else '(未登録)'}と異なります",
                )

    def same_name(self, value: str) -> str | None:
        """The registered name (account name or display name) that ``value`` states, if any."""
        for registered in (self.facts.name.strip(), self.facts.display_name.strip()):
            if not registered:
                continue
            if _loose(value) == _loose(registered):
                return registered
            handle = parse_handle(value)
            if handle is not None and handle == parse_handle(registered):
                return registered
        return None

    def stated_names(self, value: str) -> list[str] | None:
        """The registered names a name line's value states: one (「東広島市」) or two (「東広島市(@id)」);
        None when it states something else."""
        one = self.same_name(value)
        if one is not None:
            return [one]
        pair = _NAME_PAIR.fullmatch(value)
        if pair:
            names = [self.same_name(pair.group(1)), self.same_name(pair.group(2))]
            if names[0] is not None and names[1] is not None:
                return [names[0], names[1]]
        return None

    def name_lines(
        self,
        item: PolicyItem,
        text: str,
        folded: str,
        found: TextEntities,
        missing: Callable[[str, str], ValidationProblem],
    ) -> Iterable[ValidationProblem]:
        """Item 2's 「アカウント名：…」 lines (and 表示名, ページ名 …) against the registered names;
        without such lines, the registered account name anywhere in the item."""
        f = self.facts
        name = f.name.strip()
        if not name:
            return
        link_spans = _address_spans(found)
        lines = [m for m in _NAME_LINE.finditer(folded) if not any(s <= m.start(2) < e for s, e in link_spans)]
        if not lines:
            if _loose(name) not in _loose(folded):
                yield missing("アカウント名", name)
            return
        named = settled = False
        registered = f"「{name}」" + (f"(表示名「{f.display_name.strip()}」)" if f.shown_name != name else "")
        for m in lines:
            value = m.group(2)
            handle = parse_handle(value) if value.startswith("@") else None
            if self.handles and handle is not None:
                # An @handle: the handle check (below) reports it when it is another account's.
                if handle in self.handles:
                    named = True
                else:
                    settled = True
                continue
            stated = self.stated_names(value)
            if stated is None:
                settled = True
                yield ValidationProblem(
                    item.id,
                    f"{item.label}:{m.group(1)}「{text[m.start(2) : m.end(2)]}」は、"
                    f"アカウント登録情報のアカウント名{registered}と一致しません",
                    "error",
                    "policy.fact",
                    m.start(2),
                    m.end(2),
                )
            elif name in stated:
                named = True
        if not (named or settled):
            yield missing("アカウント名", name)

    def is_account_url(self, url: str) -> bool:
        if self.account_url_key is not None and _url_key(url) == self.account_url_key:
            return True
        handle = _handle_of_url(url)
        return handle is not None and handle in self.handles

    def checked(self, item: PolicyItem, text: str, shortened: list[tuple[int, int]]) -> Iterable[ValidationProblem]:
        assert self.checker is not None
        fact_spans = [(m.start(), m.end()) for value in self.fact_values for m in re.finditer(re.escape(value), text)]
        for finding in self.checker.check(text):
            severity = str(finding.severity)
            if severity not in ("error", "warning"):
                continue
            start, end = finding.start, finding.end
            if finding.rule == "link.shortener" and any(s < end and start < e for s, e in shortened):
                continue  # reported above already
            if severity == "warning" and any(s <= start and end <= e for s, e in fact_spans):
                continue  # a registry fact (the account's own URL, the department's address) is vetted
            level: Severity = "error" if severity == "error" else "warning"
            yield ValidationProblem(
                item.id,
                f"{item.label}:「{text[start:end]}」{finding.message}({article_label(finding.article)})",
                level,
                f"checker:{finding.rule}",
                start,
                end,
            )


def validate(
    policy: Policy,
    facts: AccountFacts,
    checker: TextChecker | None = None,
    *,
    templates_directory: Path | None = None,
) -> list[ValidationProblem]:
    """Every problem of ``policy`` against the registry ``facts`` (and the guideline checker)."""
    return _Validator(facts, checker, templates_directory).run(policy)


def has_errors(problems: Iterable[ValidationProblem]) -> bool:
    return any(p.is_error for p in problems)
