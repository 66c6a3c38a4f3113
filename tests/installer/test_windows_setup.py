"""The Windows setup, cross-built here and tried under Wine (slow: minutes).

installer/smoke.py builds the setup (installer/build.py: hash-checked wheels and embeddable CPython, the
Authenticode check, pynsist, makensis) and, in a throw-away WINEPREFIX, installs it silently, runs
``sns-desk.exe --version``, ``check`` on a post with a valid My Number and a database command, upgrades,
uninstalls (the user's data stays) and installs for all users. Skipped where wine or nsis is missing.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
SKIPPED = 3  # smoke.py's exit code for "cannot run here"


def _missing() -> str | None:
    wanted = {"wine": "wine wine64", "makensis": "nsis", "osslsigncode": "osslsigncode"}
    missing = [apt for tool, apt in wanted.items() if shutil.which(tool) is None]
    return f"needs apt-get install {' '.join(missing)}" if missing else None


@pytest.mark.timeout(1800)
@pytest.mark.skipif(_missing() is not None, reason=f"Windows setup under Wine: {_missing()}")
def test_the_windows_setup_installs_runs_and_uninstalls_under_wine(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "SNS_DESK_")) or
           k == "SNS_DESK_INSTALLER_CACHE"}
    done = subprocess.run(
        [sys.executable, str(ROOT / "installer" / "smoke.py"), "--json", str(tmp_path / "smoke.json")],
        cwd=ROOT, env=env, capture_output=True, text=True, encoding="utf-8", check=False, timeout=1750,
    )
    if done.returncode == SKIPPED:
        pytest.skip(done.stderr.strip())
    assert done.returncode == 0, f"{done.stdout[-4000:]}\n{done.stderr[-4000:]}"
    assert "PASSED" in done.stdout
