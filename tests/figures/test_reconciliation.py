"""The portal against the force's own tracker: every group, restricted rows counted like others."""

from __future__ import annotations

from typing import Any

import pandas as pd

from analysis.figures import reconciliation as rc
from analysis.inputs.vocabulary import OFFICIAL, OFFICIAL_SENSITIVE
from tests.helpers.frames import recs_frame


def tracker_frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    defaults = {
        "internal_status": "In progress",
        "internal_status_date": None,
        "lead": None,
        "evidence": None,
        "marking": OFFICIAL,
    }
    records = [{**defaults, **row, "source_row": n} for n, row in enumerate(rows, start=2)]
    frame = pd.DataFrame(records, columns=["rec_id", *defaults, "source_row"])
    frame["internal_status_date"] = pd.to_datetime(frame["internal_status_date"])
    return frame


PORTAL = recs_frame(
    [
        {"rec_id": "OPEN-READY", "status": "Being progressed"},
        {"rec_id": "OPEN-DONE", "status": "Awaiting review", "marking": OFFICIAL_SENSITIVE},
        {"rec_id": "OPEN-WORK", "status": "Being progressed"},
        {"rec_id": "OPEN-NEW", "status": "Awaiting review"},
        {"rec_id": "OPEN-UNOWNED", "status": "Being progressed", "marking": OFFICIAL_SENSITIVE},
        {"rec_id": "CLOSED-LAG", "status": "Complete"},
        {"rec_id": "CLOSED-NFA", "status": "No further action needed"},
        {"rec_id": "CLOSED-AGREED", "status": "Complete"},
        {"rec_id": "CLOSED-UNTRACKED", "status": "Complete"},
        {"rec_id": "AFI-OPEN", "status": "Being progressed", "type": "Area for improvement"},
    ]
)
OWN = tracker_frame(
    [
        {"rec_id": "OPEN-READY", "internal_status": "Evidence submitted"},
        {"rec_id": "OPEN-DONE", "internal_status": "Complete", "marking": OFFICIAL_SENSITIVE},
        {"rec_id": "OPEN-WORK", "internal_status": "In progress"},
        {"rec_id": "OPEN-NEW", "internal_status": "Not started"},
        {"rec_id": "CLOSED-LAG", "internal_status": "In progress"},
        {"rec_id": "CLOSED-NFA", "internal_status": "Evidence submitted"},
        {"rec_id": "CLOSED-AGREED", "internal_status": "Complete"},
        {"rec_id": "AFI-OPEN", "internal_status": "Complete"},
        {"rec_id": "HMI-O042", "internal_status": "In progress", "marking": OFFICIAL_SENSITIVE},
    ]
)


def groups() -> dict[str, list[str]]:
    summary = rc.summary(rc.reconcile(PORTAL, OWN))
    assert all(entry["count"] == len(entry["rec_ids"]) for entry in summary.values())
    return {name: entry["rec_ids"] for name, entry in summary.items()}


def test_open_on_the_portal_and_done_internally_is_ready_to_close() -> None:
    assert groups()[rc.READY_TO_CLOSE] == ["OPEN-READY", "OPEN-DONE"]


def test_open_on_both_sides_is_being_worked_on() -> None:
    assert groups()[rc.IN_PROGRESS] == ["OPEN-WORK", "OPEN-NEW"]


def test_open_on_the_portal_and_absent_internally_is_not_owned() -> None:
    assert groups()[rc.NOT_TRACKED] == ["OPEN-UNOWNED"]


def test_closed_on_the_portal_but_not_complete_internally_is_to_check() -> None:
    # Evidence submitted is not Complete; a closed item absent internally is nobody's concern.
    assert groups()[rc.CLOSED_ON_PORTAL] == ["CLOSED-LAG", "CLOSED-NFA"]


def test_an_own_tracker_id_the_portal_lacks_is_not_on_portal() -> None:
    assert groups()[rc.NOT_ON_PORTAL] == ["HMI-O042"]


def test_the_open_groups_add_up_to_the_open_recommendations() -> None:
    from analysis.figures.recommendations import open_recommendations

    found = groups()
    open_ids = sorted(found[rc.READY_TO_CLOSE] + found[rc.IN_PROGRESS] + found[rc.NOT_TRACKED])
    assert open_ids == sorted(open_recommendations(PORTAL)["rec_id"])


def test_areas_for_improvement_are_in_no_group() -> None:
    assert not any("AFI-OPEN" in ids for ids in groups().values())


def test_restricted_rows_are_counted_and_listed_but_carry_no_text() -> None:
    reconciled = rc.reconcile(PORTAL, OWN)
    summary = rc.summary(reconciled)
    assert "OPEN-DONE" in summary[rc.READY_TO_CLOSE]["rec_ids"]
    assert "OPEN-UNOWNED" in summary[rc.NOT_TRACKED]["rec_ids"]
    text = repr(summary)
    assert "PEEL 2018" not in text  # the inspection title never reaches the summary


def test_an_empty_own_tracker_leaves_every_open_item_unowned() -> None:
    summary = rc.summary(rc.reconcile(PORTAL, tracker_frame([])))
    assert summary[rc.NOT_TRACKED]["count"] == 5
    assert sum(entry["count"] for entry in summary.values()) == 5
