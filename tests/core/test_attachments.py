"""Image attachments: privacy metadata is found, stripped on request, and bad files are refused in Japanese.

Every image is built in memory with Pillow; nothing is read from disk.
"""

from __future__ import annotations

import hashlib
import io
import struct
import zlib
from collections.abc import Callable

import pytest
from PIL import ExifTags, Image, ImageChops, ImageCms, ImageOps, ImageSequence, ImageStat, JpegImagePlugin
from PIL.PngImagePlugin import PngInfo
from PIL.TiffImagePlugin import IFDRational

from sns_desk.core import attachments
from sns_desk.core.attachments import (
    AttachmentError,
    ExifConcern,
    ImageInfo,
    inspect_image,
    make_thumbnail,
    strip_metadata,
)
from sns_desk.core.errors import UserError

# ----------------------------------------------------------------------------------------------------------------
# builders


def gradient(size: tuple[int, int] = (96, 64), mode: str = "RGB") -> Image.Image:
    """A smooth, asymmetric picture: red grows to the right, green downwards, so any rotation shows."""
    width, height = size
    red = Image.linear_gradient("L").transpose(Image.Transpose.ROTATE_90).resize(size)
    green = Image.linear_gradient("L").resize(size)
    blue = Image.new("L", size, 96)
    image = Image.merge("RGB", (red, green, blue))
    # A solid marker in the top-left corner (the "up" of the picture).
    image.paste((250, 250, 250), (0, 0, width // 4, height // 4))
    return image.convert(mode) if mode != "RGB" else image


def encode(image: Image.Image, fmt: str, **params: object) -> bytes:
    buf = io.BytesIO()
    image.save(buf, fmt, **params)
    return buf.getvalue()


def rational(value: float, denominator: int = 10_000) -> IFDRational:
    return IFDRational(round(value * denominator), denominator)


def dms(degrees: float) -> tuple[IFDRational, IFDRational, IFDRational]:
    whole = int(degrees)
    minutes_float = (degrees - whole) * 60
    minutes = int(minutes_float)
    seconds = (minutes_float - minutes) * 60
    return IFDRational(whole, 1), IFDRational(minutes, 1), rational(seconds, 100)


def camera_exif(
    *,
    lat: float = 34.4270,
    lon: float = 132.7430,
    lat_ref: str = "N",
    lon_ref: str = "E",
    orientation: int = 1,
    artist: str | bytes = "Yamada Taro",
) -> Image.Exif:
    """EXIF as a phone writes it: GPS IFD, Make/Model, capture time, Artist."""
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "Apple"
    exif[ExifTags.Base.Model] = "iPhone 15 Pro"
    exif[ExifTags.Base.Software] = "17.4.1"
    exif[ExifTags.Base.Artist] = artist
    exif[ExifTags.Base.Orientation] = orientation
    exif[ExifTags.Base.ExposureTime] = IFDRational(1, 120)  # harmless; must not be reported
    sub = exif.get_ifd(ExifTags.IFD.Exif)
    sub[ExifTags.Base.DateTimeOriginal] = "2024:05:01 10:23:45"
    sub[ExifTags.Base.FNumber] = IFDRational(178, 100)
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSVersionID] = b"\x02\x03\x00\x00"
    gps[ExifTags.GPS.GPSLatitudeRef] = lat_ref
    gps[ExifTags.GPS.GPSLatitude] = dms(lat)
    gps[ExifTags.GPS.GPSLongitudeRef] = lon_ref
    gps[ExifTags.GPS.GPSLongitude] = dms(lon)
    gps[ExifTags.GPS.GPSAltitude] = IFDRational(12, 1)
    return exif


def exif_with_thumbnail() -> bytes:
    """Raw EXIF whose IFD1 embeds a JPEG thumbnail (Pillow cannot write IFD1 itself)."""
    thumb = encode(Image.new("RGB", (16, 12), "orange"), "JPEG")
    make = b"Canon\x00"
    ifd0_at, make_at = 8, 8 + 2 + 12 + 4
    ifd1_at = make_at + len(make)
    thumb_at = ifd1_at + 2 + 3 * 12 + 4
    tiff = b"II*\x00" + struct.pack("<I", ifd0_at)
    tiff += struct.pack("<H", 1) + struct.pack("<HHII", 0x010F, 2, len(make), make_at) + struct.pack("<I", ifd1_at)
    tiff += make
    tiff += struct.pack("<H", 3)
    tiff += struct.pack("<HHIHH", 0x0103, 3, 1, 6, 0)  # Compression = JPEG
    tiff += struct.pack("<HHII", 0x0201, 4, 1, thumb_at)  # JPEGInterchangeFormat
    tiff += struct.pack("<HHII", 0x0202, 4, 1, len(thumb))  # JPEGInterchangeFormatLength
    tiff += struct.pack("<I", 0)
    assert len(tiff) == thumb_at
    return b"Exif\x00\x00" + tiff + thumb


def with_iptc(jpeg: bytes, datasets: dict[int, bytes]) -> bytes:
    """Insert an APP13 Photoshop/IPTC block (record 2 datasets) right after SOI."""
    iptc = b"".join(b"\x1c\x02" + bytes([number]) + struct.pack(">H", len(v)) + v for number, v in datasets.items())
    resource = b"8BIM" + struct.pack(">H", 0x0404) + b"\x00\x00" + struct.pack(">I", len(iptc)) + iptc
    if len(iptc) % 2:
        resource += b"\x00"
    payload = b"Photoshop 3.0\x00" + resource
    segment = b"\xff\xed" + struct.pack(">H", len(payload) + 2) + payload
    return jpeg[:2] + segment + jpeg[2:]


def png_header_only(width: int, height: int) -> bytes:
    """A PNG that claims ``width`` × ``height`` but holds one byte of pixel data (nothing is allocated)."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\x00")) + chunk(b"IEND", b"")


XMP = (
    '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
    '<rdf:Description exif:GPSLatitude="34,25.62N" exif:GPSLongitude="132,44.58E" xmp:CreatorTool="Adobe Photoshop">'
    "<dc:creator><rdf:Seq><rdf:li>鈴木一郎</rdf:li></rdf:Seq></dc:creator>"
    "<photoshop:City>東広島市</photoshop:City>"
    "</rdf:Description></rdf:RDF></x:xmpmeta>"
)


def open_image(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def mean_difference(a: Image.Image, b: Image.Image) -> float:
    diff = ImageChops.difference(a.convert("RGB"), b.convert("RGB"))
    return sum(ImageStat.Stat(diff).mean) / 3


def kinds(info: ImageInfo) -> set[str]:
    return {c.kind for c in info.privacy}


def concern(info: ImageInfo, kind: str, label: str | None = None) -> ExifConcern:
    found = [c for c in info.privacy if c.kind == kind and (label is None or c.label == label)]
    assert found, f"no {kind} concern in {info.privacy}"
    return found[0]


def has_japanese(text: str) -> bool:
    return any("\u3040" <= ch <= "\u30ff" or "\u4e00" <= ch <= "\u9fff" for ch in text)


@pytest.fixture(scope="module")
def phone_jpeg() -> bytes:
    return encode(gradient(), "JPEG", exif=camera_exif(), quality=95)


@pytest.fixture(scope="module")
def rotated_jpeg() -> bytes:
    """Stored landscape 96×64, EXIF orientation 6: displayed as portrait 64×96."""
    return encode(gradient(), "JPEG", exif=camera_exif(orientation=6), quality=95)


@pytest.fixture(scope="module")
def clean_png() -> bytes:
    return encode(gradient(), "PNG")


# ----------------------------------------------------------------------------------------------------------------
# inspect_image: what a file reveals


def test_gps_is_detected_and_written_in_degrees(phone_jpeg: bytes) -> None:
    gps = concern(inspect_image(phone_jpeg), "gps")
    assert gps.label == "撮影場所(GPS)"
    assert gps.detail == "北緯34.4270° 東経132.7430°"  # degrees, never raw (34, 25, 37.2) rational tuples


@pytest.mark.parametrize(
    ("lat", "lat_ref", "lon", "lon_ref", "expected"),
    [
        (33.8688, "S", 151.2093, "E", "南緯33.8688° 東経151.2093°"),
        (40.7128, "N", 74.0060, "W", "北緯40.7128° 西経74.0060°"),
        (22.9068, "S", 43.1729, "W", "南緯22.9068° 西経43.1729°"),
    ],
)
def test_gps_hemispheres(lat: float, lat_ref: str, lon: float, lon_ref: str, expected: str) -> None:
    exif = camera_exif(lat=lat, lat_ref=lat_ref, lon=lon, lon_ref=lon_ref)
    assert concern(inspect_image(encode(gradient(), "JPEG", exif=exif)), "gps").detail == expected


def test_gps_without_readable_coordinates_is_still_flagged() -> None:
    exif = Image.Exif()
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (IFDRational(34, 0), IFDRational(0, 1), IFDRational(0, 1))
    gps[ExifTags.GPS.GPSDateStamp] = "2024:05:01"
    detail = concern(inspect_image(encode(gradient(), "JPEG", exif=exif)), "gps").detail
    assert "読み取れません" in detail


def test_gps_version_alone_is_not_a_location() -> None:
    exif = Image.Exif()
    exif.get_ifd(ExifTags.IFD.GPSInfo)[ExifTags.GPS.GPSVersionID] = b"\x02\x03\x00\x00"
    assert "gps" not in kinds(inspect_image(encode(gradient(), "JPEG", exif=exif)))


def test_camera_date_and_artist_are_found(phone_jpeg: bytes) -> None:
    info = inspect_image(phone_jpeg)
    assert kinds(info) == {"gps", "datetime", "device", "owner", "software"}
    assert concern(info, "device", "撮影機器").detail == "Apple iPhone 15 Pro"
    assert concern(info, "datetime") == ExifConcern("datetime", "撮影日時", "2024年5月1日 10:23:45")
    assert concern(info, "owner").detail == "撮影者: Yamada Taro"
    assert concern(info, "software").detail == "17.4.1"
    assert info.has_privacy_concerns
    assert info.has_location
    for item in info.privacy:
        assert has_japanese(item.label)


@pytest.mark.parametrize("encoding", ["utf-8", "cp932"])
def test_japanese_names_in_exif_are_decoded(encoding: str) -> None:
    exif = camera_exif(artist="東広島 太郎".encode(encoding))
    assert concern(inspect_image(encode(gradient(), "JPEG", exif=exif)), "owner").detail == "撮影者: 東広島 太郎"


def test_serial_numbers_owner_and_copyright() -> None:
    exif = Image.Exif()
    exif[ExifTags.Base.Copyright] = "Higashihiroshima City"
    exif[ExifTags.Base.HostComputer] = "yamada-no-MacBook"
    sub = exif.get_ifd(ExifTags.IFD.Exif)
    sub[ExifTags.Base.BodySerialNumber] = "083012345"
    sub[ExifTags.Base.CameraOwnerName] = "Yamada"
    info = inspect_image(encode(gradient(), "JPEG", exif=exif))
    assert concern(info, "device", "機器のシリアル番号").detail == "本体: 083012345"
    assert concern(info, "device", "コンピューター名").detail == "yamada-no-MacBook"
    owner = concern(info, "owner").detail
    assert "著作権者: Higashihiroshima City" in owner
    assert "カメラ所有者: Yamada" in owner


def test_clean_png_has_no_concerns(clean_png: bytes) -> None:
    info = inspect_image(clean_png)
    assert info.privacy == ()
    assert not info.has_privacy_concerns
    assert (info.format, info.width, info.height, info.frame_count) == ("PNG", 96, 64, 1)
    assert info.byte_size == len(clean_png)
    assert info.sha256 == hashlib.sha256(clean_png).hexdigest()


def test_harmless_exif_is_not_a_concern() -> None:
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 1
    exif[ExifTags.Base.XResolution] = IFDRational(72, 1)
    exif.get_ifd(ExifTags.IFD.Exif)[ExifTags.Base.ExposureTime] = IFDRational(1, 60)
    assert inspect_image(encode(gradient(), "JPEG", exif=exif)).privacy == ()


def test_embedded_exif_thumbnail_is_flagged() -> None:
    data = encode(gradient(), "JPEG", exif=exif_with_thumbnail())
    info = inspect_image(data)
    assert "トリミング" in concern(info, "thumbnail").detail
    assert concern(info, "device").detail == "Canon"
    assert inspect_image(strip_metadata(data)).privacy == ()


def test_png_text_exif_and_xmp_are_read() -> None:
    text = PngInfo()
    text.add_text("Author", "Hanako")
    text.add_text("Comment", "internal memo")
    text.add_itxt("XML:com.adobe.xmp", XMP)
    exif = Image.Exif()
    exif[ExifTags.Base.Model] = "Pixel 8"
    info = inspect_image(encode(gradient(), "PNG", pnginfo=text, exif=exif))
    assert concern(info, "gps").detail == "北緯34.4270° 東経132.7430°"
    assert concern(info, "location").detail == "東広島市"
    assert concern(info, "device").detail == "Pixel 8"
    assert concern(info, "owner").detail == "作成者: 鈴木一郎 / 作成者: Hanako"
    assert concern(info, "software").detail == "Adobe Photoshop"
    assert "Comment" in concern(info, "metadata").detail


def test_jpeg_xmp_and_iptc_are_read() -> None:
    jpeg = encode(gradient(), "JPEG", xmp=XMP.encode())
    data = with_iptc(jpeg, {80: "山田 花子".encode(), 90: b"Higashihiroshima", 55: b"20240501"})
    info = inspect_image(data)
    assert concern(info, "gps").detail.startswith("北緯34.4270°")
    assert concern(info, "location").detail == "東広島市、Higashihiroshima"
    assert "撮影者: 山田 花子" in concern(info, "owner").detail
    assert concern(info, "datetime").detail == "2024年5月1日"
    assert "IPTC" in concern(info, "metadata").detail
    assert inspect_image(strip_metadata(data)).privacy == ()


def test_inspect_reports_displayed_orientation(rotated_jpeg: bytes) -> None:
    info = inspect_image(rotated_jpeg)
    assert (info.width, info.height) == (64, 96)
    assert info.format == "JPEG"


def test_mpo_secondary_pictures_are_flagged_and_dropped() -> None:
    second = Image.new("RGB", (96, 64), "blue")
    data = encode(gradient(), "MPO", save_all=True, append_images=[second])
    info = inspect_image(data)
    assert info.format == "JPEG"
    assert "MPO" in concern(info, "thumbnail").detail
    stripped = strip_metadata(data)
    assert open_image(stripped).format == "JPEG"
    assert inspect_image(stripped).privacy == ()


# ----------------------------------------------------------------------------------------------------------------
# strip_metadata


def test_strip_removes_every_concern_and_keeps_the_picture(phone_jpeg: bytes) -> None:
    stripped = strip_metadata(phone_jpeg)
    info = inspect_image(stripped)
    assert info.privacy == ()
    assert (info.format, info.width, info.height) == ("JPEG", 96, 64)
    after = open_image(stripped)
    assert not after.getexif()
    assert b"Exif" not in stripped
    assert b"Apple" not in stripped and b"Yamada" not in stripped
    assert mean_difference(open_image(phone_jpeg), after) < 2.0


def test_strip_applies_orientation_before_dropping_exif(rotated_jpeg: bytes) -> None:
    original = open_image(rotated_jpeg)
    stripped = open_image(strip_metadata(rotated_jpeg))
    assert stripped.size == (64, 96)
    assert stripped.getexif().get(ExifTags.Base.Orientation) is None
    assert mean_difference(ImageOps.exif_transpose(original), stripped) < 2.0
    # The white marker stays in the displayed top-left corner... after rotating by 270° it is top-right.
    assert stripped.getpixel((60, 3)) == pytest.approx((250, 250, 250), abs=8)


def test_strip_keeps_jpeg_quality_subsampling_and_icc() -> None:
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    data = encode(gradient(), "JPEG", exif=camera_exif(), icc_profile=icc, subsampling=0, quality=95)
    stripped = strip_metadata(data)
    after = open_image(stripped)
    assert isinstance(after, JpegImagePlugin.JpegImageFile)
    assert JpegImagePlugin.get_sampling(after) == 0
    assert after.info.get("icc_profile") == icc
    assert mean_difference(open_image(data), after) < 1.5


def test_strip_png_is_lossless_and_keeps_transparency() -> None:
    text = PngInfo()
    text.add_text("Author", "Hanako")
    rgba = gradient(mode="RGBA")
    rgba.putalpha(Image.linear_gradient("L").resize(rgba.size))
    data = encode(rgba, "PNG", pnginfo=text, exif=camera_exif())
    stripped = strip_metadata(data)
    after = open_image(stripped)
    assert inspect_image(stripped).privacy == ()
    assert after.mode == "RGBA"
    assert ImageChops.difference(open_image(data), after).getbbox() is None
    assert "Author" not in after.info and "exif" not in after.info


def test_strip_palette_png_keeps_transparency_index() -> None:
    image = gradient().quantize(16)
    data = encode(image, "PNG", transparency=3, exif=camera_exif())
    after = open_image(strip_metadata(data))
    assert after.mode == "P"
    assert after.info.get("transparency") == 3
    assert after.tobytes() == image.tobytes()


def test_strip_webp_lossless_stays_lossless() -> None:
    data = encode(gradient(), "WEBP", lossless=True, exif=camera_exif().tobytes(), xmp=XMP.encode())
    assert kinds(inspect_image(data)) >= {"gps", "owner", "device"}
    stripped = strip_metadata(data)
    assert inspect_image(stripped).privacy == ()
    assert ImageChops.difference(open_image(data).convert("RGB"), open_image(stripped).convert("RGB")).getbbox() is None


def test_strip_lossy_webp() -> None:
    data = encode(gradient(), "WEBP", quality=90, exif=camera_exif(orientation=6).tobytes())
    stripped = strip_metadata(data)
    info = inspect_image(stripped)
    assert (info.format, info.width, info.height, info.privacy) == ("WEBP", 64, 96, ())


def test_strip_keeps_animation_frames_and_timing() -> None:
    frames = [Image.new("RGB", (40, 20), colour) for colour in ("red", "lime", "blue")]
    data = encode(frames[0], "GIF", save_all=True, append_images=frames[1:], duration=[100, 200, 300], loop=0)
    stripped = strip_metadata(data)
    info = inspect_image(stripped)
    assert (info.format, info.frame_count) == ("GIF", 3)
    after = Image.open(io.BytesIO(stripped))
    assert after.info.get("loop") == 0
    for index, frame in enumerate(ImageSequence.Iterator(after)):
        frame.load()
        assert ImageChops.difference(frame.convert("RGB"), frames[index]).getbbox() is None
        assert frame.info["duration"] == [100, 200, 300][index]
    assert index == 2


@pytest.mark.parametrize("loop", [None, 0, 2])
def test_strip_keeps_gif_looping(loop: int | None) -> None:
    frames = [Image.new("RGB", (8, 8), colour) for colour in ("red", "blue")]
    params: dict[str, object] = {} if loop is None else {"loop": loop}
    data = encode(frames[0], "GIF", save_all=True, append_images=frames[1:], duration=100, **params)
    assert Image.open(io.BytesIO(strip_metadata(data))).info.get("loop") == loop


def test_strip_apng_keeps_frames() -> None:
    frames = [gradient((30, 20), "RGBA"), gradient((30, 20), "RGBA").transpose(Image.Transpose.ROTATE_180)]
    text = PngInfo()
    text.add_text("Author", "Hanako")
    data = encode(frames[0], "PNG", save_all=True, append_images=frames[1:], duration=[50, 80], pnginfo=text)
    assert "owner" in kinds(inspect_image(data))
    stripped = strip_metadata(data)
    assert inspect_image(stripped).frame_count == 2
    assert inspect_image(stripped).privacy == ()


def test_strip_is_deterministic(phone_jpeg: bytes) -> None:
    assert strip_metadata(phone_jpeg) == strip_metadata(phone_jpeg)


# ----------------------------------------------------------------------------------------------------------------
# make_thumbnail


def test_thumbnail_fits_max_side_and_honours_orientation(rotated_jpeg: bytes) -> None:
    thumb = open_image(make_thumbnail(rotated_jpeg, max_side=48))
    assert thumb.format == "PNG"
    assert thumb.size == (32, 48)
    assert not thumb.getexif()


def test_thumbnail_default_and_no_enlargement(clean_png: bytes) -> None:
    big = encode(gradient((1200, 300)), "JPEG")
    assert open_image(make_thumbnail(big)).size == (256, 64)
    assert open_image(make_thumbnail(clean_png)).size == (96, 64)


def test_thumbnail_of_palette_and_cmyk_images() -> None:
    palette = encode(gradient().quantize(8), "GIF")
    cmyk = encode(gradient(mode="CMYK"), "JPEG")
    assert open_image(make_thumbnail(palette, 40)).mode in ("RGB", "RGBA")
    assert open_image(make_thumbnail(cmyk, 40)).mode == "RGB"


def test_thumbnail_rejects_nonpositive_size(clean_png: bytes) -> None:
    with pytest.raises(ValueError, match="max_side"):
        make_thumbnail(clean_png, 0)


# ----------------------------------------------------------------------------------------------------------------
# errors


Operation = Callable[[bytes], object]
OPERATIONS: list[Operation] = [inspect_image, strip_metadata, make_thumbnail]


def assert_japanese_error(data: bytes, *fragments: str) -> str:
    for operation in OPERATIONS:
        with pytest.raises(AttachmentError) as caught:
            operation(data)
        message = str(caught.value)
        assert message == caught.value.message
        assert has_japanese(message)
        for fragment in fragments:
            assert fragment in message
    return message


def test_empty_input() -> None:
    assert_japanese_error(b"", "空")


def test_random_bytes() -> None:
    assert_japanese_error(bytes(range(256)) * 8, "画像ファイルとして読み込めません")


def test_truncated_jpeg(phone_jpeg: bytes) -> None:
    assert_japanese_error(phone_jpeg[: len(phone_jpeg) * 2 // 3], "JPEG", "途中で切れて")


def test_truncated_png(clean_png: bytes) -> None:
    assert_japanese_error(clean_png[: len(clean_png) // 2], "PNG", "壊れて")


def test_unsupported_formats_are_named() -> None:
    assert_japanese_error(encode(gradient(), "BMP"), "BMP形式には対応していません")
    assert_japanese_error(encode(gradient(), "TIFF"), "TIFF形式")
    assert_japanese_error(b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + bytes(64), "HEIC")


def test_file_over_50_megabytes() -> None:
    assert attachments.MAX_FILE_BYTES == 50 * 1024 * 1024
    assert_japanese_error(bytes(attachments.MAX_FILE_BYTES + 1), "ファイルサイズが大きすぎます", "50MB以下")


def test_file_size_limit_is_read_at_call_time(monkeypatch: pytest.MonkeyPatch, phone_jpeg: bytes) -> None:
    monkeypatch.setattr(attachments, "MAX_FILE_BYTES", 1024 * 1024 // 2)
    inspect_image(phone_jpeg)
    monkeypatch.setattr(attachments, "MAX_FILE_BYTES", 1000)
    assert_japanese_error(phone_jpeg, "ファイルサイズが大きすぎます")


def test_huge_dimension_header_is_refused_without_decoding() -> None:
    # 400 megapixels: beyond Pillow's own hard limit as well as ours; nothing is allocated.
    assert_japanese_error(png_header_only(20_000, 20_000), "画素数が大きすぎます", "1億画素")


def test_image_just_over_our_limit_gives_dimensions_and_no_warning() -> None:
    # 108 megapixels: above Pillow's warning threshold (89 MP) and our 100 MP limit. With -W error a leaked
    # DecompressionBombWarning would fail this test.
    assert_japanese_error(png_header_only(12_000, 9_000), "12000×9000", "1.1億画素")


def test_pixel_limit_is_read_at_call_time(monkeypatch: pytest.MonkeyPatch, phone_jpeg: bytes) -> None:
    monkeypatch.setattr(attachments, "MAX_PIXELS", 96 * 64 - 1)
    assert_japanese_error(phone_jpeg, "96×64", "画素数が大きすぎます")


def test_animation_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    frames = [Image.new("RGB", (40, 20), colour) for colour in ("red", "lime", "blue")]
    data = encode(frames[0], "GIF", save_all=True, append_images=frames[1:])
    monkeypatch.setattr(attachments, "MAX_ANIMATION_PIXELS", 40 * 20 * 2)
    for operation in (inspect_image, strip_metadata):
        with pytest.raises(AttachmentError, match="3コマ"):
            operation(data)


def test_not_bytes_is_a_type_error() -> None:
    with pytest.raises(TypeError):
        inspect_image("photo.jpg")  # type: ignore[arg-type]


def test_error_is_a_user_error_with_its_japanese_message() -> None:
    error = AttachmentError("画像を読めません")
    assert isinstance(error, UserError)
    assert error.message == str(error) == "画像を読めません"
