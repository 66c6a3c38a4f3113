"""Per-platform limits: length by each platform's own counting rule, and hashtag count."""

from __future__ import annotations

import re
from collections.abc import Iterable

from ..analysis import Analysis
from ..length import measure
from .base import Detector, Raw

_HASHTAG = re.compile(r"(?<![\w&])#(?!\d+(?:\b|$))[\w]+")


class LengthDetector(Detector):
    """Over the length limit of a target platform: the overflowing tail is the span."""

    kind = "length"

    def find(self, a: Analysis) -> Iterable[Raw]:
        original = a.nt.original
        for pid in a.context.platforms:
            platform = self.rulebook.platforms.get(pid)
            if platform is None:
                continue
            length = measure(original, platform.counting, platform.limit)
            if length.overflow_start is None:
                continue
            start = a.nt.to_normalized(length.overflow_start)
            yield Raw(
                start,
                len(a.nt.text),
                detail=f"({platform.name}: {length.count} / {platform.limit}、{-length.remaining} 超過)",
            )


class HashtagDetector(Detector):
    """More hashtags than a target platform allows (Instagram: 5)."""

    kind = "hashtags"

    def find(self, a: Analysis) -> Iterable[Raw]:
        tags = list(_HASHTAG.finditer(a.nt.text))
        for pid in a.context.platforms:
            platform = self.rulebook.platforms.get(pid)
            if platform is None or platform.max_hashtags is None or len(tags) <= platform.max_hashtags:
                continue
            extra = tags[platform.max_hashtags :]
            yield Raw(
                extra[0].start(),
                extra[-1].end(),
                detail=f"({platform.name}: {len(tags)} 個 / 上限 {platform.max_hashtags} 個)",
            )
