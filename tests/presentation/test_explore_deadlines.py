"""Deadlines that move and work awaiting verification, in the exploration: frames in, frames out."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from analysis.figures.delays import load_rules
from analysis.figures.trends import deadline_trends
from analysis.inputs.vocabulary import OFFICIAL_SENSITIVE, RESTRICTED_ITEM
from analysis.presentation import explore, explore_app
from analysis.presentation import explore_deadlines as moved
from analysis.presentation.colours import colour_for
from analysis.quarters import Quarter
from tests.helpers.frames import SETTINGS, snapshot

OPS, PROF = "Met Operations", "Professionalism"
SECRET = "Covert fund audit"
QUARTERS = [Quarter(2019, 1), Quarter(2019, 2), Quarter(2019, 3)]

# As at 30 June, 30 September and 31 December 2019 (the quarters' last days).
#   A1 Met Operations, due 31 May, revised 31 Jul, 31 Oct, 31 Jan 2020: moved three times,
#      each time before the old deadline had passed.
#   A2 Professionalism, restricted audit: due 31 Mar, revised 30 Apr (passed by 30 June), then
#      31 Dec (a move after passing), then 31 Mar 2020: moved three times, once after passing.
#   A3 Met Operations, due 30 Jun 2020, revised in Q3 to 30 Sep 2020: moved once.
#   A4 Met Operations, due 30 Jun 2020: never moved.
#   A5 Met Operations, Implemented 1 Aug, never verified: awaiting from Q2 (the first tracker
#      with a verified_date column).
#   A6 Professionalism, Implemented 1 Sep, verified 20 Sep: not awaiting.
A2_BASE = {
    "action_id": "A2",
    "business_group": PROF,
    "audit_title": SECRET,
    "due_date": "2019-03-31",
    "marking": OFFICIAL_SENSITIVE,
    "owner": "DI Hidden",
}


def _actions(quarter: int) -> list[dict]:
    a1 = {1: "2019-07-31", 2: "2019-10-31", 3: "2020-01-31"}[quarter]
    a2 = {1: "2019-04-30", 2: "2019-12-31", 3: "2020-03-31"}[quarter]
    rows = [
        {
            "action_id": "A1",
            "business_group": OPS,
            "due_date": "2019-05-31",
            "revised_due_date": a1,
        },
        {**A2_BASE, "revised_due_date": a2},
        {
            "action_id": "A3",
            "business_group": OPS,
            "audit_title": "Audit C",
            "due_date": "2020-06-30",
            "revised_due_date": "2020-09-30" if quarter == 3 else None,
        },
        {"action_id": "A4", "business_group": OPS, "due_date": "2020-06-30"},
    ]
    if quarter >= 2:
        rows += [
            {
                "action_id": "A5",
                "business_group": OPS,
                "status": "Implemented",
                "completed_date": "2019-08-01",
                "verified_date": None,
            },
            {
                "action_id": "A6",
                "business_group": PROF,
                "status": "Implemented",
                "completed_date": "2019-09-01",
                "verified_date": "2019-09-20",
            },
        ]
    return rows


@pytest.fixture(scope="module")
def history():
    return [snapshot(q.id, actions=_actions(n)) for n, q in enumerate(QUARTERS, start=1)]


@pytest.fixture(scope="module")
def exploration(history) -> explore.Exploration:
    implemented, recorded = moved.implemented_actions(
        history, SETTINGS, explore.PACKAGED_THEME_RULES
    )
    return explore.Exploration(
        quarter=QUARTERS[-1],
        quarters=QUARTERS,
        settings=SETTINGS,
        actions=explore.outstanding_actions(history, SETTINGS, load_rules()),
        recommendations=explore.all_recommendations(history),
        as_of=QUARTERS[-1].last_day,
        as_of_by_quarter={q.id: q.last_day for q in QUARTERS},
        implemented=implemented,
        recorded_verification=tuple(recorded),
    )


def _row(frame: pd.DataFrame, quarter: str) -> dict:
    row = frame.set_index("quarter").loc[quarter].drop("label")
    return {k: None if pd.isna(v) else int(v) for k, v in row.items()}


def test_each_quarters_actions_carry_their_moves_up_to_that_quarter(exploration):
    actions = exploration.actions.set_index(["quarter", "action_id"])
    assert actions.loc[("2019-20-Q1", "A1"), "moves"] == 1
    assert actions.loc[("2019-20-Q3", "A1"), "moves"] == 3
    assert not actions.loc[("2019-20-Q3", "A1"), "moved_after_passing"]
    assert not actions.loc[("2019-20-Q1", "A2"), "moved_after_passing"]
    assert actions.loc[("2019-20-Q2", "A2"), "moved_after_passing"]
    assert actions.loc[("2019-20-Q3", "A2"), "original_due_date"] == pd.Timestamp("2019-03-31")
    assert actions.loc[("2019-20-Q3", "A2"), "current_deadline"] == pd.Timestamp("2020-03-31")
    assert actions.loc[("2019-20-Q3", "A3"), "moves"] == 1
    assert actions.loc[("2019-20-Q3", "A4"), "moves"] == 0
    assert not actions.loc[("2019-20-Q3", "A4"), "moved"]


def test_implemented_actions_are_stacked_for_the_quarters_that_record_verification(exploration):
    assert exploration.recorded_verification == ("2019-20-Q2", "2019-20-Q3")
    waiting = exploration.implemented[exploration.implemented["awaiting_verification"]]
    assert sorted(zip(waiting["quarter"], waiting["action_id"], strict=True)) == [
        ("2019-20-Q2", "A5"),
        ("2019-20-Q3", "A5"),
    ]


def test_unfiltered_counts_per_quarter_equal_the_papers_deadline_trends(exploration, history):
    shown = explore.view(exploration)
    expected = deadline_trends(history, SETTINGS)
    for quarter in expected["quarter"]:
        assert _row(shown.deadline_counts, quarter) == _row(expected, quarter), quarter
    assert shown.deadlines_focus == {
        "moved": 3,
        "moved_more_than_limit": 2,
        "moved_after_passing": 1,
        "awaiting_verification": 1,
    }
    assert _row(shown.deadline_counts, "2019-20-Q1")["awaiting_verification"] is None


def test_the_counts_and_the_table_follow_the_filters(exploration):
    shown = explore.view(exploration, business_group="met operations")
    assert shown.deadlines_focus == {
        "moved": 2,
        "moved_more_than_limit": 1,
        "moved_after_passing": 0,
        "awaiting_verification": 1,
    }
    assert list(shown.moved_over_limit["Action"]) == ["A1"]
    prof = explore.view(exploration, business_group=PROF)
    assert prof.deadlines_focus["awaiting_verification"] == 0
    assert list(prof.moved_over_limit["Action"]) == ["A2"]
    by_audit = explore.view(exploration, audit="Audit C")
    assert by_audit.deadlines_focus["moved"] == 1 and by_audit.moved_over_limit.empty
    earlier = explore.view(exploration, "2019-20-Q2")
    assert earlier.moved_over_limit.empty
    assert list(earlier.deadline_counts["quarter"]) == ["2019-20-Q1", "2019-20-Q2"]


def test_the_table_lists_as_the_paper_does_with_restricted_text_hidden(exploration):
    table = explore.view(exploration).moved_over_limit
    assert list(table.columns) == list(moved.MOVED_OVER_LIMIT_COLUMNS)
    assert table.to_dict(orient="records") == [
        {
            "Action": "A1",
            "Audit": "Audit A",
            "Business group": OPS,
            "Original deadline": pd.Timestamp("2019-05-31").date(),
            "Current deadline": pd.Timestamp("2020-01-31").date(),
            "Times moved": 3,
            "Moved after it had passed": "no",
        },
        {
            "Action": "A2",
            "Audit": RESTRICTED_ITEM,
            "Business group": PROF,
            "Original deadline": pd.Timestamp("2019-03-31").date(),
            "Current deadline": pd.Timestamp("2020-03-31").date(),
            "Times moved": 3,
            "Moved after it had passed": "yes",
        },
    ]
    # A picked bar narrows the table as it does the drill-down.
    picked = explore.view(exploration, picked_group=PROF).moved_over_limit
    assert list(picked["Action"]) == ["A2"]


def test_the_chart_series_leave_a_gap_where_verification_was_not_recorded():
    counts = pd.DataFrame(
        {
            "quarter": ["2019-20-Q1", "2019-20-Q2"],
            "label": ["Q1 19/20", "Q2 19/20"],
            "moved": [2, 3],
            "moved_more_than_limit": [0, 1],
            "moved_after_passing": [0, 1],
            "awaiting_verification": pd.array([pd.NA, 4], dtype="Int64"),
        }
    )
    long = moved.deadline_series(counts, limit=3)
    assert set(long["series"]) == {
        "Deadline moved",
        "Moved more than three times",
        "Moved after it had passed",
        "Awaiting verification",
    }
    waiting = long[long["series"] == "Awaiting verification"]
    assert list(zip(waiting["quarter"], waiting["value"], strict=True)) == [("2019-20-Q2", 4)]
    assert len(long) == 7


def test_the_page_shows_the_deadlines_and_redraws_them_for_a_business_group(exploration):
    app = explore_app.ExploreApp(exploration)
    assert 'data-count="moved_more_than_limit">2<' in app.deadlines.value
    assert "more than twice" in app.deadlines.value
    spec = app.slots["deadlines_trend"].shown.spec
    values = next(iter(spec["datasets"].values()))
    assert {(r["label"], r["series"]): r["value"] for r in values}[
        ("Q3 19/20", "Deadline moved")
    ] == 3
    scale = spec["encoding"]["color"]["scale"]
    assert scale["range"] == [colour_for(name) for name in scale["domain"]]
    assert len(set(scale["range"])) == 4
    assert "A1" in app.moved_table.value and "A2" in app.moved_table.value
    assert RESTRICTED_ITEM in app.moved_table.value
    app.controls["business_group"].value = OPS
    assert 'data-count="moved_more_than_limit">1<' in app.deadlines.value
    assert "A1" in app.moved_table.value and "A2" not in app.moved_table.value
    values = next(iter(app.slots["deadlines_trend"].shown.spec["datasets"].values()))
    assert {(r["label"], r["series"]): r["value"] for r in values}[
        ("Q3 19/20", "Deadline moved")
    ] == 2
    app.controls["business_group"].value = explore_app.ALL
    page = app.deadlines.value + app.moved_table.value + json.dumps(spec)
    assert SECRET not in page and "DI Hidden" not in page
    assert app.last_redraw_seconds > 0  # measured for the benchmark (benchmarks/bench_explore.py)
