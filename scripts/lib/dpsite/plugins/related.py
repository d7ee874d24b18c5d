"""A row's page as a page about the thing: the rows that point at it, listed on the page in labels
(an event's participants by role with who stayed away apart, its statements and sub-events; an
actor's name forms, posts, events and statements; an organisation's members and chairs over
time), and the other reports of the same utterance. What is listed comes from the metadata the
build writes from the schemas' keys (dpbuild/related.py); this module names no table.

Each list reads at most MOST rows (it says how many more there are and links to them all), and
each label or caption is one indexed lookup, cached: a page's work is bounded whatever the data."""

from __future__ import annotations

from urllib.parse import urlencode

from datasette import hookimpl

from dpsite.datasette_internals import escape_sqlite, path_from_row_pks, tilde_decode

MOST = 100  # rows shown per list
CAPTION_LENGTH = 300  # characters of a caption drawn in a list (the row's own page has it whole)
MAX_CACHED = 10_000
_CAPTIONS: dict[tuple, list[str] | None] = {}


def _cut(text: str) -> str:
    return text if len(text) <= CAPTION_LENGTH else text[: CAPTION_LENGTH - 1].rstrip() + "…"


async def caption(db, table: str, key: str, columns: list[str], value) -> list[str] | None:
    """The caption of the row of `table` whose `key` is `value` (its label, or its prose), cached."""
    cache_key = (db.name, table, key, value)
    if cache_key not in _CAPTIONS:
        found = None
        if columns:
            select = ", ".join(escape_sqlite(c) for c in columns)
            rows = (
                await db.execute(
                    f"SELECT {select} FROM {escape_sqlite(table)} WHERE {escape_sqlite(key)} = ? LIMIT 1", [value]
                )
            ).rows
            found = [_cut(v) for v in rows[0] if isinstance(v, str) and v] if rows else None
        if len(_CAPTIONS) >= MAX_CACHED:
            _CAPTIONS.clear()
        _CAPTIONS[cache_key] = found
    return _CAPTIONS[cache_key]


def _dates(row: dict, fields: list[str]) -> str:
    shown = [row[f] for f in fields if row.get(f)]
    return " – ".join(shown[:2])


async def _items(datasette, db, spec: dict, captions: dict, rows: list[dict]) -> list[dict]:
    database = db.name
    items = []
    for row in rows:
        far = []
        for f in spec["far"]:
            value = row.get(f["column"])
            if value in (None, ""):
                continue
            words = await caption(db, f["table"], f["key"], captions.get(f["table"], []), value)
            far.append(
                {
                    "title": f["title"],
                    "text": words[0] if words else str(value),
                    "more": words[1:] if words else [],
                    "href": datasette.urls.row(
                        database, f["table"], path_from_row_pks({f["key"]: value}, [f["key"]], False)
                    ),
                }
            )
        items.append(
            {
                "group": row.get("_group"),
                "apart": bool(row.get("_apart")),
                "href": datasette.urls.row(database, spec["table"], path_from_row_pks(row, spec["pk"], False)),
                "caption": [_cut(row[c]) for c in spec["caption"] if isinstance(row.get(c), str) and row[c]],
                "far": far,
                "dates": _dates(row, spec["dates"]),
                "via": await _via(datasette, db, spec["table"], path_value(row, spec["pk"])),
            }
        )
    return items


def path_value(row: dict, pk: list[str]):
    return row.get(pk[0]) if len(pk) == 1 else None


def _link_list(datasette, table: str) -> dict | None:
    """The first list of `table`'s own page that names the row through a link table with no role
    (a statement's speakers): what a list of such rows shows beside each."""
    lists = ((datasette.metadata("related") or {}).get("lists") or {}).get(table, [])
    return next((item for item in lists if len(item["pk"]) > 1 and not item["group"] and item["far"]), None)


async def _via(datasette, db, table: str, value) -> dict | None:
    link = _link_list(datasette, table) if value is not None else None
    if not link:
        return None
    far = link["far"][0]
    captions = (datasette.metadata("related") or {}).get("captions") or {}
    result = await db.execute(
        f"SELECT {escape_sqlite(far['column'])} FROM {escape_sqlite(link['table'])} "
        f"WHERE {escape_sqlite(link['column'])} = :v ORDER BY rowid LIMIT {MOST}",
        {"v": value},
    )
    names = []
    for (pointed,) in result.rows:
        words = await caption(db, far["table"], far["key"], captions.get(far["table"], []), pointed)
        names.append(
            {
                "text": words[0] if words else str(pointed),
                "href": datasette.urls.row(
                    db.name, far["table"], path_from_row_pks({far["key"]: pointed}, [far["key"]], False)
                ),
            }
        )
    return {"title": link["title"], "names": names} if names else None


def _grouped(items: list[dict]) -> list[dict]:
    groups: list[dict] = []
    for item in items:
        if not groups or groups[-1]["label"] != item["group"]:
            groups.append({"label": item["group"], "apart": item["apart"], "items": []})
        groups[-1]["items"].append(item)
    return groups


async def _list(datasette, db, spec: dict, captions: dict, value) -> dict | None:
    table, column = escape_sqlite(spec["table"]), escape_sqlite(spec["column"])
    group = spec["group"]
    select, join, order = "o.*", "", []
    if group:
        label = datasette.table_metadata(db.name, group["table"]).get("label_column") or group["key"]
        select += f", g.{escape_sqlite(label)} AS _group"
        join = (
            f" LEFT JOIN {escape_sqlite(group['table'])} g "
            f"ON g.{escape_sqlite(group['key'])} = o.{escape_sqlite(group['column'])}"
        )
        if group.get("apart"):  # groups marked apart (who was not there) come last, drawn apart
            select += f", g.{escape_sqlite(group['apart'])} AS _apart"
            order.append(f"coalesce(g.{escape_sqlite(group['apart'])}, 0)")
        order.append("g.rowid")
    order += [f"o.{escape_sqlite(d)} IS NULL, o.{escape_sqlite(d)}" for d in spec["dates"][:1]] + ["o.rowid"]
    sql = f"SELECT {select} FROM {table} o{join} WHERE o.{column} = :v ORDER BY {', '.join(order)} LIMIT {MOST + 1}"
    result = await db.execute(sql, {"v": value})
    rows = [dict(zip(result.columns, r)) for r in result.rows]
    if not rows:
        return None
    total = len(rows)
    if total > MOST:
        total = (await db.execute(f"SELECT count(*) FROM {table} WHERE {column} = :v", {"v": value})).rows[0][0]
    items = await _items(datasette, db, spec, captions, rows[:MOST])
    return {
        "title": spec["title"],
        "count": total,
        "groups": _grouped(items),
        "all_href": datasette.urls.table(db.name, spec["table"]) + "?" + urlencode({spec["column"]: value}),
    }


async def _same(datasette, db, table: str, same: dict, key: str, captions: dict, value) -> dict | None:
    """The other rows of the same thing (x-same-as): rows sharing this row's root (its own key, or
    the row it names), this one left out."""
    t, f, k = escape_sqlite(table), escape_sqlite(same["field"]), escape_sqlite(key)
    sql = (
        f"SELECT * FROM {t} WHERE coalesce({f}, {k}) = (SELECT coalesce({f}, {k}) FROM {t} WHERE {k} = :v) "
        f"AND {k} <> :v ORDER BY {k} LIMIT {MOST}"
    )
    result = await db.execute(sql, {"v": value})
    rows = [dict(zip(result.columns, r)) for r in result.rows]
    if not rows:
        return None
    spec = {"table": table, "pk": [key], "far": [], "caption": captions.get(table, []), "dates": []}
    items = await _items(datasette, db, spec, captions, rows)
    return {"title": same["title"], "count": len(items), "groups": _grouped(items), "all_href": None}


@hookimpl
def extra_template_vars(view_name, request, datasette, database, table):
    if view_name != "row" or not database or not table:
        return {}
    spec = datasette.metadata("related") or {}
    lists = (spec.get("lists") or {}).get(table, [])
    same_field = (spec.get("same_as") or {}).get(table)

    async def related():
        if not lists and not same_field:
            return []
        db = datasette.get_database(database)
        pks = await db.primary_keys(table)
        if len(pks) != 1:
            return []
        value = tilde_decode(request.url_vars["pks"])
        captions = spec.get("captions") or {}
        found = []
        if same_field:
            same = await _same(datasette, db, table, same_field, pks[0], captions, value)
            if same:
                found.append(same)
        for item in lists:
            listed = await _list(datasette, db, item, captions, value)
            if listed:
                found.append(listed)
        return found

    async def this_row():
        """What the row is, for its page's heading: its label or caption, and its table's title."""
        pks = await datasette.get_database(database).primary_keys(table)
        columns = (spec.get("captions") or {}).get(table, [])
        if len(pks) != 1 or not columns:
            return None
        value = tilde_decode(request.url_vars["pks"])
        words = await caption(datasette.get_database(database), table, pks[0], columns, value)
        title = datasette.table_metadata(database, table).get("title") or table
        # The last caption column: where a row has an original and its translation, the translation.
        return {"label": words[-1], "table_title": title} if words else None

    return {"related": related, "this_row": this_row}
