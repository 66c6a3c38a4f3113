"""sns_desk.config: database URL precedence and the OS user name."""

from __future__ import annotations

from pathlib import Path

import platformdirs
import pytest

from sns_desk import config


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Redirect platformdirs' user data directory into the test's temporary folder."""
    target = tmp_path / "user-data" / "sns-desk"
    monkeypatch.setattr(platformdirs, "user_data_dir", lambda *args, **kwargs: str(target))
    return target


def test_cli_value_wins_over_environment(monkeypatch: pytest.MonkeyPatch, data_dir: Path) -> None:
    monkeypatch.setenv(config.DB_ENV_VAR, "sqlite:///from-env.db")
    assert config.resolve_db_url("sqlite:///from-cli.db") == "sqlite:///from-cli.db"


def test_environment_wins_over_default(monkeypatch: pytest.MonkeyPatch, data_dir: Path) -> None:
    monkeypatch.setenv(config.DB_ENV_VAR, "postgresql+psycopg://u@db.example/sns")
    assert config.resolve_db_url(None) == "postgresql+psycopg://u@db.example/sns"
    assert not data_dir.exists()


def test_default_is_sqlite_file_in_user_data_dir(monkeypatch: pytest.MonkeyPatch, data_dir: Path) -> None:
    monkeypatch.delenv(config.DB_ENV_VAR, raising=False)
    url = config.resolve_db_url(None)
    assert url == f"sqlite:///{(data_dir / 'sns_desk.db').as_posix()}"
    assert data_dir.is_dir()


@pytest.mark.parametrize("blank", ["", "   "])
def test_blank_values_count_as_not_given(blank: str, monkeypatch: pytest.MonkeyPatch, data_dir: Path) -> None:
    monkeypatch.setenv(config.DB_ENV_VAR, blank)
    assert config.resolve_db_url(blank) == f"sqlite:///{(data_dir / 'sns_desk.db').as_posix()}"


def test_default_asks_platformdirs_for_sns_desk_without_author(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    seen: list[tuple[str, object]] = []

    def fake_user_data_dir(appname: str, appauthor: object = None) -> str:
        seen.append((appname, appauthor))
        return str(tmp_path / "d")

    monkeypatch.setattr(platformdirs, "user_data_dir", fake_user_data_dir)
    monkeypatch.delenv(config.DB_ENV_VAR, raising=False)
    config.resolve_db_url(None)
    assert seen == [("sns-desk", False)]
