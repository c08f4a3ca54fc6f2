"""Generated sentences must read naturally for none, one and many."""

import pytest

from analysis.presentation import wording


@pytest.mark.parametrize(
    ("n", "expected"),
    [
        (0, "no actions"),
        (1, "one action"),
        (2, "two actions"),
        (9, "nine actions"),
        (10, "10 actions"),
        (1234, "1,234 actions"),
    ],
)
def test_count_reads_naturally(n: int, expected: str) -> None:
    assert wording.count(n, "action") == expected


def test_count_pluralises_regular_and_irregular_nouns() -> None:
    assert wording.count(2, "category") == "two categories"
    assert wording.count(2, "day") == "two days"
    assert wording.count(3, "business group") == "three business groups"
    assert wording.count(2, "area for improvement", "areas for improvement") == (
        "two areas for improvement"
    )


def test_figure_keeps_digits_for_headline_numbers() -> None:
    assert wording.figure(1, "recommendation") == "1 recommendation"
    assert wording.figure(88, "recommendation") == "88 recommendations"


def test_verb_agrees_with_count() -> None:
    assert wording.verb(1, "is", "are") == "is"
    assert wording.verb(0, "is", "are") == "are"


def test_join_and_lists_like_prose() -> None:
    assert wording.join_and([]) == ""
    assert wording.join_and(["PEEL"]) == "PEEL"
    assert wording.join_and(["PEEL", "Fraud"]) == "PEEL and Fraud"
    assert wording.join_and(["a", "b", "c"], "or") == "a, b or c"


def test_breakdown_keeps_order() -> None:
    assert wording.breakdown({"Vulnerability": 53, "PEEL": 15, "Fraud": 1}) == (
        "Vulnerability (53), PEEL (15) and Fraud (1)"
    )
    assert wording.breakdown({"High": 2, "Medium": 1}, "action") == (
        "2 actions in High and 1 action in Medium"
    )


def test_percent_and_sentence() -> None:
    assert wording.percent(1, 3) == "33%"
    assert wording.percent(0, 0) == "none"
    assert wording.sentence("no actions are overdue") == "No actions are overdue."
    assert wording.sentence("Done.") == "Done."
