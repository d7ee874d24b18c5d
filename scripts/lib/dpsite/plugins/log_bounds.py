"""Every line the site writes to its log is at most MAX_LINE characters.

Datasette 0.65 writes the full SQL and parameters of every failed query to stderr
(database.py: "ERROR: conn=…, sql = …, params = …"), uvicorn's access log writes the full request
target to stdout, and error messages may quote a visitor's input: a probe wrote lines of 200 KB.
Rather than patch each call site, the process's stdout and stderr are replaced, when Datasette
loads this plugin (before uvicorn configures its log handlers on `ext://sys.stderr` and
`ext://sys.stdout`), by streams that cut each line: its first HEAD characters, " … ", its last
TAIL (where the error message is). Logging handlers made earlier on the original streams are
pointed at the bounded ones. Memory per line is bounded too: only the head and tail are kept.
"""

from __future__ import annotations

import logging
import sys
import threading

HEAD = 300
TAIL = 100
CUT = " … "
MAX_LINE = HEAD + len(CUT) + TAIL


class BoundedLines:
    """A text stream that forwards whole lines, each cut to MAX_LINE characters, to another.
    Datasette writes from its SQL threads too, hence the lock."""

    bounds_lines = True

    def __init__(self, stream):
        self.stream = stream
        self._lock = threading.Lock()
        self._reset()

    def _reset(self) -> None:
        self._pieces: list[str] = []  # the whole line, while it is at most MAX_LINE long
        self._length = 0
        self._head = self._tail = ""  # once it is longer: its first HEAD and last TAIL characters

    def write(self, text: str) -> int:
        with self._lock:
            lines = text.split("\n")
            for i, piece in enumerate(lines):
                self._add(piece)
                if i < len(lines) - 1:
                    self.stream.write(self._line() + "\n")
                    self._reset()
        return len(text)

    def _add(self, piece: str) -> None:
        if self._length + len(piece) <= MAX_LINE:
            self._pieces.append(piece)
        elif self._length <= MAX_LINE:  # the line becomes too long here: keep its ends only
            line = "".join(self._pieces)
            self._head = (line + piece[:HEAD])[:HEAD]
            self._tail = (line[-TAIL:] + piece[-TAIL:])[-TAIL:]
            self._pieces = []
        else:
            self._tail = (self._tail + piece[-TAIL:])[-TAIL:]
        self._length += len(piece)

    def _line(self) -> str:
        return "".join(self._pieces) if self._length <= MAX_LINE else self._head + CUT + self._tail

    def flush(self) -> None:
        self.stream.flush()

    def close(self) -> None:
        with self._lock:
            if self._length:
                self.stream.write(self._line())
                self._reset()
        self.stream.flush()

    def __getattr__(self, name):  # encoding, fileno, isatty, buffer…: those of the stream below
        return getattr(self.stream, name)


def install() -> None:
    """Bound sys.stdout and sys.stderr (once), and every logging handler that writes to them."""
    for name in ("stdout", "stderr"):
        original = getattr(sys, name)
        if getattr(original, "bounds_lines", False):  # already bounded (by another import of this file)
            continue
        bounded = BoundedLines(original)
        setattr(sys, name, bounded)
        loggers = [logging.getLogger()] + [logging.getLogger(n) for n in list(logging.root.manager.loggerDict)]
        for logger in loggers:
            for handler in getattr(logger, "handlers", []):
                if isinstance(handler, logging.StreamHandler) and handler.stream is original:
                    handler.setStream(bounded)


install()
