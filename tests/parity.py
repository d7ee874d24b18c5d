"""The validator without Frictionless's row pass finds everything that pass finds: the helpers
test_hostile (every hostile case, on the report it has just checked) and test_frictionless_parity
(every dangling key at once, and a check that the comparison can fail) share.

By default the validator has Frictionless check the descriptor only, and enforces the Table
Schemas itself (pandera and the rules, on Polars): `frictionless validate` reads rows one by one
in Python, several times slower than the whole validator. That is safe only while every error
Frictionless finds in a broken package is also found without it, at the same file and row.
"""

from __future__ import annotations

import hashlib
import json
import re
import warnings

from frictionless import FrictionlessException, Package
from frictionless import validate as frictionless_validate

from conftest import ROOT
from dpcheck import frictionless_check, validate
from dpmodel import csvfile, descriptor, limits, safe_open

_WHERE = re.compile(r"^(\S+?)(?::(\d+))?(?::? )")


def findings_in(report: str) -> set[tuple[str, int | None]] | None:
    """(file, row) of each line of a printed report, or None when the report lists only some of
    its problems (a long file's lines are counted, not shown)."""
    if "… and " in report:
        return None
    found = set()
    for line in report.splitlines():
        match = _WHERE.match(line)
        if match and not line.startswith(("FAILED:", "OK:")):
            found.add((match.group(1), int(match.group(2)) if match.group(2) else None))
    return found


def frictionless_findings(pkg) -> set[tuple[str, int | None]]:
    """(file, row) of each error `frictionless validate` reports; row None for a file-level error.

    A file the validator's reader refuses (bad encoding, header, ragged or split rows) is refused
    whole, so Frictionless's row errors in it, and its dangling keys into it from other tables,
    are echoes of that one problem and are left out."""
    package, _ = descriptor.load(pkg.descriptor)
    unreadable = {r.path for r in package.tables() if _refused(r)}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        names = affected(pkg, package)
        if names is None:
            report = frictionless_validate(str(pkg.descriptor))
            tasks, errors = report.tasks, report.errors
        else:
            # Package.validate(name=...) would check the whole descriptor again for each name.
            whole = Package(str(pkg.descriptor))
            try:
                whole.to_descriptor(validate=True)
                tasks, errors = (
                    [task for name in sorted(names) for task in whole.get_resource(name).validate().tasks],
                    [],
                )
            except FrictionlessException as exception:
                tasks, errors = [], exception.to_errors()
    found = set()
    for task in tasks:
        path = package.resources[task.name].path if task.name in package.resources else package.descriptor_name
        if path in unreadable:
            continue
        echoes = frictionless_check.reads_unreadable(package, package.resources.get(task.name), unreadable)
        found |= {
            (path, getattr(error, "row_number", None))
            for error in task.errors
            if not (echoes and (error.type == "foreign-key" or getattr(error, "row_number", None) is None))
        }
    return found | {(package.descriptor_name, None) for _ in errors}


_REFUSED: dict[tuple, bool] = {}


def _refused(resource) -> bool:
    """Whether the validator's reader refuses a table's file (csvfile.read), parsed once per
    distinct input: a hostile case changes a table or two, and the twenty-odd others, the same bytes
    under the same schema, were parsed again for every case. A file the reader cannot even open
    (a link, too large) is asked about anew each time."""
    most = getattr(resource, "limits", limits.DEFAULT)
    try:
        data = safe_open.read_at(resource.file, resource.path, most.table_bytes)
    except Exception:  # noqa: BLE001 - refused before parsing: as the reader itself says
        return bool(csvfile.read(resource)[1])
    key = (
        resource.name,
        resource.path,
        json.dumps(resource.schema),
        repr(most),
        hashlib.blake2b(data).digest(),
    )
    if key not in _REFUSED:
        _REFUSED[key] = bool(csvfile.read(resource)[1])
    return _REFUSED[key]


def affected(pkg, package) -> set[str] | None:
    """The resources whose Frictionless report can differ from the real package's, which
    Frictionless accepts whole (test_cli): those whose data or schema file changed, and those with a
    foreign key into one of them (the only other file a resource's check reads). None when the
    descriptor itself changed or did not load: then every resource is validated.

    This keeps the comparison exact while the 52 hostile cases put to Frictionless validate a table
    or two each instead of the whole package (about 1.9 s a case before)."""
    if package is None or pkg.descriptor.read_bytes() != (ROOT / "datapackage.json").read_bytes():
        return None

    def changed(path: str | None) -> bool:
        if path is None:
            return False
        ours, real = pkg.root / path, ROOT / path
        return not real.is_file() or not ours.is_file() or ours.read_bytes() != real.read_bytes()

    names = {
        res["name"]
        for res in package.descriptor["resources"]
        if changed(res.get("path")) or (isinstance(res.get("schema"), str) and changed(res["schema"]))
    }
    names |= {
        t.name for t in package.tables() for fk in descriptor.foreign_keys(t.schema, t.name) if fk.resource in names
    }
    return names


def our_findings(pkg) -> set[tuple[str, int | None]]:
    problems, _ = validate.validate(pkg.descriptor)
    return {(p.file, p.row) for p in problems}


def assert_parity(pkg, ours: set[tuple[str, int | None]] | None = None) -> None:
    """Frictionless's findings are among ours (`ours` from a report just printed, else found anew)."""
    ours = ours if ours is not None else our_findings(pkg)
    files = {file for file, _ in ours}
    missed = sorted(
        (file, row)
        for file, row in frictionless_findings(pkg)
        if (file, row) not in ours and not (row is None and file in files)
    )
    assert not missed, (
        f"frictionless found errors the validator missed: {missed}; the validator found {sorted(ours)[:20]}"
    )
