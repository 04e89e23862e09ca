#!/usr/bin/env bash
# Lint and test the Airflow DAGs against a real Airflow 3 install.
#
# Creates airflow-dags/.venv on first use (and again whenever requirements.txt or constraints.txt
# change), then runs ruff and pytest with a throw-away AIRFLOW_HOME on SQLite and no network.
# Works from any directory; exits non-zero on the first failure. --setup-only makes the virtualenv
# and stops (bin/test does it while Maven runs).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
venv="$here/.venv"
"$here/../bin/python-venv" "$venv" "$here/requirements.txt" "$here/constraints.txt"
[[ "${1:-}" == "--setup-only" ]] && exit 0

airflow_home="$(mktemp -d "${TMPDIR:-/tmp}/airflow-home.XXXXXX")"
trap 'rm -rf "$airflow_home"' EXIT

export AIRFLOW_HOME="$airflow_home"
export AIRFLOW__CORE__DAGS_FOLDER="$here"
export AIRFLOW__CORE__LOAD_EXAMPLES=False
export AIRFLOW__DATABASE__SQL_ALCHEMY_CONN="sqlite:///$airflow_home/airflow.db"
export PYTHONDONTWRITEBYTECODE=1
# The tests need no metadata database: they parse, serialize and render the DAG in-process.

cd "$here"
mapfile -t python_files < <(find . -path ./.venv -prune -o -name '*.py' -print | sort)

echo "run-tests: ruff check"
"$venv/bin/ruff" check --no-cache "${python_files[@]}"
echo "run-tests: ruff format --check"
"$venv/bin/ruff" format --no-cache --check "${python_files[@]}"
echo "run-tests: pytest"
"$venv/bin/python" -m pytest "$@"
