"""Daily orchestration of the retail lakehouse: one spark-submit per stage and logical date."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pendulum
from airflow.providers.apache.spark.operators.spark_submit import SparkSubmitOperator
from airflow.sdk import DAG, CronDataIntervalTimetable

DAG_ID = "retail_lakehouse_daily"

# The stages, their main classes and their order, as the jobs declare them: generated from the
# stage registry by `bin/pipeline stages --write airflow-dags/stages.json` (a JUnit test checks
# that the file is current). Deploy it beside this file.
STAGES_FILE = Path(__file__).with_name("stages.json")
STAGES = json.loads(STAGES_FILE.read_text(encoding="utf-8"))["stages"]

# The same session settings the jobs set themselves; harmless to pass twice.
DELTA_SPARK_CONF = {
    "spark.sql.extensions": "io.delta.sql.DeltaSparkSessionExtension",
    "spark.sql.catalog.spark_catalog": "org.apache.spark.sql.delta.catalog.DeltaCatalog",
}


def variable(name: str, default: str) -> str:
    """A Jinja template reading an Airflow Variable at run time, so parsing the DAG does no I/O.

    A Variable can also come from the worker's environment as AIRFLOW_VAR_<NAME>.
    """
    return f"{{{{ var.value.get('{name}', '{default}') }}}}"


JAR = variable("lakehouse_jar", "/opt/retail-lakehouse/retail-lakehouse-jobs.jar")
ENV = variable("lakehouse_env", "cluster")
# Empty means "as the job's configuration says" (conf/cluster.conf and its environment variables):
# the jobs ignore a blank --lake, --sources, --jdbc-url or --orders-api.
LAKE = variable("lakehouse_lake", "")
SOURCES = variable("lakehouse_sources", "")
JDBC_URL = variable("lakehouse_jdbc_url", "")
ORDERS_API = variable("lakehouse_orders_api", "")


def stage_args() -> list[str]:
    """Command-line options every job accepts, for the run's logical date and run id.

    Secrets (LAKEHOUSE_PG_PASSWORD, LAKEHOUSE_PII_KEY) are not arguments: the jobs read them
    from the environment spark-submit inherits from the worker.
    """
    return [
        "--env", ENV,
        "--date", "{{ ds }}",
        "--run-id", "{{ run_id }}",
        "--lake", LAKE,
        "--sources", SOURCES,
        "--jdbc-url", JDBC_URL,
        "--orders-api", ORDERS_API,
    ]  # fmt: skip


default_args = {
    "owner": "data-platform",
    "depends_on_past": False,
    "retries": 2,
    "retry_delay": timedelta(minutes=10),
    "retry_exponential_backoff": True,
    "max_retry_delay": timedelta(hours=1),
    "execution_timeout": timedelta(hours=3),
}

with DAG(
    dag_id=DAG_ID,
    description="Retail lakehouse: bronze -> silver -> gold / recommendations -> PostgreSQL",
    # A run covers one day and starts when that day is over: ds is the day whose data it processes.
    schedule=CronDataIntervalTimetable("@daily", timezone="UTC"),
    start_date=pendulum.datetime(2026, 1, 1, tz="UTC"),
    catchup=True,
    max_active_runs=1,
    default_args=default_args,
    tags=["retail-lakehouse", "spark", "delta"],
    doc_md="""
### Retail lakehouse, daily

One `spark-submit` of the shaded jobs jar per stage, for the run's logical date (`--date {{ ds }}`)
and run id (`--run-id {{ run_id }}`). Every stage is idempotent for a date, so a retry, a clear
or a backfill (`catchup`, one run at a time) gives the same tables.

`bronze` -> `silver` -> `gold` and `recommendations` -> `publish` (to PostgreSQL, atomically).

Settings, as Airflow Variables (or `AIRFLOW_VAR_<NAME>` in the worker's environment):
`lakehouse_jar`, `lakehouse_env` (`local` or `cluster`), `lakehouse_lake`, `lakehouse_sources`,
`lakehouse_jdbc_url`, `lakehouse_orders_api`. Spark master and deploy mode come from the
`spark_default` connection.
Secrets (`LAKEHOUSE_PG_PASSWORD`, `LAKEHOUSE_PII_KEY`) live in the worker's environment only.
""",
) as dag:
    tasks = {
        stage["name"]: SparkSubmitOperator(
            task_id=stage["name"],
            conn_id="spark_default",
            application=JAR,
            java_class=stage["main_class"],
            application_args=stage_args(),
            conf=DELTA_SPARK_CONF,
            name=f"retail-lakehouse-{stage['name']}-{{{{ ds_nodash }}}}",
            doc_md=stage["description"],
        )
        for stage in STAGES
    }
    # A stage runs after the stages that write the tables it reads.
    for stage in STAGES:
        for upstream in stage["upstream"]:
            tasks[upstream] >> tasks[stage["name"]]
