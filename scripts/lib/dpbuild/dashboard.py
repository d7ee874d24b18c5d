"""The dashboard (datasette-dashboards): its charts and the SQL behind them.

One of the few places that name the package's tables, with dpbuild/queries.py (views and canned
queries), dpsite/site_sql.py (the site's plugins) and dpbench/synth.py (synthetic data): a chart
counts, groups and joins particular tables, which no schema keyword says. What a schema can say,
it says: each count is titled with its table's schema title. tests/test_table_names.py keeps table
names out of the modules not made for them."""

from __future__ import annotations

from collections.abc import Iterable

from .typed import TypedTable

SLUG = "overview"
HREF = f"/-/dashboards/{SLUG}"  # the dashboard's page, linked from the home page
COUNTED = ["events", "statements", "actors", "sources"]  # the metrics of the first row, left to right
# The dashboard's own word where a schema title does not fit: the sources table's rows are articles.
TITLES = {"sources": "Source articles"}
COUNT_AXIS = {"tickMinStep": 1, "format": "d"}  # counts: whole-number ticks only
POSTS_FROM = "2021-01-01"  # the first year the articles cover
# Kelly's colours of maximum contrast (black, but not white, among them), then two darker shades:
# one per event type, none repeated.
DISTINCT_COLOURS = [
    "#F3C300",
    "#875692",
    "#F38400",
    "#A1CAF1",
    "#BE0032",
    "#C2B280",
    "#848482",
    "#008856",
    "#E68FAC",
    "#0067A5",
    "#F99379",
    "#604E97",
    "#F6A600",
    "#B3446C",
    "#DCD300",
    "#882D17",
    "#8DB600",
    "#654522",
    "#E25822",
    "#2B3D26",
    "#222222",
    "#1F3A93",
]


def _count_chart(table: str, title: str) -> dict:
    """The dashboard's metric of a table's rows, as `<table>-count`."""
    return {
        f"{table}-count": {
            "title": title,
            "library": "metric",
            "display": {"field": "n", "prefix": "", "suffix": ""},
            "query": f"SELECT count(*) AS n FROM {table}",
        }
    }


CHARTS = {
    "events-by-month": {
        "title": "Events per month, by type (events known only by year in their own bar; undated events in the last)",
        "library": "vega-lite",
        # A year-only date is not January: it gets its own bar, "2023 (year only)"; an event the
        # text gives no date for is counted too, in a bar of its own, "date unknown".
        # Each bar links to its events (href: a click opens the rows behind it).
        "query": "SELECT CASE WHEN e.start_date IS NULL THEN 'date unknown' "
        "WHEN e.start_date_precision = 'year' THEN e.start_date || ' (year only)' "
        "ELSE substr(e.start_date, 1, 7) END AS month, t.label AS type, count(*) AS events, "
        "'/__DB__/events?event_type=' || e.event_type || CASE WHEN e.start_date IS NULL THEN '&start_date__isnull=1' "
        "WHEN e.start_date_precision = 'year' "
        "THEN '&start_date=' || e.start_date ELSE '&start_date__startswith=' || substr(e.start_date, 1, 7) END AS href "
        "FROM events e JOIN vocab_event_types t ON t.code = e.event_type GROUP BY 1, 2, 4 ORDER BY 1",
        "display": {
            "mark": {"type": "bar", "tooltip": True},
            "encoding": {
                "x": {"field": "month", "type": "ordinal", "title": "Month"},
                "y": {"field": "events", "type": "quantitative", "title": "Events", "axis": COUNT_AXIS},
                "color": {
                    "field": "type",
                    "type": "nominal",
                    "title": "Type",
                    "scale": {"range": DISTINCT_COLOURS},
                },
                "href": {"field": "href"},
            },
        },
    },
    "statements-by-speaker": {
        "title": "Utterances per speaker (one said words counts once however many articles report it; "
        "a joint statement counts once for each of its speakers)",
        "library": "vega-lite",
        "query": "SELECT a.name AS speaker, count(DISTINCT coalesce(s.same_utterance_as, s.statement_id)) AS statements, "
        "'/__DB__/statement_speakers?actor_id=' || a.actor_id AS href "
        "FROM statement_speakers sk JOIN actors a ON a.actor_id = sk.actor_id "
        "JOIN statements s ON s.statement_id = sk.statement_id GROUP BY a.actor_id ORDER BY 2 DESC, 1",
        "display": {
            "mark": {"type": "bar", "tooltip": True},
            "encoding": {
                "y": {"field": "speaker", "type": "nominal", "sort": "-x", "title": None},
                "x": {"field": "statements", "type": "quantitative", "title": "Utterances", "axis": COUNT_AXIS},
                "href": {"field": "href"},
            },
        },
    },
    "membership-timeline": {
        "title": f"Dated posts and chairmanships held in {POSTS_FROM[:4]} or later (one held since earlier is drawn from {POSTS_FROM[:4]})",
        "library": "vega-lite",
        # A post another source or the record contradicts is labelled so, never drawn as plain fact.
        "query": "SELECT mem.name || ': ' || r.label || ' – ' || org.name || CASE WHEN EXISTS (SELECT 1 FROM caveats c "
        "JOIN vocab_caveat_kinds k ON k.code = c.kind WHERE k.contradicted AND c.record_table = 'memberships' "
        "AND c.record_id = m.membership_id) THEN ' (contradicted: see caveats)' ELSE '' END AS post, "
        # One post begun years before the articles' period would stretch every other bar thin.
        f"max(m.start_date_earliest, '{POSTS_FROM}') AS start, "
        "coalesce(m.end_date_latest, m.start_date_latest) AS end, '/__DB__/memberships/' || m.membership_id AS href "
        "FROM memberships m "
        "JOIN actors mem ON mem.actor_id = m.member_id JOIN actors org ON org.actor_id = m.organisation_id "
        "JOIN vocab_membership_roles r ON r.code = m.role WHERE m.start_date IS NOT NULL "
        f"AND coalesce(m.end_date_latest, m.start_date_latest) >= '{POSTS_FROM}' ORDER BY start",
        "display": {
            "mark": {"type": "bar", "tooltip": True},
            "encoding": {
                "y": {"field": "post", "type": "nominal", "sort": None, "title": None},
                "x": {"field": "start", "type": "temporal", "title": "Known to be held"},
                "x2": {"field": "end"},
                "href": {"field": "href"},
            },
        },
    },
}


def _titles(tables: Iterable[TypedTable]) -> dict[str, str]:
    """Each counted table's title: the dashboard's own word where it has one (TITLES), else its
    schema's title, else its name (as the site titles a table whose schema has none)."""
    schema_titles = {t.name: t.schema.get("title", t.name) for t in tables}
    return {table: TITLES.get(table) or schema_titles.get(table, table) for table in COUNTED}


def dashboard(database: str, tables: Iterable[TypedTable] = ()) -> dict:
    """The dashboard for one database: each chart runs there, and its links (href) point into it;
    the counts are titled from `tables`' schemas."""
    charts = {}
    for table, title in _titles(tables).items():
        charts.update(_count_chart(table, title))
    charts.update(CHARTS)
    layout = [
        [f"{table}-count" for table in COUNTED],
        ["events-by-month", "events-by-month", "statements-by-speaker", "statements-by-speaker"],
        ["membership-timeline", "membership-timeline", "membership-timeline", "membership-timeline"],
    ]
    return {
        SLUG: {
            "title": "Overview",
            "description": "Events, statements and posts reported by the source articles.",
            "layout": layout,
            "charts": {
                k: dict(c, db=database, query=c["query"].replace("__DB__", database)) for k, c in charts.items()
            },
        }
    }
