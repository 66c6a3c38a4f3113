"""``sns-desk settings media-root``: the shared media folder, shown to anyone, changed by the operations manager."""

from __future__ import annotations

from pathlib import Path

from .runner import sns_desk


def test_show_and_set_the_shared_media_folder(tmp_path: Path) -> None:
    db = f"sqlite:///{(tmp_path / 'desk.db').as_posix()}"
    shown = sns_desk(db, "tanaka", "settings", "media-root")  # tanaka creates the database
    assert shown.returncode == 0 and shown.stdout == f"{tmp_path / 'desk.media'}\t既定(この端末)\n"
    shared = tmp_path / "share" / "media"
    shared.mkdir(parents=True)
    refused = sns_desk(db, "suzuki", "settings", "media-root", str(shared))
    assert refused.returncode == 2 and "運用管理者だけ" in refused.stderr
    missing = sns_desk(db, "tanaka", "settings", "media-root", str(tmp_path / "nowhere"))
    assert missing.returncode == 2 and "ありません" in missing.stderr
    done = sns_desk(db, "tanaka", "settings", "media-root", str(shared))
    assert done.returncode == 0 and "全端末" in done.stdout
    assert sns_desk(db, "suzuki", "settings", "media-root").stdout == f"{shared}\t共有フォルダー\n"
