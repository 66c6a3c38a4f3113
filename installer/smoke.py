"""Smoke test of the Windows setup under Wine: ``python installer/smoke.py [--setup FILE]``.

Builds the setup (build.py) unless ``--setup`` names one, then in a throw-away WINEPREFIX:

1. installs it silently for the current user (``/S``) and checks the program folder, the Start-menu
   shortcut, the uninstaller and its Add/Remove Programs entry;
2. ``sns-desk.exe --version``; ``sns-desk.exe check`` on a post with a valid My Number (exit 1,
   ``privacy.my_number`` in stdout); ``sns-desk.exe --db sqlite:///C:/…/t.db --create user list``;
   a database in the user data folder (the default location);
   ``import psycopg`` with its binary libpq (the PostgreSQL store);
3. installs again over it (an upgrade) and uninstalls (``uninstall.exe /S``): the program files and the
   shortcut are gone, the user's database and log folder are still there;
4. installs for all users (``/S /AllUsers``, what IT runs) into ``C:\\Program Files\\sns_desk``.

What Wine 8 cannot run, and why the smoke leaves it out (nothing of this is changed in the setup):

* the desk window: Qt6Core.dll imports Windows 10's system ICU (``icuuc.dll``), which Wine 8 does not
  have, so PySide6 does not load at all; the shortcut and its launcher are checked instead;
* Python 3.13's ``platform`` module asks WMI (``_wmi.pyd`` → propsys ``VariantToString``, unimplemented
  in Wine 8) as soon as pkg_resources evaluates a marker (twitter-text, ``check --platform x``): after the
  first check, this test hides ``_wmi.pyd`` in its throw-away prefix so ``platform`` takes its fallback.

Prints each step's time and a JSON summary.  Exit 0 passed, 1 failed, 3 skipped (no wine, or no nsis
when it has to build) with the reason on stderr.
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
from collections.abc import Callable
from pathlib import Path

from _common import BUILD, ROOT, log, project_version

SKIPPED = 3
MY_NUMBER_POST = "申請者の個人番号は 1234 5678 9018 です。\n"  # a valid check digit: an error finding

class Failed(Exception):
    pass


class Wine:
    def __init__(self, prefix: Path) -> None:
        self.prefix = prefix
        self.wine = shutil.which("wine") or shutil.which("wine64") or "wine"
        self.env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "SNS_DESK_", "QT_", "WINE"))},
            "WINEPREFIX": str(prefix),
            "WINEDEBUG": "-all",
            "WINEDLLOVERRIDES": "mscoree,mshtml=",  # no Mono/Gecko download dialogs
            "WINEARCH": "win64",
            "LANG": "ja_JP.UTF-8",  # a Japanese Windows: code page 932, as on the city's PCs
            "LC_ALL": "ja_JP.UTF-8",
            "PYTHONIOENCODING": "utf-8",  # so this script reads the app's output the same on every host
        }
        self.env.pop("DISPLAY", None)
        self.env.pop("WAYLAND_DISPLAY", None)

    def run(self, *args: str | Path, extra_env: dict[str, str] | None = None,
            timeout: float = 600) -> subprocess.CompletedProcess[str]:
        cmd = [self.wine, *[str(a) for a in args]]
        # No console and no stdin handle would make Python's start-up fail (init_sys_streams): give it one.
        done = subprocess.run(cmd, env={**self.env, **(extra_env or {})}, stdin=subprocess.DEVNULL,
                              capture_output=True, timeout=timeout, check=False)
        return subprocess.CompletedProcess(
            cmd, done.returncode, done.stdout.decode("utf-8", "replace"), done.stderr.decode("utf-8", "replace")
        )

    def wait(self) -> None:
        subprocess.run([shutil.which("wineserver") or "wineserver", "-w"], env=self.env, check=False, timeout=600)

    def c(self, *parts: str) -> Path:
        return self.prefix / "drive_c" / Path(*parts)

    def user_dir(self) -> Path:
        users = [p for p in self.c("users").iterdir() if p.name.lower() not in {"public"} and p.is_dir()]
        if len(users) != 1:
            raise Failed(f"expected one Wine user, found {[p.name for p in users]}")
        return users[0]


def check(condition: bool, what: str, done: subprocess.CompletedProcess[str] | None = None) -> None:
    if not condition:
        detail = ""
        if done is not None:
            out, err = done.stdout[-3000:], done.stderr[-3000:]
            detail = f"\n--- exit {done.returncode}\n--- stdout:\n{out}\n--- stderr:\n{err}"
        raise Failed(what + detail)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--setup", type=Path, help="test this setup instead of building one")
    parser.add_argument("--keep", action="store_true", help="keep the WINEPREFIX (its path is printed)")
    parser.add_argument("--json", type=Path, help="write the summary here too")
    args = parser.parse_args(argv)

    if not (shutil.which("wine") or shutil.which("wine64")):
        print("SKIPPED: wine is not installed (apt-get install wine wine64): the Windows setup cannot be tried",
              file=sys.stderr)
        return SKIPPED
    started = time.monotonic()
    timings: dict[str, float] = {}

    def timed(name: str, fn: Callable[[], subprocess.CompletedProcess[str]]) -> subprocess.CompletedProcess[str]:
        t = time.monotonic()
        result = fn()
        timings[name] = round(time.monotonic() - t, 1)
        log(f"   {name}: {timings[name]} s (exit {result.returncode})")
        return result

    setup = args.setup
    if setup is None:
        t = time.monotonic()
        built = subprocess.run([sys.executable, str(ROOT / "installer" / "build.py")], check=False)
        if built.returncode == SKIPPED:
            print("SKIPPED: the setup cannot be built here (makensis or osslsigncode missing: "
                  "apt-get install nsis osslsigncode)", file=sys.stderr)
            return SKIPPED
        if built.returncode != 0:
            print("FAILED: installer/build.py", file=sys.stderr)
            return 1
        timings["build"] = round(time.monotonic() - t, 1)
        setup = Path(json.loads((BUILD / "summary.json").read_text(encoding="utf-8"))["setup"])
    setup = setup.resolve()
    version = project_version()

    prefix = Path(tempfile.mkdtemp(prefix="sns-desk-wine-"))
    wine = Wine(prefix)
    summary: dict[str, object] = {"setup": str(setup), "setup_bytes": setup.stat().st_size, "prefix": str(prefix)}
    try:
        log(f"-- fresh WINEPREFIX {prefix}")
        timed("wineboot", lambda: wine.run("wineboot", "-i"))
        wine.wait()

        log("-- silent install for the current user (/S)")
        done = timed("install (per user)", lambda: wine.run(setup, "/S"))
        wine.wait()
        check(done.returncode == 0, "the setup failed", done)
        home = wine.user_dir()
        instdir = home / "AppData" / "Local" / "Programs" / "sns_desk"
        exe = instdir / "bin" / "sns-desk.exe"
        check(exe.is_file(), f"no {exe} after installing (the setup installed nothing?)")
        for part in ("Python/python.exe", "Python/pythonw.exe", "pkgs/sns_desk/data/rulebook/rulebook.yaml",
                     "sns_desk.launch.pyw", "uninstall.exe"):
            check((instdir / part).exists(), f"{part} missing in the program folder")
        check(not (instdir / "pkgs/PySide6/opengl32sw.dll").exists(), "opengl32sw.dll was not left out")
        shortcut = home / "AppData/Roaming/Microsoft/Windows/Start Menu/Programs/sns_desk.lnk"
        check(shortcut.is_file(), f"no Start-menu shortcut {shortcut}")
        reg = wine.run("reg", "query", r"HKCU\Software\Microsoft\Windows\CurrentVersion\Uninstall\sns_desk")
        check("DisplayVersion" in reg.stdout and version in reg.stdout, "no Add/Remove Programs entry", reg)
        summary["installed_bytes"] = sum(p.stat().st_size for p in instdir.rglob("*") if p.is_file())

        log("-- the installed CLI")
        win_dir = rf"C:\users\{home.name}\AppData\Local\Programs\sns_desk"
        win_exe = rf"{win_dir}\bin\sns-desk.exe"
        done = timed("--version (first start)", lambda: wine.run(win_exe, "--version"))
        check(done.returncode == 0 and done.stdout.strip() == f"sns-desk {version}", "--version", done)
        done = timed("--version (again)", lambda: wine.run(win_exe, "--version"))
        check(done.returncode == 0, "--version (again)", done)

        work = wine.c("smoke")
        work.mkdir()
        (work / "post.txt").write_text(MY_NUMBER_POST, encoding="utf-8")
        done = timed("check (first)", lambda: wine.run(win_exe, "check", r"C:\smoke\post.txt"))
        check(done.returncode == 1 and "privacy.my_number" in done.stdout, "check: a My Number must be exit 1", done)
        check("エラー 1 件" in done.stdout, "check: the summary line in Japanese", done)
        # Wine only (see the docstring): Python's WMI query crashes Wine 8, so platform takes its fallback.
        wmi = instdir / "Python" / "_wmi.pyd"
        wmi.rename(wmi.with_name("_wmi.pyd.wine-test-off"))
        done = timed("check (again)", lambda: wine.run(win_exe, "check", "--platform", "x", r"C:\smoke\post.txt"))
        check(done.returncode == 1 and "privacy.my_number" in done.stdout, "check --platform x", done)

        done = timed("database (--create user list)",
                     lambda: wine.run(win_exe, "--db", "sqlite:///C:/smoke/t.db", "--create", "user", "list"))
        check(done.returncode == 0 and "運用管理者" in done.stdout, "user list on a new database", done)
        check((work / "t.db").is_file(), "the database file C:\\smoke\\t.db was not created")

        python = rf"{win_dir}\Python\python.exe"
        done = timed("import psycopg", lambda: wine.run(python, "-c", "import psycopg; print(psycopg.pq.__impl__)"))
        check(done.returncode == 0 and done.stdout.strip() == "binary", "psycopg with its binary libpq", done)
        launcher = (instdir / "sns_desk.launch.pyw").read_text(encoding="utf-8")
        check("from sns_desk.__main__ import main" in launcher, "the shortcut's launcher runs sns_desk.__main__:main")

        # The default database, in the user data folder (platformdirs: %LOCALAPPDATA%\sns-desk).
        done = timed("default database", lambda: wine.run(win_exe, "--create", "user", "list"))
        check(done.returncode == 0, "user list on the default database", done)
        data_db = home / "AppData/Local/sns-desk/sns_desk.db"
        check(data_db.is_file(), f"no default database at {data_db}")
        logs = home / "AppData/Local/sns_desk/Logs"
        logs.mkdir(parents=True, exist_ok=True)
        (logs / "keep-me.log").write_text("the user's log folder\n", encoding="utf-8")
        db_bytes = data_db.read_bytes()

        log("-- upgrade: the same setup again over the installed one")
        done = timed("install again (upgrade)", lambda: wine.run(setup, "/S"))
        wine.wait()
        check(done.returncode == 0 and exe.is_file(), "installing over the old version failed", done)
        check(data_db.read_bytes() == db_bytes, "the upgrade changed the user's database")

        log("-- uninstall (/S)")
        done = timed("uninstall", lambda: wine.run(instdir / "uninstall.exe", "/S"))
        wine.wait()
        time.sleep(1)
        wine.wait()
        check(not exe.exists() and not (instdir / "pkgs").exists(), "the uninstaller left the program files")
        check(not shortcut.exists(), "the uninstaller left the Start-menu shortcut")
        check(data_db.is_file() and data_db.read_bytes() == db_bytes, "the uninstaller touched the user's database")
        check((logs / "keep-me.log").is_file(), "the uninstaller removed the user's log folder")

        log("-- install for all users (/S /AllUsers)")
        done = timed("install (all users)", lambda: wine.run(setup, "/S", "/AllUsers"))
        wine.wait()
        machine_exe = wine.c("Program Files", "sns_desk", "bin", "sns-desk.exe")
        check(done.returncode == 0 and machine_exe.is_file(), f"/AllUsers did not install {machine_exe}", done)
        common_shortcut = wine.c("ProgramData/Microsoft/Windows/Start Menu/Programs/sns_desk.lnk")
        check(common_shortcut.is_file(), f"no all-users shortcut {common_shortcut}")
        done = timed("--version (all users)",
                     lambda: wine.run(r"C:\Program Files\sns_desk\bin\sns-desk.exe", "--version"))
        check(done.returncode == 0 and version in done.stdout, "--version of the all-users install", done)
    except Failed as exc:
        print(f"FAILED: {exc}", file=sys.stderr)
        print(f"(WINEPREFIX kept: {prefix})", file=sys.stderr)
        return 1
    except subprocess.TimeoutExpired as exc:
        print(f"FAILED: timed out: {exc}", file=sys.stderr)
        return 1
    finally:
        subprocess.run([shutil.which("wineserver") or "wineserver", "-k"], env=wine.env, check=False)
    summary["seconds"] = round(time.monotonic() - started, 1)
    summary["steps"] = timings
    text = json.dumps(summary, indent=2, ensure_ascii=False)
    print(text)
    if args.json:
        args.json.write_text(text + "\n", encoding="utf-8")
    if args.keep:
        log(f"WINEPREFIX kept: {prefix}")
    else:
        shutil.rmtree(prefix, ignore_errors=True)
    print("PASSED: the Windows setup installs, runs, upgrades and uninstalls under Wine")
    return 0


if __name__ == "__main__":
    sys.exit(main())
