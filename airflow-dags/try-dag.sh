#!/usr/bin/env bash
# Runs the daily DAG on this machine for one or more logical dates, with Airflow set up the way
# README.md ("Try the DAG locally") and airflow-dags/README.md tell a deployer to set it up:
#
#   airflow-dags/try-dag.sh 2018-01-02 [2018-01-01 ...]
#
# 1. the virtualenv with Airflow and its providers (airflow-dags/.venv, as run-tests.sh makes it);
# 2. AIRFLOW_HOME (default airflow-dags/.airflow) with a SQLite metadata database: `airflow db migrate`;
# 3. the DAG folder read into the database: `airflow dags reserialize`;
# 4. the spark_default connection (AIRFLOW_CONN_SPARK_DEFAULT): the master in LAKEHOUSE_SPARK_MASTER,
#    else the cluster bin/cluster started, else local[2]; client deploy mode;
# 5. the Variables (AIRFLOW_VAR_LAKEHOUSE_*): lakehouse_jar (the jar mvn package built),
#    lakehouse_env=cluster, and the lake, landing folder, database URL and orders API from
#    LAKEHOUSE_LAKE_ROOT, LAKEHOUSE_SOURCES_ROOT, LAKEHOUSE_PG_URL and LAKEHOUSE_ORDERS_API_URL;
# 6. lineage: the OpenLineage provider writes the tasks' events to $AIRFLOW_HOME/lineage/airflow.jsonl
#    (unless AIRFLOW__OPENLINEAGE__TRANSPORT says otherwise) and gives each spark-submit its task as
#    the parent run; the Spark side writes where the cluster's spark-defaults.conf says (bin/cluster);
# 7. `airflow dags test retail_lakehouse_daily DATE` for each date, with the Spark distribution of
#    bin/cluster on the PATH; fails when a task did not succeed.
#
# Secrets (LAKEHOUSE_PG_PASSWORD, LAKEHOUSE_PII_KEY) stay in the environment this runs in, which
# the tasks and spark-submit inherit; they are never written to Airflow.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
home="$(cd "$here/.." && pwd)"
[[ $# -gt 0 ]] || { echo "usage: airflow-dags/try-dag.sh YYYY-MM-DD [YYYY-MM-DD ...]" >&2; exit 2; }
for date in "$@"; do
  [[ "$date" =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}$ ]] || { echo "error: not a date: '$date'" >&2; exit 2; }
done

venv="$here/.venv"
"$home/bin/python-venv" "$venv" "$here/requirements.txt" "$here/constraints.txt"
export PATH="$venv/bin:$PATH"

export AIRFLOW_HOME="${AIRFLOW_HOME:-$here/.airflow}"
export AIRFLOW__CORE__DAGS_FOLDER="$here"
export AIRFLOW__CORE__LOAD_EXAMPLES=False
mkdir -p "$AIRFLOW_HOME"
airflow db migrate >"$AIRFLOW_HOME/db-migrate.log" 2>&1 || {
  tail -n 20 "$AIRFLOW_HOME/db-migrate.log" >&2
  echo "error: airflow db migrate failed" >&2
  exit 1
}
airflow dags reserialize >/dev/null

master="${LAKEHOUSE_SPARK_MASTER:-}"
if [[ -z "$master" ]]; then
  state="${LAKEHOUSE_CLUSTER_DIR:-$home/data/cluster}"
  if [[ -f "$state/master-url" ]]; then master="$(cat "$state/master-url")"; else master="local[2]"; fi
fi
# The connection and the Variables, in the environment the tasks run in (airflow-dags/README.md,
# "Deploy", steps 3 and 4); `airflow connections add` and `airflow variables set` do the same.
export AIRFLOW_CONN_SPARK_DEFAULT="{\"conn_type\": \"spark\", \"host\": \"$master\", \"extra\": {\"deploy-mode\": \"client\"}}"
export AIRFLOW_VAR_LAKEHOUSE_JAR="${LAKEHOUSE_JAR:-$home/jobs/target/retail-lakehouse-jobs.jar}"
export AIRFLOW_VAR_LAKEHOUSE_ENV=cluster
export AIRFLOW_VAR_LAKEHOUSE_LAKE="${LAKEHOUSE_LAKE_ROOT:-}"
export AIRFLOW_VAR_LAKEHOUSE_SOURCES="${LAKEHOUSE_SOURCES_ROOT:-}"
export AIRFLOW_VAR_LAKEHOUSE_JDBC_URL="${LAKEHOUSE_PG_URL:-}"
export AIRFLOW_VAR_LAKEHOUSE_ORDERS_API="${LAKEHOUSE_ORDERS_API_URL:-}"

# spark-submit from the Spark distribution bin/cluster uses; its cluster settings (event logs,
# lineage) when bin/cluster wrote them.
spark_home="$("$home/bin/cluster" spark-home)"
export SPARK_HOME="$spark_home" PATH="$spark_home/bin:$PATH"
# Everything runs on this machine: the drivers listen on the loopback address only.
export SPARK_LOCAL_IP="${SPARK_LOCAL_IP:-127.0.0.1}"
if [[ -z "${SPARK_CONF_DIR:-}" && -f "${LAKEHOUSE_CLUSTER_DIR:-$home/data/cluster}/conf/spark-defaults.conf" ]]; then
  export SPARK_CONF_DIR="${LAKEHOUSE_CLUSTER_DIR:-$home/data/cluster}/conf"
fi

mkdir -p "$AIRFLOW_HOME/lineage"
export AIRFLOW__OPENLINEAGE__NAMESPACE="${AIRFLOW__OPENLINEAGE__NAMESPACE:-retail-lakehouse}"
export AIRFLOW__OPENLINEAGE__TRANSPORT="${AIRFLOW__OPENLINEAGE__TRANSPORT:-{\"type\": \"file\", \"log_file_path\": \"$AIRFLOW_HOME/lineage/airflow.jsonl\", \"append\": true\}}"
export AIRFLOW__OPENLINEAGE__SPARK_INJECT_PARENT_JOB_INFO=true

status=0
for date in "$@"; do
  echo "try-dag: airflow dags test retail_lakehouse_daily $date (spark master $master)"
  started=$(date +%s)
  log="$AIRFLOW_HOME/dags-test-$date-$started.log"
  airflow dags test retail_lakehouse_daily "$date" >"$log" 2>&1 || true
  # The run's task states, from the metadata database: every task must have run and succeeded.
  code=0
  states="$(python3 - "$date" <<'EOF'
import sys
from airflow.models import DagRun
from airflow.utils.session import create_session

with create_session() as session:
    runs = [r for r in session.query(DagRun).filter(DagRun.dag_id == "retail_lakehouse_daily")
            if r.logical_date and r.logical_date.date().isoformat() == sys.argv[1]]
    if not runs:
        print("no run")
        sys.exit(3)
    run = max(runs, key=lambda r: r.id)
    tis = sorted(run.get_task_instances(session=session), key=lambda t: t.task_id)
    print(f"run_id={run.run_id} " + " ".join(f"{ti.task_id}={ti.state}" for ti in tis))
    if not tis or any(ti.state is None for ti in tis):
        sys.exit(3)
    sys.exit(0 if all(ti.state == "success" for ti in tis) else 1)
EOF
)" || code=$?
  echo "try-dag: $date: $states ($(($(date +%s) - started)) s; log: $log)"
  if [[ $code == 3 ]]; then
    echo "error: no task ran for $date: is it before the DAG's start date (2017-01-01)?" >&2
    status=1
  elif [[ $code != 0 ]]; then
    echo "error: not every task succeeded for $date (see the log)" >&2
    status=1
  fi
done
exit "$status"
