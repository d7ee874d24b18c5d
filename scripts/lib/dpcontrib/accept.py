"""`make accept SOURCE=<source_id>`: move the drafted rows a contributor kept into data/.

A draft (dpcontrib/draft.py) is drafts/<source_id>/<table>.csv: a `keep` column, then the
table's own columns. A row marked `yes` moves into data/<table>.csv in canonical form, with a
fresh ID in place of its provisional one (draft-event-1 becomes the slug of its title and date,
draft-statement-2 of its speaker, its first words and its date, draft-actor-x of its name; a
number is added if the ID is taken), and every kept row that names it (participants, speakers,
aliases, citations) is rewritten to match. A row marked `no` is dropped; a row not yet marked
stays in the draft, naming accepted rows by their fresh IDs (a review may take several rounds).
Nothing moves if a kept row names a proposal that is not kept, if a `keep` cell holds anything
but yes or no, if a kept cell breaks a cell rule, or if make check would refuse the package with
the rows in place (checked on a copy); otherwise every file is written, or none.

`make check` reports the proposals of every draft still waiting for a decision (review_status).
"""

from __future__ import annotations

import argparse
import collections
import csv
import io
import os
import re
import tempfile
from pathlib import Path

from dpmodel import csvfile, descriptor, safe_open

from . import cells, ids
from .draft import DRAFTS, KEEP, TABLES
from .draft import fold_same_length as fold

SOURCE_ID = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")
PROVISIONAL = re.compile(r"^draft-(?:actor|event|statement)-[a-z0-9-]+$")
DECISIONS = {"yes", "no", ""}
ID_WORDS = 6
INTERRUPTED = "ACCEPTING"  # in the draft folder while accept writes
MAX_SLUG = 80  # characters from the words; with a date and a number an ID stays short


class Refused(Exception):
    pass


def references(resource) -> list[str]:
    """The columns of a table where a provisional ID may stand: its key, its foreign keys and a
    record reference's ID (read from its schema)."""
    schema = resource.schema
    columns = list(resource.primary_key)
    columns += [f for fk in descriptor.foreign_keys(schema, resource.name) for f in fk.fields]
    if spec := schema.get("x-record-reference"):
        columns.append(spec["id_field"])
    return list(dict.fromkeys(columns))


def read_draft(package, folder: Path) -> dict[str, list[tuple[int, dict]]]:
    """Each drafted table's rows with their line numbers, checked: the header is `keep` and the
    table's columns, and every keep cell is yes, no or empty. A file is read as the package's own
    are (dpmodel.safe_open: no link, a regular file, within the table limit)."""
    found = {}
    for table in TABLES:
        path = f"{DRAFTS}/{folder.name}/{table}.csv"
        if not os.path.lexists(folder / f"{table}.csv"):
            continue
        if table not in package.resources:
            raise Refused(f"{path}: the package has no table {table}; remove the file")
        try:
            text = safe_open.read(package.root, path, package.limits.table_bytes).decode("utf-8")
        except safe_open.Refused as exc:
            raise Refused(f"{path}: {exc}") from None
        except UnicodeDecodeError as exc:
            raise Refused(f"{path}: is not valid UTF-8 (byte {exc.start:,}); save it as UTF-8") from None
        if text.startswith("\ufeff"):
            raise Refused(f"{path}:1: starts with a byte-order mark (U+FEFF); save it as UTF-8 without BOM")
        reader = csv.reader(io.StringIO(text, newline=""))
        try:
            records = list(reader)
        except csv.Error as exc:  # a NUL, a cell over the csv module's limit
            raise Refused(f"{path}:{reader.line_num}: cannot be read as CSV ({exc})") from None
        expected = [KEEP, *package.resources[table].field_names]
        if not records or records[0] != expected:
            raise Refused(f"{path}:1: the header must be {','.join(expected)}")
        rows = []
        for number, record in enumerate(records[1:], start=2):
            if len(record) != len(expected):
                raise Refused(f"{path}:{number}: has {len(record)} cells, the header {len(expected)}")
            row = dict(zip(expected, record))
            if row[KEEP].strip().lower() not in DECISIONS:
                raise Refused(f"{path}:{number} keep: {row[KEEP][:40]!r} is not yes or no (or empty: not decided yet)")
            row[KEEP] = row[KEEP].strip().lower()
            rows.append((number, row))
        found[table] = rows
    return found


def review_status(root: Path) -> list[str]:
    """One line per draft that still has proposals with no decision (for make check)."""
    lines = []
    drafts = root / DRAFTS
    if not drafts.is_dir() or drafts.is_symlink():
        return lines
    package, _ = descriptor.load(root / "datapackage.json")
    if package is None:
        return lines
    for folder in sorted(p for p in drafts.iterdir() if p.is_dir() and not p.is_symlink()):
        if not SOURCE_ID.fullmatch(folder.name):  # its name is never printed as it is: it could hold anything
            lines.append(f"{DRAFTS}/{folder.name!a}: not named as a source ID; remove it")
            continue
        try:
            draft = read_draft(package, folder)
        except Refused as exc:
            lines.append(f"{exc}")
            continue
        for table, rows in draft.items():
            waiting = [n for n, r in rows if not r[KEEP]]
            if waiting:
                shown = ", ".join(map(str, waiting[:10])) + (" …" if len(waiting) > 10 else "")
                lines.append(
                    f"{DRAFTS}/{folder.name}/{table}.csv: {len(waiting)} of {len(rows)} proposals not reviewed yet "
                    f"(rows {shown}): write yes or no in keep, then make accept SOURCE={folder.name}"
                )
    return lines


def _existing_ids(package, table: str) -> set[str]:
    resource = package.resources.get(table)
    if resource is None:
        return set()
    key = resource.primary_key
    if len(key) != 1:
        return set()
    loaded, _ = csvfile.read(resource)
    return {r[key[0]] for r in loaded.rows} if loaded else set()


def _fresh(base: str, taken: set[str], tried: dict[str, int]) -> str:
    """`base`, or base-2, base-3 … the first not taken; `tried` remembers where each base's count
    stopped, so a thousand rows of one name take a thousand steps, not a million."""
    n = tried.get(base, 1)
    candidate = base if n == 1 else f"{base}-{n}"
    while candidate in taken:
        n += 1
        candidate = f"{base}-{n}"
    tried[base] = n
    taken.add(candidate)
    return candidate


KEYS = {"actors": "actor_id", "events": "event_id", "statements": "statement_id"}  # what a draft proposes anew


def provisional_ids(package, draft: dict[str, list[tuple[int, dict]]]) -> set[str]:
    """The IDs the draft itself proposes (draft-actor-…, draft-event-…, draft-statement-… on its
    own rows), and not IDs the package already has: a real ID that happens to look provisional
    stays as it is."""
    found = set()
    for table, key in KEYS.items():
        existing = _existing_ids(package, table)
        found |= {r[key] for _, r in draft.get(table, []) if PROVISIONAL.match(r[key]) and r[key] not in existing}
    return found


def fresh_ids(package, kept: dict[str, list[dict]], provisional: set[str], notes: list[str]) -> dict[str, str]:
    """Provisional ID -> fresh ID, for every kept actor, event and statement; a note in `notes`
    for a new actor named as one the package has (two drafts may each propose the same person)."""
    mapping: dict[str, str] = {}
    taken = {t: _existing_ids(package, t) for t in KEYS}
    tried: dict[str, dict[str, int]] = {t: {} for t in taken}
    actors = package.resources.get("actors")
    named = {}
    if actors is not None and (loaded := csvfile.read(actors)[0]) is not None:
        named = {fold(r.get("name") or ""): r["actor_id"] for r in loaded.rows if r.get("name")}
    for row in kept.get("actors", []):
        if row["actor_id"] in provisional:
            mapping[row["actor_id"]] = _fresh(
                ids.slug(row.get("name") or row["actor_id"][12:], most_words=ID_WORDS, most_chars=MAX_SLUG) or "actor",
                taken["actors"],
                tried["actors"],
            )
            if (same := named.get(fold(row.get("name") or ""))) is not None:
                notes.append(
                    f"data/actors.csv: {mapping[row['actor_id']]} is named {row.get('name')!r} like {same}; if they are "
                    f"one actor, keep {same} (make draft again: it is known now) instead"
                )
    for row in kept.get("events", []):
        if row["event_id"] in provisional:
            words = row.get("title") or row.get("event_type") or "event"
            base = "-".join(
                p for p in (ids.slug(words, most_words=ID_WORDS, most_chars=MAX_SLUG), row.get("start_date") or "") if p
            )
            mapping[row["event_id"]] = _fresh(base, taken["events"], tried["events"])
    speakers = {}
    for row in kept.get("statement_speakers", []):
        speakers.setdefault(row["statement_id"], row["actor_id"])
    for row in kept.get("statements", []):
        if row["statement_id"] in provisional:
            speaker = mapping.get(speakers.get(row["statement_id"], ""), speakers.get(row["statement_id"], ""))
            words = ids.slug(row.get("quote_en") or row.get("quote") or "", most_words=4, most_chars=MAX_SLUG)
            base = "-".join(p for p in (speaker, words, row.get("date") or "") if p) or "statement"
            mapping[row["statement_id"]] = _fresh(base, taken["statements"], tried["statements"])
    return mapping


def problems_after(package, writes: list[tuple[str, bytes]], stage_in: Path) -> list[str]:
    """What make check would report once `writes` are in place, beyond what it reports now: the
    files the descriptor lists copied (through safe_open, within their limits) into a folder made
    inside `stage_in`, the new tables written there, and the same validator run on the copy. So
    accept never leaves a package make check refuses (a duplicate key, a value not in its list, a
    row without its citation), whatever the cause. A problem counts as new when there are more of
    its kind (file, field, code, message) than before, so one already there hides no other."""
    from dpcheck.validate import validate  # here: only accept needs it

    def key(problem) -> tuple:  # a problem, wherever its row now stands
        return (problem.file, problem.field, problem.code, problem.message)

    before = collections.Counter(key(p) for p in validate(package.root / "datapackage.json")[0])
    files = {"datapackage.json": package.limits.descriptor_bytes}
    for r in package.resources.values():
        files[r.path] = package.limits.table_bytes if r.is_table else package.limits.text_bytes
        if r.schema_path:
            files[r.schema_path] = package.limits.schema_bytes
    with tempfile.TemporaryDirectory(prefix=".check-", dir=stage_in) as folder:
        stage = Path(folder)
        try:
            for path, most in files.items():
                (stage / path).parent.mkdir(parents=True, exist_ok=True)
                (stage / path).write_bytes(safe_open.read(package.root, path, most))
        except safe_open.Refused as exc:
            raise Refused(f"{path} {exc}; run make check first") from None
        except OSError as exc:
            raise Refused(f"the package cannot be copied to check it ({exc.strerror})") from None
        for path, data in writes:
            (stage / path).write_bytes(data)
        after = validate(stage / "datapackage.json")[0]
    new = []
    for problem in after:
        if before[key(problem)]:
            before[key(problem)] -= 1
        else:
            new.append(str(problem))
    return new


def accept(root: Path, source_id: str, notes: list[str] | None = None) -> dict[str, int]:
    """Move the kept rows; the number moved per table (and in `notes`, what the contributor should
    look at). Everything is read and checked first, and only then written: a refusal leaves data/
    and the draft as they were."""
    if len(source_id) > 200 or not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", source_id):
        raise Refused(f"{source_id[:80]!r} is no source ID")
    package, problems = descriptor.load(root / "datapackage.json")
    if package is None:
        raise Refused(
            f"datapackage.json does not load ({problems[0] if problems else 'unreadable'}); run make check first"
        )
    folder = root / DRAFTS / source_id
    if folder.is_symlink() or not folder.is_dir():
        raise Refused(f"{DRAFTS}/{source_id}/ is not a draft folder: make draft SOURCE={source_id} writes it")
    notes = [] if notes is None else notes
    marker = f"{DRAFTS}/{source_id}/{INTERRUPTED}"
    if os.path.lexists(package.root / marker):
        raise Refused(
            f"an earlier make accept of this draft was interrupted while it wrote ({marker} is there): data/ and "
            f"the draft may hold part of its rows. Compare with git diff data/ (git checkout data/ puts data/ back), "
            f"then delete {marker}"
        )
    draft = read_draft(package, folder)
    kept = {t: [r for _, r in rows if r[KEEP] == "yes"] for t, rows in draft.items()}
    provisional = provisional_ids(package, draft)
    mapping = fresh_ids(package, kept, provisional, notes)

    def fix(value: str | None) -> str | None:
        if not value:
            return value
        return "/".join(mapping.get(part, part) for part in value.split("/"))

    # Every provisional ID a kept row names must be kept itself.
    for table, rows in kept.items():
        columns = references(package.resources[table])
        for row in rows:
            for column in columns:
                for part in (row.get(column) or "").split("/"):
                    if part in provisional and part not in mapping:
                        raise Refused(
                            f"{DRAFTS}/{source_id}/{table}.csv: a kept row's {column} names {part}, which is not kept: "
                            "keep it too, or drop this row"
                        )
    writes: list[tuple[str, bytes]] = []
    moved, refused = {}, []
    for table, rows in draft.items():
        resource = package.resources[table]
        columns = references(resource)
        new = []
        for number, row in rows:
            if row[KEEP] != "yes":
                continue
            cells_of = {c: (fix(row.get(c)) if c in columns else row.get(c)) or None for c in resource.field_names}
            # A cell make check would refuse is refused here, where the contributor wrote it.
            for name, code, message in cells.problems(resource.schema["fields"], cells_of):
                refused.append(f"{DRAFTS}/{source_id}/{table}.csv:{number} {name} [{code}]: {message}")
            new.append(cells_of)
        if not new:
            continue
        loaded, _ = csvfile.read(resource)
        if loaded is None:
            raise Refused(f"{resource.path}: cannot be read; run make check first")
        merged = sorted(
            (csvfile.canonical_cells(resource.schema["fields"], r) for r in [*loaded.rows, *new]),
            key=csvfile.sort_key(loaded),
        )
        writes.append((resource.path, csvfile.render(resource.field_names, merged).encode("utf-8")))
        moved[table] = len(new)
    if refused:
        raise Refused("nothing moved; correct these cells in the draft first:\n" + "\n".join(refused[:50]))
    if not moved:
        return moved  # nothing kept: the draft stays as it is
    if introduced := problems_after(package, writes, folder):
        shown = "\n".join(f"  {line}" for line in introduced[:30])
        more = f"\n  … and {len(introduced) - 30} more" if len(introduced) > 30 else ""
        raise Refused(f"nothing moved: with these rows, make check would report:\n{shown}{more}")
    # The draft keeps only what is not decided yet, naming what was accepted by its fresh ID, so
    # a row kept in a later round still finds the row it names.
    for table, rows in draft.items():
        resource = package.resources[table]
        columns = references(resource)
        left = [{c: (fix(v) if c in columns else v) for c, v in r.items()} for _, r in rows if not r[KEEP]]
        header = [KEEP, *resource.field_names]
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(header)
        writer.writerows([[r[c] for c in header] for r in left])
        writes.append((f"{DRAFTS}/{source_id}/{table}.csv", buffer.getvalue().encode("utf-8")))
    # All or nothing (safe_open.write_files); the marker stays only if the process is killed while
    # writing, so that a second accept does not add the rows again on top of part of them.
    try:
        safe_open.create(package.root, marker, b"make accept was writing; see make accept's message\n")
        safe_open.write_files(package.root, writes)
        safe_open.write_files(package.root, [(marker, None)])
    except safe_open.Refused as exc:
        safe_open.write_files(package.root, [(marker, None)])
        raise Refused(f"nothing moved: {exc}") from None
    return moved


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("source", help="the source ID whose draft to accept")
    parser.add_argument("--package", type=Path, default=Path("."), help="the package's folder (default: here)")
    args = parser.parse_args(argv)
    try:
        with safe_open.locked(args.package):
            notes: list[str] = []
            moved = accept(args.package, args.source, notes)
    except safe_open.Refused as exc:
        print(f"accept: the package folder {exc}")
        return 1
    except Refused as exc:
        print(f"accept: {exc}")
        return 1
    if not moved:
        print(f"accept: no row of {DRAFTS}/{args.source}/ is marked yes in keep; nothing moved")
        return 1
    for table, n in moved.items():
        print(f"data/{table}.csv: {n} row{'' if n == 1 else 's'} added")
    for note in notes:
        print(f"note: {note}")
    print("Then: make fmt, make check BASE=origin/main, make coverage")
    return 0
