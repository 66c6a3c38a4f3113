"""Reading Meta's own exports -- Facebook "Download your information" and the Instagram data download, both in
JSON format -- into :class:`~sns_desk.core.archive.model.ArchivedPost` records (guideline article 6).

What this module understands:

* Facebook posts in ``posts/your_posts_1.json`` (older; also a single ``posts/your_posts.json``, sometimes an
  object ``{"status_updates_v2": [...]}``), ``your_activity_across_facebook/posts/your_posts__1.json``,
  ``your_facebook_activity/posts/your_posts__check_ins__photos_and_videos_1.json`` and, for Pages,
  ``this_profile's_activity_across_facebook/posts/profile_posts_1.json`` -- under any leading folder, parts
  in numeric order;
* Instagram posts in ``content/posts_1.json``, ``your_instagram_activity/content/posts_1.json``,
  ``your_instagram_activity/media/posts_1.json`` or ``media/posts_1.json``, under any leading folder;
* media files named by ``uri`` relative to the export root, found even when the folders above them differ
  (re-zipped with an extra top folder, or an export whose paths moved between years);
* Meta's mojibake (see :mod:`sns_desk.core.archive.mojibake`).

Neither export gives posts an id, so one is made from what the post is: ``fb-``/``ig-`` and the first 16 hex
digits of the SHA-256 of its time, its text and the file names of its media. Folder names are left out on
purpose, because Meta moves them between export generations; importing a later export of the same account
adds only the posts that are new.

Everything is untrusted. :func:`read_facebook_export` and :func:`read_instagram_export` read every posts file
once before returning and check that every media file is there, so a damaged export fails as a whole with a
Japanese :class:`ArchiveError` and never yields half of its posts; ``posts()`` then reads the posts again
(``verify=False`` skips the first reading, for the importer, whose one transaction keeps nothing of an
export that fails half-way).
Posts files are parsed as streams, one post at a time (:mod:`sns_desk.core.archive.json_stream`: a 200 MB
posts file on one line is never held whole), with that module's limits on nesting, the size of one post and
numbers; only the small profile files are read whole.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
import re
from collections.abc import Iterator, Mapping, Sequence
from typing import Any, Final

from sns_desk.core.archive.errors import ArchiveError
from sns_desk.core.archive.json_stream import Wording, iter_items, load_small_json, scan_top_level
from sns_desk.core.archive.model import ArchivedPost
from sns_desk.core.archive.mojibake import loads_meta_json, repair_strings
from sns_desk.core.archive.reader import SourceReader
from sns_desk.core.archive.sources import ArchiveSource, is_unsafe_name

__all__ = [
    "FacebookExport",
    "InstagramExport",
    "looks_like_facebook",
    "looks_like_instagram",
    "read_facebook_export",
    "read_instagram_export",
]

_FB_POSTS_RE: Final = re.compile(
    r"(?:^|/)posts/(?:your_posts(?:__check_ins__photos_and_videos)?|profile_posts)(?:__?(?P<n>\d+))?\.json\Z"
)
_FB_POSTS_HTML_RE: Final = re.compile(
    r"(?:^|/)posts/(?:your_posts(?:__check_ins__photos_and_videos)?|profile_posts)(?:__?\d+)?\.html\Z"
)
_FB_OLD_LIST_KEYS: Final = ("status_updates_v2", "status_updates")
_FB_PROFILE_RE: Final = re.compile(r"(?:^|/)profile_information/profile_information\.json\Z")
_FB_PAGE_RE: Final = re.compile(r"(?:^|/)your_professional_dashboard_activity\.json\Z")

_IG_POSTS_RE: Final = re.compile(r"(?:^|/)(?:content|media)/posts(?:_(?P<n>\d+))?\.json\Z")
_IG_POSTS_HTML_RE: Final = re.compile(r"(?:^|/)(?:content|media)/posts(?:_\d+)?\.html\Z")
_IG_PROFILE_RE: Final = re.compile(r"(?:^|/)(?:personal_information|account_information)\.json\Z")
_IG_USERNAME_KEYS: Final = ("Username", "ユーザーネーム", "ユーザー名")

_URL_RE: Final = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*://")
_ID_HEX_DIGITS: Final = 16


# --------------------------------------------------------------------------------------------------------------
# Detection


def _posts_files(source: ArchiveSource, pattern: re.Pattern[str]) -> list[str]:
    """The names matching ``pattern``, ordered by folder and then by part number (``_2`` before ``_10``)."""
    found: list[tuple[str, int, str]] = []
    for name in source.names():
        match = pattern.search(name)
        if match is not None:
            number = match["n"]
            found.append((name[: match.start() + 1], int(number) if number else 0, name))
    return [name for *_key, name in sorted(found)]


def _has_match(source: ArchiveSource, *patterns: re.Pattern[str]) -> bool:
    return any(pattern.search(name) for name in source.names() for pattern in patterns)


def looks_like_facebook(source: ArchiveSource) -> bool:
    """True when ``source`` holds a Facebook posts file (JSON, or HTML so that the reader can explain)."""
    return _has_match(source, _FB_POSTS_RE, _FB_POSTS_HTML_RE)


def looks_like_instagram(source: ArchiveSource) -> bool:
    """True when ``source`` holds an Instagram posts file (JSON, or HTML so that the reader can explain)."""
    return _has_match(source, _IG_POSTS_RE, _IG_POSTS_HTML_RE)


# --------------------------------------------------------------------------------------------------------------
# Decoding


def _load_json(source: ArchiveSource, name: str, wording: Wording) -> Any:
    """The decoded JSON of one small member (profile information), with Meta's mojibake repaired."""
    return load_small_json(source, name, wording, loads_meta_json)


def _objects(value: Any, where: str, key: str) -> list[Mapping[str, Any]]:
    """``value`` as a list of objects; a missing value is an empty list, anything else an error."""
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(item, Mapping) for item in value):
        raise ArchiveError(f"{where}の「{key}」の形式が想定と違います(オブジェクトの配列ではありません)。")
    return value


def _optional_str(mapping: Mapping[str, Any], key: str, where: str) -> str:
    value = mapping.get(key)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ArchiveError(f"{where}の「{key}」が文字列ではありません。")
    return value


def _timestamp(value: Any, where: str) -> tuple[int, dt.datetime]:
    """Unix seconds (UTC) as they are and as an aware datetime."""
    seconds: int | None = None
    if isinstance(value, int) and not isinstance(value, bool):
        seconds = value
    elif isinstance(value, float) and math.isfinite(value):
        seconds = int(value)
    elif isinstance(value, str) and value.strip().isdigit():
        seconds = int(value.strip())
    if seconds is None:
        raise ArchiveError(f"{where}に投稿日時(timestamp)がないか、数値ではありません。")
    try:
        return seconds, dt.datetime.fromtimestamp(seconds, tz=dt.UTC)
    except (OverflowError, OSError, ValueError) as exc:
        raise ArchiveError(f"{where}の投稿日時「{value}」を日時として読めません。") from exc


def _synthetic_id(prefix: str, seconds: int, text: str, media_uris: Sequence[str]) -> str:
    names = [uri.rsplit("/", 1)[-1] for uri in media_uris]
    payload = json.dumps([seconds, text, names], ensure_ascii=False, separators=(",", ":"))
    # surrogatepass: a lone surrogate (an escape "\ud800" in the file) still gives the same id every time
    return prefix + hashlib.sha256(payload.encode("utf-8", "surrogatepass")).hexdigest()[:_ID_HEX_DIGITS]


def _append_link(text: str, url: str) -> str:
    if not url or url in text:
        return text
    return f"{text}\n{url}" if text else url


# --------------------------------------------------------------------------------------------------------------
# The shared reader


class _MetaExport(SourceReader):
    """What both exports share: posts files found by pattern, JSON loading, media resolution, ids, streaming."""

    _id_prefix = ""
    _source_name = ""
    _service = ""
    """The service's name in messages (Facebook, Instagram)."""
    _posts_re: re.Pattern[str]
    _posts_html_re: re.Pattern[str]
    _posts_example = ""
    """A posts file's usual path, for the message when none is found."""

    def __init__(self, source: ArchiveSource) -> None:
        parts = _posts_files(source, self._posts_re)
        if not parts:
            if _has_match(source, self._posts_html_re):
                raise ArchiveError(
                    f"{source.label} は HTML 形式で書き出された {self._service} のエクスポートです。"
                    "「情報をダウンロード」で形式を「JSON」にして書き出し直してください。"
                )
            raise ArchiveError(
                f"{source.label} は {self._service} のエクスポートではないようです"
                f"(投稿のファイル {self._posts_example} などが見つかりません)。"
                "「情報をダウンロード」で JSON 形式で書き出したものを指定してください。"
            )
        super().__init__(source)
        self._parts = tuple(parts)
        self._by_basename: dict[str, list[str]] | None = None
        self._wording = Wording(service=self._service)
        self.account = self._read_account()

    def _read_account(self) -> str:
        raise NotImplementedError

    @property
    def parts(self) -> tuple[str, ...]:
        """The posts files, in the order :meth:`posts` reads them."""
        return self._parts

    # ---- media ----

    def _resolve_media(self, uri: str, part: str, where: str) -> str | None:
        """The member a post's media ``uri`` names, or ``None`` for an external address. Raises when missing."""
        uri = uri.strip().replace("\\", "/")
        if not uri:
            return None
        if _URL_RE.match(uri):
            return None  # a link to Meta's servers, not a file of the export
        if is_unsafe_name(uri):
            raise ArchiveError(
                f"{where}の写真・動画の場所「{uri}」がエクスポートの外を指しています。安全のため読み込みを中止しました。"
            )
        while uri.startswith("./"):
            uri = uri[2:]
        # The uri is relative to the export root, which is one of the folders above the posts file.
        folders = part.split("/")[:-1]
        for depth in range(len(folders), -1, -1):
            candidate = "/".join([*folders[:depth], uri])
            if self._source.has(candidate):
                return candidate
        found = self._by_suffix(uri, folders)
        if found is None:
            raise ArchiveError(
                f"{where}の写真・動画「{uri}」がエクスポートにありません。"
                "エクスポートが複数の zip ファイルに分かれている場合は、すべてを一つのフォルダに展開してから"
                "そのフォルダを指定してください。"
            )
        return found

    def _by_suffix(self, uri: str, folders: Sequence[str]) -> str | None:
        """The member sharing the longest tail of folders with ``uri`` (at least its folder and file name)."""
        if self._by_basename is None:
            index: dict[str, list[str]] = {}
            for name in self._source.names():
                index.setdefault(name.rsplit("/", 1)[-1], []).append(name)
            self._by_basename = index
        wanted = [piece for piece in uri.split("/") if piece]
        if not wanted:
            return None
        needed = min(2, len(wanted))
        best: tuple[int, int, str] | None = None
        for name in self._by_basename.get(wanted[-1], ()):
            pieces = name.split("/")
            shared = 0
            while shared < min(len(pieces), len(wanted)) and pieces[-1 - shared] == wanted[-1 - shared]:
                shared += 1
            if shared < needed:
                continue
            near = 0  # how many leading folders it shares with the posts file: prefer the same export
            while near < min(len(pieces) - 1, len(folders)) and pieces[near] == folders[near]:
                near += 1
            key = (shared, near, name)
            if best is None or key[:2] > best[:2]:
                best = key
        return None if best is None else best[2]

    # ---- posts ----

    _list_keys: tuple[str, ...] = ()
    """Keys of a top-level object whose array holds the posts (older exports); else the file is the array."""

    def _items(self, part: str) -> Iterator[Any]:
        """The posts of one file, parsed one at a time, mojibake repaired."""
        top = scan_top_level(self._source, part, self._list_keys, self._wording)
        if top.kind == "start_array":
            prefix = "item"
        elif top.key is not None:
            prefix = f"{top.key}.item"
        else:
            raise ArchiveError(f"エクスポート内の「{part}」の中身が投稿の配列ではありません。")
        for item in iter_items(self._source, part, prefix, self._wording):
            yield repair_strings(item)

    def _to_post(self, item: Any, part: str, where: str) -> ArchivedPost | None:
        raise NotImplementedError

    def _make_post(
        self, seconds: int, posted_at: dt.datetime, text: str, media: Sequence[tuple[str, str]], url: str = ""
    ) -> ArchivedPost | None:
        """The record, or ``None`` for a post with neither text nor media. ``media`` is (uri, member) pairs."""
        if not text.strip() and not media:
            return None
        return ArchivedPost(
            platform=self.platform,
            platform_id=_synthetic_id(self._id_prefix, seconds, text, [uri for uri, _path in media]),
            account=self.account,
            url=url,
            text=text,
            posted_at=posted_at,
            media=tuple(self._media_ref(path) for _uri, path in media),
            source=self._source_name,
        )

    def _local_media(self, uris: Sequence[str], part: str, where: str) -> list[tuple[str, str]]:
        """(uri, member) for every file of the export among ``uris``, each once, in order."""
        media: list[tuple[str, str]] = []
        seen: set[str] = set()
        for uri in uris:
            path = self._resolve_media(uri, part, where)
            if path is not None and path not in seen:
                seen.add(path)
                media.append((uri.strip().replace("\\", "/"), path))
        return media

    def posts(self) -> Iterator[ArchivedPost]:
        """Every post, one posts file at a time, duplicates skipped. Raises :class:`ArchiveError`."""
        seen: set[str] = set()
        for part in self._parts:
            for number, item in enumerate(self._items(part), start=1):
                where = f"「{part}」の {number} 件目の投稿"
                if not isinstance(item, Mapping):
                    raise ArchiveError(f"{where}がオブジェクトではありません。")
                post = self._to_post(item, part, where)
                if post is None or post.platform_id in seen:
                    continue
                seen.add(post.platform_id)
                yield post

    def _verify(self) -> None:
        """Read everything once so that a damaged export fails now; sets :attr:`total`."""
        self.total = sum(1 for _post in self.posts())


# --------------------------------------------------------------------------------------------------------------
# Facebook


class FacebookExport(_MetaExport):
    """An opened Facebook export (JSON format). Use as a context manager to release the source."""

    platform = "facebook"
    _id_prefix = "fb-"
    _service = "Facebook"
    _posts_re = _FB_POSTS_RE
    _posts_html_re = _FB_POSTS_HTML_RE
    _posts_example = "posts/your_posts_1.json"
    _source_name = "facebook-export"
    _list_keys = _FB_OLD_LIST_KEYS

    def _read_account(self) -> str:
        for name in self._source.names():
            if _FB_PROFILE_RE.search(name):
                profile = _load_json(self._source, name, self._wording)
                if isinstance(profile, Mapping):
                    for key in ("profile_v2", "profile"):
                        inner = profile.get(key)
                        names = inner.get("name") if isinstance(inner, Mapping) else None
                        if isinstance(names, Mapping):
                            full_name = names.get("full_name")
                            if isinstance(full_name, str) and full_name.strip():
                                return full_name.strip()
                        elif isinstance(names, str) and names.strip():
                            return names.strip()
        for name in self._source.names():
            if _FB_PAGE_RE.search(name):
                dashboard = _load_json(self._source, name, self._wording)
                entries = dashboard.get("prodash_activity") if isinstance(dashboard, Mapping) else None
                for entry in entries if isinstance(entries, list) else ():
                    page_name = entry.get("page_name") if isinstance(entry, Mapping) else None
                    if isinstance(page_name, str) and page_name.strip():
                        return page_name.strip()
        return ""

    def _to_post(self, item: Any, part: str, where: str) -> ArchivedPost | None:
        seconds, posted_at = _timestamp(item.get("timestamp"), where)
        texts = [
            post for entry in _objects(item.get("data"), where, "data") if (post := _optional_str(entry, "post", where))
        ]
        text = "\n".join(post for post in texts if post.strip())
        uris: list[str] = []
        descriptions: list[str] = []
        links: list[str] = []
        for attachment in _objects(item.get("attachments"), where, "attachments"):
            for entry in _objects(attachment.get("data"), where, "attachments.data"):
                media = entry.get("media")
                if media is not None:
                    if not isinstance(media, Mapping):
                        raise ArchiveError(f"{where}の「media」の形式が想定と違います。")
                    uri = _optional_str(media, "uri", where)
                    if uri:
                        uris.append(uri)
                    description = _optional_str(media, "description", where).strip()
                    if description and description not in descriptions:
                        descriptions.append(description)
                context = entry.get("external_context")
                if context is not None:
                    if not isinstance(context, Mapping):
                        raise ArchiveError(f"{where}の「external_context」の形式が想定と違います。")
                    link = _optional_str(context, "url", where).strip()
                    if link:
                        links.append(link)
        if not text.strip():
            # A photo post may carry its words only as the photos' descriptions.
            text = "\n".join(descriptions)
        for link in links:
            text = _append_link(text, link)
        url = item.get("url")
        return self._make_post(
            seconds,
            posted_at,
            text,
            self._local_media(uris, part, where),
            url if isinstance(url, str) and url.startswith(("https://", "http://")) else "",
        )


# --------------------------------------------------------------------------------------------------------------
# Instagram


class InstagramExport(_MetaExport):
    """An opened Instagram export (JSON format). Use as a context manager to release the source."""

    platform = "instagram"
    _id_prefix = "ig-"
    _service = "Instagram"
    _posts_re = _IG_POSTS_RE
    _posts_html_re = _IG_POSTS_HTML_RE
    _posts_example = "content/posts_1.json"
    _source_name = "instagram-export"

    def _read_account(self) -> str:
        for name in self._source.names():
            if not _IG_PROFILE_RE.search(name):
                continue
            document = _load_json(self._source, name, self._wording)
            if not isinstance(document, Mapping):
                continue
            for entries in document.values():
                for entry in entries if isinstance(entries, list) else ():
                    string_map = entry.get("string_map_data") if isinstance(entry, Mapping) else None
                    if not isinstance(string_map, Mapping):
                        continue
                    for key in _IG_USERNAME_KEYS:
                        field = string_map.get(key)
                        value = field.get("value") if isinstance(field, Mapping) else None
                        if isinstance(value, str) and value.strip():
                            return value.strip().lstrip("@")
        return ""

    def _to_post(self, item: Any, part: str, where: str) -> ArchivedPost | None:
        media_items = _objects(item.get("media"), where, "media")
        first: Mapping[str, Any] = media_items[0] if media_items else {}
        # A post of several photos has its caption and time at the top; a single photo only in media[0].
        caption = _optional_str(item, "title", where) or _optional_str(first, "title", where)
        stamp = item.get("creation_timestamp")
        if stamp is None:
            stamp = first.get("creation_timestamp")
        seconds, posted_at = _timestamp(stamp, where)
        uris = [uri for media in media_items if (uri := _optional_str(media, "uri", where))]
        return self._make_post(seconds, posted_at, caption, self._local_media(uris, part, where))


# --------------------------------------------------------------------------------------------------------------
# Opening


def read_facebook_export(source: ArchiveSource, *, verify: bool = True) -> FacebookExport:
    """Open a Facebook export and, with ``verify``, read it once through (see the module documentation).

    ``verify=False`` leaves ``total`` unknown and the checks to ``posts()``, for a caller that reads the posts in
    one transaction anyway. The reader owns ``source`` from then on (closing the reader closes it). On
    :class:`ArchiveError` the source is left open, so that the caller that opened it can try another reader or
    close it.
    """
    reader = FacebookExport(source)
    if verify:
        reader._verify()
    return reader


def read_instagram_export(source: ArchiveSource, *, verify: bool = True) -> InstagramExport:
    """Open an Instagram export and, with ``verify``, read it once through (see the module documentation).

    ``verify=False`` leaves ``total`` unknown and the checks to ``posts()``, for a caller that reads the posts in
    one transaction anyway. The reader owns ``source`` from then on (closing the reader closes it). On
    :class:`ArchiveError` the source is left open, so that the caller that opened it can try another reader or
    close it.
    """
    reader = InstagramExport(source)
    if verify:
        reader._verify()
    return reader
