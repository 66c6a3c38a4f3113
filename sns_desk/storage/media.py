"""Media files stored once, by the SHA-256 of their bytes, outside the database.

``root/ab/abcdef…`` holds the file whose hash is ``abcdef…``. A file is written to a temporary
name and renamed into place only when complete, so a crash never leaves a half-written file
under a real name, and reading checks the hash, so a damaged file is reported, not used.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

from .errors import StorageError


class MediaStore:
    def __init__(self, root: Path) -> None:
        self.root = root

    def path(self, sha256: str) -> Path:
        if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
            raise StorageError(f"メディアの識別子「{sha256}」が正しくありません")
        return self.root / sha256[:2] / sha256

    def put(self, data: bytes) -> str:
        """Store ``data`` (once) and return its SHA-256."""
        digest = hashlib.sha256(data).hexdigest()
        target = self.path(digest)
        if target.exists() and hashlib.sha256(target.read_bytes()).hexdigest() == digest:
            return digest  # already stored intact; a damaged copy is written again
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
            try:
                with os.fdopen(fd, "wb") as f:
                    f.write(data)
                    f.flush()
                    os.fsync(f.fileno())
                os.chmod(tmp, 0o644)  # readable by colleagues when the folder is shared
                os.replace(tmp, target)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
        except OSError as exc:
            raise StorageError(f"メディアを保存できません({self.root}: {exc.strerror or exc})") from exc
        return digest

    def get(self, sha256: str) -> bytes:
        target = self.path(sha256)
        try:
            data = target.read_bytes()
        except OSError as exc:
            raise StorageError(f"メディアファイルが見つからないか読めません({target})") from exc
        if hashlib.sha256(data).hexdigest() != sha256:
            raise StorageError(f"メディアファイルが壊れています(内容が記録と一致しません: {target})")
        return data


def default_media_root(db_display_name: str) -> Path:
    """Next to an SQLite file (``sns_desk.db`` → ``sns_desk.media``); else the user data folder."""
    from ..config import user_data_dir

    candidate = Path(db_display_name)
    if candidate.suffix == ".db" and candidate.parent.exists():
        return candidate.with_suffix(".media")
    return user_data_dir() / "media"
