"""Where the data files in ``resources/`` live, from a source checkout or a frozen build."""

from __future__ import annotations

import os
import sys
from pathlib import Path


def resources_dir() -> Path:
    """The ``resources/`` folder: ``SNS_DESK_RESOURCES``, a frozen bundle, or the checkout."""
    override = os.environ.get("SNS_DESK_RESOURCES")
    if override:
        return Path(override)
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        return Path(bundle) / "resources"
    return Path(__file__).resolve().parent.parent / "resources"


def resource_path(*parts: str) -> Path:
    return resources_dir().joinpath(*parts)


def default_rulebook_path() -> Path:
    return resource_path("rulebook", "rulebook.yaml")
