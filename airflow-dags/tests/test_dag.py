"""Integrity tests of the retail lakehouse DAG, against a real Airflow 3 install (no mocks).

The DAG is parsed by Airflow's DagBag, serialized and read back the way the scheduler stores it,
and its templates are rendered by a real runtime task instance for a scheduled run.
"""

from __future__ import annotations

import json
import re
import uuid
from datetime import timedelta
from pathlib import Path

import pendulum
import pytest
from airflow.dag_processing.dagbag import DagBag
from airflow.models.dagrun import DagRun as DagRunModel
from airflow.providers.apache.spark.operators.spark_submit import SparkSubmitOperator
from airflow.sdk.api.datamodels._generated import DagRun, TIRunContext
from airflow.sdk.execution_time.task_runner import RuntimeTaskInstance
from airflow.serialization.serialized_objects import DagSerialization
from airflow.timetables.base import DataInterval, TimeRestriction
from airflow.utils.state import DagRunState
from airflow.utils.types import DagRunType

DAGS_DIR = Path(__file__).resolve().parents[1]
DAG_FILE = DAGS_DIR / "retail_lakehouse.py"
DAG_ID = "retail_lakehouse_daily"

STAGES = json.loads((DAGS_DIR / "stages.json").read_text())["stages"]
MAIN_CLASSES = {stage["name"]: stage["main_class"] for stage in STAGES}

SETTING_VARIABLES = [
    "lakehouse_jar",
    "lakehouse_env",
    "lakehouse_lake",
    "lakehouse_sources",
    "lakehouse_jdbc_url",
    "lakehouse_orders_api",
]
SECRET_ENV = ["LAKEHOUSE_PG_PASSWORD", "LAKEHOUSE_PII_KEY"]

LOGICAL_DATE = pendulum.datetime(2026, 1, 15, tz="UTC")


def parse_dag_folder() -> DagBag:
    return DagBag(dag_folder=str(DAGS_DIR))


def load_dag(dag_id=DAG_ID):
    """A fresh parse: rendering templates changes the task objects in place."""
    bag = parse_dag_folder()
    assert not bag.import_errors, bag.import_errors
    return bag.dags[dag_id]


def scheduled_run_after(dag, logical_date):
    """The data interval and start time the scheduler gives the run of this logical date."""
    timetable = DagSerialization.from_dict(DagSerialization.to_dict(dag)).timetable
    previous = DataInterval(start=logical_date - timedelta(days=1), end=logical_date)
    info = timetable.next_dagrun_info(
        last_automated_data_interval=previous,
        restriction=TimeRestriction(earliest=dag.start_date, latest=None, catchup=True),
    )
    return info.data_interval, info.run_after


def render(task_id: str, logical_date=LOGICAL_DATE, dag_id=DAG_ID):
    """Render a task's templates as the task runner does for the scheduled run of logical_date."""
    dag = load_dag(dag_id)
    task = dag.get_task(task_id)
    interval, run_after = scheduled_run_after(dag, logical_date)
    run_id = DagRunModel.generate_run_id(
        run_type=DagRunType.SCHEDULED, logical_date=interval.start, run_after=run_after
    )
    dag_run = DagRun(
        dag_id=dag.dag_id,
        run_id=run_id,
        logical_date=interval.start,
        data_interval_start=interval.start,
        data_interval_end=interval.end,
        run_after=run_after,
        start_date=run_after,
        end_date=None,
        run_type=DagRunType.SCHEDULED,
        state=DagRunState.RUNNING,
        consumed_asset_events=[],
        partition_key=None,
    )
    ti = RuntimeTaskInstance.model_construct(
        id=uuid.uuid4(),
        task_id=task_id,
        dag_id=dag.dag_id,
        run_id=run_id,
        try_number=1,
        dag_version_id=uuid.uuid4(),
        map_index=-1,
        task=task,
        _ti_context_from_server=TIRunContext(dag_run=dag_run, max_tries=task.retries),
        max_tries=task.retries,
        start_date=run_after,
    )
    ti.render_templates()
    return ti.task


def options(args: list[str]) -> dict[str, str]:
    """`--name value` pairs of a command line; fails on a dangling or repeated option."""
    assert len(args) % 2 == 0, args
    names, values = args[0::2], args[1::2]
    assert all(name.startswith("--") for name in names), args
    assert len(set(names)) == len(names), args
    return dict(zip(names, values, strict=True))


@pytest.fixture(autouse=True)
def no_lakehouse_variables(monkeypatch):
    """Start every test with no lakehouse Variable or secret in the environment."""
    for name in SETTING_VARIABLES:
        monkeypatch.delenv(f"AIRFLOW_VAR_{name.upper()}", raising=False)
    for name in SECRET_ENV:
        monkeypatch.delenv(name, raising=False)


def test_dag_folder_imports_without_errors_or_warnings():
    bag = parse_dag_folder()

    assert bag.import_errors == {}
    assert bag.captured_warnings == {}
    assert set(bag.dag_ids) == {DAG_ID, "retail_lakehouse_maintenance"}


def test_every_stage_is_a_spark_submit_of_its_main_class():
    dag = load_dag()

    assert {task.task_id for task in dag.tasks} == set(MAIN_CLASSES)
    for task in dag.tasks:
        assert isinstance(task, SparkSubmitOperator), task.task_id
        assert task._java_class == MAIN_CLASSES[task.task_id]
        assert task._conn_id == "spark_default"
        assert task.conf["spark.sql.extensions"] == "io.delta.sql.DeltaSparkSessionExtension"
        assert task.conf["spark.sql.catalog.spark_catalog"] == (
            "org.apache.spark.sql.delta.catalog.DeltaCatalog"
        )


def test_upstream_tasks_are_the_stages_whose_tables_each_reads():
    dag = load_dag()

    # stages.json is checked against the jobs' declarations by a JUnit test (StagesTest).
    assert {task.task_id: set(task.upstream_task_ids) for task in dag.tasks} == {
        stage["name"]: set(stage["upstream"]) for stage in STAGES
    }
    assert set(dag.get_task("publish").upstream_task_ids) == {
        "gold",
        "recommendations",
        "orders_gold",
    }
    assert dag.get_task("bronze").upstream_task_ids == set()


def test_every_task_retries_and_the_dag_is_owned_tagged_and_documented():
    dag = load_dag()

    assert "retail-lakehouse" in dag.tags
    assert dag.doc_md and "spark-submit" in dag.doc_md
    for task in dag.tasks:
        assert task.retries > 0, task.task_id
        assert task.retry_delay > timedelta(0), task.task_id
        assert task.owner == "data-platform", task.task_id
        assert task.execution_timeout is not None, task.task_id


def test_daily_runs_one_at_a_time_from_the_sample_calendar_without_catch_up():
    dag = load_dag()
    serialized = DagSerialization.from_dict(DagSerialization.to_dict(dag))
    first = serialized.timetable.next_dagrun_info(
        last_automated_data_interval=None,
        restriction=TimeRestriction(earliest=dag.start_date, latest=None, catchup=True),
    )

    # Enabling the DAG queues no run per past day; older dates are backfilled on purpose.
    assert dag.catchup is False
    assert dag.max_active_runs == 1
    # The Complete Journey calendar starts on 1 January 2017, so every date of the sample can run;
    # the run of that day starts once it is over.
    assert first.data_interval == DataInterval(
        start=pendulum.datetime(2017, 1, 1, tz="UTC"), end=pendulum.datetime(2017, 1, 2, tz="UTC")
    )
    assert first.run_after == pendulum.datetime(2017, 1, 2, tz="UTC")


def test_each_stage_gets_the_default_spark_settings_and_its_own():
    dag = load_dag()
    settings = json.loads((DAGS_DIR / "spark_conf.json").read_text())

    assert set(settings["stages"]) <= set(MAIN_CLASSES), "spark_conf.json names unknown stages"
    for task in dag.tasks:
        expected = {**settings["default"], **settings["stages"].get(task.task_id, {})}
        assert {k: task.conf[k] for k in expected} == expected, task.task_id
        # Without a cap an application takes every core of a standalone cluster and the
        # parallel branches wait; two one-core workers is the smallest cluster it is tried on.
        assert 1 <= int(task.conf["spark.cores.max"]) <= 2, task.task_id
    assert dag.get_task("silver").conf["spark.cores.max"] == "2"
    assert dag.get_task("gold").conf["spark.cores.max"] == "1"


def test_publish_updates_one_asset_per_served_table():
    dag = load_dag()
    publish = next(stage for stage in STAGES if stage["name"] == "publish")
    served = publish["reads"] + publish["reads_when_present"]

    assert {"gold.customer_summary", "gold.order_kpis"} <= set(served)
    assert {asset.name for asset in dag.get_task("publish").outlets} == {
        f"retail_lakehouse.serving.{table}" for table in served
    }
    assert "retail_lakehouse.serving.gold.customer_summary" in {
        asset.name for asset in dag.get_task("publish").outlets
    }
    for task in dag.tasks:
        if task.task_id != "publish":
            assert task.outlets == [], task.task_id


def asset_names(condition) -> set[str]:
    """The names an asset schedule (an asset, a reference by name, or an and/or of them) waits on."""
    if hasattr(condition, "objects"):
        return set().union(*(asset_names(part) for part in condition.objects))
    return {condition.name}


def test_the_readmes_downstream_dag_is_scheduled_on_the_served_tables(tmp_path):
    readme = (DAGS_DIR.parent / "README.md").read_text()
    example = re.search(r"<!-- downstream-dag -->\s*```python\n(.*?)```", readme, re.S)
    assert example, "README.md shows a downstream DAG after <!-- downstream-dag -->"
    for name in ("retail_lakehouse.py", "stages.json", "spark_conf.json"):
        (tmp_path / name).write_text((DAGS_DIR / name).read_text())
    (tmp_path / "dashboard_refresh.py").write_text(example.group(1))

    bag = DagBag(dag_folder=str(tmp_path))
    assert bag.import_errors == {}
    ours = {DAG_ID, "retail_lakehouse_maintenance"}
    downstream = [dag for dag_id, dag in bag.dags.items() if dag_id not in ours]
    assert len(downstream) == 1
    published = {asset.name for asset in bag.dags[DAG_ID].get_task("publish").outlets}
    scheduled_on = asset_names(downstream[0].timetable.asset_condition)
    assert scheduled_on == {
        "retail_lakehouse.serving.gold.sales_by_day_department",
        "retail_lakehouse.serving.gold.product_performance",
    }
    assert scheduled_on <= published


@pytest.mark.parametrize("task_id", list(MAIN_CLASSES))
def test_rendered_arguments_carry_the_logical_date_and_run_id(task_id):
    task = render(task_id)

    # The run of 15 January starts at midnight on the 16th, which is what its run id names.
    assert options(task.application_args) == {
        "--env": "cluster",
        "--date": "2026-01-15",
        "--run-id": "scheduled__2026-01-16T00:00:00+00:00",
        # blank: the job keeps the lake, sources and database of its configuration
        "--lake": "",
        "--sources": "",
        "--jdbc-url": "",
        "--orders-api": "",
    }
    assert task.application == "/opt/retail-lakehouse/retail-lakehouse-jobs.jar"
    assert task.name == f"retail-lakehouse-{task_id}-20260115"


def test_a_backfilled_date_renders_its_own_date():
    task = render("bronze", logical_date=pendulum.datetime(2018, 1, 1, tz="UTC"))

    assert options(task.application_args)["--date"] == "2018-01-01"
    assert options(task.application_args)["--run-id"] == "scheduled__2018-01-02T00:00:00+00:00"


def test_settings_come_from_airflow_variables_at_run_time(monkeypatch):
    parsed = load_dag().get_task("silver")
    monkeypatch.setenv("AIRFLOW_VAR_LAKEHOUSE_JAR", "/srv/jars/jobs-1.2.jar")
    monkeypatch.setenv("AIRFLOW_VAR_LAKEHOUSE_ENV", "local")
    monkeypatch.setenv("AIRFLOW_VAR_LAKEHOUSE_LAKE", "/srv/lake")
    monkeypatch.setenv("AIRFLOW_VAR_LAKEHOUSE_SOURCES", "/srv/landing")
    monkeypatch.setenv("AIRFLOW_VAR_LAKEHOUSE_JDBC_URL", "jdbc:postgresql://db.internal:5432/serving")

    task = render("silver")

    # Parsing read no Variable: the parsed task still holds the templates.
    assert "var.value.get('lakehouse_jar'" in parsed.application
    assert task.application == "/srv/jars/jobs-1.2.jar"
    args = options(task.application_args)
    assert args["--env"] == "local"
    assert args["--lake"] == "/srv/lake"
    assert args["--sources"] == "/srv/landing"
    assert args["--jdbc-url"] == "jdbc:postgresql://db.internal:5432/serving"
    assert args["--date"] == "2026-01-15"


def test_secrets_stay_in_the_worker_environment(monkeypatch):
    sentinels = {name: f"sentinel-{name.lower()}-{uuid.uuid4().hex}" for name in SECRET_ENV}
    for name, value in sentinels.items():
        monkeypatch.setenv(name, value)

    # Neither the parsed DAG (as the scheduler stores it) nor any rendered field holds a secret.
    stored = json.dumps(DagSerialization.to_dict(load_dag()), default=str)
    rendered = [
        repr(getattr(task, field)) for task_id in MAIN_CLASSES for task in [render(task_id)]
        for field in task.template_fields
    ]  # fmt: skip
    for value in sentinels.values():
        assert value not in stored
        assert not any(value in text for text in rendered)


def test_dag_file_has_no_literal_credentials():
    source = DAG_FILE.read_text()
    assignment = re.compile(
        r"""(?i)(password|passwd|pii_key|secret|token|api_key)["']?\s*[:=]\s*["'][^"'{]+["']"""
    )

    assert not assignment.findall(source)
    assert not re.search(r"jdbc:postgresql://[^/\s]*:[^/\s]*@", source), "credentials in a JDBC URL"
    assert not re.search(r"(?i)[?&](user|password)=", source), "credentials in a JDBC URL"


def test_the_readmes_cluster_example_uses_conf_cluster_confs_settings():
    readme = (DAGS_DIR.parent / "README.md").read_text()
    conf = (DAGS_DIR.parent / "conf" / "cluster.conf").read_text()

    for key, env in [
        ("lake.root", "LAKEHOUSE_LAKE_ROOT"),
        ("sources.root", "LAKEHOUSE_SOURCES_ROOT"),
        ("postgres.url", "LAKEHOUSE_PG_URL"),
        ("postgres.user", "LAKEHOUSE_PG_USER"),
    ]:
        default = re.search(rf'^{re.escape(key)} = "([^"]*)"$', conf, re.M)
        assert default, key
        assert re.search(rf"^{re.escape(key)} = \$\{{\?{env}\}}$", conf, re.M), f"{key} from {env}"
        assert f"{env}={default.group(1)}" in readme, f"README's {env} is not cluster.conf's {key}"
    assert re.search(r"^orders-api\.url = \$\{\?LAKEHOUSE_ORDERS_API_URL\}$", conf, re.M)
