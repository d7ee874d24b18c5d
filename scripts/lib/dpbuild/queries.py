"""The SQL users meet in Datasette: views that spare them the joins, and canned queries for the
questions a researcher asks first. Kept in one place so tests can run every one of them.

Every view and query that shows a fact shows its caveats beside it (`caveats`: each editor's note
with its kind, contradicted ones first), so a contradicted claim is never presented as plain fact."""


def caveats_of(table: str, id_sql: str) -> str:
    """A column: the caveats on the row of `table` whose key is `id_sql`, 'Kind: note' joined with
    ' | ', those saying the claim is contradicted first; empty when there are none."""
    return (
        f"(SELECT group_concat(note, ' | ') FROM (SELECT k.label || ': ' || c.note AS note FROM caveats c "
        f"JOIN vocab_caveat_kinds k ON k.code = c.kind WHERE c.record_table = '{table}' AND c.record_id = {id_sql} "
        "ORDER BY k.contradicted DESC, c.caveat_id))"
    )


def statement_actors(link_table: str) -> str:
    """A column: the names of the actors `link_table` (statement_speakers, statement_subjects) links
    to statement s, in name order, joined with '; '."""
    return (
        f"(SELECT group_concat(name, '; ') FROM (SELECT a.name FROM {link_table} x JOIN actors a ON a.actor_id = x.actor_id "
        "WHERE x.statement_id = s.statement_id ORDER BY a.name))"
    )


def when(date: str, end: str | None, bound: str) -> str:
    """A column: what is known of a row's date, in words: the date (and its end), or, when the text
    gives none, 'date unknown, not after' the bound it gives."""
    shown = f"{date} || coalesce(' to ' || {end}, '')" if end else date
    return f"CASE WHEN {date} IS NULL THEN 'date unknown, not after ' || {bound} ELSE {shown} END"


def named(param: str) -> str:
    """A subquery: the actors one of whose name forms is the parameter, whole, folded (case,
    accents and typographic marks ignored: dpmodel.names.fold, the site's SQL function fold()),
    never a part of a name ("US" does not find Russia)."""
    return f"(SELECT actor_id FROM actors_name_forms WHERE folded = fold(:{param}))"


def popup() -> str:
    """A column: the map's popup for an event (datasette-cluster-map reads a `popup` JSON object):
    its title, what is known of its date and where, and a link to its page (relative: the view's
    page is in the same database); a field the event lacks is left out, never shown as null."""
    return (
        "json_object('title', e.title, 'description', "
        + when("e.start_date", "e.end_date", "e.not_after")
        + " || coalesce(' · ' || pl.name, ''), 'link', 'events/' || e.event_id)"
    )


# Views renamed since an earlier release: the site redirects the old address to the new one.
RENAMED_VIEWS = {"timeline": "events_full"}

VIEWS = {
    "events_full": {
        "title": "Events, in date order and on a map",
        "description": "Events in date order with their type, status, place and participants (one row per event), drawn on a map by place.",
        "sql": """
SELECT e.event_id, """
        + when("e.start_date", "e.end_date", "e.not_after")
        + """ AS "when", e.start_date, e.start_date_precision AS precision, e.end_date, e.not_after,
       e.date_basis, e.title,
       t.label AS event_type, st.label AS status, md.label AS mode,
       pl.name AS place, pl.latitude, pl.longitude,
       (SELECT group_concat(who, '; ') FROM (
            SELECT a.name || ' (' || ep.role || ')' AS who FROM event_participants ep
            JOIN actors a ON a.actor_id = ep.actor_id WHERE ep.event_id = e.event_id ORDER BY a.name)) AS participants,
       parent.title AS part_of, e.description, """
        + caveats_of("events", "e.event_id")
        + """ AS caveats,
       e.start_date_earliest, coalesce(e.start_date_latest, e.not_after_latest) AS start_date_latest,
       """
        + popup()
        + """ AS popup, e.place_names, e.participant_names, e.rowid AS search_rowid
FROM events e
JOIN vocab_event_types t ON t.code = e.event_type
JOIN vocab_event_statuses st ON st.code = e.status
LEFT JOIN vocab_event_modes md ON md.code = e.mode
LEFT JOIN places pl ON pl.place_id = e.place_id
LEFT JOIN events parent ON parent.event_id = e.parent_event_id
ORDER BY coalesce(e.start_date_earliest, e.not_after_latest), e.event_id""",
        "search": "events",
    },
    "statements_full": {
        "description": "Statements with their speakers (several for a joint statement), date, event, subjects and the sources that report them.",
        "sql": """
SELECT s.statement_id, """
        + when("s.date", None, "s.not_after")
        + """ AS "when", s.date, s.not_after, s.date_basis,
       coalesce(s.same_utterance_as, s.statement_id) AS utterance,
       """
        + statement_actors("statement_speakers")
        + """ AS speakers,
       s.kind, s.quote, s.quote_en, s.context, s.context_en,
       ev.title AS event,
       """
        + statement_actors("statement_subjects")
        + """ AS subjects,
       (SELECT group_concat(title, '; ') FROM (
            SELECT DISTINCT so.title FROM citations c JOIN sources so ON so.source_id = c.source_id
            WHERE c.record_table = 'statements' AND c.record_id = s.statement_id ORDER BY so.title)) AS sources,
       rb.name AS reported_by, """
        + caveats_of("statements", "s.statement_id")
        + """ AS caveats, s.date_earliest, s.speaker_names, s.subject_names, s.rowid AS search_rowid
FROM statements s
LEFT JOIN events ev ON ev.event_id = s.event_id
LEFT JOIN actors rb ON rb.actor_id = s.reported_by_id
ORDER BY coalesce(s.date_earliest, s.not_after_latest), s.statement_id""",
        "search": "statements",
    },
    "memberships_named": {
        "description": "Memberships and posts with the names of member, organisation and role.",
        "sql": """
SELECT m.membership_id, mem.name AS member, r.label AS role, org.name AS organisation, m.label,
       ob.name AS on_behalf_of, m.start_date, m.end_date, m.date_basis, """
        + caveats_of("memberships", "m.membership_id")
        + """ AS caveats,
       m.member_id, m.organisation_id
FROM memberships m
JOIN actors mem ON mem.actor_id = m.member_id
JOIN actors org ON org.actor_id = m.organisation_id
JOIN vocab_membership_roles r ON r.code = m.role
LEFT JOIN actors ob ON ob.actor_id = m.on_behalf_of_id
ORDER BY org.name, r.label, mem.name""",
    },
}

CANNED_QUERIES = {
    # Each query also says what its inputs are (checked when it returns no rows: an unknown name,
    # a malformed date) and what no rows means otherwise; plugins/empty.py shows why.
    "what_x_said_about_y": {
        "title": "What did X say about Y?",
        "description": "Statements by a speaker about a subject (leave the subject empty for any). Each is a whole name, in any of the forms the articles use (Lavrov, Cina, Stati Uniti, NATO), case and accents ignored; a part of a name matches nothing (US is no name of Russia). The speaker may also be a country (China: every Chinese speaker) or a group (CSTO: its members and officials). No rows means no statement in the data has both such a speaker and such a subject.",
        "sql": """
SELECT """
        + when("s.date", None, "s.not_after")
        + """ AS date, sp.name AS speaker, s.kind, s.quote, s.quote_en, s.context, ev.title AS event,
       """
        + caveats_of("statements", "s.statement_id")
        + """ AS caveats
FROM statements s
JOIN statement_speakers sk ON sk.statement_id = s.statement_id
JOIN actors sp ON sp.actor_id = sk.actor_id
LEFT JOIN events ev ON ev.event_id = s.event_id
WHERE sk.actor_id IN (
        SELECT actor_id FROM """
        + named("speaker")
        + """
        UNION SELECT a.actor_id FROM actors a JOIN actors st ON st.kind = 'state' AND st.country = a.country
              WHERE st.actor_id IN """
        + named("speaker")
        + """
        UNION SELECT member_id FROM memberships WHERE organisation_id IN """
        + named("speaker")
        + """)
  AND (:subject = '' OR s.statement_id IN (SELECT ss.statement_id FROM statement_subjects ss
                                           WHERE ss.actor_id IN """
        + named("subject")
        + """))
ORDER BY coalesce(s.date_earliest, s.not_after_latest)""",
        "params": {"speaker": "Lukashenko", "subject": "Armenia"},
        "inputs": {"speaker": "actor", "subject": "actor"},
        "empty": "No statement in the data has a speaker matching the speaker given and a subject matching the subject given: the sources may not report one.",
    },
    "csto_members_and_chairs": {
        "title": "The CSTO's members and chairs by year",
        "description": "Member states of the Collective Security Treaty Organization and the rotating chairmanship, as the sources report them, in a year (e.g. 2023) or in every year (leave it empty); a claim another source or the record contradicts says so in caveats.",
        "sql": """
SELECT a.name AS state, r.label AS role, m.start_date, m.end_date, m.date_basis, m.label,
       """
        + caveats_of("memberships", "m.membership_id")
        + """ AS caveats, m.membership_id
FROM memberships m
JOIN actors a ON a.actor_id = m.member_id
JOIN vocab_membership_roles r ON r.code = m.role
WHERE m.organisation_id = 'csto' AND m.role IN ('member', 'chair')
  AND (:year = '' OR (:year GLOB '[0-9][0-9][0-9][0-9]'
                      AND (m.start_date_earliest IS NULL OR m.start_date_earliest <= :year || '-12-31')
                      AND coalesce(m.end_date_latest, '9999-12-31') >= :year || '-01-01'))
ORDER BY m.role DESC, m.start_date, a.name""",
        "params": {"year": ""},
        "inputs": {"year": "year"},
        "empty": "No CSTO membership or chairmanship in the data is known to be held in that year.",
    },
    "actor_profile": {
        "title": "One actor's events, posts and statements",
        "description": "Everything the data says an actor did, held or said; the actor is a whole name in any of the forms the articles use (Lavrov, Cina), case and accents ignored.",
        "sql": """
WITH chosen AS """
        + named("actor")
        + """
SELECT * FROM (
  SELECT 'post' AS kind, m.start_date AS date, r.label || ' – ' || o.name AS detail,
         """
        + caveats_of("memberships", "m.membership_id")
        + """ AS caveats
  FROM memberships m JOIN actors o ON o.actor_id = m.organisation_id
  JOIN vocab_membership_roles r ON r.code = m.role WHERE m.member_id IN chosen
  UNION ALL
  SELECT 'event', """
        + when("e.start_date", None, "e.not_after")
        + """, e.title || ' (' || ep.role || ')', """
        + caveats_of("events", "e.event_id")
        + """
  FROM event_participants ep JOIN events e ON e.event_id = ep.event_id
  WHERE ep.actor_id IN chosen
  UNION ALL
  SELECT 'statement', """
        + when("s.date", None, "s.not_after")
        + """, s.quote_en, """
        + caveats_of("statements", "s.statement_id")
        + """
  FROM statements s WHERE s.statement_id IN (SELECT statement_id FROM statement_speakers WHERE actor_id IN chosen)
) ORDER BY date, kind""",
        "params": {"actor": "Lavrov"},
        "inputs": {"actor": "actor"},
        "empty": "The matching actors take part in no event, hold no post and make no statement in the data.",
    },
    "events_between": {
        "title": "Events in a date range",
        "description": "Events between two dates (YYYY-MM-DD; leave one empty for an open range). With within = certainly, only events whose reduced dates certainly fall inside; otherwise (may) every event whose date may overlap the range, such as one known only by its year, or one the text gives no date for but bounds (not after its article's publication).",
        "sql": """
SELECT t."when", t.start_date, t.end_date, e.start_date_precision AS precision, t.status, t.title, t.event_type, t.place, t.participants, t.caveats
FROM events_full t JOIN events e ON e.event_id = t.event_id
WHERE (:from = '' OR :from GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]')  -- a malformed date finds nothing, and the page says why
  AND (:to = '' OR :to GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]') AND :within IN ('certainly', 'may', '')
  AND (t.start_date_earliest <= coalesce(nullif(:to, ''), '9999-12-31') OR t.start_date_earliest IS NULL)  -- undated: any day up to its bound
  AND t.start_date_latest >= coalesce(nullif(:from, ''), '0000-01-01')
  AND (:within != 'certainly' OR (t.start_date_earliest >= coalesce(nullif(:from, ''), '0000-01-01')
       AND coalesce(e.end_date_latest, t.start_date_latest) <= coalesce(nullif(:to, ''), '9999-12-31')))
ORDER BY coalesce(t.start_date_earliest, t.start_date_latest)""",
        "params": {"from": "2023-11-01", "to": "2023-11-30", "within": "certainly"},
        "inputs": {"from": "date", "to": "date", "within": "within"},
        "empty": "No event in the data falls in that range; with within = certainly, try may, which also finds events whose date is known only to the month or year.",
    },
    "who_met_whom": {
        "title": "Who met whom",
        "description": "Pairs of actors who met: both took part in the same talks, visit, summit, consultation, conference or negotiation that occurred (planned and proposed ones, and absences, excluded). Give an actor's name, whole, in any of the forms the articles use (Italian forms included; case and accents ignored) to see its meetings, or leave it empty for all.",
        "sql": """
SELECT e.start_date, e.start_date_precision AS precision, e.title, a1.name AS actor, a2.name AS met, """
        + caveats_of("events", "e.event_id")
        + """ AS caveats
FROM event_participants p1
JOIN event_participants p2 ON p2.event_id = p1.event_id AND p2.actor_id > p1.actor_id
JOIN events e ON e.event_id = p1.event_id
JOIN actors a1 ON a1.actor_id = p1.actor_id
JOIN actors a2 ON a2.actor_id = p2.actor_id
WHERE e.event_type IN ('talks', 'visit', 'summit', 'consultation', 'conference', 'negotiation')
  AND e.status = 'occurred' AND p1.role != 'absent' AND p2.role != 'absent'
  AND (:actor = '' OR a1.actor_id IN """
        + named("actor")
        + """ OR a2.actor_id IN """
        + named("actor")
        + """)
ORDER BY e.start_date_earliest, e.title, a1.name, a2.name""",
        "params": {"actor": ""},
        "inputs": {"actor": "actor"},
        "empty": "The matching actors meet no one in an event that occurred (planned and proposed meetings are left out).",
    },
    "doubtful_claims": {
        "title": "Doubtful or contradicted claims",
        "description": "Every recorded claim an editor's caveat says is doubtful or contradicted (by another article, the established record or an outside reference), with the caveat's note and its evidence: the article's excerpt, or the reference's title, publisher, address and date (empty when the reference gives none). Each row links to the claim; give a kind (e.g. Contradicted by the established record) or leave it empty for all.",
        "sql": """
SELECT k.label AS kind, c.record_table, c.record_id, c.note, so.title AS evidence_in, c.excerpt,
       c.ref_title, c.ref_publisher, c.ref_date, c.ref_url
FROM caveats c JOIN vocab_caveat_kinds k ON k.code = c.kind
LEFT JOIN sources so ON so.source_id = c.source_id
WHERE k.contradicted AND (:kind = '' OR k.label = :kind OR k.code = :kind)
ORDER BY k.label, c.record_table, c.record_id""",
        "params": {"kind": ""},
        "inputs": {"kind": "caveat_kind"},
        "empty": "No caveat of that kind says a claim is doubtful or contradicted; leave the kind empty to see every kind.",
    },
    "citations_for_row": {
        "title": "Every citation behind a row",
        "description": "The verbatim excerpts supporting a row, each with the upstream source the article attributes it to, and then the row's caveats: give the table and the row's id (composite keys joined with '/').",
        "sql": """
SELECT 'citation' AS kind, so.title AS source, so.published_date AS date, c.excerpt,
       u.outlet AS upstream_outlet, u.title AS upstream_title, u.date AS upstream_date, u.url AS upstream_url
FROM citations c JOIN sources so ON so.source_id = c.source_id
LEFT JOIN upstream_sources u ON u.upstream_id = c.upstream_id
WHERE c.record_table = :table AND c.record_id = :id
UNION ALL
SELECT 'caveat: ' || k.label, coalesce(so.title, cv.ref_publisher), coalesce(so.published_date, cv.ref_date),
       cv.note || coalesce(' Evidence: ' || cv.excerpt, ''), NULL, cv.ref_title, cv.ref_date, cv.ref_url
FROM caveats cv JOIN vocab_caveat_kinds k ON k.code = cv.kind
LEFT JOIN sources so ON so.source_id = cv.source_id
WHERE cv.record_table = :table AND cv.record_id = :id
ORDER BY 1 DESC, 3, 4""",
        "params": {"table": "events", "id": "csto-summit-minsk-2023-11-23"},
        "inputs": {"table": "table", "id": "row"},
        "empty": "No citation or caveat names that row.",
    },
}
