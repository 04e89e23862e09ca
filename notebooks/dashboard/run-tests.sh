#!/usr/bin/env bash
# Lint the dashboard and its tests, then test it against a pipeline run's published sample: Streamlit's
# AppTest for each page's logic, and headless Chromium (Playwright) on the pages that
# `bin/pipeline dashboard` serves.
#
# Creates notebooks/dashboard/.venv (again whenever requirements.txt changes) through bin/python-venv,
# installs Debian's chromium when /usr/bin/chromium is missing (Playwright's own browser download
# does not work offline), runs ruff, then pytest. The tests start `bin/pipeline dashboard` over the
# lake themselves (it serves the lake's embedded PostgreSQL), so the lake's database must not be
# served by another process meanwhile. Screenshots of every page land in notebooks/dashboard/screenshots/.
#
# LAKEHOUSE_NOTEBOOK_LAKE=DIR reuses the lake of an earlier `bin/pipeline run --lake DIR` (bin/test
# passes the one it made for the notebooks); otherwise the pipeline runs on the sample into a
# temporary lake, removed on exit. Arguments are passed to pytest (e.g. -k overview); --setup-only
# makes the virtualenv, installs chromium and stops.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
home="$(cd "$here/../.." && pwd)"
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
if [[ ! -x /usr/bin/chromium ]]; then
  echo "run-tests: installing Debian's chromium"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi
step "virtualenv and chromium ready"
[[ "${1:-}" == "--setup-only" ]] && exit 0

cd "$here"
mapfile -t sources < <(find . -path ./.venv -prune -o -name '*.py' -print | sort)
"$venv/bin/ruff" check --no-cache "${sources[@]}"
"$venv/bin/ruff" format --no-cache --check "${sources[@]}"
step "ruff check and format passed"

tmp="$(mktemp -d "${TMPDIR:-/tmp}/dashboard-tests.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT
lake="$("$home/bin/test-lake" "$tmp")"
step "lake ready"

export LAKEHOUSE_DASHBOARD_TEST_LAKE="$lake" PYTHONDONTWRITEBYTECODE=1
status=0
"$venv/bin/python" -m pytest "$@" || status=$?
step "pytest finished"
echo "run-tests: $([[ $status -eq 0 ]] && echo passed || echo FAILED) in $(($(date +%s) - started)) s"
exit "$status"
