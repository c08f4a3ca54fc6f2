"""The DARA action tracker's rows over time: every action of every audit plan drawn with its
statuses, completion, deadline moves, delay reasons and internal audit's verification.

Each audit draws from a random stream keyed by its title, so changing one audit's plan does
not reshuffle every other audit.
"""

from __future__ import annotations

import datetime as dt
import random

from analysis.quarters import Quarter

from .audits import (
    BACKGROUND_AUDITS,
    OWNER_BLANK_SHARE,
    OWNERS,
    PLANNED_AUDITS,
    Action,
    Audit,
    AuditPlan,
    Batch,
)
from .common import (
    CLOSED_BY_SEED,
    FREE,
    HORIZON,
    OFFICIAL,
    OPEN_AT_SEED,
    SEED_AS_OF,
    _day_between,
    _days,
    _month_ends,
    _rng,
    _weekday_on_or_after,
)
from .deadlines import _later_moves, _reasons, _revisions


def is_monitored(risk: str, assurance: str) -> bool:
    """The contract's threshold: High always; Medium only where the audit is Limited or No."""
    return risk == "High" or (risk == "Medium" and assurance in ("Limited", "No"))


def _background_plan(audit: Audit) -> AuditPlan:
    """A few actions of mixed risk; before the seed date every monitored one was closed in time
    for the seed figures, so only actions the threshold leaves out are still open then."""
    rng = _rng("background", audit.title)
    batches = []
    for risk, weight in (("High", 0.25), ("Medium", 0.4), ("Low", 0.35)):
        count = sum(rng.random() < weight for _ in range(rng.randint(5, 8)))
        if not count:
            continue
        lo = audit.issued + _days(60)
        hi = audit.issued + _days(rng.randint(150, 420))
        fate = FREE
        if audit.issued <= SEED_AS_OF and is_monitored(risk, audit.assurance):
            fate = CLOSED_BY_SEED
        batches.append(Batch(risk, count, (lo, hi), fate))
    return AuditPlan(audit, tuple(batches))


def _close_date(rng: random.Random, issued: dt.date, due: dt.date, batch: Batch) -> dt.date | None:
    """When an action is finished, or None when it is still open at the end of the sample."""
    if batch.closes:
        return _day_between(rng, *batch.closes)
    earliest = issued + _days(30)
    if batch.fate == CLOSED_BY_SEED:
        lo = max(earliest, due - _days(120))
        hi = min(due + _days(330), SEED_AS_OF - _days(10))
        return _day_between(rng, min(lo, hi), hi)
    if batch.fate == OPEN_AT_SEED:
        if rng.random() < 0.45:
            return None
        lo = max(SEED_AS_OF + _days(10), due - _days(60))
        return _day_between(rng, lo, max(lo, HORIZON + _days(150)))
    if rng.random() < (0.35 if batch.risk == "Low" else 0.2):
        return None
    return _day_between(rng, max(earliest, due - _days(90)), due + _days(420))


def _statuses(
    rng: random.Random, plan: AuditPlan, close: dt.date | None
) -> list[tuple[dt.date, str]]:
    issued = plan.audit.issued
    end = close or HORIZON + _days(365)
    events = [(issued, "Open")]
    hold = plan.on_hold_from
    if rng.random() < 0.7:
        start = _day_between(rng, issued + _days(14), min(end, hold or end, issued + _days(240)))
        if start < min(end, hold or end):
            events.append((start, "In progress"))
    if hold and hold < end:
        events.append((hold, "On hold"))
    elif rng.random() < 0.05 and events[-1][0] + _days(60) < end:
        events.append((events[-1][0] + _days(60), "On hold"))
    if close:
        final = rng.choices(("Implemented", "Closed", "Not adopted"), (0.8, 0.15, 0.05))[0]
        events.append((close, final))
    return events


VERIFIED_FROM = Quarter(2019, 2)
"""The first quarter whose tracker has the ``verified_date`` column: internal audit started
recording its verification of implemented actions after the seed paper."""


def _verified(action: Action) -> dt.date | None:
    """When internal audit verified an implemented action: most within a quarter or two, a few
    implemented since the seed date not yet by the end of the sample.  Verifications before the
    column existed were entered when it was added."""
    if action.statuses[-1][1] != "Implemented" or action.completed_date is None:
        return None
    rng = _rng("verified", action.action_id)
    if action.completed_date > SEED_AS_OF and rng.random() < 0.1:
        return None
    return _weekday_on_or_after(action.completed_date + _days(rng.randint(20, 210)))


def build_actions() -> list[Action]:
    """Every audit action the tracker ever holds, numbered in the order the audits arrived."""
    actions = _planned_actions()
    for action in actions:
        close = action.completed_date or _closed_on(action)
        action.revisions = _later_moves(action, close)
        action.verified = _verified(action)
    return actions


def _closed_on(action: Action) -> dt.date | None:
    """When the action stopped being outstanding (Not adopted, Closed with no date), if it did."""
    final = action.statuses[-1]
    return final[0] if final[1] in ("Implemented", "Closed", "Not adopted") else None


def _planned_actions() -> list[Action]:
    """Every action as its audit's plan draws it (the moves before the seed date included)."""
    plans = sorted(
        (*PLANNED_AUDITS, *map(_background_plan, BACKGROUND_AUDITS)),
        key=lambda p: (p.audit.issued, p.audit.title),
    )
    actions: list[Action] = []
    for plan in plans:
        rng = _rng("audit", plan.audit.title)
        owners = plan.owners or OWNERS[plan.audit.business_group]
        for batch in plan.batches:
            due_dates = _month_ends(*batch.due)
            for index in range(batch.count):
                due = rng.choice(due_dates)
                close = _close_date(rng, plan.audit.issued, due, batch)
                owner = rng.choice(owners)
                if rng.random() < OWNER_BLANK_SHARE and plan.audit.marking == OFFICIAL:
                    owner = None
                statuses = _statuses(rng, plan, close)
                finished = statuses[-1][1] in ("Implemented", "Closed")
                actions.append(
                    Action(
                        action_id=f"DARA-{1001 + len(actions)}",
                        audit=plan.audit,
                        risk=batch.risk,
                        owner=owner,
                        due_date=due,
                        statuses=statuses,
                        completed_date=close if close and finished else None,
                        revisions=_revisions(rng, due, close),
                        reasons=_reasons(rng, plan, due, close, index < batch.no_reason),
                    )
                )
    return actions
