"""The served site, through Datasette's own test client, configured exactly as `make serve`."""

from __future__ import annotations

import csv
import json
import re
import sqlite3
from pathlib import Path
from urllib.parse import parse_qsl

import pytest

from dpbuild.dashboard import POSTS_FROM, dashboard
from dpbuild.queries import CANNED_QUERIES, VIEWS

ROOT = Path(__file__).resolve().parent.parent
NAME = json.loads((ROOT / "datapackage.json").read_text())["name"]
DB = f"/{NAME}"
DASHBOARD = dashboard(NAME)


def _tables():
    return [r["name"] for r in json.loads((ROOT / "datapackage.json").read_text())["resources"] if "schema" in r]


@pytest.mark.parametrize("table", _tables() + list(VIEWS))
def test_every_table_and_view_answers_with_its_rows(site, table):
    assert site.get(f"{DB}/{table}").status_code == 200
    csv_file = ROOT / "data" / f"{table}.csv"
    expected = len(csv_file.read_text(encoding="utf-8").splitlines()) - 1 if csv_file.exists() else None
    rows = site.rows(f"{DB}/{table}", _size="max")
    assert len(rows) == expected if expected is not None else len(rows) > 0


@pytest.mark.parametrize("query", list(CANNED_QUERIES))
def test_every_canned_query_answers_with_rows(site, query):
    assert site.get(f"{DB}/{query}", **CANNED_QUERIES[query]["params"]).status_code == 200
    assert len(site.rows(f"{DB}/{query}", **CANNED_QUERIES[query]["params"])) > 0


def test_search_finds_a_quote_by_an_italian_and_an_english_word(site):
    italian = site.rows(f"{DB}/statements", _search="disintegrazione")
    english = site.rows(f"{DB}/statements", _search="disintegration")
    assert (
        [r["statement_id"] for r in italian]
        == [r["statement_id"] for r in english]
        == ["natalya-eismont-lukashenko-urges-pashinyan-2023-11"]
    )


def test_search_finds_an_actor_by_a_misspelt_name(site):
    assert [r["actor_id"] for r in site.rows(f"{DB}/actors", _search="Jinoping")] == ["xi-jinping"]


def test_default_facets_and_label_columns_appear(site):
    page = site.get(f"{DB}/events.json").json()
    assert {"event_type", "status", "mode", "date_basis"} <= set(page["facet_results"])
    rows = site.get(f"{DB}/event_participants.json", actor_id="vladimir-putin", _labels="on", _shape="objects").json()[
        "rows"
    ]
    assert rows and {r["actor_id"]["label"] for r in rows} == {"Vladimir Putin"}
    assert "Vladimir Putin" in site.get(f"{DB}/event_participants", actor_id="vladimir-putin").text


def test_table_pages_carry_descriptions_from_the_schemas(site):
    schema = json.loads((ROOT / "schemas" / "events.json").read_text())
    assert schema["description"] in site.get(f"{DB}/events").text


@pytest.mark.parametrize("path", ["/", f"{DB}/events", "/-/dashboards/overview", f"{DB}/who_met_whom"])
def test_every_page_states_the_licence_and_the_sources(site, path):
    html = site.get(path).text
    assert "Creative Commons Attribution 4.0" in html
    assert f'href="{DB}/sources"' in html


@pytest.mark.parametrize(
    "sql",
    [
        "INSERT INTO places (place_id) VALUES ('x')",
        "UPDATE actors SET name = 'x'",
        "DELETE FROM citations",
        "DROP TABLE events",
        "CREATE TABLE t (x)",
        "PRAGMA writable_schema = 1",
    ],
)
def test_writing_through_sql_is_refused(site, sql):
    response = site.get(f"{DB}.json", sql=sql)
    assert response.status_code == 400
    assert site.rows(f"{DB}/places") != []


@pytest.mark.parametrize(
    "path",
    [
        f"{DB}/places/-/insert",
        f"{DB}/-/create",
        f"{DB}/places/moscow/-/delete",
        f"{DB}/places",
        f"{DB}/what_x_said_about_y",
    ],
)
def test_posts_are_refused(site, path):
    response = site.post(path, {"place_id": "x"})
    assert response.status_code == 405, (path, response.status_code)
    assert site.rows(f"{DB}/places", place_id="x") == []


def test_a_runaway_query_is_cut_off(site):
    sql = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c"
    response = site.get(f"{DB}.json", sql=sql)
    assert response.status_code == 400
    assert "interrupted" in response.text.lower()


@pytest.mark.parametrize(
    "path, params",
    [
        (f"{DB}/no_such_table", {}),
        (f"{DB}/events", {"_size": "lots"}),
        (f"{DB}/events", {"_sort": "no_such_column"}),
        (f"{DB}.json", {"sql": "SELECT * FROM no_such_table"}),
        ("/-/dashboards/no-such-dashboard", {}),
    ],
)
def test_bad_requests_get_a_4xx_not_a_500(site, path, params):
    status = site.get(path, **params).status_code
    assert 400 <= status < 500, (path, params, status)


def test_malformed_search_text_is_handled_not_a_500(site):
    assert site.get(f"{DB}/statements", _search='"unbalanced AND (').status_code == 200


def test_the_dashboard_and_its_charts_answer(site):
    assert site.get("/-/dashboards/overview").status_code == 200
    for slug, chart in DASHBOARD["overview"]["charts"].items():
        assert site.get(f"/-/dashboards/overview/{slug}").status_code == 200
        assert len(site.rows(DB, sql=chart["query"])) > 0, slug


def test_each_bar_links_to_the_rows_behind_it(site):
    """A click on a bar opens the rows it counts (Vega-Lite's href channel)."""
    for slug, count in [
        ("events-by-month", "events"),
        ("statements-by-speaker", "statements"),
        ("membership-timeline", None),
    ]:
        chart = DASHBOARD["overview"]["charts"][slug]
        layers = [chart["display"], *chart["display"].get("layer", [])]
        assert {"field": "href"} in [layer.get("encoding", {}).get("href") for layer in layers]
        for bar in site.rows(DB, sql=chart["query"]):
            path, _, query = bar["href"].partition("?")
            behind = site.rows(path, **dict(parse_qsl(query)), _size="max") if query else None
            if slug == "statements-by-speaker":  # a bar counts utterances; it opens every report of them
                behind = {
                    site.rows(f"{DB}/statements/{row['statement_id']}")[0]["same_utterance_as"] or row["statement_id"]
                    for row in behind
                }
            assert (len(behind) == bar[count]) if count else site.get(path).status_code == 200, bar


def test_the_events_page_has_a_map_and_the_old_address_moves_there(site):
    html = site.get(f"{DB}/events_full").text
    assert "datasette-cluster-map" in html and '"basemap": "/assets/countries-110m.geojson"' in html
    assert site.get("/assets/countries-110m.geojson").json()["features"]
    assert any(r["latitude"] for r in site.rows(f"{DB}/events_full"))
    moved = site.get(f"{DB}/timeline.json?_size=2")
    assert moved.status_code == 301 and moved.headers["location"] == f"{DB}/events_full.json?_size=2"
    assert site.get(f"{DB}/timeline.%0d%0aSet-Cookie:x").status_code != 301


def test_a_contradicted_claim_is_never_shown_as_plain_fact(site):
    """The CSTO chairs query, the posts chart and the citations query all carry the caveat that
    contradicts the April 2022 article's 'Russia chairs the CSTO'."""
    chairs = site.rows(f"{DB}/csto_members_and_chairs")
    russia_2022 = next(r for r in chairs if r["membership_id"] == "russia-chair-csto-2022")
    assert russia_2022["caveats"].startswith("Contradicted by the established record: ")
    assert all(r["caveats"] is None for r in chairs if r["membership_id"] == "belarus-chair-csto-2023")
    posts = site.rows(DB, sql=DASHBOARD["overview"]["charts"]["membership-timeline"]["query"])
    assert (
        [p["post"] for p in posts if p["post"].startswith("Russia: ")]
        == [
            p["post"]
            for p in posts
            if p["post"].startswith("Russia: ") and p["post"].endswith("(contradicted: see caveats)")
        ]
        != []
    )
    evidence = site.rows(f"{DB}/citations_for_row", table="memberships", id="russia-chair-csto-2022")
    assert {r["kind"] for r in evidence} == {"citation", "caveat: Contradicted by the established record"}


def test_a_joint_statement_counts_once_in_totals_and_once_per_speaker(site):
    joint = "imangali-tasmagambetov-more-active-interaction-2023-09-27"
    full = site.rows(f"{DB}/statements_full", _size="max")
    assert len(full) == len({r["statement_id"] for r in full})
    assert (
        next(r for r in full if r["statement_id"] == joint)["speakers"]
        == "Ilham Nematov; Imangali Tasmagambetov; Zhang Ming"
    )
    per_speaker = {
        r["speaker"]: r["statements"]
        for r in site.rows(DB, sql=DASHBOARD["overview"]["charts"]["statements-by-speaker"]["query"])
    }
    assert per_speaker["Zhang Ming"] == 1


def test_the_dashboard_reads_true():
    """A colour for each family of event types, none repeated (tests/test_dashboard.py: how far
    apart); whole-number ticks on counts; no post drawn from before the articles' period (one
    founder's row once stretched every bar thin)."""
    charts = DASHBOARD["overview"]["charts"]
    colour = charts["events-by-month"]["display"]["encoding"]["color"]
    assert len(set(colour["scale"]["range"])) == len(colour["scale"]["range"]) == len(colour["scale"]["domain"])
    assert charts["events-by-month"]["display"]["encoding"]["y"]["axis"]["tickMinStep"] == 1
    assert charts["statements-by-speaker"]["display"]["encoding"]["x"]["axis"]["tickMinStep"] == 1
    assert f"max(m.start_date_earliest, '{POSTS_FROM}')" in charts["membership-timeline"]["query"]


def test_no_post_in_the_chart_starts_before_the_articles_period(site):
    posts = site.rows(DB, sql=DASHBOARD["overview"]["charts"]["membership-timeline"]["query"])
    assert posts and min(p["start"] for p in posts) >= POSTS_FROM
    assert all(p["end"] >= p["start"] for p in posts)


# --- the researcher's tasks (issue 13), each answered through the JSON API without SQL -----------


def test_task_1_the_putin_xi_meetings_and_calls(site):
    met = [
        (r["start_date"], r["title"])
        for r in site.rows(f"{DB}/who_met_whom", actor="Putin", _size="max")
        if "Xi Jinping" in (r["actor"], r["met"])
    ]
    assert met == [
        ("2021-12-15", "Putin and Xi Jinping hold a video call"),
        ("2022-12-30", "Putin and Xi Jinping hold a video call"),
        ("2023-03", "Putin and Xi meet in Moscow"),
    ]  # the proposed state visit is no meeting


def test_task_2_lukashenkos_quotes(site):
    profile = {
        r["detail"]
        for r in site.rows(f"{DB}/actor_profile", actor="Lukashenko", _size="max")
        if r["kind"] == "statement"
    }
    by_him = site.rows(f"{DB}/statements_full", speakers__contains="Lukashenko", _size="max")
    assert len(by_him) == len(profile) == 4 and {r["quote_en"] for r in by_him} == profile


def test_task_3_the_csto_members_and_chair_in_2023(site):
    rows = site.rows(f"{DB}/csto_members_and_chairs", year="2023")
    assert sorted(r["state"] for r in rows if r["role"] == "Member") == [
        "Armenia",
        "Belarus",
        "Kazakhstan",
        "Kyrgyzstan",
        "Russia",
        "Tajikistan",
    ]
    assert [r["state"] for r in rows if r["role"] == "Chair"] == ["Belarus"]


def test_task_4_events_in_minsk_and_in_november_2023(site):
    in_minsk = {r["event_id"] for r in site.rows(f"{DB}/events", place_id="minsk", _size="max")}
    assert in_minsk and in_minsk <= {r["event_id"] for r in site.rows(f"{DB}/events", _search="Minsk", _size="max")}
    certain = site.rows(f"{DB}/events_between", **{"from": "2023-11-01", "to": "2023-11-30", "within": "certainly"})
    overlapping = site.rows(f"{DB}/events_between", **{"from": "2023-11-01", "to": "2023-11-30", "within": "may"})
    assert {r["precision"] for r in certain} == {"day"} and "year" in {r["precision"] for r in overlapping}
    assert {r["title"] for r in certain} < {r["title"] for r in overlapping}
    assert all(r["status"] for r in overlapping)


def test_task_5_chinese_officials_on_the_united_states(site):
    """A Chinese speaker on the United States finds China's rejection of the US accusations; no
    Tajik speaker has the United States as subject, and the page says so; the same question about
    Russia (Cina/Stati Uniti forms work too) finds Lavrov."""
    assert [r["quote"] for r in site.rows(f"{DB}/what_x_said_about_y", speaker="China", subject="United States")] == [
        "affermazioni che la Cina ha respinto con veemenza"  # China rejects the US accusations (2023-04 article)
    ]
    assert site.rows(f"{DB}/what_x_said_about_y", speaker="Tajikistan", subject="United States") == []
    page = site.get(f"{DB}/what_x_said_about_y", speaker="Tajikistan", subject="United States").text
    assert "Why there are no rows" in page and CANNED_QUERIES["what_x_said_about_y"]["empty"] in page
    assert "Wang Yi" in {
        r["speaker"] for r in site.rows(f"{DB}/what_x_said_about_y", speaker="Cina", subject="", _size="max")
    }
    assert [r["speaker"] for r in site.rows(f"{DB}/what_x_said_about_y", speaker="Russia", subject="Stati Uniti")] == [
        "Sergey Lavrov"
    ]


def test_task_6_the_csv_downloads(site):
    import csv
    import io

    served = list(csv.DictReader(io.StringIO(site.get(f"{DB}/events.csv", _size="max").text)))
    with open(ROOT / "data" / "events.csv", encoding="utf-8", newline="") as f:
        canonical = list(csv.DictReader(f))
    assert [r["event_id"] for r in served] and {r["event_id"]: r["title"] for r in served} == {
        r["event_id"]: r["title"] for r in canonical
    }
    assert "Lukashenko" in site.get(f"{DB}/what_x_said_about_y.csv", speaker="Lukashenko", subject="Armenia").text


def test_task_7_the_evidence_behind_one_event(site):
    event = "csto-summit-minsk-2023-11-23"
    evidence = site.rows(f"{DB}/citations_for_row", table="events", id=event)
    texts = {r["source_id"]: r["text"] for r in site.rows(f"{DB}/source_texts", _size="max")}
    cited = site.rows(f"{DB}/citations", record_table="events", record_id=event, _size="max")
    assert cited and len([r for r in evidence if r["kind"] == "citation"]) == len(cited)
    assert all(c["excerpt"] in texts[c["source_id"]] for c in cited)


def test_task_8_reading_the_parquet_files(dist):
    import pandas as pd

    statements = pd.read_parquet(dist / "parquet" / "statements.parquet")
    speakers = pd.read_parquet(dist / "parquet" / "statement_speakers.parquet")
    by_him = statements.merge(speakers[speakers.actor_id == "alexander-lukashenko"], on="statement_id")
    assert len(by_him) == 4 and {type(d).__name__ for d in statements["date_earliest"].dropna()} == {"date"}


def test_an_empty_answer_says_which_input_matches_nothing(site):
    for path, params, says in [
        (
            "what_x_said_about_y",
            {"speaker": "Lukashenk0", "subject": ""},
            "no actor is called “Lukashenk0” in any of the name forms the articles use",
        ),
        ("events_between", {"from": "2023-13", "to": "", "within": "x"}, "“2023-13” is not a date written YYYY-MM-DD"),
        ("csto_members_and_chairs", {"year": "199"}, "“199” is not a year written YYYY"),
        ("citations_for_row", {"table": "events", "id": "nope"}, "events has no row “nope”"),
    ]:
        assert site.rows(f"{DB}/{path}", **params) == []
        assert says in site.get(f"{DB}/{path}", **params).text, path
    # Both names are checked in one query: each answer reaches its own input.
    html = site.get(f"{DB}/what_x_said_about_y", speaker="Lukashenko", subject="Nobody9").text
    assert "no actor is called “Nobody9”" in html and "called “Lukashenko”" not in html


def test_names_match_whole_never_as_a_part_of_a_longer_name(site):
    """Issue 26: "US" once found 16 statements about Russia ("rUSsia"); a name is now a whole name
    form, case and accents ignored, and one that matches none says so with the nearest forms."""
    about_russia = site.rows(f"{DB}/what_x_said_about_y", speaker="Lavrov", subject="Russia", _size="max")
    assert site.rows(f"{DB}/what_x_said_about_y", speaker="Lavrov", subject="US", _size="max") == []
    assert about_russia, "the same question with Russia's own name finds statements"
    page = site.get(f"{DB}/what_x_said_about_y", speaker="Lukashenk", subject="").text
    assert "no actor is called “Lukashenk”" in page and "The nearest name forms: “Lukashenko”" in page
    for spelling in ["cina", "CINA", "Cinà", "  Cina "]:  # case, an accent, spaces: the same name
        assert site.rows(f"{DB}/actor_profile", actor=spelling, _size="max") == site.rows(
            f"{DB}/actor_profile", actor="Cina", _size="max"
        )
    assert site.rows(f"{DB}/who_met_whom", actor="Puti", _size="max") == []


def test_the_home_page_starts_a_user_off(site):
    """Links to the events, the map, the statements, the dashboard and every canned query with a
    worked example; the tables listed facts first, lookup lists last."""
    html = site.get("/").text
    for href in (f"{DB}/events_full", f"{DB}/statements_full", "/-/dashboards/overview"):
        assert f'href="{href}"' in html
    for name, query in CANNED_QUERIES.items():
        assert f'href="{DB}/{name}"' in html and query["title"].replace("'", "&#39;") in html
    assert html.count('class="example"') == len(CANNED_QUERIES)
    assert (
        html.index(f'href="{DB}/events"')
        < html.index(f'href="{DB}/citations"')
        < html.index(f'href="{DB}/vocab_event_types"')
    )


def test_search_finds_what_people_type(site):
    """Statements by their speakers' and subjects' names, events by their place's and
    participants' names, diacritics folded, word families Porter leaves apart joined."""
    by_lukashenko = {r["statement_id"] for r in site.rows(f"{DB}/statements", _search="Lukashenko", _size="max")}
    assert {
        "alexander-lukashenko-csto-challenges-2022-11-23",
        "alexander-lukashenko-problems-at-negotiating-table-2023-11-23",
    } <= by_lukashenko
    assert "putin-li-shangfu-meeting-2023-04-16" in {
        r["event_id"] for r in site.rows(f"{DB}/events", _search="Li Shangfu", _size="max")
    }
    assert [r["actor_id"] for r in site.rows(f"{DB}/actors", _search="Comunita degli Stati")] == ["cis"]
    assert [r["statement_id"] for r in site.rows(f"{DB}/statements", _search="hegemony")] == [
        "wang-yi-oppose-hegemonism-2024-04-09"
    ]
    assert site.rows(f"{DB}/statements", _search='"hegemony"') == []  # a quoted word stays exact
    page = site.get(f"{DB}/statements", _search="hegemony").text
    assert '"highlight": ["hegemony", "hegemon"]' in page


def test_the_widened_search_stays_plain_fts():
    from dpsite.fts import MAX_MARKED, escape_fts, highlight_terms, stem

    assert stem("hegemony") == "hegemon" and stem("Minsk") is None and stem("états-unis") is None
    query = escape_fts('hegemony "Li Shangfu" NEAR( x*')
    # Each word a quoted string (operators and * as text), the long one widened to its stem's prefix.
    assert '("hegemony" OR "hegemon" *)' in query
    assert all(phrase in query for phrase in ('"Li Shangfu"', '"NEAR("', '"x*"'))
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE VIRTUAL TABLE t USING fts5(x, tokenize = 'porter unicode61 remove_diacritics 2')")
    conn.execute("SELECT * FROM t WHERE t MATCH ?", [query]).fetchall()  # valid FTS5
    assert highlight_terms('hegemony "Li Shangfu"') == ["hegemony", "hegemon", "Li Shangfu"]
    assert len(highlight_terms("word " * 5000 + "x" * 5000)) <= 2 * MAX_MARKED  # a huge search marks a bounded few


def test_a_fact_row_page_shows_its_evidence_and_caveats(site):
    chair = site.get(f"{DB}/memberships/russia-chair-csto-2022").text
    assert "<h2>Caveats</h2>" in chair and "Contradicted by the established record" in chair
    assert 'href="https://tass.com/world/1382261"' in chair and ", TASS, 2022-01-01" in chair
    undated = site.get(f"{DB}/actors/ko-ko-hlaing").text  # a reference that gives no date says so
    assert 'href="https://memoscow.org/' in undated and ", memoscow.org, no date given" in undated
    assert "Evidence (1 citation)" in chair and "la Russia detiene attualmente la presidenza a rotazione" in chair
    participant = site.get(f"{DB}/event_participants/csto-summit-minsk-2023-11-23,alexander-lukashenko").text
    assert "which credits" in participant and 'href="https://news.ru/cis/' in participant
    assert "Evidence (" not in site.get(f"{DB}/vocab_bases/stated").text
    row = site.get(f"{DB}/events/putin-li-shangfu-meeting-2023-04-16").text  # labels, linked, with the code beside
    assert f'<a href="{DB}/vocab_event_types/talks">Talks</a> <em>talks</em>' in row
    assert f'<a href="{DB}/places/moscow-kremlin">Moscow Kremlin</a> <em>moscow-kremlin</em>' in row


def test_a_printed_headline_says_it_is_italian_and_a_supplied_title_does_not(site):
    table = site.get(f"{DB}/sources").text
    assert '<td class="col-title type-str" lang="it">Putin incontra il ministro della Difesa cinese' in table
    assert '<td class="col-title type-str">[China ready to develop cooperation with the CSTO' in table
    assert '<h1 lang="it">Putin incontra' in site.get("/-/articles/2023-04-putin-meets-li-shangfu").text
    assert "<h1>[China ready" in site.get("/-/articles/2022-04-china-csto-li-zhanshu").text
    citations = site.get(f"{DB}/citations?source_id=2023-04-putin-meets-li-shangfu&_size=1").text
    link = f'<a href="{DB}/sources/2023-04-putin-meets-li-shangfu" lang="it">Putin incontra il ministro'
    assert link in citations  # a key labelled with the headline
    supplied = site.get(f"{DB}/citations?source_id=2022-04-china-csto-li-zhanshu&_size=1").text
    assert f'<a href="{DB}/sources/2022-04-china-csto-li-zhanshu">[China ready' in supplied


def test_an_article_reads_with_its_cited_passages_marked(site):
    """Each mark links to an entry below the text (and the entry back to it) that lists the rows
    the passage supports; together the entries list every row that cites the article."""
    article = "2023-04-putin-meets-li-shangfu"
    html = site.get(f"/-/articles/{article}").text
    text, listed = html.split('<div class="article-text"')[1].split("</div>")[0], html.split('id="passages"')[1]
    marked = re.findall(r'<mark><a href="#passage-(\d+)"', text)
    assert len(marked) > 10
    assert set(marked) == set(re.findall(r'<li id="passage-(\d+)"><a href="#mark-\1">', listed))
    assert set(marked) == set(re.findall(r'<a href="#passage-(\d+)" id="mark-\1">', text))
    with (ROOT / "data" / "citations.csv").open(newline="", encoding="utf-8") as f:
        cited = {
            (c["record_table"], c["record_id"].replace("/", ","))
            for c in csv.DictReader(f)
            if c["source_id"] == article
        }
    assert set(re.findall(rf'<a href="{DB}/([a-z_]+)/([^"]+)">', listed)) == cited
    # a participant's row is named by its event and its actor, not by its key
    assert '-2023-04-16,li-shangfu">Putin meets Chinese Defence Minister Li Shangfu — Li Shangfu</a>' in listed
    assert "<script>" not in text
    assert site.get("/-/articles/no-such-article").status_code == 404
    assert f'href="/-/articles/{article}"' in site.get(f"{DB}/sources/{article}").text


def test_marked_pieces_follow_overlapping_excerpts():
    from dpsite.plugins.reading import segments

    assert segments("abcdef", [(0, 4, "x"), (2, 6, "y")]) == [("ab", ["x"]), ("cd", ["x", "y"]), ("ef", ["y"])]
    assert segments("abc", []) == [("abc", [])]


def test_no_page_suggests_facets(site):
    """Datasette 0.65 counts a page's rows to suggest facets without catching its time limit: on a
    view of a million rows every page answered 400 (BENCHMARKS-hostile.md). Suggestions are off;
    the facets a schema names are still drawn."""
    page = site.get(f"/{NAME}/events_full")
    assert page.status_code == 200
    assert "Suggested facets" not in page.text
    assert site.get(f"/{NAME}/events.json").json().get("suggested_facets") == []


def test_ids_link_to_their_rows_with_their_labels(site):
    """Issue 26: a canned query's IDs, a view's, and a caveat's or citation's record, link to the
    row they name, with its label beside the ID (composite keys too)."""
    html = site.get(f"{DB}/csto_members_and_chairs", year="2023").text
    assert f'<a href="{DB}/memberships/armenia-member-csto">armenia-member-csto</a>' in html  # memberships has no label
    caveats = site.get(f"{DB}/caveats", record_table="organisations").text
    assert f'<a href="{DB}/organisations/csto">' in caveats
    participant = "csto-summit-minsk-2023-11-23/nikol-pashinyan"
    cited = site.get(f"{DB}/citations", record_id=participant).text
    assert f'<a href="{DB}/event_participants/csto-summit-minsk-2023-11-23,nikol-pashinyan">{participant}</a>' in cited
    events = site.get(f"{DB}/events_full", event_id="csto-summit-minsk-2023-11-23").text
    title = site.rows(f"{DB}/events/csto-summit-minsk-2023-11-23")[0]["title"]
    assert (
        f'<a href="{DB}/events/csto-summit-minsk-2023-11-23">{title}</a> <em>csto-summit-minsk-2023-11-23</em>'
        in events
    )


def test_a_map_popup_names_the_event_and_links_to_it_without_empty_fields(site):
    import json

    rows = site.rows(f"{DB}/events_full", _size="max")
    placed = [r for r in rows if r["latitude"] is not None]
    assert placed
    for row in placed:
        popup = json.loads(row["popup"])
        assert popup["title"] == row["title"] and popup["link"] == f"events/{row['event_id']}"
        assert "null" not in popup["description"] and popup["description"].startswith(row["when"])
