from rule_tables import edited, lines, row_of, tables

from dpcheck.rules import same_as

FIRST = "alexander-lukashenko-csto-challenges-2022-11-23"
SECOND = "alexander-lukashenko-chairmanship-motto-2022-11"
THIRD = "alexander-lukashenko-csto-un-sco-2023-06-20"


def _statement(statement_id: str) -> dict:
    return {"statement_id": statement_id}


def test_every_later_report_of_the_package_names_the_first():
    assert lines(same_as, tables()) == []


def test_a_later_report_names_the_first_directly():
    broken = edited("statements", _statement(SECOND), same_utterance_as=FIRST)
    assert lines(same_as, broken) == []
    broken = edited("statements", _statement(THIRD), base=broken, same_utterance_as=SECOND)
    assert lines(same_as, broken) == [
        f"data/statements.csv:{row_of('statements', statement_id=THIRD)} same_utterance_as [same-as-chain]: "
        f"'{SECOND}' itself names another row in same_utterance_as; name the first one instead"
    ]
