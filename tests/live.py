"""The site as a visitor's browser sees it: headless Chromium (Debian's package) driven by
Playwright, against the site started exactly as `make serve` starts it. conftest.py shares one
browser and one server per test process (fixtures `browser`, `live_site`, `page`, `phone`).
Without /usr/bin/chromium the browser tests are skipped with the reason, except in CI (CI=true),
where they must run. Screenshots are saved in test-output/screenshots/."""

from __future__ import annotations

import importlib.util
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


# axe-core, the accessibility checker, as the axe-playwright-python package bundles it (its
# axe.min.js alone: the package's Python wrapper is not used).
AXE_JS = Path(importlib.util.find_spec("axe_playwright_python").origin).parent / "axe.min.js"  # not imported
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def start_axe(page, tags=WCAG_AA) -> None:
    """Start axe-core's check of the rules tagged `tags` on the page as it is now (axe_result
    waits for it; pages of one browser check at once). The page's context must be made with
    bypass_csp=True: axe is added as an inline script, which the site's Content-Security-Policy
    (rightly) refuses to run otherwise."""
    if not page.evaluate("typeof window.axe === 'object'"):
        page.add_script_tag(path=str(AXE_JS))
    page.evaluate(
        "(tags) => { window.__axeViolations = axe.run(document, {runOnly: {type: 'tag', values: tags},"
        " resultTypes: ['violations']}).then((r) => r.violations.map((v) => ({id: v.id, impact: v.impact,"
        " help: v.help, targets: v.nodes.map((n) => n.target.join(' '))}))); }",
        list(tags),
    )


def axe_result(page) -> list[dict]:
    """The violations the check start_axe started finds: rule id, impact, help, elements."""
    return page.evaluate("() => window.__axeViolations")


def axe(page, tags=WCAG_AA) -> list[dict]:
    """axe-core's violations of the rules tagged `tags` on the page as it is now."""
    start_axe(page, tags)
    return axe_result(page)


def violations_text(found: list[dict], nodes: int = 3) -> str:
    """axe's violations, one a line: rule, impact, what it asks, a few of the elements."""
    lines = []
    for v in found:
        more = f" (+{len(v['targets']) - nodes} more)" if len(v["targets"]) > nodes else ""
        lines.append(f"{v['id']} [{v['impact']}] {v['help']}: {', '.join(v['targets'][:nodes])}{more}")
    return "\n".join(lines)
