"""The daily DAG run for real: every task a spark-submit to a Spark standalone cluster, on the sample.

One module fixture stands the pieces up once, as a deployer would (README: "Try the DAG locally"):
a standalone cluster of a master and two one-core workers (bin/cluster), a real PostgreSQL (the
embedded one, served by bin/pipeline db), the simulated shop API, and Airflow set up by
try-dag.sh (metadata database migrated, DAG reserialized, the spark_default connection, the
Variables; the secrets only in the environment). It then runs the DAG three times: for 2018-01-02
(the day after the sample's last transaction), for the same date again, and for 2018-01-01 (a
backfill), taking a snapshot of the lake and the database after each. The tests read the snapshots.

The expected tables come from another route: a local run of the whole pipeline in one JVM
(bin/pipeline run), reused from the notebooks' tests when bin/test passes it in
LAKEHOUSE_REFERENCE_LAKE, else made here. bin/test starts this test while that run is still
going: with LAKEHOUSE_REFERENCE_READY set, the first check waits until that file exists.
"""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

DAGS_DIR = Path(__file__).resolve().parents[1]
HOME = DAGS_DIR.parent
JAR = HOME / "jobs" / "target" / "retail-lakehouse-jobs.jar"
STAGES = json.loads((DAGS_DIR / "stages.json").read_text())["stages"]
PUBLISHED = [t for s in STAGES if "database" in s["needs"] for t in s["reads"] + s["reads_when_present"]]
# The gold tables: computed from the data alone, so equal in any two runs (ops.* hold run ids, times).
GOLD = [t for t in PUBLISHED if t.startswith("gold.")]
DATE, SAME_DATE, BACKFILL = "2018-01-02", "2018-01-02", "2018-01-01"
RUNS = {"first": DATE, "again": SAME_DATE, "backfill": BACKFILL}

pytestmark = pytest.mark.cluster


# The terminal reporter and pytest's capture manager, set by the fixture. pytest captures what a
# fixture writes, the reporter's lines too: they are written with the capture suspended, or a
# passing run would show none of them.
REPORTER = []


def progress(message: str) -> None:
    """Progress lines in the test command's output, past pytest's capture."""
    for reporter, capture in REPORTER:
        with capture.global_and_fixture_disabled():
            reporter.write_line(f"test_dag_run: {message}")


def run(command: list[str], env: dict[str, str], log: Path, timeout: int = 3 * 3600) -> None:
    """Runs a command to its end; on a timeout its whole process group (spark-submits too) is ended."""
    with log.open("w") as out:
        process = subprocess.Popen(
            command, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
        try:
            code = process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=60)
            raise
    if code != 0:
        tail = log.read_text(errors="replace").splitlines()[-30:]
        raise AssertionError(f"{' '.join(command)} exited {code}:\n" + "\n".join(tail))


def serve(command: list[str], env: dict[str, str], log: Path, pattern: str, timeout: int = 300):
    """Starts a server process and waits for the line that says where it listens."""
    out = log.open("w")
    process = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT, cwd=HOME)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        match = re.search(pattern, log.read_text(errors="replace"))
        if match:
            return process, match.group(1)
        if process.poll() is not None:
            break
        time.sleep(1)
    process.kill()
    raise AssertionError(f"{' '.join(command)} did not start:\n{log.read_text(errors='replace')[-3000:]}")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def history_applications(port: int, expected: int, timeout: int = 300) -> list[dict]:
    """The applications the History Server lists, once it lists `expected` of them (or the timeout)."""
    deadline, apps = time.monotonic() + timeout, []
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/applications", timeout=5) as r:
                apps = json.load(r)
        except OSError:
            apps = []
        if len(apps) >= expected:
            break
        time.sleep(3)
    return apps


def delta_versions(lake: Path) -> dict[str, int]:
    """Every table's current Delta version: the highest commit file of its _delta_log."""
    versions = {}
    for log in sorted(lake.glob("*/*/_delta_log")):
        commits = [int(p.stem) for p in log.glob("*.json") if p.stem.isdigit()]
        versions[f"{log.parent.parent.name}.{log.parent.name}"] = max(commits)
    return versions


def spark_python() -> str:
    """The Python of bin/cluster's Spark virtualenv, which has PySpark."""
    venv = Path(os.environ.get("LAKEHOUSE_SPARK_VENV", HOME / ".spark-venv"))
    return str(venv / "bin" / "python")


@pytest.fixture(scope="module")
def dag_runs(tmp_path_factory, pytestconfig):
    plugins = pytestconfig.pluginmanager
    REPORTER[:] = [(plugins.getplugin("terminalreporter"), plugins.getplugin("capturemanager"))]
    tmp = tmp_path_factory.mktemp("dag-run")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AIRFLOW", "LAKEHOUSE_"))}
    env.update(LAKEHOUSE_CLUSTER_DIR=str(tmp / "cluster"), LAKEHOUSE_HOME=str(HOME))
    if "LAKEHOUSE_SPARK_VENV" in os.environ:
        env["LAKEHOUSE_SPARK_VENV"] = os.environ["LAKEHOUSE_SPARK_VENV"]
    timings: dict[str, float] = {}
    processes = []
    started = time.monotonic()
    try:
        if not JAR.is_file() or not (HOME / "jobs/target/lineage/openlineage-spark.jar").is_file():
            progress("building the jobs jar (mvn package)")
            run(
                [
                    "mvn",
                    "-q",
                    "-B",
                    "-ntp",
                    "-DskipTests",
                    "-Dspotless.check.skip=true",
                    "-Djacoco.skip=true",
                    "package",
                ],
                env,
                tmp / "mvn.log",
            )
        # The Python that reads the lakes for the checks: PySpark's, in bin/cluster's virtualenv.
        run(
            [
                str(HOME / "bin/python-venv"),
                str(Path(spark_python()).parents[1]),
                str(HOME / "conf/spark-requirements.txt"),
            ],
            env,
            tmp / "spark-venv.log",
        )
        run([str(HOME / "bin/cluster"), "start", "--port", "0"], env, tmp / "cluster-start.log")
        timings["cluster start"] = time.monotonic() - started
        progress(f"cluster up ({timings['cluster start']:.0f} s)")

        reference = os.environ.get("LAKEHOUSE_REFERENCE_LAKE")
        if not reference:
            t = time.monotonic()
            reference = str(tmp / "reference")
            progress("no LAKEHOUSE_REFERENCE_LAKE: running the pipeline locally for the reference")
            run(
                [str(HOME / "bin/pipeline"), "run", "--lake", reference, "--date", DATE],
                env,
                tmp / "reference.log",
            )
            timings["local reference run"] = time.monotonic() - t

        lake = tmp / "lake"
        (tmp / "lake-postgres").mkdir()
        db, port = serve(
            [str(HOME / "bin/pipeline"), "db", "--lake", str(lake)],
            env,
            tmp / "db.log",
            r"jdbc:postgresql://localhost:(\d+)/",
        )
        processes.append(db)
        shop, shop_url = serve(
            [str(HOME / "bin/pipeline"), "shop-api", "--port", "0", "--fault-rate", "0", "--rate-limit", "0"],
            env,
            tmp / "shop.log",
            r"\n  (http://127\.0\.0\.1:\d+)/",
        )
        processes.append(shop)

        # As README.md tells a deployer: where things are, in the environment; secrets only there.
        jdbc_url = f"jdbc:postgresql://127.0.0.1:{port}/postgres"
        env.update(
            LAKEHOUSE_LAKE_ROOT=str(lake),
            LAKEHOUSE_SOURCES_ROOT=str(HOME / "data/sample/completejourney"),
            LAKEHOUSE_PG_URL=jdbc_url,
            LAKEHOUSE_PG_USER="postgres",
            LAKEHOUSE_PG_PASSWORD="dag-test-password",
            LAKEHOUSE_PII_KEY="dag-test-pii-key",
            LAKEHOUSE_ORDERS_API_URL=shop_url,
            AIRFLOW_HOME=str(tmp / "airflow"),
        )
        snapshots = {"master": (tmp / "cluster" / "master-url").read_text().strip()}
        for name, date in RUNS.items():
            t = time.monotonic()
            run([str(DAGS_DIR / "try-dag.sh"), date], env, tmp / f"try-dag-{name}.log")
            timings[f"DAG run {name} ({date})"] = time.monotonic() - t
            progress(f"DAG run {name} for {date} succeeded ({timings[f'DAG run {name} ({date})']:.0f} s)")
            log = re.search(r"; log: (\S+)\)", (tmp / f"try-dag-{name}.log").read_text()).group(1)
            snapshots[name] = {
                "log": log,
                "versions": delta_versions(lake),
            }
            # The first run's tables against the reference and PostgreSQL. The again run's keep
            # the first run's versions, and so do the backfill's gold tables (tests assert both):
            # a Delta version's rows never change, so only what PostgreSQL serves is checked again.
            if name != "again":
                t = time.monotonic()
                if name == "first":
                    wait_for_reference()
                snapshots[name]["check"] = check(env, lake, reference if name == "first" else None)
                timings[f"check after {name}"] = time.monotonic() - t
        # A date before the DAG's start: no task can run, and the try-out says so.
        too_early = subprocess.run(
            [str(DAGS_DIR / "try-dag.sh"), "2016-12-31"],
            env=env,
            capture_output=True,
            text=True,
            timeout=1800,
        )
        # One stage the way README.md's "A cluster on this machine" submits it, by hand.
        t = time.monotonic()
        submit = subprocess.run(
            [str(HOME / "bin/cluster"), "submit", "publish", "--date", DATE, "--run-id", "by-hand"],
            env=env,
            capture_output=True,
            text=True,
            timeout=1800,
        )
        timings["bin/cluster submit publish"] = time.monotonic() - t
        # The History Server over the cluster's event logs: what it lists.
        t = time.monotonic()
        history_port = free_port()
        run([str(HOME / "bin/cluster"), "history", "--port", str(history_port)], env, tmp / "history.log")
        history = history_applications(history_port, expected=len(RUNS) * len(STAGES) + 1)
        timings["history server"] = time.monotonic() - t
        yield {
            "too_early": too_early,
            "history": history,
            "tmp": tmp,
            "lake": lake,
            "snapshots": snapshots,
            "airflow": tmp / "airflow",
            "env": env,
            "submit": submit,
        }
    finally:
        for process in processes:
            process.terminate()
            process.wait(timeout=60)
        subprocess.run([str(HOME / "bin/cluster"), "stop"], env=env, capture_output=True)
        progress("timings: " + ", ".join(f"{k} {v:.0f} s" for k, v in timings.items()))
        progress(f"total {time.monotonic() - started:.0f} s (load average {os.getloadavg()[0]:.1f})")


def wait_for_reference(timeout: int = 1800) -> None:
    """Waits for LAKEHOUSE_REFERENCE_READY, when set: the reference lake is then complete."""
    ready = os.environ.get("LAKEHOUSE_REFERENCE_READY")
    deadline = time.monotonic() + timeout
    while ready and not Path(ready).exists():
        assert time.monotonic() < deadline, f"the reference lake was not ready ({ready}) in {timeout} s"
        time.sleep(2)


def check(env: dict[str, str], lake: Path, reference: str | None) -> dict:
    """lake_check.py's report on the published tables: lake vs PostgreSQL, and vs the reference."""
    command = [
        spark_python(),
        str(Path(__file__).with_name("lake_check.py")),
        "--jar",
        str(JAR),
        "--lake",
        str(lake),
        *(["--reference", reference] if reference else []),
        "--jdbc-url",
        env["LAKEHOUSE_PG_URL"],
        *GOLD,
    ]
    result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=1800)
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout)


def data_tables(versions: dict[str, int]) -> dict[str, int]:
    return {table: version for table, version in versions.items() if not table.startswith("ops.")}


def gold_publishes(snapshot: dict) -> dict[str, int]:
    """How many times each gold table was published, by the publish log."""
    log = snapshot["check"]["ops.publish_log"]["by_table"]
    assert set(GOLD) <= set(log), sorted(set(GOLD) - set(log))
    return {table: log[table] for table in GOLD}


def history_publishes(snapshot: dict) -> int:
    """How many times the run history (gold.pipeline_runs) was published, by the publish log."""
    return snapshot["check"]["ops.publish_log"]["by_table"].get("gold.pipeline_runs", 0)


def task_log(dag_runs: dict, run: str, task_id: str) -> str:
    """A task's lines in the output of `airflow dags test` (which runs the tasks one by one)."""
    text = Path(dag_runs["snapshots"][run]["log"]).read_text(errors="replace")
    sections = re.split(r"^.*\[DAG TEST\] starting task_id=", text, flags=re.M)
    found = [section for section in sections[1:] if section.startswith(f"{task_id} ")]
    assert found, f"task {task_id} did not run in the {run} DAG run"
    return found[-1]


def test_the_cluster_run_computes_every_gold_table_as_the_local_run_does(dag_runs):
    report = dag_runs["snapshots"]["first"]["check"]

    assert len(GOLD) >= 9
    for table in GOLD:
        entry = report[table]
        assert entry["columns"] == entry["reference_columns"], table
        assert entry["rows"] == entry["reference_rows"] > 0, (table, entry)
        assert (entry["only_in_lake"], entry["only_in_reference"]) == (0, 0), (table, entry)


def test_postgresql_serves_exactly_the_gold_tables(dag_runs):
    report = dag_runs["snapshots"]["first"]["check"]

    for table in GOLD:
        entry = report[table]
        assert entry["served_rows"] == entry["rows"], (table, entry)
        assert (entry["only_in_lake_not_served"], entry["only_served"]) == (0, 0), (table, entry)
    assert report["ops.publish_log"]["rows"] >= len(GOLD)


def test_the_same_date_again_changes_nothing(dag_runs):
    first, again = dag_runs["snapshots"]["first"], dag_runs["snapshots"]["again"]

    # Every data table keeps its version; only the bookkeeping in ops (the audit) moves on.
    assert data_tables(again["versions"]) == data_tables(first["versions"])
    assert len(data_tables(first["versions"])) >= 30
    assert again["versions"]["ops.pipeline_runs"] > first["versions"]["ops.pipeline_runs"]
    # No gold table republished, by this run or the next (the publish log only grows); the run
    # history served beside them moves on with every run.
    backfill = dag_runs["snapshots"]["backfill"]
    assert gold_publishes(backfill) == gold_publishes(first)
    assert history_publishes(backfill) > history_publishes(first) > 0
    for stage in STAGES:
        assert f"{stage['name']}: up to date, nothing written" in task_log(dag_runs, "again", stage["name"])


def test_a_backfill_of_the_previous_date_leaves_the_later_results_alone(dag_runs):
    first, backfill = dag_runs["snapshots"]["first"], dag_runs["snapshots"]["backfill"]

    # The same versions hold the same rows: those the first run's check found equal to the reference.
    for table in GOLD:
        assert backfill["versions"][table] == first["versions"][table], table
        entry = backfill["check"][table]
        assert entry["rows"] == first["check"][table]["reference_rows"], (table, entry)
        assert (entry["only_in_lake_not_served"], entry["only_served"]) == (0, 0), (table, entry)
    assert gold_publishes(backfill) == gold_publishes(first)
    assert "gold: up to date, nothing written" in task_log(dag_runs, "backfill", "gold")


def test_task_logs_show_the_pipeline_and_not_sparks_info_lines(dag_runs):
    for stage in STAGES:
        text = task_log(dag_runs, "first", stage["name"])
        assert f"stage {stage['name']} starting" in text, stage["name"]
        assert " INFO DAGScheduler" not in text and " INFO TaskSetManager" not in text, stage["name"]


def test_the_history_server_shows_every_application_of_the_dag_runs(dag_runs):
    names = {app["name"] for app in dag_runs["history"]}

    for date in ("20180102", "20180101"):
        assert {f"retail-lakehouse-{s['name']}-{date}" for s in STAGES} <= names, sorted(names)


def test_a_date_before_the_start_date_fails_loudly_instead_of_an_empty_success(dag_runs):
    too_early = dag_runs["too_early"]

    assert too_early.returncode == 1, too_early.stdout + too_early.stderr
    assert "no task ran for 2016-12-31" in too_early.stderr


def test_bin_cluster_submits_a_stage_as_the_readme_shows(dag_runs):
    submit = dag_runs["submit"]

    assert submit.returncode == 0, submit.stderr[-3000:]
    command = re.search(r"^bin/cluster: (.*)$", submit.stderr, re.M).group(1).split()
    assert Path(command[0]).name == "spark-submit"
    assert command[1:3] == ["--master", dag_runs["snapshots"]["master"]]
    assert command[command.index("--class") + 1] == "com.retail.lakehouse.jobs.PublishJob"
    assert command[command.index("--class") + 2 :] == [
        str(JAR),
        "--env",
        "cluster",
        "--date",
        DATE,
        "--run-id",
        "by-hand",
    ]
    assert "publish: up to date, nothing written" in submit.stdout
    # The jobs' own logging: the pipeline's lines, no Spark INFO once the session is up.
    assert "stage publish starting" in submit.stderr
    assert " INFO DAGScheduler" not in submit.stderr


def lineage_events(path: Path) -> list[dict]:
    assert path.is_file(), f"no lineage events at {path}"
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def dataset_id(dataset: dict, lake: str, landing: str) -> str:
    """A lineage dataset as the pipeline names it: layer.table in the lake, landing:FILE, or as is."""
    name = dataset["name"]
    for root, label in ((lake, None), (landing, "landing")):
        if name.startswith(root + "/"):
            parts = name[len(root) + 1 :].split("/")
            return f"landing:{parts[0]}" if label else f"{parts[0]}.{parts[1]}"
    return f"{dataset['namespace']}:{name}"


def test_lineage_links_the_landing_files_to_the_served_tables(dag_runs):
    lake, landing = str(dag_runs["lake"]), str(HOME / "data/sample/completejourney")
    spark_events = lineage_events(dag_runs["tmp"] / "cluster/lineage/openlineage-spark.jsonl")
    airflow_events = lineage_events(dag_runs["airflow"] / "lineage/airflow.jsonl")

    # The Airflow task runs (the provider's events), by task.
    task_runs: dict[str, set[str]] = {}
    for event in airflow_events:
        job = event["job"]["name"]
        if job.startswith("retail_lakehouse_daily."):
            task_runs.setdefault(job.split(".", 1)[1], set()).add(event["run"]["runId"])
    assert set(task_runs) >= {stage["name"] for stage in STAGES}

    # Each Spark application the DAG submitted names its Airflow task run as parent; each of its
    # jobs (a read, a write) names the application's run. (bin/cluster's submit by hand has none.)
    def parent_of(event: dict) -> dict:
        return event["run"].get("facets", {}).get("parent") or {"job": {"name": ""}, "run": {"runId": ""}}

    application_task = {}
    for event in spark_events:
        facet = parent_of(event)
        if facet["job"]["name"].startswith("retail_lakehouse_daily."):
            task = facet["job"]["name"].split(".", 1)[1]
            assert facet["run"]["runId"] in task_runs[task], (task, facet["run"]["runId"])
            application_task[event["run"]["runId"]] = task
    assert set(application_task.values()) == {stage["name"] for stage in STAGES}
    by_hand = {e["run"]["runId"] for e in spark_events if not parent_of(e)["run"]["runId"]}

    inputs: dict[str, set[str]] = {}
    outputs: dict[str, set[str]] = {}
    for event in spark_events:
        run_id, parent_run_id = event["run"]["runId"], parent_of(event)["run"]["runId"]
        task = application_task.get(run_id) or application_task.get(parent_run_id)
        if task is None:
            assert run_id in by_hand or parent_run_id in by_hand, (
                f"an unknown application: {event['job']['name']}"
            )
            continue
        inputs.setdefault(task, set()).update(dataset_id(d, lake, landing) for d in event.get("inputs", []))
        outputs.setdefault(task, set()).update(dataset_id(d, lake, landing) for d in event.get("outputs", []))

    landing_files = {f"landing:{p.name}" for p in Path(landing).iterdir()}
    assert inputs["bronze"] >= landing_files, sorted(landing_files - inputs["bronze"])
    for stage in STAGES:
        name = stage["name"]
        read = set(stage["reads"] + stage["reads_when_present"])
        written = {w["table"] for w in stage["writes"] if not w["table"].startswith("ops.")}
        assert inputs.get(name, set()) >= read, (name, sorted(read - inputs.get(name, set())))
        assert outputs.get(name, set()) >= written, (name, sorted(written - outputs.get(name, set())))

    # Walking the recorded edges back from each served table reaches the landing files.
    edges = {(i, o) for task in outputs for o in outputs[task] for i in inputs.get(task, set())}
    for table in GOLD:
        assert table in inputs["publish"], table
        ancestors, frontier = set(), {table}
        while frontier:
            frontier = {i for (i, o) in edges if o in frontier} - ancestors
            ancestors |= frontier
        assert ancestors & landing_files, f"{table} does not lead back to a landing file"
