"""The CLI tests run ``sns-desk`` in this process: keep the environment it reads their own."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _cli_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """No database or rulebook chosen by the developer's shell; usage text wrapped at one width."""
    for var in ("SNS_DESK_DB", "SNS_DESK_RULEBOOK"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("COLUMNS", "100")
