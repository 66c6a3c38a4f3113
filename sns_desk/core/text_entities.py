"""URLs, e-mail addresses, phone numbers and @handles in a text, with their offsets.

One place for what the guideline checker and the usage-policy validator both look for. Pure
Python (no Qt, no database); the phone numbers are classified by ``phonenumbers``' Japanese
numbering plan.

* Offsets are code-point offsets into the text as given (``text[e.start : e.end] == e.text``).
* Matching runs on a copy folded one character for one (full-width ASCII, the ideographic space
  and hyphen look-alikes become ASCII), so ``ｈｔｔｐｓ：／／…``, ``０９０－…`` and ``＠ｉｄ``
  are found like their ASCII forms and the offsets still hold. ``value`` is the normalised value.
* A phone number or @handle that lies inside a URL or an e-mail address is part of that address
  and not an entity of its own (``https://example.jp/09012345678``, ``youtube.com/@name``).

twitter-text is not used here: its URL grammar needs a public top-level domain (it finds no
``http://10.1.2.3/``, ``http://localhost:8080/`` or ``fileserver.local``, and cuts
``http://intra.city.lan/admin`` after ``intra.city``), the Python port has no mention extractor,
and importing it costs ≈ 0.45 s, which only an X length measurement should pay (``length.py``).
"""

from __future__ import annotations

import enum
import re
import unicodedata
from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import ClassVar
from urllib.parse import urlsplit

import phonenumbers

__all__ = [
    "Email",
    "Entity",
    "EntityKind",
    "Mention",
    "PhoneNumber",
    "PhoneType",
    "TextEntities",
    "Url",
    "entities",
    "find_emails",
    "find_mentions",
    "find_phone_numbers",
    "find_urls",
    "fold",
    "parse_handle",
    "phone_digits",
    "scan",
]


class EntityKind(enum.Enum):
    URL = "url"
    EMAIL = "email"
    PHONE = "phone"
    MENTION = "mention"


class PhoneType(enum.Enum):
    """The kind of a Japanese number by the numbering plan (``phonenumbers.PhoneNumberType``)."""

    MOBILE = "mobile"  # 070 / 080 / 090
    FIXED_LINE = "fixed_line"  # 03-…, 082-…
    TOLL_FREE = "toll_free"  # 0120, 0800
    VOIP = "voip"  # 050
    PAGER = "pager"  # 020
    UAN = "uan"  # 0570 (ナビダイヤル)
    PREMIUM_RATE = "premium_rate"  # 0990
    SHARED_COST = "shared_cost"
    PERSONAL_NUMBER = "personal_number"
    VOICEMAIL = "voicemail"
    UNKNOWN = "unknown"
    """Not a valid number of the plan (also every number that fails validation)."""


_PHONE_TYPES = {
    phonenumbers.PhoneNumberType.MOBILE: PhoneType.MOBILE,
    phonenumbers.PhoneNumberType.FIXED_LINE: PhoneType.FIXED_LINE,
    phonenumbers.PhoneNumberType.TOLL_FREE: PhoneType.TOLL_FREE,
    phonenumbers.PhoneNumberType.VOIP: PhoneType.VOIP,
    phonenumbers.PhoneNumberType.PAGER: PhoneType.PAGER,
    phonenumbers.PhoneNumberType.UAN: PhoneType.UAN,
    phonenumbers.PhoneNumberType.PREMIUM_RATE: PhoneType.PREMIUM_RATE,
    phonenumbers.PhoneNumberType.SHARED_COST: PhoneType.SHARED_COST,
    phonenumbers.PhoneNumberType.PERSONAL_NUMBER: PhoneType.PERSONAL_NUMBER,
    phonenumbers.PhoneNumberType.VOICEMAIL: PhoneType.VOICEMAIL,
}


@dataclass(frozen=True, slots=True)
class Url:
    """``https://…``, ``www.host…`` or a bare ``host.tld/path`` (a bare host alone is not a link)."""

    kind: ClassVar[EntityKind] = EntityKind.URL
    start: int
    end: int
    text: str
    """As written (a slice of the given text)."""
    value: str
    """As ASCII, trailing sentence punctuation removed: ``https://bit.ly/abc``."""
    host: str
    """Lower case, without a trailing dot."""
    path: str
    port: int | None


@dataclass(frozen=True, slots=True)
class Email:
    kind: ClassVar[EntityKind] = EntityKind.EMAIL
    start: int
    end: int
    text: str
    value: str
    """As ASCII, lower case: ``taro.yamada@gmail.com``."""
    local: str
    """The part before ``@``, lower case."""
    domain: str
    """The part after ``@``, lower case."""


@dataclass(frozen=True, slots=True)
class PhoneNumber:
    """A Japanese number as people write it: ``082-420-0919``, ``(082)420-0919``, ``090 1234 5678``,
    ``+81 90-1234-5678``; 10 or 11 digits in the national form."""

    kind: ClassVar[EntityKind] = EntityKind.PHONE
    start: int
    end: int
    text: str
    value: str
    """The national number's digits: ``09012345678`` (``+81`` becomes ``0``)."""
    number_type: PhoneType
    valid: bool
    """Whether it is a valid number of the Japanese numbering plan."""


@dataclass(frozen=True, slots=True)
class Mention:
    """An ``@handle`` (X, Instagram, YouTube, LINE …): letters, digits, ``_`` and inner dots."""

    kind: ClassVar[EntityKind] = EntityKind.MENTION
    start: int
    end: int
    text: str
    value: str
    """The handle without ``@``, lower case: ``higashihiroshima_city``."""
    handle: str
    """The handle without ``@`` as written (in ASCII)."""


Entity = Url | Email | PhoneNumber | Mention

# -- folding ------------------------------------------------------------------------------------

_FOLD = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)}
_FOLD.update({0x3000: 0x20, 0x2010: 0x2D, 0x2011: 0x2D, 0x2012: 0x2D, 0x2013: 0x2D, 0x2212: 0x2D})
_NEEDS_FOLD = re.compile("[\uff01-\uff5e\u3000\u2010-\u2013\u2212]")


def fold(text: str) -> str:
    """Full-width ASCII, the ideographic space and hyphen look-alikes as ASCII, one character for one."""
    return text.translate(_FOLD) if _NEEDS_FOLD.search(text) else text


# -- patterns (on folded text) -----------------------------------------------------------------------

_URL_CHAR = r"[A-Za-z0-9\-._~:/?#@!$&*+,;=%]"
_LABEL_REST = r"(?:[A-Za-z0-9-]*[A-Za-z0-9])?"
_HOST = rf"(?:[A-Za-z0-9]{_LABEL_REST}\.)+[A-Za-z]{{2,}}"
# Every match starts with an ASCII letter or digit, consumed before anything else is tried: the
# regex engine then skips from candidate to candidate in C (4× faster on a long Japanese text).
_URL = re.compile(
    r"[A-Za-z0-9](?:"
    rf"(?<=[Hh])[Tt][Tt][Pp][Ss]?://{_URL_CHAR}+"
    # Without a scheme: www.host, or a host with a path (bit.ly/abc); not inside a word, an address
    # or a path (report.pdf, taro@example.jp and a/b.c/d are no links).
    rf"|(?<![A-Za-z0-9_.@/-].)(?:(?<=[Ww])[Ww][Ww]\.{_HOST}(?:/{_URL_CHAR}*)?"
    rf"|{_LABEL_REST}\.(?:[A-Za-z0-9]{_LABEL_REST}\.)*[A-Za-z]{{2,}}/{_URL_CHAR}*)"
    r")"
)
_URL_TRAILING = ".,;:!?"
_EMAIL = re.compile(
    r"([A-Za-z0-9._%+-](?<![A-Za-z0-9._%+-].)[A-Za-z0-9._%+-]*)@((?>(?:[A-Za-z0-9-]+\.)+[A-Za-z]{2,}))"
    # The whole domain or nothing (taro@gmail.com1 is not taro@gmail.co); a hyphen may follow it.
    r"(?![A-Za-z0-9]|[.-][A-Za-z0-9])"
)
_HANDLE = r"[A-Za-z0-9_](?:[A-Za-z0-9_.]*[A-Za-z0-9_])?"
_MENTION = re.compile(rf"@(?<![A-Za-z0-9_@.]@)({_HANDLE})")
_ONE_HANDLE = re.compile(rf"@?({_HANDLE})")

# Dashes people type between the groups of a phone number (after folding; ー and ｰ only count as
# dashes between digits: センター0120-… is a number after a word).
_D = "\\-\u2014\u2015\u30fc\uff70"


def _start(literal: str) -> str:
    """``literal`` not inside a longer number: no digit or dash before it, nor a dot or ー after a digit
    (``TEL.082-…`` and ``センター0120-…`` are numbers, ``1.0824…`` and ``3ー0824…`` are not)."""
    return rf"{literal}(?<![0-9\-\u2014\u2015]{literal})(?<![0-9][.\u30fc\uff70]{literal})"


# Starts with a literal +, ( or 0, so the regex engine skips ahead to candidates quickly.
_PHONE = re.compile(
    "(?:"
    + (_start(r"\+") + rf"81[ \t]?[{_D}]?[ \t]?[0-9]{{1,4}}")  # +81 90 …
    + ("|" + _start(r"\(") + r"0[0-9]{0,4}\)(?P<paren>)")  # (082)…
    + ("|" + _start("0") + "[0-9]{0,4}")  # 082-…, 090(…
    + ")"
    + rf"(?(paren)[ \t]?|[ \t]?[{_D}(]?[ \t]?)[0-9]{{1,4}}[ \t]?[{_D})]?[ \t]?[0-9]{{3,4}}"
    + r"(?![0-9\-\u2014\u2015]|[\u30fc\uff70][0-9])"
)


def phone_digits(written: str) -> str:
    """The national digits of one number as written (``+81 82-420-0919`` → ``0824200919``), for
    comparing numbers whatever their punctuation; ``""`` when ``written`` has no digits."""
    digits = "".join(ch for ch in unicodedata.normalize("NFKC", written) if ch.isdigit())
    if written.lstrip().startswith(("+", "＋")) and digits.startswith("81"):
        digits = "0" + digits[2:]
    return digits


@lru_cache(maxsize=4096)
def _phone_type(digits: str) -> tuple[PhoneType, bool]:
    try:
        number = phonenumbers.parse(digits, "JP")
    except phonenumbers.NumberParseException:
        return PhoneType.UNKNOWN, False
    if not phonenumbers.is_valid_number(number):
        return PhoneType.UNKNOWN, False
    return _PHONE_TYPES.get(phonenumbers.number_type(number), PhoneType.UNKNOWN), True


def parse_handle(text: str) -> str | None:
    """The handle (lower case, without ``@``) when ``text`` is one handle, with or without its ``@``."""
    m = _ONE_HANDLE.fullmatch(fold(text.strip()))
    return m.group(1).lower() if m else None


# -- scanning ----------------------------------------------------------------------------------------


class TextEntities:
    """The entities of one text, each kind found on first access."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.folded = fold(text)

    @cached_property
    def urls(self) -> tuple[Url, ...]:
        f = self.folded
        if "." not in f and ":" not in f:
            return ()
        out: list[Url] = []
        for m in _URL.finditer(f):
            raw = m.group(0).rstrip(_URL_TRAILING)
            parts = urlsplit(raw if "://" in raw else "http://" + raw)
            try:
                port = parts.port
            except ValueError:
                port = None
            host = (parts.hostname or "").lower().rstrip(".")
            if host:
                start, end = m.start(), m.start() + len(raw)
                out.append(Url(start, end, self.text[start:end], raw, host, parts.path, port))
        return tuple(out)

    @cached_property
    def emails(self) -> tuple[Email, ...]:
        f = self.folded
        if "@" not in f:
            return ()
        return tuple(
            Email(
                m.start(),
                m.end(),
                self.text[m.start() : m.end()],
                m.group(0).lower(),
                m.group(1).lower(),
                m.group(2).lower(),
            )
            for m in _EMAIL.finditer(f)
        )

    @cached_property
    def _address_spans(self) -> list[tuple[int, int]]:
        return [(u.start, u.end) for u in self.urls] + [(e.start, e.end) for e in self.emails]

    def _in_address(self, offset: int) -> bool:
        return any(s <= offset < e for s, e in self._address_spans)

    @cached_property
    def phone_numbers(self) -> tuple[PhoneNumber, ...]:
        out: list[PhoneNumber] = []
        for m in _PHONE.finditer(self.folded):
            digits = phone_digits(m.group(0))
            if not digits.startswith("0") or not 10 <= len(digits) <= 11 or self._in_address(m.start()):
                continue
            number_type, valid = _phone_type(digits)
            out.append(PhoneNumber(m.start(), m.end(), self.text[m.start() : m.end()], digits, number_type, valid))
        return tuple(out)

    @cached_property
    def mentions(self) -> tuple[Mention, ...]:
        f = self.folded
        if "@" not in f:
            return ()
        return tuple(
            Mention(m.start(), m.end(), self.text[m.start() : m.end()], m.group(1).lower(), m.group(1))
            for m in _MENTION.finditer(f)
            if not self._in_address(m.start())
        )

    def all(self) -> list[Entity]:
        """Every entity, by position (URLs, e-mail addresses, phone numbers, then mentions at a tie)."""
        found: list[Entity] = [*self.urls, *self.emails, *self.phone_numbers, *self.mentions]
        return sorted(found, key=lambda e: e.start)


def scan(text: str) -> TextEntities:
    return TextEntities(text)


def entities(text: str) -> list[Entity]:
    """Every URL, e-mail address, phone number and @handle in ``text``, by position."""
    return scan(text).all()


def find_urls(text: str) -> list[Url]:
    return list(scan(text).urls)


def find_emails(text: str) -> list[Email]:
    return list(scan(text).emails)


def find_phone_numbers(text: str) -> list[PhoneNumber]:
    """Numbers of 10 or 11 national digits, valid or not (see :attr:`PhoneNumber.valid`)."""
    return list(scan(text).phone_numbers)


def find_mentions(text: str) -> list[Mention]:
    return list(scan(text).mentions)
