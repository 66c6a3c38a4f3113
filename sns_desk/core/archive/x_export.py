"""Reading an X (Twitter) account archive -- the ``.zip`` from "Download an archive of your data" or the folder
it extracts to -- into :class:`~sns_desk.core.archive.model.ArchivedPost` records.

Guideline article 6 asks for a backup of everything the city has posted; the platform's own export is the
most complete source. What this module understands:

* posts in ``data/tweets.js`` and its further parts (``data/tweets-part1.js`` ...), found through
  ``data/manifest.js`` (``window.__THAR_CONFIG = {...}``) or by their names, and the older ``data/tweet.js``
  generation (``window.YTD.tweet.part0``); items with or without the ``{"tweet": {...}}`` wrapper;
* long posts, whose ``full_text`` is only a prefix ending in an ellipsis, completed from ``data/note-tweet.js``;
* media in ``data/tweets_media/`` (older ``data/tweet_media/``), named ``<post id>-<name>``.

Everything in the archive is untrusted. :func:`read_x_archive` refuses zip entries that escape the archive
(``..`` or absolute paths), zip bombs (:data:`MAX_TOTAL_UNCOMPRESSED_BYTES` in all, or one member over
:data:`RATIO_CHECK_MIN_BYTES` compressed more than :data:`MAX_MEMBER_RATIO` times), damaged or non-zip files,
archives without posts, files that are not UTF-8 and parts that are not valid JSON. By default it reads every
part once before returning (one part in memory at a time), so a damaged archive fails as a whole and never
yields half of its posts; :meth:`XArchive.posts` then streams the posts again, one part at a time.
"""

from __future__ import annotations

import bisect
import datetime as dt
import html
import io
import json
import re
import zipfile
import zlib
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from types import TracebackType
from typing import IO, Any, Final

import ijson

from sns_desk.core.archive.errors import ArchiveError
from sns_desk.core.archive.json_stream import JsonStream, Wording
from sns_desk.core.archive.model import ArchivedPost, MediaRef
from sns_desk.core.archive.sources import (
    MAX_MEMBER_RATIO,
    MAX_TOTAL_UNCOMPRESSED_BYTES,
    RATIO_CHECK_MIN_BYTES,
    ArchiveSource,
    DirSource,
    ZipSource,
    is_unsafe_name,
)

__all__ = [
    "MAX_MEMBER_RATIO",
    "MAX_TOTAL_UNCOMPRESSED_BYTES",
    "RATIO_CHECK_MIN_BYTES",
    "XArchive",
    "looks_like_x",
    "parse_x_created_at",
    "read_x_archive",
    "read_x_source",
    "x_source",
]


NOTE_MATCH_WINDOW: Final = dt.timedelta(minutes=2)
"""How far apart a truncated post and its note tweet may have been created to be matched by text."""

_MONTHS: Final[Mapping[str, int]] = {
    name: number
    for number, name in enumerate(
        ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"), start=1
    )
}
_WEEKDAYS: Final = frozenset(("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"))
_CREATED_AT_RE: Final = re.compile(
    r"(?P<wd>[A-Za-z]{3}) (?P<mon>[A-Za-z]{3}) +(?P<day>\d{1,2}) (?P<h>\d{2}):(?P<m>\d{2}):(?P<s>\d{2}) "
    r"(?P<sign>[+-])(?P<oh>\d{2})(?P<om>\d{2}) (?P<year>\d{4})"
)
_JS_PREFIX_RE: Final = re.compile(r"\s*window\.[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*\s*=\s*")
_PART_RE: Final = re.compile(r"data/(?P<kind>tweets|tweet)(?:-part(?P<n>\d+))?\.js")
_NOTE_PART_RE: Final = re.compile(r"data/note-tweet(?:-part(?P<n>\d+))?\.js")
_MEDIA_DIRS: Final = ("data/tweets_media/", "data/tweet_media/")
_MARKER_FILES: Final = ("data/manifest.js", "data/tweets.js", "data/tweet.js", "data/account.js")
_ELLIPSIS_TAIL_RE: Final = re.compile(r"(?:…|\.\.\.)(?:\s+https?://t\.co/\S+)?\s*$")
_TCO_LINK_RE: Final = re.compile(r"https?://t\.co/[A-Za-z0-9]+(?![A-Za-z0-9])")
_TCO_TAIL_RE: Final = re.compile(r"\s*https?://t\.co/\S+\s*$")


def parse_x_created_at(value: str) -> dt.datetime:
    """Parse X's ``created_at`` (``"Tue Apr 01 00:30:00 +0000 2025"``) into an aware UTC datetime.

    The month and weekday names are always English, so they are mapped here by a table rather than parsed with
    the C library's locale-dependent name formats, which would fail under a Japanese locale.
    Also accepts ISO 8601 (as note tweets use).
    Raises :class:`ValueError` for anything else.
    """
    text = value.strip()
    match = _CREATED_AT_RE.fullmatch(text)
    if match is None:
        iso = dt.datetime.fromisoformat(text)  # raises ValueError
        if iso.tzinfo is None:
            raise ValueError(f"no timezone in {value!r}")
        return iso.astimezone(dt.UTC)
    if match["wd"] not in _WEEKDAYS or match["mon"] not in _MONTHS:
        raise ValueError(f"unknown weekday or month in {value!r}")
    offset = dt.timedelta(hours=int(match["oh"]), minutes=int(match["om"]))
    if match["sign"] == "-":
        offset = -offset
    stamp = dt.datetime(
        int(match["year"]),
        _MONTHS[match["mon"]],
        int(match["day"]),
        int(match["h"]),
        int(match["m"]),
        int(match["s"]),
        tzinfo=dt.timezone(offset),
    )
    return stamp.astimezone(dt.UTC)


# --------------------------------------------------------------------------------------------------------------
# Where the files come from


def _find_dir_root(path: Path) -> Path:
    if (path / "data").is_dir():
        return path
    if path.name == "data" and any((path / marker.removeprefix("data/")).is_file() for marker in _MARKER_FILES):
        return path.parent
    subdirs = [child for child in path.iterdir() if child.is_dir() and (child / "data").is_dir()]
    if len(subdirs) == 1:
        return subdirs[0]
    raise ArchiveError(f"フォルダ「{path.name}」は X のアーカイブではありません(data フォルダが見つかりません)。")


# --------------------------------------------------------------------------------------------------------------
# Decoding the .js files


def _load_js(source: ArchiveSource, name: str) -> Any:
    """The JSON value assigned in ``window.YTD.x.part0 = [...]`` (or ``window.__THAR_CONFIG = {...}``)."""
    raw = source.read(name)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ArchiveError(
            f"アーカイブ内の「{name}」の文字コードが UTF-8 ではありません({exc.start} バイト目)。"
            "書き出し元の X のアーカイブをそのまま指定してください。"
        ) from exc
    del raw
    prefix = _JS_PREFIX_RE.match(text)
    if prefix is None:
        raise ArchiveError(f"アーカイブ内の「{name}」の形式が想定と違います(window.… = で始まっていません)。")
    body = text[prefix.end() :].rstrip()
    body = body.removesuffix(";")
    try:
        return json.loads(body)
    except json.JSONDecodeError as exc:
        line = exc.lineno + text.count("\n", 0, prefix.end())
        raise ArchiveError(f"アーカイブ内の「{name}」の JSON が壊れています({line} 行目付近: {exc.msg})。") from exc
    except RecursionError as exc:
        raise ArchiveError(f"アーカイブ内の「{name}」の JSON の入れ子が深すぎます。") from exc
    except ValueError as exc:  # an integer of more digits than Python converts (4,300)
        raise ArchiveError(f"アーカイブ内の「{name}」に、桁数が多すぎて読めない数があります。") from exc


def _load_array(source: ArchiveSource, name: str) -> list[Any]:
    value = _load_js(source, name)
    if not isinstance(value, list):
        raise ArchiveError(f"アーカイブ内の「{name}」の中身が配列ではありません。")
    return value


_TAIL_HOLD = 64
_WORDING: Final = Wording(
    where="アーカイブ", service="X", advice="書き出し元の X のアーカイブをそのまま指定してください。"
)


class _JsBody(JsonStream):
    """The JSON array inside ``window.YTD.x.part0 = [...];`` as a byte stream, for ijson.

    The ``window.… =`` prefix (and a byte-order mark) is skipped at the start; the last bytes are held
    back until the end so that a trailing ``;`` can be dropped, which a JSON parser would reject. The
    checks of :class:`~sns_desk.core.archive.json_stream.JsonStream` apply (UTF-8, nesting, one post
    at most :data:`~sns_desk.core.archive.json_stream.MAX_ITEM_BYTES`).
    """

    hold = _TAIL_HOLD

    def __init__(self, stream: IO[bytes], name: str) -> None:
        super().__init__(stream, name, _WORDING)

    def _body_start(self, text: str) -> int:
        match = _JS_PREFIX_RE.match(text)
        if match is None:
            raise ArchiveError(f"アーカイブ内の「{self.name}」の形式が想定と違います(window.… = で始まっていません)。")
        return match.end()

    def _after_head(self, pending: bytes) -> None:
        if not pending.lstrip().startswith(b"[") and pending.strip():
            raise ArchiveError(f"アーカイブ内の「{self.name}」の中身が配列ではありません。")

    def _finish(self, pending: bytes) -> bytes:
        return pending.rstrip().removesuffix(b";")


def _iter_array(source: ArchiveSource, name: str) -> Iterator[Any]:
    """The items of the array assigned in a ``.js`` part, parsed one at a time (a part can be hundreds of MB)."""
    try:
        body = _JsBody(source.open(name), name)
    except (OSError, EOFError, zlib.error, zipfile.BadZipFile) as exc:
        raise ArchiveError(f"アーカイブ内の「{name}」が壊れていて読めません。") from exc
    count = 0
    try:
        with io.BufferedReader(body, 1024 * 1024) as stream:
            for item in ijson.items(stream, "item", use_float=True):
                count += 1
                body.mark()
                yield item
    except ijson.JSONError as exc:
        detail = str(exc).split("\n")[0].strip()
        if "UTF8" in detail or "UTF-8" in detail:
            raise ArchiveError(
                f"アーカイブ内の「{name}」の文字コードが UTF-8 ではありません({count + 1} 件目付近)。"
                "書き出し元の X のアーカイブをそのまま指定してください。"
            ) from exc
        if "overflow" in detail:
            raise ArchiveError(
                f"アーカイブ内の「{name}」に、桁数が多すぎて読めない数があります({count + 1} 件目付近)。"
            ) from exc
        raise ArchiveError(f"アーカイブ内の「{name}」の JSON が壊れています({count + 1} 件目付近: {detail})。") from exc
    except (OSError, EOFError, zlib.error, zipfile.BadZipFile) as exc:
        raise ArchiveError(f"アーカイブ内の「{name}」が壊れていて最後まで読めません。") from exc


def _unwrap(item: Any, key: str, name: str) -> Mapping[str, Any]:
    if isinstance(item, Mapping):
        inner = item.get(key, item)
        if isinstance(inner, Mapping):
            return inner
    raise ArchiveError(f"アーカイブ内の「{name}」に読めない項目があります(オブジェクトではありません)。")


def _str_or_none(value: Any) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, str | int) and not isinstance(value, bool):
        return str(value)
    return None


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _url_map(entities: Any, short_key: str, long_keys: Sequence[str]) -> dict[str, str]:
    mapping: dict[str, str] = {}
    if not isinstance(entities, Sequence) or isinstance(entities, str):
        return mapping
    for entity in entities:
        if not isinstance(entity, Mapping):
            continue
        short = entity.get(short_key)
        if not isinstance(short, str) or not short:
            continue
        for key in long_keys:
            target = entity.get(key)
            if isinstance(target, str) and target:
                mapping[short] = target
                break
    return mapping


def _expand(text: str, mapping: Mapping[str, str]) -> str:
    """Replace the short links of ``mapping`` in ``text`` by their targets.

    Short links are t.co addresses, found with one precompiled pattern (compiling a pattern per post
    would cost more than everything else the import does); any other key falls back to a pattern of its own.
    """
    if not mapping:
        return text
    text = _TCO_LINK_RE.sub(lambda match: mapping.get(match.group(0), match.group(0)), text)
    others = [short for short in mapping if not _TCO_LINK_RE.fullmatch(short)]
    if others:
        pattern = re.compile(
            "|".join(re.escape(short) for short in sorted(others, key=len, reverse=True)) + r"(?![A-Za-z0-9])"
        )
        text = pattern.sub(lambda match: mapping[match.group(0)], text)
    return text


# --------------------------------------------------------------------------------------------------------------
# Long posts


@dataclass(frozen=True, slots=True)
class _Note:
    note_id: str
    created_at: dt.datetime
    raw_text: str
    text: str


class _NoteIndex:
    def __init__(self, notes: Sequence[_Note]) -> None:
        self._by_id = {note.note_id: note for note in notes if note.note_id}
        self._sorted = sorted(notes, key=lambda note: note.created_at)
        self._times = [note.created_at for note in self._sorted]
        self._used: set[int] = set()

    def __bool__(self) -> bool:
        return bool(self._sorted)

    def by_id(self, note_id: str) -> _Note | None:
        note = self._by_id.get(note_id)
        if note is not None:
            self._used.add(id(note))
        return note

    def by_prefix(self, prefixes: Sequence[str], created_at: dt.datetime) -> _Note | None:
        lo = bisect.bisect_left(self._times, created_at - NOTE_MATCH_WINDOW)
        hi = bisect.bisect_right(self._times, created_at + NOTE_MATCH_WINDOW)
        best: _Note | None = None
        for note in self._sorted[lo:hi]:
            if id(note) in self._used:
                continue
            if not any(
                prefix and candidate.startswith(prefix)
                for prefix in prefixes
                for candidate in (note.raw_text, note.text)
            ):
                continue
            if best is None or abs(note.created_at - created_at) < abs(best.created_at - created_at):
                best = note
        if best is not None:
            self._used.add(id(best))
        return best


def _note_id_of(tweet: Mapping[str, Any]) -> str | None:
    value = tweet.get("note_tweet")
    if isinstance(value, Mapping):
        for key in ("note_tweet_id", "noteTweetId", "id_str", "id"):
            found = _str_or_none(value.get(key))
            if found:
                return found
        results = value.get("note_tweet_results")
        if isinstance(results, Mapping) and isinstance(results.get("result"), Mapping):
            return _str_or_none(results["result"].get("id"))
        return None
    return _str_or_none(value)


# --------------------------------------------------------------------------------------------------------------
# The archive


class XArchive:
    """An opened X archive. Use as a context manager (or call :meth:`close`) to release the zip file."""

    def __init__(self, source: ArchiveSource, label: str) -> None:
        self._source = source
        self._label = label
        names = source.names()
        self._manifest_data = self._manifest()
        self._parts = self._find_parts(names)
        self._note_parts = self._find_note_parts(names)
        self._media: dict[str, list[tuple[str, str]]] = {}
        for name in names:
            for media_dir in _MEDIA_DIRS:
                if name.startswith(media_dir):
                    filename = name[len(media_dir) :]
                    post_id, sep, media_name = filename.partition("-")
                    if sep and "/" not in filename and post_id.isdigit() and media_name:
                        self._media.setdefault(post_id, []).append((media_name, name))
        self._media_paths = frozenset(path for entries in self._media.values() for _name, path in entries)
        self.account = self._read_account(names)
        """Screen name from ``data/account.js`` (without ``@``), or ``""``."""
        self.platform = "x"
        self.total: int | None = self._manifest_count(("tweets", "tweet"))
        """How many posts :meth:`posts` yields: from ``manifest.js`` (``count`` per file) when it says, and
        exactly after the verifying pass."""

    # ---- discovery ----

    def _manifest(self) -> Mapping[str, Any] | None:
        if not self._source.has("data/manifest.js"):
            return None
        manifest = _load_js(self._source, "data/manifest.js")
        if not isinstance(manifest, Mapping):
            raise ArchiveError("アーカイブ内の「data/manifest.js」の中身がオブジェクトではありません。")
        return manifest

    def _manifest_files(self, manifest: Mapping[str, Any] | None, keys: Sequence[str]) -> list[str]:
        if manifest is None or not isinstance(manifest.get("dataTypes"), Mapping):
            return []
        files: list[str] = []
        for key in keys:
            entry = manifest["dataTypes"].get(key)
            if not isinstance(entry, Mapping) or not isinstance(entry.get("files"), list):
                continue
            for item in entry["files"]:
                name = item.get("fileName") if isinstance(item, Mapping) else None
                if not isinstance(name, str):
                    continue
                name = name.replace("\\", "/").removeprefix("./")
                if is_unsafe_name(name):
                    raise ArchiveError(f"「data/manifest.js」にアーカイブの外を指すファイル名「{name}」があります。")
                if not self._source.has(name):
                    raise ArchiveError(
                        f"「data/manifest.js」に記載された「{name}」がアーカイブにありません。"
                        "アーカイブが欠けている可能性があります。"
                    )
                if name not in files:
                    files.append(name)
        return files

    def _manifest_count(self, keys: Sequence[str]) -> int | None:
        """The sum of the ``count`` of every listed part, or None when the manifest does not give them all."""
        manifest = self._manifest_data
        if manifest is None or not isinstance(manifest.get("dataTypes"), Mapping):
            return None
        total = 0
        listed = False
        for key in keys:
            entry = manifest["dataTypes"].get(key)
            if not isinstance(entry, Mapping) or not isinstance(entry.get("files"), list):
                continue
            for item in entry["files"]:
                count = item.get("count") if isinstance(item, Mapping) else None
                if not (isinstance(count, str | int) and str(count).isdigit()):
                    return None
                total += int(count)
                listed = True
        return total if listed else None

    def _find_parts(self, names: Sequence[str]) -> list[str]:
        listed = self._manifest_files(self._manifest_data, ("tweets", "tweet"))
        found: list[tuple[int, int, str]] = []
        for name in names:
            match = _PART_RE.fullmatch(name)
            if match is not None:
                found.append((0 if match["kind"] == "tweets" else 1, int(match["n"] or -1), name))
        parts = listed + [name for *_key, name in sorted(found) if name not in listed]
        if not parts:
            raise ArchiveError(
                f"{self._label} は X のアーカイブではないようです(投稿のファイル data/tweets.js が見つかりません)。"
            )
        return parts

    def _find_note_parts(self, names: Sequence[str]) -> list[str]:
        listed = self._manifest_files(self._manifest_data, ("noteTweet",))
        found = sorted(
            (int(match["n"] or -1), name) for name in names if (match := _NOTE_PART_RE.fullmatch(name)) is not None
        )
        return listed + [name for _n, name in found if name not in listed]

    def _read_account(self, names: Sequence[str]) -> str:
        if "data/account.js" not in names:
            return ""
        for item in _load_array(self._source, "data/account.js"):
            account = _unwrap(item, "account", "data/account.js")
            username = account.get("username")
            if isinstance(username, str) and username:
                return username.lstrip("@")
        return ""

    # ---- posts ----

    def _load_notes(self) -> _NoteIndex:
        notes: list[_Note] = []
        for part in self._note_parts:
            for item in _load_array(self._source, part):
                note = _unwrap(item, "noteTweet", part)
                core = note.get("core")
                text = core.get("text") if isinstance(core, Mapping) else None
                created = note.get("createdAt")
                if not isinstance(text, str) or not isinstance(created, str):
                    continue
                try:
                    created_at = parse_x_created_at(created)
                except (ValueError, OverflowError) as exc:
                    raise ArchiveError(f"「{part}」の日時「{created}」を読めません。") from exc
                raw = html.unescape(text)
                urls = core.get("urls") if isinstance(core, Mapping) else None
                expanded = _expand(raw, _url_map(urls, "shortUrl", ("expandedUrl", "displayUrl")))
                notes.append(_Note(_str_or_none(note.get("noteTweetId")) or "", created_at, raw, expanded))
        return _NoteIndex(notes)

    def posts(self) -> Iterator[ArchivedPost]:
        """Every post, oldest part first, reading one part file at a time. Raises :class:`ArchiveError`."""
        notes = self._load_notes()
        seen: set[str] = set()
        for part in self._parts:
            for item in _iter_array(self._source, part):
                post = self._to_post(_unwrap(item, "tweet", part), part, notes)
                if post.platform_id in seen:
                    continue
                seen.add(post.platform_id)
                yield post

    def _to_post(self, tweet: Mapping[str, Any], part: str, notes: _NoteIndex) -> ArchivedPost:
        post_id = _str_or_none(tweet.get("id_str")) or _str_or_none(tweet.get("id"))
        if post_id is None or not post_id.isdigit():
            raise ArchiveError(f"「{part}」に投稿 ID のない、または不正な投稿があります。")
        created = tweet.get("created_at")
        if not isinstance(created, str):
            raise ArchiveError(f"「{part}」の投稿 {post_id} に投稿日時がありません。")
        try:
            posted_at = parse_x_created_at(created)
        except (ValueError, OverflowError) as exc:
            raise ArchiveError(f"「{part}」の投稿 {post_id} の投稿日時「{created}」を読めません。") from exc
        full_text = tweet.get("full_text", tweet.get("text", ""))
        if not isinstance(full_text, str):
            raise ArchiveError(f"「{part}」の投稿 {post_id} の本文が文字列ではありません。")
        raw = html.unescape(full_text)
        entities = _mapping(tweet.get("entities"))
        extended = _mapping(tweet.get("extended_entities"))
        mapping = _url_map(entities.get("urls"), "url", ("expanded_url", "display_url"))
        for media_list in (entities.get("media"), extended.get("media")):
            # Every photo of a post shares one t.co link; the first (".../photo/1") is the one to show.
            for short, target in _url_map(media_list, "url", ("expanded_url", "display_url")).items():
                mapping.setdefault(short, target)
        text = _expand(raw, mapping)

        if notes:
            note = None
            note_id = _note_id_of(tweet)
            if note_id is not None:
                note = notes.by_id(note_id)
            if note is None and _ELLIPSIS_TAIL_RE.search(raw):
                prefixes = [_ELLIPSIS_TAIL_RE.sub("", candidate).rstrip() for candidate in (raw, text)]
                prefixes += [_TCO_TAIL_RE.sub("", prefix) for prefix in prefixes]
                note = notes.by_prefix(prefixes, posted_at)
            if note is not None:
                text = note.text

        return ArchivedPost(
            platform="x",
            platform_id=post_id,
            account=self.account,
            url=f"https://x.com/{self.account or 'i'}/status/{post_id}",
            text=text,
            posted_at=posted_at,
            reply_to_id=_str_or_none(tweet.get("in_reply_to_status_id_str"))
            or _str_or_none(tweet.get("in_reply_to_status_id")),
            quoted_id=_str_or_none(tweet.get("quoted_status_id_str")) or _str_or_none(tweet.get("quoted_status_id")),
            media=self._media_of(post_id, extended.get("media") or entities.get("media")),
            source="x-archive",
        )

    def _media_of(self, post_id: str, media_entities: Any) -> tuple[MediaRef, ...]:
        entries = self._media.get(post_id)
        if not entries:
            return ()
        order: dict[str, int] = {}
        if isinstance(media_entities, Sequence) and not isinstance(media_entities, str):
            for index, entity in enumerate(media_entities):
                if isinstance(entity, Mapping):
                    for key in ("media_url_https", "media_url"):
                        value = entity.get(key)
                        if isinstance(value, str):
                            order.setdefault(PurePosixPath(value).name, index)
        ranked = sorted(entries, key=lambda entry: (order.get(entry[0], len(order)), entry[0]))
        return tuple(MediaRef(name=name, path_in_archive=path) for name, path in ranked)

    def media_bytes(self, ref: MediaRef) -> bytes:
        """The content of one media file of this archive. Raises :class:`ArchiveError`."""
        if ref.path_in_archive not in self._media_paths:
            raise ArchiveError(f"メディア「{ref.name}」はこのアーカイブにありません。")
        return self._source.read(ref.path_in_archive)

    # ---- lifetime ----

    def close(self) -> None:
        self._source.close()

    def __enter__(self) -> XArchive:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.close()


def looks_like_x(source: ArchiveSource) -> bool:
    """True when ``source`` (already :meth:`~ArchiveSource.rooted`) holds an X archive's post files."""
    return any(_PART_RE.fullmatch(name) for name in source.names())


def read_x_source(source: ArchiveSource, *, verify: bool = True) -> XArchive:
    """An X archive over an opened source (rooted at the folder holding ``data/``); closes it on failure."""
    try:
        archive = XArchive(source, source.label)
        if verify:
            count = 0
            for _post in archive.posts():
                count += 1
            archive.total = count
    except BaseException:
        source.close()
        raise
    return archive


def x_source(path: Path, max_total_bytes: int = MAX_TOTAL_UNCOMPRESSED_BYTES) -> ArchiveSource:
    """Open ``path`` (zip or folder) as a source rooted where an X archive's ``data/`` folder is."""
    path = Path(path)
    if path.is_dir():
        return DirSource(_find_dir_root(path))
    if path.is_file():
        return ZipSource(path, max_total_bytes).rooted(_MARKER_FILES)
    raise ArchiveError(f"「{path}」が見つかりません。")


def read_x_archive(path: Path, *, verify: bool = True, max_total_bytes: int | None = None) -> XArchive:
    """Open an X archive (``.zip`` or extracted folder).

    With ``verify`` (the default) every part is read once -- one part in memory at a time -- so that a damaged
    archive raises :class:`ArchiveError` here instead of half-way through :meth:`XArchive.posts`, and
    :attr:`XArchive.total` is known. ``max_total_bytes`` defaults to :data:`MAX_TOTAL_UNCOMPRESSED_BYTES`.
    """
    limit = MAX_TOTAL_UNCOMPRESSED_BYTES if max_total_bytes is None else max_total_bytes
    return read_x_source(x_source(path, limit), verify=verify)
