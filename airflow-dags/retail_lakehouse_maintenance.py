"""Weekly maintenance of the retail lakehouse: compaction (Z-order) and vacuum of every table."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pendulum
from airflow.providers.apache.spark.operators.spark_submit import SparkSubmitOperator
from airflow.sdk import DAG, CronDataIntervalTimetable

from retail_lakehouse import DELTA_SPARK_CONF, JAR, stage_args

DAG_ID = "retail_lakehouse_maintenance"

# The maintenance job as the jobs declare it, from the same generated file as the daily stages.
MAINTENANCE = json.loads(Path(__file__).with_name("stages.json").read_text(encoding="utf-8"))["maintenance"]

with DAG(
    dag_id=DAG_ID,
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
(`OPTIMIZE`, Z-ordered by the columns the gold queries and merges filter on) and vacuumed with
`maintenance.retention-hours` (168 at least). Its commits change no data, so no daily stage is
recomputed and nothing is republished because of it. Same Variables as the daily DAG.
""",
) as dag:
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
