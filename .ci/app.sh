#!/usr/bin/env bash
# One command: set everything up and start the app. The setup is skipped (in well under a second)
# while it is up to date: .ci/setup.sh keeps a stamp of pyproject.toml and itself in .venv.
set -euo pipefail
cd "$(dirname "$0")/.."
bash .ci/setup.sh
exec .venv/bin/sns-desk "$@"
