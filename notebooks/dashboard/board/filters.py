"""The sidebar's filters (date range, departments, categories, the shop's order dates) and the SQL
predicates they bind.

The predicates are fixed SQL text; the widgets' values only ever reach PostgreSQL as bound
parameters. An empty department or category list means all of them. The web shop's orders live on a
calendar of their own (the simulator's from 2024-03-01, the grocery study's in 2017), so the shop's
pages have their own date range, bounded by the published shop orders; it is absent, and the shop's
pages say why, when those are not published.
"""

import dataclasses
import datetime as dt
from dataclasses import dataclass

import streamlit as st

from board import db

DATES = "sales_date BETWEEN %(start)s AND %(end)s"
DEPARTMENTS = "(cardinality(%(departments)s::text[]) = 0 OR department = ANY(%(departments)s::text[]))"
CATEGORIES = "(cardinality(%(categories)s::text[]) = 0 OR product_category = ANY(%(categories)s::text[]))"
SHOP_DATES = "order_date BETWEEN %(shop_start)s AND %(shop_end)s"

# the published shop table whose order dates bound the shop's range
SHOP_TABLE = "order_sales_by_day"


@dataclass(frozen=True)
class Filters:
    start: dt.date
    end: dt.date
    departments: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    shop_start: dt.date | None = None  # the shop's order dates; None when its orders are not published
    shop_end: dt.date | None = None

    def params(self) -> dict:
        return {
            "start": self.start,
            "end": self.end,
            "departments": list(self.departments),
            "categories": list(self.categories),
            "shop_start": self.shop_start,
            "shop_end": self.shop_end,
        }

    def previous(self) -> "Filters":
        """The period of the same length just before this one, with the same departments."""
        days = (self.end - self.start).days + 1
        return dataclasses.replace(
            self, start=self.start - dt.timedelta(days=days), end=self.start - dt.timedelta(days=1)
        )

    def describe(self, shop: bool = False) -> str:
        """The dates (with shop=True the shop's order dates), departments and categories chosen."""
        scope = ", ".join(self.departments) if self.departments else "all departments"
        if self.categories:
            scope += "; categories " + ", ".join(self.categories)
        start, end = (self.shop_start, self.shop_end) if shop else (self.start, self.end)
        return f"{'shop orders ' if shop else ''}{start} to {end}, {scope}"


def _bounds(sql: str, empty: str) -> tuple[dt.date, dt.date]:
    bounds = db.query(sql)
    first, last = bounds.iloc[0]["first"], bounds.iloc[0]["last"]
    if first is None:
        raise db.NoRows(empty)
    return first, last


def date_bounds() -> tuple[dt.date, dt.date]:
    return _bounds(
        "SELECT min(sales_date) AS first, max(sales_date) AS last FROM sales_by_day_department",
        "sales_by_day_department is empty: no sales published yet.",
    )


def shop_date_bounds() -> tuple[dt.date, dt.date]:
    """The first and last order date of the shop's published orders."""
    return _bounds(
        f"SELECT min(order_date) AS first, max(order_date) AS last FROM {SHOP_TABLE}",
        f"{SHOP_TABLE} is empty: no order of the shop published yet.",
    )


_STATE = "_dashboard_filters"  # where the sidebar leaves the filters (or what stopped it) for the page
_SHOP_STATE = "_dashboard_shop_dates"  # the shop's order dates (or what stopped them), apart


def _held(key: str):
    value = st.session_state.get(key)
    if isinstance(value, db.DashboardError):
        raise value
    if value is None:
        raise db.DashboardError("The filters are not drawn yet: open the dashboard through app.py.")
    return value


def current() -> Filters:
    """The filters the sidebar holds on this run; raises what stopped the sidebar from drawing them."""
    return _held(_STATE)


def shop_dates() -> tuple[dt.date, dt.date]:
    """The shop's order dates the sidebar holds, with or without the other filters (the UK map needs
    no other); raises what stopped the sidebar from drawing them (the shop table not published)."""
    return _held(_SHOP_STATE)


def sidebar() -> None:
    """Draws the filters in the sidebar and keeps them for the page (see current() and shop_dates())."""
    st.sidebar.header("Filters")
    try:
        drawn = _draw()
    except db.DashboardError as e:
        unreachable = isinstance(e, db.Unreachable | db.NotConfigured)
        st.sidebar.warning(
            "Filters unavailable: " + ("the database cannot be reached." if unreachable else str(e))
        )
        drawn = e
    try:
        shop = _draw_shop()
    except db.DashboardError as e:
        if not isinstance(e, db.Unreachable | db.NotConfigured):  # said once above
            st.sidebar.caption(f"Shop order dates: none, {_why(e)}")
        shop = e
    st.session_state[_SHOP_STATE] = shop
    if isinstance(drawn, Filters) and not isinstance(shop, db.DashboardError):
        drawn = dataclasses.replace(drawn, shop_start=shop[0], shop_end=shop[1])
    st.session_state[_STATE] = drawn


def _why(error: db.DashboardError) -> str:
    if isinstance(error, db.TableMissing):
        return f"the shop's orders are not published ({error.table})."
    return str(error)


def _date_range(label: str, key: str, first: dt.date, last: dt.date, **widget) -> tuple[dt.date, dt.date]:
    """A date-range widget between first and last; a range being picked (one end so far) is one day."""
    picked = st.sidebar.date_input(
        label, value=(first, last), min_value=first, max_value=last, key=key, format="YYYY-MM-DD", **widget
    )
    start, end = (tuple(picked) + (None, None))[:2] if isinstance(picked, tuple | list) else (picked, None)
    start = start or first
    return start, end or start


def _draw_shop() -> tuple[dt.date, dt.date]:
    first, last = shop_date_bounds()
    return _date_range(
        "Shop order dates",
        "shop_dates",
        first,
        last,
        help="The web shop's orders (UK map, the shop's profit) have a calendar of their own.",
    )


def _draw() -> Filters:
    first, last = date_bounds()
    departments = db.query(
        "SELECT DISTINCT department FROM sales_by_day_department WHERE department IS NOT NULL ORDER BY 1"
    )["department"].tolist()
    start, end = _date_range("Dates", "dates", first, last)
    chosen = st.sidebar.multiselect("Departments", departments, key="departments", placeholder="All")
    categories = db.query(
        "SELECT DISTINCT product_category FROM product_performance"
        f" WHERE product_category IS NOT NULL AND {DEPARTMENTS} ORDER BY 1",
        {"departments": chosen},
    )["product_category"].tolist()
    picked_categories = st.sidebar.multiselect("Categories", categories, key="categories", placeholder="All")
    return Filters(start, end, tuple(chosen), tuple(c for c in picked_categories if c in categories))
