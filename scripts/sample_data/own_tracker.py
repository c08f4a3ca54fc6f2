"""The force's own HMICFRS tracker (``hmicfrs_tracker.csv``): the recommendations it has taken
on, with its internal status, told a little ahead of (and sometimes behind) the portal.

It draws from random streams of its own (keyed "own tracker" and the rec id), so the portal and
the action tracker keep every value they had before the own tracker existed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from analysis.quarters import Quarter

from .common import SEED, SENSITIVE, Row, _days, _rng
from .recommendations import REC, Recommendation
from .restricted import RESTRICTED_EVIDENCE_HERON

EVIDENCE = {
    "In progress": (
        "Action plan agreed with the lead; work under way",
        "Working group set up; draft procedure out for consultation",
        "Training package being written with the College of Policing",
    ),
    "Evidence submitted": (
        "Closure evidence sent to the HMICFRS force liaison lead",
        "Revised policy published; evidence pack submitted on the portal",
        "Audit of cases shows the new process in use; submitted for closure",
    ),
    "Complete": (
        "Closed with the inspectorate's agreement",
        "Implemented and tested; no further action needed",
        "New procedure embedded and dip-sampled by the lead",
    ),
}


@dataclass(frozen=True)
class TrackerPlan:
    """When the force's own tracker moved for one recommendation: owned (entered on the
    tracker), started, evidence submitted, complete; None for a step never reached."""

    owned: dt.date
    started: dt.date | None
    evidence: dt.date | None
    complete: dt.date | None


def _tracker_plan(rec: Recommendation) -> TrackerPlan:
    """Mostly the portal's story told a little earlier (the force finishes, then asks the
    inspectorate to close), with the lags and slips of a real tracker: items owned late, items
    finished long before the portal closes them, items closed on the portal but not internally."""
    rng = _rng("own tracker", rec.rec_id)
    published = rec.inspection.published
    late = rng.random() < 0.1
    owned = published + _days(rng.randint(200, 420) if late else rng.randint(3, 75))
    started = owned + _days(rng.randint(10, 160))
    closing = [
        day for day, status in rec.statuses if status in ("Complete", "No further action needed")
    ]
    closed = closing[0] if closing else None
    if closed is not None:
        owned, started = min(owned, closed - _days(40)), min(started, closed - _days(30))
        evidence = closed - _days(rng.randint(15, 240))
        evidence = max(evidence, started)
        complete = closed - _days(rng.randint(0, 10))
        if rng.random() < 0.15:  # the internal record lags the portal
            evidence, complete = None, closed + _days(rng.randint(90, 720))
    else:
        ready = rng.random() < 0.12
        evidence = started + _days(rng.randint(120, 500)) if ready else None
        complete = None
    return TrackerPlan(owned, started, evidence, complete)


def own_tracker(quarter: Quarter, recs: list[Recommendation]) -> list[Row]:
    """The own tracker on the quarter's last day: every portal Recommendation the force has
    taken on, with its internal status.  Outside the seed quarter, whose figures are fixed, one
    id is typed with a letter O for a zero, so it matches nothing on the portal."""
    as_of = quarter.last_day
    rows: list[Row] = []
    for rec in recs:
        if rec.type != REC or rec.inspection.published > as_of:
            continue
        plan = _tracker_plan(rec)
        if plan.owned > as_of:
            continue
        steps = [
            (plan.owned, "Not started"),
            (plan.started, "In progress"),
            (plan.evidence, "Evidence submitted"),
            (plan.complete, "Complete"),
        ]
        reached = [(day, status) for day, status in steps if day is not None and day <= as_of]
        day, status = reached[-1]
        rng = _rng("own tracker evidence", rec.rec_id, status)
        sensitive = rec.inspection.marking == SENSITIVE
        evidence = None
        if status in EVIDENCE:
            evidence = RESTRICTED_EVIDENCE_HERON if sensitive else rng.choice(EVIDENCE[status])
        rows.append(
            {
                "rec_id": rec.rec_id,
                "internal_status": status,
                "internal_status_date": day,
                "lead": rec.lead or rec.inspection.lead,
                "evidence": evidence,
                "marking": SENSITIVE if sensitive else None,
            }
        )
    if quarter != SEED and rows:
        slip = _rng("own tracker slip", quarter.id).choice(rows)
        slip["rec_id"] = str(slip["rec_id"]).replace("-0", "-O", 1)
    return rows
