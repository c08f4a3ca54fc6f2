"""With no filters, the exploration's figures for a quarter equal that quarter's figures.json.

The exploration reads every snapshot up to the quarter in focus (under the data folder's
settings, as the paper does) and counts with the paper's own rules; so for any quarter in focus
its counts, breakdowns and drill-down lists must be those the paper states.  Checked for two
quarters of the sample data: one against the committed record of its published paper and both
against ``panelpaper figures``' computation.
"""

from __future__ import annotations

import json
import shutil
from collections import Counter
from pathlib import Path

import pandas as pd
import pytest
import yaml

from analysis.figures.record import figures_for_quarter
from analysis.presentation import explore

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "data"
PUBLISHED = ROOT / "reports" / "2019-20-Q1" / "figures.json"
QUARTERS = ("2019-20-Q1", "2020-21-Q1")


@pytest.fixture(scope="module")
def exploration() -> explore.Exploration:
    return explore.load(DATA)


def _compare(shown: explore.View, record: dict) -> None:
    recs, acts = record["recommendations"], record["actions"]
    focus = shown.focus
    assert focus["open_recommendations"] == recs["open"]
    assert focus["open_areas_for_improvement"] == recs["open_areas_for_improvement"]
    assert focus["outstanding"] == acts["outstanding"]
    assert focus["overdue"] == acts["overdue"]
    assert focus["not_yet_due"] == acts["not_yet_due"]
    assert focus["due_in_coming"] == acts["due_next_three_quarters"]

    by_group = Counter()
    overdue_by_group = Counter()
    for row in shown.position.itertuples():
        by_group[row.business_group] += row.count
        if row.position == explore.OVERDUE:
            overdue_by_group[row.business_group] += row.count
    assert dict(by_group) == acts["outstanding_by_business_group"]
    assert dict(overdue_by_group) == acts["overdue_by_business_group"]
    trend = shown.overdue_by_group[shown.overdue_by_group["quarter"] == shown.quarter.id]
    assert {r.series: r.value for r in trend.itertuples() if r.value} == acts[
        "overdue_by_business_group"
    ]

    assert Counter(shown.recommendations["theme"]) == recs["open_by_theme"]
    themes = shown.themes.pivot(index="theme", columns="source", values="count")
    for name, counts in record["themes"].items():
        assert themes.loc[name, explore.INSPECTORATE] == counts["open_recommendations"], name
        assert themes.loc[name, explore.INTERNAL_AUDIT] == counts["outstanding_actions"], name
    assert (
        list(shown.themes.loc[shown.themes["both"], "theme"].drop_duplicates())
        == record["cross_cutting_themes"]
    )


@pytest.mark.parametrize("quarter", QUARTERS)
def test_unfiltered_exploration_equals_the_quarters_figures(exploration, quarter):
    shown = explore.view(exploration, quarter, "overdue")
    assert shown.quarter.id == quarter
    assert [q.id for q in exploration.up_to(quarter).quarters][-1] == quarter
    _compare(shown, figures_for_quarter(DATA, quarter))
    outstanding = explore.view(exploration, quarter, "outstanding").actions
    record = figures_for_quarter(DATA, quarter)["actions"]
    assert Counter(outstanding["risk"]) == record["outstanding_by_risk"]
    assert Counter(outstanding["audit_title"]) == record["outstanding_by_audit"]


def test_unfiltered_exploration_equals_the_published_record():
    """The committed record of the seed paper: what the panel was given for 2019-20-Q1."""
    record = json.loads(PUBLISHED.read_text(encoding="utf-8"))
    _compare(explore.view(explore.load(DATA, record["quarter"])), record)


def test_unfiltered_deadlines_equal_the_quarters_figures(exploration):
    """Deadlines that move and work awaiting verification: the focus quarter's counts, its
    groups and its actions moved more than the limit, and every quarter's row before it, as
    ``panelpaper figures`` computes them for 2020-21-Q1."""
    quarter = "2020-21-Q1"
    record = figures_for_quarter(DATA, quarter)
    shown = explore.view(exploration, quarter)
    deadlines = record["deadlines"]
    focus = shown.deadlines_focus
    assert shown.deadline_limit == deadlines["limit"]
    for key in ("moved", "moved_more_than_limit", "moved_after_passing"):
        assert focus[key] == deadlines[key], key
    assert focus["awaiting_verification"] == record["verification"]["awaiting_verification"]
    assert deadlines["moved_more_than_limit"] > 0  # the sample data has some to list

    now = shown.deadline_counts.set_index("quarter")
    for group, counts in deadlines["by_business_group"].items():
        by_group = explore.view(exploration, quarter, business_group=group)
        assert {k: v for k, v in by_group.deadlines_focus.items() if k in counts and v} == counts
    assert shown.moved_over_limit[["Audit", "Business group", "Times moved"]].to_dict(
        orient="records"
    ) == [
        {"Audit": a["audit"], "Business group": a["business_group"], "Times moved": a["moves"]}
        for a in deadlines["moved_more_than_limit_actions"]
    ]
    assert [str(d) for d in shown.moved_over_limit["Original deadline"]] == [
        a["original_due_date"] for a in deadlines["moved_more_than_limit_actions"]
    ]
    assert [str(d) for d in shown.moved_over_limit["Current deadline"]] == [
        a["current_deadline"] for a in deadlines["moved_more_than_limit_actions"]
    ]

    for row in record["deadline_trends"]:
        shown_row = now.loc[row["quarter"]]
        for key in ("moved", "moved_more_than_limit", "moved_after_passing"):
            assert shown_row[key] == row[key], (row["quarter"], key)
        waiting = shown_row["awaiting_verification"]
        assert (None if pd.isna(waiting) else int(waiting)) == row["awaiting_verification"]


# --- each quarter under its own rules --------------------------------------------------------
def test_each_quarter_is_explored_under_the_rules_it_was_published_under(tmp_path: Path) -> None:
    """A published quarter keeps the rules recorded with it: after the panel stops monitoring
    Medium-risk actions, the published quarter's trend point still counts them (as its paper
    did), while the quarter not yet published is read under the rules in force."""
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    reports = tmp_path / "reports"
    published = reports / "2019-20-Q1"
    (published / "settings").mkdir(parents=True)
    shutil.copyfile(DATA / "settings.yml", published / "settings" / "settings.yml")
    (published / "manifest.json").write_text(
        json.dumps({"settings_recorded": ["settings.yml"]}), encoding="utf-8"
    )
    in_force = yaml.safe_load((DATA / "settings.yml").read_text(encoding="utf-8"))
    in_force["threshold"]["Medium"] = []
    (data / "settings.yml").write_text(yaml.safe_dump(in_force), encoding="utf-8")

    explored = explore.load(data, "2019-20-Q2", reports_dir=reports)
    counts = explored.actions.groupby("quarter").size()
    as_published = figures_for_quarter(DATA, "2019-20-Q1")["actions"]
    now = figures_for_quarter(data, "2019-20-Q2")["actions"]
    assert counts["2019-20-Q1"] == as_published["outstanding"]
    assert "Medium" in as_published["outstanding_by_risk"]
    assert counts["2019-20-Q2"] == now["outstanding"]
    assert set(explored.actions.loc[explored.actions["quarter"] == "2019-20-Q2", "risk"]) == {
        "High"
    }
    assert explored.settings.threshold["Medium"] == ()
    assert explored.up_to("2019-20-Q1").settings.threshold["Medium"] != ()
    # Without a reports folder every quarter is read under the rules in force.
    plain = explore.load(data, "2019-20-Q2")
    assert plain.actions.groupby("quarter").size()["2019-20-Q1"] < counts["2019-20-Q1"]
