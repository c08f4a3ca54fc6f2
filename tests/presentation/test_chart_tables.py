"""The chart-data annex: each table gives the numbers of its chart, and they are the figures
record's numbers."""

from __future__ import annotations

import pytest

from analysis import paper
from analysis.inputs.vocabulary import AGE_BANDS
from analysis.quarters import Quarter
from tests.helpers.charts import quarter_context


@pytest.fixture(scope="module", params=("2019-20-Q1", "2019-20-Q2"))
def ctx(request):
    return quarter_context(request.param)


def test_groups_table_adds_up_to_the_record_by_group(ctx) -> None:
    acts = ctx.figures["actions"]
    table = paper.groups_data_table(paper.groups_chart_data(ctx))
    body, total = table.iloc[:-1], table.iloc[-1]
    assert total["Business group"] == "Total"
    assert total["Outstanding actions"] == acts["outstanding"]
    by_group = body.groupby("Business group", sort=False)["Outstanding actions"].sum()
    assert by_group.to_dict() == acts["outstanding_by_business_group"]
    assert list(by_group.index) == list(acts["outstanding_by_business_group"])


def test_deadlines_table_is_the_record_by_deadline_quarter(ctx) -> None:
    acts = ctx.figures["actions"]
    table = paper.deadlines_data_table(paper.deadline_chart_data(ctx)).set_index(
        "Quarter of the deadline"
    )
    for quarter_id in acts["outstanding_by_deadline_quarter"]:
        row = table.loc[Quarter.parse(quarter_id).label]
        assert row["Deadline passed"] == acts["overdue_by_deadline_quarter"].get(quarter_id, 0)
        assert row["Deadline still to come"] == acts["not_yet_due_by_deadline_quarter"].get(
            quarter_id, 0
        )
    assert table.loc["Total"].to_dict() == {
        "Deadline passed": acts["overdue"],
        "Deadline still to come": acts["not_yet_due"],
    }


def test_age_bands_table_is_the_record_by_age_band(ctx) -> None:
    acts = ctx.figures["actions"]
    table = paper.age_bands_data_table(paper.age_band_chart_data(ctx))
    assert table["Time past the deadline"].tolist() == [*AGE_BANDS, "Total"]
    assert table["Overdue actions"].tolist() == [
        *(acts["overdue_by_age_band"].get(band, 0) for band in AGE_BANDS),
        acts["overdue"],
    ]


def test_theme_trends_table_is_the_record_quarter_by_quarter(ctx) -> None:
    rows = ctx.figures["theme_trends"]
    table = paper.category_trends_data_table(
        paper.theme_trends_chart_data(ctx, "outstanding_actions")
    ).set_index("Theme")
    assert list(table.columns) == [r["label"] for r in rows]
    for theme, counts in table.iterrows():
        assert counts.tolist() == [
            r["by_theme"].get(theme, {}).get("outstanding_actions", 0) for r in rows
        ]


def test_annex_tables_print_as_markdown_tables(ctx) -> None:
    text = paper.markdown_table(paper.deadlines_data_table(paper.deadline_chart_data(ctx)))
    assert text.splitlines()[0].startswith("| Quarter of the deadline")
    assert "| Total " in text.splitlines()[-1]
