"""The serving database: where it is (from the environment), and the one way the pages query it.

Every query is a fixed SQL text with bound parameters (psycopg's %(name)s), run in a read-only
transaction with the serving schema on the search path, and cached for a short time so that a new
publish shows up without restarting the dashboard. Database problems become a DashboardError with a
message for the page; the log gets one line.
"""

import logging
import os
import re
from dataclasses import dataclass

import pandas as pd
import psycopg
import streamlit as st

LOG = logging.getLogger("dashboard")

URL_ENV = "LAKEHOUSE_DASHBOARD_URL"
PASSWORD_ENV = "LAKEHOUSE_DASHBOARD_PASSWORD"
SCHEMA_ENV = "LAKEHOUSE_PG_SCHEMA"
TTL_ENV = "LAKEHOUSE_DASHBOARD_TTL"

# Seconds a query's result is reused; a publish shows up at most this long after it commits.
TTL_SECONDS = int(os.environ.get(TTL_ENV, "30"))
TIMEOUT = "statement_timeout=15000"  # ms: a page never waits longer for one query


class DashboardError(Exception):
    """A problem the page explains in one sentence (its message); never shown as a stack trace."""


class NotConfigured(DashboardError):
    pass


class Unreachable(DashboardError):
    pass


class TableMissing(DashboardError):
    def __init__(self, table: str, schema: str):
        super().__init__(
            f"The table {schema}.{table} is not published in this database yet "
            f"(run the pipeline's publish stage, bin/pipeline run, to serve it)."
        )
        self.table = table


class NoRows(DashboardError):
    """A query that found nothing for the chosen filters."""


@dataclass(frozen=True)
class Settings:
    url: str
    password: str | None
    schema: str


def settings() -> Settings:
    url = os.environ.get(URL_ENV, "").strip()
    if not url:
        raise NotConfigured(
            f"No database configured: set {URL_ENV} to a PostgreSQL URL "
            "(bin/pipeline dashboard sets it for the local run's database)."
        )
    schema = os.environ.get(SCHEMA_ENV, "gold").strip() or "gold"
    if not re.fullmatch(r"[a-z_][a-z0-9_]*", schema):
        raise NotConfigured(f"{SCHEMA_ENV}={schema!r} is not a schema name (letters, digits, _).")
    return Settings(url.removeprefix("jdbc:"), os.environ.get(PASSWORD_ENV) or None, schema)


def where(url: str) -> str:
    """The URL without credentials, for messages and logs."""
    return re.sub(r"//[^@/]*@", "//", url).split("?")[0]


def connect(s: Settings) -> psycopg.Connection:
    try:
        return psycopg.connect(
            s.url,
            password=s.password,
            connect_timeout=3,
            options=f"-c search_path={s.schema} -c default_transaction_read_only=on -c {TIMEOUT}",
            autocommit=True,
        )
    except psycopg.OperationalError as e:
        first = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
        LOG.warning("database unreachable at %s: %s", where(s.url), first)
        raise Unreachable(
            f"The database at {where(s.url)} cannot be reached ({first}). "
            "Check that it is running (bin/pipeline dashboard serves the local one)."
        ) from None


def query(sql: str, params: dict | None = None) -> pd.DataFrame:
    """Runs one SELECT with bound parameters; the result is cached for TTL_SECONDS."""
    s = settings()
    return _cached(s.url, s.schema, sql, params or {})


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False, max_entries=500)
def _cached(url: str, schema: str, sql: str, params: dict) -> pd.DataFrame:
    s = settings()
    with connect(s) as connection:
        try:
            cursor = connection.execute(sql, params)
        except psycopg.errors.UndefinedTable as e:
            table = re.search(r'relation "(?:[^".]+\.)?([^"]+)" does not exist', str(e))
            name = table.group(1) if table else "?"
            LOG.warning("table missing: %s.%s", schema, name)
            raise TableMissing(name, schema) from None
        except psycopg.errors.InsufficientPrivilege as e:
            LOG.warning("permission denied: %s", str(e).strip().splitlines()[0])
            raise DashboardError(
                "The dashboard's login may not read this table: grant it the retail_analyst role "
                f"({str(e).strip().splitlines()[0]})."
            ) from None
        except psycopg.OperationalError as e:
            LOG.warning("database connection lost: %s", str(e).strip().splitlines()[0])
            raise Unreachable(f"The connection to {where(s.url)} was lost; try again.") from None
        columns = [c.name for c in cursor.description]
        return pd.DataFrame(cursor.fetchall(), columns=columns)
