"""Fixtures: a fresh copy of the real package per test, and small helpers to break it on purpose."""

from __future__ import annotations

import asyncio
import csv
import functools
import hashlib
import io
import json
import os
import re
import shutil
import subprocess
import sys
import threading
from pathlib import Path
from urllib.parse import urlencode

import pytest
from datasette.app import Datasette

ROOT = Path(__file__).resolve().parent.parent

import live

from dpbuild import build
from dpcheck import descriptor_check, validate
from dpsite import serve

# Frictionless's descriptor check in this process: one import for the whole suite instead of a
# new Python process per validation. Tests about the process itself switch it back.
descriptor_check.IN_PROCESS = True

# On GitHub the validator also prints annotations (::error …); the tests of reports read the
# report alone, wherever they run, and tests/test_annotations.py sets the variable itself.
os.environ.pop("GITHUB_ACTIONS", None)


NAME = json.loads((ROOT / "datapackage.json").read_text())["name"]


class Site:
    """A built folder's site behind Datasette's test client. Its event loop runs in a thread of
    its own, so the client works beside Playwright's sync API, which keeps a loop running in
    the main thread for the browser tests' session."""

    def __init__(self, dist: Path | None = None, metadata: dict | None = None, *, datasette: Datasette | None = None):
        """The site of a built folder (with other metadata if given), or of a Datasette made
        by the test."""
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, name="site", daemon=True)
        self.thread.start()
        self.ds = datasette or Datasette(
            immutables=[str(dist / f"{NAME}.db")],
            inspect_data=json.loads((dist / "inspect.json").read_text()),
            metadata=metadata if metadata is not None else json.loads((dist / "metadata.json").read_text()),
            plugins_dir=str(serve.SITE / "plugins"),
            template_dir=str(serve.SITE / "templates"),
            static_mounts=[(serve.STATIC[0], str(serve.STATIC[1]))],
            settings=serve.SETTINGS,
        )
        self.run(self.ds.invoke_startup())

    def run(self, coroutine, timeout: float = 120):
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout)

    def close(self):
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)
        self.loop.close()

    def get(self, path: str, **params):
        if params:
            path += ("&" if "?" in path else "?") + urlencode(params)
        return self.run(self.ds.client.get(path))

    def post(self, path: str, data: dict):
        return self.run(self.ds.client.post(path, data=data))

    def rows(self, path: str, **params) -> list[dict]:
        response = self.get(
            path.replace("?", ".json?", 1) if "?" in path else path + ".json", _shape="objects", **params
        )
        assert response.status_code == 200, (path, response.text[:300])
        return response.json()["rows"]


@pytest.fixture(scope="session", autouse=True)
def frictionless_descriptor_check_once():
    """Frictionless's check of a descriptor (a sixth of validating the real package) run once per
    distinct descriptor in this process. It reads the descriptor, its schemas inlined, and nothing
    else (no row, no file), and most validations of the suite are of the real descriptor with a
    table changed: each later one is given the answer the same descriptor got, as its own process
    would have found it. Keyed by the whole descriptor, in its order; a test may still replace it."""
    from dpcheck import frictionless_metadata

    real = frictionless_metadata.messages
    answers: dict[bytes, list[str]] = {}

    def messages(descriptor: dict) -> list[str]:
        # Taken before Frictionless may change the descriptor it is given.
        key = hashlib.blake2b(json.dumps(descriptor, default=repr).encode()).digest()
        if key not in answers:
            answers[key] = real(descriptor)
        return list(answers[key])

    frictionless_metadata.messages = messages
    yield
    frictionless_metadata.messages = real


@pytest.fixture(scope="session", autouse=True)
def pandera_check_once():
    """pandera's check of a table (half of validating the real package) run once per distinct
    table in this process. A test breaks a table or two and validates the whole package: the
    twenty-odd tables it left alone are the tables earlier tests checked, and each is given the
    answer it got then. Keyed by all the check reads: the table's name, path, schema, cells (the
    frame, nulls included), file rows and whether its key is known unique. A test that changes
    what the check itself uses (pandera_check's constants, the vocabulary's wording) must replace
    pandera_check.check, as test_frictionless_parity does, which it may."""
    import importlib

    pandera_check = importlib.import_module("dpcheck.pandera_check")
    real = pandera_check.check
    answers: dict[tuple, list] = {}

    @functools.wraps(real)  # a rule that fails is named by its function
    def check(table):
        frame = io.BytesIO()
        table.frame.write_ipc(frame)
        rows = [table.row_number(i) for i in range(table.frame.height)]
        key = (
            table.name,
            table.path,
            json.dumps(table.resource.schema),
            table.key_unique,
            hashlib.blake2b(frame.getvalue()).digest(),
            hashlib.blake2b(repr(rows).encode()).digest(),
        )
        if key not in answers:
            answers[key] = real(table)
        return list(answers[key])

    pandera_check.check = check
    yield
    pandera_check.check = real


@pytest.fixture(scope="session")
def dist(tmp_path_factory) -> Path:
    """The real package built once for the whole session (tests must not write into it)."""
    out = tmp_path_factory.mktemp("dist")
    build.build(ROOT / "datapackage.json", out)
    return out


@pytest.fixture(scope="session")
def site(dist) -> Site:
    site = Site(dist)
    yield site
    site.close()


class PackageCopy:
    """A writable copy of the package in a temporary folder."""

    def __init__(self, root: Path):
        self.root = root
        root.mkdir(parents=True)
        for name in ("datapackage.json", "data", "schemas", "articles", "CHANGELOG.md"):
            source = ROOT / name
            if source.is_dir():
                shutil.copytree(source, root / name)
            else:
                shutil.copy(source, root / name)

    @property
    def descriptor(self) -> Path:
        return self.root / "datapackage.json"

    def path(self, table: str) -> Path:
        return self.root / "data" / f"{table}.csv"

    def read(self, table: str) -> tuple[list[str], list[dict]]:
        with open(self.path(table), encoding="utf-8", newline="") as f:
            reader = csv.DictReader(f)
            return reader.fieldnames, list(reader)

    def write(self, table: str, fields: list[str], rows: list[dict]) -> None:
        """Write rows exactly as given: minimal quoting and LF, but in this order and not normalised."""
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(fields)
        writer.writerows([[row.get(f, "") for f in fields] for row in rows])
        self.path(table).write_text(out.getvalue(), encoding="utf-8")

    def primary_key(self, table: str) -> list[str]:
        return json.loads((self.root / "schemas" / f"{table}.json").read_text())["primaryKey"]

    def _write_sorted(self, table: str, fields: list[str], rows: list[dict], changed: dict) -> int:
        pk = self.primary_key(table)
        rows.sort(key=lambda r: tuple(r[k] for k in pk))
        self.write(table, fields, rows)
        return next(i for i, r in enumerate(rows, start=2) if r is changed)

    def row_number(self, table: str, **key) -> int:
        """The file row (header = 1) of the row matching key."""
        _, rows = self.read(table)
        for i, row in enumerate(rows, start=2):
            if all(row[k] == v for k, v in key.items()):
                return i
        raise KeyError(f"no row {key} in {table}")

    def set(self, table: str, key: dict, field: str, value: str) -> int:
        """Change one cell of the row matching key, keeping the file sorted; returns its file row."""
        fields, rows = self.read(table)
        changed = rows[self.row_number(table, **key) - 2]
        changed[field] = value
        return self._write_sorted(table, fields, rows, changed)

    def add(self, table: str, row: dict) -> int:
        """Add a row (missing fields empty), keeping the file sorted; returns its file row."""
        fields, rows = self.read(table)
        added = {f: row.get(f, "") for f in fields}
        rows.append(added)
        return self._write_sorted(table, fields, rows, added)

    def remove(self, table: str, **key) -> None:
        fields, rows = self.read(table)
        self.write(table, fields, [r for r in rows if not all(r[k] == v for k, v in key.items())])

    @property
    def version(self) -> str:
        return json.loads(self.descriptor.read_text())["version"]

    def raise_version(self) -> str:
        """Raise the PATCH part of the version, as a correction would; returns the new version."""
        major, minor, patch = (int(n) for n in self.version.split("-")[0].split("+")[0].split("."))
        descriptor = json.loads(self.descriptor.read_text())
        descriptor["version"] = f"{major}.{minor}.{patch + 1}"
        self.descriptor.write_text(json.dumps(descriptor, indent=2, ensure_ascii=False) + "\n")
        changelog = self.root / "CHANGELOG.md"
        changelog.write_text(changelog.read_text() + f"\n## {descriptor['version']}\n\n- A test change.\n")
        return descriptor["version"]

    def validate(self, *options: str, coded: bool = False) -> tuple[int, list[str]]:
        """Exit code and printed lines of scripts/validate.py on this copy (options such as --base REF),
        the problems' codes taken out (checked first), or with `coded` kept."""
        return self.validate_other(self.descriptor, *options, coded=coded)

    @staticmethod
    def validate_other(descriptor_file: Path, *options: str, coded: bool = False) -> tuple[int, list[str]]:
        """Exit code and printed lines of scripts/validate.py on another package (see validate)."""
        out = io.StringIO()
        old = sys.stdout
        sys.stdout = out
        try:
            code = validate.main([str(descriptor_file), *options])
        finally:
            sys.stdout = old
        lines = uncoded(out.getvalue().splitlines())  # every problem line has a listed code, coded or not
        return code, out.getvalue().splitlines() if coded else lines


@pytest.fixture
def pkg(tmp_path) -> PackageCopy:
    return PackageCopy(tmp_path / "package")


def problems(lines: list[str]) -> list[str]:
    """The problem lines of a report, without blank lines and the summary."""
    return [line for line in lines if line and not line.startswith(("FAILED:", "OK:"))]


# A report line's code: ` [code]: ` after the place (file, row, field), before the message.
CODE_IN_LINE = re.compile(r" \[([a-z][a-z0-9]*(?:-[a-z0-9]+)*)\]: ")
MORE_IN_FILE = re.compile(r"^\S+: … and [\d,]+ more problems in this file$")  # report()'s own count, not a problem


def coded(lines: list[str]) -> list[tuple[str | None, str]]:
    """Each line of a report as (its code, the line with the code taken out: `file:row field:
    message`, as the expectations written before codes read), once every problem line is found to
    carry a code that CONTRIBUTING.md lists (dpmodel/codes.py): no test of a report passes with a
    code missing. Lines that are not problems (the summary, blank lines) have the code None."""
    from dpmodel import codes

    known = codes.all_codes()
    out = []
    for line in lines:
        if (
            not line
            or line.startswith(("FAILED:", "OK:", "note:"))
            or MORE_IN_FILE.match(line)
            or line.startswith("::")
        ):
            out.append((None, line))
            continue
        match = CODE_IN_LINE.search(line)
        assert match, f"a problem line without its code: {line!r}"
        assert match.group(1) in known, f"a code no module declares: {match.group(1)!r} in {line!r}"
        out.append((match.group(1), line[: match.start()] + ": " + line[match.end() :]))
    return out


def uncoded(lines: list[str]) -> list[str]:
    """The report's lines with each problem's code taken out (see coded)."""
    return [line for _, line in coded(lines)]


def own_lines(lines: list[str], expected: list[str]) -> list[str]:
    """The report's problem lines (codes taken out) that carry a code one of the expected lines
    carries: a case asserts the whole report of its own rules, line for line, and a rule added
    later that finds more in the same broken package does not rewrite it."""
    pairs = [(code, line) for code, line in coded(lines) if code is not None]
    codes = {code for code, line in pairs if line in expected}
    return [line for code, line in pairs if code in codes]


def git(pkg, *args):
    """Run git in the package copy."""
    subprocess.run(["git", *args], cwd=pkg.root, check=True, capture_output=True)


@pytest.fixture
def repo(pkg):
    """The package copy as a git repository whose first commit is the base."""
    git(pkg, "init", "-q")
    git(pkg, "add", "-A")
    git(pkg, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "base")
    return pkg


class Listener:
    """A loopback TCP listener that records every connection made to it (and answers none)."""

    def __init__(self):
        import socket
        import threading

        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self):
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.connections += 1
            conn.close()

    def url(self, path: str = "x.json") -> str:
        return f"http://127.0.0.1:{self.port}/{path}"

    def close(self):
        self.sock.close()


@pytest.fixture(scope="session")
def listener():
    server = Listener()
    yield server
    server.close()


def loaded_plugin(name: str):
    """The instance of a plugin module that Datasette loaded (it is in its plugin manager, not
    sys.modules), or None if no test of this process has started a site yet."""
    from datasette.plugins import pm

    path = str(serve.SITE / "plugins" / f"{name}.py")
    return next((m for m in pm.get_plugins() if getattr(m, "__file__", "") == path), None)


@pytest.fixture(autouse=True)
def no_unclassified_error():
    """Every test fails if the site answered an exception its error handler has no class for: the
    catch-all answers 400 so a visitor never sees a 500, but a test must not pass through it."""
    plugin = loaded_plugin("errors")
    before = len(plugin.UNEXPECTED) if plugin else 0
    yield
    plugin = plugin or loaded_plugin("errors")
    if plugin is not None and len(plugin.UNEXPECTED) > before:
        pytest.fail(f"an exception no class of plugins/errors.py covers reached it: {plugin.UNEXPECTED[before:]}")


# --- the served site in a real browser (tests/live.py): one of each per test process ---------
@pytest.fixture(scope="session")
def browser():
    live.require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(live.CHROMIUM), args=live.ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(autouse=True)
def no_event_loop_left_running(request):
    """Playwright's sync API runs its event loop in a greenlet of this thread, and asyncio takes
    that loop as running in the thread for as long as the session's browser is open, whichever
    test is running: a test that runs a loop of its own (asyncio.run, a test client) would be
    refused, depending on which tests the worker ran before. So a test that does not drive the
    browser runs with no loop marked running in its thread (asyncio's own hook for event loop
    implementations), and the mark is put back for the browser after it."""
    if "browser" in request.fixturenames:
        yield
        return
    running = asyncio.events._get_running_loop()
    asyncio.events._set_running_loop(None)
    try:
        yield
    finally:
        asyncio.events._set_running_loop(running)


@pytest.fixture(scope="session")
def live_site(dist, browser):
    server = live.Server(dist)
    yield server
    server.stop()


@pytest.fixture
def page(browser):
    page = browser.new_page(viewport=live.DESKTOP)
    yield page
    page.close()


@pytest.fixture
def phone(browser):
    """A page in a phone-sized window (375 CSS pixels wide), with touch."""
    context = browser.new_context(viewport=live.PHONE, has_touch=True, is_mobile=True)
    page = context.new_page()
    yield page
    context.close()
