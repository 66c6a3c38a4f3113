"""Threats to the city's security (第7条第5号): credentials, internal hosts, admin pages."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable

from ...rulebook.model import Rule, Rulebook
from ..analysis import Analysis
from ..domains import DomainSet
from ..lexicon import Lexicon
from .base import Detector, Raw


class CredentialDetector(Detector):
    """A credential label (パスワード, ID, 認証コード …) followed by an actual value.

    Text about credentials with no value in it (「暗証番号を聞くことはありません」) is fine.
    """

    kind = "credential"

    def __init__(self, rule: Rule, rulebook: Rulebook, lexicon: Lexicon) -> None:
        super().__init__(rule, rulebook, lexicon)
        labels = self.param_words("labels")
        if not labels:
            raise self.fail("params.labels(パスワード等の見出し語)がありません")
        # Labels are found as morphemes by the lexicon (ID, パスワード …), in any letter case.
        variants: set[str] = set()
        for label in labels:
            marker = "^" if label.startswith("^") else ""
            word = label.lstrip("^")
            forms = (word, word.lower(), word.upper(), word.title()) if word.isascii() else (word,)
            variants.update(marker + form for form in forms)
        self.labels_key = f"param:{rule.id}:labels"
        lexicon.add(self.labels_key, sorted(variants))
        # A value has a digit or a symbol: "LINE" after パスコードは is a channel, not a code.
        value = self.param(
            "value_pattern", r"(?=[\w!#$%&*+\-./@^~]*[0-9!#$%&*+\-./@_^~])[A-Za-z0-9!#$%&*+\-./@_^~]{4,64}"
        )
        try:
            self.value = re.compile(
                rf"\s*(?:は|:|=|→|を)?[^\x00-\x7f\n。]{{0,12}}?\s*[「『\"']?"
                rf"(?<![A-Za-z0-9/.])(?P<value>{value})(?!\s*(?:文字|字|桁|以上|以下|回))"
            )
        except re.error as exc:
            raise self.fail(f"params.value_pattern の正規表現が正しくありません({exc})") from None

    def find(self, a: Analysis) -> Iterable[Raw]:
        urls = [(u.start, u.end) for u in a.urls]
        text = a.nt.text
        for hit in a.hits.get(self.labels_key, ()):
            m = self.value.match(text, hit.end)
            if m is None:
                continue
            if any(s <= m.start("value") < e for s, e in urls):
                continue  # a link to a password-change page is not a password
            yield Raw(hit.start, m.end("value"))


_BARE_IPV4 = re.compile(r"(?<![\d.])(\d{1,3}(?:\.\d{1,3}){3})(?![\d.])")


def is_internal_ip(text: str) -> bool:
    try:
        ip = ipaddress.ip_address(text)
    except ValueError:
        return False
    return ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_reserved


class InternalHostDetector(Detector):
    """Links and addresses that expose the inside: private IPs, intranet hosts, admin pages."""

    kind = "internal_host"

    def __init__(self, rule: Rule, rulebook: Rulebook, lexicon: Lexicon) -> None:
        super().__init__(rule, rulebook, lexicon)
        self.internal = DomainSet(self.param_words("internal_domains"))
        self.admin_segments = {w.lower().strip("/") for w in self.param_words("admin_paths")}
        self.admin_severity = str(self.param("admin_path_severity", rule.severity))

    def find(self, a: Analysis) -> Iterable[Raw]:
        covered: list[tuple[int, int]] = []
        for url in a.urls:
            if is_internal_ip(url.host) or self.internal.contains(url.host):
                covered.append((url.start, url.end))
                yield Raw(url.start, url.end, detail="(庁内・内部向けのアドレスです)")
            elif any(seg.lower() in self.admin_segments for seg in url.path.split("/") if seg):
                covered.append((url.start, url.end))
                yield Raw(
                    url.start, url.end, detail="(管理画面・ログイン画面のアドレスです)", severity=self.admin_severity
                )
        for m in _BARE_IPV4.finditer(a.nt.text):
            if any(s <= m.start() < e for s, e in covered):
                continue
            if is_internal_ip(m.group(1)):
                yield Raw(m.start(), m.end(), detail="(内部ネットワークの IP アドレスです)")
