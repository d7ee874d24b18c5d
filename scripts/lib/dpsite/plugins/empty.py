"""An empty answer says why. When a canned query returns no rows, its page checks each input as
the query's metadata describes it (an actor's name, a date, a year, a table and row) and says
which one matches nothing, or else what no rows means for that question. The inputs and the
sentences come from dpbuild/queries.py through the metadata the build writes."""

from __future__ import annotations

import difflib
import re

from datasette import hookimpl

from dpmodel.names import fold
from dpsite import site_sql
from dpsite.datasette_internals import escape_sqlite

DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
YEAR = re.compile(r"\d{4}")


async def _match_sql(db, kind: str, values: dict[str, str], param: str) -> str | None:
    """The EXISTS that says whether an input of this kind matches anything, or None if its kind is
    judged by its form alone (or its table does not exist: the table input says so)."""
    if kind in site_sql.MATCHES:
        return site_sql.MATCHES[kind].format(p=param)
    table = values.get("table")
    if kind == "row" and table and table in await db.table_names():
        keys = await db.primary_keys(table) or ["rowid"]
        key_sql = " || '/' || ".join(escape_sqlite(k) for k in keys)
        return f"EXISTS (SELECT 1 FROM {escape_sqlite(table)} WHERE {key_sql} = :{param})"
    return None


async def _matching(db, inputs: dict[str, str], values: dict[str, str]) -> dict[str, bool]:
    """For each non-empty input checked against the data, whether it matches anything: one query."""
    asked = {}
    for name, kind in inputs.items():
        sql = await _match_sql(db, kind, values, f"p{len(asked)}") if values[name] != "" else None
        if sql:
            asked[name] = sql
    if not asked:
        return {}
    row = (
        await db.execute("SELECT " + ", ".join(asked.values()), {f"p{i}": values[name] for i, name in enumerate(asked)})
    ).rows[0]
    return {name: bool(found) for name, found in zip(asked, row)}


async def _nearest(db, value: str, most: int = 5) -> list[str]:
    """The name forms nearest to a name that matches none (difflib's ratio on the folded forms)."""
    forms = (await db.execute(site_sql.ACTOR_FORM_LIST)).rows
    by_folded = {folded: form for form, folded in forms}
    close = difflib.get_close_matches(fold(value) or "", list(by_folded), n=most, cutoff=0.5)
    return [f"“{by_folded[folded]}”" for folded in close]


def problem(kind: str, name: str, value: str, values: dict, matching: dict[str, bool]) -> str | None:
    """Why one input can match nothing, or None when it is fine (an empty input means 'any');
    `matching` says which inputs checked against the data match something."""
    if value == "":
        return None
    if kind == "actor" and not matching[name]:
        nearest = values.get(f"_nearest_{name}") or []
        suggestion = f" The nearest name forms: {', '.join(nearest)}." if nearest else ""
        return (
            f"{name}: no actor is called “{value}” in any of the name forms the articles use (a name is matched "
            f"whole, case and accents ignored, never as a part of a longer name).{suggestion}"
        )
    if kind == "date" and not DATE.fullmatch(value):
        return f"{name}: “{value}” is not a date written YYYY-MM-DD."
    if kind == "year" and not YEAR.fullmatch(value):
        return f"{name}: “{value}” is not a year written YYYY."
    if kind == "within" and value not in ("certainly", "may"):
        return f"{name}: “{value}” is neither certainly nor may."
    if kind == "caveat_kind" and not matching[name]:
        return f"{name}: no kind of caveat that says a claim is doubtful or contradicted is called “{value}”."
    if kind == "table" and not matching[name]:
        return f"{name}: no citation names a row of a table called “{value}”."
    if kind == "row" and matching.get(name) is False:
        return (
            f"{name}: {values['table']} has no row “{value}” (a composite key is written with '/' between its parts)."
        )
    return None


@hookimpl
def extra_template_vars(view_name, request, datasette, database):
    # A canned query is served by the table view, so view_name is "table" there.
    if view_name not in ("query", "table") or not database or request is None:
        return {}
    query = request.url_vars.get("table")
    spec = (datasette.metadata("empty_results") or {}).get(query or "")
    if not spec:
        return {}

    async def empty_why():
        db = datasette.get_database(database)
        values = {name: request.args.get(name, "") for name in spec["inputs"]}
        matching = await _matching(db, spec["inputs"], values)
        for name, kind in spec["inputs"].items():
            if kind == "actor" and values[name] and not matching.get(name, True):
                values[f"_nearest_{name}"] = await _nearest(db, values[name])
        reasons = [problem(kind, name, values[name], values, matching) for name, kind in spec["inputs"].items()]
        return [r for r in reasons if r] or [spec["empty"]]

    async def names_read():
        """How each name given was read: the actors it stands for and the name form it matched,
        saying so when one name stands for several actors."""
        db = datasette.get_database(database)
        notes = []
        for name, kind in spec["inputs"].items():
            value = request.args.get(name, "")
            if kind != "actor" or not value:
                continue
            rows = (await db.execute(site_sql.ACTORS_NAMED, {"name": value})).rows
            actors = [(r["actor_id"], r["name"], r["form"]) for r in rows]
            if actors and not (
                len(actors) == 1 and actors[0][1].casefold() == value.casefold()
            ):  # no "Armenia read as Armenia"
                notes.append(reading(name, value, actors))
        return notes

    return {"empty_why": empty_why, "names_read": names_read}


def reading(name: str, value: str, actors: list[tuple[str, str, str]]) -> dict:
    """One input's note: which actors "value" stands for, through which of their name forms."""
    labels = list(dict.fromkeys(label for _, label, _ in actors))
    forms = list(dict.fromkeys(form for _, _, form in actors))
    plain = forms == labels or [f.casefold() for f in forms] == [value.casefold()]  # the form is what was typed
    through = "" if plain else f" (the name form “{'”, “'.join(forms)}”)"
    if len(labels) > 1:
        text = (
            f"{name}: “{value}” is a name of {len(labels)} actors, {', '.join(labels)}{through}; "
            "the answer includes each of them."
        )
    else:
        text = f"{name}: “{value}” was read as {labels[0]}{through}."
    return {"text": text, "ambiguous": len(labels) > 1}
