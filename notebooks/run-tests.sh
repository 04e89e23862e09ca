#!/usr/bin/env bash
# Lint the notebooks and their tests, then run every notebook headless against a fresh pipeline run.
#
# Creates notebooks/.venv on first use (and again whenever requirements.txt changes), runs ruff, then
# runs the whole pipeline on the shipped sample into a temporary lake (bin/pipeline run, which builds
# the jar if missing), serves its PostgreSQL with bin/pipeline db on a free port and runs pytest with
# LAKEHOUSE_PG_URL pointing at it. The database is stopped and the temporary directory removed on
# exit, whatever happens. Works from any directory; exits non-zero on the first failure.
#
# LAKEHOUSE_NOTEBOOK_LAKE=DIR reuses the lake of an earlier `bin/pipeline run --lake DIR` instead of
# running the pipeline (its database DIR-postgres must not be served by another process meanwhile).
# Arguments are passed to pytest (e.g. -k sales); --setup-only makes the virtualenv and stops.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
home="$(cd "$here/.." && pwd)"
venv="$here/.venv"
started=$(date +%s)
step_started=$started

step() {
  local now
  now=$(date +%s)
  echo "run-tests: $1 ($((now - step_started)) s)"
  step_started=$now
}

"$home/bin/python-venv" "$venv" "$here/requirements.txt"
step "virtualenv ready"
[[ "${1:-}" == "--setup-only" ]] && exit 0

cd "$here"
# the dashboard (its own virtualenv, lint and tests: dashboard/run-tests.sh) is left out
mapfile -t sources < <(find . \( -path ./.venv -o -path ./dashboard \) -prune -o \( -name '*.py' -o -name '*.ipynb' \) -print | sort)
"$venv/bin/ruff" check --no-cache "${sources[@]}"
"$venv/bin/ruff" format --no-cache --check "${sources[@]}"
step "ruff check and format passed"

tmp="$(mktemp -d "${TMPDIR:-/tmp}/notebook-tests.XXXXXX")"
db_pid=""
cleanup() {
  if [[ -n "$db_pid" ]] && kill -0 "$db_pid" 2>/dev/null; then
    kill "$db_pid" 2>/dev/null || true
    wait "$db_pid" 2>/dev/null || true
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT

lake="$("$home/bin/test-lake" "$tmp")"
step "lake ready"

# No --port: the server takes a free one and prints it.
(cd "$home" && exec bin/pipeline db --lake "$lake") >"$tmp/db.log" 2>&1 &
db_pid=$!
url=""
for _ in $(seq 1 120); do
  url="$(sed -n 's/^ *URL: *\(postgresql:[^ ]*\).*/\1/p' "$tmp/db.log" | head -n 1)"
  [[ -n "$url" ]] && break
  if ! kill -0 "$db_pid" 2>/dev/null; then
    break
  fi
  sleep 1
done
if [[ -z "$url" ]]; then
  cat "$tmp/db.log" >&2
  echo "run-tests: bin/pipeline db did not print its URL within 120 s" >&2
  exit 1
fi
export LAKEHOUSE_PG_URL="$url"
step "database up at $url"

export PYTHONDONTWRITEBYTECODE=1
status=0
"$venv/bin/python" -m pytest "$@" || status=$?
step "pytest finished"
echo "run-tests: $([[ $status -eq 0 ]] && echo passed || echo FAILED) in $(($(date +%s) - started)) s"
exit "$status"
