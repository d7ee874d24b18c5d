"""No network from the checks and the build: an audit hook that refuses every socket operation.

The loader already refuses every remote reference (profile, $schema, URL paths, schemas and
dialects), so no code of ours asks for the network. This guard covers the whole class beyond
that: a library that would fetch something on its own (a profile, a JSON Schema $ref, a remote
CSV) fails with PermissionError instead of reaching out from CI. Installed by each command-line
entry point (validate, build, coverage, fmt, diff, codebook), never by the test process, which
serves Datasette on loopback.
"""

from __future__ import annotations

import sys

BLOCKED = {
    "socket.connect",
    "socket.connect_ex",
    "socket.getaddrinfo",
    "socket.gethostbyname",
    "socket.gethostbyname_ex",
    "socket.gethostbyaddr",
    "socket.sendto",
    "socket.sendmsg",
    "socket.bind",
    "urllib.Request",
}
_installed = False


def _hook(event: str, args: tuple) -> None:
    if event in BLOCKED:
        raise PermissionError(
            f"network access refused ({event}): checks and builds never open a connection (SECURITY.md)"
        )


def forbid_network() -> None:
    """Refuse every socket operation in this process from now on (audit hooks cannot be removed)."""
    global _installed
    if not _installed:
        sys.addaudithook(_hook)
        _installed = True
