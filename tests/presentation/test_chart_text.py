"""Alt text written from the figures: what each chart shows, with every number taken from the
quarter's figures record, never a description of the kind of chart."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from analysis import paper
from analysis.inputs.vocabulary import AGE_BANDS
from analysis.quarters import Quarter
from tests.helpers.charts import TREND_SERIES, paper_charts, quarter_context

QUARTERS = ("2019-20-Q1", "2019-20-Q2")


@pytest.fixture(scope="module", params=QUARTERS)
def ctx(request):
    return quarter_context(request.param)


def test_groups_alt_gives_each_groups_count_and_the_total(ctx) -> None:
    data = paper.groups_chart_data(ctx)
    alt = paper.groups_alt(data, group="business_group", item="business_area")
    acts = ctx.figures["actions"]
    assert alt.startswith(f"{acts['outstanding']:,} outstanding actions by business group: ")
    listed = alt.split(": ", 1)[1].split(". ")[0]
    parts = re.findall(r"(?:, | and )?(.+?) (\d[\d,]*)(?=, | and |$)", listed)
    assert {name: int(n) for name, n in parts} == acts["outstanding_by_business_group"]


def test_deadlines_alt_gives_passed_and_to_come_from_the_figures(ctx) -> None:
    acts = ctx.figures["actions"]
    alt = paper.deadlines_alt(paper.deadline_chart_data(ctx))
    assert alt.startswith(
        f"Of {acts['outstanding']:,} outstanding actions, {acts['overdue']:,} have passed their "
        f"deadline and {acts['not_yet_due']:,} have it still to come."
    )
    quarters = sorted(Quarter.parse(q) for q in acts["overdue_by_deadline_quarter"])
    assert f"Passed deadlines run from {quarters[0].label} to {quarters[-1].label}." in alt
    busiest = max(acts["outstanding_by_deadline_quarter"].values())
    assert f"The most in one quarter is {busiest:,}, in " in alt


def test_age_band_and_delay_alt_give_every_bar(ctx) -> None:
    acts = ctx.figures["actions"]
    bands = paper.counts_alt(
        paper.age_band_chart_data(ctx), category="band", subject="overdue actions"
    )
    assert bands.startswith(f"{acts['overdue']:,} overdue actions. ")
    expected = "; ".join(f"{b}: {acts['overdue_by_age_band'].get(b, 0):,}" for b in AGE_BANDS)
    assert bands.endswith(expected + ".")
    reasons = paper.counts_alt(paper.delays_chart_data(ctx), category="reason", subject="x")
    expected = "; ".join(f"{r}: {n:,}" for r, n in acts["overdue_by_delay_category"].items())
    assert reasons.endswith(expected + ".")


def test_trends_alt_says_how_each_count_moved_over_the_quarters(ctx) -> None:
    rows = ctx.figures["trends"]
    alt = paper.trends_alt(paper.trends_chart_data(ctx), TREND_SERIES)
    assert rows[0]["label"] in alt and rows[-1]["label"] in alt
    for column, name in TREND_SERIES.items():
        first, last = rows[0][column], rows[-1][column]
        verb = "rose from" if last > first else "fell from" if last < first else "stayed at"
        said = (
            f"{name.lower()} {verb} {first:,} to {last:,}"
            if first != last
            else f"{name.lower()} stayed at {last:,}"
        )
        assert said in alt, verb


def test_theme_trends_alt_follows_every_theme_from_the_record(ctx) -> None:
    rows = ctx.figures["theme_trends"]
    alt = paper.category_trends_alt(
        paper.theme_trends_chart_data(ctx, "outstanding_actions"), subject="outstanding actions"
    )
    for theme in rows[-1]["by_theme"]:
        first = rows[0]["by_theme"].get(theme, {}).get("outstanding_actions", 0)
        last = rows[-1]["by_theme"][theme]["outstanding_actions"]
        if first or last:
            assert (f"{theme} stayed at {last:,}" if first == last else f"{theme} ") in alt
            if first != last:
                assert (
                    f"{theme} {'rose' if last > first else 'fell'} from {first:,} to {last:,}"
                    in alt
                )


def test_no_alt_text_describes_the_kind_of_chart(ctx) -> None:
    for label, (_, alt) in paper_charts(ctx).items():
        assert not re.search(r"\b(chart|bar|line|graph|axis)\b", alt, re.IGNORECASE), label
        assert re.search(r"\d", alt), label


@pytest.mark.parametrize(
    ("values", "said"),
    [([38, 59], "rose from 38 to 59"), ([59, 38], "fell from 59 to 38"), ([7, 7], "stayed at 7")],
)
def test_movement_is_worded_by_its_direction(values: list[int], said: str) -> None:
    frame = pd.DataFrame({"label": ["Q1 18/19", "Q2 18/19"], "overdue": values})
    assert paper.trends_alt(frame, {"overdue": "Overdue actions"}) == (
        f"Over two quarters, Q1 18/19 to Q2 18/19: overdue actions {said}."
    )


def test_empty_charts_say_so() -> None:
    empty = pd.DataFrame(columns=["business_group", "business_area", "count"])
    assert paper.groups_alt(empty, group="business_group", item="business_area").startswith("No ")
    assert paper.deadlines_alt(
        pd.DataFrame(columns=["label", "overdue", "not_yet_due"])
    ).startswith("No ")
    assert (
        paper.counts_alt(pd.DataFrame({"band": ["a"], "count": [0]}), category="band", subject="x")
        == "No x to show."
    )
