"""Reading synthetic Facebook and Instagram exports (all posts made up for these tests)."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import tarfile
import zipfile
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest

from sns_desk.core.archive import meta_export
from sns_desk.core.archive.errors import ArchiveError
from sns_desk.core.archive.meta_export import (
    FacebookExport,
    InstagramExport,
    looks_like_facebook,
    looks_like_instagram,
    read_facebook_export,
    read_instagram_export,
)
from sns_desk.core.archive.model import ArchivedPost, MediaRef
from sns_desk.core.archive.mojibake import loads_meta_json, repair_mojibake, repair_strings
from sns_desk.core.archive.sources import ArchiveSource, open_source

JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")
JPEG = b"\xff\xd8\xff\xe0fake-jpeg-bytes"
JPEG_2 = b"\xff\xd8\xff\xe0other-jpeg-bytes"
MP4 = b"\x00\x00\x00\x18ftypmp42fake-video"
ID_RE = re.compile(r"(fb|ig)-[0-9a-f]{16}")


# --------------------------------------------------------------------------------------------------------------
# Writing exports the way Meta does


def mangle(value: Any) -> Any:
    """What Meta does to text: every UTF-8 byte becomes its own code point."""
    if isinstance(value, str):
        return value.encode("utf-8").decode("latin-1")
    if isinstance(value, list):
        return [mangle(item) for item in value]
    if isinstance(value, dict):
        return {mangle(key): mangle(item) for key, item in value.items()}
    return value


def meta_json(value: Any) -> bytes:
    """JSON as Meta writes it: mojibake, escaped to ASCII (``\\u00e6\\u009d\\u00b1``), indented."""
    return json.dumps(mangle(value), indent=2).encode("ascii")


def write_zip(path: Path, files: Mapping[str, bytes], top: str = "") -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(top + name, data)
    return path


def write_dir(path: Path, files: Mapping[str, bytes]) -> Path:
    for name, data in files.items():
        target = path / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    return path


def write_tar(path: Path, files: Mapping[str, bytes]) -> Path:
    with tarfile.open(path, "w:gz") as archive:
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return path


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, second, tzinfo=dt.UTC)


def stamp(year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0) -> int:
    return int(utc(year, month, day, hour, minute, second).timestamp())


def read_fb(path: Path) -> tuple[FacebookExport, list[ArchivedPost]]:
    reader = read_facebook_export(open_source(path))
    return reader, list(reader.posts())


def read_ig(path: Path) -> tuple[InstagramExport, list[ArchivedPost]]:
    reader = read_instagram_export(open_source(path))
    return reader, list(reader.posts())


def fb_error(path: Path) -> str:
    source = open_source(path)
    try:
        with pytest.raises(ArchiveError) as excinfo:
            read_facebook_export(source)
    finally:
        source.close()
    message = str(excinfo.value)
    assert JAPANESE.search(message), message
    assert excinfo.value.message == message
    return message


def ig_error(path: Path) -> str:
    source = open_source(path)
    try:
        with pytest.raises(ArchiveError) as excinfo:
            read_instagram_export(source)
    finally:
        source.close()
    message = str(excinfo.value)
    assert JAPANESE.search(message), message
    return message


# --------------------------------------------------------------------------------------------------------------
# Facebook fixtures

FB_DIR = "your_facebook_activity/posts/"
FB_POSTS = FB_DIR + "your_posts__check_ins__photos_and_videos_1.json"
FB_POSTS_2 = FB_DIR + "your_posts__check_ins__photos_and_videos_2.json"
FB_PHOTO_1 = FB_DIR + "media/Photos_111/1001_n.jpg"
FB_PHOTO_2 = FB_DIR + "media/Photos_111/1002_n.jpg"
FB_PROFILE_PIC = FB_DIR + "media/ProfilePictures_222/2001_n.jpg"
FB_VIDEO = FB_DIR + "media/Videos_333/3001_n.mp4"

STATUS_TEXT = "東広島市からのお知らせ 🌸 café の営業時間が変わります"


def fb_posts(prefix: str = FB_DIR) -> list[dict[str, Any]]:
    """Posts as the newer export writes them; media uris start with ``prefix``."""
    return [
        {
            "timestamp": stamp(2024, 4, 1, 0, 0, 0),
            "data": [{"post": STATUS_TEXT}, {"update_timestamp": stamp(2024, 4, 1, 0, 5, 0)}],
            "title": "東広島市 updated their status.",
        },
        {
            "timestamp": stamp(2024, 4, 2, 3, 0, 0),
            "attachments": [
                {
                    "data": [
                        {"media": {"uri": prefix + "media/Photos_111/1001_n.jpg", "description": "桜の写真"}},
                        {"media": {"uri": prefix + "media/Photos_111/1002_n.jpg", "description": "桜の写真"}},
                    ]
                }
            ],
            "data": [{"post": "西条の桜が満開です"}],
            "title": "東広島市 added 2 new photos.",
        },
        {
            "timestamp": stamp(2024, 4, 3, 3, 0, 0),
            "attachments": [
                {"data": [{"external_context": {"url": "https://www.city.example.jp/news/1", "name": "お知らせ"}}]}
            ],
            "data": [{"post": "詳しくは市のサイトをご覧ください"}],
            "title": "東広島市 shared a link.",
        },
        {
            "timestamp": stamp(2024, 4, 4, 3, 0, 0),
            "attachments": [{"data": [{"external_context": {"url": "https://www.city.example.jp/news/2"}}]}],
            "data": [{"post": "申込はこちら https://www.city.example.jp/news/2"}],
        },
        {
            "timestamp": stamp(2024, 4, 5, 3, 0, 0),
            "attachments": [{"data": [{"media": {"uri": prefix + "media/ProfilePictures_222/2001_n.jpg"}}]}],
            "title": "東広島市 updated their profile picture.",
        },
        {"timestamp": stamp(2024, 4, 6, 3, 0, 0), "title": "東広島市 updated their cover photo."},
        {
            "timestamp": stamp(2024, 4, 1, 0, 0, 0),
            "data": [{"post": STATUS_TEXT}],
            "title": "東広島市 updated their status.",
        },
        {
            "timestamp": stamp(2024, 4, 7, 3, 0, 0),
            "attachments": [
                {
                    "data": [
                        {"media": {"uri": "https://scontent.example.net/v/abc.jpg?oh=1&oe=2"}},
                        {"media": {"uri": prefix + "media/Videos_333/3001_n.mp4", "description": "動画で紹介"}},
                    ]
                }
            ],
            "title": "東広島市 shared a video.",
        },
    ]


def fb_files(prefix: str = FB_DIR, posts_name: str = FB_POSTS) -> dict[str, bytes]:
    return {
        posts_name: meta_json(fb_posts(prefix)),
        FB_POSTS_2: meta_json([{"timestamp": stamp(2023, 1, 1, 0, 0, 0), "data": [{"post": "明けましておめでとう"}]}]),
        FB_PHOTO_1: JPEG,
        FB_PHOTO_2: JPEG_2,
        FB_PROFILE_PIC: JPEG,
        FB_VIDEO: MP4,
        "personal_information/profile_information/profile_information.json": meta_json(
            {"profile_v2": {"name": {"full_name": "東広島市", "first_name": "東広島市"}, "username": "city.example"}}
        ),
    }


@pytest.fixture
def fb_zip(tmp_path: Path) -> Path:
    return write_zip(tmp_path / "facebook-city-2024.zip", fb_files())


# --------------------------------------------------------------------------------------------------------------
# Mojibake


def test_repairs_meta_mojibake() -> None:
    assert repair_mojibake("\u00e6\u009d\u00b1\u00e5\u00ba\u0083\u00e5\u00b3\u00b6") == "東広島"
    assert repair_mojibake("東広島".encode().decode("latin-1")) == "東広島"


def test_repairs_emoji_written_as_four_bytes() -> None:
    mangled = "🌸".encode().decode("latin-1")
    assert len(mangled) == 4
    assert repair_mojibake(mangled) == "🌸"
    assert loads_meta_json('"\\u00f0\\u009f\\u008c\\u00b8 \\u00e6\\u009d\\u00b1"') == "🌸 東"


@pytest.mark.parametrize("text", ["café", "naïve Zürich", "東広島", "🌸 はなまつり", "plain ascii", "", "Ã"])
def test_leaves_real_latin1_and_correct_text_alone(text: str) -> None:
    assert repair_mojibake(text) == text


def test_repairs_keys_and_nested_lists() -> None:
    document = json.dumps(mangle({"名前": ["東広島", ["西条", {"酒": "賀茂鶴"}]], "n": 1, "ok": True, "x": None}))
    assert loads_meta_json(document) == {"名前": ["東広島", ["西条", {"酒": "賀茂鶴"}]], "n": 1, "ok": True, "x": None}
    assert loads_meta_json(json.dumps(mangle(["東", "café"]))) == ["東", "café"]
    assert repair_strings(mangle({"名前": ["東広島", {"酒": 1.5}]})) == {"名前": ["東広島", {"酒": 1.5}]}


def test_decoded_text_is_repaired_and_latin1_kept(fb_zip: Path) -> None:
    _reader, posts = read_fb(fb_zip)
    assert posts[0].text == STATUS_TEXT


# --------------------------------------------------------------------------------------------------------------
# Facebook


def test_facebook_posts(fb_zip: Path) -> None:
    reader, posts = read_fb(fb_zip)
    with reader:
        assert reader.platform == "facebook"
        assert reader.account == "東広島市"
        assert reader.total == len(posts) == 7
        texts = [post.text for post in posts]
        assert texts == [
            STATUS_TEXT,
            "西条の桜が満開です",
            "詳しくは市のサイトをご覧ください\nhttps://www.city.example.jp/news/1",
            "申込はこちら https://www.city.example.jp/news/2",
            "",
            "動画で紹介",
            "明けましておめでとう",
        ]
        for post in posts:
            assert post.platform == "facebook"
            assert post.source == "facebook-export"
            assert post.account == "東広島市"
            assert post.url == ""
            assert ID_RE.fullmatch(post.platform_id)
            assert post.posted_at.tzinfo is not None
        assert posts[0].posted_at == utc(2024, 4, 1, 0, 0, 0)
        assert posts[1].posted_at == utc(2024, 4, 2, 3, 0, 0)
        assert posts[-1].posted_at == utc(2023, 1, 1, 0, 0, 0)
        assert [ref.path_in_archive for ref in posts[1].media] == [FB_PHOTO_1, FB_PHOTO_2]
        assert [ref.name for ref in posts[1].media] == ["1001_n.jpg", "1002_n.jpg"]
        assert [ref.path_in_archive for ref in posts[4].media] == [FB_PROFILE_PIC]
        assert [ref.path_in_archive for ref in posts[5].media] == [FB_VIDEO]  # the external picture is skipped
        assert len({post.platform_id for post in posts}) == len(posts)


def test_facebook_media_bytes(fb_zip: Path) -> None:
    reader, posts = read_fb(fb_zip)
    with reader:
        assert reader.media_bytes(posts[1].media[0]) == JPEG
        assert reader.media_bytes(posts[1].media[1]) == JPEG_2
        assert reader.media_bytes(posts[5].media[0]) == MP4
        with pytest.raises(ArchiveError) as excinfo:
            reader.media_bytes(MediaRef(name="profile_information.json", path_in_archive=FB_POSTS))
        assert JAPANESE.search(str(excinfo.value))


def test_facebook_ids_are_stable(tmp_path: Path, fb_zip: Path) -> None:
    first_reader, first = read_fb(fb_zip)
    with first_reader:
        again = list(first_reader.posts())
    second_reader, second = read_fb(fb_zip)
    second_reader.close()
    rezipped = write_zip(tmp_path / "rezipped.zip", fb_files(), top="Facebook export 2024/")
    third_reader, third = read_fb(rezipped)
    with third_reader:
        assert third_reader.account == "東広島市"
        assert third_reader.media_bytes(third[1].media[0]) == JPEG
        assert third[1].media[0].path_in_archive == "Facebook export 2024/" + FB_PHOTO_1
    folder_reader, from_folder = read_fb(write_dir(tmp_path / "extracted", fb_files()))
    folder_reader.close()
    tar_reader, from_tar = read_fb(write_tar(tmp_path / "facebook.tar.gz", fb_files()))
    tar_reader.close()
    ids = [post.platform_id for post in first]
    for other in (again, second, third, from_folder, from_tar):
        assert [post.platform_id for post in other] == ids
        assert [post.text for post in other] == [post.text for post in first]


def test_facebook_id_survives_a_moved_media_folder(tmp_path: Path) -> None:
    # An older export puts the same photo under posts/media/, a newer one under your_facebook_activity/.
    old_files = {"posts/your_posts_1.json": meta_json(fb_posts("posts/"))} | {
        name.removeprefix("your_facebook_activity/"): data for name, data in fb_files().items() if "/media/" in name
    }
    old_reader, old = read_fb(write_zip(tmp_path / "old.zip", old_files))
    old_reader.close()
    new_reader, new = read_fb(write_zip(tmp_path / "new.zip", {FB_POSTS: fb_files()[FB_POSTS]} | fb_files()))
    new_reader.close()
    assert [post.platform_id for post in old] == [post.platform_id for post in new[: len(old)]]


FB_VARIANTS = [
    ("posts/your_posts_1.json", "posts/"),
    ("your_activity_across_facebook/posts/your_posts__1.json", "your_activity_across_facebook/posts/"),
    ("your_activity_across_facebook/posts/your_posts_1.json", "your_activity_across_facebook/posts/"),
    ("your_facebook_activity/posts/your_posts_1.json", "your_facebook_activity/posts/"),
    (FB_POSTS, FB_DIR),
    (
        "this_profile's_activity_across_facebook/posts/profile_posts_1.json",
        "this_profile's_activity_across_facebook/posts/",
    ),
    ("posts/your_posts.json", "posts/"),
]


@pytest.mark.parametrize(("posts_name", "prefix"), FB_VARIANTS)
@pytest.mark.parametrize("top", ["", "download/"])
def test_facebook_layouts(tmp_path: Path, posts_name: str, prefix: str, top: str) -> None:
    media_dir = prefix + "media/Photos_111/"
    files = {
        posts_name: meta_json(fb_posts(prefix)[:2]),
        media_dir + "1001_n.jpg": JPEG,
        media_dir + "1002_n.jpg": JPEG_2,
    }
    path = write_zip(tmp_path / "fb.zip", files, top=top)
    source = open_source(path)
    assert looks_like_facebook(source)
    assert not looks_like_instagram(source)
    reader = read_facebook_export(source)
    with reader:
        posts = list(reader.posts())
        assert [post.text for post in posts] == [STATUS_TEXT, "西条の桜が満開です"]
        assert reader.account == ""
        assert [ref.path_in_archive for ref in posts[1].media] == [
            top + media_dir + "1001_n.jpg",
            top + media_dir + "1002_n.jpg",
        ]
        assert reader.media_bytes(posts[1].media[1]) == JPEG_2


@pytest.mark.parametrize("key", ["status_updates_v2", "status_updates"])
def test_facebook_old_object_shape(tmp_path: Path, key: str) -> None:
    files = {"posts/your_posts.json": meta_json({key: fb_posts("posts/")[:1]})}
    reader, posts = read_fb(write_zip(tmp_path / "old.zip", files))
    with reader:
        assert [post.text for post in posts] == [STATUS_TEXT]
        assert reader.total == 1


def test_facebook_parts_in_numeric_order(tmp_path: Path) -> None:
    files = {
        f"posts/your_posts_{n}.json": meta_json(
            [{"timestamp": stamp(2024, 1, n, 0, 0, 0), "data": [{"post": f"第{n}部"}]}]
        )
        for n in (10, 2, 1)
    }
    reader, posts = read_fb(write_zip(tmp_path / "parts.zip", files))
    with reader:
        assert [post.text for post in posts] == ["第1部", "第2部", "第10部"]
        assert reader.parts == ("posts/your_posts_1.json", "posts/your_posts_2.json", "posts/your_posts_10.json")


@pytest.mark.parametrize(
    ("uri", "stored"),
    [
        ("posts/media/Photos_111/1001_n.jpg", "your_facebook_activity/posts/media/Photos_111/1001_n.jpg"),
        ("your_facebook_activity/posts/media/Photos_111/1001_n.jpg", "posts/media/Photos_111/1001_n.jpg"),
        ("your_facebook_activity/posts/media/Photos_111/1001_n.jpg", "elsewhere/posts/media/Photos_111/1001_n.jpg"),
        ("./posts\\media\\Photos_111\\1001_n.jpg", "posts/media/Photos_111/1001_n.jpg"),
    ],
)
def test_facebook_media_with_a_different_leading_folder(tmp_path: Path, uri: str, stored: str) -> None:
    files = {
        FB_POSTS: meta_json([{"timestamp": 1, "attachments": [{"data": [{"media": {"uri": uri}}]}]}]),
        stored: JPEG,
    }
    reader, posts = read_fb(write_zip(tmp_path / "moved.zip", files))
    with reader:
        assert [ref.path_in_archive for ref in posts[0].media] == [stored]
        assert reader.media_bytes(posts[0].media[0]) == JPEG


def test_facebook_media_prefers_the_same_export(tmp_path: Path) -> None:
    files = {
        "b/" + FB_POSTS: meta_json([{"timestamp": 1, "attachments": [{"data": [{"media": {"uri": "x/y/1.jpg"}}]}]}]),
        "a/z/x/y/1.jpg": JPEG,
        "b/z/x/y/1.jpg": JPEG_2,
    }
    reader, posts = read_fb(write_zip(tmp_path / "two.zip", files))
    with reader:
        assert reader.media_bytes(posts[0].media[0]) == JPEG_2


def test_facebook_media_file_name_alone_is_not_enough(tmp_path: Path) -> None:
    files = {
        FB_POSTS: meta_json([{"timestamp": 1, "attachments": [{"data": [{"media": {"uri": "posts/media/A/1.jpg"}}]}]}]),
        "unrelated/B/1.jpg": JPEG,
    }
    assert "1.jpg" in fb_error(write_zip(tmp_path / "wrong.zip", files))


def test_facebook_photo_words_from_descriptions(tmp_path: Path) -> None:
    post = {
        "timestamp": 5,
        "attachments": [
            {
                "data": [
                    {"media": {"uri": "posts/media/A/1.jpg", "description": "酒蔵通り"}},
                    {"media": {"uri": "posts/media/A/2.jpg", "description": "酒蔵通り"}},
                    {"media": {"uri": "posts/media/A/3.jpg", "description": "酒まつり"}},
                ]
            }
        ],
    }
    files = {"posts/your_posts_1.json": meta_json([post])} | {f"posts/media/A/{n}.jpg": JPEG for n in (1, 2, 3)}
    reader, posts = read_fb(write_zip(tmp_path / "desc.zip", files))
    with reader:
        assert posts[0].text == "酒蔵通り\n酒まつり"
        assert len(posts[0].media) == 3


def test_facebook_text_from_several_data_entries_and_link_only(tmp_path: Path) -> None:
    items = [
        {"timestamp": 1, "data": [{"post": "一行目"}, {"post": "二行目"}, {"post": "  "}]},
        {"timestamp": 2, "attachments": [{"data": [{"external_context": {"url": "https://example.jp/a"}}]}]},
    ]
    reader, posts = read_fb(write_zip(tmp_path / "text.zip", {"posts/your_posts_1.json": meta_json(items)}))
    with reader:
        assert [post.text for post in posts] == ["一行目\n二行目", "https://example.jp/a"]
        assert posts[0].posted_at == dt.datetime(1970, 1, 1, 0, 0, 1, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("profile_information/profile_information.json", {"profile_v2": {"name": {"full_name": "東広島市"}}}),
        (
            "personal_information/profile_information/profile_information.json",
            {"profile_v2": {"name": {"full_name": "東広島市"}}},
        ),
        ("profile_information/profile_information.json", {"profile": {"name": "東広島市"}}),
        (
            "logged_information/professional_dashboard/your_professional_dashboard_activity.json",
            {"prodash_activity": [{"page_name": "東広島市"}]},
        ),
    ],
)
def test_facebook_account(tmp_path: Path, name: str, content: Any) -> None:
    files = {"posts/your_posts_1.json": meta_json(fb_posts("posts/")[:1]), name: meta_json(content)}
    reader, posts = read_fb(write_zip(tmp_path / "account.zip", files))
    with reader:
        assert reader.account == "東広島市"
        assert posts[0].account == "東広島市"


def test_facebook_posts_stream_one_file_at_a_time(fb_zip: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    reader = read_facebook_export(open_source(fb_zip))
    loaded: list[str] = []
    real = meta_export.iter_items

    def counting(source: ArchiveSource, name: str, prefix: str, wording: Any) -> Iterator[Any]:
        loaded.append(name)
        return real(source, name, prefix, wording)

    monkeypatch.setattr(meta_export, "iter_items", counting)
    with reader:
        stream: Iterator[ArchivedPost] = reader.posts()
        next(stream)
        assert loaded == [FB_POSTS]
        rest = list(stream)
        assert loaded == [FB_POSTS, FB_POSTS_2]
        assert len(rest) == 6


# --------------------------------------------------------------------------------------------------------------
# Instagram fixtures

IG_POSTS = "your_instagram_activity/media/posts_1.json"
IG_PHOTO_A = "media/posts/202404/a1.jpg"
IG_PHOTO_B = "media/posts/202404/b1.jpg"
IG_PHOTO_C = "media/posts/202404/b2.heic"
IG_VIDEO = "media/posts/202405/v1.mp4"


def ig_posts() -> list[dict[str, Any]]:
    return [
        {
            "media": [
                {
                    "uri": IG_PHOTO_A,
                    "creation_timestamp": stamp(2024, 4, 10, 1, 0, 0),
                    "media_metadata": {"photo_metadata": {"exif_data": [{"latitude": 34.4}]}},
                    "title": "一枚だけの写真 📷 #東広島",
                    "cross_post_source": {"source_app": "FB"},
                }
            ]
        },
        {
            "media": [
                {"uri": IG_PHOTO_B, "creation_timestamp": stamp(2024, 4, 11, 1, 0, 0), "title": ""},
                {"uri": IG_PHOTO_C, "creation_timestamp": stamp(2024, 4, 11, 1, 0, 0), "title": ""},
            ],
            "title": "二枚の写真 🍶 酒まつり",
            "creation_timestamp": stamp(2024, 4, 11, 2, 0, 0),
        },
        {"media": [{"uri": IG_VIDEO, "creation_timestamp": stamp(2024, 5, 1, 9, 30, 0), "title": ""}]},
        {
            "media": [
                {
                    "uri": IG_PHOTO_A,
                    "creation_timestamp": stamp(2024, 4, 10, 1, 0, 0),
                    "title": "一枚だけの写真 📷 #東広島",
                }
            ]
        },
    ]


def ig_files(posts_name: str = IG_POSTS) -> dict[str, bytes]:
    return {
        posts_name: meta_json(ig_posts()),
        IG_PHOTO_A: JPEG,
        IG_PHOTO_B: JPEG_2,
        IG_PHOTO_C: JPEG,
        IG_VIDEO: MP4,
        "personal_information/personal_information/personal_information.json": meta_json(
            {
                "profile_user": [
                    {
                        "media_map_data": {},
                        "string_map_data": {
                            "Email": {"href": "", "value": "koho@example.jp", "timestamp": 0},
                            "Username": {"href": "", "value": "higashihiroshima_city", "timestamp": 0},
                            "Name": {"href": "", "value": "東広島市", "timestamp": 0},
                        },
                    }
                ]
            }
        ),
    }


@pytest.fixture
def ig_zip(tmp_path: Path) -> Path:
    return write_zip(tmp_path / "instagram-city-2024.zip", ig_files())


def test_instagram_posts(ig_zip: Path) -> None:
    reader, posts = read_ig(ig_zip)
    with reader:
        assert reader.platform == "instagram"
        assert reader.account == "higashihiroshima_city"
        assert reader.total == len(posts) == 3
        single, multi, video = posts
        assert single.text == "一枚だけの写真 📷 #東広島"
        assert single.posted_at == utc(2024, 4, 10, 1, 0, 0)
        assert [ref.path_in_archive for ref in single.media] == [IG_PHOTO_A]
        assert multi.text == "二枚の写真 🍶 酒まつり"
        assert multi.posted_at == utc(2024, 4, 11, 2, 0, 0)
        assert [ref.path_in_archive for ref in multi.media] == [IG_PHOTO_B, IG_PHOTO_C]
        assert video.text == ""
        assert video.posted_at == utc(2024, 5, 1, 9, 30, 0)
        for post in posts:
            assert post.platform == "instagram"
            assert post.source == "instagram-export"
            assert post.account == "higashihiroshima_city"
            assert post.url == ""
            assert post.platform_id.startswith("ig-")
            assert ID_RE.fullmatch(post.platform_id)
        assert reader.media_bytes(multi.media[0]) == JPEG_2
        assert reader.media_bytes(video.media[0]) == MP4


IG_VARIANTS = [
    "content/posts_1.json",
    "your_instagram_activity/content/posts_1.json",
    "your_instagram_activity/media/posts_1.json",
    "media/posts_1.json",
]


@pytest.mark.parametrize("posts_name", IG_VARIANTS)
@pytest.mark.parametrize("top", ["", "instagram-higashihiroshima_city-2024/"])
def test_instagram_layouts_and_stable_ids(tmp_path: Path, ig_zip: Path, posts_name: str, top: str) -> None:
    base_reader, base = read_ig(ig_zip)
    base_reader.close()
    path = write_zip(tmp_path / "ig.zip", ig_files(posts_name), top=top)
    source = open_source(path)
    assert looks_like_instagram(source)
    assert not looks_like_facebook(source)
    reader = read_instagram_export(source)
    with reader:
        posts = list(reader.posts())
        assert [post.platform_id for post in posts] == [post.platform_id for post in base]
        assert [post.text for post in posts] == [post.text for post in base]
        assert posts[0].media[0].path_in_archive == top + IG_PHOTO_A
        assert reader.media_bytes(posts[0].media[0]) == JPEG


def test_instagram_ids_stable_across_reads(ig_zip: Path, tmp_path: Path) -> None:
    reader, first = read_ig(ig_zip)
    with reader:
        assert [post.platform_id for post in reader.posts()] == [post.platform_id for post in first]
    folder_reader, folder = read_ig(write_dir(tmp_path / "extracted", ig_files()))
    folder_reader.close()
    assert [post.platform_id for post in folder] == [post.platform_id for post in first]


def test_instagram_account_from_older_file(tmp_path: Path) -> None:
    files = {
        "content/posts_1.json": meta_json(ig_posts()[:1]),
        IG_PHOTO_A: JPEG,
        "account_information/personal_information.json": meta_json(
            {"profile_user": [{"string_map_data": {"ユーザーネーム": {"value": "@city_koho"}}}]}
        ),
    }
    reader, _posts = read_ig(write_zip(tmp_path / "old.zip", files))
    with reader:
        assert reader.account == "city_koho"


def test_instagram_without_account_file(tmp_path: Path) -> None:
    files = {"content/posts_1.json": meta_json(ig_posts()[:1]), IG_PHOTO_A: JPEG}
    reader, posts = read_ig(write_zip(tmp_path / "noaccount.zip", files))
    with reader:
        assert reader.account == ""
        assert posts[0].account == ""


def test_instagram_parts_in_numeric_order(tmp_path: Path) -> None:
    def part(n: int) -> bytes:
        return meta_json(
            [{"media": [{"uri": f"media/posts/2024/{n}.jpg", "creation_timestamp": n, "title": f"{n}番"}]}]
        )

    files = {f"content/posts_{n}.json": part(n) for n in (11, 3, 1)} | {
        f"media/posts/2024/{n}.jpg": JPEG for n in (11, 3, 1)
    }
    reader, posts = read_ig(write_zip(tmp_path / "parts.zip", files))
    with reader:
        assert [post.text for post in posts] == ["1番", "3番", "11番"]


# --------------------------------------------------------------------------------------------------------------
# Detection


def test_detection(tmp_path: Path, fb_zip: Path, ig_zip: Path) -> None:
    other = write_zip(
        tmp_path / "other.zip", {"data/tweets.js": b"window.YTD.tweets.part0 = []", "posts/readme.txt": b""}
    )
    for path, facebook, instagram in ((fb_zip, True, False), (ig_zip, False, True), (other, False, False)):
        source = open_source(path)
        try:
            assert looks_like_facebook(source) is facebook
            assert looks_like_instagram(source) is instagram
        finally:
            source.close()


# --------------------------------------------------------------------------------------------------------------
# Bad input


def test_not_a_facebook_export(tmp_path: Path) -> None:
    message = fb_error(write_zip(tmp_path / "random.zip", {"readme.txt": b"hello"}))
    assert "Facebook のエクスポートではないようです" in message
    assert "random.zip" in message


def test_not_an_instagram_export(tmp_path: Path, fb_zip: Path) -> None:
    assert "Instagram のエクスポートではないようです" in ig_error(fb_zip)


def test_html_exports_are_explained(tmp_path: Path) -> None:
    assert "HTML" in fb_error(
        write_zip(tmp_path / "fb.zip", {FB_DIR + "your_posts__check_ins__photos_and_videos_1.html": b""})
    )
    assert "HTML" in ig_error(write_zip(tmp_path / "ig.zip", {"your_instagram_activity/media/posts_1.html": b""}))


def test_invalid_json_names_the_file_and_line(tmp_path: Path) -> None:
    broken = b'[\n  {\n    "timestamp": 1,\n    "data": [\n  oops\n]'
    message = fb_error(write_zip(tmp_path / "broken.zip", {"posts/your_posts_1.json": broken}))
    assert "posts/your_posts_1.json" in message
    assert "5 行目" in message
    message = ig_error(write_zip(tmp_path / "broken-ig.zip", {"content/posts_1.json": b"[{]"}))
    assert "content/posts_1.json" in message


def test_damaged_second_part_fails_before_any_post(tmp_path: Path) -> None:
    files = {"posts/your_posts_1.json": meta_json(fb_posts("posts/")[:1]), "posts/your_posts_2.json": b"[{"}
    assert "posts/your_posts_2.json" in fb_error(write_zip(tmp_path / "half.zip", files))


@pytest.mark.parametrize("encoding", ["cp932", "utf-16"])
def test_file_not_utf8(tmp_path: Path, encoding: str) -> None:
    data = json.dumps([{"timestamp": 1, "data": [{"post": "東広島市"}]}], ensure_ascii=False).encode(encoding)
    message = fb_error(write_zip(tmp_path / "enc.zip", {"posts/your_posts_1.json": data}))
    assert "UTF-8" in message
    assert "posts/your_posts_1.json" in message


@pytest.mark.parametrize(
    "content",
    [
        {"something_else": []},
        "just a string",
        [["not", "an", "object"]],
        [{"data": [{"post": "日時がない"}]}],
        [{"timestamp": "yesterday", "data": [{"post": "x"}]}],
        [{"timestamp": True, "data": [{"post": "x"}]}],
        [{"timestamp": 10**20, "data": [{"post": "x"}]}],
        [{"timestamp": 1, "data": {"post": "x"}}],
        [{"timestamp": 1, "data": [{"post": 42}]}],
        [{"timestamp": 1, "attachments": [{"data": [{"media": "posts/media/a.jpg"}]}]}],
        [{"timestamp": 1, "attachments": [{"data": [{"media": {"uri": 7}}]}]}],
        [{"timestamp": 1, "attachments": [{"data": [{"external_context": ["https://example.jp"]}]}]}],
        [{"timestamp": 1, "attachments": "none"}],
    ],
)
def test_facebook_wrong_shape(tmp_path: Path, content: Any) -> None:
    fb_error(write_zip(tmp_path / "shape.zip", {"posts/your_posts_1.json": meta_json(content)}))


@pytest.mark.parametrize(
    "content",
    [
        {"ig_posts": []},
        [{"media": "media/posts/a.jpg"}],
        [{"media": [{"uri": "media/posts/a.jpg", "title": "日時がない"}]}],
        [{"media": [{"uri": "media/posts/a.jpg", "creation_timestamp": 1, "title": ["x"]}]}],
        [{"media": [], "title": 5, "creation_timestamp": 1}],
    ],
)
def test_instagram_wrong_shape(tmp_path: Path, content: Any) -> None:
    files = {"content/posts_1.json": meta_json(content), "media/posts/a.jpg": JPEG}
    ig_error(write_zip(tmp_path / "shape.zip", files))


@pytest.mark.parametrize(
    "uri", ["../secret.jpg", "posts/../../secret.jpg", "/etc/passwd", "C:/Windows/win.ini", "..\\x.jpg"]
)
def test_unsafe_media_uri_is_refused(tmp_path: Path, uri: str) -> None:
    files = {
        "posts/your_posts_1.json": meta_json([{"timestamp": 1, "attachments": [{"data": [{"media": {"uri": uri}}]}]}])
    }
    message = fb_error(write_zip(tmp_path / "unsafe.zip", files))
    assert "外" in message
    ig_files_ = {"content/posts_1.json": meta_json([{"media": [{"uri": uri, "creation_timestamp": 1}]}])}
    assert "外" in ig_error(write_zip(tmp_path / "unsafe-ig.zip", ig_files_))


def test_unsafe_uri_in_a_folder_export(tmp_path: Path) -> None:
    (tmp_path / "secret.jpg").write_bytes(JPEG)
    export = write_dir(
        tmp_path / "export",
        {
            "posts/your_posts_1.json": meta_json(
                [{"timestamp": 1, "attachments": [{"data": [{"media": {"uri": "../secret.jpg"}}]}]}]
            )
        },
    )
    fb_error(export)


def test_missing_media_file(tmp_path: Path) -> None:
    files = fb_files()
    del files[FB_PHOTO_2]
    message = fb_error(write_zip(tmp_path / "missing.zip", files))
    assert "1002_n.jpg" in message
    assert FB_POSTS in message
    ig = ig_files()
    del ig[IG_VIDEO]
    assert "v1.mp4" in ig_error(write_zip(tmp_path / "missing-ig.zip", ig))


def test_broken_profile_file_is_reported(tmp_path: Path) -> None:
    files = {
        "posts/your_posts_1.json": meta_json(fb_posts("posts/")[:1]),
        "profile_information/profile_information.json": b"{",
    }
    assert "profile_information.json" in fb_error(write_zip(tmp_path / "profile.zip", files))


def test_odd_account_file_shape_is_ignored(tmp_path: Path) -> None:
    files = {
        "posts/your_posts_1.json": meta_json(fb_posts("posts/")[:1]),
        "profile_information/profile_information.json": b"[1, 2]",
    }
    reader, _posts = read_fb(write_zip(tmp_path / "profile.zip", files))
    with reader:
        assert reader.account == ""


def test_empty_export_has_no_posts(tmp_path: Path) -> None:
    reader, posts = read_fb(write_zip(tmp_path / "empty.zip", {"posts/your_posts_1.json": b"[]"}))
    with reader:
        assert posts == []
        assert reader.total == 0
