"""Kill -9 trials: the store stays consistent when the process dies at any moment.

``python -m sns_desk.bench kill [--trials N]`` starts real ``sns-desk`` commands on an SQLite database and
kills each with SIGKILL after a random delay inside the command's own running time, then checks what a
person would find afterwards:

- ``archive import``: the file passes ``PRAGMA integrity_check``, ``audit verify`` exits 0, and the archive
  holds either none or all of the file's posts (the import is one transaction); importing again completes.
- ``backup export``: the target folder holds a complete package or nothing (a package is built beside it
  and moved into place when finished); if nothing, the next export succeeds and removes the killed
  export's ``.partial-*`` folder; ``backup verify`` passes on the package.
- ``draft submit``: the draft is either still a draft or waiting for approval, the audit chain verifies.

POSIX only (SIGKILL).  Prints one line per command kind: trials, killed mid-run, consistent afterwards.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from .synthetic import write_x_archive

POSTS = 3_000


@dataclass
class Tally:
    trials: int = 0
    killed: int = 0
    """Trials in which the process was still running when it was killed."""
    consistent: int = 0


def _cli(db: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "sns_desk", "--db", f"sqlite:///{db.as_posix()}", *args]


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONIOENCODING": "utf-8"}


def _run(db: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(_cli(db, *args), capture_output=True, text=True, env=_env(), check=False)


def _timed(db: Path, *args: str) -> float:
    start = time.perf_counter()
    done = _run(db, *args)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed: {done.stderr}")
    return time.perf_counter() - start


def _kill_after(db: Path, delay: float, *args: str) -> bool:
    """Run a command, SIGKILL it after ``delay`` seconds; whether it was still running then."""
    process = subprocess.Popen(_cli(db, *args), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=_env())
    try:
        process.wait(timeout=delay)
        return False
    except subprocess.TimeoutExpired:
        process.send_signal(signal.SIGKILL)
        process.wait()
        return True


def _healthy(db: Path) -> bool:
    with sqlite3.connect(db) as connection:
        ok = connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    return ok and _run(db, "audit", "verify").returncode == 0


def _items(db: Path) -> int:
    with sqlite3.connect(db) as connection:
        return int(connection.execute("SELECT count(*) FROM posted_items").fetchone()[0])


def _drafts(db: Path) -> list[tuple[int, str, str]]:
    with sqlite3.connect(db) as connection:
        return [(int(r[0]), str(r[1]), str(r[2])) for r in connection.execute("SELECT id, state, text FROM drafts")]


def trial_import(work: Path, rng: random.Random, trials: int) -> Tally:
    tally = Tally()
    archive = write_x_archive(work / "x.zip", POSTS)
    probe = work / "probe.db"
    _run(probe, "--create", "user", "list")
    duration = _timed(probe, "archive", "import", str(archive))
    for n in range(trials):
        db = work / f"import-{n}.db"
        _run(db, "--create", "user", "list")
        tally.trials += 1
        tally.killed += _kill_after(db, rng.uniform(0.05, duration), "archive", "import", str(archive))
        whole = _healthy(db) and _items(db) in (0, POSTS)
        again = _run(db, "archive", "import", str(archive)).returncode == 0 and _items(db) == POSTS
        tally.consistent += whole and again and _healthy(db)
    return tally


def trial_export(work: Path, rng: random.Random, trials: int) -> Tally:
    tally = Tally()
    db = work / "export.db"
    _run(db, "--create", "archive", "import", str(work / "x.zip"))
    duration = _timed(db, "backup", "export", "--to", str(work / "probe-backups"))
    for n in range(trials):
        target = work / f"backups-{n}"
        tally.trials += 1
        tally.killed += _kill_after(db, rng.uniform(0.05, duration), "backup", "export", "--to", str(target))
        # Killed after the finished package was moved into place, the export is done: the target must
        # verify. Otherwise the next export must succeed and remove the killed one's partial folder.
        finished = target.exists() or _run(db, "backup", "export", "--to", str(target)).returncode == 0
        leftovers = list(work.glob(f"{target.name}.partial-*"))  # a package is built beside its target
        verified = _run(db, "backup", "verify", str(target)).returncode == 0
        tally.consistent += finished and not leftovers and verified and _healthy(db)
    return tally


def trial_submit(work: Path, rng: random.Random, trials: int) -> Tally:
    from ..core.checker import default_checker
    from ..services.desk import DeskService
    from ..storage.database import open_database

    tally = Tally()
    db = work / "drafts.db"
    database = open_database(f"sqlite:///{db.as_posix()}")
    desk = DeskService(database, default_checker, database.login())
    account = desk.add_account("x", "広報テスト", "https://x.com/koho", "広報", database.login())
    text = "図書館で冬のおはなし会を開催します。"
    ids = [desk.create_draft(account.id, text=f"{text}({n})").id for n in range(trials + 1)]
    database.close()
    duration = _timed(db, "draft", "submit", str(ids[-1]))
    for draft_id in ids[:-1]:
        tally.trials += 1
        tally.killed += _kill_after(db, rng.uniform(0.05, duration), "draft", "submit", str(draft_id))
        (state,) = [s for i, s, _ in _drafts(db) if i == draft_id]
        tally.consistent += state in ("draft", "pending") and _healthy(db)
    return tally


def run(trials: int, seed: int) -> dict[str, Tally]:
    rng = random.Random(seed)
    with tempfile.TemporaryDirectory(prefix="sns-desk-kill-") as tmp:
        work = Path(tmp)
        results = {
            "archive import": trial_import(work, rng, trials),
            "backup export": trial_export(work, rng, trials),
            "draft submit": trial_submit(work, rng, trials),
        }
    for name, t in results.items():
        print(f"{name:15} trials {t.trials:3}  killed mid-run {t.killed:3}  consistent afterwards {t.consistent:3}")
    return results


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m sns_desk.bench kill", description="kill -9 の試行")
    parser.add_argument("--trials", type=int, default=20, help="コマンドごとの試行回数")
    parser.add_argument("--seed", type=int, default=9)
    parser.add_argument("--json", action="store_true", help="結果を JSON でも出力する")
    args = parser.parse_args(argv)
    results = run(args.trials, args.seed)
    if args.json:
        print(json.dumps({k: vars(v) for k, v in results.items()}, ensure_ascii=False))
    return 0 if all(t.consistent == t.trials for t in results.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
