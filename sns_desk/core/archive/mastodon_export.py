"""Reading a Mastodon account export ("Request your archive": a ``.tar.gz``, or the same as a ``.zip`` or an
extracted folder) into :class:`~sns_desk.core.archive.model.ArchivedPost` records (guideline article 6).

What this module understands:

* ``outbox.json`` -- an ActivityStreams ``OrderedCollection`` whose ``orderedItems`` are activities -- at the
  root of the export or under a leading folder (exports are often re-packed with an extra top folder);
* ``actor.json`` for the account name (``preferredUsername``); without it :attr:`MastodonExport.account` is ``""``;
* ``media_attachments/files/...`` for the media of the posts.

Which activities become posts:

* ``Create`` of a ``Note``, ``Question`` (poll) or ``Article``: the text is the HTML ``content`` (or, when it is
  empty, the ``contentMap`` entry for ``ja``, else the first one) turned into plain text -- ``<br>`` becomes a line
  break, paragraphs are separated by a blank line, links become their text, entities are decoded. A content
  warning (``summary``) is kept as a first line ``CW: ...``; poll options follow the text as ``・option`` lines,
  an article's title (``name``) precedes it.
* ``Announce`` (a boost): ``reposted_url`` is the address of the boosted post and the text is empty.
* Every other activity (``Like``, ``Follow``, ...) and a ``Create`` of anything else is ignored, and so are direct
  messages (addressed neither to the public nor to the followers): they are correspondence, not posts.

Identifiers: :func:`status_id` keeps the last path segment of the ActivityPub ``id`` when it is a number (Mastodon's
status id, e.g. ``1234`` for ``https://example.social/users/city/statuses/1234``; for a boost the trailing
``/activity`` is dropped first), and otherwise the whole ``id`` (other fediverse servers use other schemes). The
first of several posts with the same identifier wins.

Media: an attachment ``url`` is a path such as ``media_attachments/files/110/.../original/abc.png`` (Mastodon
strips its ``/system/`` prefix), ``/media_attachments/files/...`` or a full address whose path contains
``media_attachments/...``; everything before the ``media_attachments`` segment is dropped and the rest must be a
file of the export. A missing file makes the whole export fail with a Japanese :class:`ArchiveError` naming the
first missing file -- except when the export has no ``media_attachments`` folder at all (Mastodon offers exports
without media, and people delete the folder to save space); then the posts are read without their media.
An attachment path that is absolute after that or contains ``..`` is refused.

The outbox is one JSON document, often hundreds of MB on one line. It is parsed as a stream, one activity at a
time (:mod:`sns_desk.core.archive.json_stream`, with that module's limits on nesting, the size of one activity
and numbers): once when the export is opened, to check everything and count the posts (unless the caller asks
not to), and once more by :meth:`MastodonExport.posts`; only the ids of the posts seen are kept, to skip
duplicates. The activities are the first array among ``orderedItems`` and ``items`` of the outbox object. A
damaged export (missing ``outbox.json``, text that is not UTF-8, invalid JSON, dates that cannot be read,
missing media) thus fails before any post is yielded.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Iterator, Mapping, Sequence
from html.parser import HTMLParser
from typing import Any, Final
from urllib.parse import unquote, urlsplit

from sns_desk.core.archive.errors import ArchiveError
from sns_desk.core.archive.json_stream import TopLevel, Wording, iter_items, load_small_json, scan_top_level
from sns_desk.core.archive.model import ArchivedPost, MediaRef
from sns_desk.core.archive.reader import SourceReader
from sns_desk.core.archive.sources import ArchiveSource, is_unsafe_name

__all__ = [
    "OUTBOX_NAME",
    "MastodonExport",
    "html_to_text",
    "looks_like_mastodon",
    "read_mastodon_export",
    "status_id",
]

OUTBOX_NAME: Final = "outbox.json"
ACTOR_NAME: Final = "actor.json"
MEDIA_DIR: Final = "media_attachments/"
SOURCE_NAME: Final = "mastodon-export"
ITEM_KEYS: Final = ("orderedItems", "items")
"""Where the outbox object holds its activities: the first of these keys whose value is an array."""
_WORDING: Final = Wording(service="Mastodon")

_POST_TYPES: Final = frozenset(("Note", "Question", "Article"))
_BLOCK_TAGS: Final = frozenset(
    ("p", "div", "blockquote", "pre", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "table")
)
_LINE_TAGS: Final = frozenset(("li", "tr", "dt", "dd"))
_SKIPPED_TAGS: Final = frozenset(("script", "style", "template"))
_ACTIVITY_SUFFIX_RE: Final = re.compile(r"/activity/?$")


# --------------------------------------------------------------------------------------------------------------
# HTML to text


class _TextExtractor(HTMLParser):
    """Plain text of a post's HTML: line breaks for ``<br>``, a blank line between paragraphs, links as their text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self._parts: list[str] = []
        self._pending_newlines = 0
        self._skipping = 0

    def _request_break(self, newlines: int) -> None:
        self._pending_newlines = max(self._pending_newlines, newlines)

    def _emit(self, text: str) -> None:
        if not text:
            return
        if self._pending_newlines and self._parts:
            tail = "".join(self._parts[-2:])
            present = len(tail) - len(tail.rstrip("\n"))
            self._parts.append("\n" * max(0, self._pending_newlines - present))
        self._pending_newlines = 0
        self._parts.append(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIPPED_TAGS:
            self._skipping += 1
        elif self._skipping:
            return
        elif tag == "br":
            self._pending_newlines = 0
            self._parts.append("\n")
        elif tag in _BLOCK_TAGS:
            self._request_break(2)
        elif tag in _LINE_TAGS:
            self._request_break(1)
        elif tag == "img":
            alt = dict(attrs).get("alt")
            if alt:
                self._emit(alt)

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED_TAGS:
            self._skipping = max(0, self._skipping - 1)
        elif self._skipping:
            return
        elif tag in _BLOCK_TAGS:
            self._request_break(2)
        elif tag in _LINE_TAGS:
            self._request_break(1)

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self._emit(data)

    def text(self) -> str:
        return "".join(self._parts).strip()


_TAG_RE: Final = re.compile(r"<!\[[^\[>]*\[|\]\]>|<[^>]*>")
"""Marked-section brackets (``<![foo[``, ``]]>``) and tags: what the fallback of :func:`html_to_text` drops."""


def html_to_text(markup: str) -> str:
    """Plain text of a Mastodon post's HTML ``content`` (``<br>`` → line break, ``</p><p>`` → blank line).

    Never raises: markup the standard parser gives up on (``<![foo[ … ]]>`` raises ``AssertionError`` there)
    is read with its tags and marked-section brackets dropped and entities decoded.
    """
    parser = _TextExtractor()
    try:
        parser.feed(markup)
        parser.close()
    except AssertionError:
        return html.unescape(_TAG_RE.sub("", markup)).strip()
    return parser.text()


# --------------------------------------------------------------------------------------------------------------
# Small helpers for untrusted JSON


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _link(value: Any) -> str | None:
    """An address given as a string, a ``Link``/object (``href`` or ``id``) or a list of those (the first)."""
    if isinstance(value, str):
        return value or None
    if isinstance(value, Mapping):
        return _str(value.get("href")) or _str(value.get("id"))
    if isinstance(value, Sequence):
        for item in value:
            found = _link(item)
            if found:
                return found
    return None


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    if isinstance(value, list):
        return value
    return [value]


_PUBLIC: Final = frozenset({"https://www.w3.org/ns/activitystreams#Public", "as:Public", "Public"})


def _is_direct(activity: Mapping[str, Any], note: Mapping[str, Any]) -> bool:
    """A direct message: addressed to people only -- not the public, not a followers collection.

    Without any addressing at all (hand-made or very old exports) a post counts as public.
    """
    audience = [
        value
        for holder in (activity, note)
        for key in ("to", "cc")
        for value in _as_list(holder.get(key))
        if isinstance(value, str)
    ]
    if not audience:
        return False
    return not any(value in _PUBLIC or value.endswith("/followers") for value in audience)


def status_id(activity_pub_id: str) -> str:
    """Mastodon's numeric status id from an ActivityPub ``id`` when there is one, else the whole ``id``.

    ``https://example.social/users/city/statuses/1234`` and ``.../statuses/1234/activity`` both give ``1234``.
    """
    trimmed = _ACTIVITY_SUFFIX_RE.sub("", activity_pub_id.strip()).rstrip("/")
    last = trimmed.rsplit("/", 1)[-1]
    if last.isascii() and last.isdigit():
        return last
    return activity_pub_id


def _parse_published(value: Any, where: str) -> dt.datetime:
    if not isinstance(value, str) or not value.strip():
        raise ArchiveError(f"「{OUTBOX_NAME}」の{where}に投稿日時(published)がありません。")
    try:
        stamp = dt.datetime.fromisoformat(value.strip())
    except ValueError as exc:
        raise ArchiveError(f"「{OUTBOX_NAME}」の{where}の投稿日時「{value}」を読めません。") from exc
    if stamp.tzinfo is None:  # ActivityStreams dates carry a zone; a bare one is taken as UTC
        stamp = stamp.replace(tzinfo=dt.UTC)
    try:
        return stamp.astimezone(dt.UTC)
    except OverflowError as exc:  # 0001-01-01T00:00+09:00 is still year 0 in UTC
        raise ArchiveError(
            f"「{OUTBOX_NAME}」の{where}の投稿日時「{value}」は、協定世界時(UTC)で西暦 1 年から 9999 年の範囲の外です。"
        ) from exc


# --------------------------------------------------------------------------------------------------------------
# Detection and the export


def looks_like_mastodon(source: ArchiveSource) -> bool:
    """True when ``source`` has an ``outbox.json`` at its root or directly inside one top folder."""
    for name in source.names():
        if name == OUTBOX_NAME:
            return True
        folder, sep, rest = name.partition("/")
        if sep and rest == OUTBOX_NAME and folder != "__MACOSX":
            return True
    return False


class MastodonExport(SourceReader):
    """An opened Mastodon export. Use as a context manager to release the archive and its temporary folder."""

    platform = "mastodon"

    def __init__(self, source: ArchiveSource, *, verify: bool = True) -> None:
        super().__init__(source)
        names = source.names()
        if OUTBOX_NAME not in names:
            raise ArchiveError(
                f"{source.label} は Mastodon のエクスポートではないようです(outbox.json が見つかりません)。"
            )
        self._has_media_dir = any(name.startswith(MEDIA_DIR) for name in names)
        self.account = self._read_account()
        """``preferredUsername`` from ``actor.json``, or ``""``."""
        self._checking = False
        outbox = self._find_items()
        self._items_prefix = f"{outbox.key}.item"
        if not verify:
            count = outbox.scalars.get("totalItems")  # the activities, about as many as the posts
            self.total = count if isinstance(count, int) and not isinstance(count, bool) and count >= 0 else None
            return
        self._checking = True  # the checking pass skips turning HTML into text, which cannot fail
        try:
            self.total = sum(1 for _post in self.posts())  # reads everything once: a damaged export fails now
        finally:
            self._checking = False

    # ---- reading ----

    def _read_account(self) -> str:
        if not self._source.has(ACTOR_NAME):
            return ""
        actor = load_small_json(self._source, ACTOR_NAME, _WORDING)
        if not isinstance(actor, Mapping):
            raise ArchiveError(f"エクスポート内の「{ACTOR_NAME}」の中身がオブジェクトではありません。")
        username = _str(actor.get("preferredUsername"))
        return username.strip().lstrip("@") if username else ""

    def _find_items(self) -> TopLevel:
        """Where the outbox's activities are (``key``), and what the outbox says before them."""
        outbox = scan_top_level(self._source, OUTBOX_NAME, ITEM_KEYS, _WORDING)
        if outbox.kind != "start_map":
            raise ArchiveError(f"エクスポート内の「{OUTBOX_NAME}」の中身がオブジェクトではありません。")
        if outbox.key is None:
            raise ArchiveError(f"エクスポート内の「{OUTBOX_NAME}」に投稿の一覧(orderedItems)がありません。")
        return outbox

    def _to_post(self, activity: Mapping[str, Any], number: int) -> ArchivedPost | None:
        kind = activity.get("type")
        if kind == "Create":
            note = activity.get("object")
            if isinstance(note, Mapping) and note.get("type") in _POST_TYPES and not _is_direct(activity, note):
                return self._note(activity, note, number)
        elif kind == "Announce":
            return self._boost(activity, number)
        return None

    def _note(self, activity: Mapping[str, Any], note: Mapping[str, Any], number: int) -> ArchivedPost:
        object_id = _str(note.get("id"))
        if object_id is None:
            raise ArchiveError(f"「{OUTBOX_NAME}」の {number} 件目の投稿に ID がありません。")
        post_id = status_id(object_id)
        where = f"投稿 {post_id} "
        posted_at = _parse_published(note.get("published") or activity.get("published"), where)
        text = "" if self._checking else self._text_of(note)
        return ArchivedPost(
            platform=self.platform,
            platform_id=post_id,
            account=self.account,
            url=_link(note.get("url")) or object_id,
            text=text,
            posted_at=posted_at,
            reply_to_id=_link(note.get("inReplyTo")),
            quoted_id=_link(note.get("quote")) or _link(note.get("quoteUri")) or _link(note.get("quoteUrl")),
            media=self._media_of(note.get("attachment"), post_id),
            source=SOURCE_NAME,
        )

    def _boost(self, activity: Mapping[str, Any], number: int) -> ArchivedPost:
        activity_id = _str(activity.get("id"))
        if activity_id is None:
            raise ArchiveError(f"「{OUTBOX_NAME}」の {number} 件目のブーストに ID がありません。")
        post_id = status_id(activity_id)
        reposted = _link(activity.get("object"))
        if reposted is None:
            raise ArchiveError(f"「{OUTBOX_NAME}」のブースト {post_id} にブースト元の投稿がありません。")
        return ArchivedPost(
            platform=self.platform,
            platform_id=post_id,
            account=self.account,
            url=_ACTIVITY_SUFFIX_RE.sub("", activity_id),
            text="",
            posted_at=_parse_published(activity.get("published"), f"ブースト {post_id} "),
            media=(),
            source=SOURCE_NAME,
            reposted_url=reposted,
        )

    @staticmethod
    def _text_of(note: Mapping[str, Any]) -> str:
        content = _str(note.get("content"))
        if content is None:
            content_map = note.get("contentMap")
            if isinstance(content_map, Mapping):
                content = _str(content_map.get("ja")) or next(
                    (value for value in content_map.values() if _str(value)), None
                )
        summary = _str(note.get("summary"))
        warning = f"CW: {summary.strip()}" if summary and summary.strip() else ""
        blocks: list[str] = []
        title = _str(note.get("name")) if note.get("type") == "Article" else None
        if title and title.strip():
            blocks.append(title.strip())
        body = html_to_text(content) if content else ""
        if body:
            blocks.append(body)
        if note.get("type") == "Question":
            options = [
                str(option["name"]).strip()
                for option in _as_list(note.get("oneOf")) + _as_list(note.get("anyOf"))
                if isinstance(option, Mapping) and _str(option.get("name"))
            ]
            if options:
                blocks.append("\n".join(f"・{option}" for option in options))
        return "\n".join(part for part in (warning, "\n\n".join(blocks)) if part)

    def _media_of(self, attachments: Any, post_id: str) -> tuple[MediaRef, ...]:
        refs: list[MediaRef] = []
        for attachment in _as_list(attachments):
            if not isinstance(attachment, Mapping):
                continue
            url = _link(attachment.get("url"))
            if url is None:
                continue
            path = _member_path(url)
            if path is None:
                raise ArchiveError(
                    f"投稿 {post_id} の添付ファイルの場所「{url}」がエクスポートの外を指しています。"
                    "安全のため読み込みを中止しました。"
                )
            if not self._source.has(path):
                if not self._has_media_dir:
                    continue  # an export without media: read the posts without them
                raise ArchiveError(
                    f"投稿 {post_id} の添付ファイル「{path}」がエクスポートにありません。"
                    "エクスポートが欠けている可能性があります(最初に見つからなかったファイルです)。"
                )
            refs.append(self._media_ref(path))
        return tuple(refs)

    # ---- the reader protocol ----

    def posts(self) -> Iterator[ArchivedPost]:
        """Every post and boost, in the order of the outbox (oldest first in Mastodon's exports), read from the
        outbox as a stream; the first of several with the same id wins. Raises :class:`ArchiveError`."""
        seen: set[str] = set()
        for number, activity in enumerate(iter_items(self._source, OUTBOX_NAME, self._items_prefix, _WORDING), 1):
            if not isinstance(activity, Mapping):
                raise ArchiveError(f"「{OUTBOX_NAME}」の {number} 件目がオブジェクトではありません。")
            post = self._to_post(activity, number)
            if post is None or post.platform_id in seen:
                continue
            seen.add(post.platform_id)
            yield post

    def __enter__(self) -> MastodonExport:
        return self


def _member_path(url: str) -> str | None:
    """The export member an attachment ``url`` points at (see the module documentation), or ``None`` when the
    address is unsafe (``..``, or an absolute path outside ``media_attachments``)."""
    is_address = "://" in url
    path = unquote(urlsplit(url).path if is_address else url).replace("\\", "/")
    segments = path.split("/")
    if ".." in segments or "\x00" in path:
        return None
    if "media_attachments" in segments:
        path = "/".join(segments[segments.index("media_attachments") :])
    elif is_address:
        path = path.lstrip("/")
    elif path.startswith("/system/"):
        path = path.removeprefix("/system/")
    if not path or is_unsafe_name(path):
        return None
    return path


def read_mastodon_export(source: ArchiveSource, *, verify: bool = True) -> MastodonExport:
    """Open a Mastodon export from an opened :class:`ArchiveSource` (see :func:`~sns_desk.core.archive.sources.
    open_source`), reading and checking the whole outbox now unless ``verify`` is false (then ``total`` is the
    outbox's ``totalItems`` and the checks are left to :meth:`~MastodonExport.posts`, for a caller that reads the
    posts in one transaction anyway). The export takes over ``source``: closing it closes the source, and the
    source is closed when this raises :class:`ArchiveError`.
    """
    try:
        return MastodonExport(source.rooted([OUTBOX_NAME]), verify=verify)
    except BaseException:
        source.close()
        raise
