"""The shared media folder: one setting for every terminal, set by the operations manager only."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from sns_desk.core.audit import AuditAction
from sns_desk.core.errors import InvalidInput
from sns_desk.core.workflow import WorkflowError
from sns_desk.services.audit import AuditService
from sns_desk.services.settings import SettingsService
from sns_desk.storage.database import Database


def test_the_default_is_next_to_the_sqlite_file(opener: Callable[..., Database], db_url: str, os_user: str) -> None:
    settings = SettingsService(opener(db_url), os_user)
    assert settings.media_root() == Path(db_url.removeprefix("sqlite:///")).with_suffix(".media")
    assert not settings.media_root_is_shared()


def test_only_the_operations_manager_names_a_shared_folder(
    opener: Callable[..., Database], db_url: str, os_user: str, tmp_path: Path
) -> None:
    database = opener(db_url)
    shared = tmp_path / "fileserver" / "media"
    shared.mkdir(parents=True)
    with pytest.raises(WorkflowError, match="運用管理者だけ"):
        SettingsService(database, "suzuki").set_media_root(str(shared))
    ops = SettingsService(database, os_user)
    with pytest.raises(InvalidInput, match="絶対パス"):
        ops.set_media_root("media")
    with pytest.raises(InvalidInput, match="ありません"):
        ops.set_media_root(str(tmp_path / "missing"))
    assert ops.set_media_root(f"  {shared} ") == shared
    # Every terminal (any login) now uses the shared folder.
    assert SettingsService(database, "suzuki").media_root() == shared
    assert SettingsService(database, "suzuki").media().root == shared
    (record,) = AuditService(database).history("setting", "media_root")
    assert (record.action, record.actor) == (AuditAction.SETTING_CHANGED.value, os_user)
    assert f"after: {shared}" in record.details
