"""Plain records for posts read back from a platform's own export (guideline article 6: keep a backup)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class MediaRef:
    """One media file stored in the archive next to a post."""

    name: str
    """The file name without the ``<post id>-`` prefix, e.g. ``FxYz12.jpg``."""
    path_in_archive: str
    """POSIX path relative to the archive root, e.g. ``data/tweets_media/1234-FxYz12.jpg``."""


@dataclass(frozen=True, slots=True)
class ArchivedPost:
    """One post as the platform exported it."""

    platform: str
    """``"x"`` for X (Twitter)."""
    platform_id: str
    account: str
    """Screen name without ``@``, or ``""`` when the archive does not say."""
    url: str
    text: str
    """Full text: HTML entities decoded, t.co links replaced by the address they point at, long posts complete."""
    posted_at: dt.datetime
    """Timezone-aware."""
    reply_to_id: str | None = None
    quoted_id: str | None = None
    media: tuple[MediaRef, ...] = ()
    source: str = "x-archive"
