"""An incident of each kind as the service would hand it over, and a copy of the bundled checklists to break."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from sns_desk.core.incidents import Event, Incident, IncidentKind, IncidentStatus, load_catalog
from sns_desk.core.incidents.catalog import default_directory

FOUND = dt.datetime(2026, 12, 5, 1, 5, tzinfo=dt.UTC)  # 10:05 in Japan
NOW = dt.datetime(2026, 12, 5, 3, 0, tzinfo=dt.UTC)


def make_incident(kind: IncidentKind, *events: Event, status: IncidentStatus = IncidentStatus.OPEN) -> Incident:
    """Incident 7 of the account @hh_koho (managed by kacho), reported by suzuki."""
    return Incident(
        id=7,
        account_id=1,
        account_name="@hh_koho",
        account_manager="kacho",
        kind=kind,
        description="市を名乗る偽アカウントが見つかった",
        found_at=FOUND,
        found_by="鈴木",
        reported_by="suzuki",
        reported_at=FOUND,
        status=status,
        steps=load_catalog().checklist(kind).steps,
        events=events,
    )


@pytest.fixture
def incident_of() -> Callable[..., Incident]:
    return make_incident


@pytest.fixture
def catalog_copy(tmp_path: Path) -> Path:
    """A copy of resources/incidents the test may edit."""
    target = tmp_path / "incidents"
    shutil.copytree(default_directory(), target)
    return target
