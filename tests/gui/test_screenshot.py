"""The screenshot script runs on its own database and writes a picture of the desk."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtGui import QImage

from .conftest import OPS_MANAGER


@pytest.mark.slow
@pytest.mark.parametrize(
    ("window", "size"),
    [
        ("desk", "1440x880"),
        ("check", "1120x720"),
        ("archive", "1440x880"),
        ("registry", "1440x880"),
        ("people", "1120x680"),
        ("incidents", "1280x800"),
    ],
)
def test_screenshot_script_writes_a_png(tmp_path: Path, window: str, size: str) -> None:
    out = tmp_path / "shots" / f"{window}.png"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "LOGNAME": OPS_MANAGER, "USER": OPS_MANAGER}
    env.pop("SNS_DESK_DB", None)
    done = subprocess.run(
        [sys.executable, "-m", "sns_desk.bench.screenshots", str(out), "--window", window, "--size", size],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    image = QImage(str(out))
    width, height = (int(n) for n in size.split("x"))
    assert (image.width(), image.height()) == (width, height)


def test_screenshot_usage_error() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "sns_desk.bench.screenshots"], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 2
    assert "out" in done.stderr  # the missing argument is named
