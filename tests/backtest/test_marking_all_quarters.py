"""Protective marking across every sample quarter: restricted rows count, their text never shows.

The contract: OFFICIAL-SENSITIVE rows count in every total, but their free text (inspection or
audit title, lead, owner, delay reason) never reaches the paper, the published notebooks or
figures.json.  The seed backtest checks one quarter; here every snapshot in ``data/`` is
published by the real pipeline (``run_all`` with the fallback renderer: the
``published_quarters`` fixture of tests/conftest.py, built once per test run) and every file of
every quarter is searched.  Quarto's papers are searched for the seed quarter
(tests/backtest/test_seed_paper.py) and for the hostile quarter.  Expected counts are derived in the test from the loaded frames with the
contract's rules, never copied from a run.

The last tests are quick: the search helpers catch a planted leak (so a clean result means
something), a data-quality warning on a restricted row keeps its text out of the annex, and
the package writes no CSV or spreadsheet.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import docx
import pandas as pd
import pytest
import yaml
from pypdf import PdfReader

from analysis.inputs import snapshots
from analysis.inputs.snapshot import Snapshot
from analysis.inputs.vocabulary import OFFICIAL, OFFICIAL_SENSITIVE, SOURCE_ROW
from analysis.presentation import explore, paper
from analysis.presentation.markup import literal
from analysis.quarters import Quarter
from tests.helpers.marking import frame_leaks, leaks, output_texts, restricted_strings

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "data"

# The contract's rules, written out here rather than imported, so the counts below are an
# independent check of the analysis.
MONITORED = {"High": {"Substantial", "Adequate", "Limited", "No"}, "Medium": {"Limited", "No"}}
OUTSTANDING = {"Open", "In progress", "On hold"}
OPEN_RECOMMENDATION = {"Awaiting review", "Being progressed"}


def outstanding_rows(actions: pd.DataFrame) -> pd.DataFrame:
    monitored = [
        assurance in MONITORED.get(risk, set())
        for risk, assurance in zip(actions["risk"], actions["assurance"], strict=True)
    ]
    return actions[pd.Series(monitored, index=actions.index) & actions["status"].isin(OUTSTANDING)]


def open_recommendations(recs: pd.DataFrame) -> pd.DataFrame:
    return recs[(recs["type"] == "Recommendation") & recs["status"].isin(OPEN_RECOMMENDATION)]


def sensitive(frame: pd.DataFrame) -> pd.DataFrame:
    return frame[frame["marking"] == OFFICIAL_SENSITIVE]


# --- every quarter, run once (tests/conftest.py ``published_quarters``) -----------------------
@pytest.fixture(scope="module")
def restricted() -> set[str]:
    found = restricted_strings(DATA)
    assert found, "the sample data should hold OFFICIAL-SENSITIVE rows to test against"
    return found


QUARTERS = [q.id for q in snapshots.list_quarters(DATA)]


@pytest.mark.slow
def test_every_sample_quarter_is_published(published_quarters):
    assert sorted(p.name for p in published_quarters.iterdir()) == QUARTERS
    assert len(QUARTERS) == 9


@pytest.mark.slow
@pytest.mark.parametrize("quarter", QUARTERS)
def test_no_restricted_text_in_any_published_file(published_quarters, restricted, quarter):
    texts = output_texts(published_quarters / quarter)
    expected = {"paper.docx", "paper.pdf", "paper.html", "figures.json", "manifest.json"}
    assert expected <= set(texts)
    notebooks = [name for name in texts if name.endswith(".ipynb")]
    assert len(notebooks) == 5
    # The injected parameters cell is searched too (it is part of the notebook's JSON).
    for name in notebooks:
        assert '"injected-parameters"' in texts[name], name
    assert leaks(texts, restricted) == []


@pytest.mark.slow
@pytest.mark.parametrize("quarter", QUARTERS)
def test_restricted_rows_still_count(published_quarters, quarter):
    snap = snapshots.load_snapshot(DATA, Quarter.parse(quarter))
    figures = json.loads((published_quarters / quarter / "figures.json").read_text())

    outstanding = outstanding_rows(snap.actions)
    assert figures["actions"]["outstanding"] == len(outstanding)
    overdue = outstanding[outstanding["due_date"] <= pd.Timestamp(snap.as_of)]
    assert figures["actions"]["overdue"] == len(overdue)
    by_group = figures["actions"]["outstanding_by_business_group"]
    for group, rows in outstanding.groupby("business_group"):
        assert by_group[group] == len(rows), group

    recs = open_recommendations(snap.recommendations)
    assert figures["recommendations"]["open"] == len(recs)
    for theme, rows in recs.groupby("theme"):
        assert figures["recommendations"]["open_by_theme"][theme] == len(rows), theme


@pytest.mark.slow
def test_the_sample_data_has_restricted_rows_that_count():
    """Without restricted rows among the counted ones the test above would prove nothing."""
    actions = recs = 0
    for quarter in QUARTERS:
        snap = snapshots.load_snapshot(DATA, Quarter.parse(quarter))
        actions += len(sensitive(outstanding_rows(snap.actions)))
        recs += len(sensitive(open_recommendations(snap.recommendations)))
    assert actions > 0
    assert recs > 0


def _expected_marking(quarter: str) -> str:
    meta = yaml.safe_load((DATA / "snapshots" / quarter / "snapshot.yml").read_text())
    return str(meta.get("marking") or OFFICIAL)


@pytest.mark.slow
@pytest.mark.parametrize("quarter", QUARTERS)
def test_each_paper_states_its_marking_on_every_page_and_in_the_docx_header(
    published_quarters, quarter
):
    marking = _expected_marking(quarter)
    folder = published_quarters / quarter
    assert json.loads((folder / "figures.json").read_text())["paper"]["marking"] == marking

    pages = PdfReader(str(folder / "paper.pdf")).pages
    assert len(pages) >= 5
    for number, page in enumerate(pages, start=1):
        lines = [line.strip() for line in page.extract_text().splitlines()]
        assert lines.count(marking) >= 2, f"{quarter} page {number}: marking not at top and foot"

    document = docx.Document(str(folder / "paper.docx"))
    for section in document.sections:
        header = [p.text.strip() for p in section.header.paragraphs]
        assert marking in header, f"{quarter}: DOCX header {header}"

    html_text = (folder / "paper.html").read_text(encoding="utf-8")
    assert marking in html_text


@pytest.mark.slow
def test_no_published_quarter_holds_a_csv_or_spreadsheet(published_quarters):
    """The project publishes no tabular file (see docs/robustness.md), so no spreadsheet can
    run a formula planted in a tracker cell."""
    tabular = [
        p.relative_to(published_quarters).as_posix()
        for p in published_quarters.rglob("*")
        if p.suffix.lower() in (".csv", ".tsv", ".xlsx", ".xls", ".xlsm", ".ods")
    ]
    assert tabular == []


# --- exploration ------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def exploration() -> explore.Exploration:
    return explore.load(DATA)  # the latest quarter, with every earlier one stacked


@pytest.mark.slow
def test_exploration_frames_hold_no_restricted_text(exploration, restricted):
    assert set(exploration.actions[explore.QUARTER]) == set(QUARTERS)
    assert frame_leaks(exploration.actions, restricted) == []
    assert frame_leaks(exploration.recommendations, restricted) == []
    assert frame_leaks(exploration.implemented, restricted) == []


@pytest.mark.slow
@pytest.mark.parametrize("quarter", QUARTERS)
def test_exploration_drill_downs_hold_no_restricted_text_but_count_it(
    exploration, restricted, quarter
):
    actions = explore.filter_actions(exploration.actions, quarter=quarter)
    for view in explore.ACTION_VIEWS:
        assert frame_leaks(explore.action_details(actions, view), restricted) == [], view
    recs = explore.filter_recommendations(exploration.recommendations, quarter=quarter)
    for view in explore.RECOMMENDATION_VIEWS:
        assert frame_leaks(explore.recommendation_details(recs, view), restricted) == [], view
    moved = explore.view(exploration, quarter).moved_over_limit
    assert frame_leaks(moved, restricted) == []

    snap = snapshots.load_snapshot(DATA, Quarter.parse(quarter))
    assert len(explore.action_details(actions, "outstanding")) == len(
        outstanding_rows(snap.actions)
    )
    assert len(explore.recommendation_details(recs, "open")) == len(
        open_recommendations(snap.recommendations)
    )


@pytest.mark.slow
def test_filtering_on_a_restricted_title_finds_nothing(exploration):
    titles = set()
    for quarter in QUARTERS:
        snap = snapshots.load_snapshot(DATA, Quarter.parse(quarter))
        titles.update(sensitive(snap.actions)["audit_title"].dropna())
    assert titles
    for title in titles:
        with pytest.raises(ValueError, match="not found"):
            explore.filter_actions(exploration.actions, audit=title)


# --- quick checks -----------------------------------------------------------------------------
SECRET = "Covert premises audit – Wren & Finch"


def test_the_search_finds_a_leak_hidden_by_encoding_or_line_breaks(tmp_path):
    """A clean result above means something only if a planted leak is found."""
    (tmp_path / "figures.json").write_text(json.dumps({"audit": SECRET}))  # en dash as \u2013
    (tmp_path / "paper.html").write_text(f"<p>{SECRET.replace('&', '&amp;')}</p>")
    notebook = {"cells": [], "metadata": {"papermill": {"parameters": {"x": SECRET}}}}
    (tmp_path / "run.ipynb").write_text(json.dumps(notebook))
    (tmp_path / "wrapped.txt").write_text("Covert premises\naudit – Wren & Finch")
    (tmp_path / "hyphenated.txt").write_text("Covert prem-\nises audit – Wren & Finch")
    document = docx.Document()
    document.sections[0].header.paragraphs[0].text = SECRET
    document.save(str(tmp_path / "paper.docx"))
    (tmp_path / "clean.txt").write_text("Restricted item")

    found = {name for name, _ in leaks(output_texts(tmp_path), {SECRET})}

    assert found == {
        "figures.json",
        "paper.html",
        "run.ipynb",
        "wrapped.txt",
        "hyphenated.txt",
        "paper.docx",
    }
    assert frame_leaks(pd.DataFrame({"owner": [f"see {SECRET}", None]}), {SECRET}) == [
        ("owner", SECRET)
    ]


def test_warnings_on_restricted_rows_keep_their_text_out_of_the_annex(make_snapshot, data_dir):
    """Three warnings raised on OFFICIAL-SENSITIVE rows: an overdue action with no reason, a
    completion after as_of, a recommendation's status date after as_of."""
    owner, title, lead, inspection = "DI Wren", SECRET, "DCS Finch", "Operation Wren review"
    make_snapshot(
        action_cells={
            ("A1", "marking"): OFFICIAL_SENSITIVE,
            ("A1", "delay_reason"): None,
            ("A1", "audit_title"): title,
            ("A1", "owner"): owner,
            ("A5", "completed_date"): dt.date(2019, 7, 15),
            ("A5", "audit_title"): "Informant handling audit – Wren",
        },
        rec_cells={
            ("R4", "status_date"): dt.date(2019, 7, 5),
            ("R4", "lead"): lead,
            ("R4", "inspection"): inspection,
        },
    )
    ctx = paper.context(data_dir, "2019-20-Q1")
    secrets = {owner, title, lead, inspection, "Informant handling audit – Wren"}
    on_restricted = _warnings_on_restricted_rows(ctx.snapshot)
    assert {(w.column, w.row) for w in on_restricted} == {
        ("delay_reason", 2),  # A1 is the first data row of the workbook
        ("completed_date", 6),
        ("status_date", 5),  # R4 is the fourth data row
    }

    annex = paper.annex_warnings(ctx)

    assert "raised three warnings" in annex
    assert leaks({"annex": annex}, secrets) == []
    for warning in on_restricted:
        column = re.escape(literal(warning.column))  # the annex prints data as typed
        assert re.search(rf"\|\s*{warning.row}\s*\|\s*{column}\s*\|", annex), warning


def _warnings_on_restricted_rows(snap: Snapshot) -> list:
    rows = {
        "recommendations": set(sensitive(snap.recommendations)[SOURCE_ROW]),
        "audit_actions": set(sensitive(snap.actions)[SOURCE_ROW]),
    }
    return [
        w
        for w in snap.warnings
        if w.row is not None and w.row in rows[Path(w.file).stem.split(".")[0]]
    ]


WRITERS = re.compile(r"\.to_csv\(|\.to_excel\(|xlsxwriter|ExcelWriter|csv\.writer|Workbook\(")


SPREADSHEET_WRITERS = {"analysis/followup/lists.py"}
"""The one module allowed to write a spreadsheet: the business groups' follow-up lists, which
neutralise formula-like text (tests/followup/test_lists.py checks it in the sheet XML)."""


def test_the_package_writes_no_csv_or_spreadsheet_outside_the_followup_lists():
    """A deliberate choice (docs/robustness.md): the paper ships as DOCX, PDF and HTML only, and
    the follow-up lists are the one spreadsheet the package writes.  Adding another tabular
    export must come with formula-injection escaping and its test."""
    writers = {
        str(path.relative_to(ROOT)): number
        for path in sorted((ROOT / "analysis").rglob("*.py"))
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if WRITERS.search(line)
    }
    assert set(writers) == SPREADSHEET_WRITERS, writers
    assert "formula" in (ROOT / "tests" / "followup" / "test_lists.py").read_text()
