"""The pages `bin/pipeline dashboard` serves, in headless Chromium (Debian's, through Playwright).

Each page loads and draws its charts (or says which table is not published yet), a department
picked in the sidebar, or the shop's order dates typed into it, change the figures to what the tests'
own SQL gives, and the database going away shows the error on the page. Screenshots of every page
land in screenshots/.
"""

import os
import signal
import time

import pytest
from conftest import SCREENSHOTS, TTL_SECONDS
from playwright.sync_api import Page, expect, sync_playwright

from harness import CHROMIUM, CHROMIUM_ARGS, MARKS, settle

# page path -> chart keys, each with the published table it needs (None: always there after a run)
PAGES = {
    "": {"overview-weekly": None, "overview-departments": None},
    "products": {
        "products-most": "sales_by_day_product",
        "products-least": "sales_by_day_product",
        "products-categories": "sales_by_day_product",
        "products-profit": None,
    },
    "customers": {
        "customers-households": None,
        "customers-spend": None,
        "customers-grid": None,
        "customers-recommendations": None,
    },
    "baskets": {"baskets-top-rules": None, "baskets-all-rules": None, "baskets-with-item": None},
    "uk_map": {"map-regions": None, "map-top-areas": None},
    "data_health": {
        "health-published": None,
        "health-runs": "pipeline_runs",
        "health-freshness": "table_freshness",
    },
}


@pytest.fixture(scope="module")
def page(served):
    SCREENSHOTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        tab = browser.new_page(viewport={"width": 1400, "height": 1900})
        outside = []
        tab.on("request", lambda r: outside.append(r.url) if not r.url.startswith(served.url) else None)
        yield tab
        browser.close()
    assert not outside, f"the dashboard fetched from outside the machine: {outside}"


def load(page: Page, url: str) -> None:
    """Opens url and waits until the script has run and every chart on the page is drawn."""
    page.goto(url)
    settle(page)
    time.sleep(0.5)  # plotly's transitions, before a screenshot


def alerts(page: Page) -> str:
    return " ".join(page.locator('[data-testid="stAlert"]').all_inner_texts())


@pytest.mark.parametrize("path", list(PAGES), ids=[p or "overview" for p in PAGES])
def test_each_page_loads_and_draws_its_charts(served, page, path):
    load(page, f"{served.url}/{path}")
    tables = served.tables()
    assert page.locator("h1").first.inner_text()
    assert page.get_by_text("Data as of ").count() == 1
    for key, table in PAGES[path].items():
        chart = page.locator(f".st-key-{key}")
        if table is None or table in tables:
            assert chart.count() == 1, f"chart {key} missing"
            # drawn; polled, as streamlit redraws a chart (an empty SVG for a moment) when its width settles
            drawn = chart.locator(MARKS).first
            expect(drawn, f"chart {key} has no data drawn").to_be_attached(timeout=15_000)
        else:
            assert chart.count() == 0
            assert f"gold.{table} is not published" in alerts(page)
    text = page.locator('[data-testid="stMain"]').inner_text()
    assert "Traceback" not in text and "Error:" not in text
    page.screenshot(path=str(SCREENSHOTS / f"{path or 'overview'}.png"))


def test_a_department_changes_the_figures(served, page):
    load(page, served.url)
    expected = served.sql(
        "SELECT sum(revenue) FROM gold.sales_by_day_department WHERE department = 'PRODUCE'"
    )
    everything = page.locator('[data-testid="stMetric"]').first.inner_text()
    page.locator(".st-key-departments").click()
    page.keyboard.type("PRODUCE")
    page.keyboard.press("Enter")
    page.keyboard.press("Escape")
    page.wait_for_function(
        "before => document.querySelector('[data-testid=\"stMetric\"]').innerText !== before", arg=everything
    )
    settle(page)
    sales = page.locator('[data-testid="stMetric"]').first.inner_text()
    assert sales.splitlines()[0] == "Sales"
    assert f"${expected[0][0]:,.2f}" in sales, sales
    households = served.sql(
        "SELECT count(DISTINCT household_id) FROM gold.sales_by_basket_department"
        " WHERE department = 'PRODUCE'"
    )[0][0]
    shown = page.locator('[data-testid="stMetric"]', has_text="Households").first.inner_text()
    assert [line for line in shown.splitlines() if line.strip()][:2] == ["Households", f"{households:,}"], (
        shown
    )
    page.screenshot(path=str(SCREENSHOTS / "overview-produce.png"))


def set_shop_dates(page: Page, start, end) -> None:
    """Types the range into the sidebar's shop order dates and waits for the page drawn over it."""
    for side, day in (("start", start), ("end", end)):
        page.get_by_label(f"year, Shop order dates {side} date").click()
        page.keyboard.type(day.strftime("%Y%m%d"))  # year, month and day, each moving to the next
    page.locator("h1").first.click()  # the widget sends its value when it loses the focus
    page.wait_for_function(
        "text => document.querySelector('[data-testid=\"stMain\"]').innerText.includes(text)",
        arg=f"{start} to {end}",
    )
    settle(page)


def plotted(page: Page, key: str) -> tuple[list, list]:
    """The x and y of the first trace of the chart under key, as plotly holds them in the page."""
    return page.evaluate(
        "key => { const t = document.querySelector(`.st-key-${key} .js-plotly-plot`)._fullData[0];"
        " return [Array.from(t.x), Array.from(t.y)]; }",
        key,
    )


def test_the_shop_dates_change_the_map_and_the_profit(served, page, shop_day):
    day = shop_day

    def planted(select: str, rest: str = "") -> list[tuple]:
        return served.sql(f"{select} WHERE order_date = %(d)s {rest}", {"d": day.planted})

    load(page, f"{served.url}/uk_map")
    set_shop_dates(page, day.planted, day.planted)
    areas = planted(
        "SELECT postcode_area, sum(revenue)::float8 FROM gold.order_sales_by_day",
        "GROUP BY 1 ORDER BY 2 DESC, 1",
    )
    assert sorted(r[0] for r in areas) == sorted(day.areas)
    x, y = plotted(page, "map-top-areas")
    assert y == [r[0] for r in areas] and x == pytest.approx([r[1] for r in areas])
    orders, customers, revenue = planted(
        "SELECT sum(orders), count(DISTINCT customer_key), sum(revenue) FROM gold.order_sales_by_day"
    )[0]
    shown = page.locator('[data-testid="stMetric"]').all_inner_texts()
    assert [m.split("\n")[-1] for m in shown] == [f"{orders:,}", f"{customers:,}", f"{revenue:,.2f}"]
    page.screenshot(path=str(SCREENSHOTS / "uk_map-shop-day.png"))
    set_shop_dates(page, day.empty, day.empty)
    assert f"No order of the shop from {day.empty} to {day.empty}" in alerts(page)
    assert page.locator('[data-testid="stPlotlyChart"]').count() == 0

    load(page, f"{served.url}/products")
    set_shop_dates(page, day.planted, day.planted)
    best = planted(
        "SELECT product_id, (revenue - cost)::float8 FROM gold.product_profit_by_day",
        "ORDER BY 2 DESC, 1 LIMIT 15",
    )
    x, y = plotted(page, "products-profit")
    assert [int(label.rsplit("#", 1)[1]) for label in y] == [r[0] for r in best]
    assert x == pytest.approx([r[1] for r in best])
    set_shop_dates(page, day.empty, day.empty)
    assert f"No product sold in the shop orders {day.empty} to {day.empty}" in alerts(page)
    assert page.locator(".st-key-products-profit").count() == 0


def test_a_new_publish_shows_up_without_a_restart(served, page):
    forget = "DELETE FROM ops.publish_log WHERE run_id = 'dashboard-test-live'"
    served.sql(forget)  # left by an interrupted run, if any
    time.sleep(TTL_SECONDS + 1)
    load(page, f"{served.url}/baskets")
    assert "run dashboard-test-live" not in page.get_by_text("Data as of ").inner_text()
    try:
        # what a publish writes last, in its own transaction: the publish log's row
        served.sql(
            "INSERT INTO ops.publish_log (table_schema, table_name, delta_version, row_count, duration_ms,"
            " run_id, published_at) VALUES ('gold', 'association_rules', 999, 0, 0, 'dashboard-test-live',"
            " now() + interval '1 day')"
        )
        time.sleep(TTL_SECONDS + 1)
        page.locator('[data-testid="stSidebarNavLink"]', has_text="Customers").click()
        page.wait_for_function("() => document.querySelector('h1')?.innerText === 'Customers'")
        settle(page)
        assert "run dashboard-test-live" in page.get_by_text("Data as of ").inner_text()
    finally:
        served.sql(forget)


@pytest.mark.stops_database
def test_the_database_going_away_shows_an_error(served, page):
    postmaster = int(
        (served.lake.parent / (served.lake.name + "-postgres") / "postmaster.pid").read_text().split()[0]
    )
    os.kill(postmaster, signal.SIGINT)  # PostgreSQL's fast shutdown
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and os.path.exists(f"/proc/{postmaster}"):
        time.sleep(0.2)
    time.sleep(TTL_SECONDS + 1)  # past the cached results' lifetime
    load(page, f"{served.url}/customers")
    message = alerts(page)
    assert "cannot be reached" in message, message
    assert page.locator('[data-testid="stPlotlyChart"]').count() == 0
    assert "Traceback" not in page.locator('[data-testid="stMain"]').inner_text()
    assert "database unreachable at postgresql://localhost:" in served.log.read_text()
    page.screenshot(path=str(SCREENSHOTS / "database-down.png"))
