"""The public front: nginx (Debian's) before Datasette, as `make serve-public` starts it
(dpsite/proxy.py, scripts/proxy/nginx.conf.template), and the cache headers the site sends
(dpsite/plugins/cache_headers.py). Without nginx the proxy's tests are skipped with the reason,
except in CI (CI=true), where they must run."""

from __future__ import annotations

import http.client
import http.server
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import pytest

from conftest import NAME, ROOT
from dpsite import proxy
from dpsite.plugins import cache_headers

NGINX = shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin:/sbin")
needs_nginx = pytest.mark.skipif(
    not NGINX and not os.environ.get("CI"),
    reason="nginx is not installed (Debian: apt-get install nginx); in CI this fails instead",
)
PAGE = f"/{NAME}/events"
NGINX_PAGE = b"<center>nginx</center>"  # on the error pages nginx writes itself


def get(
    port: int,
    path: str,
    headers: dict | None = None,
    method: str = "GET",
    source: str = "127.0.0.1",
    body: bytes | None = None,
) -> tuple[int, dict, bytes]:
    """One request on its own connection from a loopback source address (nginx limits per address)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30, source_address=(source, 0))
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        conn.close()


def run_folder() -> Path:
    """A run folder nginx's workers can reach when the tests run as root (they become nobody)."""
    folder = Path(tempfile.mkdtemp(prefix="proxy-run-"))
    folder.chmod(0o755)
    return folder


class Launcher:
    """scripts/serve_public.py on the built dist, its output collected (the access log is on it)."""

    def __init__(self, dist: Path):
        self.port = proxy.free_port()
        self.run = run_folder()
        self.lines: list[str] = []
        self.process = subprocess.Popen(
            [
                sys.executable,
                str(ROOT / "scripts" / "serve_public.py"),
                "--dist",
                str(dist),
                "--port",
                str(self.port),
                "--run",
                str(self.run),
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.reader = threading.Thread(target=lambda: self.lines.extend(self.process.stdout), daemon=True)
        self.reader.start()
        deadline = time.monotonic() + 2 * proxy.START_SECONDS
        while not any(line.startswith("Serving publicly") for line in self.lines):
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError("serve_public.py did not start:\n" + "".join(self.lines[-20:]))
            time.sleep(0.1)

    def children(self) -> list[int]:
        path = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(pid) for pid in path.read_text().split()] if path.exists() else []

    def stop(self) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        code = self.process.wait(timeout=30)
        self.reader.join(timeout=5)
        shutil.rmtree(self.run, ignore_errors=True)
        return code


@pytest.fixture(scope="module")
def public(dist):
    launcher = Launcher(dist)
    children = launcher.children()
    yield launcher
    assert launcher.stop() == 0, "".join(launcher.lines[-20:])
    assert not any(
        Path(f"/proc/{pid}").exists() and "zombie" not in Path(f"/proc/{pid}/status").read_text() for pid in children
    ), "nginx or Datasette outlived the launcher"


# The application's cache headers (in process; no nginx needed).


def test_pages_carry_cache_control_and_an_etag_and_answer_304_to_it(site):
    first = site.get(PAGE)
    assert first.status_code == 200
    assert first.headers["cache-control"] == "public, max-age=60, s-maxage=86400"
    tag = first.headers["etag"]
    assert tag.startswith('W/"')
    again = site.run(site.ds.client.get(PAGE, headers={"if-none-match": tag}))
    assert again.status_code == 304 and again.content == b"" and again.headers["etag"] == tag
    other = site.get(PAGE, _sort="event_id")
    assert other.headers["etag"] != tag  # one tag per page
    stale = site.run(site.ds.client.get(PAGE, headers={"if-none-match": 'W/"0-0"'}))
    assert stale.status_code == 200


def test_a_visitors_ttl_does_not_choose_how_long_answers_are_kept(site):
    assert site.get(f"/{NAME}/events.json", _ttl="0").headers["cache-control"].startswith("public, max-age=60")
    missing = site.get(f"/{NAME}/no_such_table")
    assert missing.status_code == 404
    assert missing.headers["cache-control"] == cache_headers.SHORT and "etag" not in missing.headers


def test_refusals_and_failures_are_never_kept():
    assert cache_headers.cache_control(429, False) == cache_headers.NEVER
    assert cache_headers.cache_control(503, False) == cache_headers.NEVER
    assert cache_headers.cache_control(200, True).startswith("private")  # downloads stay out of the proxy


def test_the_etag_changes_with_the_site(site, monkeypatch):
    before = cache_headers.site_version(site.ds)
    monkeypatch.setitem(site.ds.inspect_data[NAME], "hash", "another build")
    assert cache_headers.site_version(site.ds) != before


# nginx in front (the real built site).


@needs_nginx
def test_a_page_is_cached_by_the_proxy_and_revalidated_by_etag(public):
    status, headers, body = get(public.port, PAGE + "?_size=7")
    assert status == 200 and headers["x-cache-status"] in ("MISS", "EXPIRED")
    assert headers["cache-control"].startswith("public") and headers["etag"].startswith('W/"')
    status, again, body_again = get(public.port, PAGE + "?_size=7")
    assert status == 200 and again["x-cache-status"] == "HIT" and body_again == body
    status, _, empty = get(public.port, PAGE + "?_size=7", {"If-None-Match": headers["etag"]})
    assert status == 304 and empty == b""


@needs_nginx
def test_oversized_urls_and_headers_are_refused_by_nginx(public):
    start = time.perf_counter()
    status, _, body = get(public.port, PAGE + "?_where=" + "x" * 30_000)
    assert status == 414 and NGINX_PAGE in body  # nginx's own page: refused before it was passed on
    assert time.perf_counter() - start < 1
    status, _, body = get(public.port, PAGE, {"X-Padding": "x" * 10_000})
    assert status in (400, 494) and NGINX_PAGE in body


@needs_nginx
def test_only_get_and_head_pass(public):
    assert (
        get(
            public.port, PAGE, method="POST", body=b"a=b", headers={"Content-Type": "application/x-www-form-urlencoded"}
        )[0]
        == 403
    )
    assert get(public.port, PAGE, method="DELETE")[0] == 403
    assert get(public.port, PAGE, method="HEAD")[0] == 200


@needs_nginx
def test_a_burst_from_one_address_is_limited_and_others_are_not(public):
    statuses = [get(public.port, PAGE, source="127.0.0.9")[0] for _ in range(proxy.LIMITS["BURST"] + 30)]
    assert statuses[: proxy.LIMITS["BURST"]] == [200] * proxy.LIMITS["BURST"]
    assert 429 in statuses
    assert get(public.port, PAGE, source="127.0.0.10")[0] == 200  # another visitor is not held back


@needs_nginx
def test_the_launcher_stops_everything_when_one_server_dies(dist):
    launcher = Launcher(dist)
    datasette = next(pid for pid in launcher.children() if "datasette" in Path(f"/proc/{pid}/cmdline").read_text())
    os.kill(datasette, signal.SIGKILL)
    assert launcher.process.wait(timeout=30) == 1
    launcher.stop()
    assert "Datasette stopped" in launcher.lines[-1]
    assert not any(Path(f"/proc/{pid}").exists() for pid in launcher.children())


class Echo(http.server.BaseHTTPRequestHandler):
    """An upstream that answers with the headers it was sent."""

    def do_GET(self):
        body = json.dumps(dict(self.headers.items())).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Cache-Control", "no-store")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@needs_nginx
def test_the_client_address_reaches_the_app_and_cannot_be_forged():
    upstream = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Echo)
    threading.Thread(target=upstream.serve_forever, daemon=True).start()
    run, port = run_folder(), proxy.free_port()
    proxy.prepare(run, port, upstream.server_address[1])
    nginx = subprocess.Popen(proxy.nginx_command(proxy.find_nginx(), run), stdout=subprocess.DEVNULL)
    try:
        proxy.wait_until(lambda: proxy.listening(port), {"nginx": nginx}, 10)
        status, _, body = get(
            port, "/", {"X-Real-IP": "203.0.113.9", "X-Forwarded-For": "203.0.113.9"}, source="127.0.0.7"
        )
        seen = {k.lower(): v for k, v in json.loads(body).items()}
        assert status == 200 and seen["x-real-ip"] == "127.0.0.7" and seen["x-forwarded-for"] == "127.0.0.7"
    finally:
        nginx.terminate()
        nginx.wait(timeout=10)
        upstream.shutdown()
        shutil.rmtree(run, ignore_errors=True)


def test_without_nginx_the_launcher_says_how_to_install_it(dist, monkeypatch, capsys):
    monkeypatch.setattr(proxy.shutil, "which", lambda *args, **kwargs: None)
    assert proxy.main(["--dist", str(dist), "--run", str(dist / "unused")]) == 1
    out = capsys.readouterr().out.splitlines()
    assert len(out) == 1 and "install Debian's nginx" in out[0]
    assert not (dist / "unused").exists()


def test_the_run_folder_must_be_a_real_folder_its_workers_can_reach(tmp_path):
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "link").symlink_to(tmp_path / "elsewhere")
    with pytest.raises(proxy.ProxyError, match="symbolic link"):
        proxy.prepare(tmp_path / "link", 8080, 8001)
    assert not (tmp_path / "elsewhere" / "nginx.conf").exists()
    if os.geteuid() == 0:  # nginx's workers become nobody, who cannot open a folder private to root
        private = tmp_path / "private"
        private.mkdir(mode=0o700)
        with pytest.raises(proxy.ProxyError, match="cannot reach"):
            proxy.prepare(private / "run", 8080, 8001)


def test_the_configuration_holds_numbers_only_and_listens_on_loopback():
    text = proxy.render(8080, 8001)
    assert "server 127.0.0.1:8001;" in text and not re.search(r"@[A-Z_]+@", text)
    assert re.findall(r"^\s*listen\s+(\S+);", text, re.M) == ["127.0.0.1:8080"]
    with pytest.raises(ValueError):
        proxy.render(8080, 8001, limits={"RATE": "10; include /etc/passwd", "BURST": 1, "CONNECTIONS": 1})


# make bench-hostile's measures (dpbench/hostile.py), on made-up figures and tiny commands.


def test_a_steps_time_peak_memory_and_limits_are_measured(tmp_path, monkeypatch):
    from dpbench import hostile

    grow = "b = bytearray(300 * 1024 * 1024); b[::4096] = b'x' * len(b[::4096])"
    figures = hostile.timed([sys.executable, "-c", grow], tmp_path)
    assert figures["exit"] == 0 and 300e6 < figures["rss"] < 1e9
    monkeypatch.setattr(hostile, "GUARD_BYTES", 200 * 1024 * 1024)
    assert hostile.timed([sys.executable, "-c", grow], tmp_path)["exit"] != 0  # stopped by the guard
    monkeypatch.setattr(hostile, "STEP_TIMEOUT", 1)
    start = time.perf_counter()
    # a child of the step (as frictionless is a child of `timeout`) is stopped with it
    assert hostile.timed(["sh", "-c", "sleep 30 & echo $! > child; wait"], tmp_path)["exit"] == "timeout"
    assert time.perf_counter() - start < 10
    child = Path(f"/proc/{(tmp_path / 'child').read_text().strip()}/status")
    time.sleep(0.2)
    assert not child.exists() or "zombie" in child.read_text()


def _figures(sql_ok: int, page_p95: float, repeated_p95: float) -> tuple[dict, dict]:
    def s(ok, n, p95_ms, statuses=(200,)):
        return {"n": n, "ok": ok, "p50_ms": p95_ms / 2, "p95_ms": p95_ms, "max_ms": p95_ms, "statuses": list(statuses)}

    long = {"long": s(0, 20, 20, (414,)), "alone": s(60, 60, 30), "during": s(60, 60, 35)}
    site = {
        "worst": {
            "alone": s(60, 60, 30),
            "attack": s(60, 60, 80),
            "peak_rss": 1e8,
            "attack_requests": 9,
            "attack_5xx": 0,
            "attack_statuses": [400],
        },
        "fairness": {
            "sql": s(sql_ok, 40, 100),
            "pages": s(60, 60, page_p95),
            "attack_requests": 99,
            "attack_statuses": [400, 429],
        },
        "long_direct": long,
        "long_proxy": long,
    }
    load = {
        "clients": 32,
        "pages": 15,
        "rounds": 3,
        "rps": 100.0,
        "first": s(480, 480, 3000),
        "repeated": s(960, 960, repeated_p95),
    }
    return site, load


def test_the_hostile_report_judges_the_site_targets():
    from dpbench import hostile

    good = "\n".join(hostile.report(*_figures(38, 400, 900), 1_000_000, {}))
    assert "not met" not in good and ">= 90 % answered 200: met" in good and "p95 <= 1 s on repeated pages: met" in good
    bad = "\n".join(hostile.report(*_figures(35, 600, 1100), 1_000_000, {}))
    assert bad.count("**not met**") == 3
    assert LONG_URL_MIN <= len(hostile.long_url(NAME)) < LONG_URL_MIN + 100


LONG_URL_MIN = 30_000
