"""Which actions the panel monitors, and where each stands against its deadline."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from analysis.figures import actions as act
from analysis.inputs.vocabulary import (
    ACTION_STATUSES,
    AGE_BANDS,
    ASSURANCES,
    RESTRICTED_ITEM,
    RISKS,
)
from analysis.quarters import Quarter
from tests.helpers.frames import AS_OF, Q1_1920, SETTINGS, actions_frame, days_before
from tests.helpers.properties import examples


def classify(rows, as_of=AS_OF, quarter=Q1_1920, settings=SETTINGS):
    return act.classify(actions_frame(rows), as_of, quarter, settings)


# --- threshold and status ------------------------------------------------------------------
@pytest.mark.parametrize(
    ("risk", "assurance", "expected"),
    [
        ("High", "Substantial", True),
        ("High", "Adequate", True),
        ("High", "Limited", True),
        ("High", "No", True),
        ("Medium", "Limited", True),
        ("Medium", "No", True),
        ("Medium", "Adequate", False),
        ("Medium", "Substantial", False),
        ("Low", "No", False),
        ("Low", "Limited", False),
    ],
)
def test_threshold_picks_high_anywhere_and_medium_only_in_weak_audits(risk, assurance, expected):
    frame = actions_frame([{"risk": risk, "assurance": assurance}])
    assert len(act.monitored(frame, SETTINGS)) == int(expected)


def test_threshold_comes_from_settings_not_code():
    frame = actions_frame(
        [{"risk": "Low", "assurance": "No"}, {"risk": "Medium", "assurance": "No"}]
    )
    low_too = replace(SETTINGS, threshold={"High": ASSURANCES, "Medium": ("No",), "Low": ("No",)})
    assert list(act.monitored(frame, low_too)["action_id"]) == ["A1", "A2"]


@pytest.mark.parametrize("status", ACTION_STATUSES)
def test_outstanding_means_open_in_progress_or_on_hold(status):
    frame = actions_frame([{"status": status}])
    expected = status in ("Open", "In progress", "On hold")
    assert len(act.outstanding(frame, SETTINGS)) == int(expected)


# --- deadline --------------------------------------------------------------------------------
def test_revised_basis_can_turn_an_overdue_action_into_one_not_yet_due():
    rows = [{"due_date": "2019-01-31", "revised_due_date": "2019-08-31"}]
    assert classify(rows)["is_overdue"].tolist() == [True]
    revised = replace(SETTINGS, deadline_basis="revised")
    frame = classify(rows, settings=revised)
    assert frame["is_overdue"].tolist() == [False]
    assert frame["is_due_in_coming"].tolist() == [True]


# --- overdue and not yet due -----------------------------------------------------------------
def test_deadline_on_as_of_is_overdue_and_the_day_after_is_not():
    frame = classify([{"due_date": "2019-06-30"}, {"due_date": "2019-07-01"}])
    assert frame["is_overdue"].tolist() == [True, False]
    assert frame["days_past_deadline"].tolist() == [0, -1]
    assert frame["age_band"].iloc[0] == "0-3 months"
    assert pd.isna(frame["age_band"].iloc[1])


@pytest.mark.parametrize(
    ("days", "band"),
    [
        (0, "0-3 months"),
        (91, "0-3 months"),
        (92, "3-6 months"),
        (182, "3-6 months"),
        (183, "6-12 months"),
        (365, "6-12 months"),
        (366, "1-2 years"),
        (730, "1-2 years"),
        (731, "over 2 years"),
        (2000, "over 2 years"),
    ],
)
def test_age_band_boundaries(days, band):
    frame = classify([{"due_date": days_before(AS_OF, days)}])
    assert frame["days_past_deadline"].iloc[0] == days
    assert frame["age_band"].iloc[0] == band


def test_coming_three_quarters_end_on_the_last_day_of_the_third_quarter_after():
    # Report quarter Q1 19/20: the coming quarters are Q2, Q3 and Q4 19/20, ending 31 March 2020.
    assert act.coming_end(Q1_1920, SETTINGS) == dt.date(2020, 3, 31)
    frame = classify(
        [{"due_date": "2019-07-01"}, {"due_date": "2020-03-31"}, {"due_date": "2020-04-01"}]
    )
    assert frame["is_due_in_coming"].tolist() == [True, True, False]
    assert frame["is_overdue"].tolist() == [False, False, False]


def test_coming_quarters_follow_the_setting():
    one = replace(SETTINGS, coming_quarters=1)
    frame = classify([{"due_date": "2019-09-30"}, {"due_date": "2019-10-01"}], settings=one)
    assert frame["is_due_in_coming"].tolist() == [True, False]


def test_overdue_action_is_never_due_in_coming():
    frame = classify([{"due_date": "2019-06-30"}])
    assert frame["is_due_in_coming"].tolist() == [False]


def test_deadline_quarter_turns_over_between_31_march_and_1_april():
    frame = classify([{"due_date": "2019-03-31"}, {"due_date": "2019-04-01"}])
    assert frame["deadline_quarter"].tolist() == ["2018-19-Q4", "2019-20-Q1"]


def test_mid_quarter_as_of_splits_that_quarter_between_passed_and_future():
    rows = [{"due_date": "2019-05-10"}, {"due_date": "2019-05-20"}, {"due_date": "2018-12-01"}]
    frame = classify(rows, as_of=dt.date(2019, 5, 15))
    table = act.by_deadline_quarter(frame)
    assert table.index.tolist() == ["2018-19-Q3", "2019-20-Q1"]
    assert table["label"].tolist() == ["Q3 18/19", "Q1 19/20"]
    assert table["overdue"].tolist() == [1, 1]
    assert table["not_yet_due"].tolist() == [0, 1]
    assert table["outstanding"].tolist() == [1, 2]
    ranges = act.deadline_ranges(frame)
    assert ranges["passed"] == (Quarter(2018, 3), Quarter(2019, 1))
    assert ranges["future"] == (Quarter(2019, 1), Quarter(2019, 1))


def test_deadline_ranges_are_none_when_nothing_falls_in_them():
    ranges = act.deadline_ranges(classify([{"due_date": "2019-01-01"}]))
    assert ranges["future"] is None
    assert ranges["passed"] == (Quarter(2018, 4), Quarter(2018, 4))


# --- breakdowns ------------------------------------------------------------------------------
def test_breakdowns_count_only_outstanding_monitored_actions_in_canonical_order():
    rows = [
        {"risk": "Medium", "business_group": "Professionalism"},
        {"risk": "High", "business_group": "Met HQ"},
        {"risk": "High", "business_group": "Professionalism"},
        {"risk": "Low", "business_group": "Met HQ"},  # not monitored
        {"risk": "High", "status": "Implemented", "business_group": "Met HQ"},  # done
    ]
    frame = classify(rows)
    assert act.by_risk(frame).to_dict() == {"High": 2, "Medium": 1}
    assert list(act.by_risk(frame).index) == ["High", "Medium"]
    groups = act.by_business_group(frame)
    assert list(groups.items()) == [("Professionalism", 2), ("Met HQ", 1)]


def test_risks_and_age_bands_come_in_the_vocabularys_order_not_by_count():
    rows = [
        {"risk": "Medium", "due_date": "2018-01-31"},  # over a year past
        {"risk": "Medium", "due_date": "2018-02-28"},
        {"risk": "High", "due_date": "2019-05-31"},  # a month past
    ]
    frame = classify(rows)
    assert list(act.by_risk(frame).items()) == [("High", 1), ("Medium", 2)]
    assert list(act.by_age_band(frame).items()) == [("0-3 months", 1), ("1-2 years", 2)]


def test_the_deadline_quarter_table_is_indexed_by_quarter_id():
    table = act.by_deadline_quarter(classify([{"due_date": "2019-05-10"}]))
    assert table.index.name == "deadline_quarter"
    counts = table[["overdue", "not_yet_due", "outstanding"]]
    # all overdue, the later quarter holding more: still in time order, labels beside their ids
    rows = [{"due_date": "2018-12-01"}, {"due_date": "2019-02-01"}, {"due_date": "2019-02-02"}]
    overdue_only = act.by_deadline_quarter(classify(rows))
    assert overdue_only.index.tolist() == ["2018-19-Q3", "2018-19-Q4"]
    assert overdue_only["label"].tolist() == ["Q3 18/19", "Q4 18/19"]
    assert overdue_only["overdue"].tolist() == [1, 2]
    assert counts.dtypes.tolist() == ["int64"] * 3


def test_business_area_blank_is_named():
    frame = classify([{"business_area": "Public Order"}, {"business_area": None}])
    assert act.by_business_area(frame).to_dict() == {
        "Public Order": 1,
        act.NO_BUSINESS_AREA: 1,
    }
    assert act.by_business_area(frame).index.name == "business_area"
    assert act.business_area(frame).name == "business_area"


def test_restricted_audits_share_one_masked_entry_in_the_audit_breakdown():
    rows = [
        {"audit_title": "Covert Tasking", "marking": "OFFICIAL-SENSITIVE"},
        {"audit_title": "Covert Tasking"},  # same audit, row marked OFFICIAL: still hidden
        {"audit_title": "Witness Protection", "marking": "OFFICIAL-SENSITIVE"},
        {"audit_title": "Fleet"},
    ]
    frame = classify(rows)
    assert act.by_audit(frame).to_dict() == {RESTRICTED_ITEM: 3, "Fleet": 1}
    assert frame["audit_key"].nunique() == 3


def test_an_audit_is_restricted_by_a_sensitive_row_that_is_itself_closed():
    rows = [
        {"audit_title": "Covert Tasking", "status": "Closed", "marking": "OFFICIAL-SENSITIVE"},
        {"audit_title": "Covert Tasking", "status": "Open", "owner": "DCI Smith"},
    ]
    frame = classify(rows)
    assert frame["audit_title"].tolist() == [RESTRICTED_ITEM]
    # the open row is itself OFFICIAL, so its owner is not sensitive text
    assert frame["owner"].tolist() == ["DCI Smith"]


def test_within_counts_inner_values_per_outer_value_largest_first():
    rows = [
        {"business_group": "Professionalism", "audit_title": "Training"},
        {"business_group": "Professionalism", "audit_title": "Training"},
        {"business_group": "Professionalism", "audit_title": "Vetting"},
        {"business_group": "Met HQ", "audit_title": "Estates"},
    ]
    frame = classify(rows)
    nested = act.within(frame["business_group"], frame["audit_title"])
    assert list(nested) == ["Professionalism", "Met HQ"]
    assert nested["Professionalism"].to_dict() == {"Training": 2, "Vetting": 1}


def test_median_days_past_deadline_of_overdue_actions_only():
    rows = [
        {"due_date": days_before(AS_OF, 10)},
        {"due_date": days_before(AS_OF, 20)},
        {"due_date": days_before(AS_OF, 31)},
        {"due_date": days_before(AS_OF, 40)},
        {"due_date": "2019-12-31"},  # not overdue: left out
    ]
    assert act.median_days_past_deadline(classify(rows)) == 25.5
    assert act.median_days_past_deadline(classify([{"due_date": "2019-12-31"}])) is None


# --- completed this quarter ------------------------------------------------------------------
def test_completed_this_quarter_counts_done_monitored_actions_dated_inside_it():
    rows = [
        {"status": "Implemented", "completed_date": "2019-04-01", "due_date": "2019-05-01"},
        {"status": "Closed", "completed_date": "2019-06-30", "due_date": "2019-05-01"},
        {"status": "Closed", "completed_date": "2019-03-31"},  # previous quarter
        {"status": "Closed", "completed_date": None},  # cannot be placed: not counted
        {"status": "Implemented", "completed_date": "2019-05-01", "risk": "Low"},  # not monitored
        {"status": "Not adopted", "completed_date": "2019-05-01"},  # not done
    ]
    done = act.completed_in_quarter(actions_frame(rows), Q1_1920, SETTINGS)
    assert done["action_id"].tolist() == ["A1", "A2"]
    assert done["on_time"].tolist() == [True, False]


def test_completion_on_the_deadline_itself_is_on_time():
    rows = [{"status": "Implemented", "completed_date": "2019-05-01", "due_date": "2019-05-01"}]
    done = act.completed_in_quarter(actions_frame(rows), Q1_1920, SETTINGS)
    assert done["on_time"].tolist() == [True]


# --- extensions ------------------------------------------------------------------------------
def test_extensions_count_distinct_revised_dates_across_snapshots():
    q1 = actions_frame([{"action_id": "X"}, {"action_id": "Y", "revised_due_date": "2019-03-31"}])
    q2 = actions_frame(
        [
            {"action_id": "X", "revised_due_date": "2019-06-30"},
            {"action_id": "Y", "revised_due_date": "2019-03-31"},
            {"action_id": "Z"},
        ]
    )
    q3 = actions_frame(
        [
            {"action_id": "X", "revised_due_date": "2019-09-30"},
            {"action_id": "Y", "revised_due_date": "2019-03-31"},
            {"action_id": "Z"},
        ]
    )
    counts = act.extensions([q1, q2, q3])
    # X: blank -> 30 Jun -> 30 Sep is two; Y: the same date three times is one; Z: never.
    assert counts.to_dict() == {"X": 2, "Y": 1, "Z": 0}
    expected = pd.Series(
        [2, 1, 0], index=pd.Index(["X", "Y", "Z"], name="action_id"), name="extensions"
    )
    pd.testing.assert_series_equal(counts, expected)


def test_no_snapshots_mean_no_extensions():
    expected = pd.Series(dtype=int, name="extensions")
    pd.testing.assert_series_equal(act.extensions([]), expected)


def test_an_outstanding_action_no_snapshot_holds_has_not_been_extended():
    current = actions_frame(
        [{"action_id": "new"}, {"action_id": "old", "revised_due_date": "2019-01-31"}]
    )
    frame = act.classify(current, AS_OF, Q1_1920, SETTINGS)
    # the history holds only "old": "new" counts as never moved, not as missing
    earlier = actions_frame([{"action_id": "old", "revised_due_date": "2019-01-31"}])
    assert act.extensions_summary(frame, [earlier]) == {
        "not_extended": 1,
        "extended_once": 1,
        "extended_twice": 0,
        "extended_three_or_more": 0,
    }
    assert act.extensions_summary(frame, []) == {
        "not_extended": 2,
        "extended_once": 0,
        "extended_twice": 0,
        "extended_three_or_more": 0,
    }


def test_extensions_summary_counts_outstanding_actions_by_number_of_moves():
    def tracker(revised: dict[str, str | None], closed: tuple[str, ...] = ()) -> pd.DataFrame:
        return actions_frame(
            [
                {
                    "action_id": i,
                    "revised_due_date": d,
                    "status": "Closed" if i in closed else "Open",
                }
                for i, d in revised.items()
            ]
        )

    history = [
        tracker({"four": "2018-12-31"}),
        tracker(
            {"one": "2019-01-31", "two": "2019-01-31", "four": "2019-01-31", "done": "2019-01-31"}
        ),
        tracker({"never": None, "one": "2019-01-31", "two": "2019-02-28", "four": "2019-02-28"}),
    ]
    current = tracker(
        {
            "never": None,
            "one": "2019-01-31",
            "two": "2019-02-28",
            "four": "2019-04-30",
            "done": None,
        },
        closed=("done",),
    )
    frame = act.classify(current, AS_OF, Q1_1920, SETTINGS)
    # never: 0; one: 31 Jan only = 1; two: 31 Jan, 28 Feb = 2;
    # four: 31 Dec, 31 Jan, 28 Feb, 30 Apr = 4, counted as "three or more"; done is not outstanding.
    assert act.extensions_summary(frame, [*history, current]) == {
        "not_extended": 1,
        "extended_once": 1,
        "extended_twice": 1,
        "extended_three_or_more": 1,
    }


# --- properties ------------------------------------------------------------------------------
row_strategy = st.fixed_dictionaries(
    {
        "risk": st.sampled_from(RISKS),
        "assurance": st.sampled_from(ASSURANCES),
        "status": st.sampled_from(ACTION_STATUSES),
        "business_group": st.sampled_from(["Met HQ", "Professionalism", "Met Operations"]),
        "audit_title": st.sampled_from(["Audit 1", "Audit 2", "Audit 3"]),
        "due_date": st.integers(-1200, 600).map(lambda d: days_before(AS_OF, -d)),
        "revised_due_date": st.one_of(
            st.none(), st.integers(-400, 600).map(lambda d: days_before(AS_OF, -d))
        ),
    }
)
rows_strategy = st.lists(row_strategy, min_size=1, max_size=25)
basis_strategy = st.sampled_from(["original", "revised"])


@examples(60)
@given(rows=rows_strategy, basis=basis_strategy)
def test_outstanding_is_overdue_plus_not_yet_due_and_breakdowns_add_up(rows, basis):
    frame = classify(rows, settings=replace(SETTINGS, deadline_basis=basis))
    overdue, not_yet_due = act.overdue(frame), act.not_yet_due(frame)
    assert len(frame) == len(overdue) + len(not_yet_due)
    assert len(frame) == len(act.outstanding(actions_frame(rows), SETTINGS))
    for breakdown in (act.by_risk, act.by_business_group, act.by_audit, act.by_business_area):
        assert breakdown(frame).sum() == len(frame)
        assert breakdown(overdue).sum() == len(overdue)
        assert (breakdown(frame) > 0).all()
    assert act.by_age_band(frame).sum() == len(overdue)
    assert set(act.by_age_band(frame).index) <= set(AGE_BANDS)
    table = act.by_deadline_quarter(frame)
    assert table["overdue"].sum() == len(overdue)
    assert table["outstanding"].sum() == len(frame)
    assert act.due_in_coming(frame).index.isin(not_yet_due.index).all()


@examples(60)
@given(rows=rows_strategy, later=st.integers(0, 400), basis=basis_strategy)
def test_raising_as_of_never_lowers_overdue(rows, later, basis):
    chosen = replace(SETTINGS, deadline_basis=basis)
    before = classify(rows, settings=chosen)
    after = classify(rows, as_of=AS_OF + dt.timedelta(days=later), settings=chosen)
    assert after["is_overdue"].sum() >= before["is_overdue"].sum()
    assert (after["is_overdue"] | ~before["is_overdue"]).all()


def test_age_band_is_na_unless_overdue_and_names_its_series():
    """Days not yet past (negative) or unknown get no band, as pandas' NA, never a band; the
    result is an object series named ``age_band``, on the input's index."""
    days = pd.Series([-5, 0, pd.NA, 10_000], index=[3, 5, 7, 9], dtype="Int64")
    bands = act.age_band(days)
    assert bands.name == "age_band"
    assert bands.dtype == object
    assert bands.index.tolist() == [3, 5, 7, 9]
    assert bands[3] is pd.NA and bands[7] is pd.NA
    assert bands[5] == act.AGE_BANDS[0] and bands[9] == act.AGE_BANDS[-1]


def test_days_past_deadline_are_whole_days():
    """Whole days, as integers: the ageing bands' edges and the paper's "N days" read them so."""
    frame = classify([{"due_date": "2019-05-10"}, {"due_date": "2019-09-30"}])
    assert frame["days_past_deadline"].dtype == "int64"
    assert frame["days_past_deadline"].tolist() == [
        (AS_OF - dt.date(2019, 5, 10)).days,
        (AS_OF - dt.date(2019, 9, 30)).days,
    ]
