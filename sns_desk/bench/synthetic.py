"""Synthetic archives for the benchmarks: plausible city-hall posts, reproducible from a seed."""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import zipfile
from collections.abc import Iterator
from pathlib import Path

PLACES = (
    "中央図書館",
    "市民文化センター",
    "運動公園",
    "西条駅前",
    "八本松支所",
    "子育て支援センター",
    "美術館",
    "黒瀬生涯学習センター",
)
EVENTS = (
    "おはなし会",
    "花火大会",
    "健康相談",
    "防災訓練",
    "マルシェ",
    "写真展",
    "ワークショップ",
    "説明会",
    "清掃活動",
    "献血",
)
TOPICS = (
    "ごみの出し方",
    "予防接種",
    "道路工事",
    "水道料金",
    "入札情報",
    "転入手続き",
    "マイナンバーカード",
    "避難所",
    "公園の利用",
)
TAILS = (
    "詳しくは市のホームページをご覧ください。",
    "参加無料、申込不要です。",
    "皆さまのご参加をお待ちしています。",
    "ご協力をお願いします。",
)
WEEKDAYS = "月火水木金土日"
PART_SIZE = 10_000


def post_text(rng: random.Random, when: dt.datetime) -> str:
    day = when + dt.timedelta(days=rng.randint(3, 40))
    kind = rng.random()
    if kind < 0.5:
        text = (
            f"【{rng.choice(EVENTS)}】{day.month}月{day.day}日({WEEKDAYS[day.weekday()]}){rng.randint(9, 18)}時から"
            f"{rng.choice(PLACES)}で{rng.choice(EVENTS)}を開催します。{rng.choice(TAILS)}"
        )
    elif kind < 0.85:
        text = (
            f"{rng.choice(TOPICS)}についてのお知らせです。"
            f"{rng.choice(PLACES)}の窓口でもご案内しています。{rng.choice(TAILS)}"
        )
    else:
        text = (
            f"本日の{rng.choice(PLACES)}の様子です。たくさんの方にお越しいただきました。"
            f" #東広島市 #{rng.choice(EVENTS)}"
        )
    return text + f" https://www.city.example.lg.jp/{rng.randint(1000, 99999)}.html"


def synthetic_tweets(count: int, seed: int = 6) -> Iterator[dict[str, object]]:
    rng = random.Random(seed)
    start = dt.datetime(2015, 4, 1, tzinfo=dt.UTC)
    step = dt.timedelta(days=3650) / max(count, 1)
    for index in range(count):
        when = start + step * index
        post_id = str(1_000_000_000 + index)
        text = post_text(rng, when)
        link = text.rsplit(" ", 1)[-1]
        short = f"https://t.co/{rng.randrange(36**10):010x}"
        # The fields a real export carries around each text, so that parsing costs what it costs for real.
        yield {
            "tweet": {
                "edit_info": {
                    "initial": {
                        "editTweetIds": [post_id],
                        "editableUntil": "",
                        "editsRemaining": "5",
                        "isEditEligible": True,
                    }
                },
                "retweeted": False,
                "source": '<a href="https://mobile.twitter.com" rel="nofollow">Twitter Web App</a>',
                "entities": {
                    "hashtags": [{"text": "東広島市", "indices": ["0", "5"]}] if "#" in text else [],
                    "symbols": [],
                    "user_mentions": [],
                    "urls": [{"url": short, "expanded_url": link, "display_url": link[8:40], "indices": ["0", "23"]}],
                },
                "display_text_range": ["0", str(len(text))],
                "favorite_count": str(rng.randint(0, 300)),
                "id_str": post_id,
                "truncated": False,
                "retweet_count": str(rng.randint(0, 80)),
                "id": post_id,
                "created_at": when.strftime("%a %b %d %H:%M:%S +0000 %Y"),
                "favorited": False,
                "full_text": text.replace(link, short),
                "lang": "ja",
            }
        }


def write_x_archive(
    path: Path,
    count: int,
    *,
    media_every: int = 0,
    media_bytes: int = 0,
    seed: int = 6,
    account: str = "bench_city",
    part_size: int = PART_SIZE,
) -> Path:
    """An X archive zip with ``count`` posts in parts of ``part_size``; every ``media_every``-th post gets a
    random (incompressible) image of ``media_bytes`` bytes."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        account_js = [{"account": {"username": account, "accountId": "42"}}]
        archive.writestr("data/account.js", "window.YTD.account.part0 = " + json.dumps(account_js))
        part: list[dict[str, object]] = []
        part_no = 0

        def flush() -> None:
            nonlocal part_no
            name = "data/tweets.js" if part_no == 0 else f"data/tweets-part{part_no}.js"
            var = f"window.YTD.tweets.part{part_no} = "
            archive.writestr(name, var + json.dumps(part, ensure_ascii=False, indent=1))
            part.clear()
            part_no += 1

        for index, tweet in enumerate(synthetic_tweets(count, seed)):
            part.append(tweet)
            if media_every and index % media_every == 0:
                post_id = tweet["tweet"]["id_str"]  # type: ignore[index]
                archive.writestr(
                    f"data/tweets_media/{post_id}-photo.jpg",
                    os.urandom(media_bytes),
                    compress_type=zipfile.ZIP_STORED,
                )
            if len(part) >= part_size:
                flush()
        if part or part_no == 0:
            flush()
        # The manifest X writes, with the number of posts per part (the importer's progress total).
        files = [
            {
                "fileName": "data/tweets.js" if n == 0 else f"data/tweets-part{n}.js",
                "globalName": f"YTD.tweets.part{n}",
                "count": str(min(part_size, count - n * part_size)),
            }
            for n in range(part_no)
        ]
        manifest = {"userInfo": {"userName": account}, "dataTypes": {"tweets": {"files": files}}}
        archive.writestr("data/manifest.js", "window.__THAR_CONFIG = " + json.dumps(manifest, indent=2))
    return path


PUBLIC = "https://www.w3.org/ns/activitystreams#Public"


def _meta_mojibake(text: str) -> str:
    """Meta's way of writing non-ASCII text: each UTF-8 byte as its own code point (``\\u00XX`` in JSON)."""
    return text.encode("utf-8").decode("latin-1")


def facebook_post(rng: random.Random, index: int) -> dict[str, object]:
    """One post as Facebook's "Download your information" JSON carries it."""
    when = dt.datetime(2012, 1, 1, tzinfo=dt.UTC) + dt.timedelta(minutes=37 * index)
    text = post_text(rng, when)
    link = text.rsplit(" ", 1)[-1]
    stamp = int(when.timestamp())
    place = rng.choice(PLACES)
    # The many small objects around each text (check-ins, tags, link previews) are what make a posts file
    # expensive to hold decoded in memory: a dict costs hundreds of bytes for a dozen bytes of JSON.
    return {
        "timestamp": stamp,
        "attachments": [
            {
                "data": [
                    {"external_context": {"url": link, "name": _meta_mojibake("東広島市ホームページ"), "source": ""}}
                ]
            },
            {
                "data": [
                    {
                        "place": {
                            "name": _meta_mojibake(place),
                            "coordinate": {
                                "latitude": 34.4 + rng.random() / 10,
                                "longitude": 132.7 + rng.random() / 10,
                            },
                            "address": "",
                            "url": f"https://www.facebook.com/{rng.randrange(10**15)}",
                        }
                    }
                ]
            },
        ],
        "data": [{"post": _meta_mojibake(text)}, {"update_timestamp": stamp}, {"backdated_timestamp": stamp}],
        "tags": [{"name": _meta_mojibake(rng.choice(EVENTS))} for _ in range(rng.randint(2, 8))],
        "title": _meta_mojibake("東広島市さんが近況をアップデートしました。"),
    }


def mastodon_activity(rng: random.Random, index: int) -> dict[str, object]:
    """One ``Create`` of a public ``Note`` as Mastodon's ``outbox.json`` carries it."""
    when = dt.datetime(2017, 4, 1, tzinfo=dt.UTC) + dt.timedelta(minutes=23 * index)
    status = f"https://social.example/users/city/statuses/{110_000_000_000 + index}"
    published = when.strftime("%Y-%m-%dT%H:%M:%SZ")
    text = post_text(rng, when)
    content = "<p>" + text.replace("&", "&amp;").replace("<", "&lt;") + "</p>"
    followers = "https://social.example/users/city/followers"
    return {
        "id": f"{status}/activity",
        "type": "Create",
        "actor": "https://social.example/users/city",
        "published": published,
        "to": [PUBLIC],
        "cc": [followers],
        "object": {
            "id": status,
            "type": "Note",
            "summary": None,
            "inReplyTo": None,
            "published": published,
            "url": f"https://social.example/@city/{110_000_000_000 + index}",
            "attributedTo": "https://social.example/users/city",
            "to": [PUBLIC],
            "cc": [followers],
            "sensitive": False,
            "atomUri": status,
            "inReplyToAtomUri": None,
            "conversation": f"tag:social.example,{when:%Y-%m-%d}:objectId={index}:objectType=Conversation",
            "content": content,
            "contentMap": {"ja": content},
            "attachment": [],
            "tag": [],
            "replies": {
                "id": f"{status}/replies",
                "type": "Collection",
                "first": {
                    "type": "CollectionPage",
                    "next": f"{status}/replies?only_other_accounts=true&page=true",
                    "partOf": f"{status}/replies",
                    "items": [],
                },
            },
        },
    }


def _count_for(sample: bytes, target_bytes: int) -> int:
    return max(target_bytes // (len(sample) + 1), 1)


def write_facebook_export(folder: Path, target_bytes: int, seed: int = 11) -> tuple[Path, int]:
    """A Facebook export folder whose posts file is one line of about ``target_bytes`` (as Meta writes it
    when not pretty-printed), streamed to disk. Returns the folder and the number of posts."""
    posts_file = folder / "your_facebook_activity" / "posts" / "your_posts_1.json"
    posts_file.parent.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    count = _count_for(json.dumps(facebook_post(random.Random(seed), 0)).encode(), target_bytes)
    with posts_file.open("w", encoding="ascii") as out:
        out.write("[")
        for index in range(count):
            if index:
                out.write(",")
            out.write(json.dumps(facebook_post(rng, index), separators=(",", ":")))
        out.write("]")
    profile = folder / "personal_information" / "profile_information" / "profile_information.json"
    profile.parent.mkdir(parents=True, exist_ok=True)
    profile.write_text(json.dumps({"profile_v2": {"name": {"full_name": _meta_mojibake("東広島市")}}}), "ascii")
    return folder, count


def write_mastodon_export(path: Path, target_bytes: int, seed: int = 12) -> tuple[Path, int]:
    """A Mastodon ``.tar.gz`` whose ``outbox.json`` is one line of about ``target_bytes``. Returns the path and
    the number of posts."""
    import tarfile
    import tempfile

    rng = random.Random(seed)
    count = _count_for(json.dumps(mastodon_activity(random.Random(seed), 0), ensure_ascii=False).encode(), target_bytes)
    with tempfile.TemporaryDirectory(prefix="sns-desk-bench-mastodon-") as tmp:
        outbox = Path(tmp) / "outbox.json"
        with outbox.open("w", encoding="utf-8") as out:
            head = {"@context": "https://www.w3.org/ns/activitystreams", "id": "outbox.json",
                    "type": "OrderedCollection", "totalItems": count}  # fmt: skip
            out.write(json.dumps(head)[:-1] + ',"orderedItems":[')
            for index in range(count):
                if index:
                    out.write(",")
                out.write(json.dumps(mastodon_activity(rng, index), ensure_ascii=False, separators=(",", ":")))
            out.write("]}")
        actor = Path(tmp) / "actor.json"
        actor.write_text(json.dumps({"type": "Person", "preferredUsername": "city"}), "utf-8")
        with tarfile.open(path, "w:gz", compresslevel=1) as tar:
            tar.add(outbox, "outbox.json")
            tar.add(actor, "actor.json")
    return path, count
