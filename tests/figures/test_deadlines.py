"""Deadlines that move: hand-built histories, then properties over random ones."""

from __future__ import annotations

import datetime as dt
import statistics

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analysis.figures import actions as act
from analysis.figures import deadlines
from analysis.inputs.vocabulary import RESTRICTED_ITEM
from tests.helpers.frames import AS_OF, Q1_1920, SETTINGS, actions_frame

AS_OFS = [dt.date(2018, 12, 31), dt.date(2019, 3, 31), dt.date(2019, 6, 30)]


def tracker(rows: dict[str, dict]) -> pd.DataFrame:
    return actions_frame([{"action_id": i, **row} for i, row in rows.items()])


def moves_of(snapshots, as_ofs=AS_OFS, limit=2):
    ids = snapshots[-1]["action_id"]
    return deadlines.action_moves(deadlines.deadline_history(snapshots, as_ofs, ids), limit)


def figures_of(snapshots, as_ofs=AS_OFS, limit=2):
    classified = act.classify(snapshots[-1], as_ofs[-1], Q1_1920, SETTINGS)
    frame = deadlines.with_moves(classified, moves_of(snapshots, as_ofs, limit))
    return deadlines.summary(frame, limit), frame


# --- one action's history ---------------------------------------------------------------------
def test_history_lists_the_deadline_of_each_snapshot_showing_the_action():
    snapshots = [
        tracker({"X": {"due_date": "2019-01-31"}}),
        tracker({"X": {"due_date": "2019-01-31", "revised_due_date": "2019-05-31"}}),
        tracker({"X": {"due_date": "2019-01-31", "revised_due_date": "2019-09-30"}}),
    ]
    history = deadlines.deadline_history(snapshots, AS_OFS, ["X"])
    assert history["deadline"].dt.date.tolist() == [
        dt.date(2019, 1, 31),
        dt.date(2019, 5, 31),
        dt.date(2019, 9, 30),
    ]
    assert history["position"].tolist() == [0, 1, 2]


def test_worked_example_of_docs_rules():
    # Agreed for 30 Nov 2018; at 31 Dec it had passed, and by 31 Mar it was moved to 31 Mar
    # 2019, which had come by that snapshot's as_of too; by 30 Jun it was moved to 30 Sep.
    # Two moves, the first after passing (and so is the action).
    snapshots = [
        tracker({"X": {"due_date": "2018-11-30"}}),
        tracker({"X": {"due_date": "2018-11-30", "revised_due_date": "2019-03-31"}}),
        tracker({"X": {"due_date": "2018-11-30", "revised_due_date": "2019-09-30"}}),
    ]
    history = deadlines.deadline_history(snapshots, AS_OFS, ["X"])
    passed = (history["deadline"] <= history["as_of"]).tolist()
    assert passed == [True, True, False]
    row = moves_of(snapshots).loc["X"]
    assert row["original_due_date"] == pd.Timestamp("2018-11-30")
    assert row["current_deadline"] == pd.Timestamp("2019-09-30")
    assert row["moves"] == 2
    assert bool(row["moved"]) and not bool(row["moved_more_than_limit"])
    assert bool(row["moved_after_passing"])
    assert row["slip_days"] == (dt.date(2019, 9, 30) - dt.date(2018, 11, 30)).days == 304


def test_a_move_before_the_deadline_passed_is_not_after_passing():
    snapshots = [
        tracker({"X": {"due_date": "2019-02-28"}}),  # at 31 Dec 2018 not yet due
        tracker({"X": {"due_date": "2019-02-28", "revised_due_date": "2019-08-31"}}),
        tracker({"X": {"due_date": "2019-02-28", "revised_due_date": "2019-08-31"}}),
    ]
    row = moves_of(snapshots).loc["X"]
    assert row["moves"] == 1 and not bool(row["moved_after_passing"])


def test_deadline_on_the_as_of_day_counts_as_passed():
    snapshots = [
        tracker({"X": {"due_date": "2018-12-31"}}),
        tracker({"X": {"due_date": "2018-12-31", "revised_due_date": "2019-12-31"}}),
    ]
    row = moves_of(snapshots, AS_OFS[:2]).loc["X"]
    assert bool(row["moved_after_passing"])


def test_only_consecutive_snapshots_are_compared():
    # Passed at 31 Dec, absent at 31 Mar, moved by 30 Jun: no two consecutive snapshots
    # both show the change, so it is not counted as moved after passing.
    snapshots = [
        tracker({"X": {"due_date": "2018-11-30"}}),
        tracker({"Y": {}}),
        tracker({"X": {"due_date": "2018-11-30", "revised_due_date": "2019-09-30"}}),
    ]
    row = moves_of(snapshots).loc["X"]
    assert row["moves"] == 1 and not bool(row["moved_after_passing"])


def test_original_due_date_is_the_first_snapshots_even_when_later_retyped():
    snapshots = [
        tracker({"X": {"due_date": "2018-10-31"}}),
        tracker({"X": {"due_date": "2019-03-31"}}),
        tracker({"X": {"due_date": "2019-03-31", "revised_due_date": "2019-10-31"}}),
    ]
    row = moves_of(snapshots).loc["X"]
    assert row["original_due_date"] == pd.Timestamp("2018-10-31")
    assert row["slip_days"] == (dt.date(2019, 10, 31) - dt.date(2018, 10, 31)).days


def test_same_revised_date_seen_twice_is_one_move_and_never_revised_is_none():
    snapshots = [
        tracker({"X": {"revised_due_date": "2019-07-31"}, "Y": {}}),
        tracker({"X": {"revised_due_date": "2019-07-31"}, "Y": {}}),
        tracker({"X": {"revised_due_date": "2019-07-31"}, "Y": {}}),
    ]
    moves = moves_of(snapshots)
    assert moves.loc["X", "moves"] == 1
    assert moves.loc["Y", "moves"] == 0 and not bool(moves.loc["Y", "moved"])


def test_summary_counts_limit_and_groups():
    four = ["2019-02-28", "2019-03-31", "2019-04-30"]
    snapshots = [
        tracker(
            {
                "many": {"revised_due_date": four[0], "business_group": "Met HQ"},
                "once": {"due_date": "2019-12-31", "business_group": "Professionalism"},
                "never": {"business_group": "Frontline Policing"},
            }
        ),
        tracker(
            {
                "many": {"revised_due_date": four[1], "business_group": "Met HQ"},
                "once": {"due_date": "2019-12-31", "revised_due_date": "2020-03-31"},
                "never": {"business_group": "Frontline Policing"},
            }
        ),
        tracker(
            {
                "many": {"revised_due_date": four[2], "business_group": "Met HQ"},
                "once": {
                    "due_date": "2019-12-31",
                    "revised_due_date": "2020-03-31",
                    "business_group": "Professionalism",
                },
                "never": {"business_group": "Frontline Policing"},
                "done": {"revised_due_date": "2019-05-31", "status": "Closed"},
            }
        ),
    ]
    figures, _ = figures_of(snapshots)
    assert figures == {
        "limit": 2,
        "moved": 2,
        "moved_more_than_limit": 1,
        "moved_after_passing": 1,
        "median_slip_days": statistics.median_low(
            [
                (dt.date(2019, 4, 30) - dt.date(2019, 1, 31)).days,
                (dt.date(2020, 3, 31) - dt.date(2019, 12, 31)).days,
            ]
        ),
        "by_business_group": {
            "Met HQ": {"moved": 1, "moved_more_than_limit": 1, "moved_after_passing": 1},
            "Professionalism": {"moved": 1},
        },
        # the whole section is built here: moves per action, slip bands, the list over the limit
        "moved_by_count": {"1": 1, "3": 1},
        "slip_by_band": {"up to 3 months": 2},  # 89 and 91 days
        "moved_more_than_limit_actions": [
            {
                "audit": "Audit A",
                "audit_year": "2018/19",
                "business_group": "Met HQ",
                "original_due_date": "2019-01-31",
                "current_deadline": "2019-04-30",
                "moves": 3,
                "moved_after_passing": True,
                "slip_days": (dt.date(2019, 4, 30) - dt.date(2019, 1, 31)).days,
            }
        ],
    }


def test_nothing_moved_gives_null_median_and_no_groups():
    snapshots = [tracker({"X": {}}), tracker({"X": {}}), tracker({"X": {}})]
    figures, _ = figures_of(snapshots)
    assert figures["moved"] == 0
    assert figures["median_slip_days"] is None
    assert figures["by_business_group"] == {}


def test_restricted_rows_count_and_their_title_is_masked():
    sensitive = {
        "audit_title": "Kestrel safe houses",
        "marking": "OFFICIAL-SENSITIVE",
        "business_group": "Specialist Operations",
    }
    snapshots = [
        tracker({"R": {**sensitive, "revised_due_date": "2019-02-28"}}),
        tracker({"R": {**sensitive, "revised_due_date": "2019-03-31"}}),
        tracker({"R": {**sensitive, "revised_due_date": "2019-04-30"}}),
    ]
    figures, frame = figures_of(snapshots)
    assert figures["moved_more_than_limit"] == 1
    assert figures["by_business_group"]["Specialist Operations"]["moved_more_than_limit"] == 1
    listed = deadlines.moved_more_than_limit(frame)
    assert listed["audit_title"].tolist() == [RESTRICTED_ITEM]


def test_the_limit_comes_from_the_caller():
    snapshots = [
        tracker({"X": {"revised_due_date": "2019-02-28"}}),
        tracker({"X": {"revised_due_date": "2019-03-31"}}),
        tracker({"X": {"revised_due_date": "2019-04-30"}}),
    ]
    assert figures_of(snapshots, limit=2)[0]["moved_more_than_limit"] == 1
    assert figures_of(snapshots, limit=3)[0]["moved_more_than_limit"] == 0
    assert figures_of(snapshots, limit=3)[0]["limit"] == 3


def test_moves_reuse_the_contracts_extension_count():
    snapshots = [
        tracker({"X": {"revised_due_date": "2019-02-28"}, "Y": {}}),
        tracker({"X": {}, "Y": {"revised_due_date": "2019-05-31"}}),
        tracker({"X": {"revised_due_date": "2019-04-30"}, "Y": {"revised_due_date": "2019-05-31"}}),
    ]
    assert moves_of(snapshots)["moves"].to_dict() == act.extensions(snapshots).to_dict()


# --- properties over random histories --------------------------------------------------------
DATES = [pd.Timestamp("2018-06-30") + pd.offsets.MonthEnd(n) for n in range(0, 24)]
GROUPS = ["Met HQ", "Professionalism", "Met Operations"]


@st.composite
def histories(draw):
    """Three to six quarterly snapshots of up to eight actions: each action has one due date,
    appears from some snapshot on (maybe leaving early), and its revised date changes freely."""
    count = draw(st.integers(3, 6))
    as_ofs = [(pd.Timestamp("2018-09-30") + pd.offsets.QuarterEnd(n)).date() for n in range(count)]
    actions = draw(st.integers(1, 8))
    per_snapshot: list[list[dict]] = [[] for _ in range(count)]
    for n in range(actions):
        due = draw(st.sampled_from(DATES))
        group = draw(st.sampled_from(GROUPS))
        sensitive = draw(st.booleans())
        first = draw(st.integers(0, count - 1))
        for position in range(first, count):
            if position < count - 1 and draw(st.integers(0, 9)) == 0:
                continue  # missing from one snapshot
            revised = draw(st.none() | st.sampled_from(DATES))
            per_snapshot[position].append(
                {
                    "action_id": f"X{n}",
                    "due_date": due,
                    "revised_due_date": revised,
                    "business_group": group,
                    "status": draw(st.sampled_from(["Open", "In progress", "On hold", "Closed"])),
                    "marking": "OFFICIAL-SENSITIVE" if sensitive else "OFFICIAL",
                    "audit_title": f"Audit {n % 3}",
                }
            )
    snapshots = [
        actions_frame(rows) if rows else actions_frame([{"action_id": "none", "risk": "Low"}])
        for rows in per_snapshot
    ]
    return snapshots, as_ofs, draw(st.integers(0, 4))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(histories())
def test_properties_of_random_histories(drawn):
    snapshots, as_ofs, limit = drawn
    figures, frame = figures_of(snapshots, as_ofs, limit)
    outstanding = act.outstanding(snapshots[-1], SETTINGS)
    assert len(frame) == len(outstanding)  # restricted rows counted like any other
    assert figures["moved_more_than_limit"] <= figures["moved"]
    assert figures["moved_after_passing"] <= figures["moved"]
    never = frame[frame["moves"] == 0]
    assert not never["moved"].any()
    for key in deadlines.COUNTS:
        assert sum(g.get(key, 0) for g in figures["by_business_group"].values()) == figures[key]
    assert all(counts for counts in figures["by_business_group"].values())
    assert all(n > 0 for g in figures["by_business_group"].values() for n in g.values())
    if figures["moved"]:
        slips = frame.loc[frame["moved"], "slip_days"].tolist()
        assert figures["median_slip_days"] in slips
    else:
        assert figures["median_slip_days"] is None


@settings(max_examples=40, deadline=None)
@given(histories())
def test_an_action_never_revised_has_zero_extensions_and_never_moved_after_passing(drawn):
    snapshots, as_ofs, limit = drawn
    moves = moves_of(snapshots, as_ofs, limit)
    revised_ever = set()
    for frame in snapshots:
        revised_ever |= set(frame.loc[frame["revised_due_date"].notna(), "action_id"])
    for action_id, row in moves.iterrows():
        if action_id not in revised_ever:
            assert row["moves"] == 0
            assert not bool(row["moved_after_passing"])
            assert row["slip_days"] == 0


def test_as_of_is_used_per_snapshot():
    # The same change is after passing only where the earlier snapshot's as_of reached it.
    snapshots = [
        tracker({"X": {"due_date": "2019-03-15"}}),
        tracker({"X": {"due_date": "2019-03-15", "revised_due_date": "2019-09-30"}}),
    ]
    early = [dt.date(2019, 3, 14), AS_OF]
    late = [dt.date(2019, 3, 15), AS_OF]
    assert not bool(moves_of(snapshots, early).loc["X", "moved_after_passing"])
    assert bool(moves_of(snapshots, late).loc["X", "moved_after_passing"])
