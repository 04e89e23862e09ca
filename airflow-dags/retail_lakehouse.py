"""Daily orchestration of the retail lakehouse: one spark-submit per stage and logical date."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pendulum
from airflow.providers.apache.spark.operators.spark_submit import SparkSubmitOperator
from airflow.sdk import DAG, Asset, CronDataIntervalTimetable

DAG_ID = "retail_lakehouse_daily"

# The stages, their main classes and their order, as the jobs declare them: generated from the
# stage registry by `bin/pipeline stages --write airflow-dags/stages.json` (a JUnit test checks
# that the file is current). Deploy it beside this file.
STAGES_FILE = Path(__file__).with_name("stages.json")
STAGES = json.loads(STAGES_FILE.read_text(encoding="utf-8"))["stages"]

# Spark resources per stage (cores, memory, spark.cores.max, shuffle partitions): the deployment's
# side of the settings, deployed beside this file. See spark_conf.json.
SPARK_CONF_FILE = Path(__file__).with_name("spark_conf.json")
SPARK_CONF = json.loads(SPARK_CONF_FILE.read_text(encoding="utf-8"))

# The same session settings the jobs set themselves; harmless to pass twice.
DELTA_SPARK_CONF = {
    "spark.sql.extensions": "io.delta.sql.DeltaSparkSessionExtension",
    "spark.sql.catalog.spark_catalog": "org.apache.spark.sql.delta.catalog.DeltaCatalog",
}

# The first logical date the DAG can run: the start of the Complete Journey calendar, so that the
# shipped sample's dates (2017-01-01 to 2018-01-02) can be run and tested. The DAG does not catch
# up: enabled today, it runs from today on; older dates are run on purpose, as a backfill
# (`airflow backfill create --dag-id retail_lakehouse_daily --from-date ... --to-date ...`).
START_DATE = pendulum.datetime(2017, 1, 1, tz="UTC")

# Where the gold tables are served: an Airflow asset per table the publish task serves, so that
# other DAGs can be scheduled on them (schedule=[Asset("retail_lakehouse.serving.gold.customer_summary")]).
SERVING_ASSET_PREFIX = "retail_lakehouse.serving."


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


def spark_conf(stage: str) -> dict[str, str]:
    """The --conf settings of a stage's spark-submit: Delta, the defaults, then the stage's own."""
    return {**DELTA_SPARK_CONF, **SPARK_CONF["default"], **SPARK_CONF["stages"].get(stage, {})}


def served_tables(stage: dict) -> list[str]:
    """The lake tables a stage serves to the database: what a stage that needs it reads."""
    if "database" not in stage["needs"]:
        return []
    return stage["reads"] + stage["reads_when_present"]


def outlets(stage: dict) -> list[Asset]:
    """One asset per table the stage publishes, updated when the task succeeds."""
    return [
        Asset(name=SERVING_ASSET_PREFIX + table, uri=f"retail-lakehouse://serving/{table}", group="serving")
        for table in served_tables(stage)
    ]


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
    start_date=START_DATE,
    catchup=False,
    max_active_runs=1,
    default_args=default_args,
    tags=["retail-lakehouse", "spark", "delta"],
    doc_md="""
### Retail lakehouse, daily

One `spark-submit` of the shaded jobs jar per stage, for the run's logical date (`--date {{ ds }}`)
and run id (`--run-id {{ run_id }}`). Every stage is idempotent for a date, so a retry, a clear
or a backfill (`airflow backfill create`, one run at a time) gives the same tables; a backfill of
a date older than the lake's gold tables leaves them as they are. No catch-up: the first run is
the one after the DAG is enabled.

`bronze` -> `silver` -> `gold` and `recommendations` -> `publish` (to PostgreSQL, atomically).

Settings, as Airflow Variables (or `AIRFLOW_VAR_<NAME>` in the worker's environment):
`lakehouse_jar`, `lakehouse_env` (`local` or `cluster`), `lakehouse_lake`, `lakehouse_sources`,
`lakehouse_jdbc_url`, `lakehouse_orders_api`. Spark master and deploy mode come from the
`spark_default` connection; each stage's Spark resources from `spark_conf.json`.
The publish task updates one asset per served table (`retail_lakehouse.serving.gold.<table>`).
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
            conf=spark_conf(stage["name"]),
            name=f"retail-lakehouse-{stage['name']}-{{{{ ds_nodash }}}}",
            doc_md=stage["description"],
            outlets=outlets(stage),
        )
        for stage in STAGES
    }
    # A stage runs after the stages that write the tables it reads.
    for stage in STAGES:
        for upstream in stage["upstream"]:
            tasks[upstream] >> tasks[stage["name"]]


# The weekly maintenance, a DAG of its own (in this file: a second file importing this one would
# define the daily DAG twice).
MAINTENANCE_DAG_ID = "retail_lakehouse_maintenance"

# The maintenance job as the jobs declare it, from the same generated file as the daily stages.
MAINTENANCE = json.loads(STAGES_FILE.read_text(encoding="utf-8"))["maintenance"]

with DAG(
    dag_id=MAINTENANCE_DAG_ID,
    description="Retail lakehouse: OPTIMIZE (Z-order) and VACUUM of every Delta table, weekly",
    # Sundays at 03:00 UTC, after Saturday's daily run; the job takes each table's stage lock, so
    # a daily run that overlaps it waits for that table, never the other way round for long.
    schedule=CronDataIntervalTimetable("0 3 * * 0", timezone="UTC"),
    start_date=pendulum.datetime(2026, 1, 1, tz="UTC"),
    catchup=False,
    max_active_runs=1,
    default_args={
        "owner": "data-platform",
        "depends_on_past": False,
        "retries": 1,
        "retry_delay": timedelta(minutes=30),
        "execution_timeout": timedelta(hours=6),
    },
    tags=["retail-lakehouse", "spark", "delta", "maintenance"],
    doc_md="""
### Retail lakehouse, weekly maintenance

One `spark-submit` of the jobs jar's maintenance job: every table of the lake is compacted
(`OPTIMIZE`, Z-ordered by the columns the gold queries and merges filter on) and vacuumed
(`VACUUM`) with `maintenance.retention-hours` (168 at least). Its commits change no data, so no
daily stage is recomputed and nothing is republished because of it. Same Variables as the daily
DAG.
""",
) as maintenance_dag:
    for job in MAINTENANCE:
        SparkSubmitOperator(
            task_id=job["name"],
            conn_id="spark_default",
            application=JAR,
            java_class=job["main_class"],
            application_args=stage_args(),
            conf=DELTA_SPARK_CONF,
            name=f"retail-lakehouse-{job['name']}-{{{{ ds_nodash }}}}",
            doc_md=job["description"],
        )
