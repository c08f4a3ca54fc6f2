"""The exploration's controls: a change redraws the counts, charts and tables in place, a name
that matches nothing is a short message, and tracker text reaches the page escaped and masked."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from analysis.figures.delays import load_rules
from analysis.inputs.vocabulary import RESTRICTED_ITEM
from analysis.presentation import explore, explore_app
from analysis.presentation.colours import colour_for
from analysis.quarters import Quarter
from tests.helpers.frames import SETTINGS, snapshot
from tests.presentation.test_explore import PROF, Q1_ACTIONS, Q1_RECS, Q2_ACTIONS, Q2_RECS, SECRET

QUARTERS = [Quarter(2019, 1), Quarter(2019, 2)]


@pytest.fixture
def exploration() -> explore.Exploration:
    history = [
        snapshot("2019-20-Q1", actions=Q1_ACTIONS, recommendations=Q1_RECS),
        snapshot("2019-20-Q2", actions=Q2_ACTIONS, recommendations=Q2_RECS),
    ]
    return explore.Exploration(
        quarter=QUARTERS[-1],
        quarters=QUARTERS,
        settings=SETTINGS,
        actions=explore.outstanding_actions(history, SETTINGS, load_rules()),
        recommendations=explore.all_recommendations(history),
        as_of=dt.date(2019, 9, 30),
        as_of_by_quarter={"2019-20-Q1": dt.date(2019, 6, 30), "2019-20-Q2": dt.date(2019, 9, 30)},
    )


def _count(app: explore_app.ExploreApp, name: str) -> int:
    text = app.counts.value
    start = text.index(f'data-count="{name}">') + len(f'data-count="{name}">')
    return int(text[start : text.index("<", start)])


def _spec(slot) -> dict:
    assert slot.box.children == (slot.shown,)
    return slot.shown.spec


def _values(chart) -> list[dict]:
    spec = _spec(chart)
    return next(iter(spec["datasets"].values()))


def test_the_controls_start_from_the_parameters(exploration):
    app = explore_app.ExploreApp(exploration, "Q1 19/20", "outstanding", business_group="met hq")
    assert app.controls["quarter"].value == "2019-20-Q1"
    assert app.controls["business_group"].value == "Met HQ"
    assert app.controls["drill_down"].value == "outstanding"
    assert app.controls["theme"].value == explore_app.ALL
    assert _count(app, "outstanding") == 1
    assert app.problems.value == ""


def test_changing_a_control_redraws_counts_charts_and_tables(exploration):
    app = explore_app.ExploreApp(exploration, "2019-20-Q1")
    assert _count(app, "outstanding") == 5
    before = _values(app.slots["position"])
    options = app.slots["position"].shown.embed_options
    app.controls["business_group"].value = PROF
    # New embed options are what makes the browser draw the chart again (see ChartSlot).
    assert app.slots["position"].shown.embed_options != options
    assert app.slots["position"].shown.embed_options["renderer"] == "svg"
    assert _count(app, "outstanding") == 4 and _count(app, "overdue") == 3
    after = _values(app.slots["position"])
    assert before != after
    assert {row["business_group"] for row in after} == {PROF}
    assert "A3" not in app.action_table.value and "A1" in app.action_table.value
    app.controls["quarter"].value = "2019-20-Q2"
    assert _count(app, "outstanding") == 1
    assert {row["label"] for row in _values(app.slots["actions_trend"])} == {"Q1 19/20", "Q2 19/20"}
    app.controls["drill_down"].value = "not_yet_due"
    assert "Not yet due actions" in app.action_table.value
    app.controls["business_group"].value = explore_app.ALL
    assert _count(app, "outstanding") == 3
    assert app.last_redraw_seconds > 0  # measured for the benchmark (benchmarks/bench_explore.py)


def test_a_name_that_matches_nothing_is_a_message_listing_the_choices(exploration):
    app = explore_app.ExploreApp(exploration, None, "overdue", business_group="Profesionalism")
    assert "No business group &#x27;Profesionalism&#x27;" in app.problems.value
    assert "Professionalism, Met HQ" in app.problems.value
    assert 'role="alert"' in app.problems.value
    assert app.controls["business_group"].value == explore_app.ALL
    app.controls["risk"].value = "High"
    assert "Profesionalism" not in app.problems.value


def test_a_clicked_bar_lists_only_that_groups_actions(exploration):
    app = explore_app.ExploreApp(exploration, "2019-20-Q1", "outstanding")

    slot = app.slots["position"]
    slot.shown._vl_selections = {
        "pick": {"value": {"vlPoint": {"or": [{"business_group": "Met HQ"}]}}, "store": []}
    }
    assert "Outstanding actions, Met HQ" in app.action_table.value
    assert "A3" in app.action_table.value and "A1" not in app.action_table.value
    assert _count(app, "outstanding") == 5

    slot.shown._vl_selections = {"pick": {"value": None, "store": []}}
    assert "A1" in app.action_table.value


def test_restricted_text_stays_hidden_and_tracker_text_is_escaped(exploration):
    app = explore_app.ExploreApp(exploration, "2019-20-Q1", "outstanding")
    page = " ".join(
        [app.counts.value, app.action_table.value, app.recommendation_table.value]
        + [
            json.dumps(_spec(c))
            for c in (app.slots["position"], app.slots["themes"], app.slots["overdue_by_group"])
        ]
    )
    assert SECRET not in page
    assert "DI Hidden" not in page and "Secret inspection" not in page
    assert RESTRICTED_ITEM in app.action_table.value
    html = explore_app.table_html(
        explore.pd.DataFrame({"text": ["<script>alert(1)</script> *x*"]}), "Caption <b>"
    )
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "<caption>Caption &lt;b&gt;</caption>" in html


def test_a_long_table_says_how_much_it_shows():
    frame = explore.pd.DataFrame({"n": range(5)})
    html = explore_app.table_html(frame, "Numbers", limit=2)
    assert "(the first 2 of 5)" in html and html.count("<td>") == 2
    assert "none" in explore_app.table_html(frame.head(0), "Numbers")


def test_charts_colour_each_category_by_the_one_mapping(exploration):
    app = explore_app.ExploreApp(exploration, "2019-20-Q1")
    scale = _spec(app.slots["overdue_by_group"])["encoding"]["color"]["scale"]
    assert dict(zip(scale["domain"], scale["range"], strict=True)) == {
        PROF: colour_for(PROF),
        "Met HQ": colour_for("Met HQ"),
    }
    app.controls["business_group"].value = "Met HQ"
    scale = _spec(app.slots["overdue_by_group"])["encoding"]["color"]["scale"]
    assert dict(zip(scale["domain"], scale["range"], strict=True)) == {
        "Met HQ": colour_for("Met HQ")
    }


def test_charts_answer_back(exploration):
    app = explore_app.ExploreApp(exploration, "2019-20-Q1")
    spec = _spec(app.slots["actions_trend"])
    assert [t["title"] for t in spec["encoding"]["tooltip"]] == ["Quarter", "Series", "Actions"]
    legend = next(p for p in spec["params"] if p["name"] == "legend")
    assert legend["bind"] == "legend"
    assert spec["encoding"]["opacity"]["condition"]["param"] == "legend"
    bars = _spec(app.slots["position"])
    pick = next(p for p in bars["params"] if p["name"] == "pick")
    assert pick["select"]["fields"] == ["business_group"]
    assert spec["description"] and spec["title"]


def test_the_page_names_the_groups_whose_overdue_actions_keep_rising(exploration):
    app = explore_app.ExploreApp(exploration, "2019-20-Q2")
    assert app.rising.value == ""  # two quarters: no two steps to compare
    shown = explore.view(exploration, "2019-20-Q2")
    # Q1 to Q2 overdue: Professionalism 3 to 0, Met HQ 1 to 1; neither rose.
    assert "No business group" in explore_app.rising_html(shown, steps=1)
    q1_to_q2 = shown.overdue_by_group.copy()
    q1_to_q2.loc[q1_to_q2["series"] == "Met HQ", "value"] = [1, 2]
    shown.overdue_by_group = q1_to_q2
    assert "for: <strong>Met HQ</strong>" in explore_app.rising_html(shown, steps=1)
