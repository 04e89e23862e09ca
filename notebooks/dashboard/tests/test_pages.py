"""Each page's logic through Streamlit's AppTest, against the published sample.

Expected figures come from the tests' own queries as the database's superuser, aggregated here in
Python from plain rows (or read from another gold table), never from the dashboard's SQL.
"""

import base64
import datetime as dt
import json
from collections import Counter, defaultdict
from decimal import Decimal

import numpy as np
import pandas as pd
import pytest
from conftest import DASHBOARD, forget_cached_queries
from streamlit.testing.v1 import AppTest

from board import geo

PAGES = ["overview", "products", "customers", "baskets", "uk_map", "data_health"]


def open_page(name: str) -> AppTest:
    at = AppTest.from_file(str(DASHBOARD / "app.py"), default_timeout=60)
    at.run()
    if name != "overview":
        at.switch_page(f"views/{name}.py").run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def chart(at: AppTest, key: str) -> dict:
    """The figure drawn under `key`, its traces' typed arrays decoded to lists."""
    found = [c for c in at.get("plotly_chart") if c.proto.id.endswith("-" + key)]
    assert len(found) == 1, f"chart {key} not drawn; drawn: {[c.proto.id for c in at.get('plotly_chart')]}"
    return json.loads(found[0].proto.spec, object_hook=decoded)


def decoded(value: dict):
    """Plotly writes numeric arrays as {"dtype", "bdata"} (base64 of the raw values)."""
    if set(value) >= {"dtype", "bdata"}:
        return np.frombuffer(base64.b64decode(value["bdata"]), dtype=value["dtype"]).tolist()
    return value


def messages(at: AppTest) -> list[str]:
    return [m.body for m in [*at.error, *at.warning, *at.info]]


def money(value: float) -> str:
    return f"${value:,.2f}"


@pytest.fixture(scope="module")
def daily(served) -> pd.DataFrame:
    rows = served.sql("SELECT sales_date, department, revenue, baskets FROM gold.sales_by_day_department")
    frame = pd.DataFrame(rows, columns=["sales_date", "department", "revenue", "baskets"])
    return frame.assign(revenue=frame["revenue"].astype(float))


def totals(daily: pd.DataFrame, start, end, departments=()) -> tuple[float, int]:
    chosen = daily[(daily["sales_date"] >= start) & (daily["sales_date"] <= end)]
    if departments:
        chosen = chosen[chosen["department"].isin(departments)]
    return round(chosen["revenue"].sum(), 2), int(chosen["baskets"].sum())


def test_overview_follows_the_dates_and_departments(served, daily):
    first, last = daily["sales_date"].min(), daily["sales_date"].max()
    at = open_page("overview")
    revenue, _ = totals(daily, first, last)
    assert metrics(at)["Sales"] == money(revenue)
    # over every date and department, each basket and household once: the customer summary's
    households, baskets = served.sql("SELECT count(*), sum(baskets) FROM gold.customer_summary")[0]
    assert metrics(at)["Baskets"] == f"{baskets:,}"
    assert metrics(at)["Households"] == f"{households:,}"
    assert metrics(at)["Spend per household"] == money(revenue / households)
    weekly = chart(at, "overview-weekly")["data"][0]
    assert sum(weekly["y"]) == pytest.approx(revenue, abs=0.01)

    at.sidebar.multiselect(key="departments").set_value(["PRODUCE"]).run()
    # one department: a basket is in it on one day only, so the days' baskets add up exactly
    produce, produce_baskets = totals(daily, first, last, ["PRODUCE"])
    assert produce < revenue
    assert metrics(at)["Sales"] == money(produce)
    assert metrics(at)["Baskets"] == f"{produce_baskets:,}"

    # March against the 31 days before it (29 January to 28 February)
    at.sidebar.date_input(key="dates").set_value((dt.date(2017, 3, 1), dt.date(2017, 3, 31))).run()
    march, _ = totals(daily, dt.date(2017, 3, 1), dt.date(2017, 3, 31), ["PRODUCE"])
    before, _ = totals(daily, dt.date(2017, 1, 29), dt.date(2017, 2, 28), ["PRODUCE"])
    sales = next(m for m in at.metric if m.label == "Sales")
    assert sales.value == money(march)
    assert sales.delta == f"{(march - before) / before:+.1%}"
    assert not at.exception


def test_overview_counts_each_household_once(served, daily):
    # one day and one department: sales_by_day_department's own distinct count
    day, department, households = served.sql(
        "SELECT sales_date, department, households FROM gold.sales_by_day_department"
        " ORDER BY households DESC, sales_date, department LIMIT 1"
    )[0]
    at = open_page("overview")
    at.sidebar.multiselect(key="departments").set_value([department]).run()
    at.sidebar.date_input(key="dates").set_value((day, day)).run()
    assert metrics(at)["Households"] == f"{households:,}"

    # March, two departments: the union of each department's buyers, from plain rows; fewer than
    # the household-days the table by day adds up to
    march = (dt.date(2017, 3, 1), dt.date(2017, 3, 31))
    rows = served.sql(
        "SELECT DISTINCT department, household_id FROM gold.sales_by_basket_department"
        " WHERE sales_date BETWEEN %(start)s AND %(end)s AND department IN ('PRODUCE', 'GROCERY')",
        {"start": march[0], "end": march[1]},
    )
    buyers = {household for _, household in rows}
    household_days = served.sql(
        "SELECT sum(households) FROM gold.sales_by_day_department"
        " WHERE sales_date BETWEEN %(start)s AND %(end)s AND department IN ('PRODUCE', 'GROCERY')",
        {"start": march[0], "end": march[1]},
    )[0][0]
    at.sidebar.multiselect(key="departments").set_value(["PRODUCE", "GROCERY"]).run()
    at.sidebar.date_input(key="dates").set_value(march).run()
    assert metrics(at)["Households"] == f"{len(buyers):,}"
    assert len(buyers) < household_days
    assert not at.exception


def test_overview_with_nothing_sold_says_so(served, daily):
    # a day on which the department with the fewest selling days sold nothing
    days = daily.groupby("department")["sales_date"].nunique().sort_values()
    department = days.index[0]
    sold = set(daily.loc[daily["department"] == department, "sales_date"])
    quiet = next(d for d in sorted(set(daily["sales_date"])) if d not in sold)
    at = open_page("overview")
    at.sidebar.multiselect(key="departments").set_value([department]).run()
    at.sidebar.date_input(key="dates").set_value((quiet, quiet)).run()
    assert not at.exception
    assert any(m.startswith(f"No sales from {quiet} to {quiet}, {department}") for m in messages(at)), (
        messages(at)
    )
    assert "Sales" not in metrics(at)


def test_products(served):
    at = open_page("products")
    if "sales_by_day_product" in served.tables():
        # over every date, the most bought product is product_performance's first by baskets
        top = served.sql("SELECT product_id, baskets FROM gold.product_performance WHERE rank_by_baskets = 1")
        most = chart(at, "products-most")["data"]
        assert most[0]["x"][0] == top[0][1]
        assert most[0]["y"][0].endswith(f"#{top[0][0]}")
        least = served.sql("SELECT min(baskets) FROM gold.product_performance")[0][0]
        assert all(x == least for trace in chart(at, "products-least")["data"] for x in trace["x"])
    else:
        assert sum("sales_by_day_product is not published" in m for m in messages(at)) == 3
    profit = served.sql("SELECT product_id, margin::float8, department FROM gold.product_profit")
    best = max(profit, key=lambda r: (r[1], -r[0]))
    bars = chart(at, "products-profit")["data"][0]
    assert bars["x"][0] == pytest.approx(best[1]) and bars["y"][0].endswith(f"#{best[0]}")

    department = best[2]
    at.sidebar.multiselect(key="departments").set_value([department]).run()
    shown = [y.rsplit("#", 1)[1] for y in chart(at, "products-profit")["data"][0]["y"]]
    in_department = {str(r[0]) for r in profit if r[2] == department}
    assert shown and set(shown) <= in_department


def shop_profit(served, start, end, departments=()) -> list[tuple[int, float]]:
    """(product, margin) over the shop's order dates, best first, from the served daily rows."""
    margins = defaultdict(Decimal)
    for day, product, department, revenue, cost in served.sql(
        "SELECT order_date, product_id, department, revenue, cost FROM gold.product_profit_by_day"
    ):
        if start <= day <= end and (not departments or department in departments):
            margins[product] += revenue - cost
    return sorted(((p, float(m)) for p, m in margins.items()), key=lambda r: (-r[1], r[0]))


def profit_bars(at: AppTest) -> list[tuple[int, float]]:
    bars = chart(at, "products-profit")["data"][0]
    return [(int(y.rsplit("#", 1)[1]), x) for x, y in zip(bars["x"], bars["y"], strict=True)]


def test_products_profit_follows_the_shop_dates(served, shop_day):
    day = shop_day
    at = open_page("products")
    # the whole range, the planted day's copies of one department's products included
    assert at.sidebar.date_input(key="shop_dates").value == (day.first, day.planted)
    whole = shop_profit(served, day.first, day.planted)
    assert profit_bars(at) == [(p, pytest.approx(m)) for p, m in whole[:15]]

    at.sidebar.date_input(key="shop_dates").set_value((day.planted, day.planted)).run()
    planted = shop_profit(served, day.planted, day.planted)
    assert planted and planted == shop_profit(served, day.first, day.first, [day.department])
    assert profit_bars(at) == [(p, pytest.approx(m)) for p, m in planted[:15]]
    assert f"Margin over the shop orders {day.planted} to {day.planted}, all departments." in [
        c.body for c in at.caption
    ]

    at.sidebar.date_input(key="shop_dates").set_value((day.empty, day.empty)).run()
    assert f"No product sold in the shop orders {day.empty} to {day.empty}, all departments: " in " ".join(
        messages(at)
    )
    other = next(d for d in at.sidebar.multiselect(key="departments").options if d != day.department)
    at.sidebar.date_input(key="shop_dates").set_value((day.planted, day.planted)).run()
    at.sidebar.multiselect(key="departments").set_value([other]).run()
    assert f"No product sold in the shop orders {day.planted} to {day.planted}, {other}: " in " ".join(
        messages(at)
    )
    assert not [c for c in at.get("plotly_chart") if c.proto.id.endswith("-products-profit")]
    assert not at.exception


def test_customers(served):
    at = open_page("customers")
    segments = Counter(r[0] for r in served.sql("SELECT rfm_segment FROM gold.customer_summary"))
    bars = chart(at, "customers-households")["data"][0]
    assert dict(zip(bars["x"], bars["y"], strict=True)) == dict(segments)

    recommendations = defaultdict(list)
    for household, rank, because in served.sql(
        "SELECT household_id, rank, because FROM gold.customer_recommendations"
    ):
        recommendations[household].append((rank, because))
    most = max(recommendations, key=lambda h: (len(recommendations[h]), -h))
    assert at.number_input(key="household").value == most
    rules = chart(at, "customers-recommendations")["data"][0]["y"]
    expected = [" + ".join(because) for _, because in sorted(recommendations[most])]
    assert [rule.split(" ⇒ ")[0] for rule in rules] == expected

    everyone = {r[0] for r in served.sql("SELECT household_id FROM gold.customer_summary")}
    without = min(everyone - set(recommendations), default=None)
    taken = []
    if without is None:
        # every household has some (the blend falls back on "buy again"): one household's are
        # taken away for this check and put back after it (not the one shown, whose are cached)
        without = max(everyone - {most})
        taken = served.sql(
            "WITH d AS (DELETE FROM gold.customer_recommendations WHERE household_id = %(h)s"
            " RETURNING *) SELECT * FROM d",
            {"h": without},
        )
    try:
        at.number_input(key="household").set_value(without).run()
        assert f"No recommendation for household {without}" in " ".join(messages(at))
    finally:
        for row in taken:
            served.sql(
                "INSERT INTO gold.customer_recommendations VALUES"
                " (%(0)s, %(1)s, %(2)s, %(3)s, %(4)s, %(5)s, %(6)s)",
                {str(i): v for i, v in enumerate(row)},
            )
    at.number_input(key="household").set_value(999_999_999).run()
    assert "No household 999999999 in customer_summary." in messages(at)
    assert not at.exception


def test_baskets(served):
    at = open_page("baskets")
    rules = served.sql("SELECT antecedent, consequent, lift FROM gold.association_rules")
    top = chart(at, "baskets-top-rules")["data"][0]
    assert top["x"][0] == pytest.approx(max(r[2] for r in rules))
    assert len(top["x"]) == min(15, len(rules))

    starts = Counter(item for antecedent, _, _ in rules for item in antecedent)
    item = sorted(starts, key=lambda i: (-starts[i], i))[1]  # not the default, the runner-up
    at.selectbox(key="basket_item").set_value(item).run()
    consequents = {c for antecedent, c, _ in rules if item in antecedent}
    shown = chart(at, "baskets-with-item")["data"][0]["y"]
    assert set(shown) == consequents if len(consequents) <= 15 else set(shown) < consequents


def map_markers(at: AppTest) -> dict:
    return [t for t in chart(at, "map-regions")["data"] if t.get("mode") == "markers+text"][0]


def test_uk_map(served):
    at = open_page("uk_map")
    # over every shop order date: the figures of the tables published over all dates
    regions = served.sql("SELECT postcode_area, orders, customers, revenue::float8 FROM gold.sales_by_region")
    known = set(geo.centroids()["postcode_area"])
    placed = sorted((r for r in regions if r[0] in known), key=lambda r: (-r[3], r[0]))
    bars = chart(at, "map-top-areas")["data"][0]
    assert list(bars["y"]) == [r[0] for r in placed][:15]
    markers = map_markers(at)
    where = geo.centroids().set_index("postcode_area")
    for area, lat, lon in zip(markers["text"], markers["lat"], markers["lon"], strict=True):
        assert (lat, lon) == (where.loc[area, "latitude"], where.loc[area, "longitude"])
    # exact distinct customers per area over the range
    shown = np.array(markers["customdata"]).reshape(-1, 3)
    by_area = {r[0]: r for r in regions}
    for area, (orders, customers, revenue) in zip(markers["text"], shown, strict=True):
        assert (orders, customers, revenue) == pytest.approx(by_area[area][1:])
    orders, revenue = served.sql("SELECT sum(orders), sum(revenue)::float8 FROM gold.order_kpis")[0]
    assert metrics(at)["Orders"] == f"{orders:,}"
    assert metrics(at)["Revenue"] == f"{revenue:,.2f}"


def shop_sales(served, start, end) -> tuple[int, int, float, dict[str, float]]:
    """Orders, distinct customers, revenue and revenue by area over the shop's order dates, from the
    served daily rows."""
    rows = [
        r
        for r in served.sql(
            "SELECT order_date, postcode_area, customer_key, orders, revenue FROM gold.order_sales_by_day"
        )
        if start <= r[0] <= end
    ]
    by_area = defaultdict(Decimal)
    for _, area, _, _, revenue in rows:
        by_area[area] += revenue
    return (
        sum(r[3] for r in rows),
        len({r[2] for r in rows}),
        float(sum(by_area.values())),
        {a: float(v) for a, v in by_area.items()},
    )


def test_uk_map_follows_the_shop_dates(served, shop_day):
    day = shop_day
    at = open_page("uk_map")
    at.sidebar.date_input(key="shop_dates").set_value((day.planted, day.planted)).run()
    orders, customers, revenue, by_area = shop_sales(served, day.planted, day.planted)
    assert set(by_area) == set(day.areas)
    assert metrics(at) == {
        "Orders": f"{orders:,}",
        "Customers": f"{customers:,}",
        "Revenue": f"{revenue:,.2f}",
    }
    bars = chart(at, "map-top-areas")["data"][0]
    assert list(bars["y"]) == sorted(by_area, key=lambda a: (-by_area[a], a))
    assert list(bars["x"]) == pytest.approx(sorted(by_area.values(), reverse=True))
    assert sorted(map_markers(at)["text"]) == sorted(day.areas)

    # the first day alone: what gold.order_kpis holds for it (by day and channel)
    at.sidebar.date_input(key="shop_dates").set_value((day.first, day.first)).run()
    kpis = served.sql(
        "SELECT sum(orders), sum(revenue)::float8 FROM gold.order_kpis WHERE order_date = %(d)s",
        {"d": day.first},
    )[0]
    assert metrics(at)["Orders"] == f"{kpis[0]:,}"
    assert metrics(at)["Revenue"] == f"{kpis[1]:,.2f}"

    at.sidebar.date_input(key="shop_dates").set_value((day.empty, day.empty)).run()
    assert f"No order of the shop from {day.empty} to {day.empty}: widen the shop order dates." in messages(
        at
    )
    assert not at.get("plotly_chart") and not metrics(at)
    assert not at.exception


def test_without_the_shop_tables_the_shop_range_says_why(served):
    hidden = ("order_sales_by_day", "product_profit_by_day")
    for table in hidden:
        served.sql(f"ALTER TABLE gold.{table} RENAME TO {table}_hidden")
    forget_cached_queries()
    try:
        at = open_page("products")
        assert "shop_dates" not in [d.key for d in at.sidebar.date_input]
        assert "Shop order dates: none, the shop's orders are not published (order_sales_by_day)." in [
            c.body for c in at.sidebar.caption
        ]
        assert "gold.order_sales_by_day is not published" in " ".join(messages(at))
        if "sales_by_day_product" in served.tables():
            assert chart(at, "products-most")["data"]  # the grocery sections are unaffected
        at = open_page("uk_map")
        assert any("gold.order_sales_by_day is not published" in m for m in messages(at)), messages(at)
        at = open_page("overview")
        assert "Sales" in metrics(at)
    finally:
        for table in hidden:
            served.sql(f"ALTER TABLE gold.{table}_hidden RENAME TO {table}")
        forget_cached_queries()


def test_the_shipped_centroids_are_where_the_areas_are():
    areas = geo.centroids().set_index("postcode_area")
    assert len(areas) == 121
    # hand-checked: each area's centroid lies in the part of the country it is named after
    boxes = {
        "SW": (51.40, 51.52, -0.25, -0.05),  # south-west London
        "EH": (55.70, 56.05, -3.70, -2.70),  # Edinburgh and the Lothians
        "BT": (54.00, 55.30, -8.20, -5.40),  # Northern Ireland
        "ZE": (59.80, 60.90, -1.80, -0.70),  # Shetland
        "TR": (49.90, 50.60, -6.40, -4.50),  # west Cornwall
        "NR": (52.30, 53.00, 0.70, 1.80),  # Norwich and Norfolk
    }
    for area, (south, north, west, east) in boxes.items():
        lat, lon = areas.loc[area, "latitude"], areas.loc[area, "longitude"]
        assert south < lat < north and west < lon < east, (area, lat, lon)


def test_data_health(served):
    at = open_page("data_health")
    logged = {r[0] for r in served.sql("SELECT table_name FROM ops.publish_log WHERE table_schema = 'gold'")}
    assert set(chart(at, "health-published")["data"][0]["y"]) == logged
    assert any(c.body.startswith("Data as of ") for c in at.caption)
    tables = served.tables()
    # the page charts the checks of the last run only (a rerun over the same data may flag nothing)
    flagged = "quality_checks" in tables and served.sql(
        "SELECT count(*) FROM gold.quality_checks WHERE rows_failed > 0"
        " AND run_id IN (SELECT run_id FROM gold.quality_checks"
        " WHERE checked_at = (SELECT max(checked_at) FROM gold.quality_checks))"
    )
    for table, key, drawn in [
        ("pipeline_runs", "health-runs", True),
        ("quality_checks", "health-checks", flagged and flagged[0][0] > 0),
        ("table_freshness", "health-freshness", True),
    ]:
        if table not in tables:
            assert any(f"gold.{table} is not published" in m for m in messages(at)), messages(at)
        elif drawn:
            assert chart(at, key)["data"]


@pytest.mark.parametrize("name", PAGES)
def test_a_missing_table_is_a_message(served, monkeypatch, name):
    monkeypatch.setenv("LAKEHOUSE_PG_SCHEMA", "public")  # readable, and holds none of the tables
    at = open_page(name)
    assert not at.get("plotly_chart")
    assert any("is not published in this database yet" in m for m in messages(at)), messages(at)


@pytest.mark.parametrize("name", PAGES)
def test_an_unreachable_database_is_a_message(served, monkeypatch, name):
    monkeypatch.setenv("LAKEHOUSE_DASHBOARD_URL", "postgresql://retail_dashboard@127.0.0.1:9/postgres")
    at = open_page(name)
    assert not at.get("plotly_chart")
    assert any(
        m.startswith("The database at postgresql://127.0.0.1:9/postgres cannot be reached")
        for m in messages(at)
    )
