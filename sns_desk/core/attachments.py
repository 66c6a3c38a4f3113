"""Images attached to a draft: what they reveal, and how to publish them without it.

Guideline article 6, item 3 asks staff to respect portrait rights, privacy and copyright. A photo taken on a
phone usually carries the place it was taken (GPS), the time, the device and sometimes the photographer's name,
and an edited photo may still hold a thumbnail of the uncropped original. This module

* :func:`inspect_image` -- validates an attachment and lists what it reveals (:class:`ExifConcern`),
* :func:`strip_metadata` -- re-encodes it without EXIF, GPS, XMP, IPTC, text chunks or embedded thumbnails,
  baking the EXIF orientation into the pixels so the picture still shows the right way up,
* :func:`make_thumbnail` -- a small PNG preview for the GUI.

Every input is untrusted: files over :data:`MAX_FILE_BYTES` or images over :data:`MAX_PIXELS` are refused before
any pixel is decoded, and every failure surfaces as :class:`AttachmentError` with a message for the member of
staff, in Japanese. Pillow's own decompression-bomb warnings are silenced while we parse because this module
enforces its own (documented) limit instead.

Supported formats are those the social networks accept: JPEG (including the multi-picture MPO variant that many
phones write), PNG (including APNG), GIF and WebP, still or animated.
"""

from __future__ import annotations

import hashlib
import html
import io
import re
import struct
import threading
import warnings
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Literal

from PIL import ExifTags, Image, ImageOps, IptcImagePlugin, JpegImagePlugin, UnidentifiedImageError

from .errors import UserError

__all__ = [
    "JPEG_QUALITY",
    "MAX_ANIMATION_PIXELS",
    "MAX_FILE_BYTES",
    "MAX_PIXELS",
    "SUPPORTED_FORMATS",
    "AttachmentError",
    "ConcernKind",
    "ExifConcern",
    "ImageInfo",
    "inspect_image",
    "make_thumbnail",
    "strip_metadata",
]

# Limits are read at call time, so tests (and a future setting) may change them.
MAX_FILE_BYTES = 50 * 1024 * 1024
"""Largest attachment accepted, in bytes (50 MB)."""
MAX_PIXELS = 100_000_000
"""Largest image accepted, in pixels (width × height; 100 megapixels). Guards against decompression bombs."""
MAX_ANIMATION_PIXELS = 200_000_000
"""Largest animation accepted, in pixels summed over all frames (e.g. 1080×1080 × 170 frames).

Stripping an animation holds every frame in memory, so this bounds memory use at about 4 bytes per pixel."""
JPEG_QUALITY = 95
"""Quality used when a JPEG has to be re-encoded."""

SUPPORTED_FORMATS: tuple[str, ...] = ("JPEG", "PNG", "GIF", "WEBP")
"""Formats reported in :attr:`ImageInfo.format` (an MPO file is a JPEG to everyone but Pillow)."""
_OPEN_FORMATS = ("JPEG", "PNG", "GIF", "WEBP")  # Pillow plugin ids; JPEG's opener also yields MPO

_DETAIL_MAX = 100

ConcernKind = Literal["gps", "location", "datetime", "device", "owner", "software", "thumbnail", "metadata"]
"""What an :class:`ExifConcern` is about.

``gps`` coordinates; ``location`` place names (IPTC/XMP city etc.); ``datetime`` capture or creation time;
``device`` camera make/model, serial numbers, computer name; ``owner`` photographer, author, copyright holder,
camera owner; ``software`` the editing/creating program; ``thumbnail`` embedded preview images (which may show
what was cropped out); ``metadata`` other embedded blocks (XMP, IPTC, PNG text) that can hold names, captions,
edit history or file paths.
"""


class AttachmentError(UserError):
    """An attachment that cannot be used. ``message`` (also ``str(error)``) is Japanese, for staff."""


@dataclass(frozen=True, slots=True)
class ExifConcern:
    """One piece of identifying information found in an image."""

    kind: ConcernKind
    label: str
    """What it is, e.g. 「撮影場所(GPS)」."""
    detail: str
    """The value in readable Japanese, e.g. 「北緯34.4270° 東経132.7430°」."""


@dataclass(frozen=True, slots=True)
class ImageInfo:
    """A validated image attachment."""

    sha256: str
    """Hex digest of the file bytes."""
    width: int
    """Width as displayed, i.e. after the EXIF orientation is applied."""
    height: int
    """Height as displayed, i.e. after the EXIF orientation is applied."""
    format: str
    """One of :data:`SUPPORTED_FORMATS`."""
    byte_size: int
    frame_count: int = 1
    """Number of frames of an animation (1 for a still image)."""
    privacy: tuple[ExifConcern, ...] = field(default=())
    """What the file reveals besides its pixels; empty when there is nothing to warn about."""

    @property
    def has_privacy_concerns(self) -> bool:
        return bool(self.privacy)

    @property
    def has_location(self) -> bool:
        return any(c.kind in ("gps", "location") for c in self.privacy)


# --------------------------------------------------------------------------------------------------------------
# public API


def inspect_image(data: bytes) -> ImageInfo:
    """Validate ``data`` as an image attachment and list the identifying metadata it carries.

    Decodes every pixel (so truncated or corrupt files are caught here, not when posting).

    :raises AttachmentError: empty, too large, not an image, unsupported format, corrupt or truncated.
    """
    with _opened(data) as im:
        fmt = _public_format(im)
        frames = _frame_count(im)
        _check_animation(im, frames)
        if frames > 1 and im.format != "MPO":
            for index in range(frames):
                _seek(im, index, fmt)
                _decode(im, fmt)
            _seek(im, 0, fmt)
        else:
            _decode(im, fmt)
        width, height = _oriented_size(im)
        privacy = _privacy_concerns(im)
        return ImageInfo(
            sha256=hashlib.sha256(data).hexdigest(),
            width=width,
            height=height,
            format=fmt,
            byte_size=len(data),
            frame_count=1 if im.format == "MPO" else frames,
            privacy=privacy,
        )


def strip_metadata(data: bytes) -> bytes:
    """Re-encode ``data`` in the same format without EXIF, GPS, XMP, IPTC, comments, text chunks or thumbnails.

    The EXIF orientation is applied to the pixels first, so the result displays the same way. The ICC colour
    profile and transparency are kept; animations keep their frames, timing and looping. JPEG is re-encoded at
    :data:`JPEG_QUALITY` with the original chroma subsampling, PNG and GIF losslessly, WebP losslessly when the
    original was lossless. An MPO file becomes a plain JPEG of its main picture.

    :raises AttachmentError: as :func:`inspect_image`.
    """
    with _opened(data) as im:
        fmt = _public_format(im)
        frames = 1 if im.format == "MPO" else _frame_count(im)
        _check_animation(im, frames)
        method = _transpose_method(im)
        header = dict(im.info)  # the file-level info; seeking through frames replaces im.info
        if frames == 1:
            _decode(im, fmt)
            picture = ImageOps.exif_transpose(im)
            picture.info = _kept_info(im.info)
            pictures = [picture]
            durations: list[float] = []
        else:
            pictures, durations = _clean_frames(im, frames, fmt, method)
        out = io.BytesIO()
        params = _save_params(im, header, data, fmt, pictures[0].mode)
        if len(pictures) > 1:
            params.update(save_all=True, append_images=pictures[1:], duration=durations)
            if fmt == "GIF":
                # Frames are fully composited, so each one replaces the last (restoring the background first
                # keeps transparent areas transparent).
                params["disposal"] = 2
                if "loop" in header:  # without a NETSCAPE block a GIF plays once
                    params["loop"] = header["loop"]
            else:
                params["loop"] = header.get("loop", 0)
                if fmt == "PNG":
                    params.update(disposal=0, blend=0)  # APNG_DISPOSE_OP_NONE, APNG_BLEND_OP_SOURCE
        _save(pictures[0], out, fmt, params)
        return out.getvalue()


def make_thumbnail(data: bytes, max_side: int = 256) -> bytes:
    """A PNG preview of the first frame, at most ``max_side`` pixels on its longer side, shown the right way up.

    Carries no metadata. Small images are not enlarged.

    :raises AttachmentError: as :func:`inspect_image`.
    :raises ValueError: ``max_side`` below 1.
    """
    if max_side < 1:
        raise ValueError(f"max_side must be at least 1, not {max_side}")
    with _opened(data) as im:
        fmt = _public_format(im)
        if im.format in ("JPEG", "MPO"):
            im.draft(None, (max_side, max_side))  # let libjpeg decode at 1/2, 1/4 or 1/8 scale
        _decode(im, fmt)
        picture = ImageOps.exif_transpose(im)
        if picture.mode not in ("RGB", "RGBA", "L", "LA"):
            has_alpha = "transparency" in picture.info or picture.mode in ("PA", "RGBa", "La")
            picture = picture.convert("RGBA" if has_alpha else "RGB")
        picture.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
        picture.info = {}
        out = io.BytesIO()
        _save(picture, out, "PNG", {})
        return out.getvalue()


# --------------------------------------------------------------------------------------------------------------
# opening and validating

# Pillow reports oddities it can read past (corrupt EXIF, image sizes above its own bomb threshold) as warnings.
# We check sizes ourselves and must not leak those warnings (the test-suite runs with -W error). The warning
# filters are process-global, so the window in which they are changed is serialised.
_PILLOW_LOCK = threading.RLock()


@contextmanager
def _opened(data: bytes) -> Iterator[Image.Image]:
    if not isinstance(data, bytes | bytearray | memoryview):
        raise TypeError(f"image data must be bytes, not {type(data).__name__}")
    data = bytes(data)
    size = len(data)
    if size == 0:
        raise AttachmentError("ファイルが空です(0バイト)。画像ファイルを選び直してください。")
    if size > MAX_FILE_BYTES:
        raise AttachmentError(
            f"ファイルサイズが大きすぎます({_ja_bytes(size)})。"
            f"{_ja_bytes(MAX_FILE_BYTES)}以下の画像にしてから添付してください。"
        )
    with _PILLOW_LOCK, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            im = Image.open(io.BytesIO(data), formats=_OPEN_FORMATS)
        except Image.DecompressionBombError as exc:
            raise AttachmentError(
                f"画像の画素数が大きすぎます(上限{_ja_pixels(MAX_PIXELS)})。縮小してから添付してください。"
            ) from exc
        except UnidentifiedImageError as exc:
            raise AttachmentError(_unidentified_message(data)) from exc
        except Exception as exc:  # Pillow signals malformed headers with many exception types
            raise AttachmentError(_corrupt_message(_sniff(data) or "画像")) from exc
        with im:
            width, height = im.size
            if width < 1 or height < 1:
                raise AttachmentError(_corrupt_message(_public_format(im)))
            if width * height > MAX_PIXELS:
                raise AttachmentError(
                    f"画像の画素数が大きすぎます({width}×{height}、{_ja_pixels(width * height)})。"
                    f"{_ja_pixels(MAX_PIXELS)}以下に縮小してから添付してください。"
                )
            yield im


def _public_format(im: Image.Image) -> str:
    return "JPEG" if im.format == "MPO" else str(im.format)


def _decode(im: Image.Image, fmt: str) -> None:
    try:
        im.load()
    except Image.DecompressionBombError as exc:
        raise AttachmentError(
            f"画像の画素数が大きすぎます(上限{_ja_pixels(MAX_PIXELS)})。縮小してから添付してください。"
        ) from exc
    except Exception as exc:  # truncated and corrupt data surfaces as OSError, SyntaxError, ValueError, ...
        raise AttachmentError(_corrupt_message(fmt)) from exc


def _seek(im: Image.Image, index: int, fmt: str) -> None:
    try:
        im.seek(index)
    except Exception as exc:
        raise AttachmentError(_corrupt_message(fmt)) from exc


def _frame_count(im: Image.Image) -> int:
    try:
        return max(1, int(getattr(im, "n_frames", 1)))
    except Exception as exc:  # counting GIF frames walks the whole file
        raise AttachmentError(_corrupt_message(_public_format(im))) from exc


def _check_animation(im: Image.Image, frames: int) -> None:
    if frames > 1 and im.format != "MPO" and frames * im.width * im.height > MAX_ANIMATION_PIXELS:
        raise AttachmentError(
            f"アニメーションが大きすぎます({im.width}×{im.height}、{frames}コマ)。"
            "コマ数を減らすか縮小してから添付してください。"
        )


def _corrupt_message(fmt: str) -> str:
    return (
        f"{fmt}ファイルが壊れているか、途中で切れています。元の画像をもう一度保存し直すか、別の画像を選んでください。"
    )


_SUPPORTED_LIST = "JPEG・PNG・GIF・WebP"


def _unidentified_message(data: bytes) -> str:
    kind = _sniff(data)
    if kind in SUPPORTED_FORMATS:
        return _corrupt_message(kind)
    if kind is not None:
        return f"{kind}形式には対応していません。{_SUPPORTED_LIST}のいずれかに変換してから添付してください。"
    return f"画像ファイルとして読み込めません。{_SUPPORTED_LIST}の画像を選んでください。"


def _sniff(data: bytes) -> str | None:
    """Name the format from its signature, for error messages only."""
    head = data[:64]
    if head.startswith(b"\xff\xd8\xff"):
        return "JPEG"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "PNG"
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "GIF"
    if head.startswith(b"RIFF") and head[8:12] == b"WEBP":
        return "WEBP"
    if head[4:8] == b"ftyp":
        brand = head[8:12]
        if brand in (b"avif", b"avis"):
            return "AVIF"
        if brand in (b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1"):
            return "HEIC(iPhoneの写真など)"
        return "動画(MP4/MOV)"
    if head.startswith((b"II*\x00", b"MM\x00*")):
        return "TIFF"
    if head.startswith(b"BM"):
        return "BMP"
    if head.startswith(b"%PDF"):
        return "PDF"
    stripped = head.lstrip().lower()
    if stripped.startswith((b"<svg", b"<?xml")):
        return "SVG"
    return None


def _ja_bytes(size: int) -> str:
    megabytes = size / (1024 * 1024)
    return f"{megabytes:.0f}MB" if megabytes == int(megabytes) else f"{megabytes:.1f}MB"


def _ja_pixels(pixels: int) -> str:
    if pixels >= 100_000_000:
        value = f"{pixels / 100_000_000:.1f}".removesuffix(".0")
        return f"{value}億画素"
    if pixels >= 10_000:
        return f"{pixels // 10_000:,}万画素"
    return f"{pixels:,}画素"


# --------------------------------------------------------------------------------------------------------------
# orientation and re-encoding

_TRANSPOSE: dict[int, Image.Transpose] = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}


def _transpose_method(im: Image.Image) -> Image.Transpose | None:
    try:
        orientation = im.getexif().get(ExifTags.Base.Orientation, 1)
    except Exception:
        return None
    return _TRANSPOSE.get(orientation) if isinstance(orientation, int) else None


def _oriented_size(im: Image.Image) -> tuple[int, int]:
    method = _transpose_method(im)
    swap = method in (
        Image.Transpose.TRANSPOSE,
        Image.Transpose.TRANSVERSE,
        Image.Transpose.ROTATE_90,
        Image.Transpose.ROTATE_270,
    )
    return (im.height, im.width) if swap else (im.width, im.height)


def _kept_info(info: Mapping[str | tuple[int, int], Any]) -> dict[str | tuple[int, int], Any]:
    """What survives stripping: the colour profile and transparency, nothing that describes the picture."""
    return {key: info[key] for key in ("icc_profile", "transparency") if key in info and info[key] is not None}


def _clean_frames(
    im: Image.Image, frames: int, fmt: str, method: Image.Transpose | None
) -> tuple[list[Image.Image], list[float]]:
    pictures: list[Image.Image] = []
    durations: list[float] = []
    for index in range(frames):
        _seek(im, index, fmt)
        _decode(im, fmt)
        frame = im.transpose(method) if method is not None else im.copy()
        frame.info = _kept_info(im.info) if index == 0 else {}
        if index > 0 and "transparency" in im.info and frame.mode in ("P", "L"):
            frame.info["transparency"] = im.info["transparency"]
        pictures.append(frame)
        durations.append(float(im.info.get("duration", 0) or 0))
    return pictures, durations


def _save_params(
    im: Image.Image, info: Mapping[str | tuple[int, int], Any], data: bytes, fmt: str, mode: str
) -> dict[str, Any]:
    params: dict[str, Any] = {}
    icc = info.get("icc_profile")
    if icc:
        params["icc_profile"] = icc
    if fmt == "JPEG":
        params.update(quality=JPEG_QUALITY, optimize=True)
        if info.get("progressive") or info.get("progression"):
            params["progressive"] = True
        if mode in ("RGB", "YCbCr"):
            sampling = JpegImagePlugin.get_sampling(im)
            if sampling >= 0:
                params["subsampling"] = sampling
    elif fmt == "WEBP":
        if _webp_is_lossless(data):
            params.update(lossless=True, quality=100, method=4)
        else:
            params.update(quality=JPEG_QUALITY, method=4)
    return params


def _save(picture: Image.Image, out: io.BytesIO, fmt: str, params: dict[str, Any]) -> None:
    try:
        picture.save(out, format=fmt, **params)
    except (OSError, ValueError) as exc:
        raise AttachmentError(
            f"画像を{fmt}形式で保存し直せませんでした(色の形式: {picture.mode})。"
            "画像編集ソフトで書き出し直してから添付してください。"
        ) from exc


def _webp_is_lossless(data: bytes) -> bool:
    """True when every image chunk of the WebP (RIFF) file is VP8L (lossless)."""
    codecs: set[bytes] = set()

    def walk(buf: bytes, pos: int) -> None:
        while pos + 8 <= len(buf):
            fourcc = buf[pos : pos + 4]
            (length,) = struct.unpack("<I", buf[pos + 4 : pos + 8])
            body = buf[pos + 8 : pos + 8 + length]
            if fourcc in (b"VP8 ", b"VP8L"):
                codecs.add(fourcc)
            elif fourcc == b"ANMF":
                walk(body, 16)
            pos += 8 + length + (length & 1)

    walk(data, 12)
    return codecs == {b"VP8L"}


# --------------------------------------------------------------------------------------------------------------
# privacy


@dataclass
class _Facts:
    """Identifying values collected from every metadata block, merged before they become concerns."""

    coordinates: list[tuple[float, float] | None] = field(default_factory=list)
    """Readable (latitude, longitude) pairs; None for GPS data without usable coordinates."""
    places: list[str] = field(default_factory=list)
    dates: list[tuple[str, str]] = field(default_factory=list)
    """(label, readable value), best first."""
    makes: list[str] = field(default_factory=list)
    models: list[str] = field(default_factory=list)
    lenses: list[str] = field(default_factory=list)
    serials: list[tuple[str, str]] = field(default_factory=list)
    computers: list[str] = field(default_factory=list)
    people: list[tuple[str, str]] = field(default_factory=list)
    """(role, name)."""
    software: list[str] = field(default_factory=list)
    thumbnails: list[str] = field(default_factory=list)
    blocks: list[str] = field(default_factory=list)
    """Other metadata containers present, e.g. "XMP"."""


def _privacy_concerns(im: Image.Image) -> tuple[ExifConcern, ...]:
    facts = _Facts()
    _read_exif(im, facts)
    xmp = _xmp_text(im)
    if xmp:
        facts.blocks.append("XMP")
        _read_xmp(xmp, facts)
    _read_iptc(im, facts)
    _read_text_chunks(im, facts)
    if im.format == "MPO" and _frame_count(im) > 1:
        facts.thumbnails.append(f"追加の画像が{_frame_count(im) - 1}枚埋め込まれています(MPO形式)")
    return tuple(_concerns(facts))


def _concerns(facts: _Facts) -> Iterator[ExifConcern]:
    if facts.coordinates:
        readable = [c for c in facts.coordinates if c is not None]
        detail = _format_position(*readable[0]) if readable else "GPS情報が記録されています(緯度・経度は読み取れません)"
        yield ExifConcern("gps", "撮影場所(GPS)", detail)
    if facts.places:
        yield ExifConcern("location", "撮影地の地名", _join(facts.places, "、"))
    if facts.dates:
        label, value = facts.dates[0]
        yield ExifConcern("datetime", label, value)
    device = _device_name(facts)
    if device:
        yield ExifConcern("device", "撮影機器", device)
    if facts.serials:
        yield ExifConcern("device", "機器のシリアル番号", _join((f"{r}: {v}" for r, v in facts.serials), " / "))
    if facts.computers:
        yield ExifConcern("device", "コンピューター名", _join(facts.computers, " / "))
    if facts.people:
        yield ExifConcern("owner", "撮影者・著作者名", _join((f"{r}: {v}" for r, v in facts.people), " / "))
    if facts.software:
        yield ExifConcern("software", "作成・編集ソフト", _join(facts.software, " / "))
    if facts.thumbnails:
        yield ExifConcern("thumbnail", "埋め込みサムネイル", _join(facts.thumbnails, " / "))
    if facts.blocks:
        blocks = _join(facts.blocks, "、")
        yield ExifConcern(
            "metadata",
            "その他の埋め込み情報",
            f"{blocks}(説明文・編集履歴・ファイルの保存場所などが含まれることがあります)",
        )


def _device_name(facts: _Facts) -> str:
    make = facts.makes[0] if facts.makes else ""
    model = facts.models[0] if facts.models else ""
    # "Canon" + "Canon EOS R5" reads "Canon EOS R5"
    duplicated = bool(make) and model.lower().startswith(make.lower().split()[0])
    name = model if duplicated else f"{make} {model}".strip()
    if facts.lenses:
        lens = f"レンズ: {facts.lenses[0]}"
        name = f"{name}({lens})" if name else lens
    return _clip(name)


def _join(values: Iterable[str], sep: str) -> str:
    seen: list[str] = []
    for value in values:
        if value not in seen:
            seen.append(value)
    return _clip(sep.join(seen))


def _clip(text: str) -> str:
    return text if len(text) <= _DETAIL_MAX else text[: _DETAIL_MAX - 1] + "…"


def _add(target: list[str], value: object) -> None:
    text = _text(value)
    if text and text not in target:
        target.append(text)


def _add_pair(target: list[tuple[str, str]], role: str, value: object) -> None:
    text = _text(value)
    if text and all(existing != text for _, existing in target):
        target.append((role, text))


def _text(value: object) -> str:
    """A metadata value as clean, single-line text; "" for empty or binary junk."""
    if isinstance(value, tuple | list):
        return " ".join(t for t in (_text(v) for v in value) if t)
    if isinstance(value, bytes):
        text = _decode_bytes(value)
    elif isinstance(value, str):
        text = _repair_latin1(value)
    else:
        return ""
    text = text.replace("\x00", " ")
    text = "".join(ch if ch.isprintable() else " " for ch in text)
    return _clip(" ".join(text.split()))


def _decode_bytes(raw: bytes) -> str:
    if raw.startswith(b"UNICODE\x00"):  # EXIF UserComment-style prefix
        return raw[8:].decode("utf-16", "replace")
    if raw.startswith((b"ASCII\x00\x00\x00", b"JIS\x00\x00\x00\x00\x00")):
        raw = raw[8:]
    for encoding in ("utf-8", "cp932"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            pass
    return raw.decode("latin-1")


def _repair_latin1(text: str) -> str:
    """Pillow decodes EXIF ASCII fields as Latin-1; Japanese cameras and apps write UTF-8 or Shift_JIS there."""
    if text.isascii():
        return text
    try:
        raw = text.encode("latin-1")
    except UnicodeEncodeError:
        return text
    for encoding in ("utf-8", "cp932"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            pass
    return text


def _format_position(lat: float, lon: float) -> str:
    north = "北緯" if lat >= 0 else "南緯"
    east = "東経" if lon >= 0 else "西経"
    return f"{north}{abs(lat):.4f}° {east}{abs(lon):.4f}°"


_DATE = re.compile(r"(\d{4})[:\-/]?(\d{2})[:\-/]?(\d{2})(?:[ T]?(\d{2}):?(\d{2})(?::?(\d{2}))?)?")


def _format_date(value: object) -> str:
    text = _text(value)
    match = _DATE.match(text)
    if not match:
        return text
    year, month, day, hour, minute, second = match.groups()
    if int(year) == 0 or not (1 <= int(month) <= 12 and 1 <= int(day) <= 31):
        return ""  # "0000:00:00 00:00:00" -- a camera without a clock
    result = f"{int(year)}年{int(month)}月{int(day)}日"
    if hour is not None and minute is not None:
        result += f" {hour}:{minute}" + (f":{second}" if second else "")
    return result


# ---- EXIF (JPEG APP1, PNG eXIf / "Raw profile type exif", WebP EXIF chunk)

_IFD0_PEOPLE = {0x013B: "撮影者", 0x8298: "著作権者"}
_EXIF_PEOPLE = {0xA430: "カメラ所有者"}
_XP_AUTHOR = 0x9C9D
_EXIF_SERIALS = {0xA431: "本体", 0xA435: "レンズ"}
_IFD0_SERIAL = 0xC62F  # CameraSerialNumber (DNG)
_DATE_TAGS = (
    (ExifTags.IFD.Exif, 0x9003, "撮影日時"),  # DateTimeOriginal
    (ExifTags.IFD.Exif, 0x9004, "撮影日時"),  # DateTimeDigitized
    (None, 0x0132, "作成・更新日時"),  # DateTime
)


def _read_exif(im: Image.Image, facts: _Facts) -> None:
    try:
        exif = im.getexif()
        ifd0 = dict(exif)
        sub = exif.get_ifd(ExifTags.IFD.Exif)
        gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
        ifd1 = exif.get_ifd(ExifTags.IFD.IFD1)
    except Exception:
        if any(key in im.info for key in ("exif", "Raw profile type exif")):
            facts.blocks.append("EXIF(読み取れない形式)")
        return
    if gps and set(gps) - {0}:  # GPSVersionID alone says nothing
        facts.coordinates.append(_gps_position(gps))
    for ifd_id, tag, label in _DATE_TAGS:
        value = _format_date((sub if ifd_id is not None else ifd0).get(tag))
        if value:
            facts.dates.append((label, value))
    _add(facts.makes, ifd0.get(0x010F))
    _add(facts.models, ifd0.get(0x0110))
    _add(facts.lenses, " ".join(t for t in (_text(sub.get(0xA433)), _text(sub.get(0xA434))) if t))
    _add_pair(facts.serials, "本体", ifd0.get(_IFD0_SERIAL))
    for tag, role in _EXIF_SERIALS.items():
        _add_pair(facts.serials, role, sub.get(tag))
    _add(facts.computers, ifd0.get(0x013C))
    for tag, role in _IFD0_PEOPLE.items():
        _add_pair(facts.people, role, ifd0.get(tag))
    xp_author = ifd0.get(_XP_AUTHOR)
    if isinstance(xp_author, bytes | tuple):
        raw = bytes(xp_author)
        _add_pair(facts.people, "作成者", raw.decode("utf-16-le", "replace"))
    for tag, role in _EXIF_PEOPLE.items():
        _add_pair(facts.people, role, sub.get(tag))
    _add(facts.software, ifd0.get(0x0131))
    if ifd1 and (0x0201 in ifd1 or 0x0111 in ifd1):
        facts.thumbnails.append("縮小画像が埋め込まれています(トリミングや加工の前の内容が残っていることがあります)")


def _gps_position(gps: Mapping[int, Any]) -> tuple[float, float] | None:
    lat = _dms(gps.get(2))
    lon = _dms(gps.get(4))
    if lat is None or lon is None:
        return None
    if _text(gps.get(1)).upper().startswith("S"):
        lat = -lat
    if _text(gps.get(3)).upper().startswith("W"):
        lon = -lon
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return None
    return lat, lon


def _dms(value: object) -> float | None:
    """Degrees from an EXIF (degrees, minutes, seconds) rational triple."""
    parts = value if isinstance(value, tuple | list) else (value,)
    if not parts or parts == (None,) or len(parts) > 3:
        return None
    try:
        numbers = [float(p) for p in parts]
    except (TypeError, ValueError, ZeroDivisionError):
        return None
    if any(n != n or n < 0 for n in numbers):  # NaN from a zero denominator, or nonsense
        return None
    return sum(n / 60.0**i for i, n in enumerate(numbers))


# ---- XMP (JPEG APP1, PNG iTXt "XML:com.adobe.xmp", WebP "XMP " chunk, GIF application extension)


def _xmp_text(im: Image.Image) -> str:
    for key in ("xmp", "XML:com.adobe.xmp"):
        value = im.info.get(key)
        if isinstance(value, bytes) and value.strip(b"\x00 \r\n\t"):
            return value.decode("utf-8", "replace")
        if isinstance(value, str) and value.strip():
            return str(value)
    return ""


def _xmp_values(xmp: str, name: str) -> list[str]:
    """Values of an XMP property written as an attribute, a simple element or an rdf:li list."""
    values: list[str] = []
    prop = re.escape(name)
    for match in re.finditer(rf"{prop}\s*=\s*([\"'])(.*?)\1", xmp, re.DOTALL):
        values.append(match.group(2))
    for match in re.finditer(rf"<{prop}(?:\s[^>]*)?>(.*?)</{prop}>", xmp, re.DOTALL):
        inner = match.group(1)
        items = re.findall(r"<rdf:li(?:\s[^>]*)?>(.*?)</rdf:li>", inner, re.DOTALL)
        values.extend(items if items else [inner])
    return [text for text in (_text(html.unescape(v)) for v in values) if text and "<" not in text]


def _xmp_coordinate(value: str) -> float | None:
    """XMP GPSCoordinate: "DDD,MM,SSk" or "DDD,MM.mmk" (k = N/S/E/W)."""
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)(?:,(\d+(?:\.\d+)?))?(?:,(\d+(?:\.\d+)?))?\s*([NSEW])\s*", value)
    if not match:
        return None
    degrees = _dms(tuple(float(g) for g in match.groups()[:3] if g is not None))
    if degrees is None:
        return None
    return -degrees if match.group(4) in ("S", "W") else degrees


def _read_xmp(xmp: str, facts: _Facts) -> None:
    lats = _xmp_values(xmp, "exif:GPSLatitude")
    lons = _xmp_values(xmp, "exif:GPSLongitude")
    if lats or lons:
        lat = _xmp_coordinate(lats[0]) if lats else None
        lon = _xmp_coordinate(lons[0]) if lons else None
        ok = lat is not None and lon is not None and -90 <= lat <= 90 and -180 <= lon <= 180
        facts.coordinates.append((lat, lon) if ok and lat is not None and lon is not None else None)
    for name in ("Iptc4xmpCore:Location", "photoshop:City", "photoshop:State", "photoshop:Country"):
        for value in _xmp_values(xmp, name):
            _add(facts.places, value)
    for name in ("exif:DateTimeOriginal", "photoshop:DateCreated", "xmp:CreateDate"):
        for value in _xmp_values(xmp, name):
            date = _format_date(value)
            if date:
                facts.dates.append(("撮影日時", date))
    for name, role in (("dc:creator", "作成者"), ("dc:rights", "著作権者"), ("aux:OwnerName", "カメラ所有者")):
        for value in _xmp_values(xmp, name):
            _add_pair(facts.people, role, value)
    for name in ("tiff:Make",):
        for value in _xmp_values(xmp, name):
            _add(facts.makes, value)
    for name in ("tiff:Model",):
        for value in _xmp_values(xmp, name):
            _add(facts.models, value)
    for value in _xmp_values(xmp, "aux:SerialNumber"):
        _add_pair(facts.serials, "本体", value)
    for value in _xmp_values(xmp, "xmp:CreatorTool"):
        _add(facts.software, value)


# ---- IPTC (JPEG APP13 Photoshop resource)

_IPTC_PEOPLE = {(2, 80): "撮影者", (2, 110): "クレジット", (2, 116): "著作権者", (2, 118): "連絡先"}
_IPTC_PLACES = ((2, 92), (2, 90), (2, 95), (2, 101))  # sub-location, city, province, country


def _read_iptc(im: Image.Image, facts: _Facts) -> None:
    if not isinstance(im, JpegImagePlugin.JpegImageFile):
        return
    try:
        iptc = IptcImagePlugin.getiptcinfo(im)
    except Exception:
        iptc = None
        if im.info.get("photoshop"):
            facts.blocks.append("IPTC(読み取れない形式)")
            return
    if not iptc:
        return
    facts.blocks.append("IPTC")
    for key, role in _IPTC_PEOPLE.items():
        for value in _iptc_values(iptc.get(key)):
            _add_pair(facts.people, role, value)
    for key in _IPTC_PLACES:
        for value in _iptc_values(iptc.get(key)):
            _add(facts.places, value)
    for value in _iptc_values(iptc.get((2, 55))):
        date = _format_date(value)
        if date:
            facts.dates.append(("撮影日時", date))


def _iptc_values(value: bytes | list[bytes] | None) -> list[str]:
    raw = [value] if isinstance(value, bytes) else (value or [])
    return [text for text in (_text(v) for v in raw) if text]


# ---- PNG text chunks (tEXt / zTXt / iTXt)

_PNG_TEXT_PEOPLE = {"Author": "作成者", "Copyright": "著作権者"}
_PNG_TEXT_HANDLED = {"XML:com.adobe.xmp", "Raw profile type exif", "Software", "Creation Time", "Source"}


def _read_text_chunks(im: Image.Image, facts: _Facts) -> None:
    text: Mapping[str, Any] = getattr(im, "text", None) or {}
    if not isinstance(text, Mapping):
        return
    for key, role in _PNG_TEXT_PEOPLE.items():
        _add_pair(facts.people, role, text.get(key))
    _add(facts.software, text.get("Software"))
    _add(facts.makes, text.get("Source"))
    created = _format_date(text.get("Creation Time"))
    if created:
        facts.dates.append(("作成日時", created))
    others = sorted(str(k) for k in text if k not in _PNG_TEXT_HANDLED and k not in _PNG_TEXT_PEOPLE)
    if others:
        facts.blocks.append(f"PNGテキスト({', '.join(others)})")
