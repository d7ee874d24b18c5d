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
# Event types are coloured by family: no chart can show twenty-two colours that all look
# different, but it can show seven. Each event type is in exactly one family (tests/test_dashboard.py
# holds every code of vocab_event_types to it); a bar's tooltip still names the types it counts.
# The families are the dashboard's grouping for colour, not a classification the data asserts.
EVENT_FAMILIES = {
    "Meetings and talks": ["talks", "visit", "summit", "consultation", "conference", "negotiation"],
    "Announcements and press conferences": ["announcement", "press_conference"],
    "Agreements and programmes": ["agreement", "programme"],
    "Joint exercises, patrols and operations": ["military_exercise", "patrol", "security_operation"],
    "Deployments and interventions": ["peacekeeping_operation", "mission_deployment", "military_intervention"],
    "Conflict and pressure": ["armed_conflict", "coup_attempt", "sanctions", "boycott"],
    "Elections and exhibitions": ["election", "exhibition"],
}
# One colour per family, in EVENT_FAMILIES' order: every two at least 20 apart in CIEDE2000 (24.1
# the closest, vermillion and ochre; Kelly's 22 colours, one per type, came within 10.0), and each
# at least 3:1 against the cards' white (WCAG 1.4.11), so a bar is seen without an outline. Chosen
# from Okabe and Ito's palette, darkened where it fell short of 3:1. tests/test_dashboard.py measures both.
FAMILY_COLOURS = ["#0072B2", "#C4378F", "#007F5F", "#8A6D00", "#222222", "#D55E00", "#8C8C8C"]
BAR = "#0072B2"  # a chart of one series
# A post the record or another source contradicts: a pale fill, a dashed dark outline (6.6:1 on
# white), the word "contradicted" under its name and a legend entry of its own.
READINGS = {
    "As the articles report it": {"fill": BAR, "stroke": BAR, "dash": [1, 0]},
    "Contradicted: see its caveats": {"fill": "#F6D5C4", "stroke": "#A33A00", "dash": [4, 2]},
}
SEPARATOR = {"stroke": "white", "strokeWidth": 1}  # between the stacked parts of a bar
# The legend under its chart, in one column, its labels never cut short: a phone is narrow.
LEGEND = {"orient": "bottom", "direction": "vertical", "columns": 1, "labelLimit": 0}
# A bar's link to the statements of one speaker (Datasette's _through: the rows of statements
# linked through statement_speakers), its JSON percent-encoded around the speaker's id (a slug).
THROUGH_SPEAKER = "%7B%22table%22%3A%22statement_speakers%22%2C%22column%22%3A%22actor_id%22%2C%22value%22%3A%22"


def _families_sql() -> str:
    """The rows (name, codes) of a VALUES list: each family and its event types' codes,
    comma-separated, as Datasette's `__in` filter takes them (the list is short: the chart's SQL
    travels in its data's address, which the site bounds, plugins/query_limits.py)."""
    return ", ".join(f"('{family}', '{','.join(codes)}')" for family, codes in EVENT_FAMILIES.items())


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


# A month's bar, as its label and as the filter that finds its events.
_MONTH = (
    "CASE WHEN e.start_date IS NULL THEN 'date unknown' "
    "WHEN e.start_date_precision = 'year' THEN e.start_date || ' (year only)' ELSE substr(e.start_date, 1, 7) END"
)
_MONTH_FILTER = (
    "CASE WHEN e.start_date IS NULL THEN '&start_date__isnull=1' "
    "WHEN e.start_date_precision = 'year' THEN '&start_date=' || e.start_date "
    "ELSE '&start_date__startswith=' || substr(e.start_date, 1, 7) END"
)
# A post the record or another source contradicts (a caveat of a kind marked contradicted).
_CONTRADICTION = (
    "(SELECT group_concat(label, '; ') FROM (SELECT DISTINCT k.label FROM caveats c "
    "JOIN vocab_caveat_kinds k ON k.code = c.kind WHERE k.contradicted AND c.record_table = 'memberships' "
    "AND c.record_id = m.membership_id ORDER BY k.label))"
)
_REPORTED, _CONTRADICTED = READINGS


def _reading_scale(key: str) -> dict:
    return {"domain": list(READINGS), "range": [r[key] for r in READINGS.values()]}


CHARTS = {
    "events-by-month": {
        "title": "Events per month, by kind (events known only by year in their own bar; undated events in the last)",
        "library": "vega-lite",
        # A year-only date is not January: it gets its own bar, "2023 (year only)"; an event the
        # text gives no date for is counted too, in a bar of its own, "date unknown". Each part of
        # a bar is one family of event types, and links to its events (href: a click opens the
        # rows behind it). An event type missing from EVENT_FAMILIES is a family of its own.
        "query": f"WITH family(name, codes) AS (VALUES {_families_sql()}), "
        f"counted AS (SELECT {_MONTH} AS month, {_MONTH_FILTER} AS dated, "
        "coalesce(f.name, t.label) AS family, coalesce(f.codes, e.event_type) AS codes, t.label AS type, "
        "count(*) AS n FROM events e JOIN vocab_event_types t ON t.code = e.event_type "
        "LEFT JOIN family f ON instr(',' || f.codes || ',', ',' || e.event_type || ',') "
        "GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 3, 6 DESC, 5) "
        "SELECT month, family, sum(n) AS events, group_concat(type || ' (' || n || ')', ', ') AS types, "
        "'/__DB__/events?event_type__in=' || codes || dated AS href FROM counted GROUP BY month, family ORDER BY month",
        "display": {
            "mark": {"type": "bar", **SEPARATOR},
            "encoding": {
                "x": {
                    "field": "month",
                    "type": "ordinal",
                    "title": "Month",
                    "axis": {"labelOverlap": "greedy", "labelSeparation": 6},
                },
                "y": {"field": "events", "type": "quantitative", "title": "Events", "axis": COUNT_AXIS},
                "color": {
                    "field": "family",
                    "type": "nominal",
                    "title": "Kind of event",
                    "scale": {"domain": list(EVENT_FAMILIES), "range": FAMILY_COLOURS},
                    "legend": LEGEND,
                },
                "tooltip": [
                    {"field": "month", "title": "Month"},
                    {"field": "family", "title": "Kind of event"},
                    {"field": "types", "title": "Types"},
                    {"field": "events", "title": "Events"},
                ],
                "description": {"field": "description"},
                "href": {"field": "href"},
            },
            "transform": [{"calculate": "datum.month + ', ' + datum.family + ': ' + datum.types", "as": "description"}],
        },
    },
    "statements-by-speaker": {
        "title": "Utterances per speaker (one said words counts once however many articles report it; "
        "a joint statement counts once for each of its speakers)",
        "library": "vega-lite",
        # A bar opens the speaker's statements, quote and translation: every report of each utterance.
        "query": "SELECT a.name AS speaker, count(DISTINCT coalesce(s.same_utterance_as, s.statement_id)) AS statements, "
        f"'/__DB__/statements?_through={THROUGH_SPEAKER}' || a.actor_id || '%22%7D' AS href "
        "FROM statement_speakers sk JOIN actors a ON a.actor_id = sk.actor_id "
        "JOIN statements s ON s.statement_id = sk.statement_id GROUP BY a.actor_id ORDER BY 2 DESC, 1",
        "display": {
            "mark": {"type": "bar", "color": BAR},
            "encoding": {
                "y": {"field": "speaker", "type": "nominal", "sort": "-x", "title": None},
                "x": {"field": "statements", "type": "quantitative", "title": "Utterances", "axis": COUNT_AXIS},
                "tooltip": [{"field": "speaker", "title": "Speaker"}, {"field": "statements", "title": "Utterances"}],
                "description": {"field": "description"},
                "href": {"field": "href"},
            },
            "transform": [
                {"calculate": "datum.speaker + ': ' + datum.statements + ' utterances'", "as": "description"}
            ],
        },
    },
    "membership-timeline": {
        "title": f"Dated posts and chairmanships held in {POSTS_FROM[:4]} or later (one held since earlier is drawn from {POSTS_FROM[:4]})",
        "library": "vega-lite",
        # A post another source or the record contradicts is labelled so, never drawn as plain fact:
        # its name ends "(contradicted: see caveats)", and its bar is drawn pale with a dashed outline.
        "query": "SELECT post || CASE WHEN contradiction IS NULL THEN '' ELSE ' (contradicted: see caveats)' END AS post, "
        f"CASE WHEN contradiction IS NULL THEN '{_REPORTED}' ELSE '{_CONTRADICTED}' END AS reading, "
        "coalesce(contradiction, 'none recorded') AS contradiction, start, end, held_from, held_to, href FROM ("
        "SELECT mem.name || ': ' || r.label || ' – ' || org.name AS post, "
        f"{_CONTRADICTION} AS contradiction, "
        # One post begun years before the articles' period would stretch every other bar thin.
        f"max(m.start_date_earliest, '{POSTS_FROM}') AS start, "
        "coalesce(m.end_date_latest, m.start_date_latest) AS end, m.start_date AS held_from, "
        "coalesce(m.end_date, 'not given') AS held_to, '/__DB__/memberships/' || m.membership_id AS href "
        "FROM memberships m "
        "JOIN actors mem ON mem.actor_id = m.member_id JOIN actors org ON org.actor_id = m.organisation_id "
        "JOIN vocab_membership_roles r ON r.code = m.role WHERE m.start_date IS NOT NULL "
        f"AND coalesce(m.end_date_latest, m.start_date_latest) >= '{POSTS_FROM}') ORDER BY start",
        "display": {
            # Each post's name is written above its bar, across the chart's width, in lines (holder
            # and post; organisation; "(contradicted: see caveats)"): an axis beside the bars would
            # leave a phone no room for them, or cut the names short.
            "height": {"step": 68},
            "transform": [
                {
                    "calculate": "datum.post + ', held from ' + datum.held_from + ' until ' + datum.held_to",
                    "as": "description",
                },
                {
                    "calculate": "split(replace(replace(datum.post, ' – ', ' –|'), ' (contradicted', '|(contradicted'), '|')",
                    "as": "lines",
                },
            ],
            "encoding": {"y": {"field": "post", "type": "nominal", "sort": None, "title": None, "axis": None}},
            "layer": [
                {
                    "mark": {
                        "type": "text",
                        "align": "left",
                        "baseline": "top",
                        "dy": 4,
                        "fontSize": 11,
                        "lineHeight": 13,
                    },
                    "encoding": {
                        "x": {"value": 0},
                        "y": {"field": "post", "type": "nominal", "sort": None, "bandPosition": 0},
                        "text": {"field": "lines"},
                        "href": {"field": "href"},
                        "description": {"field": "description"},
                    },
                },
                {
                    "mark": {"type": "bar", "strokeWidth": 2, "height": 16, "yOffset": 18},
                    "encoding": {
                        "x": {
                            "field": "start",
                            "type": "temporal",
                            "title": "Known to be held",
                            "axis": {"labelOverlap": "greedy", "labelSeparation": 6},
                        },
                        "x2": {"field": "end"},
                        "color": {
                            "field": "reading",
                            "type": "nominal",
                            "title": None,
                            "scale": _reading_scale("fill"),
                            "legend": LEGEND,
                        },
                        "stroke": {
                            "field": "reading",
                            "type": "nominal",
                            "title": None,
                            "scale": _reading_scale("stroke"),
                            "legend": LEGEND,
                        },
                        "strokeDash": {
                            "field": "reading",
                            "type": "nominal",
                            "title": None,
                            "scale": _reading_scale("dash"),
                            "legend": LEGEND,
                        },
                        "tooltip": [
                            {"field": "post", "title": "Post"},
                            {"field": "held_from", "title": "Held from"},
                            {"field": "held_to", "title": "Held until"},
                            {"field": "contradiction", "title": "Contradiction"},
                        ],
                        "description": {"field": "description"},
                        "href": {"field": "href"},
                    },
                },
            ],
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
