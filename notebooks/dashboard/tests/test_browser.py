"""The pages `bin/pipeline dashboard` serves, in headless Chromium (Debian's, through Playwright).

Each page loads and draws its charts (or says which table is not published yet), a department
picked in the sidebar changes the figures to what the tests' own SQL gives, and the database going
away shows the error on the page. Screenshots of every page land in screenshots/.
"""

import os
import signal
import time

import pytest
from conftest import SCREENSHOTS, TTL_SECONDS
from playwright.sync_api import Page, sync_playwright

from harness import CHROMIUM, CHROMIUM_ARGS, settle

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
            # drawn: plotly's SVG holds at least one data mark (bar, point, line or map shape)
            marks = chart.locator(".main-svg .trace path, .main-svg .point path, .main-svg .hm image")
            assert marks.count() > 0, f"chart {key} has no data drawn"
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
