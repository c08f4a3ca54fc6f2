"""Deciding whether a publication is reused, refused or run again.

The end-to-end cases (an unchanged rerun starts no kernel, a changed input is refused naming
the file, --force files the old publication under history/) are in test_run.py."""

from __future__ import annotations

import json

import papermill
import pytest

from analysis.publishing.record import reuse
from tests.publishing.test_run import FIXTURES, Q1, no_kernels, run
from tests.publishing.test_run import data_dir as data_dir  # the fixture

pytestmark = pytest.mark.usefixtures("light_kernels")


def test_naming_another_renderer_counts_as_a_change(data_dir, reports, monkeypatch):
    folder = reports / "2019-20-Q1"
    folder.mkdir()
    plan = reuse.plan_quarter(
        data_dir, reports, Q1, [FIXTURES / "alpha.ipynb"], renderer="auto", force=False
    )
    (folder / "manifest.json").write_text(
        json.dumps(
            {
                "schema": 1,
                "inputs": {"files": plan.files, "parameters": {"quarter": "2019-20-Q1"}},
                "renderer": {"name": "pandoc"},
            }
        )
    )
    monkeypatch.setattr(papermill, "execute_notebook", no_kernels)
    assert run(data_dir, reports, renderer="auto").status == "reused"
    assert run(data_dir, reports, renderer="pandoc").status == "reused"
    refused = run(data_dir, reports, renderer="quarto")
    assert refused.status == "refused"
    assert refused.changes.other == ["renderer: 'pandoc' -> 'quarto'"]


def _manifest(folder, plan: reuse.Plan, quarter: str = "2019-20-Q1") -> None:
    folder.mkdir(exist_ok=True)
    (folder / "manifest.json").write_text(
        json.dumps(
            {
                "schema": 1,
                "inputs": {"files": plan.files, "parameters": {"quarter": quarter}},
                "renderer": {"name": "pandoc"},
                "volatile": {"finished_utc": "2019-07-01T09:00:00+00:00"},
            }
        )
    )


def test_nothing_published_runs_and_the_same_inputs_are_reused(data_dir, reports):
    notebooks = [FIXTURES / "alpha.ipynb"]
    plan = reuse.plan_quarter(data_dir, reports, Q1, notebooks, renderer="auto", force=False)
    assert (plan.decision, plan.changes, plan.published) == (reuse.RUN, None, None)

    _manifest(reports / Q1.id, plan)
    again = reuse.plan_quarter(data_dir, reports, Q1, notebooks, renderer="auto", force=False)
    assert again.decision == reuse.REUSE
    assert again.published_when() == "2019-07-01T09:00:00+00:00"


def test_a_change_is_refused_unless_forced_and_the_refusal_names_it(data_dir, reports):
    notebooks = [FIXTURES / "alpha.ipynb"]
    plan = reuse.plan_quarter(data_dir, reports, Q1, notebooks, renderer="auto", force=False)
    _manifest(reports / Q1.id, plan)
    (data_dir / "snapshots" / Q1.id / "actions.csv").write_text("action_id\nA2\n")

    refused = reuse.plan_quarter(data_dir, reports, Q1, notebooks, renderer="auto", force=False)
    forced = reuse.plan_quarter(data_dir, reports, Q1, notebooks, renderer="auto", force=True)

    assert refused.decision == reuse.REFUSE and forced.decision == reuse.RUN
    assert refused.changes.changed == [f"snapshots/{Q1.id}/actions.csv"]
    text = refused.refusal(reports / Q1.id).splitlines()
    assert text[0] == f"refused: {reports / Q1.id} was published from different inputs:"
    assert text[1] == f"  changed: snapshots/{Q1.id}/actions.csv"
    assert text[-1] == (
        "Run again with --force to publish anew; the current publication then moves to"
        f" {reports / Q1.id / 'history'}/."
    )


def test_a_published_folder_without_a_readable_manifest_is_a_change(data_dir, reports):
    (reports / Q1.id).mkdir()
    (reports / Q1.id / "manifest.json").write_text("{not json")
    plan = reuse.plan_quarter(
        data_dir, reports, Q1, [FIXTURES / "alpha.ipynb"], renderer="auto", force=False
    )
    assert plan.decision == reuse.REFUSE
    assert plan.changes.other == ["the published folder has no readable manifest.json"]
