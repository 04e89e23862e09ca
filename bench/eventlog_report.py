"""Where a pipeline run's time goes, from its Spark event log and its log.

usage: eventlog_report.py EVENT_LOG RUNNER_LOG [TOP]

EVENT_LOG is the file (or directory of parts) Spark wrote with spark.eventLog.enabled; RUNNER_LOG
is the runner's standard error, whose "stage X starting" lines (HH:MM:SS, this machine's time
zone) split the Spark jobs among the pipeline's stages. Prints, per pipeline stage: its wall time,
the Spark jobs it ran and their total time, the Spark stages and tasks, the tasks' run time and
what they read and shuffled; then the TOP longest jobs (default 15) with their call sites, so that
passes over the same data, count() jobs and Delta commits show up by name.

Run a pipeline with, for example:
  bin/pipeline run --set 'spark.conf."spark.eventLog.enabled"=true' \
                   --set 'spark.conf."spark.eventLog.compress"=false' \
                   --set 'spark.conf."spark.eventLog.dir"=file:///tmp/events' 2>run.err
"""

import datetime as dt
import json
import re
import sys
from collections import defaultdict
from pathlib import Path

PROJECT_FRAME = re.compile(r"com\.retail\.lakehouse\.[\w.$]*?(\w+\.\w+)\((\w+\.java:\d+)\)")
STAGE_START = re.compile(r"^(\d\d:\d\d:\d\d) INFO\s+JobRunner: stage (\w+) starting")


def events(path: Path):
    """The events of a log file or of a rolling log's directory (its events_* parts, in order)."""
    files = sorted(f for f in path.iterdir() if f.name.startswith("events_")) if path.is_dir() else [path]
    for f in files:
        if f.suffix in (".zstd", ".lz4", ".snappy", ".lzf"):
            raise SystemExit(
                f"error: {f} is compressed: decompress it (zstd -d) or run with"
                " --set 'spark.conf.\"spark.eventLog.compress\"=false'"
            )
        with f.open(encoding="utf-8") as lines:
            for line in lines:
                if line.strip():
                    try:
                        yield json.loads(line)
                    except json.JSONDecodeError:  # the cut last line of a run still writing (or killed)
                        print(f"(an unfinished event skipped in {f.name})", file=sys.stderr)


def stage_starts(runner_log: Path, day: dt.date) -> list[tuple[float, str]]:
    starts = []
    for line in runner_log.read_text(encoding="utf-8", errors="replace").splitlines():
        m = STAGE_START.match(line)
        if m:
            clock = dt.time.fromisoformat(m.group(1))
            starts.append((dt.datetime.combine(day, clock).timestamp(), m.group(2)))
    return starts


def owner(starts: list[tuple[float, str]], when_ms: int) -> str:
    name = "(before the first stage)"
    for start, stage in starts:
        if when_ms / 1000 >= start:
            name = stage
    return name


def first_stage_site(stage_infos: list) -> str:
    """Where a job without a telling call site was started: the first of its stages' names that is
    not a thread pool's frame (for example "count at BasketMining.java:117") and the first project
    frame of its stages' stacks."""
    stages = sorted(stage_infos, key=lambda s: s["Stage ID"])
    names = [s.get("Stage Name") or "" for s in stages]
    name = next((n for n in names if not n.startswith("$anonfun")), names[0] if names else "")
    frames = [f for s in stages for f in (s.get("Details") or "").splitlines() if PROJECT_FRAME.search(f)]
    caller = PROJECT_FRAME.search(frames[0]).group(1) if frames else ""
    return f"{name} ({caller})" if caller else name


def main(argv: list[str]) -> int:
    if len(argv) not in (2, 3):
        print(__doc__, file=sys.stderr)
        return 2
    log = list(events(Path(argv[0])))
    top = int(argv[2]) if len(argv) == 3 else 15
    app_start = next(e["Timestamp"] for e in log if e["Event"] == "SparkListenerApplicationStart")
    starts = stage_starts(Path(argv[1]), dt.datetime.fromtimestamp(app_start / 1000).date())

    jobs = {}
    stage_job = {}
    for e in log:
        kind = e["Event"]
        if kind == "SparkListenerJobStart":
            props = e.get("Properties") or {}
            site = props.get("callSite.short") or ""
            if not site or site.startswith("$anonfun"):  # a thread pool's frame says nothing
                site = first_stage_site(e.get("Stage Infos") or []) or site
            desc = props.get("spark.job.description") or ""
            jobs[e["Job ID"]] = {
                "start": e["Submission Time"],
                "site": (desc + " | " if desc else "") + site,
                "stages": 0,
                "tasks": 0,
                "run_ms": 0,
                "read": 0,
                "shuffle": 0,
            }
            for s in e["Stage IDs"]:
                stage_job[s] = e["Job ID"]
        elif kind == "SparkListenerJobEnd" and e["Job ID"] in jobs:
            jobs[e["Job ID"]]["end"] = e["Completion Time"]
        elif kind == "SparkListenerStageCompleted":
            job = jobs.get(stage_job.get(e["Stage Info"]["Stage ID"]))
            if job:
                job["stages"] += 1
        elif kind == "SparkListenerTaskEnd":
            job = jobs.get(stage_job.get(e["Stage ID"]))
            metrics = e.get("Task Metrics") or {}
            if job and metrics:
                job["tasks"] += 1
                job["run_ms"] += metrics.get("Executor Run Time", 0)
                job["read"] += (metrics.get("Input Metrics") or {}).get("Bytes Read", 0)
                job["shuffle"] += (metrics.get("Shuffle Write Metrics") or {}).get("Shuffle Bytes Written", 0)

    per_stage = defaultdict(lambda: defaultdict(int))
    for job in jobs.values():
        job["ms"] = job.get("end", job["start"]) - job["start"]
        job["owner"] = owner(starts, job["start"])
        acc = per_stage[job["owner"]]
        for key in ("ms", "stages", "tasks", "run_ms", "read", "shuffle"):
            acc[key] += job[key]
        acc["jobs"] += 1

    walls = {}
    ends = [s for s, _ in starts[1:]] + [max(j.get("end", j["start"]) for j in jobs.values()) / 1000]
    for (start, stage), end in zip(starts, ends, strict=True):
        walls[stage] = end - start

    print(
        f"{'pipeline stage':<24}{'wall s':>8}{'jobs':>6}{'jobs s':>8}{'stages':>8}"
        f"{'tasks':>7}{'task s':>8}{'read MB':>9}{'shuffle MB':>11}"
    )
    for stage, acc in sorted(per_stage.items(), key=lambda kv: -kv[1]["ms"]):
        print(
            f"{stage:<24}{walls.get(stage, 0):>8.1f}{acc['jobs']:>6}{acc['ms'] / 1000:>8.1f}"
            f"{acc['stages']:>8}{acc['tasks']:>7}{acc['run_ms'] / 1000:>8.1f}"
            f"{acc['read'] / 2**20:>9.1f}{acc['shuffle'] / 2**20:>11.1f}"
        )
    print(f"\nthe {top} longest Spark jobs")
    for job in sorted(jobs.values(), key=lambda j: -j["ms"])[:top]:
        print(f"{job['ms'] / 1000:>7.1f} s  {job['owner']:<16} tasks {job['tasks']:>4}  {job['site'][:110]}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
