"""Serve the site publicly behind nginx: `python scripts/serve_public.py [--dist dist] [--port 8080]`.

nginx (Debian's package) listens on 127.0.0.1:PORT and passes requests to Datasette, started here
with serve.py's command on another loopback port. nginx caps the URL and header size, limits
requests and connections per client address, sets timeouts, forwards the client address and
caches pages (scripts/proxy/nginx.conf.template says how). It runs in the foreground as the
current user with its configuration, pid file, temporary files and cache in a run folder (default
dist/proxy, emptied of the previous cache at each start): nothing under /etc or /var. Ctrl-C or
SIGTERM stops both; if either stops on its own, the other is stopped and the exit code is 1.
"""

from __future__ import annotations

import argparse
import grp
import os
import pwd
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from dpsite import serve

TEMPLATE = Path(__file__).resolve().parents[2] / "proxy" / "nginx.conf.template"
# Per client address: requests a second, a burst on top (a page and its assets), connections at once.
LIMITS = {"RATE": 10, "BURST": 40, "CONNECTIONS": 16}
WORKER_USER = "nobody"  # nginx's workers when it is started by root
START_SECONDS = 60


class ProxyError(Exception):
    """A reason the proxy cannot start, as one line."""


def find_nginx() -> str:
    found = shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin:/sbin")
    if not found:
        raise ProxyError(
            "nginx not found: install Debian's nginx (sudo apt-get install nginx) to serve publicly, "
            "or use make serve (Datasette alone)"
        )
    return found


def render(port: int, upstream_port: int, user_line: str = "", limits: dict[str, int] = LIMITS) -> str:
    """The configuration: the template with numbers substituted, and nothing else."""
    values = {"PORT": port, "UPSTREAM_PORT": upstream_port, **limits}
    text = TEMPLATE.read_text(encoding="utf-8").replace("@USER_LINE@", user_line)
    for name, value in values.items():
        text = text.replace(f"@{name}@", str(int(value)))  # int(): a number, whatever was passed
    left = re.findall(r"@[A-Z_]+@", text)
    if left:
        raise ProxyError(f"{TEMPLATE.name}: no value for {', '.join(sorted(set(left)))}")
    return text


def worker_user() -> tuple[str, int, int] | None:
    """(the user line, uid, gid) of the unprivileged user nginx's workers switch to when started by
    root; None otherwise (then they run as the current user)."""
    if os.geteuid() != 0:
        return None
    user = pwd.getpwnam(WORKER_USER)
    group = grp.getgrgid(user.pw_gid).gr_name
    return f"user {WORKER_USER} {group};", user.pw_uid, user.pw_gid


def unreachable(folder: Path, uid: int, gid: int) -> Path | None:
    """The first folder on the way to `folder` that uid/gid cannot pass through (nginx's workers
    open cache files by their full path), or None."""
    for part in [*reversed(folder.parents), folder]:
        st = part.stat()
        bit = 0o100 if st.st_uid == uid else 0o010 if st.st_gid == gid else 0o001
        if not st.st_mode & bit:
            return part
    return None


def prepare(run: Path, port: int, upstream_port: int) -> None:
    """The run folder with a fresh configuration and an empty cache."""
    for folder in (run.parent, run):
        if folder.is_symlink():
            raise ProxyError(f"{folder}: is a symbolic link; the proxy's run folder must be a real folder")
    run.mkdir(parents=True, exist_ok=True)
    for old in ("cache", "temp"):
        if (run / old).is_symlink():
            (run / old).unlink()
        elif (run / old).exists():
            shutil.rmtree(run / old)  # the cache of an earlier start may be of another build
    (run / "temp").mkdir()  # nginx creates only the last level of temp/body and the others
    user = worker_user()
    if user:
        blocked = unreachable(run.resolve(), user[1], user[2])
        if blocked:
            raise ProxyError(
                f"{blocked}: nginx's workers run as {WORKER_USER} when started by root, and cannot reach "
                f"the run folder through it; serve as an ordinary user or pass --run under a folder others can open"
            )
    (run / "nginx.conf").write_text(render(port, upstream_port, user[0] if user else ""), encoding="utf-8")


def nginx_command(nginx: str, run: Path) -> list[str]:
    return [nginx, "-p", f"{run.resolve()}/", "-c", "nginx.conf", "-e", "stderr"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _die_with_parent() -> None:
    """In the child: SIGTERM it if the launcher dies, so no server outlives it (Linux prctl)."""
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


# Set in the environment of the Datasette this proxy fronts: only then does plugins/sql_gate.py take
# the client address from X-Real-IP (which nginx here always overwrites).
TRUSTED_PROXY = "DP_TRUSTED_PROXY"


def start(cmd: list[str], env: dict | None = None) -> subprocess.Popen:
    return subprocess.Popen(cmd, stdin=subprocess.DEVNULL, preexec_fn=_die_with_parent, env=env)


def wait_until(ready, processes: dict[str, subprocess.Popen], seconds: float = START_SECONDS) -> None:
    deadline = time.monotonic() + seconds
    while not ready():
        for name, process in processes.items():
            if process.poll() is not None:
                raise ProxyError(f"{name} stopped while starting (exit {process.returncode})")
        if time.monotonic() > deadline:
            raise ProxyError(f"{' and '.join(processes)} did not start within {seconds:.0f} s")
        time.sleep(0.1)


def answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


def listening(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
        return True
    except OSError:
        return False


def stop(processes: dict[str, subprocess.Popen]) -> None:
    for process in processes.values():
        if process.poll() is None:
            process.terminate()  # nginx: fast shutdown; Datasette: uvicorn's graceful exit
    for process in processes.values():
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def serve_public(dist: Path, port: int, run: Path, upstream_port: int | None = None) -> int:
    nginx = find_nginx()
    if not (dist / "datapackage.json").exists():
        raise ProxyError(f"{dist}: nothing built yet; run make build")
    upstream_port = upstream_port or free_port()
    prepare(run, port, upstream_port)
    stopping = []
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda s, f: stopping.append(s))
    # Only behind this proxy, which sets X-Real-IP itself, does the SQL gate trust that header.
    trusting = {**os.environ, TRUSTED_PROXY: "1"}
    processes = {"Datasette": start(serve.command(dist, port=upstream_port), trusting)}
    try:
        wait_until(lambda: answers(f"http://127.0.0.1:{upstream_port}/-/versions.json"), processes)
        processes["nginx"] = start(nginx_command(nginx, run))
        wait_until(lambda: listening(port), processes)
        print(
            f"Serving publicly on http://127.0.0.1:{port}/ through nginx (Datasette on 127.0.0.1:{upstream_port}); "
            f"Ctrl-C to stop",
            flush=True,
        )
        while not stopping:
            for name, process in processes.items():
                if process.poll() is not None:
                    raise ProxyError(f"{name} stopped (exit {process.returncode}); the other was stopped too")
            time.sleep(0.2)
        return 0
    finally:
        stop(processes)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dist", default="dist")
    parser.add_argument("--port", type=int, default=8080, help="nginx's port on 127.0.0.1")
    parser.add_argument("--run", help="nginx's configuration, pid, temporary files and cache (default DIST/proxy)")
    parser.add_argument("--upstream-port", type=int, help="Datasette's port on 127.0.0.1 (default: a free one)")
    args = parser.parse_args(argv)
    dist = Path(args.dist)
    try:
        return serve_public(dist, args.port, Path(args.run) if args.run else dist / "proxy", args.upstream_port)
    except ProxyError as exc:
        print(exc, flush=True)
        return 1
    except OSError as exc:
        print(
            f"cannot serve publicly: {exc.strerror or exc}{': ' + str(exc.filename) if exc.filename else ''}",
            flush=True,
        )
        return 1


if __name__ == "__main__":
    sys.exit(main())
