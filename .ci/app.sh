#!/usr/bin/env bash
# One command: set everything up and start the app.
set -euo pipefail
cd "$(dirname "$0")/.."
bash .ci/setup.sh
exec .venv/bin/sns-desk "$@"
