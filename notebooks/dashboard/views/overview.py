"""Overview: sales, baskets and households over the chosen dates, week by week, against the
previous period of the same length. Sources: sales_by_basket_department (baskets and households
counted once over any dates and departments), sales_by_day_department (revenue by department)."""

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from board import db, ui
from board import filters as f

TOTALS = f"""
SELECT coalesce(sum(revenue), 0)::float8 AS revenue,
       coalesce(sum(discounts), 0)::float8 AS discounts,
       count(DISTINCT basket_id) AS baskets,
       count(DISTINCT household_id) AS households
FROM sales_by_basket_department
WHERE {f.DATES} AND {f.DEPARTMENTS}
"""

WEEKLY = f"""
SELECT date_trunc('week', sales_date)::date AS week,
       sum(revenue)::float8 AS revenue, count(DISTINCT basket_id) AS baskets
FROM sales_by_basket_department
WHERE {f.DATES} AND {f.DEPARTMENTS}
GROUP BY 1 ORDER BY 1
"""

BY_DEPARTMENT = f"""
SELECT department, sum(revenue)::float8 AS revenue, sum(baskets)::bigint AS baskets
FROM sales_by_day_department
WHERE {f.DATES} AND {f.DEPARTMENTS}
GROUP BY 1 ORDER BY 2 DESC, 1
"""


def totals(flt: f.Filters) -> dict:
    row = db.query(TOTALS, flt.params()).iloc[0]
    revenue, baskets, households = float(row["revenue"]), int(row["baskets"]), int(row["households"])
    return {
        "revenue": revenue,
        "discounts": float(row["discounts"]),
        "baskets": baskets,
        "households": households,
        "per_household": revenue / households if households else None,
        "per_basket": revenue / baskets if baskets else None,
    }


def change(now: float | None, before: float | None) -> str | None:
    if now is None or not before:
        return None
    return f"{(now - before) / before:+.1%}"


def kpis() -> None:
    flt = f.current()
    now, before = totals(flt), totals(flt.previous())
    if now["baskets"] == 0:
        raise db.NoRows(f"No sales from {flt.describe()}: widen the dates or pick other departments.")
    st.caption(f"{flt.describe()}; changes against {flt.previous().start} to {flt.previous().end}.")
    shown = [
        ("Sales", "revenue", "${:,.2f}", None),
        ("Baskets", "baskets", "{:,}", "Each basket counted once, whatever departments it holds."),
        (
            "Households",
            "households",
            "{:,}",
            "Households that bought in the chosen departments in the period, each counted once.",
        ),
        ("Discounts", "discounts", "${:,.2f}", None),
        ("Spend per basket", "per_basket", "${:,.2f}", None),
        ("Spend per household", "per_household", "${:,.2f}", None),
    ]
    for row in (shown[:3], shown[3:]):
        for column, (label, key, fmt, note) in zip(st.columns(3), row, strict=True):
            value = now[key]
            column.metric(
                label, "–" if value is None else fmt.format(value), change(value, before[key]), help=note
            )


def weekly() -> None:
    flt = f.current()
    now = ui.require(db.query(WEEKLY, flt.params()), f"No sales from {flt.describe()}.")
    before = db.query(WEEKLY, flt.previous().params())
    shift = pd.Timedelta(days=(flt.end - flt.start).days + 1)
    figure = go.Figure()
    figure.add_scatter(x=now["week"], y=now["revenue"], name="this period", mode="lines+markers")
    if not before.empty:
        figure.add_scatter(
            x=pd.to_datetime(before["week"]) + shift,
            y=before["revenue"],
            name="previous period (shifted)",
            mode="lines",
            line={"dash": "dot"},
        )
    figure.update_layout(title="Revenue by week (weeks start on Monday)", yaxis_title="$")
    ui.chart(figure, "overview-weekly")
    ui.behind(now, "revenue and baskets by week")


def departments() -> None:
    flt = f.current()
    frame = ui.require(db.query(BY_DEPARTMENT, flt.params()), f"No sales from {flt.describe()}.")
    ui.bars(frame.head(15), "revenue", "department", "Revenue by department", "overview-departments")
    ui.behind(frame, "revenue and baskets by department")


ui.header("Overview", "dates and departments (sales are published by day and department, not category)")
ui.section("Sales in the period", kpis)
ui.section("Trend", weekly)
ui.section("Departments", departments)
