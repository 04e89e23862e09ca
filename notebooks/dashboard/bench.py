"""Render time of every page, in headless Chromium, against `bin/pipeline dashboard` over a lake.

    notebooks/dashboard/.venv/bin/python notebooks/dashboard/bench.py --lake /tmp/lake [--rounds 5] [--ttl 0]

Starts the dashboard on a free port with LAKEHOUSE_DASHBOARD_TTL=--ttl (0, the default: no query is
served from the cache, so every render reads PostgreSQL), goes to each page --rounds times through
the sidebar as an analyst does, and prints the time from the click until the page's script has run
and every chart is drawn (first, median, slowest); then the time to open each page's URL in a new
tab (the browser loads the app's code and opens a session first). Timings on a shared machine are
noisy: the load average is printed with them.
"""

import argparse
import os
import secrets
import statistics
import sys
import tempfile
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

import harness

PAGES = ["Overview", "Products", "Customers", "Baskets", "UK map", "Data health"]
TARGET_SECONDS = 2.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lake", required=True, help="lake of a bin/pipeline run (its database is served)")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--ttl", type=int, default=0, help="seconds query results are cached (0: never)")
    options = parser.parse_args()
    if not Path(options.lake).is_dir():
        print(f"error: no lake at {options.lake} (run bin/pipeline run --lake DIR first)", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="dashboard-bench.") as tmp:
        dashboard = harness.start(
            options.lake, Path(tmp) / "dashboard.log", secrets.token_hex(12), options.ttl
        )
        try:
            timings, opened = measure(dashboard.url, options.rounds)
        finally:
            dashboard.stop()
    load = os.getloadavg()
    print(
        f"render time per page, {options.rounds} rounds, cache ttl {options.ttl} s, load average "
        f"{load[0]:.1f} {load[1]:.1f} {load[2]:.1f} on {os.cpu_count()} cores"
    )
    print(f"{'page':<12} {'first':>7} {'median':>7} {'slowest':>8} {'new tab':>8}  (seconds)")
    for path, seconds in timings.items():
        median = statistics.median(seconds)
        verdict = "" if median < TARGET_SECONDS else f"  over {TARGET_SECONDS} s"
        print(f"{path:<12} {seconds[0]:7.2f} {median:7.2f} {max(seconds):8.2f} {opened[path]:8.2f}{verdict}")
    return 0


def measure(url: str, rounds: int) -> dict[str, list[float]]:
    timings = {title: [] for title in PAGES}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=harness.CHROMIUM, args=harness.CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1900})
        page.goto(url)
        harness.settle(page)
        for _ in range(rounds):
            for title in PAGES[1:] + PAGES[:1]:
                started = time.perf_counter()
                page.locator('[data-testid="stSidebarNavLink"]', has_text=title).click()
                page.wait_for_function("t => document.querySelector('h1')?.innerText === t", arg=title)
                harness.settle(page)
                timings[title].append(time.perf_counter() - started)
        opened = {}
        for title in PAGES:
            tab = browser.new_page(viewport={"width": 1400, "height": 1900})
            started = time.perf_counter()
            tab.goto(f"{url}/{harness.url_path(title)}")
            harness.settle(tab)
            opened[title] = time.perf_counter() - started
            tab.close()
        browser.close()
    return timings, opened


if __name__ == "__main__":
    sys.exit(main())
