"""The detector kinds a rulebook rule can name in its ``detector`` field."""

from __future__ import annotations

from .base import Detector, Raw
from .dates import WeekdayDetector
from .lexical import HearsayGrammarDetector, WordListDetector, WordPairDetector
from .links import ExternalLinkDetector, PatternDetector, ShortenerDetector
from .personal import (
    EmailDetector,
    MyNumberDetector,
    PersonDetailsDetector,
    PhoneDetector,
    StreetAddressDetector,
)
from .platform import HashtagDetector, LengthDetector
from .security import CredentialDetector, InternalHostDetector

DETECTORS: dict[str, type[Detector]] = {
    cls.kind: cls
    for cls in (
        WordListDetector,
        HearsayGrammarDetector,
        WordPairDetector,
        PhoneDetector,
        EmailDetector,
        MyNumberDetector,
        StreetAddressDetector,
        PersonDetailsDetector,
        CredentialDetector,
        InternalHostDetector,
        ShortenerDetector,
        ExternalLinkDetector,
        PatternDetector,
        WeekdayDetector,
        LengthDetector,
        HashtagDetector,
    )
}

__all__ = ["DETECTORS", "Detector", "Raw"]
