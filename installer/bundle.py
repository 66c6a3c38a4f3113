"""Build the PyInstaller one-folder bundle (installer/sns_desk.spec) and try it outside the source tree.

    .venv/bin/python installer/bundle.py [--no-build]

Run it with a Python that has the app and its dependencies (the project's .venv here; on Windows the venv
of the README's steps).  PyInstaller and its helpers come hash-checked from requirements-build.txt into a
folder of the cache, put on PYTHONPATH for this run only (nothing is installed into the venv).

Then, from a temporary folder with a fresh HOME: ``dist/sns-desk/sns-desk --version``, ``check`` on a post
with a valid My Number (exit 1, ``privacy.my_number``), a new database; prints the bundle's size and the
start-up times.  Exit 0 passed, 1 failed.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import LOCK_BUILD, ROOT, cache_dir, log, mib, parse_lock, pip_env, run, sha256, step, tree_size

PYINSTALLER = ["pyinstaller", "pyinstaller-hooks-contrib", "altgraph", "packaging"]
if sys.platform == "win32":
    PYINSTALLER += ["pefile", "pywin32-ctypes"]
DIST = ROOT / "dist"
BUNDLE = DIST / "sns-desk"
MY_NUMBER_POST = "申請者の個人番号は 1234 5678 9018 です。\n"


def pyinstaller_path() -> Path:
    """A folder holding PyInstaller and its helpers (hash-checked), made once per lock and Python."""
    key = f"{sha256(LOCK_BUILD)[:12]}-py{sys.version_info.major}{sys.version_info.minor}-{sys.platform}"
    target = cache_dir() / f"pyinstaller-{key}"
    if (target / ".complete").is_file():
        return target
    pins = parse_lock(LOCK_BUILD)
    with tempfile.TemporaryDirectory() as tmp:
        subset = Path(tmp) / "pyinstaller.txt"
        subset.write_text("".join(
            f"{name}=={pins[name][0]} " + " ".join(f"--hash=sha256:{h}" for h in sorted(pins[name][1])) + "\n"
            for name in PYINSTALLER
        ), encoding="utf-8")
        with step(f"PyInstaller into {target.name} (hash-checked)"):
            shutil.rmtree(target, ignore_errors=True)
            run([sys.executable, "-m", "pip", "install", "-q", "--require-hashes", "--no-deps", "--only-binary",
                 ":all:", "--target", target, "-r", subset], env=pip_env())
    (target / ".complete").write_text("ok\n")
    return target


def build() -> float:
    target = pyinstaller_path()
    env = {**pip_env(), "PYTHONPATH": str(target)}
    started = time.monotonic()
    with step("PyInstaller: one-folder bundle dist/sns-desk"):
        run([sys.executable, "-m", "PyInstaller", "--noconfirm", "--log-level", "WARN", "--distpath", DIST,
             "--workpath", ROOT / "build" / "pyinstaller", ROOT / "installer" / "sns_desk.spec"], env=env, cwd=ROOT)
    return time.monotonic() - started


def try_bundle() -> dict[str, float]:
    exe = BUNDLE / ("sns-desk.exe" if sys.platform == "win32" else "sns-desk")
    data = BUNDLE / "_internal" / "sns_desk" / "data" / "rulebook" / "rulebook.yaml"
    if not data.is_file():
        raise SystemExit(f"FAILED: the rulebook is not at {data} (sns_desk/resources.py looks there)")
    times: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="sns-desk-bundle-") as name:
        tmp = Path(name)
        env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "SNS_DESK_", "VIRTUAL_ENV"))}
        env |= {"HOME": str(tmp), "XDG_DATA_HOME": str(tmp / "data"), "XDG_STATE_HOME": str(tmp / "state"),
                "PATH": "/usr/bin:/bin"}

        def go(label: str, *args: str) -> subprocess.CompletedProcess[str]:
            t = time.monotonic()
            done = subprocess.run([str(exe), *args], cwd=tmp, env=env, capture_output=True, text=True, check=False)
            times[label] = round(time.monotonic() - t, 2)
            log(f"   {label}: {times[label]} s (exit {done.returncode})")
            return done

        def fail(what: str, done: subprocess.CompletedProcess[str]) -> None:
            out = f"{done.stdout[-2000:]}\n{done.stderr[-3000:]}"
            raise SystemExit(f"FAILED: {what}\n--- exit {done.returncode}\n{out}")

        done = go("--version (first start)", "--version")
        if done.returncode != 0 or not done.stdout.startswith("sns-desk "):
            fail("--version", done)
        go("--version (again)", "--version")
        (tmp / "post.txt").write_text(MY_NUMBER_POST, encoding="utf-8")
        done = go("check (first)", "check", "post.txt")
        if done.returncode != 1 or "privacy.my_number" not in done.stdout:
            fail("check must find the My Number (exit 1)", done)
        done = go("check (again)", "check", "--platform", "x", "post.txt")
        if done.returncode != 1 or "privacy.my_number" not in done.stdout or done.stderr:
            fail("check --platform x (twitter-text)", done)
        done = go("database", "--db", f"sqlite:///{(tmp / 't.db').as_posix()}", "--create", "user", "list")
        if done.returncode != 0 or "運用管理者" not in done.stdout:
            fail("user list on a new database", done)
    return times


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--no-build", action="store_true", help="only try the bundle already in dist/sns-desk")
    parser.add_argument("--json", type=Path, help="write the figures here too")
    args = parser.parse_args(argv)
    summary: dict[str, object] = {}
    if not args.no_build:
        summary["build_seconds"] = round(build(), 1)
    summary["bundle_bytes"] = tree_size(BUNDLE)
    log(f"bundle {BUNDLE}: {mib(tree_size(BUNDLE))}")
    summary["start"] = try_bundle()
    text = json.dumps(summary, indent=2)
    print(text)
    if args.json:
        args.json.write_text(text + "\n", encoding="utf-8")
    print("PASSED: the PyInstaller bundle runs outside the source tree")
    return 0


if __name__ == "__main__":
    sys.exit(main())
