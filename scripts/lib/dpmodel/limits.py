"""How large a package may be, so that every CI step on any contribution ends in bounded time and
memory (SECURITY.md). A file over its limit is refused with a message before it is parsed, and so is a table with
too many rows or cells.

The defaults admit the real package (under 1 MB) hundreds of times over; they are set so that the
slowest step, Frictionless reading every row, ends within the 60 s bound on a 2-core machine
(BENCHMARKS-hostile.md). `Limits.large()` (validate.py --large) is for benchmarks of trusted,
generated packages only.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

MiB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    descriptor_bytes: int = 2 * MiB  # datapackage.json (the 1M-row synthetic package's is 1.8 MB)
    schema_bytes: int = 256 * 1024  # each Table Schema
    table_bytes: int = 32 * MiB  # each CSV
    tables_bytes: int = (
        64 * MiB
    )  # all CSVs together: Frictionless's row pass (make frictionless) takes about 35 s on that
    # Rows and cells, counted on the bytes (lines, times the header's fields) before anything is
    # parsed: bytes alone do not bound the work, since 32 MiB of `,,` lines is 11 million empty
    # rows (144 s and 13 GB of validation before these limits; 1 Mi of them takes 13 s and 1 GB).
    table_rows: int = 500_000  # each table (the largest real one has a few hundred)
    table_cells: int = 2_000_000  # each table: rows times fields (1M rows of 10 empty cells passed 2 GiB)
    text_bytes: int = (
        256 * 1024
    )  # each article text (the longest real one is 29 KB): every excerpt is searched in its text
    texts_bytes: int = 64 * MiB  # all article texts together

    @classmethod
    def large(cls) -> "Limits":
        base = cls()
        return replace(base, **{name: value * 100 for name, value in vars(base).items()})


DEFAULT = Limits()


def size(n: int) -> str:
    return f"{n / MiB:.1f} MiB" if n >= MiB else f"{n:,} bytes"
