from rule_tables import edited, lines, row_of, tables

from dpcheck.rules import evidence

CAVEAT = "tasmagambetov-ally-footnote-date"  # evidence: an article and its excerpt, no external reference


def test_every_caveat_of_the_package_has_its_evidence():
    assert lines(evidence, tables()) == []


def test_a_caveat_without_any_evidence_is_refused():
    row = row_of("caveats", caveat_id=CAVEAT)
    assert lines(evidence, edited("caveats", {"caveat_id": CAVEAT}, source_id=None, excerpt=None)) == [
        f"data/caveats.csv:{row} source_id [cite-evidence-missing]: is empty, and so is every other piece of "
        "evidence: fill (source_id, excerpt) or (ref_title, ref_publisher, ref_date, ref_url)"
    ]


def test_evidence_given_in_part_names_what_is_missing():
    row = row_of("caveats", caveat_id=CAVEAT)
    assert lines(evidence, edited("caveats", {"caveat_id": CAVEAT}, ref_title="A title")) == [
        f"data/caveats.csv:{row} ref_publisher [cite-evidence-partial]: is required with ref_title, ref_date, ref_url",
        f"data/caveats.csv:{row} ref_date [cite-evidence-partial]: is required with ref_title, ref_publisher, ref_url",
        f"data/caveats.csv:{row} ref_url [cite-evidence-partial]: is required with ref_title, ref_publisher, ref_date",
    ]
