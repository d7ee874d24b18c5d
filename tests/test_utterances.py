"""One utterance, several reports: a statement row is one article's report of what was said; the
rows that re-report words another row reports first name it in same_utterance_as, and every count
of statements (the dashboard, the README) counts utterances."""

import sqlite3

import pytest

from dpbuild import dashboard

# The March 2023 Putin–Xi declaration that ties were entering a "new era", reported by two articles.
DECLARATION = ["vladimir-putin-ties-entering-new-era-2023-03", "vladimir-putin-xi-jinping-welcome-new-era-2023-03"]


@pytest.fixture(scope="module")
def db(dist):
    connection = sqlite3.connect(next(dist.glob("*.db")))
    yield connection
    connection.close()


def test_the_march_2023_declaration_is_one_utterance_with_two_reports(db):
    marks = ", ".join("?" * len(DECLARATION))
    utterances = db.execute(
        f"SELECT DISTINCT coalesce(same_utterance_as, statement_id) FROM statements WHERE statement_id IN ({marks})",
        DECLARATION,
    ).fetchall()
    reports = db.execute(f"SELECT count(*) FROM statements WHERE statement_id IN ({marks})", DECLARATION).fetchone()
    assert (len(utterances), reports[0]) == (1, 2)


def test_the_dashboard_counts_each_speakers_utterances_once(db):
    query = dashboard.CHARTS["statements-by-speaker"]["query"]
    counted = {speaker: n for speaker, n, _ in db.execute(query)}
    reports = db.execute(
        "SELECT count(*) FROM statement_speakers sk JOIN actors a ON a.actor_id = sk.actor_id WHERE a.name = ?",
        ["Vladimir Putin"],
    ).fetchone()[0]
    assert counted["Vladimir Putin"] < reports  # the declaration's two reports count once
