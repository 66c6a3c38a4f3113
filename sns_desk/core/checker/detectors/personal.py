"""Personal information (第7条第7号): phones, e-mail, My Number, home addresses, people."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from ...rulebook.model import Rule, Rulebook
from ...text_entities import PhoneType, phone_digits
from ..analysis import Analysis
from ..domains import DomainSet
from ..lexicon import Lexicon
from ..morph import Token
from .base import Detector, Raw

_PHONE_TYPES = {
    "mobile": PhoneType.MOBILE,
    "fixed_line": PhoneType.FIXED_LINE,
    "toll_free": PhoneType.TOLL_FREE,
    "voip": PhoneType.VOIP,
    "pager": PhoneType.PAGER,
    "uan": PhoneType.UAN,
}


def _digits(text: str) -> str:
    return "".join(ch for ch in text if ch.isdigit())


class PhoneDetector(Detector):
    """Phone numbers classified by the ``phonenumbers`` library's Japanese numbering plan.

    ``params.personal``: number types that are personal (default: mobile). ``params.hint``:
    types reported at info level. The city's own numbers (``city.phones``) never are.
    """

    kind = "phone"

    def __init__(self, rule: Rule, rulebook: Rulebook, lexicon: Lexicon) -> None:
        super().__init__(rule, rulebook, lexicon)
        self.personal = self._types("personal", ["mobile"])
        self.hint = self._types("hint", [])
        self.city = {phone_digits(p) for p in rulebook.city.phones}

    def _types(self, name: str, default: list[str]) -> set[PhoneType]:
        names = self.param(name, default)
        if not isinstance(names, list) or any(n not in _PHONE_TYPES for n in names):
            raise self.fail(f"params.{name} は {' / '.join(_PHONE_TYPES)} の一覧で書いてください")
        return {_PHONE_TYPES[n] for n in names}

    def find(self, a: Analysis) -> Iterable[Raw]:
        for phone in a.phone_numbers:
            if not phone.valid or phone.value in self.city:
                continue
            kind = phone.number_type
            if kind in self.personal:
                yield Raw(phone.start, phone.end, suggestion="")
            elif kind in self.hint:
                yield Raw(
                    phone.start,
                    phone.end,
                    detail="(IP電話などの番号です。個人の番号でないか確認してください)",
                    severity="info",
                )


class EmailDetector(Detector):
    """E-mail addresses that are not the city's or a government body's.

    Free-mail domains are personal; on other domains a role mailbox (info@, contact@ …) is an
    organisation's, anything else (taro.yamada@) is treated as a person's.
    """

    kind = "email"

    def __init__(self, rule: Rule, rulebook: Rulebook, lexicon: Lexicon) -> None:
        super().__init__(rule, rulebook, lexicon)
        self.official = DomainSet(rulebook.allowed_domains + rulebook.city.domains)
        self.freemail = DomainSet(self.param_words("freemail_domains"))
        self.roles = {w.lower() for w in self.param_words("role_mailboxes")}

    def find(self, a: Analysis) -> Iterable[Raw]:
        for email in a.emails:
            if self.official.contains(email.domain):
                continue
            if not self.freemail.contains(email.domain):
                head = re.split(r"[.+_-]", email.local, maxsplit=1)[0]
                if head in self.roles or email.local in self.roles:
                    continue
            yield Raw(email.start, email.end)


_MY_NUMBER = re.compile(r"\d(?<![\d-]\d)\d{3}[\s-]?\d{4}[\s-]?\d{4}(?![\d-])")


def my_number_is_valid(digits: str) -> bool:
    """The check digit of the 12-digit individual number (個人番号)."""
    if len(digits) != 12 or not digits.isdigit():
        return False
    body = [int(c) for c in digits[:11]]
    total = sum(p * (n + 1 if n <= 6 else n - 5) for n, p in enumerate(reversed(body), start=1))
    remainder = total % 11
    check = 0 if remainder <= 1 else 11 - remainder
    return check == int(digits[11])


class MyNumberDetector(Detector):
    """12 digits whose check digit is valid; labelled as something else (受付番号) they are not."""

    kind = "my_number"

    def __init__(self, rule: Rule, rulebook: Rulebook, lexicon: Lexicon) -> None:
        super().__init__(rule, rulebook, lexicon)
        self.labels = tuple(w.lower() for w in self.param_words("labels"))
        self.other_labels = tuple(w.lower() for w in self.param_words("other_labels"))
        self.window = int(self.param("label_window", 12))

    def find(self, a: Analysis) -> Iterable[Raw]:
        text = a.nt.text
        in_url = [(u.start, u.end) for u in a.urls]
        for m in _MY_NUMBER.finditer(text):
            if any(s <= m.start() < e for s, e in in_url):
                continue
            before = text[max(0, m.start() - self.window) : m.start()].lower()
            labelled = any(label in before for label in self.labels)
            if not labelled and any(label in before for label in self.other_labels):
                continue
            digits = _digits(m.group(0))
            if my_number_is_valid(digits):
                yield Raw(m.start(), m.end(), detail="(検査用数字も一致しています)", suggestion="●●●●●●●●●●●●")
            elif labelled:
                yield Raw(
                    m.start(),
                    m.end(),
                    detail="(検査用数字は一致しませんが、個人番号として書かれています)",
                    severity="warning",
                    suggestion="●●●●●●●●●●●●",
                )


_HOUSE_NUMBER = re.compile(r"\d\s*(?:丁目|番|[-‐−ー])\s*\d")


class StreetAddressDetector(Detector):
    """Street addresses with house numbers; a person's when the sentence is about a person.

    ``params.pattern`` finds addresses with a municipality (西条町寺家1234-5); the optional
    ``params.bare_pattern`` those written without one (八本松南2-3-4, 下見4丁目5-6), which are
    reported only in a sentence about a person: alone they are too often a venue.
    """

    kind = "street_address"

    def __init__(self, rule: Rule, rulebook: Rulebook, lexicon: Lexicon) -> None:
        super().__init__(rule, rulebook, lexicon)
        pattern = self.param("pattern")
        if not isinstance(pattern, str):
            raise self.fail("params.pattern(住所の正規表現)がありません")
        try:
            self.pattern = re.compile(pattern)
        except re.error as exc:
            raise self.fail(f"params.pattern の正規表現が正しくありません({exc})") from None
        bare = self.param("bare_pattern")
        self.bare: re.Pattern[str] | None = None
        if bare is not None:
            try:
                self.bare = re.compile(str(bare))
            except re.error as exc:
                raise self.fail(f"params.bare_pattern の正規表現が正しくありません({exc})") from None
        self.person_key = self.register_words(lexicon, "person_cues")
        self.honorifics = set(self.param_words("honorifics"))
        self.plain_severity = str(self.param("plain_severity", "info"))
        self.city = tuple(re.sub(r"\s", "", c) for c in rulebook.city.addresses)

    def find(self, a: Analysis) -> Iterable[Raw]:
        if _HOUSE_NUMBER.search(a.nt.text) is None:
            return
        person_sentences = a.sentences_with(self.person_key)
        for index, (_, tokens) in enumerate(a.sentences):
            if any(t.is_person_name or (t.pos1 == "接尾辞" and t.surface in self.honorifics) for t in tokens):
                person_sentences.add(index)
        found: list[tuple[int, int]] = []
        for m in self.pattern.finditer(a.nt.text):
            if any(c and c in m.group(0) for c in self.city):
                continue
            found.append((m.start(), m.end()))
            if a.sentence_of(m.start()) in person_sentences:
                yield Raw(m.start(), m.end())
            else:
                yield Raw(
                    m.start(),
                    m.end(),
                    severity=self.plain_severity,
                    detail="(施設の住所なら問題ありません。個人の住所でないか確認してください)",
                )
        if self.bare is None or not person_sentences:
            return
        found.extend((p.start, p.end) for p in a.phone_numbers)
        for m in self.bare.finditer(a.nt.text):
            if any(s < m.end() and m.start() < e for s, e in found) or any(c and c in m.group(0) for c in self.city):
                continue
            if a.sentence_of(m.start()) in person_sentences:
                yield Raw(m.start(), m.end())


_AGE_AFTER_NAME = re.compile(r"\s*\(\s*\d{1,3}\s*(?:歳|才)?\s*\)")


class PersonDetailsDetector(Detector):
    """A private person's name (UniDic 人名) with private details in the same sentence.

    Names followed by a public title (市長, 議員 …) are public roles and left alone.
    """

    kind = "person_details"

    def __init__(self, rule: Rule, rulebook: Rulebook, lexicon: Lexicon) -> None:
        super().__init__(rule, rulebook, lexicon)
        self.honorifics = set(self.param_words("honorifics"))
        self.titles = set(self.param_words("public_titles"))
        self.details_key = self.register_words(lexicon, "details")

    def find(self, a: Analysis) -> Iterable[Raw]:
        for offset, tokens in a.sentences:
            if any(t.is_person_name for t in tokens):
                yield from self._in_sentence(a, offset, tokens)

    def _in_sentence(self, a: Analysis, offset: int, tokens: Sequence[Token]) -> Iterable[Raw]:
        detail_hits = a.hits.get(self.details_key, [])
        i, n = 0, len(tokens)
        while i < n:
            if not tokens[i].is_person_name:
                i += 1
                continue
            j = i
            while j + 1 < n and tokens[j + 1].is_person_name:
                j += 1
            nxt = tokens[j + 1] if j + 1 < n else None
            start, end = offset + tokens[i].start, offset + tokens[j].end
            i = j + 1
            if nxt is not None and nxt.surface in self.titles:
                continue
            honorific = nxt is not None and nxt.surface in self.honorifics
            if honorific and nxt is not None:
                end = offset + nxt.end
            age = _AGE_AFTER_NAME.match(a.nt.text, end)
            if not honorific and age is None:
                continue
            sentence = a.sentence_of(start)
            found = sorted({h.word for h in detail_hits if a.sentence_of(h.start) == sentence})
            if age is not None:
                found.insert(0, "年齢")
            if found:
                yield Raw(start, end, detail=f"(一緒に書かれている情報: {'、'.join(found)})")
