"""Every quarter stacked for exploration: filters, counts over quarters and the drill-down."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.figures.delays import load_rules
from analysis.figures.trends import trends
from analysis.inputs.vocabulary import OFFICIAL_SENSITIVE, RESTRICTED_ITEM
from analysis.presentation import explore
from analysis.quarters import Quarter
from tests.helpers.frames import SETTINGS, snapshot

PROF = "Professionalism"
SECRET = "Covert fund audit"

# Q1 19/20, as at 30 June 2019.  Monitored under the default threshold: High anywhere, Medium
# in Limited/No audits.
#   A1 Professionalism High, due 31 Jan          -> overdue (150 days)
#   A2 Professionalism High, due 31 Dec          -> not yet due, within the coming quarters
#   A3 Met HQ High, due 28 Feb                   -> overdue (122 days)
#   A4 Professionalism Low                       -> not monitored
#   A5 Professionalism High, Closed              -> not outstanding
#   A6 Professionalism Medium/Limited, SECRET audit, OFFICIAL-SENSITIVE, due 31 Mar -> overdue
#   A7 Professionalism High, SECRET audit, OFFICIAL, due 30 Apr -> overdue (title masked too)
Q1_ACTIONS = [
    {"action_id": "A1", "business_group": PROF, "due_date": "2019-01-31", "owner": "Supt One"},
    {"action_id": "A2", "business_group": PROF, "due_date": "2019-12-31"},
    {"action_id": "A3", "business_group": "Met HQ", "due_date": "2019-02-28"},
    {"action_id": "A4", "business_group": PROF, "risk": "Low", "due_date": "2019-01-31"},
    {
        "action_id": "A5",
        "business_group": PROF,
        "status": "Closed",
        "completed_date": "2019-05-01",
    },
    {
        "action_id": "A6",
        "business_group": PROF,
        "risk": "Medium",
        "audit_title": SECRET,
        "due_date": "2019-03-31",
        "owner": "DI Hidden",
        "delay_reason": "Waiting for the informant review",
        "marking": OFFICIAL_SENSITIVE,
    },
    {
        "action_id": "A7",
        "business_group": PROF,
        "audit_title": SECRET,
        "due_date": "2019-04-30",
        "owner": "Ch Insp Visible",
    },
]

# Q2 19/20, as at 30 September 2019: A1 done, A2 still to come, A3 still overdue, and a new
# Met HQ action A8 not yet due.  Professionalism: A2 only (A6 and A7 have left the tracker).
Q2_ACTIONS = [
    {
        "action_id": "A1",
        "business_group": PROF,
        "status": "Implemented",
        "completed_date": "2019-08-01",
    },
    {"action_id": "A2", "business_group": PROF, "due_date": "2019-12-31"},
    {"action_id": "A3", "business_group": "Met HQ", "due_date": "2019-02-28"},
    {"action_id": "A8", "business_group": "Met HQ", "risk": "Medium", "due_date": "2020-01-31"},
]

Q1_RECS = [
    {"rec_id": "R1", "theme": "PEEL"},
    {"rec_id": "R2", "theme": "Vulnerability", "inspection": "Secret inspection", "lead": "X"},
    {"rec_id": "R3", "theme": "Vulnerability", "type": "Area for improvement"},
    {"rec_id": "R4", "theme": "Fraud", "status": "Complete"},
]
Q1_RECS[1]["marking"] = OFFICIAL_SENSITIVE
Q2_RECS = [
    {"rec_id": "R1", "theme": "PEEL", "status": "Complete"},
    {"rec_id": "R2", "theme": "Vulnerability"},
    {"rec_id": "R5", "theme": "vulnerability "},
]


@pytest.fixture
def history():
    return [
        snapshot("2019-20-Q1", actions=Q1_ACTIONS, recommendations=Q1_RECS),
        snapshot("2019-20-Q2", actions=Q2_ACTIONS, recommendations=Q2_RECS),
    ]


@pytest.fixture
def stacked(history):
    return explore.outstanding_actions(history, SETTINGS, load_rules())


@pytest.fixture
def recs(history):
    return explore.all_recommendations(history)


QUARTERS = [Quarter(2019, 1), Quarter(2019, 2)]


def ids(frame: pd.DataFrame, column: str = "action_id") -> list[str]:
    return sorted(frame[column])


def test_stacks_each_quarters_outstanding_actions_with_its_quarter(stacked):
    q1 = stacked[stacked["quarter"] == "2019-20-Q1"]
    q2 = stacked[stacked["quarter"] == "2019-20-Q2"]
    assert ids(q1) == ["A1", "A2", "A3", "A6", "A7"]
    assert ids(q2) == ["A2", "A3", "A8"]
    assert set(q1["label"]) == {"Q1 19/20"}
    assert set(q2["as_of"]) == {pd.Timestamp("2019-09-30")}
    # Each row is classified against its own snapshot's as_of: A3 is 122 days late in June
    # (28 Feb to 30 Jun) and 214 days late in September.
    a3 = stacked[stacked["action_id"] == "A3"].set_index("quarter")["days_past_deadline"]
    assert a3.to_dict() == {"2019-20-Q1": 122, "2019-20-Q2": 214}


def test_drill_down_of_overdue_in_professionalism_is_exactly_those_actions(stacked):
    rows = explore.filter_actions(stacked, quarter="Q1 19/20", business_group=PROF)
    details = explore.action_details(rows, "overdue")
    assert ids(details) == ["A1", "A6", "A7"]
    # Longest past the deadline first: A1 (31 Jan), A6 (31 Mar), A7 (30 Apr).
    assert details["action_id"].tolist() == ["A1", "A6", "A7"]
    assert details["days_past_deadline"].tolist() == [150, 91, 61]
    assert list(details.columns) == list(explore.ACTION_DETAIL_COLUMNS)


def test_other_drill_down_views(stacked):
    rows = explore.filter_actions(stacked, quarter="2019-20-Q1", business_group=PROF)
    assert ids(explore.action_details(rows, "not_yet_due")) == ["A2"]
    assert ids(explore.action_details(rows, "due_in_coming")) == ["A2"]
    assert ids(explore.action_details(rows, "outstanding")) == ["A1", "A2", "A6", "A7"]
    with pytest.raises(ValueError, match="overdue"):
        explore.action_details(rows, "late")


def test_restricted_text_never_reaches_the_drill_down(stacked):
    details = explore.action_details(explore.filter_actions(stacked, quarter="2019-20-Q1"))
    by_id = details.set_index("action_id")
    # The whole audit is restricted by A6's marking, so A7's title is hidden as well ...
    assert by_id.loc["A6", "audit_title"] == RESTRICTED_ITEM
    assert by_id.loc["A7", "audit_title"] == RESTRICTED_ITEM
    # ... but only the sensitive row's own details are.
    assert by_id.loc["A6", "owner"] == RESTRICTED_ITEM
    assert by_id.loc["A6", "delay_reason"] == RESTRICTED_ITEM
    assert by_id.loc["A7", "owner"] == "Ch Insp Visible"
    text = [str(cell) for cell in details.to_numpy().ravel()]
    assert not any(SECRET in cell or "informant" in cell or "DI Hidden" in cell for cell in text)


def test_a_restricted_audit_can_be_picked_only_by_its_mask(stacked):
    with pytest.raises(ValueError, match="not found"):
        explore.filter_actions(stacked, audit=SECRET)
    picked = explore.filter_actions(stacked, audit=RESTRICTED_ITEM.upper())
    assert ids(picked) == ["A6", "A7"]


def test_filters_ignore_case_and_space_and_take_lists(stacked):
    rows = explore.filter_actions(stacked, business_group="  met hq", risk=["medium", "HIGH"])
    assert ids(rows) == ["A3", "A3", "A8"]
    rows = explore.filter_actions(stacked, risk="Medium")
    assert ids(rows) == ["A6", "A8"]
    rows = explore.filter_actions(stacked, quarter="2019-20-Q2", business_group=[PROF, "Met HQ"])
    assert ids(rows) == ["A2", "A3", "A8"]


def test_a_misspelt_filter_names_the_values_that_exist(stacked):
    with pytest.raises(ValueError) as raised:
        explore.filter_actions(stacked, business_group="Profesionalism")
    message = str(raised.value)
    assert "'Profesionalism'" in message
    assert "Professionalism, Met HQ" in message


def test_stacked_recommendations_are_masked_and_flagged(recs):
    q1 = recs[recs["quarter"] == "2019-20-Q1"].set_index("rec_id")
    assert q1["is_open_recommendation"].to_dict() == {
        "R1": True,
        "R2": True,
        "R3": False,
        "R4": False,
    }
    assert q1["is_open_area_for_improvement"].to_dict() == {
        "R1": False,
        "R2": False,
        "R3": True,
        "R4": False,
    }
    assert q1.loc["R2", "inspection"] == RESTRICTED_ITEM
    assert q1.loc["R2", "lead"] == RESTRICTED_ITEM
    assert "Secret inspection" not in [str(cell) for cell in recs.to_numpy().ravel()]


def test_recommendation_filters_and_details(recs):
    vulnerability = explore.filter_recommendations(recs, inspection_theme="VULNERABILITY")
    assert ids(vulnerability, "rec_id") == ["R2", "R2", "R3", "R5"]
    q2 = explore.filter_recommendations(recs, quarter="Q2 19/20", inspection_theme="Vulnerability")
    assert ids(explore.recommendation_details(q2, "open"), "rec_id") == ["R2", "R5"]
    q1 = explore.filter_recommendations(recs, quarter="2019-20-Q1")
    assert ids(explore.recommendation_details(q1, "areas_for_improvement"), "rec_id") == ["R3"]
    assert len(explore.recommendation_details(q1, "all")) == 4


def test_quarter_counts_unfiltered_equal_the_trends(history, stacked, recs):
    counts = explore.quarter_counts(stacked, recs, QUARTERS).set_index("quarter")
    expected = trends(history, SETTINGS).set_index("quarter")
    columns = [
        "label",
        "open_recommendations",
        "open_areas_for_improvement",
        "outstanding",
        "overdue",
        "not_yet_due",
    ]
    pd.testing.assert_frame_equal(counts[columns], expected[columns], check_dtype=False)
    # By hand: Q1 overdue A1, A3, A6, A7; Q2 overdue A3 only.
    assert counts["overdue"].tolist() == [4, 1]
    # Due in the coming three quarters: Q1 A2 (Dec 2019, before 31 Mar 2020); Q2 A2 and A8.
    assert counts["due_in_coming"].tolist() == [1, 2]


def test_quarter_counts_keep_a_quarter_the_filter_empties(stacked, recs):
    rows = explore.filter_actions(stacked, audit=RESTRICTED_ITEM)
    picked = explore.filter_recommendations(recs, inspection_theme="PEEL")
    counts = explore.quarter_counts(rows, picked, QUARTERS)
    assert counts["quarter"].tolist() == ["2019-20-Q1", "2019-20-Q2"]
    assert counts["outstanding"].tolist() == [2, 0]
    assert counts["overdue"].tolist() == [2, 0]
    assert counts["open_recommendations"].tolist() == [1, 0]


def test_by_quarter_counts_each_value_in_each_quarter(stacked):
    table = explore.by_quarter(stacked, "business_group", QUARTERS)
    assert table["label"].tolist() == ["Q1 19/20", "Q2 19/20"]
    # Over both quarters Professionalism has 5 rows and Met HQ 3, so Professionalism first.
    assert list(table.columns) == ["quarter", "label", PROF, "Met HQ"]
    assert table[PROF].tolist() == [4, 1]
    assert table["Met HQ"].tolist() == [1, 2]


def test_position_by_splits_passed_and_future_deadlines(stacked):
    now = explore.filter_actions(stacked, quarter="2019-20-Q1")
    counts = explore.position_by(now, "business_group")
    assert counts.to_dict(orient="records") == [
        {"business_group": PROF, "position": explore.OVERDUE, "count": 3},
        {"business_group": PROF, "position": explore.NOT_YET_DUE, "count": 1},
        {"business_group": "Met HQ", "position": explore.OVERDUE, "count": 1},
    ]


def test_choices_follow_the_vocabulary_for_risk(stacked):
    assert explore.choices(stacked, "risk") == ["High", "Medium"]


def test_load_reads_every_snapshot_up_to_the_quarter(make_snapshot, data_dir):
    make_snapshot("2019-20-Q1")
    make_snapshot(
        "2019-20-Q2", meta={"as_of": "2019-09-30", "panel_date": "2019-10-20", "authors": ["A"]}
    )
    latest = explore.load(data_dir)
    assert latest.quarter == Quarter(2019, 2)
    assert [q.id for q in latest.quarters] == ["2019-20-Q1", "2019-20-Q2"]
    # conftest's rows: A1 overdue at both dates; A3 (due 30 Sep 2019) still to come in June
    # and due on the as_of date itself in September, so overdue then.
    counts = explore.quarter_counts(latest.actions, latest.recommendations, latest.quarters)
    assert counts["outstanding"].tolist() == [2, 2]
    assert counts["overdue"].tolist() == [1, 2]
    assert counts["open_recommendations"].tolist() == [1, 1]
    earlier = explore.load(data_dir, "Q1 19/20")
    assert [q.id for q in earlier.quarters] == ["2019-20-Q1"]
    assert set(earlier.actions["quarter"]) == {"2019-20-Q1"}


def test_the_filters_line_prints_names_as_typed_and_all_where_unset() -> None:
    text = explore.filters_text(business_group="Met *Ops* <b>", risk=None)
    assert text == "Filters: business group **Met \\*Ops\\* \\<b\\>**, risk **all**."


# --- the exploration's controls and what they redraw ------------------------------------------
@pytest.fixture
def exploration(stacked, recs):
    import datetime as dt

    return explore.Exploration(
        quarter=QUARTERS[-1],
        quarters=QUARTERS,
        settings=SETTINGS,
        actions=stacked,
        recommendations=recs,
        as_of=dt.date(2019, 9, 30),
        as_of_by_quarter={"2019-20-Q1": dt.date(2019, 6, 30), "2019-20-Q2": dt.date(2019, 9, 30)},
    )


def test_a_misspelt_filter_gives_a_short_message_listing_the_choices(exploration):
    problems = explore.filter_problems(exploration, {"business_group": "Profesionalism"})
    assert problems == {
        "business_group": "No business group 'Profesionalism': choose from Professionalism, Met HQ."
    }
    assert explore.filter_problems(exploration, {"business_group": " met HQ", "risk": None}) == {}
    unknown = explore.filter_problems(exploration, {"colour": "red"})
    assert "no filter called colour" in unknown["colour"]


def test_a_portal_theme_given_as_theme_points_to_inspection_theme(exploration):
    message = explore.filter_problems(exploration, {"theme": "Vulnerability"})["theme"]
    assert message.startswith("No theme 'Vulnerability': choose from ")
    assert "inspection_theme" in message


def test_a_long_list_of_choices_is_cut_short(exploration, monkeypatch):
    monkeypatch.setattr(explore, "CHOICES_LISTED", 1)
    message = explore.filter_problems(exploration, {"risk": "Severe"})["risk"]
    assert message == "No risk 'Severe': choose from High and 1 more."


def test_subject_is_read_as_the_old_name_of_theme(exploration):
    some_theme = exploration.actions["subject"].iloc[0]
    settled, problems = explore.settled_filters(exploration, subject=some_theme.upper())
    assert problems == {}
    assert settled["theme"] == [some_theme]
    assert "subject" not in settled
    with pytest.raises(ValueError, match="not both"):
        explore.filter_actions(exploration.actions, theme="x", subject="y")


def test_theme_cuts_both_trackers_and_inspection_theme_the_recommendations(exploration):
    action_theme = exploration.actions["subject"].iloc[0]
    actions, recs = explore.apply_filters(exploration, {"theme": [action_theme]})
    assert set(actions["subject"]) == {action_theme}
    assert set(recs["subject"]) <= {action_theme}
    actions, recs = explore.apply_filters(exploration, {"inspection_theme": ["PEEL"]})
    assert len(actions) == len(exploration.actions)
    assert set(recs["theme"]) == {"PEEL"}


def test_view_with_no_filters_counts_what_quarter_counts_does(exploration, stacked, recs):
    shown = explore.view(exploration)
    expected = explore.quarter_counts(stacked, recs, QUARTERS)
    pd.testing.assert_frame_equal(shown.counts, expected)
    assert shown.focus["overdue"] == 1 and shown.focus["outstanding"] == 3
    assert shown.problems == {}


def test_view_of_one_group_counts_that_groups_actions_only(exploration):
    shown = explore.view(exploration, "2019-20-Q1", "overdue", business_group="professionalism")
    assert shown.filters["business_group"] == [PROF]
    # Q1: Professionalism A1, A6, A7 overdue, A2 not yet due.
    assert shown.focus["outstanding"] == 4
    assert shown.focus["overdue"] == 3
    assert [q for q in shown.counts["quarter"]] == ["2019-20-Q1"]
    assert ids(shown.actions) == ["A1", "A6", "A7"]
    trend = shown.overdue_by_group.set_index("series")
    assert trend.loc[PROF, "value"] == 3


def test_a_picked_bar_narrows_the_tables_but_not_the_counts(exploration):
    everything = explore.view(exploration, "2019-20-Q1", "outstanding")
    picked = explore.view(exploration, "2019-20-Q1", "outstanding", picked_group="Met HQ")
    assert picked.focus == everything.focus
    assert ids(picked.actions) == ["A3"]
    assert ids(everything.actions) == ["A1", "A2", "A3", "A6", "A7"]


def test_a_bad_quarter_or_drill_down_is_a_message_not_an_error(exploration):
    shown = explore.view(exploration, "2030-31-Q4", "late", business_group="Nobody")
    assert shown.quarter == QUARTERS[-1]
    assert set(shown.problems) == {"quarter", "drill_down", "business_group"}
    assert "Q1 19/20, Q2 19/20" in shown.problems["quarter"]
    assert shown.filters["business_group"] is None
    assert shown.drill_down == "overdue"
    assert "nonsense" in explore.view(exploration, "nonsense").problems["quarter"]


def test_up_to_an_earlier_quarter_ends_the_trends_there(exploration):
    earlier = exploration.up_to("Q1 19/20")
    assert earlier.quarters == QUARTERS[:1]
    assert set(earlier.actions["quarter"]) == {"2019-20-Q1"}
    assert earlier.as_of.isoformat() == "2019-06-30"


def test_long_counts_keep_the_series_order_and_name_them():
    counts = pd.DataFrame(
        {"quarter": ["2019-20-Q1", "2019-20-Q2"], "label": ["a", "b"], "x": [1, 2], "y": [3, 4]}
    )
    frame = explore.long_counts(counts, {"y": "Why", "x": "Ex"})
    assert frame.to_dict(orient="list") == {
        "quarter": ["2019-20-Q1", "2019-20-Q2"] * 2,
        "label": ["a", "b"] * 2,
        "series": ["Why", "Why", "Ex", "Ex"],
        "value": [3, 4, 1, 2],
    }


def test_themes_by_source_marks_the_themes_both_raise(exploration):
    shown = explore.view(exploration, "2019-20-Q1")
    table = shown.themes
    assert set(table["source"]) == {explore.INSPECTORATE, explore.INTERNAL_AUDIT}
    wide = table.pivot(index="theme", columns="source", values="count")
    both = set(table.loc[table["both"], "theme"])
    raised = wide[(wide[explore.INSPECTORATE] > 0) & (wide[explore.INTERNAL_AUDIT] > 0)]
    assert both == set(raised.index) - {"Other"}
    assert wide[explore.INTERNAL_AUDIT].sum() == shown.focus["outstanding"]
    assert wide[explore.INSPECTORATE].sum() == shown.focus["open_recommendations"]
    # Themes both raise come first.
    flags = table.drop_duplicates("theme")["both"].tolist()
    assert flags == sorted(flags, reverse=True)


def test_rising_names_the_series_that_went_up_every_step():
    frame = pd.DataFrame(
        {
            "quarter": ["q1", "q2", "q3"] * 3,
            "series": ["up"] * 3 + ["flat"] * 3 + ["dip"] * 3,
            "value": [1, 2, 3, 2, 2, 2, 3, 1, 2],
        }
    )
    assert explore.rising(frame, last=2) == ["up"]
    assert explore.rising(frame, last=1) == ["up", "dip"]


def test_data_dir_is_the_served_folder_when_one_is_set(monkeypatch, tmp_path):
    monkeypatch.delenv(explore.DATA_DIR_VARIABLE, raising=False)
    assert explore.data_dir("../data") == explore.Path("../data")
    monkeypatch.setenv(explore.DATA_DIR_VARIABLE, str(tmp_path))
    assert explore.data_dir("../data") == tmp_path


def test_unfiltered_counts_are_checked_against_the_published_paper(exploration, tmp_path):
    import json

    shown = explore.view(exploration, "2019-20-Q1")
    assert explore.against_published(shown, tmp_path) is None  # not published
    folder = tmp_path / "2019-20-Q1"
    folder.mkdir()
    # Q1 by hand: R1 and R2 open, R3 an open Area for improvement; A1, A3, A6, A7 overdue, A2
    # not yet due and due within the coming quarters.
    record = {
        "recommendations": {"open": 2, "open_areas_for_improvement": 1},
        "actions": {"outstanding": 5, "overdue": 4, "not_yet_due": 1, "due_next_three_quarters": 1},
    }
    (folder / "figures.json").write_text(json.dumps(record))
    assert explore.against_published(shown, tmp_path).startswith("These counts equal")
    record["actions"]["overdue"] = 3
    (folder / "figures.json").write_text(json.dumps(record))
    assert "differ" in explore.against_published(shown, tmp_path)
    assert "overdue" in explore.against_published(shown, tmp_path)
    filtered = explore.view(exploration, "2019-20-Q1", business_group="Met HQ")
    assert explore.against_published(filtered, tmp_path) is None
