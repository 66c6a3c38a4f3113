"""The built wheel, installed into a fresh virtual environment, works outside the source tree.

What IT gets from ``pip install sns_desk-….whl``: the data files come from inside the package, every
runtime dependency is declared (nothing is borrowed from the development environment), and the CLI, a
database command and the desk window start with warnings treated as errors.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
MY_NUMBER = "1234 5678 9018"  # twelve digits with a valid check digit

SHOW_DESK = """
import sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from sns_desk.gui import app
from sns_desk.gui.desk_window import DeskWindow

def exec_():
    def look():
        shown = [w for w in QApplication.topLevelWidgets() if isinstance(w, DeskWindow) and w.isVisible()]
        if shown and shown[0].me is not None:
            print("shown:", shown[0].windowTitle(), shown[0].me.role.value)
            shown[0].close()
            QApplication.quit()
        else:
            QTimer.singleShot(50, look)
    look()
    return QApplication.instance().exec_original()

QApplication.exec_original = QApplication.exec
QApplication.exec = staticmethod(exec_)
sys.exit(app.run([], db_url=sys.argv[1]))
"""


def _run(*cmd: str | Path, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(c) for c in cmd], cwd=cwd, capture_output=True, text=True, encoding="utf-8", env=env, check=False
    )


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv (no access to this one's packages) holding the wheel built from this checkout."""
    work = tmp_path_factory.mktemp("wheel")
    built = _run(sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-w", work, ROOT, cwd=work)
    assert built.returncode == 0, built.stderr
    (wheel,) = work.glob("sns_desk-*.whl")
    venv = work / "venv"
    assert _run(sys.executable, "-m", "venv", venv, cwd=work).returncode == 0
    python = venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    # The newest setuptools that still has pkg_resources: its import warns, and must not fail the app.
    done = _run(python, "-m", "pip", "install", "-q", wheel, "setuptools==81.0.0", cwd=work)
    assert done.returncode == 0, done.stderr
    return python


def _env(tmp: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SNS_DESK_", "PYTHON"))}
    return {**env, "PYTHONWARNINGS": "error", "QT_QPA_PLATFORM": "offscreen", "HOME": str(tmp)}


def test_the_installed_package_reads_its_own_data(installed: Path, tmp_path: Path) -> None:
    where = _run(
        installed, "-c", "import sns_desk, sns_desk.resources as r; print(sns_desk.__file__); print(r.resources_dir())",
        cwd=tmp_path, env=_env(tmp_path),
    )  # fmt: skip
    package, data = where.stdout.splitlines()
    assert Path(package).is_relative_to(installed.parents[1]) and Path(data).is_relative_to(installed.parents[1])
    assert not Path(data).is_relative_to(ROOT)
    assert (Path(data) / "fonts" / "ipaexg.ttf").is_file()
    listing = _run(installed, "-c", "import sns_desk.bench", cwd=tmp_path, env=_env(tmp_path))
    assert listing.returncode != 0  # the developer tools are not shipped


def test_the_installed_cli_checks_a_post_and_opens_a_database(installed: Path, tmp_path: Path) -> None:
    env = _env(tmp_path)
    version = _run(installed, "-m", "sns_desk", "--version", cwd=tmp_path, env=env)
    assert version.returncode == 0 and version.stdout.startswith("sns-desk ")
    post = tmp_path / "post.txt"
    post.write_text(f"申請者の個人番号は {MY_NUMBER} です。\n", encoding="utf-8")
    checked = _run(installed, "-m", "sns_desk", "check", post, cwd=tmp_path, env=env)
    assert checked.returncode == 1, checked.stderr
    assert "privacy.my_number" in checked.stdout and "エラー 1 件" in checked.stdout
    x_length = _run(installed, "-m", "sns_desk", "check", "--platform", "x", post, cwd=tmp_path, env=env)
    assert x_length.returncode == 1 and not x_length.stderr  # twitter-text imported, no warning escaped
    db = f"sqlite:///{(tmp_path / 'desk.db').as_posix()}"
    users = _run(installed, "-m", "sns_desk", "--db", db, "--create", "user", "list", cwd=tmp_path, env=env)
    assert users.returncode == 0, users.stderr
    assert "運用管理者" in users.stdout


def test_the_installed_desk_window_opens(installed: Path, tmp_path: Path) -> None:
    db = f"sqlite:///{(tmp_path / 'desk.db').as_posix()}"
    env = {**_env(tmp_path), "SNS_DESK_CREATE": "1"}
    shown = _run(installed, "-c", SHOW_DESK, db, cwd=tmp_path, env=env)
    assert shown.returncode == 0, shown.stderr
    assert "shown: sns_desk — 投稿デスク operations_manager" in shown.stdout
