"""Reading synthetic Mastodon exports (all accounts and posts made up for these tests)."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import tarfile
import zipfile
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pytest

from sns_desk.core.archive.errors import ArchiveError
from sns_desk.core.archive.mastodon_export import (
    MastodonExport,
    html_to_text,
    looks_like_mastodon,
    read_mastodon_export,
    status_id,
)
from sns_desk.core.archive.model import ArchivedPost, MediaRef
from sns_desk.core.archive.sources import ArchiveSource, open_source

JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")
PNG = b"\x89PNG\r\n\x1a\nfake-mastodon-image"
JPG = b"\xff\xd8\xff\xe0fake-jpeg"
BASE = "https://social.example.jp/users/city"

MEDIA_PATH = "media_attachments/files/110/200/300/original/abc123.png"
MEDIA_PATH_2 = "media_attachments/files/110/200/301/original/def456.jpg"


def note_activity(status: str, content: str, published: str = "2025-04-01T00:30:00Z", **extra: Any) -> dict[str, Any]:
    note: dict[str, Any] = {
        "id": f"{BASE}/statuses/{status}",
        "type": "Note",
        "summary": None,
        "inReplyTo": None,
        "published": published,
        "url": f"https://social.example.jp/@city/{status}",
        "attributedTo": BASE,
        "content": content,
        "contentMap": {"ja": content},
        "attachment": [],
        **extra,
    }
    return {
        "id": f"{BASE}/statuses/{status}/activity",
        "type": "Create",
        "actor": BASE,
        "published": published,
        "object": note,
    }


def boost_activity(status: str, target: str, published: str = "2025-04-03T01:00:00Z") -> dict[str, Any]:
    return {
        "id": f"{BASE}/statuses/{status}/activity",
        "type": "Announce",
        "actor": BASE,
        "published": published,
        "to": ["https://www.w3.org/ns/activitystreams#Public"],
        "object": target,
    }


def outbox(items: list[Any]) -> bytes:
    data = {
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": "outbox.json",
        "type": "OrderedCollection",
        "totalItems": len(items),
        "orderedItems": items,
    }
    return json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8")


ACTOR = json.dumps(
    {"id": BASE, "type": "Person", "preferredUsername": "city", "url": "https://social.example.jp/@city"}
).encode()

ITEMS: list[Any] = [
    note_activity(
        "1001",
        "<p>桜まつり &amp; 花火大会のお知らせ</p><p>日時: 4月5日<br />場所: 中央公園</p>"
        '<p>詳細: <a href="https://www.city.example.jp/sakura" rel="nofollow noopener" target="_blank">'
        '<span class="invisible">https://www.</span><span class="ellipsis">city.example.jp/sak</span>'
        '<span class="invisible">ura</span></a> <a href="https://social.example.jp/tags/sakura" '
        'class="mention hashtag" rel="tag">#<span>sakura</span></a></p>',
        attachment=[
            {"type": "Document", "mediaType": "image/png", "url": "/" + MEDIA_PATH, "name": "桜の写真"},
            {
                "type": "Document",
                "mediaType": "image/jpeg",
                "url": "https://files.social.example.jp/" + MEDIA_PATH_2,
                "name": None,
            },
        ],
    ),
    note_activity(
        "1002",
        "<p>大雨の情報です</p>",
        published="2025-04-02T03:00:00.000Z",
        summary="災害情報",
        inReplyTo=f"{BASE}/statuses/1001",
    ),
    boost_activity("1003", "https://other.example.org/users/pref/statuses/999"),
    {"id": f"{BASE}#likes/1", "type": "Like", "actor": BASE, "object": "https://other.example.org/statuses/5"},
    note_activity("1001", "<p>duplicate of the first post</p>"),
]


def standard_files(**overrides: bytes | None) -> dict[str, bytes]:
    files: dict[str, bytes | None] = {
        "outbox.json": outbox(ITEMS),
        "actor.json": ACTOR,
        "likes.json": b'{"orderedItems": []}',
        MEDIA_PATH: PNG,
        MEDIA_PATH_2: JPG,
    }
    files.update(overrides)
    return {name: data for name, data in files.items() if data is not None}


def write_folder(root: Path, files: Mapping[str, bytes]) -> Path:
    for name, data in files.items():
        target = root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    return root


def write_zip(path: Path, files: Mapping[str, bytes], prefix: str = "") -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(prefix + name, data)
    return path


def write_tar(path: Path, files: Mapping[str, bytes], prefix: str = "") -> Path:
    with tarfile.open(path, "w:gz") as archive:
        for name, data in files.items():
            info = tarfile.TarInfo(prefix + name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return path


Writer = Callable[[Path, Mapping[str, bytes]], Path]
WRITERS: dict[str, Writer] = {
    "tar.gz": lambda tmp, files: write_tar(tmp / "archive-20250401.tar.gz", files),
    "zip": lambda tmp, files: write_zip(tmp / "archive.zip", files),
    "folder": lambda tmp, files: write_folder(tmp / "archive", files),
    "zip-with-top-folder": lambda tmp, files: write_zip(tmp / "wrapped.zip", files, prefix="archive-2025/"),
    "tar.gz-with-top-folder": lambda tmp, files: write_tar(tmp / "wrapped.tgz", files, prefix="export/"),
}


def open_export(tmp_path: Path, files: Mapping[str, bytes], kind: str = "tar.gz") -> MastodonExport:
    return read_mastodon_export(open_source(WRITERS[kind](tmp_path, files)))


def read_error(tmp_path: Path, files: Mapping[str, bytes], kind: str = "tar.gz") -> str:
    with pytest.raises(ArchiveError) as caught:
        open_export(tmp_path, files, kind)
    message = caught.value.message
    assert JAPANESE.search(message), message
    assert str(caught.value) == message
    return message


# --------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", sorted(WRITERS))
def test_reads_every_container(tmp_path: Path, kind: str) -> None:
    with open_export(tmp_path, standard_files(), kind) as export:
        assert export.platform == "mastodon"
        assert export.account == "city"
        assert export.total == 3
        posts = list(export.posts())
        assert [post.platform_id for post in posts] == ["1001", "1002", "1003"]
        assert all(post.source == "mastodon-export" for post in posts)
        assert all(post.account == "city" and post.platform == "mastodon" for post in posts)
        assert [export.media_bytes(ref) for ref in posts[0].media] == [PNG, JPG]
        assert list(export.posts()) == posts  # can be read again


def test_note_fields(tmp_path: Path) -> None:
    with open_export(tmp_path, standard_files()) as export:
        first, second, _boost = export.posts()
    assert first.text == (
        "桜まつり & 花火大会のお知らせ\n\n"
        "日時: 4月5日\n場所: 中央公園\n\n"
        "詳細: https://www.city.example.jp/sakura #sakura"
    )
    assert first.url == "https://social.example.jp/@city/1001"
    assert first.posted_at == dt.datetime(2025, 4, 1, 0, 30, tzinfo=dt.UTC)
    assert first.posted_at.tzinfo is not None
    assert first.reply_to_id is None
    assert first.reposted_url is None
    assert second.reply_to_id == f"{BASE}/statuses/1001"
    assert second.posted_at == dt.datetime(2025, 4, 2, 3, 0, tzinfo=dt.UTC)


def test_content_warning_is_the_first_line(tmp_path: Path) -> None:
    with open_export(tmp_path, standard_files()) as export:
        second = list(export.posts())[1]
    assert second.text == "CW: 災害情報\n大雨の情報です"


def test_boost(tmp_path: Path) -> None:
    with open_export(tmp_path, standard_files()) as export:
        boost = list(export.posts())[2]
    assert boost.platform_id == "1003"
    assert boost.reposted_url == "https://other.example.org/users/pref/statuses/999"
    assert boost.text == ""
    assert boost.media == ()
    assert boost.posted_at == dt.datetime(2025, 4, 3, 1, 0, tzinfo=dt.UTC)
    assert boost.url == f"{BASE}/statuses/1003"


def test_duplicates_and_other_activities_are_skipped(tmp_path: Path) -> None:
    with open_export(tmp_path, standard_files()) as export:
        posts = list(export.posts())
    assert len(posts) == 3
    assert "duplicate" not in posts[0].text


def test_media_paths_in_both_forms(tmp_path: Path) -> None:
    with open_export(tmp_path, standard_files(), "zip-with-top-folder") as export:
        first = next(export.posts())
        assert first.media == (
            MediaRef(name="abc123.png", path_in_archive=MEDIA_PATH),
            MediaRef(name="def456.jpg", path_in_archive=MEDIA_PATH_2),
        )
        assert export.media_bytes(first.media[1]) == JPG
        with pytest.raises(ArchiveError):
            export.media_bytes(MediaRef(name="likes.json", path_in_archive="likes.json"))


def test_media_path_without_leading_slash_and_system_prefix(tmp_path: Path) -> None:
    items = [
        note_activity("1", "<p>a</p>", attachment=[{"type": "Document", "url": MEDIA_PATH}]),
        note_activity("2", "<p>b</p>", attachment={"type": "Document", "url": "/system/" + MEDIA_PATH_2}),
        note_activity(
            "3", "<p>c</p>", attachment=[{"type": "Document", "url": {"type": "Link", "href": "/" + MEDIA_PATH}}]
        ),
    ]
    with open_export(tmp_path, standard_files(**{"outbox.json": outbox(items)})) as export:
        posts = list(export.posts())
    assert [ref.path_in_archive for post in posts for ref in post.media] == [MEDIA_PATH, MEDIA_PATH_2, MEDIA_PATH]


def test_export_without_media_folder_reads_posts_without_media(tmp_path: Path) -> None:
    with open_export(tmp_path, standard_files(**{MEDIA_PATH: None, MEDIA_PATH_2: None})) as export:
        posts = list(export.posts())
    assert len(posts) == 3
    assert posts[0].media == ()
    assert posts[0].text.startswith("桜まつり")


def test_missing_media_file_fails_the_export(tmp_path: Path) -> None:
    message = read_error(tmp_path, standard_files(**{MEDIA_PATH_2: None}))
    assert MEDIA_PATH_2 in message
    assert "1001" in message


@pytest.mark.parametrize(
    "url",
    [
        "/media_attachments/files/../../../etc/passwd",
        "https://evil.example/media_attachments/%2e%2e/%2e%2e/actor.json",
        "/etc/passwd",
        "C:/Windows/win.ini",
    ],
)
def test_unsafe_media_paths_are_refused(tmp_path: Path, url: str) -> None:
    items = [note_activity("1", "<p>a</p>", attachment=[{"type": "Document", "url": url}])]
    message = read_error(tmp_path, standard_files(**{"outbox.json": outbox(items)}))
    assert "外を指して" in message


def test_missing_actor_gives_empty_account(tmp_path: Path) -> None:
    with open_export(tmp_path, standard_files(**{"actor.json": None}), "zip") as export:
        assert export.account == ""
        assert {post.account for post in export.posts()} == {""}


def test_status_id() -> None:
    assert status_id(f"{BASE}/statuses/1234") == "1234"
    assert status_id(f"{BASE}/statuses/1234/activity") == "1234"
    assert status_id("https://misskey.example/notes/9abcxyz") == "https://misskey.example/notes/9abcxyz"


def test_non_numeric_ids_are_kept_whole(tmp_path: Path) -> None:
    item = note_activity("x", "<p>a</p>")
    item["object"]["id"] = "https://pleroma.example/objects/6f1c-uuid"
    with open_export(tmp_path, standard_files(**{"outbox.json": outbox([item])})) as export:
        (post,) = export.posts()
    assert post.platform_id == "https://pleroma.example/objects/6f1c-uuid"


@pytest.mark.parametrize(
    ("markup", "expected"),
    [
        ("<p>一行目<br>二行目<br/>三行目</p>", "一行目\n二行目\n三行目"),
        ("<p>段落1</p><p>段落2</p><p>段落3</p>", "段落1\n\n段落2\n\n段落3"),
        ('<p>詳しくは<a href="https://example.jp/x">こちら</a>へ</p>', "詳しくはこちらへ"),
        ("<p>&lt;b&gt; &amp; &quot;q&quot; &#x1F338; &nbsp;end</p>", '<b> & "q" \U0001f338 \xa0end'),
        (
            '<p><span class="h-card"><a href="u" class="u-url mention">@<span>pref</span></a></span> 了解</p>',
            "@pref 了解",
        ),
        ("<p>a</p><script>alert(1)</script><p>b</p>", "a\n\nb"),
        ("<ul><li>一</li><li>二</li></ul>", "一\n二"),
        ("plain text", "plain text"),
        ("", ""),
    ],
)
def test_html_to_text(markup: str, expected: str) -> None:
    assert html_to_text(markup) == expected


def test_content_map_fallback_poll_and_article(tmp_path: Path) -> None:
    fallback = note_activity("1", "")
    fallback["object"]["content"] = None
    fallback["object"]["contentMap"] = {"en": "<p>English</p>", "ja": "<p>日本語</p>"}
    poll = note_activity("2", "<p>どちらが好き?</p>")
    poll["object"]["type"] = "Question"
    poll["object"]["oneOf"] = [{"type": "Note", "name": "山"}, {"type": "Note", "name": "海"}]
    article = note_activity("3", "<p>本文</p>")
    article["object"]["type"] = "Article"
    article["object"]["name"] = "お知らせ"
    image = note_activity("4", "<p>x</p>")
    image["object"]["type"] = "Image"  # not a post type: ignored
    files = standard_files(**{"outbox.json": outbox([fallback, poll, article, image])})
    with open_export(tmp_path, files) as export:
        texts = [post.text for post in export.posts()]
    assert texts == ["日本語", "どちらが好き?\n\n・山\n・海", "お知らせ\n\n本文"]


def test_missing_outbox(tmp_path: Path) -> None:
    message = read_error(tmp_path, {"actor.json": ACTOR, "notes.txt": b"hello"}, "zip")
    assert "outbox.json" in message
    assert "Mastodon" in message


def test_invalid_json_names_the_line(tmp_path: Path) -> None:
    broken = b'{\n  "type": "OrderedCollection",\n  "orderedItems": [\n    {"type": "Create",,}\n  ]\n}'
    message = read_error(tmp_path, standard_files(**{"outbox.json": broken}))
    assert "outbox.json" in message
    assert "4 行目" in message


def test_not_utf8(tmp_path: Path) -> None:
    text = outbox([note_activity("1", "<p>お知らせ</p>")]).decode("utf-8")
    message = read_error(tmp_path, standard_files(**{"outbox.json": text.encode("cp932")}))
    assert "UTF-8" in message


def test_utf8_bom_is_accepted(tmp_path: Path) -> None:
    files = standard_files(**{"outbox.json": b"\xef\xbb\xbf" + outbox(ITEMS)})
    with open_export(tmp_path, files, "folder") as export:
        assert export.total == 3


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        (b"[]", "オブジェクト"),
        (b'{"type": "OrderedCollection"}', "orderedItems"),
        (outbox(["not an activity"]), "1 件目"),
        (outbox([note_activity("7", "<p>a</p>", published="yesterday")]), "yesterday"),
        (outbox([{**boost_activity("8", "x"), "object": None}]), "ブースト"),
    ],
)
def test_damaged_outbox(tmp_path: Path, data: bytes, fragment: str) -> None:
    message = read_error(tmp_path, standard_files(**{"outbox.json": data}))
    assert fragment in message


def test_bad_actor_json(tmp_path: Path) -> None:
    message = read_error(tmp_path, standard_files(**{"actor.json": b"{oops"}))
    assert "actor.json" in message


def test_closes_the_source_on_error(tmp_path: Path) -> None:
    closed: list[bool] = []
    source = open_source(write_zip(tmp_path / "bad.zip", {"outbox.json": b"{"}))
    original = source.close

    def close() -> None:
        closed.append(True)
        original()

    source.close = close  # type: ignore[method-assign]
    with pytest.raises(ArchiveError):
        read_mastodon_export(source)
    assert closed == [True]


def test_tar_temp_folder_is_removed_on_close(tmp_path: Path) -> None:
    source: ArchiveSource = open_source(write_tar(tmp_path / "a.tar.gz", standard_files()))
    root = Path(source._root)  # type: ignore[attr-defined]
    assert root.is_dir()
    with read_mastodon_export(source) as export:
        assert export.total == 3
    assert not root.exists()


@pytest.mark.parametrize("kind", sorted(WRITERS))
def test_looks_like_mastodon(tmp_path: Path, kind: str) -> None:
    source = open_source(WRITERS[kind](tmp_path, standard_files()))
    try:
        assert looks_like_mastodon(source)
    finally:
        source.close()


def test_does_not_look_like_mastodon(tmp_path: Path) -> None:
    csv_file = tmp_path / "posts.csv"
    csv_file.write_text("text,posted_at\n", encoding="utf-8")
    deep = write_zip(tmp_path / "deep.zip", {"a/b/outbox.json": b"{}"})
    x_zip = write_zip(tmp_path / "x.zip", {"data/tweets.js": b"window.YTD.tweets.part0 = []"})
    for path in (csv_file, deep, x_zip):
        source = open_source(path)
        try:
            assert not looks_like_mastodon(source)
        finally:
            source.close()


def test_posts_are_archived_posts(tmp_path: Path) -> None:
    with open_export(tmp_path, standard_files()) as export:
        assert all(isinstance(post, ArchivedPost) for post in export.posts())


def test_direct_messages_are_not_posts(tmp_path: Path) -> None:
    public = "https://www.w3.org/ns/activitystreams#Public"
    followers = "https://example.social/users/city/followers"
    person = "https://example.social/users/someone"

    def create(number: int, to: list[str], cc: list[str]) -> dict[str, Any]:
        note_id = f"https://example.social/users/city/statuses/{number}"
        return {
            "type": "Create",
            "id": note_id + "/activity",
            "published": "2025-04-01T00:00:00Z",
            "to": to,
            "cc": cc,
            "object": {
                "type": "Note",
                "id": note_id,
                "published": "2025-04-01T00:00:00Z",
                "content": f"<p>{number}</p>",
                "to": to,
                "cc": cc,
            },
        }

    folder = tmp_path / "export"
    folder.mkdir()
    items = [create(1, [public], [followers]), create(2, [followers], [person]), create(3, [person], [])]
    (folder / "outbox.json").write_text(json.dumps({"type": "OrderedCollection", "orderedItems": items}))
    with read_mastodon_export(open_source(folder)) as export:
        assert [post.platform_id for post in export.posts()] == ["1", "2"]
