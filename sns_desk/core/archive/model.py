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
    """Where the record came from: ``x-archive``, ``facebook-export``, ``instagram-export``, ``mastodon-export``,
    ``csv``."""
    reposted_url: str | None = None
    """For a boost/repost (Mastodon ``Announce``): the address of what was reposted; ``text`` may then be empty."""


@dataclass(frozen=True, slots=True)
class PackagedMedia:
    """A media file of an archived item, stored once under its SHA-256."""

    sha256: str
    name: str
    """The original file name, for people."""


@dataclass(frozen=True, slots=True)
class ArchiveItem:
    """One archived item as it is exported to and restored from a backup package (no database ids)."""

    key: str
    """Stable identity across databases: ``<platform>:<platform id>``, or ``<platform>:desk-<hash>`` for desk
    records whose platform id is not known."""
    platform: str
    account: str
    platform_id: str | None
    url: str
    text: str
    author: str
    posted_at: dt.datetime
    """Timezone-aware."""
    source: str
    terminal: str = ""
    off_terminal_reason: str = ""
    """Non-empty when the item was posted from outside a city terminal (第5条): the emergency reason."""
    reply_to_id: str | None = None
    quoted_id: str | None = None
    corrects_key: str | None = None
    """The key of the item this one corrects (第9条)."""
    reposted_url: str | None = None
    """For a boost/repost: what was reposted."""
    media: tuple[PackagedMedia, ...] = ()
