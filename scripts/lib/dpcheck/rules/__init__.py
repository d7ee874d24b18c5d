"""The rules beyond Frictionless and pandera: one module per profile keyword, found by this registry.

A rule module declares, beside its code:
- `KEYWORDS` and `FIELD_KEYWORDS`: the profile keywords it implements on a Table Schema and on a
  field, each with its JSON Schema fragment. `make codebook` assembles them with
  `schemas/profile/table-schema.core.json` into `schemas/profile/table-schema.json` (profile_parts.py).
  A property that names a field, a table, a column or a reduced date carries an `x-names`
  annotation in its fragment, and the package's loader resolves every such name with one walk
  (dpmodel/names.py), so a keyword's names are checked before any rule reads them.
- `CODES`: {code: (meaning, fix)}, every code its problems carry (CONTRIBUTING.md lists them).
- `SCOPE`: "table" (each table on its own; always runs), "package" (across tables: runs only once
  every file could be read, since a broken file would only echo as false dangling keys or missing
  citations), "text" (against the article texts), or "texts" (the one rule that reads the texts,
  checks them against their hashes and hands them to the "text" rules).
- `check(tables)` ("text": `check(tables, texts)`), returning its problems.

A new rule is a new module here and its tests in tests/rules/: nothing else lists it. The
validator (checks.py) runs what this registry finds, each rule on its own, so one failing rule is
reported as such and the others still run.
"""

from __future__ import annotations

import importlib
import pkgutil

SCOPES = ("table", "package", "texts", "text")

# Every rule module's name (not the helpers, whose names start with "_"), in a fixed order.
MODULES = tuple(sorted(m.name for m in pkgutil.iter_modules(__path__) if not m.name.startswith("_")))
RULES = tuple(importlib.import_module(f"{__name__}.{name}") for name in MODULES)


def of_scope(scope: str) -> list:
    """The rule modules of one scope."""
    return [module for module in RULES if module.SCOPE == scope]


def name_of(module) -> str:
    """A rule's name in messages: its module's."""
    return module.__name__.rsplit(".", 1)[-1]


for _module in RULES:
    if _module.SCOPE not in SCOPES:
        raise ValueError(f"rule {name_of(_module)}: SCOPE {_module.SCOPE!r} is not one of {', '.join(SCOPES)}")
if len(of_scope("texts")) != 1:
    raise ValueError("exactly one rule reads the article texts (SCOPE 'texts')")
