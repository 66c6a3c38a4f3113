"""Settings the whole office shares, kept in the database and changed by the operations manager.

``media_root``: where attached images and archived media live. On one terminal (SQLite) the folder
next to the database file is right; with a shared PostgreSQL store every terminal must see the
same files, so the operations manager names a shared folder (e.g. ``\\\\fileserver\\koho\\media``)
once and every terminal uses it.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from pathlib import Path
from typing import Final

from ..core.audit import AuditAction
from ..core.errors import InvalidInput
from ..core.people import Role
from ..core.workflow import WorkflowError
from ..storage import audit
from ..storage.database import Database
from ..storage.media import MediaStore, default_media_root
from ..storage.models import AppSetting, utc_now
from ..storage.rows import person_for

MEDIA_ROOT_KEY: Final = "media_root"


def media_for(database: Database) -> MediaStore:
    """The media store every front end uses: the shared folder when set, else the default."""
    return SettingsService(database, "").media()


class SettingsService:
    def __init__(self, database: Database, login: str, clock: Callable[[], dt.datetime] = utc_now) -> None:
        self._db = database
        self._login = login
        self._clock = clock

    def media_root(self) -> Path:
        """The shared media folder when one is set, else the default next to an SQLite file."""
        with self._db.session() as s:
            setting = s.get(AppSetting, MEDIA_ROOT_KEY)
        if setting is not None and setting.value:
            return Path(setting.value)
        return default_media_root(self._db.display_name)

    def media_root_is_shared(self) -> bool:
        with self._db.session() as s:
            setting = s.get(AppSetting, MEDIA_ROOT_KEY)
        return setting is not None and bool(setting.value)

    def media(self) -> MediaStore:
        return MediaStore(self.media_root())

    def set_media_root(self, folder: str) -> Path:
        """Name the shared media folder (an existing, writable folder; an absolute path or UNC name)."""
        with self._db.session() as s:
            if person_for(s, self._login).role is not Role.OPERATIONS_MANAGER:
                raise WorkflowError("メディアの保存先を設定できるのは運用管理者だけです")
        path = Path(folder.strip()).expanduser()
        if not folder.strip() or not path.is_absolute():
            raise InvalidInput("メディアの保存先は絶対パス(例: \\\\fileserver\\koho\\media)で指定してください")
        if not path.is_dir():
            raise InvalidInput(f"フォルダ「{path}」がありません。先に作成してから指定してください")
        if not os.access(path, os.W_OK):
            raise InvalidInput(f"フォルダ「{path}」に書き込めません。アクセス権を確認してください")
        with self._db.session() as s:
            me = person_for(s, self._login)
            old = s.get(AppSetting, MEDIA_ROOT_KEY)
            before = old.value if old is not None else ""
            s.merge(AppSetting(key=MEDIA_ROOT_KEY, value=str(path)))
            audit.append(
                s,
                me.login,
                AuditAction.SETTING_CHANGED,
                "setting",
                MEDIA_ROOT_KEY,
                {"before": before, "after": str(path)},
                at=self._clock(),
            )
        return path
