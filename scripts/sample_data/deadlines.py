"""The actions' deadline histories: deadlines moved after (or before) they passed, and the
reasons owners wrote for the delay, with the category the tracker owner sometimes coded.

The moves agreed by the seed date come with the action as its plan draws it
(:func:`_revisions`, :func:`_reasons`); those agreed later are drawn again from a stream of
their own (:func:`_later_moves`), so the quarters after the seed read like a tracker over time
while the seed quarter and those before it stay as the seed paper has them.
"""

from __future__ import annotations

import datetime as dt
import random

from .audits import Action, AuditPlan
from .common import (
    HORIZON,
    SEED_AS_OF,
    _days,
    _month_end,
    _rng,
    _weekday_on_or_after,
    d,
)

REASONS: tuple[tuple[str, str], ...] = (
    # (category the tracker owner codes, when they do; the owner's own wording).  The codes use
    # the category names of analysis/rules/delay_rules.yml so the paper shows one vocabulary.
    ("Resourcing", "Post holder left and the vacancy has not yet been filled."),
    ("Resourcing", "Team carrying vacancies; work re-planned once recruitment completes."),
    ("Resourcing", "Staff abstracted to operational priorities over the summer."),
    ("Dependency on other work", "Depends on the new records system, which has slipped."),
    ("Dependency on other work", "Waiting on the wider transformation programme's redesign."),
    ("Dependency on other work", "Linked IT change not yet delivered by the supplier."),
    (
        "Procurement and contracts",
        "Awaiting award of the new contract through the procurement process.",
    ),
    ("Procurement and contracts", "Tender re-run after no compliant bids were received."),
    ("Organisational change", "Function restructured; the new owner is reviewing the action."),
    ("Organisational change", "Responsibility moved to another business group in the restructure."),
    (
        "Awaiting approval or governance",
        "Revised policy drafted and awaiting sign-off at the portfolio board.",
    ),
    ("Awaiting approval or governance", "Procedure awaiting approval before it can be published."),
    ("Funding", "Awaiting funding decision in the next budget round."),
    ("Funding", "Business case for the investment not yet approved."),
)
COVID_REASONS: tuple[tuple[str, str], ...] = (
    ("Pandemic", "Paused while staff were redeployed to the COVID-19 response."),
    ("Pandemic", "Fieldwork and training suspended under the COVID-19 restrictions."),
    ("Resourcing", "Team supporting the pandemic response; work to resume in the autumn."),
)
COVID_FROM = d(2020, 3, 23)
CHASED_ON = d(2019, 8, 20)
"""When the overdue list went to each business group lead after the seed panel paper."""


def _revisions(
    rng: random.Random, due: dt.date, close: dt.date | None
) -> list[tuple[dt.date, dt.date]]:
    """Deadlines moved after they were missed: some once, some twice."""
    end = close or HORIZON + _days(365)
    revisions: list[tuple[dt.date, dt.date]] = []
    current = due
    for chance in (0.45, 0.5):
        agreed = _weekday_on_or_after(current + _days(rng.randint(14, 75)))
        if agreed >= end or rng.random() > chance:
            break
        current = _month_end(agreed + _days(rng.randint(90, 270)))
        revisions.append((agreed, current))
        if current >= end:
            break
    return revisions


def _reasons(
    rng: random.Random, plan: AuditPlan, due: dt.date, close: dt.date | None, silent: bool
) -> list[tuple[dt.date, str, str | None]]:
    """What the owner wrote once the deadline passed, and the code the tracker owner gave it."""
    end = close or HORIZON + _days(365)
    if end <= due:
        return []
    pool = plan.reasons or REASONS

    def coded(category: str, text: str, on: dt.date) -> tuple[dt.date, str, str | None]:
        return (on, text, category if rng.random() < 0.35 else None)

    reasons = []
    if silent:
        if end > CHASED_ON and due < CHASED_ON:
            reasons.append(coded(*rng.choice(pool), CHASED_ON))
    else:
        reasons.append(coded(*rng.choice(pool), due))
    covid_on = max(due, COVID_FROM)
    if not plan.reasons and end > covid_on and covid_on <= HORIZON and rng.random() < 0.5:
        reasons.append(coded(*rng.choice(COVID_REASONS), covid_on))
    return reasons


MOVE_CHANCES = (0.45, 0.5, 0.4, 0.55)
"""The chance of each further move once the deadline comes round again: a few actions are
moved three or four times."""
BEFORE_PASSING_SHARE = 0.3
"""The share of later moves agreed before the deadline came, rather than once it had passed."""


def _later_moves(action: Action, close: dt.date | None) -> list[tuple[dt.date, dt.date]]:
    """The action's moves with those agreed after the seed date drawn again, so that the
    quarters after it read like a tracker over time: some deadlines move once, a few three or
    four times, some before they pass and most after.  Moves agreed by the seed date are kept
    as they were, so the seed quarter and those before it are unchanged; each later move is
    agreed in a later quarter than the one before (a tracker shows one date a quarter)."""
    kept = [move for move in action.revisions if move[0] <= SEED_AS_OF]
    rng = _rng("later moves", action.action_id)
    end = close or HORIZON + _days(365)
    current = kept[-1][1] if kept else action.due_date
    last_agreed = kept[-1][0] if kept else action.audit.issued
    moves = list(kept)
    while len(moves) < len(MOVE_CHANCES):
        chance = MOVE_CHANCES[len(moves)]
        before = rng.random() < BEFORE_PASSING_SHARE
        offset = rng.randint(7, 45) if before else rng.randint(14, 75)
        agreed = current - _days(offset) if before else current + _days(offset)
        earliest = max(last_agreed + _days(92), SEED_AS_OF + _days(1))
        agreed = _weekday_on_or_after(max(agreed, earliest))
        if agreed >= end or agreed > HORIZON or rng.random() > chance:
            break
        current = _month_end(max(agreed, current) + _days(rng.randint(90, 270)))
        moves.append((agreed, current))
        last_agreed = agreed
        if current >= end:
            break
    return moves
