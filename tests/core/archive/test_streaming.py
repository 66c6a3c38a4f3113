"""Meta and Mastodon posts files are parsed as streams: memory stays flat however big the file, and a file
that breaks late still fails as a whole with a Japanese message."""

from __future__ import annotations

import json
import random
import re
import tracemalloc
from collections.abc import Callable
from pathlib import Path

import pytest

from sns_desk.bench.synthetic import facebook_post, mastodon_activity, write_facebook_export
from sns_desk.core.archive import ArchiveError, json_stream, open_source
from sns_desk.core.archive.formats import open_export
from sns_desk.core.archive.json_stream import MAX_ITEM_BYTES

FB_POSTS = "your_facebook_activity/posts/your_posts_1.json"
PEAK_BOUND = 8 * 1024**2
"""Python's allocations while reading a bigger posts file (measured: about 5 MB for 11 MB)."""


def write_outbox(folder: Path, count: int, *, tail: bytes = b"]}") -> Path:
    """A Mastodon export folder whose outbox.json is one line of ``count`` activities."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(5)
    with (folder / "outbox.json").open("wb") as out:
        out.write(b'{"type":"OrderedCollection","totalItems":%d,"orderedItems":[' % count)
        out.write(b",".join(json.dumps(mastodon_activity(rng, n), ensure_ascii=False).encode() for n in range(count)))
        out.write(tail)
    (folder / "actor.json").write_text('{"preferredUsername": "city"}', "utf-8")
    return folder


def peak_while(read: Callable[[], int]) -> tuple[int, int]:
    """(what ``read`` returned, the peak of Python's allocations meanwhile in bytes)."""
    tracemalloc.start()
    try:
        result = read()
        return result, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def open_and_count(path: Path, fmt: str) -> int:
    """Open an export (which reads it all through once, to check it) and return its number of posts."""
    with open_export(path, fmt) as reader:
        assert reader.total is not None
        return reader.total


def test_a_big_one_line_facebook_file_is_read_without_holding_it(tmp_path: Path) -> None:
    folder, count = write_facebook_export(tmp_path / "fb", 11 * 1024**2)
    size = (folder / FB_POSTS).stat().st_size
    assert size > PEAK_BOUND * 1.2 and (folder / FB_POSTS).read_bytes().count(b"\n") == 0
    posts, peak = peak_while(lambda: open_and_count(folder, "facebook"))
    assert posts == count
    # Decoding the file whole held its bytes, its text and every post at once: several times its size (at least
    # the file's bytes). Read as a stream, the peak is a few read buffers and one post, whatever the file's size.
    assert peak < PEAK_BOUND, f"peak {peak / 1024**2:.1f} MB for a {size / 1024**2:.1f} MB file"


def test_a_big_one_line_outbox_is_read_without_holding_it_or_its_posts(tmp_path: Path) -> None:
    folder = write_outbox(tmp_path / "mastodon", 6500)
    size = (folder / "outbox.json").stat().st_size
    assert size > PEAK_BOUND * 1.2
    posts, peak = peak_while(lambda: open_and_count(folder, "mastodon"))
    assert posts == 6500
    assert peak < PEAK_BOUND, f"peak {peak / 1024**2:.1f} MB for a {size / 1024**2:.1f} MB file"


def test_the_mastodon_reader_streams_its_posts_after_checking_them(tmp_path: Path) -> None:
    folder = write_outbox(tmp_path / "mastodon", 50)
    with open_export(folder, "mastodon") as reader:
        assert reader.total == 50
        posts = list(reader.posts())
        assert [post.text for post in reader.posts()] == [post.text for post in posts]  # read again, same
    assert all(post.text for post in posts)  # the text is made on the reading pass, not left out as in checking
    assert len({post.platform_id for post in posts}) == 50


def test_a_file_truncated_late_fails_as_a_whole_naming_the_post(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = write_outbox(tmp_path / "mastodon", 400, tail=b"")  # the download stopped before "]}"
    monkeypatch.setattr(json_stream, "MAX_ITEM_BYTES", 64 * 1024)  # too big to read again for the line
    with pytest.raises(ArchiveError) as excinfo:
        open_export(folder, "mastodon")
    message = excinfo.value.message
    assert "「outbox.json」の JSON が壊れています(401 件目付近: 途中で終わっています)" in message
    assert "ダウンロードが途中で切れていないか" in message


def test_a_small_broken_file_names_the_line(tmp_path: Path) -> None:
    posts = [facebook_post(random.Random(1), n) for n in range(3)]
    text = json.dumps(posts, indent=1)
    broken = text[: text.index('"tags"')] + "oops, " + text[text.index('"tags"') :]
    line = broken[: broken.index("oops")].count("\n") + 1
    (tmp_path / "fb" / "posts").mkdir(parents=True)
    (tmp_path / "fb" / "posts" / "your_posts_1.json").write_text(broken, "ascii")
    with pytest.raises(ArchiveError, match=f"{line} 行目付近"):
        open_export(tmp_path / "fb", "facebook")


def test_text_that_stops_being_utf8_deep_in_the_file_names_the_byte(tmp_path: Path) -> None:
    folder = write_outbox(tmp_path / "mastodon", 200)
    data = (folder / "outbox.json").read_bytes()
    at = data.index("開催".encode(), 200_000)
    (folder / "outbox.json").write_bytes(data[:at] + "開催".encode("cp932") + data[at + 6 :])
    with pytest.raises(ArchiveError) as excinfo:
        open_export(folder, "mastodon")
    assert f"「outbox.json」の文字コードが UTF-8 ではありません({at + 1:,} バイト目)" in excinfo.value.message


@pytest.mark.parametrize("encoding", ["utf-16", "utf-32"])
def test_a_utf16_outbox_is_named_as_not_utf8(tmp_path: Path, encoding: str) -> None:
    folder = write_outbox(tmp_path / "mastodon", 3)
    text = (folder / "outbox.json").read_text("utf-8")
    (folder / "outbox.json").write_bytes(text.encode(encoding))
    with pytest.raises(ArchiveError, match="UTF-8 ではありません"):
        open_export(folder, "mastodon")


def test_one_post_bigger_than_the_limit_is_refused_before_it_is_built(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(json_stream, "MAX_ITEM_BYTES", 2 * 1024**2)
    posts = [{"timestamp": 1, "data": [{"post": "a"}]}, {"timestamp": 2, "data": [{"post": "x" * 5 * 1024**2}]}]
    (tmp_path / "fb" / "posts").mkdir(parents=True)
    (tmp_path / "fb" / "posts" / "your_posts_1.json").write_text(json.dumps(posts), "ascii")
    with pytest.raises(ArchiveError) as excinfo:
        open_export(tmp_path / "fb", "facebook")
    assert "「posts/your_posts_1.json」の 2 件目付近に、1 件で 2 MB を超える値があります" in excinfo.value.message


def test_the_limit_on_one_post_is_far_above_real_posts() -> None:
    longest_facebook_post = 63_206 * 6 * 3  # characters, \u00XX per UTF-8 byte, three bytes each
    assert 10 * longest_facebook_post < MAX_ITEM_BYTES


def test_side_files_over_the_limit_are_refused_unread(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = write_outbox(tmp_path / "mastodon", 2)
    (folder / "actor.json").write_text(json.dumps({"preferredUsername": "city", "pad": "x" * 3000}), "utf-8")
    monkeypatch.setattr(json_stream, "MAX_ITEM_BYTES", 1000)
    with pytest.raises(ArchiveError, match=re.escape("「actor.json」が大きすぎます")):
        open_export(folder, "mastodon")


def test_facebook_files_of_the_older_object_shape_are_streamed_too(tmp_path: Path) -> None:
    posts = [facebook_post(random.Random(2), n) for n in range(30)]
    for key in ("status_updates_v2", "status_updates"):
        folder = tmp_path / key / "posts"
        folder.mkdir(parents=True)
        document = {"profile": {"name": "x"}, key: posts}
        (folder / "your_posts.json").write_text(json.dumps(document), "ascii")
        with open_export(folder.parent, "facebook") as reader:
            assert reader.total == 30
    (tmp_path / "other" / "posts").mkdir(parents=True)
    (tmp_path / "other" / "posts" / "your_posts.json").write_text(json.dumps({"something": posts}), "ascii")
    with pytest.raises(ArchiveError, match="投稿の配列ではありません"):
        open_export(tmp_path / "other", "facebook")


def test_opening_checks_and_posts_read_the_file_again(tmp_path: Path) -> None:
    folder = write_outbox(tmp_path / "mastodon", 5)
    source = open_source(folder)
    opened: list[str] = []
    original = source.open

    def tracking(name: str):  # type: ignore[no-untyped-def]
        opened.append(name)
        return original(name)

    source.open = tracking  # type: ignore[method-assign]
    from sns_desk.core.archive.mastodon_export import read_mastodon_export

    with read_mastodon_export(source) as reader:
        checked = len(opened)
        assert sum(1 for _ in reader.posts()) == 5
        assert opened[checked:] == ["outbox.json"]  # one more pass, streamed; nothing kept from the first


def test_unverified_readers_read_once_and_fail_while_reading(tmp_path: Path) -> None:
    folder = write_outbox(tmp_path / "mastodon", 20)
    with open_export(folder, "mastodon", verify=False) as reader:
        assert reader.total == 20  # the outbox's totalItems, for the progress bar
        assert sum(1 for _ in reader.posts()) == 20
    fb, count = write_facebook_export(tmp_path / "fb", 50_000)
    with open_export(fb, "facebook", verify=False) as reader:
        assert reader.total is None
        assert sum(1 for _ in reader.posts()) == count
    broken = write_outbox(tmp_path / "broken", 20, tail=b"")
    with open_export(broken, "mastodon", verify=False) as reader:  # opens: only the start was looked at
        stream = reader.posts()
        assert next(stream).platform == "mastodon"
        with pytest.raises(ArchiveError, match="JSON が壊れています"):
            list(stream)
