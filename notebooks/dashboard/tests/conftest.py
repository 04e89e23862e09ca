"""One `bin/pipeline dashboard` for the whole test session, over the lake run-tests.sh names.

It serves the lake's embedded PostgreSQL with the dashboard's own analyst login and the Streamlit
server; the AppTest tests read the same database through that login, the browser tests load the
served pages, and the tests' own checks query the database as its superuser (another route).
"""

import os
import secrets
import sys
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


def pytest_collection_modifyitems(items):
    """The test that stops the session's database runs after every other one."""
    items.sort(key=lambda item: item.get_closest_marker("stops_database") is not None)
