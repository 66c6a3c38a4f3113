"""Runtime configuration shared by the GUI and the CLI (no Qt here)."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

#: Environment variable holding an SQLAlchemy database URL.
DB_ENV_VAR = "SNS_DESK_DB"
#: Application name used for the per-user data directory.
APP_NAME = "sns-desk"
#: File name of the default SQLite database inside the data directory.
DEFAULT_DB_FILENAME = "sns_desk.db"


def user_data_dir() -> Path:
    """Return the per-user data directory, creating it if necessary."""
    path = Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))
    path.mkdir(parents=True, exist_ok=True)
    return path


def default_db_url() -> str:
    """Return the URL of the default SQLite database in the user data directory."""
    return sqlite_url(user_data_dir() / DEFAULT_DB_FILENAME)


def sqlite_url(path: Path) -> str:
    """Return an SQLAlchemy URL for the SQLite file at ``path`` (made absolute)."""
    return f"sqlite:///{path.expanduser().absolute().as_posix()}"


def resolve_db_url(cli_value: str | None) -> str:
    """Pick the database URL: ``--db`` first, then ``$SNS_DESK_DB``, else the default file.

    Blank values count as not given.
    """
    if cli_value is not None and cli_value.strip():
        return cli_value.strip()
    env_value = os.environ.get(DB_ENV_VAR, "").strip()
    if env_value:
        return env_value
    return default_db_url()
