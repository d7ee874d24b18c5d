from rule_tables import edited, lines, row_of, tables

from dpcheck.rules import required_when

BACKGROUND = {"caveat_id": "ko-ko-hlaing-background-only"}  # kind background_only: rests on the public record
TRANSLATION = {"caveat_id": "kazakhstan-chair-cadenza-term"}  # kind translation: rests on the text


def test_every_caveat_that_rests_on_the_public_record_names_its_reference():
    assert lines(required_when, tables()) == []


def test_a_background_only_caveat_without_its_reference_is_refused():
    row = row_of("caveats", **BACKGROUND)
    broken = edited("caveats", BACKGROUND, ref_title=None, ref_url=None)
    assert lines(required_when, broken) == [
        f"data/caveats.csv:{row} ref_title [cite-reference-missing]: is empty, but kind 'background_only' rests on "
        "the public record: fill ref_title, ref_publisher, ref_url",
        f"data/caveats.csv:{row} ref_url [cite-reference-missing]: is empty, but kind 'background_only' rests on "
        "the public record: fill ref_title, ref_publisher, ref_url",
    ]


def test_the_lookup_list_decides_which_kinds_need_a_reference():
    row = row_of("caveats", **TRANSLATION)  # a translation note without any reference: allowed
    flagged = edited("vocab_caveat_kinds", {"code": "translation"}, rests_on_record="true")
    assert (
        f"data/caveats.csv:{row} ref_title [cite-reference-missing]: is empty, but kind 'translation' rests on "
        "the public record: fill ref_title, ref_publisher, ref_url"
    ) in lines(required_when, flagged)
