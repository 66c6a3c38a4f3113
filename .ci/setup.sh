#!/usr/bin/env bash
# Sets up a fresh Debian/Ubuntu machine for sns_desk: system libraries, a virtualenv, the package.
# Safe to run again: it only installs what is missing, and does nothing at all while the setup is
# up to date (the stamp below matches and the app is installed). Delete .venv/.sns-desk-setup to
# force a full run (e.g. after removing a system package).
set -euo pipefail
cd "$(dirname "$0")/.."

# The stamp holds a hash of what decides the setup; it is written after a successful run only and
# lives in .venv, which is not committed, so a clean checkout always gets the full setup.
stamp=.venv/.sns-desk-setup
setup_hash() {
  if command -v sha256sum >/dev/null 2>&1; then
    cat pyproject.toml .ci/setup.sh | sha256sum | cut -d ' ' -f 1
  elif command -v shasum >/dev/null 2>&1; then
    cat pyproject.toml .ci/setup.sh | shasum -a 256 | cut -d ' ' -f 1
  fi  # no hash tool: an empty hash never matches, the setup always runs
}
want=$(setup_hash)
if [ -n "$want" ] && [ -x .venv/bin/python ] && [ -x .venv/bin/sns-desk ] && [ -f "$stamp" ] \
   && [ "$(cat "$stamp")" = "$want" ]; then
  exit 0
fi
rm -f "$stamp"  # a run that fails half-way must not leave an old stamp behind

need_apt=()
# Qt's runtime libraries (offscreen and xcb), Japanese fonts for the UI, PostgreSQL for the
# shared-store tests, NSIS, Wine and osslsigncode for the Windows setup and its smoke test.
for pkg in libegl1 libgl1 libfontconfig1 libxkbcommon0 libxkbcommon-x11-0 libdbus-1-3 \
           libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1 libxcb-randr0 \
           libxcb-render-util0 libxcb-shape0 libxcb-xinerama0 libxcb-xkb1 \
           fonts-noto-cjk fonts-noto-color-emoji postgresql locales-all nsis wine wine64 osslsigncode; do
  dpkg -s "$pkg" >/dev/null 2>&1 || need_apt+=("$pkg")
done
if [ ${#need_apt[@]} -gt 0 ] && command -v apt-get >/dev/null 2>&1; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
fi

PYTHON=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e ".[dev]"
if [ -n "$want" ]; then
  printf '%s\n' "$want" > "$stamp.tmp"
  mv "$stamp.tmp" "$stamp"
fi
