"""scripts/text_coverage.py: which sentences, quotations and dates of an article the data accounts for.

The finders are shown on short Italian strings; the report on copies of the package in which the
citations of one quotation have been taken out on purpose. Tests on the package first excuse
every item the data does not yet account for, so that they hold while the data is incomplete.
"""

from __future__ import annotations

import csv
import io
import re
import subprocess
import sys
from contextlib import redirect_stdout
from pathlib import Path

import pytest

from dpcheck import text_coverage as cov

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "text_coverage.py"

SOURCE = "2022-04-china-csto-li-zhanshu"
ARTICLE = f"articles/{SOURCE}.txt"
QUOTE = "letteralmente tutte le questioni urgenti e importanti"  # line 11 of the article
LONG_QUOTE = (
    "La parte cinese intende continuare a sviluppare una cooperazione flessibile e diversificata "
    "con la Russia e i paesi membri del Csto e sostenere la sicurezza e la stabilità nella regione"
)


def spans(text):
    found = cov.quoted_spans(text)
    assert all(text[start:end] == span for start, end, span in found)
    return [span for _, _, span in found]


def dates(text):
    found = cov.explicit_dates(text)
    assert all(text[start:end] == date for start, end, date in found)
    return [date for _, _, date in found]


# --- quoted spans ---------------------------------------------------------------------------


def test_guillemets_give_their_inner_text():
    assert spans("«Siamo pronti a continuare», ha detto Li Zhanshu.") == ["Siamo pronti a continuare"]


def test_curly_quotes_give_their_inner_text():
    assert spans("salutando la natura “strategica” dei legami") == ["strategica"]


def test_straight_quotes_pair_left_to_right():
    text = 'Xi: "Vogliamo rafforzare cooperazione militare", un rapporto "resiliente".'
    assert spans(text) == ["Vogliamo rafforzare cooperazione militare", "resiliente"]


def test_an_unmatched_straight_quote_is_ignored():
    assert spans('una situazione "complicata" e un " rimasto solo') == ["complicata"]


def test_straight_quotes_do_not_pair_across_lines():
    assert spans('Titolo "senza chiusura\nParagrafo con "una citazione" dentro') == ["una citazione"]


def test_all_three_styles_in_one_paragraph_in_text_order():
    text = 'Disse «primo», poi “secondo” e infine "terzo".'
    assert spans(text) == ["primo", "secondo", "terzo"]


def test_empty_quotes_are_skipped():
    assert spans('«» “” "" e basta') == []


def test_a_closing_mark_used_as_opening_still_quotes():
    assert spans("Ricordiamo che nell’”ora X”, quando") == ["ora X"]


# --- explicit dates -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        ("durante una conferenza stampa il 30 marzo che", ["30 marzo"]),
        ("Il 15 dicembre 2021, la Tass riportava", ["15 dicembre 2021"]),
        ("il 2 Ottobre 2023 si è tenuta", ["2 Ottobre 2023"]),
        ("a Mosca il 26-27 ottobre si è svolta", ["26-27 ottobre"]),
        ("il 1° maggio", ["1° maggio"]),
        ("negli Stati Uniti nel settembre 2023 a Minsk", ["settembre 2023"]),
        ("(Opinione Pubblica 06.12.23)", ["06.12.23"]),
        ("BELTA, 23.11.2022. https://www.belta.by/", ["23.11.2022"]),
        (" date 2022-04 La Cina considera", ["2022-04"]),
        ("in data 2023-11-20 a Minsk", ["2023-11-20"]),
    ],
)
def test_explicit_dates_are_found(text, expected):
    assert dates(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "nel 2023 la CSTO ha fornito assistenza",
        "l’esercitazione “Interaction-2023”, con la Forza",
        "nel periodo 2024-2025 la CSTO",
        "https://iz.ru/1608057/2023-11-20/gensek-odkb",
        "il protocollo 2022-04-B7 del registro",
        "il viaggio di Putin a Pechino, previsto per maggio",
        "tra le maggiori potenze del XXI secolo",
        "il 75° anniversario delle relazioni",
    ],
)
def test_no_explicit_date(text):
    assert dates(text) == []


def test_an_item_must_lie_inside_one_excerpt_not_across_two():
    assert cov.inside_one(5, 10, [(0, 12)])
    assert not cov.inside_one(5, 10, [(0, 7), (7, 12)])


# --- the report on a copy of the package ----------------------------------------------------


def run(pkg, *args):
    """Exit code and printed lines of scripts/text_coverage.py on the copy."""
    out = io.StringIO()
    with redirect_stdout(out):
        code = cov.main([str(pkg.descriptor), *args])
    return code, out.getvalue().splitlines()


def write_exclusions(pkg, rows, reason="assessment"):
    """The exclusions file of the copy: rows of (source_id, text, note), each with `reason`."""
    file = pkg.root / "articles" / "coverage_exclusions.csv"
    file.parent.mkdir(exist_ok=True)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["source_id", "text", "reason", "note"])
    writer.writerows((source, text, reason, note) for source, text, note in rows)
    file.write_text(out.getvalue(), encoding="utf-8")


def everything_missing_excused(pkg):
    """Exclusions for whatever the copy's data does not account for yet, so its run passes."""
    write_exclusions(pkg, [])
    results = cov.measure(pkg.descriptor)
    rows = {(s.source_id, item.text, "test: not yet distilled") for s in results.sources for item in s.missing}
    write_exclusions(pkg, sorted(rows))
    return sorted(rows)


def uncite(pkg, source_id, quote):
    """Remove the citations of source_id whose excerpt, or whose statement's quote, holds quote."""
    _, statements = pkg.read("statements")
    quotes = {s["statement_id"]: s["quote"] for s in statements}
    fields, citations = pkg.read("citations")

    def covers(c):
        return c["source_id"] == source_id and (
            quote in c["excerpt"] or (c["record_table"] == "statements" and quote in quotes.get(c["record_id"], ""))
        )

    kept = [c for c in citations if not covers(c)]
    assert len(kept) < len(citations), f"no citation of {source_id} covers {quote!r}"
    pkg.write("citations", fields, kept)


def item(pkg, source_id, text):
    result = next(s for s in cov.measure(pkg.descriptor).sources if s.source_id == source_id)
    return [i for i in result.items if i.text == text]


def test_a_quote_whose_citations_are_removed_is_reported(pkg):
    excused = everything_missing_excused(pkg)
    assert (SOURCE, QUOTE, "test: not yet distilled") not in excused, "the quote should be cited in the real data"
    code, lines = run(pkg)
    assert code == 0, "\n".join(lines)

    uncite(pkg, SOURCE, QUOTE)
    code, lines = run(pkg)

    assert code == 1
    assert f"  {ARTICLE}:11 quote: '{QUOTE}'" in lines
    header = next(line for line in lines if line.startswith(f"{SOURCE}: "))
    assert not header.endswith(" 100%")


def test_an_exclusion_accounts_for_the_uncited_quote(pkg):
    uncite(pkg, SOURCE, QUOTE)
    excused = [row for row in everything_missing_excused(pkg) if row[1] != QUOTE]  # its sentence too
    write_exclusions(pkg, excused + [(SOURCE, QUOTE, "test: the quote is excused")])

    code, lines = run(pkg)

    assert code == 0, "\n".join(lines)
    assert not any(QUOTE in line for line in lines)
    assert [i.by for i in item(pkg, SOURCE, QUOTE)] == ["exclusion"]


def test_a_long_quote_may_be_excluded_as_printed(pkg):
    uncite(pkg, SOURCE, LONG_QUOTE)
    excused = [row for row in everything_missing_excused(pkg) if not LONG_QUOTE.startswith(row[1].rstrip("…"))]
    write_exclusions(pkg, excused)
    code, lines = run(pkg)
    printed = next(line for line in lines if line.startswith(f"  {ARTICLE}:9 quote: "))
    as_printed = printed.split(" quote: ", 1)[1][1:-1]
    assert code == 1 and as_printed.endswith("…") and as_printed != LONG_QUOTE

    write_exclusions(pkg, excused + [(SOURCE, as_printed, "test: excused as printed")])

    code, lines = run(pkg)
    assert code == 0, "\n".join(lines)


def test_a_stale_exclusion_is_reported_and_fails(pkg):
    write_exclusions(pkg, [])
    code, lines = run(pkg, "--min", "0")
    assert code == 0, "\n".join(lines)

    write_exclusions(pkg, [(SOURCE, "una frase che non è nell'articolo", "test: stale")])
    code, lines = run(pkg, "--min", "0")

    assert code == 1
    assert (
        "articles/coverage_exclusions.csv:2 stale exclusion: 'una frase che non è nell'articolo' "
        f"is not a sentence, quote or date of {SOURCE}; remove or correct it"
    ) in lines


def test_an_exclusion_under_the_wrong_source_is_stale(pkg):
    write_exclusions(pkg, [("2024-04-lavrov-beijing-visit", QUOTE, "test: wrong source")])
    code, lines = run(pkg, "--min", "0")
    assert code == 1
    assert any("stale exclusion" in line and QUOTE in line for line in lines)


def test_only_the_cited_occurrence_of_a_repeated_quote_is_accounted_for(pkg):
    source = "2022-12-putin-xi-video-call"
    quote = "complicata e tutt'altro che univoca"  # on lines 5 and 11
    write_exclusions(pkg, [])  # the package's own list excuses the line-5 occurrence
    if any(i.by == "data" for i in item(pkg, source, quote)):
        uncite(pkg, source, quote)
    pkg.add(
        "citations",
        {
            "record_table": "events",
            "record_id": "any-event",
            "source_id": source,
            "excerpt": f'una situazione internazionale definita "{quote}"',
        },
    )

    assert [(i.line, i.by) for i in item(pkg, source, quote)] == [(5, None), (11, "data")]


def test_every_occurrence_of_an_excerpt_covers(pkg):
    source = "2022-12-putin-xi-video-call"
    quote = "complicata e tutt'altro che univoca"
    if any(i.by == "data" for i in item(pkg, source, quote)):
        uncite(pkg, source, quote)
    pkg.add(
        "citations", {"record_table": "events", "record_id": "any-event", "source_id": source, "excerpt": f'"{quote}"'}
    )

    assert [(i.line, i.by) for i in item(pkg, source, quote)] == [(5, "data"), (11, "data")]


def test_the_quote_of_a_statement_the_source_is_cited_for_covers(pkg):
    _, statements = pkg.read("statements")
    statement_id = next(s["statement_id"] for s in statements if s["quote"] == QUOTE)
    uncite(pkg, SOURCE, QUOTE)
    assert [i.by for i in item(pkg, SOURCE, QUOTE)] == [None]

    # An excerpt elsewhere in the article: the statement's own quote is what covers the quotation.
    pkg.add(
        "citations",
        {
            "record_table": "statements",
            "record_id": statement_id,
            "source_id": SOURCE,
            "excerpt": "Putin e Xi Jinping hanno anche parlato di relazioni bilaterali",
        },
    )

    assert [i.by for i in item(pkg, SOURCE, QUOTE)] == ["data"]


def test_a_citation_of_another_source_does_not_cover(pkg):
    uncite(pkg, SOURCE, QUOTE)
    pkg.add(
        "citations",
        {
            "record_table": "events",
            "record_id": "any-event",
            "source_id": "2024-04-lavrov-beijing-visit",
            "excerpt": QUOTE,
        },
    )

    assert [i.by for i in item(pkg, SOURCE, QUOTE)] == [None]


def test_the_report_has_one_header_per_source_and_a_summary(pkg):
    write_exclusions(pkg, [])
    code, lines = run(pkg, "--min", "0")
    headers = [line for line in lines if not line.startswith(" ") and ": sentences " in line]
    _, sources = pkg.read("sources")
    assert [h.split(":")[0] for h in headers] == [s["source_id"] for s in sources]
    assert all(re.fullmatch(r"[\w-]+: sentences \d+/\d+ \(\d+ cited, \d+ excluded\), \d+(\.\d)?%", h) for h in headers)
    counts = [lines[lines.index(h) + 1] for h in headers]  # the quotations, dates and footnotes below each
    assert all(re.fullmatch(r"  quotes \d+/\d+, dates \d+/\d+, (footnotes \d+/\d+, )?\d+(\.\d)?%", c) for c in counts)
    assert re.fullmatch(r"sentences: \d+(\.\d)?% \(\d+ of \d+ accounted for: \d+ cited, \d+ excluded.*\)", lines[-2])
    assert re.fullmatch(r"coverage: \d+(\.\d)?% \(\d+ of \d+ items accounted for\)", lines[-1])
    assert code == 0


def test_a_missing_descriptor_is_one_line_and_exit_1(tmp_path):
    result = subprocess.run(
        [sys.executable, str(SCRIPT), str(tmp_path / "datapackage.json")], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        f"coverage: cannot measure: datapackage.json [descriptor-not-found]: descriptor not found at {tmp_path / 'datapackage.json'}"
    ]
    assert result.stderr == ""


def test_an_unreadable_citations_table_is_one_line_and_exit_1(pkg):
    pkg.path("citations").write_bytes(b"record_table,record_id\n\xff\n")
    code, lines = run(pkg)
    assert code == 1
    assert len(lines) == 1 and lines[0].startswith("coverage: cannot measure: data/citations.csv:")


def test_the_real_data_accounts_for_every_sentence_quote_and_date(capsys):
    """make test fails below 100 %: every sentence, quotation and explicit date of the five articles
    is supported by a citation or listed, with a reason, in articles/coverage_exclusions.csv."""
    assert cov.main([str(ROOT / "datapackage.json")]) == 0, capsys.readouterr().out


def test_a_footnote_is_accounted_for_by_its_upstream_source(pkg):
    source, url = (
        "2023-12-csto-belarus-chairmanship",
        "https://iz.ru/1608057/2023-11-20/gensek-odkb-zaiavil-o-sniatii-armeniei-s-povestki-sammita-dokumenta-o-pomoshchi-strane",
    )
    footnotes = [
        i
        for i in next(s for s in cov.measure(pkg.descriptor).sources if s.source_id == source).items
        if i.kind == "footnote"
    ]
    assert len(footnotes) == 8 and all(i.by == "data" for i in footnotes)

    pkg.remove("upstream_sources", upstream_id="izvestia-2023-11-20-armenia-assistance-document")
    result = next(s for s in cov.measure(pkg.descriptor).sources if s.source_id == source)
    missing = [(i.kind, i.text) for i in result.missing if i.kind != "sentence"]  # the footnote's line, too
    assert ("footnote", next(i.text for i in footnotes if url in i.text)) in missing
    assert len(missing) == 1
    code, lines = run(pkg)
    assert code == 1
    assert "  quotes 35/35, dates 20/20, footnotes 7/8, 98.4%" in lines


# --- hostile excerpts: bounded work, and a line for each excerpt capped --------------------


@pytest.mark.parametrize(
    "excerpts_of",
    [
        lambda n: ["a" * i for i in range(1, n + 1)],  # the probe's 40 nested excerpts (49 s and 1.4 GB before)
        lambda n: ["a"] * (n * 50),  # one excerpt, cited by many rows
        lambda n: ["aa", "aaa"] * n,  # overlapping, repeated
    ],
)
def test_nested_and_repeated_excerpts_of_a_long_article_are_measured_in_bounded_work(pkg, monkeypatch, excerpts_of):
    from dpmodel import excerpts

    works = []
    real = excerpts.find
    monkeypatch.setattr(excerpts, "find", lambda *a, **k: works.append((found := real(*a, **k)).work) or found)
    text = "a" * 260_000
    (pkg.root / ARTICLE).write_text(text)
    fields, rows = pkg.read("citations")
    model = next(r for r in rows if r["source_id"] == SOURCE)
    wanted = excerpts_of(40)
    pkg.write(
        "citations", fields, rows + [{**model, "record_id": f"{model['record_id']}", "excerpt": e} for e in wanted]
    )
    code, lines = run(pkg)
    distinct = set(wanted)
    assert sum(works) <= 2 * (len(text) * 2 + sum(map(len, distinct)) + len(distinct) * excerpts.CAP) + 100_000
    capped = [line for line in lines if "occurs more than" in line]
    assert len(capped) == len(distinct) and all(line.startswith(f"{ARTICLE}: ") for line in capped)


# --- sentences ----------------------------------------------------------------------------------


def test_sentences_are_split_with_italian_rules_within_each_paragraph():
    text = "Il sig. Rossi è arrivato a Mosca. Poi è ripartito\nTitolo senza punto\n\n\u00a0\nUltima frase."
    found = cov.sentences(text)
    assert [sentence for _, _, sentence in found] == [
        "Il sig. Rossi è arrivato a Mosca.",
        "Poi è ripartito",
        "Titolo senza punto",
        "Ultima frase.",
    ]
    assert all(text[start:end] == sentence for start, end, sentence in found)


def test_a_sentence_is_supported_by_an_excerpt_sharing_fifteen_characters_with_it():
    # "Una frase abbastanza lunga da contare. Seconda.": the first sentence is [0, 38), the second [39, 47).
    covered = [(0, 14), (20, 36)]  # 14 characters of the first sentence, then 16 of it
    intervals, ends = cov.Intervals(covered), [end for _, end in covered]
    assert intervals.overlap(0, 38, ends) == 16
    assert cov.Intervals(covered[:1]).overlap(0, 38, [14]) == 14 < cov.MIN_OVERLAP
    assert intervals.overlap(39, 47, ends) == 0


def test_a_sentence_whose_citations_are_removed_is_reported_until_excluded_with_a_reason(pkg):
    excused = everything_missing_excused(pkg)
    sentence = "Putin e Xi Jinping hanno anche parlato di relazioni bilaterali e di incontri futuri."
    text = (pkg.root / ARTICLE).read_text(encoding="utf-8")
    start = text.index(sentence)
    _, statements = pkg.read("statements")
    quotes = {s["statement_id"]: s["quote"] for s in statements}

    def overlaps(c) -> bool:  # some occurrence of what the citation quotes shares a character with the sentence
        said = [c["excerpt"]] + ([quotes[c["record_id"]]] if c["record_table"] == "statements" else [])
        return any(
            at < start + len(sentence) and start < at + len(words)
            for words in said
            for at in [i for i in range(len(text)) if text.startswith(words, i)]
        )

    fields, citations = pkg.read("citations")
    pkg.write("citations", fields, [c for c in citations if c["source_id"] != SOURCE or not overlaps(c)])
    code, lines = run(pkg, "--min", "0")
    assert f"  {ARTICLE}:11 sentence: '{cov.shortened(sentence)}'" in lines, "\n".join(lines)

    write_exclusions(pkg, excused + [(SOURCE, sentence, "test")])
    results = cov.measure(pkg.descriptor)
    found = next(s for s in results.sources if s.source_id == SOURCE)
    assert [i.by for i in found.sentences if i.text == sentence] == ["exclusion"]
    assert results.reasons["assessment"] >= 1


def test_an_exclusion_whose_reason_is_not_a_code_fails(pkg):
    excused = everything_missing_excused(pkg)
    write_exclusions(pkg, excused[:1], reason="not interesting")
    code, lines = run(pkg, "--min", "0")
    assert code == 1
    assert any(
        line.startswith("articles/coverage_exclusions.csv:2 reason: 'not interesting' is not one of: ")
        for line in lines
    )


def test_a_paragraph_longer_than_the_splitter_takes_at_once_is_split_in_pieces_without_changing_it():
    """sentencex's time grows faster than its input: a 256 KB paragraph took minutes in one piece.
    Pieces of at most MAX_PIECE characters, cut after a sentence's end or a space, keep every
    sentence a verbatim slice of the text (and leave real paragraphs, far shorter, as they were)."""
    line = "Il vertice si è tenuto a Minsk. " * 1000  # 32,000 characters, one line
    found = cov.sentences(line)
    assert [line[s:e] for s, e, _ in found] == [t for _, _, t in found]
    assert len(found) == 1000 and all(t == "Il vertice si è tenuto a Minsk." for _, _, t in found)
    pieces = list(cov._pieces(line))
    assert len(pieces) > 1 and "".join(p for _, p in pieces) == line
    assert all(len(p) <= cov.MAX_PIECE for _, p in pieces)
