"""What an article text is: the one grammar the validator (rules/texts.py), make add-article and
make draft hold a text to, so that whatever enters the package can be cited verbatim.

A text is UTF-8 without a byte-order mark, in Unicode NFC (the form every CSV cell is kept in, so
an excerpt copied from it matches), with lines ending in a line feed and no other control
character (a carriage return, a tab or a NUL cannot stand in a cell, so an excerpt holding one
could never be recorded), and none of the invisible characters no cell may hold (characters.py).
"""

from __future__ import annotations

import re
import unicodedata

from .characters import INVISIBLE, INVISIBLE_CLASS

# Control characters (Unicode category Cc) but the line feed, and the invisible characters.
NOT_IN_TEXT = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f" + INVISIBLE_CLASS + "]")


class NotPlain(ValueError):
    """Why the bytes are not an article text: `code` (a rule code) and the message."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code


def decode(data: bytes) -> str:
    """The text the bytes hold, or NotPlain saying what is wrong and where."""
    if data.startswith(b"\xef\xbb\xbf"):
        raise NotPlain("article-encoding", "starts with a byte-order mark (U+FEFF); save it as UTF-8 without BOM")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise NotPlain("article-encoding", f"is not valid UTF-8 (byte {exc.start:,}); save it as UTF-8") from None
    found = NOT_IN_TEXT.search(text)  # one scan, in C
    bad = found.start() if found and found.group() not in INVISIBLE else None
    if bad is not None:
        line = text.count("\n", 0, bad) + 1
        what = {"\r": "a carriage return (save it with LF line endings)", "\t": "a tab"}.get(
            text[bad], f"the control character U+{ord(text[bad]):04X}"
        )
        raise NotPlain("article-control", f"line {line} holds {what}; a text holds no control character but LF")
    hidden = found.start() if found else None
    if hidden is not None:
        line, ch = text.count("\n", 0, hidden) + 1, text[hidden]
        raise NotPlain(
            "article-control",
            f"line {line} holds {INVISIBLE[ch]} U+{ord(ch):04X}, which no excerpt may hold; delete it",
        )
    if not unicodedata.is_normalized("NFC", text):
        line = next(n for n, part in enumerate(text.split("\n"), 1) if not unicodedata.is_normalized("NFC", part))
        raise NotPlain(
            "article-not-nfc",
            f"line {line} is not in Unicode NFC (an accented letter written as two characters); "
            'save the text in NFC, e.g. python3 -c "import sys,unicodedata;'
            "sys.stdout.write(unicodedata.normalize('NFC',sys.stdin.read()))\" < in.txt > out.txt",
        )
    if not text.strip():
        raise NotPlain("article-empty", "is empty")
    return text
