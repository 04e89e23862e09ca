"""One `bin/pipeline dashboard` for the whole test session, over the lake run-tests.sh names.

It serves the lake's embedded PostgreSQL with the dashboard's own analyst login and the Streamlit
server; the AppTest tests read the same database through that login, the browser tests load the
served pages, and the tests' own checks query the database as its superuser (another route).
"""

import datetime as dt
import os
import secrets
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest

DASHBOARD = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(DASHBOARD))
import harness  # noqa: E402  (beside the tests' directory)

SCREENSHOTS = DASHBOARD / "screenshots"
TTL_SECONDS = 2  # short, so the outage test sees the database gone without waiting long


@dataclass
class Served:
    dashboard: harness.Dashboard
    admin_url: str  # the same database as its superuser, for the tests' own queries
    lake: Path

    @property
    def url(self) -> str:
        return self.dashboard.url

    @property
    def log(self) -> Path:
        return self.dashboard.log

    def sql(self, text: str, params: dict | None = None) -> list[tuple]:
        with psycopg.connect(self.admin_url, autocommit=True) as c:
            cursor = c.execute(text, params or {})
            return cursor.fetchall() if cursor.description else []

    def tables(self) -> set[str]:
        rows = self.sql("SELECT table_name FROM information_schema.tables WHERE table_schema = 'gold'")
        return {r[0] for r in rows}


@pytest.fixture(scope="session")
def served(tmp_path_factory) -> Served:
    lake = os.environ.get("LAKEHOUSE_DASHBOARD_TEST_LAKE")
    if not lake:
        pytest.fail("LAKEHOUSE_DASHBOARD_TEST_LAKE is not set: run notebooks/dashboard/run-tests.sh")
    password = secrets.token_hex(12)
    log = tmp_path_factory.mktemp("dashboard") / "dashboard.log"
    try:
        dashboard = harness.start(lake, log, password, TTL_SECONDS)
    except RuntimeError as e:
        pytest.fail(str(e))
    os.environ.update(
        {
            "LAKEHOUSE_DASHBOARD_URL": dashboard.db_url,
            "LAKEHOUSE_DASHBOARD_PASSWORD": password,
            "LAKEHOUSE_PG_SCHEMA": "gold",
        }
    )
    yield Served(dashboard, dashboard.db_url.replace("retail_dashboard@", "postgres@"), Path(lake))
    dashboard.stop()


@dataclass
class ShopDay:
    """A day of shop orders planted in the served daily tables: a copy of the first order day's rows of
    some postcode areas and of one department's products, two days later; the day between has none."""

    first: dt.date  # the first order day published
    empty: dt.date  # the day after it: no order
    planted: dt.date  # two days after it: the copies
    areas: tuple[str, ...]
    department: str


@pytest.fixture
def shop_day(served):
    """Plants a ShopDay for one test and takes it out after it. The sample's simulated shop places
    all its orders on one day, so a range over the shop's order dates has nothing to choose between
    without it."""
    first = served.sql("SELECT min(order_date) FROM gold.order_sales_by_day")[0][0]
    assert first is not None, "no shop order published"
    empty, planted = first + dt.timedelta(days=1), first + dt.timedelta(days=2)
    taken = served.sql(
        "SELECT count(*) FROM gold.order_sales_by_day WHERE order_date IN (%(e)s, %(p)s)",
        {"e": empty, "p": planted},
    )
    assert taken == [(0,)], f"the sample has shop orders on {empty} or {planted}: pick other days"
    regions = served.sql("SELECT postcode_area FROM gold.sales_by_region ORDER BY revenue DESC, 1")
    areas = (regions[0][0], regions[-1][0])  # the first and the last by revenue
    department = served.sql(
        "SELECT department FROM gold.product_profit WHERE department IS NOT NULL"
        " ORDER BY margin DESC, product_id LIMIT 1"
    )[0][0]
    day = ShopDay(first, empty, planted, areas, department)
    params = {"first": first, "planted": planted, "areas": list(areas), "department": department}
    served.sql(
        "INSERT INTO gold.order_sales_by_day SELECT %(planted)s, postcode_area, customer_key, orders, revenue"
        " FROM gold.order_sales_by_day WHERE order_date = %(first)s AND postcode_area = ANY(%(areas)s)",
        params,
    )
    served.sql(
        "INSERT INTO gold.product_profit_by_day SELECT %(planted)s, product_id, department, product_category,"
        " product_type, units, revenue, cost FROM gold.product_profit_by_day"
        " WHERE order_date = %(first)s AND department = %(department)s",
        params,
    )
    forget_cached_queries()
    try:
        yield day
    finally:
        for table in ("order_sales_by_day", "product_profit_by_day"):
            served.sql(f"DELETE FROM gold.{table} WHERE order_date = %(planted)s", params)
        forget_cached_queries()


def forget_cached_queries() -> None:
    """The AppTest pages run in this process: their cached results of the served tables are dropped,
    and the served dashboard's expire (it caches for TTL_SECONDS)."""
    import streamlit as st

    st.cache_data.clear()
    time.sleep(TTL_SECONDS + 1)


def pytest_collection_modifyitems(items):
    """The test that stops the session's database runs after every other one."""
    items.sort(key=lambda item: item.get_closest_marker("stops_database") is not None)
