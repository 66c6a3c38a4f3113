"""Where the app's data files live (rulebook, policy templates, fonts, the offline viewer).

They are kept in the checkout's top-level ``resources/`` folder; the wheel and the Windows bundles ship the
same files inside the package as ``sns_desk/data/``, found with :mod:`importlib.resources`, so an installed
app never depends on a source tree.  ``SNS_DESK_RESOURCES`` points elsewhere (IT testing a new rulebook).
"""

from __future__ import annotations

import os
from functools import lru_cache
from importlib.resources import files
from pathlib import Path

_MARKER = ("rulebook", "rulebook.yaml")


@lru_cache(maxsize=1)
def _installed_or_checkout() -> Path:
    shipped = files("sns_desk").joinpath("data")
    # Installed from the wheel, or frozen (PyInstaller, pynsist): the package is a folder on disk, so the
    # Traversable is a real path that fonts and templates can be opened from by name.
    if isinstance(shipped, Path) and shipped.joinpath(*_MARKER).is_file():
        return shipped
    checkout = Path(__file__).resolve().parent.parent / "resources"
    if checkout.joinpath(*_MARKER).is_file():
        return checkout
    raise FileNotFoundError(
        f"sns_desk のデータファイル（ルールブックなど）が見つかりません: {shipped} / {checkout}。"
        "インストールが壊れている可能性があります。再インストールしてください。"
    )


def resources_dir() -> Path:
    """The data folder: ``SNS_DESK_RESOURCES``, the installed package's ``data/``, or the checkout's ``resources/``."""
    override = os.environ.get("SNS_DESK_RESOURCES")
    if override:
        return Path(override)
    return _installed_or_checkout()


def resource_path(*parts: str) -> Path:
    return resources_dir().joinpath(*parts)


def default_rulebook_path() -> Path:
    return resource_path(*_MARKER)
