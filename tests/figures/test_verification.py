"""Implemented actions and internal audit's verification of them."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.figures import actions as act
from analysis.figures import verification
from tests.helpers.frames import AS_OF, Q1_1920, SETTINGS, actions_frame


def figures(rows):
    frame = actions_frame(rows)
    implemented = verification.implemented(act.monitored(frame, SETTINGS), Q1_1920, AS_OF)
    return verification.summary(implemented), implemented


def test_counts_follow_the_rules():
    done = {"status": "Implemented"}
    result, _ = figures(
        [
            # this quarter, verified before as_of: implemented this quarter, not awaiting
            {**done, "completed_date": "2019-05-01", "verified_date": "2019-06-15"},
            # this quarter, not yet verified
            {**done, "completed_date": "2019-06-20", "business_group": "Met HQ"},
            # long ago, verified only after as_of: awaiting, over 90 days
            {**done, "completed_date": "2019-01-10", "verified_date": "2019-07-20"},
            # exactly 90 days before as_of: awaiting, not over 90
            {**done, "completed_date": AS_OF - dt.timedelta(days=90)},
            # 91 days: over
            {**done, "completed_date": AS_OF - dt.timedelta(days=91), "business_group": "Met HQ"},
            # Closed, Low risk, open: none of them counts
            {"status": "Closed", "completed_date": "2019-05-01"},
            {**done, "completed_date": "2019-05-01", "risk": "Low"},
            {"status": "Open"},
        ]
    )
    assert result == {
        "implemented_this_quarter": 3,  # 1 May, 20 Jun and 1 Apr (90 days before as_of)
        "awaiting_verification": 4,
        "awaiting_verification_over_90_days": 2,
        "by_business_group": {"Met HQ": 2, "Met Operations": 2},
        "over_90_days_by_business_group": {"Met HQ": 1, "Met Operations": 1},
        "oldest_days_awaiting": (AS_OF - dt.date(2019, 1, 10)).days,
    }


def test_no_completed_date_awaits_but_is_not_dated():
    result, _ = figures([{"status": "Implemented", "verified_date": None}])
    assert result["awaiting_verification"] == 1
    assert result["awaiting_verification_over_90_days"] == 0
    assert result["implemented_this_quarter"] == 0


def test_only_a_tracker_with_the_column_records_verification():
    assert not verification.records_verification(actions_frame([{}]))
    assert verification.records_verification(actions_frame([{"verified_date": None}]))


def test_awaiting_lists_longest_waiting_first():
    _, frame = figures(
        [
            {"status": "Implemented", "completed_date": "2019-05-01"},
            {"status": "Implemented", "completed_date": "2018-05-01"},
            {
                "status": "Implemented",
                "completed_date": "2019-05-01",
                "verified_date": "2019-05-02",
            },
        ]
    )
    assert verification.awaiting(frame)["action_id"].tolist() == ["A2", "A1"]


status = st.sampled_from(["Open", "Implemented", "Closed", "In progress"])
day = st.dates(dt.date(2018, 1, 1), dt.date(2019, 9, 30))


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.fixed_dictionaries(
            {
                "status": status,
                "completed_date": st.none() | day,
                "verified_date": st.none() | day,
                "business_group": st.sampled_from(["Met HQ", "Professionalism"]),
                "marking": st.sampled_from(["OFFICIAL", "OFFICIAL-SENSITIVE"]),
            }
        ),
        min_size=1,
        max_size=12,
    )
)
def test_properties(rows):
    result, frame = figures(rows)
    implemented = [r for r in rows if r["status"] == "Implemented"]
    assert len(frame) == len(implemented)  # restricted rows count
    assert result["awaiting_verification_over_90_days"] <= result["awaiting_verification"]
    assert result["awaiting_verification"] <= len(implemented)
    assert sum(result["by_business_group"].values()) == result["awaiting_verification"]
    assert all(result["by_business_group"].values())
