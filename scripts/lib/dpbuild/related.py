"""What a row's page lists about the rows that point at it (dpsite/plugins/related.py), read from
the schemas' keys: an event's participants by role, its statements and sub-events; an actor's
name forms, posts, events and statements; an organisation's members and chairs over time.

For each table, every foreign key of another table that points at it is one list, headed by the
key field's x-related-title ("Statements it made"), else by the pointing table's title. Its rows
are drawn with
- `group`: the first of the pointing table's facets (x-datasette) that is a key to a lookup list (a
  participant's role, a post's role, a statement's kind), whose labels head the list's parts, in
  the lookup list's own order, the groups its boolean field marks (a role whose actor was not
  there) apart and last;
- `far`: its other keys to tables that are not lookup lists (the actor of a participation, the
  organisation of a post, on whose behalf), each as a link with its label;
- `caption`: the row's own words: its label column, else its prose columns (a statement's quote
  and translation), else its first plain text field;
- `dates`: its reduced dates (x-reduced-date), as the CSV writes them;
- `via`: for a row of a table that link rows name with no role (a statement, named by its
  speakers' rows), the labels that the first such list gives it ("Speakers: …"), read at run time.
Citations and caveats (x-record-reference) are not listed: the page's evidence shows them.
A table with an x-same-as field also lists the other rows of the same thing (the other reports of
one utterance). Nothing here names a table."""

from __future__ import annotations

from dpmodel.descriptor import foreign_keys, primary_key

from .typed import TypedTable


def is_lookup(schema: dict) -> bool:
    """A lookup list: a table whose label column is its `label` field, as every vocab_* schema declares."""
    return schema.get("x-datasette", {}).get("label_column") == "label"


def caption_columns(table: TypedTable, wide: list[str]) -> list[str]:
    """The columns that say what a row is, in words (see the module's docstring)."""
    label = table.schema.get("x-datasette", {}).get("label_column")
    if label:
        return [label]
    if wide:
        return wide[:2]
    keyed = {f for fk in foreign_keys(table.schema, table.name) for f in fk.fields}
    pk = primary_key(table.schema)
    for field in table.schema["fields"]:
        name = field["name"]
        plain = field.get("type", "string") == "string" and not field.get("x-derived-from")
        if plain and name not in keyed and pk != [name] and not field.get("x-reduced-date"):
            return [name]
    return []


def _apart_field(lookup: TypedTable) -> str | None:
    """A lookup list's boolean field, true for the groups listed apart and last (a participant
    role whose actor was not there), or None."""
    return next((f["name"] for f in lookup.schema["fields"] if f.get("type") == "boolean"), None)


def _title(schema: dict, name: str) -> str:
    return schema.get("title", name)


def related(tables: list[TypedTable], wide: dict[str, list[str]]) -> dict:
    """table -> the lists its row pages show (module docstring), and each table's captions."""
    by_name = {t.name: t for t in tables}
    lookups = {t.name for t in tables if is_lookup(t.schema)}
    lists: dict[str, list[dict]] = {t.name: [] for t in tables}
    for other in tables:
        if other.schema.get("x-record-reference"):  # citations and caveats: the page's evidence shows them
            continue
        same = {f["name"] for f in other.schema["fields"] if f.get("x-same-as")}  # listed apart, below
        fks = [fk for fk in foreign_keys(other.schema, other.name) if len(fk.fields) == 1 and fk.fields[0] not in same]
        facets = other.schema.get("x-datasette", {}).get("facets", [])
        group = next((fk for c in facets for fk in fks if fk.fields == [c] and fk.resource in lookups), None)
        for fk in fks:
            target = by_name.get(fk.resource)
            if target is None or fk.resource in lookups or len(primary_key(target.schema)) != 1:
                continue
            field = next(f for f in other.schema["fields"] if f["name"] == fk.fields[0])
            title = field.get("x-related-title")
            if not title:  # the table's title, and which of its keys when there is a choice
                title = _title(other.schema, other.name)
                if sum(f.resource == fk.resource for f in fks) > 1 or other.name == fk.resource:
                    title += f" (as {fk.fields[0].removesuffix('_id').replace('_', ' ')})"
            lists[fk.resource].append(
                {
                    "title": title,
                    "table": other.name,
                    "column": fk.fields[0],
                    "key": fk.ref_fields[0],
                    "pk": primary_key(other.schema),
                    "group": {
                        "column": group.fields[0],
                        "table": group.resource,
                        "key": group.ref_fields[0],
                        "apart": _apart_field(by_name[group.resource]),
                    }
                    if group
                    else None,
                    "far": [
                        {
                            "column": f.fields[0],
                            "table": f.resource,
                            "key": f.ref_fields[0],
                            "title": f.fields[0].removesuffix("_id").replace("_", " "),
                        }
                        for f in fks
                        if f is not fk and f.resource not in lookups and f.resource in by_name
                    ],
                    "caption": caption_columns(other, wide.get(other.name, [])),
                    "dates": [f["name"] for f in other.schema["fields"] if f.get("x-reduced-date")],
                }
            )
    same_as = {
        t.name: {"field": f["name"], "title": f.get("x-related-title") or "Other rows of the same"}
        for t in tables
        for f in t.schema["fields"]
        if f.get("x-same-as")
    }
    captions = {t.name: caption_columns(t, wide.get(t.name, [])) for t in tables if t.name not in lookups}
    return {"lists": {k: v for k, v in lists.items() if v}, "same_as": same_as, "captions": captions}
