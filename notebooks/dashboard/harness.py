"""What the tests and the benchmark share: `bin/pipeline dashboard` started over a lake, and
headless Chromium (Debian's, driven by Playwright) waiting for a page to be drawn."""

import os
import re
import signal
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from playwright.sync_api import Page

HOME = Path(__file__).resolve().parent.parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@dataclass
class Dashboard:
    url: str  # http://127.0.0.1:PORT
    db_url: str  # PostgreSQL as the dashboard's analyst login
    process: subprocess.Popen
    log: Path

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)  # the command, Streamlit and PostgreSQL
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(lake: str, log: Path, password: str, ttl_seconds: int) -> Dashboard:
    """`bin/pipeline dashboard --lake LAKE` on a free port, once Streamlit answers."""
    port = free_port()
    env = {
        **os.environ,
        "LAKEHOUSE_DASHBOARD_PASSWORD": password,
        "LAKEHOUSE_DASHBOARD_TTL": str(ttl_seconds),
    }
    env.pop("LAKEHOUSE_DASHBOARD_URL", None)
    with open(log, "w") as out:
        process = subprocess.Popen(
            [str(HOME / "bin/pipeline"), "dashboard", "--lake", lake, "--port", str(port)],
            cwd=HOME,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline and process.poll() is None:
        text = log.read_text()
        found = re.search(r"is up at (postgresql://\S+)", text)
        if found and "You can now view your Streamlit app" in text:
            return Dashboard(f"http://127.0.0.1:{port}", found.group(1), process, log)
        time.sleep(0.5)
    dashboard = Dashboard("", "", process, log)
    dashboard.stop()
    raise RuntimeError(f"bin/pipeline dashboard did not come up:\n{log.read_text()[-3000:]}")


def url_path(title: str) -> str:
    """The path Streamlit gives a page of the navigation (the default page is at /)."""
    return "" if title == "Overview" else title.lower().replace(" ", "_")


# a chart drawn: plotly's SVG holds at least one data mark (line, bar, point or map shape)
MARKS = ".main-svg .trace path, .main-svg .point path, .main-svg .hm image"


def settle(page: Page) -> None:
    """Waits until the script has run (its title drawn, the app idle) and every chart is drawn."""
    page.wait_for_selector("h1", timeout=60_000)
    page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=60_000)
    page.wait_for_function(
        """marks => [...document.querySelectorAll('[data-testid="stPlotlyChart"]')]
                    .every(chart => chart.querySelector(marks))""",
        arg=MARKS,
        timeout=30_000,
    )
