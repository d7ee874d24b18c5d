from rule_tables import edited, lines, row_of, tables

from dpcheck.rules import evidence

CAVEAT = "tasmagambetov-ally-footnote-date"  # evidence: an article and its excerpt, no external reference
UNDATED = "ko-ko-hlaing-background-only"  # an external reference that gives no date for itself


def test_every_caveat_of_the_package_has_its_evidence():
    assert lines(evidence, tables()) == []


def test_a_caveat_without_any_evidence_is_refused():
    row = row_of("caveats", caveat_id=CAVEAT)
    assert lines(evidence, edited("caveats", {"caveat_id": CAVEAT}, source_id=None, excerpt=None)) == [
        f"data/caveats.csv:{row} source_id [cite-evidence-missing]: is empty, and so is every other piece of "
        "evidence: fill (source_id, excerpt) or (ref_title, ref_publisher, ref_url)"
    ]


def test_evidence_given_in_part_names_what_is_missing_and_what_is_filled():
    row = row_of("caveats", caveat_id=CAVEAT)
    assert lines(evidence, edited("caveats", {"caveat_id": CAVEAT}, ref_title="A title")) == [
        f"data/caveats.csv:{row} ref_publisher [cite-evidence-partial]: is required with ref_title",
        f"data/caveats.csv:{row} ref_url [cite-evidence-partial]: is required with ref_title",
    ]


def test_a_reference_may_leave_its_date_empty_but_a_date_alone_is_no_reference():
    undated = edited("caveats", {"caveat_id": UNDATED}, ref_date=None)
    assert lines(evidence, undated) == []
    row = row_of("caveats", caveat_id=CAVEAT)
    assert lines(evidence, edited("caveats", {"caveat_id": CAVEAT}, ref_date="2023-11")) == [
        f"data/caveats.csv:{row} ref_title [cite-evidence-partial]: is required with ref_date",
        f"data/caveats.csv:{row} ref_publisher [cite-evidence-partial]: is required with ref_date",
        f"data/caveats.csv:{row} ref_url [cite-evidence-partial]: is required with ref_date",
    ]
