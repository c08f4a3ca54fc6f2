"""The panel's one statement of which actions it monitors, their deadline and when one is overdue."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from analysis.inputs.monitoring import deadline, is_monitored, is_overdue
from analysis.inputs.vocabulary import ASSURANCES, RISKS
from tests.helpers.frames import SETTINGS, actions_frame
from tests.helpers.properties import examples


@examples(50)
@given(
    pairs=st.lists(
        st.tuples(st.sampled_from([*RISKS, None]), st.sampled_from([*ASSURANCES, None])),
        max_size=12,
    ),
    threshold=st.dictionaries(
        st.sampled_from(RISKS), st.lists(st.sampled_from(ASSURANCES), unique=True).map(tuple)
    ),
)
def test_the_whole_frame_is_judged_as_each_row_would_be(pairs, threshold):
    rules = replace(SETTINGS, threshold=threshold)
    frame = actions_frame([{"risk": r, "assurance": a} for r, a in pairs])
    rows = zip(frame["risk"], frame["assurance"], strict=True)
    expected = [rules.is_monitored(r, a) for r, a in rows]
    assert is_monitored(frame, rules).tolist() == expected


def test_deadline_original_ignores_revised_date_and_revised_prefers_it():
    frame = actions_frame(
        [
            {"due_date": "2019-01-31", "revised_due_date": "2019-12-31"},
            {"due_date": "2019-02-28"},
        ]
    )
    original = deadline(frame, "original")
    revised = deadline(frame, "revised")
    assert list(original.dt.date) == [dt.date(2019, 1, 31), dt.date(2019, 2, 28)]
    assert list(revised.dt.date) == [dt.date(2019, 12, 31), dt.date(2019, 2, 28)]


def test_unknown_basis_is_refused():
    with pytest.raises(ValueError, match="basis"):
        deadline(actions_frame([{}]), "latest")


def test_overdue_is_monitored_outstanding_and_due_by_as_of():
    frame = actions_frame(
        [
            {"due_date": "2019-06-30"},  # due on as_of: overdue
            {"due_date": "2019-07-01"},  # the day after: not yet
            {"due_date": "2019-01-31", "status": "Implemented", "completed_date": "2019-02-01"},
            {"due_date": "2019-01-31", "risk": "Low"},  # below the threshold
            {"due_date": "2019-01-31", "revised_due_date": "2019-12-31"},
        ]
    )
    as_of = dt.date(2019, 6, 30)
    assert is_overdue(frame, as_of, SETTINGS).tolist() == [True, False, False, False, True]
    revised = replace(SETTINGS, deadline_basis="revised")
    assert is_overdue(frame, as_of, revised).tolist() == [True, False, False, False, False]


@pytest.mark.parametrize("basis", ["original", "revised"])
def test_every_answer_lines_up_with_the_rows_it_judges(basis):
    # A tracker filtered before it is judged keeps its own row labels (here 7, 3 and 12): each
    # answer must carry them, or a later join would pair one action with another's verdict.
    frame = actions_frame(
        [
            {"due_date": "2019-01-31"},
            {"due_date": "2019-01-31", "risk": "Low"},
            {"due_date": "2019-12-31"},
        ]
    ).set_axis([7, 3, 12])
    rules = replace(SETTINGS, deadline_basis=basis)
    monitored = is_monitored(frame, rules)
    due = deadline(frame, basis)
    overdue = is_overdue(frame, dt.date(2019, 6, 30), rules)
    for answer in (monitored, due, overdue):
        assert answer.index.tolist() == [7, 3, 12]
    assert monitored.dtype == bool and monitored.tolist() == [True, False, True]
    assert overdue.dtype == bool and overdue.to_dict() == {7: True, 3: False, 12: False}
    # Named, so that a frame built from them has columns that say what they hold.
    assert (due.name, overdue.name) == ("deadline", "is_overdue")
