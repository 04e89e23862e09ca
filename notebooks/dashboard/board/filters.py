"""The sidebar's filters (date range, departments, categories) and the SQL predicates they bind.

The predicates are fixed SQL text; the widgets' values only ever reach PostgreSQL as bound
parameters. An empty department or category list means all of them.
"""

import datetime as dt
from dataclasses import dataclass

import streamlit as st

from board import db

DATES = "sales_date BETWEEN %(start)s AND %(end)s"
DEPARTMENTS = "(cardinality(%(departments)s::text[]) = 0 OR department = ANY(%(departments)s::text[]))"
CATEGORIES = "(cardinality(%(categories)s::text[]) = 0 OR product_category = ANY(%(categories)s::text[]))"


@dataclass(frozen=True)
class Filters:
    start: dt.date
    end: dt.date
    departments: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()

    def params(self) -> dict:
        return {
            "start": self.start,
            "end": self.end,
            "departments": list(self.departments),
            "categories": list(self.categories),
        }

    def previous(self) -> "Filters":
        """The period of the same length just before this one, with the same departments."""
        days = (self.end - self.start).days + 1
        return Filters(
            self.start - dt.timedelta(days=days),
            self.start - dt.timedelta(days=1),
            self.departments,
            self.categories,
        )

    def describe(self) -> str:
        scope = ", ".join(self.departments) if self.departments else "all departments"
        if self.categories:
            scope += "; categories " + ", ".join(self.categories)
        return f"{self.start} to {self.end}, {scope}"


def date_bounds() -> tuple[dt.date, dt.date]:
    bounds = db.query("SELECT min(sales_date) AS first, max(sales_date) AS last FROM sales_by_day_department")
    first, last = bounds.iloc[0]["first"], bounds.iloc[0]["last"]
    if first is None:
        raise db.NoRows("sales_by_day_department is empty: no sales published yet.")
    return first, last


_STATE = "_dashboard_filters"  # where the sidebar leaves the filters (or what stopped it) for the page


def current() -> Filters:
    """The filters the sidebar holds on this run; raises what stopped the sidebar from drawing them."""
    value = st.session_state.get(_STATE)
    if isinstance(value, db.DashboardError):
        raise value
    if value is None:
        raise db.DashboardError("The filters are not drawn yet: open the dashboard through app.py.")
    return value


def sidebar() -> None:
    """Draws the filters in the sidebar and keeps them for the page (see current())."""
    st.sidebar.header("Filters")
    try:
        st.session_state[_STATE] = _draw()
    except db.DashboardError as e:
        unreachable = isinstance(e, db.Unreachable | db.NotConfigured)
        st.sidebar.warning(
            "Filters unavailable: " + ("the database cannot be reached." if unreachable else str(e))
        )
        st.session_state[_STATE] = e


def _draw() -> Filters:
    first, last = date_bounds()
    departments = db.query(
        "SELECT DISTINCT department FROM sales_by_day_department WHERE department IS NOT NULL ORDER BY 1"
    )["department"].tolist()
    picked = st.sidebar.date_input(
        "Dates", value=(first, last), min_value=first, max_value=last, key="dates", format="YYYY-MM-DD"
    )
    start, end = (tuple(picked) + (None, None))[:2] if isinstance(picked, tuple | list) else (picked, None)
    start = start or first
    end = end or start
    chosen = st.sidebar.multiselect("Departments", departments, key="departments", placeholder="All")
    categories = db.query(
        "SELECT DISTINCT product_category FROM product_performance"
        f" WHERE product_category IS NOT NULL AND {DEPARTMENTS} ORDER BY 1",
        {"departments": chosen},
    )["product_category"].tolist()
    picked_categories = st.sidebar.multiselect("Categories", categories, key="categories", placeholder="All")
    return Filters(start, end, tuple(chosen), tuple(c for c in picked_categories if c in categories))
