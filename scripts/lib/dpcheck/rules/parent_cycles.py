"""A self-referencing foreign key (no keyword of its own: foreignKeys): no row is its own ancestor
through it (a parent event, a parent organisation); a → b → a and a → a are refused, naming the
cycle. A key refers back to its own table when it points at the table's primary key, or at the
same target as the primary key does (organisations.parent_id and organisation_id both point at
actors)."""

from __future__ import annotations

import polars as pl

from dpmodel.csvfile import Table
from dpmodel.descriptor import foreign_keys as schema_foreign_keys
from dpmodel.problems import Problem

from ._rows import rows_where

SCOPE = "table"
KEYWORDS: dict = {}
FIELD_KEYWORDS: dict = {}
CODES = {
    "row-cycle": (
        "No row may be its own ancestor through a parent field (a parent event, a parent organisation).",
        "Correct a parent ID in the cycle the message names so the chain ends.",
    ),
}


def check(tables: dict[str, Table]) -> list[Problem]:
    problems = []
    for table in tables.values():
        pk = table.resource.primary_key
        keys = schema_foreign_keys(table.resource.schema, table.name)
        own = {(table.name, tuple(pk))} | {(fk.resource, tuple(fk.ref_fields)) for fk in keys if fk.fields == pk}
        for fk in keys:
            if len(fk.fields) != 1 or len(pk) != 1 or fk.fields == pk or (fk.resource, tuple(fk.ref_fields)) not in own:
                continue
            child, parent = fk.fields[0], pk[0]
            links = table.frame.select(child_key=pl.col(parent), parent_key=pl.col(child)).drop_nulls()
            parent_of = dict(links.iter_rows())
            for cycle in cycles(parent_of):
                first = cycle[0]
                number = next(n for n, _ in rows_where(table, pl.col(parent) == first))
                problems.append(
                    Problem(
                        table.path,
                        number,
                        child,
                        f"{' → '.join(map(repr, cycle + [first]))} is a cycle: "
                        f"no row may be its own ancestor through {child}",
                        code="row-cycle",
                    )
                )
    return problems


def cycles(parent_of: dict[str, str]) -> list[list[str]]:
    """Each cycle of a parent map once, as a list starting at its smallest member."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    found = []
    for start in sorted(parent_of):
        path, node = [], start
        while node is not None and state.get(node) is None:
            state[node] = 1
            path.append(node)
            node = parent_of.get(node)
        if node is not None and state.get(node) == 1:
            cycle = path[path.index(node) :]
            at = cycle.index(min(cycle))
            found.append(cycle[at:] + cycle[:at])
        for visited in path:
            state[visited] = 2
    return found
