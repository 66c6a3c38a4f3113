"""The PyInstaller one-folder bundle (installer/sns_desk.spec), built here and run outside the source tree.

installer/bundle.py puts PyInstaller (hash-checked, requirements-build.txt) on PYTHONPATH for the build
only, builds dist/sns-desk from this environment and runs ``dist/sns-desk/sns-desk --version``, ``check``
on a post with a valid My Number and a database command from a temporary folder with a fresh HOME.
About two minutes on two cores.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.timeout(900)
def test_the_pyinstaller_bundle_runs_without_the_source_tree(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "SNS_DESK_")) or
           k == "SNS_DESK_INSTALLER_CACHE"}
    done = subprocess.run(
        [sys.executable, str(ROOT / "installer" / "bundle.py"), "--json", str(tmp_path / "bundle.json")],
        cwd=tmp_path, env=env, capture_output=True, text=True, encoding="utf-8", check=False, timeout=850,
    )
    assert done.returncode == 0, f"{done.stdout[-4000:]}\n{done.stderr[-4000:]}"
    assert "PASSED" in done.stdout
    assert (ROOT / "dist" / "sns-desk" / "_internal" / "sns_desk" / "data" / "rulebook" / "rulebook.yaml").is_file()
