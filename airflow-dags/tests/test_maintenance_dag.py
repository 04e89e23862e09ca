"""The weekly maintenance DAG, against a real Airflow 3 install (no mocks)."""

from __future__ import annotations

import json
from datetime import timedelta

import pendulum
from airflow.providers.apache.spark.operators.spark_submit import SparkSubmitOperator
from airflow.serialization.serialized_objects import DagSerialization
from airflow.timetables.base import TimeRestriction
from test_dag import DAGS_DIR, load_dag, options, render

DAG_ID = "retail_lakehouse_maintenance"
MAINTENANCE = json.loads((DAGS_DIR / "stages.json").read_text())["maintenance"]


def test_maintenance_is_one_spark_submit_of_the_maintenance_job():
    dag = load_dag(DAG_ID)

    # stages.json is generated from the jobs (a JUnit test checks it is current)
    assert [job["main_class"] for job in MAINTENANCE] == ["com.retail.lakehouse.jobs.MaintainJob"]
    assert [task.task_id for task in dag.tasks] == ["maintain"]
    task = dag.get_task("maintain")
    assert isinstance(task, SparkSubmitOperator)
    assert task._java_class == "com.retail.lakehouse.jobs.MaintainJob"
    assert task._conn_id == "spark_default"
    assert task.conf["spark.sql.extensions"] == "io.delta.sql.DeltaSparkSessionExtension"


def test_it_runs_weekly_on_sunday_one_at_a_time_without_catching_up():
    dag = load_dag(DAG_ID)
    timetable = DagSerialization.from_dict(DagSerialization.to_dict(dag)).timetable
    first = timetable.next_dagrun_info(
        last_automated_data_interval=None,
        restriction=TimeRestriction(earliest=dag.start_date, latest=None, catchup=True),
    )

    assert dag.catchup is False
    assert dag.max_active_runs == 1
    # 2026-01-04 is the first Sunday after the start date; a run covers the week after it
    assert first.data_interval.start == pendulum.datetime(2026, 1, 4, 3, tz="UTC")
    assert first.data_interval.end - first.data_interval.start == timedelta(days=7)
    assert first.data_interval.start.day_of_week == pendulum.SUNDAY


def test_it_retries_is_owned_tagged_and_documented():
    dag = load_dag(DAG_ID)
    task = dag.get_task("maintain")

    assert {"retail-lakehouse", "maintenance"} <= set(dag.tags)
    assert dag.doc_md and "VACUUM" in dag.doc_md
    assert task.retries > 0 and task.retry_delay > timedelta(0)
    assert task.owner == "data-platform"
    assert task.execution_timeout is not None


def test_rendered_arguments_carry_the_logical_date_and_run_id():
    task = render("maintain", pendulum.datetime(2026, 1, 18, 3, tz="UTC"), dag_id=DAG_ID)

    args = options(task.application_args)
    assert args["--env"] == "cluster"
    assert args["--date"] == "2026-01-18"
    assert args["--run-id"].startswith("scheduled__2026-01-25T03:00:00")
    assert args["--lake"] == ""
    assert task.name == "retail-lakehouse-maintain-20260118"
