"""Reading the JSON files of an untrusted export as streams, with bounded memory, for every reader.

A posts file can be hundreds of MB on one line; decoding it whole takes many times its size (a 200 MB Meta
file took 6.8 GB). :func:`iter_items` parses it one item at a time with ijson instead, and
:class:`JsonStream` -- the bytes the parser reads -- enforces the limits hostile input needs:

* text that is not UTF-8 (a UTF-8 byte-order mark is skipped) is refused, naming the byte;
* nesting deeper than :data:`MAX_JSON_DEPTH` is refused before the parser sees it (the parser's memory grows
  with the square of the depth, and code walking the values would recurse);
* one value bigger than :data:`MAX_ITEM_BYTES` -- a single post, or whatever lies between two posts -- is
  refused while it is read, before it is built in memory, so that memory stays bounded however the file is
  shaped (the largest real post is well under 1 MB);
* numbers that do not fit in 64 bits (a 100,000-digit integer) and invalid JSON are refused with a Japanese
  message naming the file and the line (files up to :data:`MAX_ITEM_BYTES`, read again to find it) or the
  item near which it broke.

Every refusal is an :class:`ArchiveError`. :func:`load_small_json` is for the small side files (``actor.json``,
profile information), read whole but refused beyond :data:`MAX_ITEM_BYTES`.
"""

from __future__ import annotations

import codecs
import io
import itertools
import json
import zipfile
import zlib
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import IO, Any, Final

import ijson

from sns_desk.core.archive.errors import ArchiveError
from sns_desk.core.archive.sources import ArchiveSource

__all__ = [
    "MAX_ITEM_BYTES",
    "MAX_JSON_DEPTH",
    "DepthGuard",
    "JsonStream",
    "TopLevel",
    "Wording",
    "iter_items",
    "load_small_json",
    "scan_top_level",
]

MAX_JSON_DEPTH: Final = 64
"""Real exports nest about ten levels deep; a file nested deeper is refused before it is parsed, because
the streaming parser's memory grows with the square of the depth (a 200 KB file of brackets would need
gigabytes)."""

MAX_ITEM_BYTES: Final = 16 * 1024**2
"""The most bytes of JSON one item (a post) may take, and the biggest side file read whole."""

PARSE_CHUNK: Final = 1024 * 1024
"""How much the parser reads at a time."""

_PREFIX_PEEK: Final = 4096
_STREAM_ERRORS: Final = (OSError, EOFError, zlib.error, zipfile.BadZipFile)
_NOT_STRUCTURE: Final = bytes(b for b in range(256) if b not in b'"[]{}')
_BRACKET_STEP: Final = {ord("["): 1, ord("{"): 1, ord("]"): -1, ord("}"): -1}


@dataclass(frozen=True, slots=True)
class Wording:
    """How the messages of one reader name things."""

    where: str = "エクスポート"
    """What the file is inside: ``エクスポート`` or (X) ``アーカイブ``."""
    service: str = ""
    """The service whose export it should be, e.g. ``Mastodon``."""
    advice: str = "書き出されたファイルをそのまま指定してください。"
    """What to do about a file that is not UTF-8."""

    def in_file(self, name: str) -> str:
        return f"{self.where}内の「{name}」"


class DepthGuard:
    """Tracks how deeply the JSON fed to it nests, outside strings, chunk by chunk.

    Byte operations do the scanning (drop escaped backslashes and quotes, split on quotes, keep the
    brackets of the pieces outside strings), so the cost stays small next to parsing.
    """

    def __init__(self, name: str, wording: Wording) -> None:
        self._name = name
        self._wording = wording
        self._depth = 0
        self._in_string = False
        self._backslash = b""
        """An unpaired backslash that ended the previous chunk (it escapes this chunk's first byte)."""

    def feed(self, data: bytes) -> None:
        data = self._backslash + data
        run = len(data) - len(data.rstrip(b"\\"))
        self._backslash = b"\\" if run % 2 else b""
        data = data[: len(data) - run]  # pairs of backslashes are escapes of nothing that matters here
        # Escapes first (on the raw bytes, where \\n still shows which backslash is which), then keep only
        # quotes and brackets and drop the strings left empty -- nearly all of them -- before splitting.
        unescaped = data.replace(b"\\\\", b"").replace(b'\\"', b"")
        pieces = unescaped.translate(None, _NOT_STRUCTURE).replace(b'""', b"").split(b'"')
        outside = pieces[1::2] if self._in_string else pieces[0::2]
        if len(pieces) % 2 == 0:
            self._in_string = not self._in_string
        brackets = b"".join(outside)
        if not brackets:
            return
        start = self._depth
        self._depth += brackets.count(b"[") + brackets.count(b"{") - brackets.count(b"]") - brackets.count(b"}")
        # Cheap bound first: each pass of removing adjacent pairs strips at least every second level, so
        # the chunk nests at most 2 x passes deeper than the brackets it leaves open.
        reduced, passes = brackets, 0
        while passes <= MAX_JSON_DEPTH:
            shorter = reduced.replace(b"[]", b"").replace(b"{}", b"")
            if len(shorter) == len(reduced):
                break
            reduced, passes = shorter, passes + 1
        if start + 2 * passes + reduced.count(b"[") + reduced.count(b"{") <= MAX_JSON_DEPTH:
            return
        deepest = max(itertools.accumulate((_BRACKET_STEP[b] for b in brackets), initial=start))
        if deepest > MAX_JSON_DEPTH:
            service = f"{self._wording.service} の{self._wording.where}ではないか、" if self._wording.service else ""
            raise ArchiveError(
                f"{self._wording.in_file(self._name)}の JSON の入れ子が深すぎます({MAX_JSON_DEPTH} 段を超えています)。"
                f"{service}壊れています。"
            )


class JsonStream(io.RawIOBase):
    """The bytes of one JSON member as the parser should see them, checked on the way (see the module).

    The consumer calls :meth:`mark` after each item it got, which starts the count towards
    :data:`MAX_ITEM_BYTES` again. Subclasses may skip a prefix (:meth:`_body_start`) and hold back the last
    :attr:`hold` bytes to rewrite the end (:meth:`_finish`), as X's ``window.… = [...];`` needs.
    """

    hold = 0

    def __init__(self, stream: IO[bytes], name: str, wording: Wording) -> None:
        super().__init__()
        self._stream = stream
        self.name = name
        self.wording = wording
        self.items = 0
        """How many items the consumer has marked."""
        self._decoder = codecs.getincrementaldecoder("utf-8")("strict")
        self._fed = 0
        """Bytes of the file checked so far (the first one checked is at offset :attr:`_origin`)."""
        self._origin = 0
        self._handed = 0
        self._mark = 0
        self._done = False
        self._guard = DepthGuard(name, wording)
        try:
            head = stream.read(_PREFIX_PEEK)
            body = head.removeprefix(codecs.BOM_UTF8)
            try:
                text = codecs.getincrementaldecoder("utf-8")().decode(body, final=False)
            except UnicodeDecodeError as exc:
                raise self.encoding_error(len(head) - len(body) + exc.start) from exc
            if "\x00" in text:  # UTF-16 or UTF-32
                raise self.encoding_error(None)
            skip = len(text[: self._body_start(text)].encode("utf-8"))
            self._pending = body[skip:]
            self._origin = len(head) - len(self._pending)
            self._check(self._pending)
            self._after_head(self._pending)
        except BaseException:
            stream.close()
            raise

    # ---- hooks ----

    def _body_start(self, text: str) -> int:
        """How many characters of the decoded head come before the JSON (raise to refuse the file)."""
        return 0

    def _after_head(self, pending: bytes) -> None:
        """A look at the first bytes of the JSON, to refuse early what is plainly wrong."""

    def _finish(self, pending: bytes) -> bytes:
        """The held-back end of the file, rewritten once nothing more comes."""
        return pending

    # ---- messages ----

    def encoding_error(self, offset: int | None) -> ArchiveError:
        at = "" if offset is None else f"({offset + 1:,} バイト目)"
        return ArchiveError(
            f"{self.wording.in_file(self.name)}の文字コードが UTF-8 ではありません{at}。{self.wording.advice}"
        )

    def too_big_error(self) -> ArchiveError:
        return ArchiveError(
            f"{self.wording.in_file(self.name)}の {self.items + 1:,} 件目付近に、"
            f"1 件で {MAX_ITEM_BYTES // 1024**2} MB を超える値があります。"
            "投稿 1 件がこれほど大きくなることはないため、壊れているか別のファイルです。読み込みを中止しました。"
        )

    # ---- reading ----

    def mark(self) -> None:
        """The consumer got one more item: what it reads from now on belongs to the next."""
        self.items += 1
        self._mark = self._handed

    def _check(self, data: bytes, final: bool = False) -> None:
        buffered = len(self._decoder.getstate()[0])
        try:
            self._decoder.decode(data, final)
        except UnicodeDecodeError as exc:
            raise self.encoding_error(self._origin + self._fed - buffered + exc.start) from exc
        self._fed += len(data)
        self._guard.feed(data)

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        if self._handed - self._mark > MAX_ITEM_BYTES:
            raise self.too_big_error()
        wanted = len(buffer)
        while not self._done and len(self._pending) < wanted + self.hold:
            chunk = self._stream.read(max(wanted, 65536))
            if not chunk:
                self._done = True
                self._check(b"", final=True)
                self._pending = self._finish(self._pending)
                break
            self._check(chunk)
            self._pending += chunk
        available = len(self._pending) if self._done else max(len(self._pending) - self.hold, 0)
        count = min(wanted, available)
        buffer[:count] = self._pending[:count]
        self._pending = self._pending[count:]
        self._handed += count
        return count

    def close(self) -> None:
        self._stream.close()
        super().close()


def open_stream(source: ArchiveSource, name: str, wording: Wording) -> JsonStream:
    try:
        return JsonStream(source.open(name), name, wording)
    except _STREAM_ERRORS as exc:
        raise ArchiveError(f"{wording.in_file(name)}が壊れていて読めません。") from exc


def _number_too_big(detail: str) -> bool:
    return "integer overflow" in detail or "numeric (floating point) overflow" in detail


def _broken(source: ArchiveSource, name: str, wording: Wording, detail: str, items: int | None) -> ArchiveError:
    """The message for a file the parser refused: which line, when the file is small enough to read again."""
    if _number_too_big(detail):
        near = "" if items is None else f"({items + 1:,} 件目付近)"
        return ArchiveError(
            f"{wording.in_file(name)}に、桁数が多すぎて読めない数があります{near}。壊れているか別のファイルです。"
        )
    where = f"{items + 1:,} 件目付近" if items is not None else "先頭付近"
    what = "途中で終わっています" if "premature EOF" in detail else "書式の誤り"
    if source.size(name) <= MAX_ITEM_BYTES:
        try:
            json.loads(source.read(name).decode("utf-8-sig"))
        except json.JSONDecodeError as exc:
            where, what = f"{exc.lineno:,} 行目付近", exc.msg
        except (ValueError, RecursionError, ArchiveError):
            pass
    return ArchiveError(
        f"{wording.in_file(name)}の JSON が壊れています({where}: {what})。"
        "ダウンロードが途中で切れていないか確認してください。"
    )


@dataclass(frozen=True, slots=True)
class TopLevel:
    """What :func:`scan_top_level` found at the top of a member."""

    kind: str
    """``start_array``, ``start_map``, ``string`` … as ijson names the first event."""
    key: str | None = None
    """For an object: the first of the wanted keys whose value is an array, or None."""
    scalars: Mapping[str, Any] = field(default_factory=dict)
    """For an object: the members with a plain value (number, string …) seen before ``key``."""


def scan_top_level(source: ArchiveSource, name: str, wanted: Sequence[str], wording: Wording) -> TopLevel:
    """What the member's JSON is and, for an object, where its array of ``wanted`` is (see :class:`TopLevel`).

    Stops reading as soon as it knows: an array at once, an object at that key's ``[``.
    """
    stream = open_stream(source, name, wording)
    kind = ""
    scalars: dict[str, Any] = {}
    try:
        with io.BufferedReader(stream, 65536) as buffered:
            key: str | None = None
            for prefix, event, value in ijson.parse(buffered, use_float=True):
                stream.mark()
                if not kind:
                    kind = event
                    if event != "start_map":
                        return TopLevel(kind)
                elif prefix == "" and event == "map_key":
                    key = value
                elif key is not None:
                    if key in wanted and event == "start_array":
                        return TopLevel(kind, key, scalars)
                    if event in ("number", "string", "boolean", "null"):
                        scalars[key] = value
                    key = None
    except ijson.JSONError as exc:
        raise _broken(source, name, wording, str(exc).split("\n")[0], None) from exc
    except _STREAM_ERRORS as exc:
        raise ArchiveError(f"{wording.in_file(name)}が壊れていて最後まで読めません。") from exc
    return TopLevel(kind, None, scalars)


def iter_items(source: ArchiveSource, name: str, prefix: str, wording: Wording) -> Iterator[Any]:
    """The values at ``prefix`` (ijson's notation: ``item`` for the elements of a top-level array,
    ``orderedItems.item`` …), parsed one at a time; numbers with a fraction are floats."""
    stream = open_stream(source, name, wording)
    try:
        with io.BufferedReader(stream, PARSE_CHUNK) as buffered:
            for item in ijson.items(buffered, prefix, use_float=True):
                stream.mark()
                yield item
    except ijson.JSONError as exc:
        raise _broken(source, name, wording, str(exc).split("\n")[0], stream.items) from exc
    except _STREAM_ERRORS as exc:
        raise ArchiveError(f"{wording.in_file(name)}が壊れていて最後まで読めません。") from exc


def load_small_json(
    source: ArchiveSource, name: str, wording: Wording, loads: Callable[[str], Any] = json.loads
) -> Any:
    """The decoded JSON of a small side file (UTF-8, with or without BOM), read whole; refused beyond
    :data:`MAX_ITEM_BYTES`. Raises a Japanese :class:`ArchiveError`."""
    if source.size(name) > MAX_ITEM_BYTES:
        raise ArchiveError(
            f"{wording.in_file(name)}が大きすぎます({MAX_ITEM_BYTES // 1024**2} MB 超)。壊れているか別のファイルです。"
        )
    raw = source.read(name)
    if len(raw) > MAX_ITEM_BYTES:  # a folder's file that grew meanwhile
        raise ArchiveError(f"{wording.in_file(name)}が大きすぎます({MAX_ITEM_BYTES // 1024**2} MB 超)。")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ArchiveError(
            f"{wording.in_file(name)}の文字コードが UTF-8 ではありません({exc.start + 1:,} バイト目)。{wording.advice}"
        ) from exc
    del raw
    try:
        return loads(text)
    except json.JSONDecodeError as exc:
        raise ArchiveError(
            f"{wording.in_file(name)}の JSON が壊れています({exc.lineno:,} 行目付近: {exc.msg})。"
            "ダウンロードが途中で切れていないか確認してください。"
        ) from exc
    except RecursionError as exc:
        raise ArchiveError(f"{wording.in_file(name)}の JSON の入れ子が深すぎます。壊れています。") from exc
    except ValueError as exc:  # an integer of more digits than Python converts (4,300)
        raise ArchiveError(
            f"{wording.in_file(name)}に、桁数が多すぎて読めない数があります。壊れているか別のファイルです。"
        ) from exc
