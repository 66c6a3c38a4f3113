"""Hostile JSON in any file of any export -- a 100,000-digit number, 100,000 levels of ``[``, text that is not
UTF-8, HTML the standard parser gives up on -- is a Japanese ArchiveError, never another exception."""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path

import pytest

from sns_desk.core.archive import ArchiveError
from sns_desk.core.archive.formats import open_export
from sns_desk.core.archive.mastodon_export import html_to_text

JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")
HUGE = "1" * 100_000
DEEP = "[" * 100_000 + "]" * 100_000
NOTE = {
    "type": "Create",
    "object": {"type": "Note", "id": "https://social.example/users/city/statuses/1",
               "published": "2025-04-01T00:00:00Z", "content": "<p>お知らせ</p>"},
}  # fmt: skip
OUTBOX = json.dumps({"orderedItems": [NOTE]})
FB = json.dumps([{"timestamp": 1743465600, "data": [{"post": "お知らせ"}]}])
IG = json.dumps([{"creation_timestamp": 1743465600, "title": "お知らせ"}])
TWEETS = (
    'window.YTD.tweets.part0 = [{"tweet": {"id_str": "1", "full_text": "a", "created_at": "2025-04-01T00:00:00Z"}}]'
)

# (format, the files of a good export, the member to spoil, how its JSON is wrapped)
EXPORTS = {
    "mastodon-outbox": ("mastodon", {"outbox.json": OUTBOX}, "outbox.json", '{"orderedItems": {}}'),
    "mastodon-actor": ("mastodon", {"outbox.json": OUTBOX, "actor.json": "{}"}, "actor.json", "{}"),
    "facebook-posts": ("facebook", {"posts/your_posts_1.json": FB}, "posts/your_posts_1.json", "{}"),
    "facebook-profile": (
        "facebook",
        {"posts/your_posts_1.json": FB, "profile_information/profile_information.json": "{}"},
        "profile_information/profile_information.json",
        "{}",
    ),
    "instagram-posts": ("instagram", {"content/posts_1.json": IG}, "content/posts_1.json", "{}"),
    "x-tweets": ("x", {"data/tweets.js": TWEETS}, "data/tweets.js", "window.YTD.tweets.part0 = {}"),
    "x-account": (
        "x",
        {"data/tweets.js": TWEETS, "data/account.js": "window.YTD.account.part0 = []"},
        "data/account.js",
        "window.YTD.account.part0 = {}",
    ),
}

SPOILERS = {
    "huge-integer": lambda wrap: wrap.replace("{}", f'[{{"n": {HUGE}}}]').encode(),
    "huge-integer-in-a-post": lambda wrap: wrap.replace("{}", f'[{{"timestamp": {HUGE}, "id": {HUGE}}}]').encode(),
    "deep-nesting": lambda wrap: wrap.replace("{}", DEEP).encode(),
    "deep-nesting-in-a-post": lambda wrap: wrap.replace("{}", '[{"data": ' + DEEP + "}]").encode(),
    "cp932": lambda wrap: wrap.replace("{}", '[{"post": "東広島市のお知らせ"}]').encode("cp932"),
    "utf-16": lambda wrap: wrap.replace("{}", '[{"post": "お知らせ"}]').encode("utf-16"),
    "latin-1": lambda wrap: wrap.replace("{}", '[{"post": "café"}]').encode("latin-1"),
}


def write(path: Path, files: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return path


@pytest.mark.parametrize("spoiler", SPOILERS)
@pytest.mark.parametrize("export", EXPORTS)
def test_hostile_json_is_a_japanese_archive_error(tmp_path: Path, export: str, spoiler: str) -> None:
    fmt, files, member, wrap = EXPORTS[export]
    good = {name: text.encode() for name, text in files.items()}
    with open_export(write(tmp_path / "good.zip", good), fmt) as reader:
        assert len(list(reader.posts())) == 1
    spoiled = write(tmp_path / "spoiled.zip", {**good, member: SPOILERS[spoiler](wrap)})
    with pytest.raises(ArchiveError) as excinfo, open_export(spoiled, fmt) as reader:
        list(reader.posts())
    message = excinfo.value.message
    assert JAPANESE.search(message) and member in message, message
    expected = {"huge": "桁数が多すぎて読めない数", "deep": "入れ子が深すぎます"}.get(spoiler[:4], "UTF-8 では")
    if not (export.startswith("x-") and spoiler.startswith("huge-integer-in")):  # X: a post with no usable id
        assert expected in message, message


def test_html_the_standard_parser_gives_up_on_is_read_as_text() -> None:
    assert html_to_text("<p>お知らせ<![foo[ 中身 ]]></p>") == "お知らせ 中身"
    assert html_to_text("<![foo[ x ]]>&amp;") == "x &"


def test_a_mastodon_post_with_such_html_imports(tmp_path: Path) -> None:
    note = {**NOTE, "object": {**NOTE["object"], "content": "<p>お知らせ<![foo[ 中身 ]]></p>"}}  # type: ignore[dict-item]
    export = write(tmp_path / "m.zip", {"outbox.json": json.dumps({"orderedItems": [note]}).encode()})
    with open_export(export, "mastodon") as reader:
        [post] = reader.posts()
    assert post.text == "お知らせ 中身"


@pytest.mark.parametrize(
    "published",
    ["0001-01-01T00:00:00+09:00", "9999-12-31T23:59:59-01:00"],
)
def test_a_mastodon_date_with_no_utc_in_years_1_to_9999_is_a_clear_error(tmp_path: Path, published: str) -> None:
    note = {**NOTE, "object": {**NOTE["object"], "published": published}}  # type: ignore[dict-item]
    export = write(tmp_path / "m.zip", {"outbox.json": json.dumps({"orderedItems": [note]}).encode()})
    with pytest.raises(ArchiveError, match="西暦 1 年から 9999 年の範囲の外です"):
        open_export(export, "mastodon")
