"""figures.json's ``reconciliation``: present with an own tracker, absent without, and on the seed."""

from __future__ import annotations

import copy
import dataclasses
import json

import jsonschema
import pytest

from analysis.figures.record import build_figures, figures_for_quarter, schema, to_json, validate
from tests.figures.test_reconciliation import OWN
from tests.helpers.frames import SETTINGS, snapshot

RECS = [
    {"rec_id": "A", "status": "Being progressed"},
    {"rec_id": "B", "status": "Awaiting review", "marking": "OFFICIAL-SENSITIVE"},
    {"rec_id": "C", "status": "Complete"},
]


def with_tracker(rows):
    from tests.figures.test_reconciliation import tracker_frame

    base = snapshot(recommendations=RECS)
    return dataclasses.replace(base, tracker=tracker_frame(rows))


def test_without_an_own_tracker_there_is_no_key() -> None:
    figures = build_figures(snapshot(recommendations=RECS), [], SETTINGS)
    assert "reconciliation" not in figures


def test_with_an_own_tracker_every_group_is_given_and_adds_up() -> None:
    shot = with_tracker(
        [
            {"rec_id": "A", "internal_status": "Complete"},
            {"rec_id": "C", "internal_status": "In progress"},
            {"rec_id": "Z", "internal_status": "Not started"},
        ]
    )
    figures = build_figures(shot, [], SETTINGS)
    groups = figures["reconciliation"]
    assert {name: entry["rec_ids"] for name, entry in groups.items()} == {
        "ready_to_close": ["A"],
        "open_in_progress_internally": [],
        "not_tracked_internally": ["B"],
        "closed_on_portal_open_internally": ["C"],
        "not_on_portal": ["Z"],
    }
    open_groups = ("ready_to_close", "open_in_progress_internally", "not_tracked_internally")
    assert sum(groups[g]["count"] for g in open_groups) == figures["recommendations"]["open"]
    assert "reconciliation" in figures
    json.loads(to_json(figures))


def test_the_schema_requires_every_group_and_forbids_others() -> None:
    shot = with_tracker([{"rec_id": "A", "internal_status": "Complete"}])
    figures = build_figures(shot, [], SETTINGS)
    broken = copy.deepcopy(figures)
    del broken["reconciliation"]["not_on_portal"]
    with pytest.raises(jsonschema.ValidationError):
        validate(broken)
    broken = copy.deepcopy(figures)
    broken["reconciliation"]["ready_to_close"]["evidence"] = ["text"]
    with pytest.raises(jsonschema.ValidationError):
        validate(broken)
    assert "reconciliation" not in schema()["required"]


def test_the_seed_quarter_reconciles_to_its_open_total(repo_root) -> None:
    figures = figures_for_quarter(repo_root / "data", "2019-20-Q1")
    groups = figures["reconciliation"]
    open_groups = ("ready_to_close", "open_in_progress_internally", "not_tracked_internally")
    assert sum(groups[g]["count"] for g in open_groups) == figures["recommendations"]["open"] == 88
    assert groups["not_on_portal"]["count"] == 0  # the seed's warnings are unchanged
    assert figures["warnings"] == 3


def test_the_seed_quarter_s_figures_are_those_published(repo_root) -> None:
    published = json.loads((repo_root / "reports/2019-20-Q1/figures.json").read_text("utf-8"))
    figures = figures_for_quarter(repo_root / "data", "2019-20-Q1")
    assert "reconciliation" in published  # the record was published with the own tracker
    assert figures == published


def test_restricted_rows_are_counted(repo_root) -> None:
    assert OWN["marking"].eq("OFFICIAL-SENSITIVE").any()
    shot = with_tracker([{"rec_id": "B", "internal_status": "Evidence submitted"}])
    figures = build_figures(shot, [], SETTINGS)
    assert figures["reconciliation"]["ready_to_close"] == {"count": 1, "rec_ids": ["B"]}
