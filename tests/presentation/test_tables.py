"""Breakdowns as display tables: totals that add up, Markdown the paper can print, and an
interactive table with or without itables."""

from __future__ import annotations

import pandas as pd
import pytest
from pandas.io.formats.style import Styler

from analysis.figures.marking import tally
from analysis.presentation import tables


def test_count_table_from_a_tally_adds_a_total_row():
    counts = tally(pd.Series(["High", "Medium", "High", "Low", "High"], name="risk"), None)
    table = tables.count_table(counts, "Risk")
    assert list(table.columns) == ["Risk", "Count"]
    assert table["Risk"].tolist() == ["High", "Low", "Medium", "Total"]
    assert table["Count"].tolist() == [3, 1, 1, 5]
    assert pd.api.types.is_integer_dtype(table["Count"])


def test_total_row_equals_the_sum_of_the_rows_above():
    counts = pd.Series({"Met HQ": 22, "Met Operations": 22, "Professionalism": 16})
    table = tables.count_table(counts, "Business group", "All groups", value="Overdue")
    body, total = table.iloc[:-1], table.iloc[-1]
    assert total["Business group"] == "All groups"
    assert total["Overdue"] == body["Overdue"].sum() == 60


def test_count_table_keeps_the_analysis_order_and_can_leave_out_the_total():
    counts = pd.Series({"b": 1, "a": 2, "c": 3})
    table = tables.count_table(counts, "Name", None)
    assert table["Name"].tolist() == ["b", "a", "c"]
    assert len(table) == 3


def test_a_breakdown_frame_totals_each_count_column_or_only_those_named():
    breakdown = pd.DataFrame(
        {"label": ["Q4 18/19", "Q1 19/20"], "overdue": [4, 1], "median": [120.0, 30.5]},
        index=pd.Index(["2018-19-Q4", "2019-20-Q1"], name="deadline_quarter"),
    )
    everything = tables.count_table(breakdown, "Quarter")
    assert list(everything.columns) == ["Quarter", "label", "overdue", "median"]
    assert everything.iloc[-1][["Quarter", "overdue", "median"]].tolist() == ["Total", 5, 150.5]
    assert pd.isna(everything.iloc[-1]["label"])
    chosen = tables.count_table(breakdown, "Quarter", totals=["overdue"])
    assert chosen.iloc[-1]["overdue"] == 5
    assert pd.isna(chosen.iloc[-1]["median"])


def test_count_table_of_nothing_is_a_zero_total():
    table = tables.count_table(pd.Series([], dtype=int), "Risk")
    assert table.to_dict(orient="records") == [{"Risk": "Total", "Count": 0}]


def test_markdown_table_is_a_pipe_table_with_separators_and_alignment():
    frame = pd.DataFrame({"Risk": ["High", "Medium", "Total"], "Count": [1204, 3, 1207]})
    lines = tables.markdown_table(frame).splitlines()
    assert lines == [
        "| Risk   |   Count |",
        "|:-------|--------:|",  # narrow: Pandoc sets it at its natural width, left as it is
        "| High   |   1,204 |",
        "| Medium |       3 |",
        "| Total  |   1,207 |",
    ]


def test_markdown_table_escapes_pipes_and_leaves_blanks_blank():
    frame = pd.DataFrame({"Audit": ["A | B", None], "Days": [1500, None]})
    text = tables.markdown_table(frame, thousands=False)
    rows = text.splitlines()[2:]
    assert r"A \| B" in rows[0]
    assert "1500" in rows[0]
    assert "nan" not in text.lower()
    # The second row is two empty cells.
    assert [cell.strip() for cell in rows[1].strip("|").split("|")] == ["", ""]


def test_markdown_table_can_show_the_index():
    counts = pd.Series({"High": 2}, name="count").rename_axis("risk")
    text = tables.markdown_table(counts.to_frame(), index=True)
    assert text.splitlines()[0].split("|")[1].strip() == "risk"


DETAIL = pd.DataFrame(
    {
        "action_id": ["A1", "A2"],
        "owner": ["Supt One", None],
        "deadline": pd.to_datetime(["2019-01-31", None]),
        "days_past_deadline": [150, 20],
    }
)


def test_interactive_table_uses_itables_when_installed():
    pytest.importorskip("itables")
    shown = tables.interactive_table(DETAIL, caption="Overdue")
    html = shown.data
    assert "A1" in html and "Supt One" in html
    assert "2019-01-31" in html
    assert "00:00:00" not in html
    assert "NaN" not in html and "NaT" not in html


def test_interactive_table_falls_back_to_a_styled_frame(monkeypatch):
    monkeypatch.setattr(tables, "has_itables", lambda: False)
    shown = tables.interactive_table(DETAIL, caption="Overdue")
    assert isinstance(shown, Styler)
    html = shown.to_html()
    assert "Supt One" in html and "31 Jan 2019" in html
    assert "nan" not in html.lower() and "NaT" not in html
    assert "Overdue" in html


def test_use_interactive_tables_does_nothing_without_itables(monkeypatch):
    monkeypatch.setattr(tables, "has_itables", lambda: False)
    assert tables.use_interactive_tables() is None


# --- column widths: no header word and no number breaks -----------------------------------------
WIDE = pd.DataFrame(
    {
        "Audit": [
            "External Training and Development - Implementation of Framework for Use of "
            "External Providers and Value for Money",
            "Inclusion and Diversity Strategy",
        ],
        "Year": ["2017/18", "2016/17"],
        "Assurance": ["Limited", "No"],
        "Business group": ["Professionalism", "Met HQ"],
        "Outstanding": ["9 (4 High, 5 Medium)", "5 (2 High, 3 Medium)"],
        "Overdue": [9, 1204],
        "Earliest deadline": ["March 2018", "September 2017"],
    }
)


def rule_widths_pt(markdown: str) -> list[float]:
    """Each column's width on the page as Pandoc reads it from the dashes (colons count)."""
    rule = markdown.splitlines()[1].strip().strip("|").split("|")
    total = sum(len(cell) for cell in rule)
    return [len(cell) / total * tables.TEXT_WIDTH_PT for cell in rule]


def longest_word_pt(header: str, cells: list[str]) -> float:
    words = [tables.text_width_pt(w, bold=True) for w in header.split()]
    return max(words + [tables.text_width_pt(w) for cell in cells for w in cell.split()])


def test_a_wide_table_gives_every_column_room_for_its_longest_word():
    text = tables.markdown_table(WIDE)
    widths = rule_widths_pt(text)
    assert sum(widths) == pytest.approx(tables.TEXT_WIDTH_PT)
    shown = [[cell.strip() for cell in line.strip("|").split(" | ")] for line in text.splitlines()]
    for index, (header, width) in enumerate(zip(shown[0], widths, strict=True)):
        cells = [row[index] for row in shown[2:]]
        room = width - tables.CELL_PADDING_PT
        assert room >= longest_word_pt(header, cells) - 0.5, (header, room)
    # The long titles get what the page has left over, not the short columns.
    assert widths[0] == max(widths)


def test_a_header_word_is_measured_bold_and_a_number_whole():
    assert tables.text_width_pt("Assurance", bold=True) > tables.text_width_pt("Assurance")
    one_line = tables.column_widths_pt(["Assurance"], [["Limited"]])
    assert one_line == [pytest.approx(tables.TEXT_WIDTH_PT)]  # a lone column spans the page
    crowded = tables.column_widths_pt(["Year"] * 9, [["2017/18"] * 9])
    assert all(w >= tables.text_width_pt("2017/18") + tables.CELL_PADDING_PT - 0.5 for w in crowded)


def test_columns_whose_words_overfill_the_page_keep_their_proportions():
    header = ["Professionalism"] * 10
    widths = tables.column_widths_pt(header, [["x"] * 10])
    assert sum(widths) == pytest.approx(tables.TEXT_WIDTH_PT)
    assert max(widths) == pytest.approx(min(widths))


def test_captioned_table_adds_a_labelled_caption_and_leaves_no_table_bare():
    table = tables.markdown_table(pd.DataFrame({"Group": ["A"], "Count": [3]}))
    shown = tables.captioned_table(table, "Groups by count", "tbl-groups")
    assert shown.startswith(table)
    assert shown.endswith("\n\n: Groups by count {#tbl-groups}")
    empty = tables.markdown_table(pd.DataFrame({"Group": []}))
    assert tables.captioned_table(empty, "Groups", "tbl-groups") == empty  # no table, no caption
    with pytest.raises(ValueError, match="tbl-"):
        tables.captioned_table(table, "Groups", "fig-groups")
