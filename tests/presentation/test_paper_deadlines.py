"""The section on moved deadlines and verification, from tiny hand-built histories."""

from __future__ import annotations

from analysis.inputs.vocabulary import OFFICIAL_SENSITIVE, RESTRICTED_ITEM
from analysis.presentation import paper, paper_context, paper_deadlines
from tests.helpers.frames import SETTINGS, snapshot


def ctx_for(history_rows, current_rows):
    earlier = [snapshot(q, actions=rows) for q, rows in history_rows]
    current = snapshot("2019-20-Q1", actions=current_rows)
    return paper_context.context_from(current, [*earlier, current], SETTINGS)


def test_nothing_moved():
    ctx = ctx_for([("2018-19-Q4", [{"action_id": "X"}])], [{"action_id": "X"}])
    assert paper.moved_text(ctx) == (
        "None of the 1 outstanding action has had its deadline moved in the quarterly "
        "snapshots since Q4 18/19."
    )
    assert paper.moved_groups_table(ctx).empty
    assert paper.moved_over_limit_markdown(ctx) == ""
    assert paper.slip_chart_data(ctx).empty
    assert paper.verification_markdown(ctx).startswith("The action tracker does not yet record")


def test_moved_three_times_after_passing_is_listed_restricted_text_hidden():
    secret = {
        "action_id": "S",
        "audit_title": "Operation Nightjar",
        "marking": OFFICIAL_SENSITIVE,
        "business_group": "Met HQ",
        "due_date": "2018-06-30",
    }
    ctx = ctx_for(
        [
            ("2018-19-Q2", [{**secret, "revised_due_date": "2018-09-30"}]),
            ("2018-19-Q3", [{**secret, "revised_due_date": "2018-12-31"}]),
        ],
        [{**secret, "revised_due_date": "2019-12-31"}],
    )
    text = paper.moved_text(ctx)
    assert text.startswith(
        "Of the 1 outstanding action, 1 has had its deadline moved in the quarterly snapshots "
        "since Q2 18/19: one three times."
    )
    assert "One action has been moved more than twice" in text
    assert "Of the moved actions, one was moved only after the earlier deadline had passed." in (
        text
    )
    assert (
        "Half of the moved actions now fall due 549 days or more" in text
    )  # 30 Jun 18 - 31 Dec 19
    listed = paper.moved_over_limit_markdown(ctx)
    assert RESTRICTED_ITEM in listed and "Nightjar" not in listed
    assert "30 June 2018" in listed and "31 December 2019" in listed
    table = paper.moved_groups_table(ctx)
    assert table.iloc[0].tolist() == ["Met HQ", 1, 1, 1]
    assert paper.slip_chart_data(ctx).to_dict("list") == {"slip": ["1-2 years"], "count": [1]}


def test_verification_paragraph_and_table():
    rows = [
        {"status": "Implemented", "completed_date": "2019-01-02", "verified_date": None},
        {"status": "Implemented", "completed_date": "2019-06-02", "verified_date": "2019-06-20"},
    ]
    ctx = ctx_for([], rows)
    text = paper.verification_markdown(ctx)
    assert "In Q1 19/20 owners reported one monitored action implemented." in text
    assert (
        "Of the actions reported implemented, one awaits verification; it was reported "
        "implemented 179 days before 30 June 2019."
    ) in text
    table = paper_deadlines.verification_table(ctx)
    assert table.values.tolist() == [["Met Operations", 1, 1], ["Total", 1, 1]]
