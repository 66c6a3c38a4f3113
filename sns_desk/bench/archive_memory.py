"""Peak memory and time of importing big Meta and Mastodon exports (issue 9: RSS <= 400 MB for any export).

``python -m sns_desk.bench archive_memory [--mb 200]`` writes, in a temporary folder, a Facebook export whose
posts file is one line of about ``--mb`` MB (Meta's JSON, mojibake escapes and all) and a Mastodon ``.tar.gz``
whose ``outbox.json`` is as big, then imports each into a new SQLite archive in a child process of its own and
prints how long it took (wall clock, and the child's CPU time, steadier on a busy machine) and the child's peak
resident memory: ``VmHWM`` (the process's own high-water mark) and ``ru_maxrss`` from ``resource.getrusage``
(on Linux it also counts the parent's size at the fork, which is small here because the exports are written to
disk as a stream).
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

from sns_desk.bench.archive import peak_rss_mb

TARGET_MB = 400
"""The peak RSS an import may reach, whatever the export's size."""


def _ru_maxrss_mb() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 1024 / (1024 if sys.platform == "darwin" else 1)


def stage_import(export: Path, db: Path, media: Path, fmt: str) -> dict[str, float]:
    """Import ``export`` into a new SQLite archive at ``db`` (run in a child process)."""
    from sns_desk.services.archive_import import import_export
    from sns_desk.storage.database import open_database
    from sns_desk.storage.media import MediaStore

    with open_database(f"sqlite:///{db.as_posix()}", create=True) as database:
        start, cpu = time.perf_counter(), time.process_time()
        result = import_export(database, MediaStore(media), export, fmt)
        seconds, cpu_seconds = time.perf_counter() - start, time.process_time() - cpu
    return {
        "seconds": seconds,
        "cpu_seconds": cpu_seconds,
        "added": result.added,
        "hwm_mb": peak_rss_mb(),
        "maxrss_mb": _ru_maxrss_mb(),
    }


def _child(*args: str) -> dict[str, float]:
    done = subprocess.run(
        [sys.executable, "-m", "sns_desk.bench.archive_memory", "stage", *args],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"stage failed:\n{done.stderr}")
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def run(mb: int = 200, keep: Path | None = None, only: str | None = None) -> list[dict[str, object]]:
    """Write the exports, import each in its own process, print a table and return its rows."""
    from sns_desk.bench.synthetic import write_facebook_export, write_mastodon_export

    rows: list[dict[str, object]] = []
    with tempfile.TemporaryDirectory(prefix="sns-desk-bench-memory-") as tmp_name:
        tmp = keep or Path(tmp_name)
        tmp.mkdir(parents=True, exist_ok=True)
        target = mb * 1024 * 1024
        exports: list[tuple[str, str, Path, dict[str, int]]] = []
        if only in (None, "facebook"):
            folder = tmp / "facebook"
            facts = tmp / "facebook.json"
            if not facts.is_file():
                print(f"Facebook のエクスポート({mb} MB、1 行)を作成中…", file=sys.stderr)
                _folder, count = write_facebook_export(folder, target)
                size = (folder / "your_facebook_activity" / "posts" / "your_posts_1.json").stat().st_size
                facts.write_text(json.dumps({"posts": count, "json_bytes": size}))
            exports.append(("Facebook(posts 1 行、フォルダ)", "facebook", folder, json.loads(facts.read_text())))
        if only in (None, "mastodon"):
            tarball = tmp / "mastodon.tar.gz"
            facts = tmp / "mastodon.json"
            if not facts.is_file():
                print(f"Mastodon のエクスポート({mb} MB の outbox.json、tar.gz)を作成中…", file=sys.stderr)
                _path, count = write_mastodon_export(tarball, target)
                with tarfile.open(tarball) as tar:
                    size = tar.getmember("outbox.json").size
                facts.write_text(json.dumps({"posts": count, "json_bytes": size}))
            exports.append(("Mastodon(outbox.json 1 行、tar.gz)", "mastodon", tarball, json.loads(facts.read_text())))
        for label, fmt, path, known in exports:
            db = tmp / f"{fmt}.db"
            for stale in (db, Path(f"{db}-wal"), Path(f"{db}-shm")):
                stale.unlink(missing_ok=True)
            print(f"{label} を取り込み中…", file=sys.stderr)
            result = _child(str(path), str(db), str(tmp / f"media-{fmt}"), fmt)
            if result["added"] != known["posts"]:
                raise RuntimeError(f"{label}: {result['added']} posts imported, {known['posts']} expected")
            rows.append({"export": label, "mb": known["json_bytes"] / 1024**2, "posts": known["posts"], **result})
    print(
        "| エクスポート | 大きさ | 投稿 | 取り込み時間 (CPU) | 最大メモリ VmHWM | ru_maxrss | "
        f"目標 RSS ≤ {TARGET_MB} MB |"
    )
    print("|---|---|---|---|---|---|---|")
    for row in rows:
        ok = "OK" if float(row["hwm_mb"]) <= TARGET_MB else "超過"  # type: ignore[arg-type]
        print(
            f"| {row['export']} | {row['mb']:,.0f} MB | {row['posts']:,} | {row['seconds']:.1f} s "
            f"({row['cpu_seconds']:.1f} s) | {row['hwm_mb']:,.0f} MB | {row['maxrss_mb']:,.0f} MB | {ok} |"
        )
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m sns_desk.bench archive_memory")
    parser.add_argument("--mb", type=int, default=200, help="投稿ファイルの大きさ (MB)")
    parser.add_argument("--keep", type=Path, help="作成したエクスポートを置くフォルダ(再利用する)")
    parser.add_argument("--only", choices=("facebook", "mastodon"), help="一方だけ計測する")
    args = parser.parse_args(argv)
    run(args.mb, args.keep, args.only)
    return 0


def _stage_main(argv: list[str]) -> None:
    export, db, media, fmt = argv
    print(json.dumps(stage_import(Path(export), Path(db), Path(media), fmt)))


if __name__ == "__main__":
    if sys.argv[1:2] == ["stage"]:
        _stage_main(sys.argv[2:])
    else:
        sys.exit(main())
