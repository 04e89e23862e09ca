"""Reads a lake and the serving database with PySpark, for the DAG run test; prints JSON.

Run with the Python of the Spark distribution's virtualenv (bin/cluster makes it), not Airflow's:

    python lake_check.py --jar JOBS_JAR --lake LAKE [--reference LAKE] [--jdbc-url URL] TABLE...

For each table (layer.table): its rows, and with --reference the rows only one of the two lakes
holds (multiset difference both ways, every column compared; a keyed pseudonym column by how
many rows each pseudonym has, as the two lakes may be pseudonymised under different keys); with
--jdbc-url the rows only the lake or only PostgreSQL's copy of the table holds (PostgreSQL's
columns cast to the lake's types), and the count of ops.publish_log rows, in all and by published
table (schema.table). The jobs jar gives the session Delta and the PostgreSQL driver.
"""

from __future__ import annotations

import argparse
import json
import os
import sys

from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F


def session(jar: str) -> SparkSession:
    return (
        SparkSession.builder.master("local[2]")
        .appName("retail-lakehouse-dag-test-check")
        .config("spark.jars", jar)
        # A short-lived JVM: C1 alone spends some 40% less CPU than with C2 on these reads.
        .config("spark.driver.extraJavaOptions", "-XX:TieredStopAtLevel=1")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.databricks.delta.snapshotPartitions", "1")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension")
        .config("spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog")
        .getOrCreate()
    )


def fingerprint(df: DataFrame) -> tuple[int, int]:
    """The rows' count and the sum of a 64-bit hash of each row (every column, and which are null):
    the same for the same rows in any order, in one pass over the table, without a shuffle."""
    columns = [F.col(c) for c in df.columns]
    row_hash = F.xxhash64(*columns, F.array(*[c.isNull() for c in columns])).cast("decimal(38,0)")
    totals = df.agg(F.count(F.lit(1)), F.sum(row_hash)).first()
    return totals[0], totals[1]


def differences(left: DataFrame, right: DataFrame, prints: tuple | None = None) -> tuple[int, int]:
    """Rows only in left, rows only in right, counting duplicates (EXCEPT ALL both ways). Two tables
    with the same fingerprint hold the same rows: the two shuffles of EXCEPT ALL are run only to
    count the rows that differ when the fingerprints do. `prints`: the two fingerprints, when the
    caller has taken them already (each is a pass over its table)."""
    left_print, right_print = prints or (fingerprint(left), fingerprint(right))
    if left_print == right_print:
        return 0, 0
    return left.exceptAll(right).count(), right.exceptAll(left).count()


def pseudonym_columns(df: DataFrame) -> list[str]:
    """Columns holding keyed pseudonyms of the shop's customers (HMAC under LAKEHOUSE_PII_KEY)."""
    return [c for c in df.columns if c == "customer_key" or c.endswith("_pseudonym")]


def differences_across_keys(left: DataFrame, right: DataFrame, prints: tuple) -> tuple[int, int]:
    """As differences(), for two lakes pseudonymised under different keys (the DAG run has its own
    PII key, the local reference the development one): a customer's pseudonym differs, its rows do
    not. The rows are compared without their pseudonym columns, and each pseudonym column by how
    many rows each pseudonym has (the same multiset under any key)."""
    columns = pseudonym_columns(left)
    if not columns:
        return differences(left, right, prints)
    only_left, only_right = differences(left.drop(*columns), right.drop(*columns))
    for c in columns:
        a, b = differences(left.groupBy(c).count().select("count"), right.groupBy(c).count().select("count"))
        only_left, only_right = only_left + a, only_right + b
    return only_left, only_right


def as_lake_types(served: DataFrame, lake: DataFrame) -> DataFrame:
    """PostgreSQL's copy with the lake's column order and types (numeric -> decimal(12,2), ...)."""
    return served.select([F.col(f.name).cast(f.dataType).alias(f.name) for f in lake.schema.fields])


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--jar", required=True)
    parser.add_argument("--lake", required=True)
    parser.add_argument("--reference")
    parser.add_argument("--jdbc-url")
    parser.add_argument("tables", nargs="+")
    args = parser.parse_args()

    spark = session(args.jar)
    spark.sparkContext.setLogLevel("ERROR")
    jdbc = {"user": os.environ.get("LAKEHOUSE_PG_USER", "postgres"), "driver": "org.postgresql.Driver"}
    jdbc["password"] = os.environ.get("LAKEHOUSE_PG_PASSWORD", "")
    report: dict[str, dict] = {}
    for table in args.tables:
        layer, name = table.split(".")
        # Each table is read once for its fingerprint, which also counts its rows; it is read
        # again only where two fingerprints differ.
        lake = spark.read.format("delta").load(f"{args.lake}/{layer}/{name}")
        lake_print = fingerprint(lake)
        entry = {"rows": lake_print[0], "columns": [f.simpleString() for f in lake.schema.fields]}
        if args.reference:
            reference = spark.read.format("delta").load(f"{args.reference}/{layer}/{name}")
            reference_print = fingerprint(reference)
            entry["reference_rows"] = reference_print[0]
            entry["reference_columns"] = [f.simpleString() for f in reference.schema.fields]
            if entry["columns"] == entry["reference_columns"]:
                entry["only_in_lake"], entry["only_in_reference"] = differences_across_keys(
                    lake, reference, (lake_print, reference_print)
                )
        if args.jdbc_url:
            served = as_lake_types(spark.read.jdbc(args.jdbc_url, f"{layer}.{name}", properties=jdbc), lake)
            served_print = fingerprint(served)
            entry["served_rows"] = served_print[0]
            entry["only_in_lake_not_served"], entry["only_served"] = differences(
                lake, served, (lake_print, served_print)
            )
        report[table] = entry
    if args.jdbc_url:
        log = spark.read.jdbc(args.jdbc_url, "ops.publish_log", properties=jdbc)
        by_table = log.groupBy(F.concat_ws(".", "table_schema", "table_name").alias("t")).count()
        report["ops.publish_log"] = {
            "rows": log.count(),
            "by_table": {row["t"]: row["count"] for row in by_table.collect()},
        }
    json.dump(report, sys.stdout, indent=1)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
