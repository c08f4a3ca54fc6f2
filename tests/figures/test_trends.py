"""Figures quarter by quarter: each row is that quarter's own figures, flows between rows."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.figures.record import build_figures
from analysis.figures.trends import COLUMNS, trends
from tests.helpers.frames import SETTINGS, snapshot


@pytest.fixture
def history():
    q4 = snapshot(
        "2018-19-Q4",
        recommendations=[
            {"rec_id": "R1"},
            {"rec_id": "R2"},
            {"rec_id": "R3", "type": "Area for improvement"},
        ],
        actions=[
            {"action_id": "A1", "due_date": "2019-01-31"},
            {"action_id": "A2", "due_date": "2019-06-30"},
            {"action_id": "A3", "due_date": "2019-01-31", "risk": "Low"},
        ],
    )
    q1 = snapshot(
        "2019-20-Q1",
        recommendations=[
            {"rec_id": "R1"},
            {"rec_id": "R2", "status": "Complete"},
            {"rec_id": "R3", "type": "Area for improvement"},
            {"rec_id": "R4"},
        ],
        actions=[
            {"action_id": "A1", "due_date": "2019-01-31"},
            {"action_id": "A2", "status": "Implemented", "completed_date": "2019-06-01"},
            {"action_id": "A4", "due_date": "2019-09-30"},
            {"action_id": "A5", "due_date": "2019-06-30"},
        ],
    )
    q2 = snapshot(
        "2019-20-Q2",
        recommendations=[{"rec_id": "R4"}],
        actions=[
            {"action_id": "A1", "status": "Closed", "completed_date": "2019-08-01"},
            {"action_id": "A4", "due_date": "2019-09-30"},
        ],
    )
    return [q4, q1, q2]


def test_each_quarter_and_the_flows_between_them(history):
    table = trends(history, SETTINGS).set_index("quarter")
    assert list(table.index) == ["2018-19-Q4", "2019-20-Q1", "2019-20-Q2"]
    assert table["label"].tolist() == ["Q4 18/19", "Q1 19/20", "Q2 19/20"]
    assert table["open_recommendations"].tolist() == [2, 2, 1]
    assert table["open_areas_for_improvement"].tolist() == [1, 1, 0]
    # Q4: A1 59 days late, A2 due in June.  Q1: A1 150 days late, A5 due on as_of, A4 later.
    # Q2: A4 due on as_of; A1 closed and A5 gone from the tracker.
    assert table["outstanding"].tolist() == [2, 3, 1]
    assert table["overdue"].tolist() == [1, 2, 1]
    assert table["not_yet_due"].tolist() == [1, 1, 0]
    assert table["median_days_past_deadline"].tolist() == [59, 75, 0]
    later = table.iloc[1:]
    assert later["recommendations_opened"].tolist() == [1, 0]  # R4 opened
    assert later["recommendations_closed"].tolist() == [1, 1]  # R2 completed; R1 vanished
    assert later["actions_newly_outstanding"].tolist() == [2, 0]  # A4 and A5
    assert later["actions_no_longer_outstanding"].tolist() == [1, 2]  # A2; then A1 and A5


def test_the_first_quarter_has_no_flows(history):
    first = trends(history[:1], SETTINGS).iloc[0]
    for column in COLUMNS[-4:]:
        assert first[column] is None


def test_each_row_equals_that_quarters_own_figures(history):
    rows = trends(history, SETTINGS).to_dict(orient="records")
    for number, row in enumerate(rows):
        figures = build_figures(history[number], history[: number + 1], SETTINGS)
        assert row["open_recommendations"] == figures["recommendations"]["open"]
        assert (
            row["open_areas_for_improvement"]
            == (figures["recommendations"]["open_areas_for_improvement"])
        )
        for key in ("outstanding", "overdue", "not_yet_due", "median_days_past_deadline"):
            assert row[key] == figures["actions"][key]
        movement = figures["recommendations"]["movement"]
        if number == 0:
            assert movement is None
        else:
            assert row["recommendations_opened"] == movement["opened"]
            assert row["recommendations_closed"] == movement["closed"]
        assert figures["trends"][-1]["outstanding"] == row["outstanding"]
        assert len(figures["trends"]) == number + 1


# --- deadlines that move, and verification, across quarters ----------------------------------
def test_deadline_trend_rows_equal_each_quarters_own_figures():
    from analysis.figures.trends import DEADLINE_COLUMNS, deadline_trends

    q3 = snapshot("2018-19-Q3", actions=[{"action_id": "X", "due_date": "2018-11-30"}])
    q4 = snapshot(
        "2018-19-Q4",
        actions=[{"action_id": "X", "due_date": "2018-11-30", "revised_due_date": "2019-02-28"}],
    )
    q1 = snapshot(
        "2019-20-Q1",
        actions=[
            {"action_id": "X", "due_date": "2018-11-30", "revised_due_date": "2019-04-30"},
            {"action_id": "Y", "due_date": "2019-01-31", "revised_due_date": "2019-08-31"},
            {
                "action_id": "Z",
                "status": "Implemented",
                "completed_date": "2019-03-01",
                "verified_date": None,
            },
        ],
    )
    history = [q3, q4, q1]
    table = deadline_trends(history, SETTINGS)
    assert list(table.columns) == list(DEADLINE_COLUMNS)
    assert table["moved"].tolist() == [0, 1, 2]
    assert table["moved_after_passing"].tolist() == [0, 1, 1]
    awaiting = table["awaiting_verification"]
    assert awaiting.isna().tolist() == [True, True, False] and awaiting.iloc[2] == 1
    for i, row in table.iterrows():
        figures = build_figures(history[i], history[: i + 1], SETTINGS)
        d = figures["deadlines"]
        assert (row["moved"], row["moved_more_than_limit"], row["moved_after_passing"]) == (
            d["moved"],
            d["moved_more_than_limit"],
            d["moved_after_passing"],
        )
        verification = figures.get("verification")
        recorded = figures["deadline_trends"][-1]
        if verification is None:
            assert pd.isna(row["awaiting_verification"])
            assert recorded["awaiting_verification"] is None
        else:
            assert row["awaiting_verification"] == verification["awaiting_verification"]
            assert recorded["awaiting_verification"] == verification["awaiting_verification"]
        assert recorded["moved"] == d["moved"]
