"""Benchmarks of the Article 6 archive: import, search, export, and memory on a big export.

``python -m sns_desk.bench archive`` runs every stage in its own process (so each peak memory figure is
that stage's own) on synthetic data in a temporary folder, and prints a table for the README.
Targets (issue 5): import 50,000 posts <= 10 s; search p95 <= 30 ms over 100,000 items; export of
100,000 items <= 30 s; a 500 MB export imports within 400 MB RSS.
"""

from __future__ import annotations

import json
import random
import resource
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SEARCH_QUERIES = (
    "花火大会",
    "中央図書館",
    "おはなし会 参加無料",
    "予防接種",
    "市",
    "花火",
    "防災訓練 運動公園",
    "マイナンバーカード",
    "ホームページ",
    "ごみ",
    "存在しない言葉",
    "#東広島市",
    "鯉",
    "ぷ",
    "A1",
)


def peak_rss_mb() -> float:
    """Peak resident memory of this process in MB.

    On Linux ``VmHWM`` from ``/proc``: ``ru_maxrss`` there keeps the parent's peak across fork and exec,
    so a stage started by a big parent would report the parent's memory.
    """
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 1024 / (1024 if sys.platform == "darwin" else 1)


def _open(db: Path):  # type: ignore[no-untyped-def]
    from sns_desk.storage.database import open_database

    return open_database(f"sqlite:///{db.as_posix()}")


def stage_import(archive: Path, db: Path, media: Path) -> dict[str, float]:
    from sns_desk.services.archive_import import import_export
    from sns_desk.storage.media import MediaStore

    with _open(db) as database:
        start = time.perf_counter()
        result = import_export(database, MediaStore(media), archive)
        seconds = time.perf_counter() - start
    return {"seconds": seconds, "added": result.added, "peak_mb": peak_rss_mb()}


def stage_search(db: Path, rounds: int) -> dict[str, float]:
    from sns_desk.storage.search import SearchQuery, archive_search

    with _open(db) as database:
        search = archive_search(database)
        timings: list[float] = []
        for _ in range(rounds):
            for query in SEARCH_QUERIES:
                start = time.perf_counter()
                search.search(SearchQuery(query, limit=100))
                timings.append((time.perf_counter() - start) * 1000)
        filtered = []
        for _ in range(rounds):
            start = time.perf_counter()
            search.search(SearchQuery("花火大会", account="bench_city", limit=100))
            filtered.append((time.perf_counter() - start) * 1000)
    timings.sort()
    return {
        "p50_ms": statistics.median(timings),
        "p95_ms": timings[int(len(timings) * 0.95) - 1],
        "max_ms": timings[-1],
        "filtered_p95_ms": sorted(filtered)[int(len(filtered) * 0.95) - 1],
        "peak_mb": peak_rss_mb(),
    }


def stage_compare(db: Path) -> dict[str, float]:
    """Trigram FTS5 against an FTS5 index over fugashi tokens: build time, size, speed and recall.

    Recall is measured against a plain substring scan (what staff mean by "contains"), for substrings
    cut at random from the texts themselves.
    """
    from sns_desk.core.checker.morph import tokenize

    def surfaces(text: str) -> list[str]:
        return [token.surface for token in tokenize(text) if token.surface.strip()]

    rng = random.Random(3)
    connection = sqlite3.connect(db)
    texts = connection.execute("SELECT id, search_text FROM posted_items").fetchall()
    start = time.perf_counter()
    connection.execute("CREATE VIRTUAL TABLE words USING fts5(body, tokenize='unicode61')")
    connection.executemany(
        "INSERT INTO words(rowid, body) VALUES (?, ?)",
        ((row_id, " ".join(surfaces(text))) for row_id, text in texts),
    )
    connection.commit()
    words_build = time.perf_counter() - start
    start = time.perf_counter()
    connection.execute(
        "CREATE VIRTUAL TABLE tri USING fts5(search_text, content='posted_items', content_rowid='id', "
        "tokenize='trigram')"
    )
    connection.execute("INSERT INTO tri(tri) VALUES ('rebuild')")
    connection.commit()
    tri_build = time.perf_counter() - start

    samples = []
    for _ in range(200):
        _row_id, text = texts[rng.randrange(len(texts))]
        length = rng.randint(3, 6)
        begin = rng.randrange(max(len(text) - length, 1))
        samples.append(text[begin : begin + length].strip() or text[:3])
    recall = {"trigram": 0.0, "fugashi": 0.0}
    speed = {"trigram": 0.0, "fugashi": 0.0}
    for sample in samples:
        truth = {row_id for row_id, text in texts if sample in text}
        quoted = '"' + sample.replace('"', '""') + '"'
        start = time.perf_counter()
        tri = {r for (r,) in connection.execute("SELECT rowid FROM tri WHERE tri MATCH ?", (quoted,))}
        speed["trigram"] += time.perf_counter() - start
        phrase = " ".join('"' + t.replace('"', '""') + '"' for t in surfaces(sample))
        start = time.perf_counter()
        try:
            words = {r for (r,) in connection.execute("SELECT rowid FROM words WHERE words MATCH ?", (phrase,))}
        except sqlite3.OperationalError:
            words = set()
        speed["fugashi"] += time.perf_counter() - start
        if truth:
            recall["trigram"] += len(tri & truth) / len(truth)
            recall["fugashi"] += len(words & truth) / len(truth)
    sizes = {}
    for table in ("tri", "words"):
        pages = connection.execute("SELECT SUM(pgsize) FROM dbstat WHERE name LIKE ?", (f"{table}%",)).fetchone()[0]
        sizes[table] = (pages or 0) / 1024 / 1024
    connection.close()
    return {
        "trigram_build_s": tri_build,
        "fugashi_build_s": words_build,
        "trigram_mb": sizes["tri"],
        "fugashi_mb": sizes["words"],
        "trigram_recall": recall["trigram"] / len(samples),
        "fugashi_recall": recall["fugashi"] / len(samples),
        "trigram_ms": speed["trigram"] * 1000 / len(samples),
        "fugashi_ms": speed["fugashi"] * 1000 / len(samples),
    }


def stage_export(db: Path, media: Path, target: Path) -> dict[str, float]:
    from sns_desk.services.backups import export_backup
    from sns_desk.storage.media import MediaStore

    with _open(db) as database:
        start = time.perf_counter()
        summary = export_backup(database, MediaStore(media), target, by="bench")
        seconds = time.perf_counter() - start
    return {"seconds": seconds, "items": summary.item_count, "peak_mb": peak_rss_mb()}


def _child(stage: str, *args: str) -> dict[str, float]:
    done = subprocess.run(
        [sys.executable, "-m", "sns_desk.bench.archive", stage, *args], capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise RuntimeError(f"stage {stage} failed:\n{done.stderr}")
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def run(keep: Path | None = None, rounds: int = 20, big_mb: int = 500) -> None:
    from sns_desk.bench.synthetic import write_x_archive

    with tempfile.TemporaryDirectory(prefix="sns-desk-bench-") as tmp_name:
        tmp = keep or Path(tmp_name)
        tmp.mkdir(parents=True, exist_ok=True)
        print("合成データを作成中…", file=sys.stderr)
        x50 = write_x_archive(tmp / "x50k.zip", 50_000)
        x100 = write_x_archive(tmp / "x100k.zip", 100_000, media_every=20, media_bytes=2_000, seed=7)
        media_count = max(big_mb * 1024 * 1024 // (400 * 1024), 1)
        big = write_x_archive(
            tmp / "big.zip", 20_000, media_every=max(20_000 // media_count, 1), media_bytes=400 * 1024
        )

        imp = _child("import", str(x50), str(tmp / "i50.db"), str(tmp / "m50"))
        imp100 = _child("import", str(x100), str(tmp / "i100.db"), str(tmp / "m100"))
        search = _child("search", str(tmp / "i100.db"), str(rounds))
        export = _child("export", str(tmp / "i100.db"), str(tmp / "m100"), str(tmp / "bag100"))
        memory = _child("import", str(big), str(tmp / "big.db"), str(tmp / "mbig"))
        compare = _child("compare", str(tmp / "i100.db"))
        big_size = big.stat().st_size / 1024 / 1024

    rows = [
        ("取り込み 50,000 件 (X)", f"{imp['seconds']:.1f} s", "≤ 10 s", f"{imp['peak_mb']:.0f} MB"),
        ("取り込み 100,000 件 + 画像 5,000 枚", f"{imp100['seconds']:.1f} s", "–", f"{imp100['peak_mb']:.0f} MB"),
        (
            f"検索 100,000 件 ({len(SEARCH_QUERIES)} 種の語、各 100 件表示)",
            f"p50 {search['p50_ms']:.1f} ms / p95 {search['p95_ms']:.1f} ms",
            "p95 ≤ 30 ms",
            f"{search['peak_mb']:.0f} MB",
        ),
        ("検索 + アカウント絞り込み", f"p95 {search['filtered_p95_ms']:.1f} ms", "≤ 30 ms", "–"),
        ("書き出し 100,000 件 (BagIt)", f"{export['seconds']:.1f} s", "≤ 30 s", f"{export['peak_mb']:.0f} MB"),
        (
            f"取り込み {big_size:,.0f} MB のアーカイブ",
            f"{memory['seconds']:.1f} s",
            "RSS ≤ 400 MB",
            f"{memory['peak_mb']:.0f} MB",
        ),
    ]
    print("| 計測 | 結果 | 目標 | 最大メモリ (RSS) |")
    print("|---|---|---|---|")
    for row in rows:
        print("| " + " | ".join(row) + " |")
    print()
    print("| 索引 (100,000 件) | 作成 | 大きさ | 再現率 (部分文字列 200 件) | 1 検索 |")
    print("|---|---|---|---|---|")
    print(
        f"| FTS5 trigram | {compare['trigram_build_s']:.1f} s | {compare['trigram_mb']:.0f} MB | "
        f"{compare['trigram_recall']:.1%} | {compare['trigram_ms']:.2f} ms |"
    )
    print(
        f"| FTS5 + fugashi 分かち書き | {compare['fugashi_build_s']:.1f} s | {compare['fugashi_mb']:.0f} MB | "
        f"{compare['fugashi_recall']:.1%} | {compare['fugashi_ms']:.2f} ms |"
    )


def _stage_main(argv: list[str]) -> None:
    stage, *args = argv
    result: dict[str, float]
    if stage == "import":
        result = stage_import(Path(args[0]), Path(args[1]), Path(args[2]))
    elif stage == "search":
        result = stage_search(Path(args[0]), int(args[1]))
    elif stage == "compare":
        result = stage_compare(Path(args[0]))
    elif stage == "export":
        result = stage_export(Path(args[0]), Path(args[1]), Path(args[2]))
    else:
        raise SystemExit(f"unknown stage {stage}")
    print(json.dumps(result))


if __name__ == "__main__":
    _stage_main(sys.argv[1:])
