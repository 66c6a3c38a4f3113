#!/usr/bin/env bash
# One command: set everything up on a fresh machine and run every check the project keeps.
set -euo pipefail
cd "$(dirname "$0")/.."
bash .ci/setup.sh
export QT_QPA_PLATFORM=offscreen

# PostgreSQL for the shared-store tests: a throw-away cluster owned by this run.
pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
if [ -n "$pg_bin" ] && [ -z "${SNS_DESK_TEST_PG_URL:-}" ]; then
  pg_dir=$(mktemp -d /tmp/sns-desk-pg.XXXXXX)
  as_pg() { if [ "$(id -u)" -eq 0 ]; then su postgres -s /bin/sh -c "$*"; else sh -c "$*"; fi; }
  # On every exit, also a failed start or a failed check: stop the server, remove the folder.
  stop_pg() {
    as_pg "$pg_bin/pg_ctl -D $pg_dir/data -m immediate stop" >/dev/null 2>&1 || true
    rm -rf -- "$pg_dir"
  }
  trap stop_pg EXIT
  # Logins over TCP need a SCRAM password, as on the city's server (tests/storage/test_server_rules.py).
  pg_password=$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')
  printf '%s\n' "$pg_password" >"$pg_dir/pw"
  chown -R postgres "$pg_dir" 2>/dev/null || true
  as_pg "$pg_bin/initdb -D $pg_dir/data --auth-local=trust --auth-host=scram-sha-256 --pwfile=$pg_dir/pw -U postgres" >/dev/null
  rm -f -- "$pg_dir/pw"
  as_pg "$pg_bin/pg_ctl -D $pg_dir/data -o '-p 54329 -k $pg_dir -c listen_addresses=127.0.0.1' -l $pg_dir/log -w start" >/dev/null
  export SNS_DESK_TEST_PG_URL="postgresql+psycopg://postgres:$pg_password@127.0.0.1:54329/postgres"
fi

echo "== ruff"; .venv/bin/ruff check sns_desk tests installer
echo "== mypy"; .venv/bin/mypy
echo "== mypy (installer)"; .venv/bin/mypy --strict installer
echo "== Windows lock covers pyproject.toml"; .venv/bin/python installer/lock.py --check
echo "== import-linter"; .venv/bin/lint-imports
echo "== pytest"; .venv/bin/python -m pytest  # the default selection: everything not marked slow
# The slow tests (randomised equivalence, screenshots) on their own. Exit 5 means no test is marked
# slow any more, which is no failure; every other non-zero exit fails the script.
echo "== pytest -m slow"
slow_rc=0
.venv/bin/python -m pytest -m slow || slow_rc=$?
if [ "$slow_rc" -eq 5 ]; then
  echo "(no slow tests)"
elif [ "$slow_rc" -ne 0 ]; then
  exit "$slow_rc"
fi
if [ -f ../shared/eval/score.py ]; then
  echo "== dev-set score (floor: micro F1 0.98)"
  .venv/bin/python ../shared/eval/score.py --cmd ".venv/bin/sns-desk check --format jsonl" --min-f1 0.98
fi
