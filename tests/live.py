"""The site as a visitor's browser sees it: headless Chromium (Debian's package) driven by
Playwright, against the site started exactly as `make serve` starts it. conftest.py shares one
browser and one server per test process (fixtures `browser`, `live_site`, `page`, `phone`).
Without /usr/bin/chromium the browser tests are skipped with the reason, except in CI (CI=true),
where they must run. Screenshots are saved in test-output/screenshots/."""

from __future__ import annotations

import os
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

from dpsite import serve

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")
SHOTS = ROOT / "test-output" / "screenshots"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 812}


def require_chromium() -> None:
    """Skip (or, in CI, fail) a browser test when Chromium is missing."""
    if CHROMIUM.exists():
        return
    if os.environ.get("CI"):
        pytest.fail(
            "CI must run the browser tests, but /usr/bin/chromium is missing (apt-get install chromium)", pytrace=False
        )
    pytest.skip("headless Chromium not installed at /usr/bin/chromium (apt-get install chromium)")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """The site served from a built folder on a free loopback port, until stopped."""

    def __init__(self, dist: Path):
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process = subprocess.Popen(
            serve.command(dist, port=self.port), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(self.url + "/-/versions.json", timeout=2):
                    return
            except OSError:
                if self.process.poll() is not None:
                    raise RuntimeError(self.process.stderr.read().decode()) from None
                time.sleep(0.3)
        self.stop()
        raise RuntimeError("datasette did not start within 60 s")

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=10)


def shot(page, name: str, full_page: bool = False) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=full_page)


def overflow(page) -> int:
    """How many CSS pixels the page is wider than its window (0: nothing to scroll sideways)."""
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
