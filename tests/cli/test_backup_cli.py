"""``sns-desk backup``: export, verify (exit 1 naming each problem), restore and the scheduled run."""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import re
import select
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from sns_desk.bench.synthetic import write_x_archive
from sns_desk.cli.backup import run_backup_command
from sns_desk.core.archive import package

from .runner import CliResult, sns_desk, spawn_env

ENV = spawn_env(forged_login="tanaka")


def run(db: str, *args: str) -> CliResult:
    return sns_desk(db, "tanaka", *args)


def x_export(path: Path) -> Path:
    posts = [
        {"tweet": {"id_str": str(n), "full_text": f"お知らせ {n}", "created_at": f"Sat Aug 0{n} 09:00:00 +0000 2025"}}
        for n in (1, 2, 3)
    ]
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("data/account.js", "window.YTD.account.part0 = " + json.dumps([{"account": {"username": "koho"}}]))
        z.writestr("data/tweets.js", "window.YTD.tweets.part0 = " + json.dumps(posts, ensure_ascii=False))
        z.writestr("data/tweets_media/2-photo.jpg", b"\xff\xd8\xff not really a jpeg")
    return path


def test_export_verify_restore_and_run(tmp_path: Path) -> None:
    db = f"sqlite:///{(tmp_path / 'a.db').as_posix()}"
    assert run(db, "archive", "import", str(x_export(tmp_path / "x.zip"))).returncode == 0
    bag = tmp_path / "bag"
    exported = run(db, "backup", "export", "--to", str(bag), "--since", "2025-08-02")
    assert exported.returncode == 0, exported.stderr
    assert "2 件、メディア 1 件を書き出しました" in exported.stdout
    ok = run(db, "backup", "verify", str(bag))
    assert ok.returncode == 0 and "ありません" in ok.stdout

    other = f"sqlite:///{(tmp_path / 'b.db').as_posix()}"
    restored = run(other, "backup", "restore", str(bag))
    assert restored.returncode == 0 and "2 件を追加、0 件は登録済み" in restored.stdout
    found = json.loads(run(other, "archive", "search", "お知らせ", "--format", "json").stdout)
    assert sorted(item["platform_id"] for item in found["items"]) == ["2", "3"]

    (bag / "data" / "items.csv").write_text("changed", encoding="utf-8")
    (bag / "data" / "extra.txt").write_text("extra", encoding="utf-8")
    (media,) = (bag / "data" / "media").rglob("*.jpg")
    media.unlink()
    bad = run(db, "backup", "verify", str(bag))
    assert bad.returncode == 1
    assert "data/items.csv" in bad.stdout and "data/extra.txt" in bad.stdout and media.name in bad.stdout
    assert "問題が 3 件あります" in bad.stdout
    refused = run(other, "backup", "restore", str(bag))
    assert refused.returncode == 2 and "Traceback" not in refused.stderr

    root = tmp_path / "scheduled"
    for _ in range(2):
        scheduled = run(db, "backup", "run", "--to", str(root), "--keep", "1")
        assert scheduled.returncode == 0, scheduled.stderr
    assert "古いバックアップを削除しました" in scheduled.stdout
    assert len([p for p in root.iterdir() if p.is_dir()]) == 1
    assert run(db, "backup", "run", "--to", str(root), "--keep", "0").returncode == 2


def test_verify_of_something_else_is_exit_1(tmp_path: Path) -> None:
    folder = tmp_path / "not-a-bag"
    folder.mkdir()
    (folder / "file.txt").write_text("x", encoding="utf-8")
    result = run(f"sqlite:///{(tmp_path / 'a.db').as_posix()}", "backup", "verify", str(folder))
    assert result.returncode == 1 and result.stdout.startswith("NG")


POSTS = 30_000
PROGRESS = re.compile(r"([\d,]+)(?: / [\d,]+)? 件")


@pytest.mark.skipif(sys.platform == "win32", reason="SIGINT and a pseudo-terminal are POSIX")
def test_ctrl_c_during_archive_import_is_a_message_and_exit_2_like_backup(tmp_path: Path) -> None:
    import pty

    db = f"sqlite:///{(tmp_path / 'a.db').as_posix()}"
    export = write_x_archive(tmp_path / "x.zip", POSTS)
    # stderr on a pseudo-terminal, so the import writes its progress there: the first progress line
    # says the import is under way (no sleeping, no guessing how long start-up takes).
    master, terminal = pty.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-m", "sns_desk", "--db", db, "archive", "import", str(export)],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=terminal,
        env=ENV,
        # A run started in the background (CI, `cmd &`) inherits SIGINT ignored, and Python then installs no
        # KeyboardInterrupt handler: give the child Ctrl+C as a terminal would.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),  # POSIX only
    )
    os.close(terminal)
    received = b""
    deadline = time.monotonic() + 120
    try:
        # Interrupted while the progress still counts below the whole (a slow machine may show its first
        # line late; a line at the end would let the import finish before the signal lands).
        while not (counts := [int(n.replace(",", "")) for n in PROGRESS.findall(received.decode("utf-8", "replace"))]):
            assert proc.poll() is None, received.decode("utf-8", "replace")
            assert time.monotonic() < deadline, "no progress from the import"
            if select.select([master], [], [], 0.5)[0]:
                received += os.read(master, 4096)
        assert min(counts) < POSTS, f"the first progress line came at the end: {received.decode('utf-8', 'replace')}"
        proc.send_signal(signal.SIGINT)
        while True:  # the rest of stderr, until the process closes the terminal
            assert time.monotonic() < deadline, "the import did not stop"
            if select.select([master], [], [], 0.5)[0]:
                try:
                    chunk = os.read(master, 4096)
                except OSError:  # EIO: the other end is closed
                    break
                if not chunk:
                    break
                received += chunk
            elif proc.poll() is not None:
                break
        assert proc.wait(timeout=60) == 2
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        assert proc.stdout is not None
        proc.stdout.close()
        os.close(master)
    stderr = received.decode("utf-8", "replace")
    assert "中止" in stderr and "Traceback" not in stderr, stderr
    found = run(db, "archive", "search", "", "--format", "json")
    assert found.returncode == 0, found.stderr
    assert json.loads(found.stdout)["total"] == 0  # one transaction: nothing of the import is left


@pytest.mark.parametrize("command", ["verify", "export", "restore", "run"])
def test_ctrl_c_in_every_backup_subcommand_is_a_message_and_exit_2(
    command: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def interrupted(*_args: object, **_kwargs: object) -> object:
        raise KeyboardInterrupt

    from sns_desk.services import backups as backup

    monkeypatch.setattr(package, "verify_package", interrupted)
    for name in ("export_backup", "restore_backup", "run_backup"):
        monkeypatch.setattr(backup, name, interrupted)
    args = argparse.Namespace(
        db=f"sqlite:///{(tmp_path / 'a.db').as_posix()}",
        backup_command=command,
        dir=str(tmp_path / "bag"),
        to=str(tmp_path / "to"),
        account=None,
        since=None,
        keep=1,
    )
    out, err = io.StringIO(), io.StringIO()
    assert run_backup_command(args, out, err) == 2
    assert "中止しました" in err.getvalue() and out.getvalue() == ""


def test_restore_into_a_mistyped_database_is_refused_and_needs_create(tmp_path: Path) -> None:
    db = f"sqlite:///{(tmp_path / 'a.db').as_posix()}"
    assert run(db, "archive", "import", str(x_export(tmp_path / "x.zip"))).returncode == 0
    assert run(db, "backup", "export", "--to", str(tmp_path / "pkg")).returncode == 0
    new = tmp_path / "b.db"
    refused = sns_desk(
        f"sqlite:///{new.as_posix()}", "tanaka", "backup", "restore", str(tmp_path / "pkg"), create=False
    )
    assert refused.returncode == 2
    assert "まだありません" in refused.stderr and "--create" in refused.stderr
    assert not new.exists()
    done = sns_desk(
        f"sqlite:///{new.as_posix()}", "tanaka", "--create", "backup", "restore", str(tmp_path / "pkg"), create=False
    )
    assert done.returncode == 0, done.stderr
    assert "3 件を追加" in done.stdout


def _damage_index_page(path: Path, index: str) -> None:
    """Overwrite the b-tree header of ``index``'s root page (not the file header): the table stays readable."""
    import sqlite3
    from contextlib import closing

    with closing(sqlite3.connect(path)) as con:
        page_size = con.execute("PRAGMA page_size").fetchone()[0]
        (root,) = con.execute("SELECT rootpage FROM sqlite_master WHERE name = ?", (index,)).fetchone()
    with open(path, "r+b") as f:
        f.seek((root - 1) * page_size)
        f.write(b"\xff" * 8)


def test_a_damaged_database_is_refused_but_export_reads_what_it_can(tmp_path: Path) -> None:
    path = tmp_path / "a.db"
    db = f"sqlite:///{path.as_posix()}"
    assert run(db, "archive", "import", str(x_export(tmp_path / "x.zip"))).returncode == 0
    _damage_index_page(path, "ix_posted_items_posted_at")
    refused = run(db, "archive", "search", "お知らせ")
    assert refused.returncode == 2 and "Traceback" not in refused.stderr
    assert "壊れています" in refused.stderr and "backup restore" in refused.stderr
    exported = run(db, "backup", "export", "--to", str(tmp_path / "pkg"))
    assert exported.returncode == 0, exported.stderr
    assert "読み取り専用" in exported.stderr and "3 件" in exported.stdout
    assert run(db, "backup", "verify", str(tmp_path / "pkg")).returncode == 0
    restored = run(f"sqlite:///{(tmp_path / 'b.db').as_posix()}", "backup", "restore", str(tmp_path / "pkg"))
    assert restored.returncode == 0 and "3 件を追加" in restored.stdout


@pytest.mark.parametrize("content", [bytes(range(256)) * 64, "メモ\n".encode() * 500], ids=["random", "text"])
def test_a_file_that_is_no_database_is_exit_2(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "notes.db"
    path.write_bytes(content)
    for args in (
        ["backup", "export", "--to", str(tmp_path / "pkg")],
        ["backup", "run", "--to", str(tmp_path / "b"), "--keep", "3"],
    ):
        result = run(f"sqlite:///{path.as_posix()}", *args)
        assert result.returncode == 2 and "Traceback" not in result.stderr
        assert "データベースではないファイル" in result.stderr
    assert path.read_bytes() == content
    assert not (tmp_path / "pkg").exists()


def test_verify_shows_the_audit_chain_head(tmp_path: Path) -> None:
    db = f"sqlite:///{(tmp_path / 'a.db').as_posix()}"
    assert run(db, "archive", "import", str(x_export(tmp_path / "x.zip"))).returncode == 0
    assert run(db, "backup", "export", "--to", str(tmp_path / "pkg")).returncode == 0
    head = package.read_package(tmp_path / "pkg")  # verifies; the head itself is read from bag-info.txt
    assert head.count == 3
    info = (tmp_path / "pkg" / "bag-info.txt").read_text(encoding="utf-8")
    (line,) = [x for x in info.splitlines() if x.startswith("X-SNS-Desk-Audit-Chain-Head: ")]
    count, digest = line.split(": ", 1)[1].split(" ")
    verified = run(db, "backup", "verify", str(tmp_path / "pkg"))
    assert verified.returncode == 0
    assert f"監査記録の先頭(書き出し時点): {int(count):,} 件、最後の記録の SHA-256 {digest}" in verified.stdout
    trail = run(db, "audit", "export", "--out", str(tmp_path / "audit.csv"))
    assert trail.returncode == 0, trail.stderr
    assert "バックアップを書き出し" in (tmp_path / "audit.csv").read_text(encoding="utf-8-sig")


def test_a_run_from_an_empty_database_into_a_folder_of_backups_is_exit_2(tmp_path: Path) -> None:
    db = f"sqlite:///{(tmp_path / 'a.db').as_posix()}"
    assert run(db, "archive", "import", str(x_export(tmp_path / "x.zip"))).returncode == 0
    assert run(db, "backup", "run", "--to", str(tmp_path / "b"), "--keep", "1").returncode == 0
    wrong = run(
        f"sqlite:///{(tmp_path / 'new.db').as_posix()}", "backup", "run", "--to", str(tmp_path / "b"), "--keep", "1"
    )
    assert wrong.returncode == 2
    assert "投稿が 1 件もありません" in wrong.stderr and "3 件" in wrong.stderr
    assert len([p for p in (tmp_path / "b").iterdir() if p.name.startswith("sns-desk-backup-")]) == 1


@pytest.mark.slow
@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")
def test_the_partial_folder_of_a_killed_export_is_removed_by_the_next_export(tmp_path: Path) -> None:
    """``kill -9`` in the middle of a real ``backup export``: the half-written folder stays (nothing could
    clean up), and the next export into the same folder removes it and nothing else."""
    from sns_desk.core.archive.package.write import PARTIAL_INFIX, PARTIAL_MARKER

    db = f"sqlite:///{(tmp_path / 'a.db').as_posix()}"
    assert run(db, "archive", "import", str(write_x_archive(tmp_path / "x.zip", 20000))).returncode == 0
    backups = tmp_path / "backups"
    backups.mkdir()
    (backups / "keiyaku.partial-abc").mkdir()  # someone else's folder
    proc = subprocess.Popen(
        [sys.executable, "-m", "sns_desk", "--db", db, "backup", "export", "--to", str(backups / "first")],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=ENV,
    )
    deadline = time.monotonic() + 120
    try:
        while not [p for p in backups.iterdir() if PARTIAL_INFIX in p.name and (p / PARTIAL_MARKER).exists()]:
            assert proc.poll() is None, "the export ended before its partial folder was seen"
            assert time.monotonic() < deadline, "no partial folder appeared"
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(timeout=0.005)  # bounded wait on the process itself, not a sleep
        proc.kill()
        assert proc.wait(timeout=60) == -signal.SIGKILL
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    (left,) = [p for p in backups.iterdir() if PARTIAL_INFIX in p.name]
    assert not (backups / "first").exists()
    second = subprocess.run(  # a new process, as the next export is: the partial is older than it
        [sys.executable, "-m", "sns_desk", "--db", db, "backup", "export", "--to", str(backups / "second")],
        capture_output=True,
        env=ENV,
        timeout=120,
    )
    assert second.returncode == 0, second.stderr.decode("utf-8", "replace")
    assert not left.exists()
    assert sorted(p.name for p in backups.iterdir()) == ["keiyaku.partial-abc", "second"]
    assert run(db, "backup", "verify", str(backups / "second")).returncode == 0


def test_export_reads_media_from_the_shared_media_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import datetime as dt

    from sns_desk.services.settings import SettingsService
    from sns_desk.storage import identity
    from sns_desk.storage.database import open_database
    from sns_desk.storage.media import MediaStore
    from sns_desk.storage.models import AccountRow, PostedItemRow, PostedMediaRow

    db = f"sqlite:///{(tmp_path / 'a.db').as_posix()}"
    shared = tmp_path / "fileserver" / "media"
    shared.mkdir(parents=True)
    monkeypatch.setattr(identity, "os_login", lambda: "tanaka")
    with open_database(db) as database:
        SettingsService(database, "tanaka").set_media_root(str(shared))
        digest = MediaStore(shared).put(b"\x89PNG\r\n\x1a\nshared")
        with database.session() as s:
            account = AccountRow(platform="x", name="koho", url="", department="", manager="", status="imported")
            s.add(account)
            s.flush()
            item = PostedItemRow(
                account_id=account.id, platform="x", platform_id="1", url="", text="写真", author="a",
                posted_at=dt.datetime(2025, 1, 1, tzinfo=dt.UTC), source="x-archive",
            )  # fmt: skip
            s.add(item)
            s.flush()
            s.add(PostedMediaRow(item_id=item.id, sha256=digest, name="a.png"))
    exported = run(db, "backup", "export", "--to", str(tmp_path / "pkg"))
    assert exported.returncode == 0, exported.stderr
    assert "メディア 1 件" in exported.stdout
