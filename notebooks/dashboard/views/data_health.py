"""Data health: what was last published, the last pipeline runs with their stages and durations,
rows quarantined and flagged by rule, and how fresh each source is."""

import plotly.express as px

from board import db, ui

PUBLISHED = """
SELECT DISTINCT ON (table_name) table_name, published_at, delta_version, row_count, run_id
FROM publish_log ORDER BY table_name, published_at DESC
"""

RUNS = """
SELECT run_id, min(logical_date) AS logical_date, min(started_at) AS started_at,
       max(finished_at) AS finished_at, count(*) AS stages,
       count(*) FILTER (WHERE status = 'failed') AS failed,
       sum(rows_quarantined) AS rows_quarantined
FROM pipeline_runs GROUP BY run_id ORDER BY min(started_at) DESC LIMIT 10
"""

STAGES = """
SELECT run_id, stage, status, duration_ms / 1000.0 AS seconds, rows_read, rows_written,
       rows_quarantined, rows_duplicate, started_at, error
FROM pipeline_runs
WHERE run_id IN (SELECT run_id FROM pipeline_runs GROUP BY run_id ORDER BY min(started_at) DESC LIMIT 5)
ORDER BY started_at
"""

CHECKS = """
SELECT table_name, rule, severity, action, sum(rows_failed)::bigint AS rows_failed,
       sum(rows_checked)::bigint AS rows_checked
FROM quality_checks
WHERE run_id = (SELECT run_id FROM quality_checks ORDER BY checked_at DESC LIMIT 1)
GROUP BY 1, 2, 3, 4 ORDER BY rows_failed DESC, table_name, rule
"""

# the newest record of each table, whichever run wrote it (a run that found a table up to date may not)
FRESHNESS = """
SELECT * FROM (
  SELECT DISTINCT ON (table_name) table_name, row_count, newest_event_time, run_id
  FROM table_freshness ORDER BY table_name, newest_event_time DESC NULLS LAST
) newest
ORDER BY newest_event_time NULLS FIRST, table_name
"""


def published() -> None:
    frame = ui.require(db.query(PUBLISHED), "Nothing published into this schema yet.")
    ui.bars(
        frame,
        "row_count",
        "table_name",
        "Rows served per table (last publish)",
        "health-published",
        log_x=True,
    )
    ui.behind(frame, "last publish of each table")


def runs() -> None:
    stages = ui.require(db.query(STAGES), "No pipeline run recorded yet.")
    figure = px.bar(
        stages,
        x="run_id",
        y="seconds",
        color="stage",
        hover_data=["status", "rows_written"],
        title="Stage durations of the last runs (seconds)",
    )
    ui.chart(figure, "health-runs")
    ui.behind(db.query(RUNS), "the last runs")
    ui.behind(stages, "their stages")


def checks() -> None:
    frame = ui.require(db.query(CHECKS), "No data-quality check recorded yet.")
    failed = frame[frame["rows_failed"] > 0]
    if failed.empty:
        raise db.NoRows(f"Every one of the {len(frame)} checks of the last run passed: no row flagged.")
    failed = failed.assign(check=failed["table_name"] + ": " + failed["rule"])
    title = "Rows quarantined or flagged by rule (last run)"
    ui.bars(failed, "rows_failed", "check", title, "health-checks", color="action")
    ui.behind(frame, "every check of the last run")


def freshness() -> None:
    frame = ui.require(db.query(FRESHNESS), "No freshness recorded yet.")
    figure = px.scatter(
        frame, x="newest_event_time", y="table_name", size="row_count", title="Newest event in each table"
    )
    figure.update_yaxes(title=None)
    ui.chart(figure, "health-freshness")
    ui.behind(frame, "freshness of each table")


ui.header("Data health", "none apply")
ui.section("Last publish", published)
ui.section("Pipeline runs", runs)
ui.section("Quarantined and flagged rows", checks)
ui.section("Freshness", freshness)
