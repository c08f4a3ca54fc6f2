"""Write the sample quarterly snapshots under ``data/snapshots`` -- the same bytes on every run.

The sample data stands in for a force's real trackers, so it is built the way those trackers come
about: a *world* of inspections with their recommendations and of audits with their actions, each
with a lifecycle (published or issued on a date, statuses that change, deadlines moved, work
completed).  A snapshot is that world as it stood at one quarter's ``as_of``, exported in the
data contract's files.  Building from one world is what keeps the quarters consistent with each
other: an action outstanding in one quarter is still there in the next, with its deadline moved
or a completion date.

Quarter 2019-20-Q1 is the seed paper's quarter: the plans in ``PLANNED_AUDITS`` and
``INSPECTIONS`` are written so that its figures come out exactly as the seed paper states them.
Everything else is invented, drawn from random generators seeded by fixed text, so that changing
one audit's plan does not reshuffle every other audit.  Nothing reads the clock.

Usage::

    .venv/bin/python scripts/generate_sample_data.py --out data/snapshots
"""

from __future__ import annotations

import argparse
import calendar
import csv
import datetime as dt
import random
import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import xlsxwriter
import yaml

from analysis.inputs.vocabulary import ACTION_COLUMNS, REC_COLUMNS, TRACKER_COLUMNS
from analysis.quarters import Quarter, quarter_range

FIRST = Quarter(2018, 1)
SEED = Quarter(2019, 1)
LAST = Quarter(2020, 1)
SEED_AS_OF = SEED.last_day
HORIZON = LAST.last_day
"""Nothing after this date is ever shown, so a close date beyond it means 'still open'."""

OPEN_AT_SEED = "open at the seed date"
CLOSED_BY_SEED = "closed before the seed date"
FREE = "free"

OFFICIAL = "OFFICIAL"
SENSITIVE = "OFFICIAL-SENSITIVE"

ACTION_DATE_COLUMNS = ("due_date", "revised_due_date", "completed_date", "verified_date")
REC_DATE_COLUMNS = ("published", "status_date")

MET_OPS = "Met Operations"
FRONTLINE = "Frontline Policing"
SPECIALIST = "Specialist Operations"
PROFESSIONALISM = "Professionalism"
MET_HQ = "Met HQ"
SHARED = "Shared Support Services"

d = dt.date


def _rng(*keys: object) -> random.Random:
    """A generator of its own for each part of the world; string seeds are stable across runs."""
    return random.Random("|".join(["panelpaper-sample", *map(str, keys)]))


# ============================================================================================
# Calendar helpers
# ============================================================================================


def _month_end(day: dt.date) -> dt.date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def _month_ends(lo: dt.date, hi: dt.date) -> list[dt.date]:
    """Month ends inside [lo, hi]: trackers agree deadlines as the end of a month."""
    ends, day = [], _month_end(lo)
    while day <= hi:
        ends.append(day)
        day = _month_end(day + dt.timedelta(days=1))
    return ends


def _weekday_on_or_after(day: dt.date) -> dt.date:
    """Work is signed off on working days."""
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return day


def _day_between(rng: random.Random, lo: dt.date, hi: dt.date) -> dt.date:
    if hi < lo:
        hi = lo
    return _weekday_on_or_after(lo + dt.timedelta(days=rng.randint(0, (hi - lo).days)))


def _days(n: int) -> dt.timedelta:
    return dt.timedelta(days=n)


def _financial_year(day: dt.date) -> str:
    return Quarter.of_date(day).financial_year


def panel_date(quarter: Quarter) -> dt.date:
    """The fourth Tuesday of the last month of the following quarter, when the panel sits;
    in December it meets a fortnight earlier, clear of the holidays."""
    first = quarter.next().last_day.replace(day=1)
    first_tuesday = first + _days((1 - first.weekday()) % 7)
    return first_tuesday + _days(7 if first.month == 12 else 21)


# ============================================================================================
# The world: audits and their actions
# ============================================================================================


@dataclass(frozen=True)
class Audit:
    title: str
    business_group: str
    business_area: str | None
    issued: dt.date
    assurance: str
    marking: str = OFFICIAL

    @property
    def audit_year(self) -> str:
        return _financial_year(self.issued)


@dataclass(frozen=True)
class Batch:
    """Some actions of one risk rating in one audit, with a shared fate at the seed date."""

    risk: str
    count: int
    due: tuple[dt.date, dt.date]
    fate: str = FREE
    no_reason: int = 0
    """How many of the batch never had a delay reason until the panel chased the owners."""
    closes: tuple[dt.date, dt.date] | None = None
    """Fixes the window in which the actions close, where the story needs it."""


@dataclass(frozen=True)
class AuditPlan:
    audit: Audit
    batches: tuple[Batch, ...]
    reasons: tuple[tuple[str, str], ...] = ()
    """(category, owner's wording) the owners of this audit give, in place of the general pool."""
    owners: tuple[str, ...] = ()
    on_hold_from: dt.date | None = None


@dataclass
class Action:
    action_id: str
    audit: Audit
    risk: str
    owner: str | None
    due_date: dt.date
    statuses: list[tuple[dt.date, str]]
    completed_date: dt.date | None
    revisions: list[tuple[dt.date, dt.date]] = field(default_factory=list)
    """(date agreed, new deadline), oldest first."""
    reasons: list[tuple[dt.date, str, str | None]] = field(default_factory=list)
    """(date written, wording, category coded by the tracker owner or None), oldest first."""
    verified: dt.date | None = None
    """When internal audit confirmed the implementation (Implemented actions only)."""

    def row(self, as_of: dt.date) -> dict[str, object] | None:
        """The tracker line for this action as it read on ``as_of``; None before the audit."""
        if self.audit.issued > as_of:
            return None
        status = [s for s in self.statuses if s[0] <= as_of][-1][1]
        finished = status in ("Implemented", "Closed")
        revised = [new for agreed, new in self.revisions if agreed <= as_of]
        reasons = [r for r in self.reasons if r[0] <= as_of]
        reason, category = (reasons[-1][1], reasons[-1][2]) if reasons else (None, None)
        return {
            "action_id": self.action_id,
            "audit_title": self.audit.title,
            "audit_year": self.audit.audit_year,
            "assurance": self.audit.assurance,
            "risk": self.risk,
            "business_group": self.audit.business_group,
            "business_area": self.audit.business_area,
            "owner": self.owner,
            "due_date": self.due_date,
            "revised_due_date": revised[-1] if revised else None,
            "status": status,
            "completed_date": self.completed_date if finished else None,
            "verified_date": self.verified
            if status == "Implemented" and self.verified and self.verified <= as_of
            else None,
            "delay_reason": reason,
            "delay_category": category,
            "marking": self.audit.marking,
        }


OWNERS = {
    MET_OPS: ("Head of Public Order Planning", "Operations Manager, Met Operations"),
    FRONTLINE: ("Superintendent, Local Policing", "Head of Criminal Justice"),
    SPECIALIST: ("Chief Inspector, Specialist Operations", "Business Manager, Specialist Ops"),
    PROFESSIONALISM: ("Head of Learning", "Head of Professional Standards"),
    MET_HQ: ("Head of Strategy and Governance", "Director of People Services"),
    SHARED: ("Head of Commercial Services", "Service Delivery Manager"),
}
"""Roles an owner's line shows when the audit plan names none of its own."""
OWNER_BLANK_SHARE = 0.08
"""Lines where nobody has yet been named as owner, as happens in the tracker."""

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

DASH = "\N{EN DASH}"
"""The tracker's titles use an en dash, as the seed paper prints them."""

EXTERNAL_TRAINING = (
    f"External Training and Development {DASH} Implementation of Framework for Use of External "
    "Providers and Value for Money"
)
INCLUSION = "Inclusion and Diversity Strategy"
SSCL = f"Contract/Client Relationship Management Framework {DASH} SSCL Contract"
END_USER = "Management of End User Systems"
BUSINESS_CONTINUITY = "Business Continuity and Return to Normality Arrangements"
COST_RECOVERY = "Deployment and Cost Recovery"

# --- Restricted free text: each phrase is used on OFFICIAL-SENSITIVE rows and nowhere else. ---
RESTRICTED_AUDIT_KESTREL = f"Safe-House Tenancy and Key Custody Controls {DASH} Kestrel Estate"
RESTRICTED_OWNER_KESTREL = "Detective Chief Inspector, Kestrel Estate Management"
RESTRICTED_REASON_KESTREL = (
    "Key custody ledger for the Kestrel estate awaiting reconciliation by the covert premises cell."
)
RESTRICTED_AUDIT_LARKSPUR = (
    f"Operation Larkspur {DASH} Loan Register for Technical Deployment Equipment"
)
RESTRICTED_OWNER_LARKSPUR = "Detective Superintendent, Larkspur Technical Unit"
RESTRICTED_REASON_LARKSPUR = (
    "Larkspur loan register migration held back until the equipment vault is re-accredited."
)
RESTRICTED_ACTION_KESTREL = (
    "Reconcile the Kestrel key custody ledger against the safe-house tenancy schedule."
)
RESTRICTED_ACTION_LARKSPUR = "Move the Larkspur loan register onto the accredited vault system."
RESTRICTED_INSPECTION_HERON = "Undercover policing: review of legend-building safeguards (Heron)"
RESTRICTED_LEAD_HERON = "Detective Chief Superintendent, Heron Authorising Office"
RESTRICTED_EVIDENCE_HERON = (
    "Heron authorising office: revised legend-building safeguards signed off by the covert board"
)
RESTRICTED_TEXT = (
    RESTRICTED_AUDIT_KESTREL,
    RESTRICTED_OWNER_KESTREL,
    RESTRICTED_REASON_KESTREL,
    RESTRICTED_AUDIT_LARKSPUR,
    RESTRICTED_OWNER_LARKSPUR,
    RESTRICTED_REASON_LARKSPUR,
    RESTRICTED_INSPECTION_HERON,
    RESTRICTED_LEAD_HERON,
    RESTRICTED_EVIDENCE_HERON,
    RESTRICTED_ACTION_KESTREL,
    RESTRICTED_ACTION_LARKSPUR,
)


def _audit(title, group, area, issued, assurance, marking=OFFICIAL) -> Audit:
    return Audit(title, group, area, issued, assurance, marking)


def _b(risk, count, lo, hi, fate=FREE, **kw) -> Batch:
    return Batch(risk, count, (lo, hi), fate, **kw)


OUT, SHUT, ANY = OPEN_AT_SEED, CLOSED_BY_SEED, FREE

# fmt: off
PLANNED_AUDITS: tuple[AuditPlan, ...] = (
    # --- overdue at the seed date: Professionalism (18), led by the external training audit
    AuditPlan(
        _audit(EXTERNAL_TRAINING, PROFESSIONALISM, "Learning and Development", d(2017, 11, 28), "Limited"),
        (
            _b("High", 4, d(2018, 3, 1), d(2018, 9, 30), OUT),
            _b("Medium", 5, d(2018, 3, 1), d(2018, 12, 31), OUT),
            _b("High", 1, d(2018, 3, 1), d(2018, 6, 30), SHUT),
            _b("Medium", 2, d(2018, 3, 1), d(2018, 9, 30), SHUT),
            _b("Low", 3, d(2018, 3, 1), d(2018, 12, 31)),
        ),
        reasons=(
            ("Dependency on other work", "Measurable KPIs covering every part of delivery are still being developed."),
            ("Dependency on other work", "Review of the data held on training courses is still under way."),
            ("Awaiting approval or governance", "Exceptions policy for sole-supplier training providers still in draft."),
            ("Organisational change", "Unclear split of responsibilities between Commercial Services, business groups and Strategic Learning."),
        ),
        owners=("Head of Strategic Learning", "Learning Commissioning Manager", "Head of Learning"),
    ),
    AuditPlan(
        _audit("Professional Standards Case Management", PROFESSIONALISM, "Professional Standards", d(2017, 1, 24), "Limited"),
        (
            _b("High", 1, d(2017, 4, 1), d(2017, 9, 30), OUT),
            _b("Medium", 2, d(2017, 4, 1), d(2017, 9, 30), OUT),
            _b("High", 1, d(2017, 4, 1), d(2017, 9, 30), SHUT),
            _b("Medium", 1, d(2017, 4, 1), d(2017, 9, 30), SHUT),
            _b("Low", 2, d(2017, 4, 1), d(2017, 12, 31)),
        ),
    ),
    AuditPlan(
        _audit("Leadership Development Programme", PROFESSIONALISM, "Learning and Development", d(2018, 6, 12), "Adequate"),
        (
            _b("High", 3, d(2018, 9, 1), d(2018, 12, 31), OUT),
            _b("Medium", 3, d(2018, 9, 1), d(2019, 3, 31), OUT),
            _b("Low", 2, d(2018, 9, 1), d(2019, 3, 31)),
        ),
    ),
    AuditPlan(
        _audit("Vetting Backlog Management", PROFESSIONALISM, "Vetting", d(2015, 7, 14), "Limited"),
        (
            _b("High", 1, d(2015, 10, 1), d(2015, 12, 31), OUT),
            _b("Medium", 2, d(2016, 1, 1), d(2016, 6, 30), OUT),
            _b("Medium", 2, d(2015, 10, 1), d(2016, 3, 31), SHUT),
            _b("Low", 2, d(2015, 10, 1), d(2016, 6, 30)),
        ),
    ),
    # --- Met HQ (11)
    AuditPlan(
        _audit(INCLUSION, MET_HQ, "Diversity and Inclusion", d(2017, 10, 17), "Limited"),
        (
            _b("High", 2, d(2018, 3, 1), d(2018, 9, 30), OUT),
            _b("Medium", 3, d(2018, 3, 1), d(2018, 9, 30), OUT),
            _b("Low", 1, d(2018, 3, 1), d(2018, 9, 30), OUT),
        ),
        reasons=(
            ("Organisational change", "On hold: the function has moved to Professionalism, where the work is being taken up in the wider engagement strand."),
            ("Organisational change", "Paused following the transfer of the inclusion function to Professionalism."),
        ),
        owners=("Head of Inclusion and Engagement",),
        on_hold_from=d(2018, 10, 8),
    ),
    AuditPlan(
        _audit("Corporate Risk Management", MET_HQ, "Strategy and Governance", d(2016, 9, 20), "Adequate"),
        (
            _b("High", 2, d(2017, 3, 1), d(2017, 6, 30), OUT),
            _b("Medium", 2, d(2017, 3, 1), d(2017, 9, 30), OUT),
            _b("High", 1, d(2017, 3, 1), d(2017, 6, 30), SHUT),
            _b("Low", 2, d(2017, 3, 1), d(2017, 9, 30)),
        ),
    ),
    AuditPlan(
        _audit("Information Assurance and Data Protection Readiness", MET_HQ, "Information Rights", d(2018, 3, 6), "Limited"),
        (
            _b("High", 2, d(2018, 11, 1), d(2019, 1, 31), OUT),
            _b("Medium", 2, d(2018, 11, 1), d(2019, 1, 31), OUT),
            _b("Medium", 1, d(2018, 6, 1), d(2018, 9, 30), SHUT),
            _b("Low", 2, d(2018, 6, 1), d(2019, 1, 31)),
        ),
    ),
    # --- Shared Support Services (11)
    AuditPlan(
        _audit(SSCL, SHARED, "Commercial Services", d(2017, 3, 21), "Limited"),
        (
            _b("Medium", 4, d(2017, 10, 1), d(2017, 10, 31), OUT),
            _b("High", 1, d(2017, 7, 1), d(2017, 10, 31), SHUT),
            _b("Low", 2, d(2017, 7, 1), d(2017, 10, 31)),
        ),
        reasons=(
            ("Dependency on other work", "Workshops held to find better ways of working; performance measures still being developed."),
            ("Procurement and contracts", "Performance measures to be agreed with the supplier at the next contract review."),
        ),
        owners=("Contract Manager, Shared Services", "Head of Commercial Services"),
    ),
    AuditPlan(
        _audit(END_USER, SHARED, "Digital Policing", d(2017, 11, 7), "Limited"),
        (
            _b("High", 2, d(2018, 2, 1), d(2018, 2, 28), OUT),
            _b("Medium", 2, d(2018, 2, 1), d(2018, 2, 28), OUT),
            _b("Medium", 1, d(2018, 2, 1), d(2018, 2, 28), SHUT),
            _b("Low", 1, d(2018, 2, 1), d(2018, 2, 28)),
        ),
        reasons=(
            ("Dependency on other work", "Information Access Register not yet delivered, so records management cannot finish the review of data security weaknesses."),
            ("Dependency on other work", "Business continuity arrangements for end user systems wait on the Information Access Register."),
        ),
        owners=("Head of Records Management", "Digital Policing Service Owner"),
    ),
    AuditPlan(
        _audit("Payroll and Overtime Controls", SHARED, "HR Services", d(2018, 10, 16), "Limited"),
        (
            _b("High", 1, d(2019, 1, 1), d(2019, 3, 31), OUT),
            _b("Medium", 2, d(2019, 1, 1), d(2019, 3, 31), OUT),
            _b("Medium", 1, d(2019, 1, 1), d(2019, 3, 31), SHUT),
            _b("Low", 2, d(2019, 1, 1), d(2019, 3, 31)),
        ),
    ),
    # --- Frontline Policing (8)
    AuditPlan(
        _audit("Property Store Management", FRONTLINE, "Property Services", d(2016, 11, 15), "No"),
        (
            _b("High", 3, d(2017, 3, 1), d(2017, 6, 30), OUT, no_reason=1),
            _b("Medium", 2, d(2017, 3, 1), d(2017, 6, 30), OUT),
            _b("High", 1, d(2017, 3, 1), d(2017, 6, 30), SHUT),
            _b("Medium", 2, d(2017, 3, 1), d(2017, 6, 30), SHUT),
            _b("Low", 1, d(2017, 3, 1), d(2017, 6, 30)),
        ),
    ),
    AuditPlan(
        _audit("Management of Detained Property in Custody", FRONTLINE, "Custody", d(2018, 2, 13), "Limited"),
        (
            _b("High", 1, d(2018, 6, 1), d(2018, 8, 31), OUT),
            _b("Medium", 2, d(2018, 6, 1), d(2018, 8, 31), OUT),
            _b("Low", 2, d(2018, 6, 1), d(2018, 8, 31)),
        ),
    ),
    # --- Specialist Operations (5)
    AuditPlan(
        _audit("Firearms Licensing", SPECIALIST, "Firearms Licensing", d(2017, 12, 5), "Limited"),
        (
            _b("High", 1, d(2018, 4, 1), d(2018, 7, 31), OUT),
            _b("Medium", 2, d(2018, 4, 1), d(2018, 7, 31), OUT, no_reason=1),
            _b("Medium", 1, d(2018, 4, 1), d(2018, 7, 31), SHUT),
            _b("Low", 1, d(2018, 4, 1), d(2018, 7, 31)),
        ),
    ),
    AuditPlan(
        _audit("Protective Security Operations Expenses", SPECIALIST, "Protection Command", d(2018, 7, 10), "Adequate"),
        (
            _b("High", 2, d(2018, 10, 1), d(2018, 12, 31), OUT),
            _b("Medium", 2, d(2018, 10, 1), d(2019, 3, 31), OUT),
            _b("Low", 1, d(2018, 10, 1), d(2019, 3, 31)),
        ),
    ),
    # --- Met Operations, overdue (6)
    AuditPlan(
        _audit("Command and Control System Resilience", MET_OPS, "Met Command and Control", d(2018, 3, 20), "Limited"),
        (
            _b("High", 2, d(2018, 8, 1), d(2018, 10, 31), OUT, no_reason=1),
            _b("Medium", 2, d(2018, 8, 1), d(2018, 10, 31), OUT),
            _b("Low", 2, d(2018, 8, 1), d(2018, 10, 31)),
        ),
    ),
    AuditPlan(
        _audit("Emergency Planning Training and Exercising", MET_OPS, "Emergency Preparedness", d(2016, 8, 9), "Adequate"),
        (
            _b("High", 2, d(2016, 11, 1), d(2016, 12, 31), OUT),
            _b("Medium", 1, d(2016, 11, 1), d(2016, 12, 31), SHUT),
            _b("Low", 2, d(2016, 11, 1), d(2017, 3, 31)),
        ),
    ),
    # --- not yet due at the seed date (36)
    AuditPlan(
        _audit(BUSINESS_CONTINUITY, MET_OPS, "Public Order", d(2019, 3, 12), "Limited"),
        (
            _b("High", 14, d(2019, 9, 1), d(2020, 3, 31), OUT),
            _b("Medium", 10, d(2019, 9, 1), d(2020, 3, 31), OUT),
            _b("Low", 3, d(2019, 7, 1), d(2020, 3, 31), OUT),
        ),
        owners=("Head of Public Order Planning", "Business Continuity Manager", "Chief Inspector, Public Order"),
    ),
    AuditPlan(
        _audit(COST_RECOVERY, MET_OPS, "Public Order", d(2019, 1, 22), "Adequate"),
        (
            _b("High", 3, d(2019, 7, 1), d(2019, 12, 31), OUT),
            _b("Medium", 2, d(2019, 7, 1), d(2019, 12, 31), OUT),
            _b("Low", 1, d(2019, 4, 1), d(2019, 12, 31)),
        ),
        owners=("Head of Public Order Planning", "Finance Business Partner, Met Operations"),
    ),
    AuditPlan(
        _audit("Domestic Abuse Case Supervision", FRONTLINE, "Public Protection", d(2019, 2, 26), "Limited"),
        (
            _b("High", 1, d(2019, 7, 1), d(2020, 3, 31), OUT),
            _b("Medium", 2, d(2019, 7, 1), d(2020, 3, 31), OUT),
            _b("Low", 2, d(2019, 4, 1), d(2020, 3, 31)),
        ),
    ),
    AuditPlan(
        _audit("Digital Evidence Storage", SHARED, "Digital Policing", d(2019, 3, 19), "Adequate"),
        (
            _b("High", 3, d(2019, 7, 1), d(2020, 3, 31), OUT),
            _b("Medium", 1, d(2019, 7, 1), d(2020, 3, 31), OUT),
            _b("Low", 1, d(2019, 7, 1), d(2020, 3, 31)),
        ),
    ),
    AuditPlan(
        _audit("Counter Terrorism Grant Management", SPECIALIST, "Counter Terrorism Policing", d(2019, 1, 8), "Adequate"),
        (
            _b("High", 3, d(2019, 7, 1), d(2020, 3, 31), OUT),
            _b("Medium", 2, d(2019, 4, 1), d(2019, 12, 31), OUT),
        ),
    ),
    AuditPlan(
        _audit("Fuel Card Controls", SHARED, "Fleet Services", d(2018, 11, 13), "Substantial"),
        (
            _b("Medium", 2, d(2019, 3, 1), d(2019, 9, 30), OUT),
            _b("Low", 2, d(2019, 3, 1), d(2019, 9, 30)),
        ),
    ),
    # --- after the seed date: an owner who never explains the delay
    AuditPlan(
        _audit("Cyber Security Patch Management", SHARED, "Digital Policing", d(2019, 8, 20), "No"),
        (
            _b("High", 2, d(2019, 12, 1), d(2020, 1, 31), no_reason=1, closes=(d(2020, 9, 1), d(2020, 12, 31))),
            _b("Medium", 3, d(2019, 12, 1), d(2020, 6, 30)),
            _b("Low", 2, d(2019, 12, 1), d(2020, 6, 30)),
        ),
    ),
    # --- restricted audits: every row OFFICIAL-SENSITIVE
    AuditPlan(
        _audit(RESTRICTED_AUDIT_KESTREL, SPECIALIST, None, d(2018, 1, 16), "Limited", SENSITIVE),
        (
            _b("High", 1, d(2018, 9, 1), d(2018, 9, 30), SHUT, closes=(d(2019, 5, 1), d(2019, 5, 31))),
            _b("Low", 1, d(2018, 6, 1), d(2018, 9, 30), OUT),
        ),
        reasons=(("Dependency on other work", RESTRICTED_REASON_KESTREL),),
        owners=(RESTRICTED_OWNER_KESTREL,),
    ),
    AuditPlan(
        _audit(RESTRICTED_AUDIT_LARKSPUR, SPECIALIST, None, d(2019, 11, 19), "Limited", SENSITIVE),
        (
            _b("High", 2, d(2020, 2, 1), d(2020, 3, 31), closes=(d(2020, 8, 1), d(2020, 12, 31))),
            _b("Medium", 1, d(2020, 6, 1), d(2020, 9, 30)),
        ),
        reasons=(("Awaiting approval or governance", RESTRICTED_REASON_LARKSPUR),),
        owners=(RESTRICTED_OWNER_LARKSPUR,),
    ),
)
# fmt: on

# fmt: off
BACKGROUND_AUDITS: tuple[Audit, ...] = (
    # issued before the seed date: their monitored actions were all closed by then
    _audit("Seized Cash Handling", FRONTLINE, "Criminal Justice", d(2015, 11, 10), "Limited"),
    _audit("Procurement Card Usage", SHARED, "Finance Services", d(2015, 12, 8), "Adequate"),
    _audit("Gifts, Hospitality and Business Interests Registers", PROFESSIONALISM, "Professional Standards", d(2016, 2, 16), "Limited"),
    _audit("Police Pensions Administration", SHARED, "HR Services", d(2016, 5, 17), "Adequate"),
    _audit("Body Worn Video Retention", FRONTLINE, "Local Policing", d(2016, 7, 12), "Adequate"),
    _audit("Taser Deployment Governance", MET_OPS, "Operational Support", d(2016, 10, 4), "Substantial"),
    _audit("Fleet Maintenance Contract", SHARED, "Fleet Services", d(2017, 1, 10), "Limited"),
    _audit("Disclosure Management", FRONTLINE, "Criminal Justice", d(2017, 4, 25), "Limited"),
    _audit("Firearms Training Records", SPECIALIST, "Specialist Firearms", d(2017, 6, 13), "Adequate"),
    _audit("Freedom of Information Request Handling", MET_HQ, "Information Rights", d(2017, 8, 22), "Adequate"),
    _audit("Sickness Absence Management", MET_HQ, "People Services", d(2017, 9, 26), "Limited"),
    _audit("Missing Persons Investigation Process", FRONTLINE, "Public Protection", d(2018, 1, 30), "Adequate"),
    _audit("Crime Recording Compliance", MET_HQ, "Performance", d(2018, 4, 17), "Limited"),
    _audit("Mobile Device Management", SHARED, "Digital Policing", d(2018, 5, 22), "Adequate"),
    _audit("Special Constabulary Deployment", FRONTLINE, "Local Policing", d(2018, 9, 11), "Adequate"),
    _audit("Interpreter Services Contract", SHARED, "Commercial Services", d(2018, 12, 4), "Limited"),
    _audit("Stop and Search Recording", FRONTLINE, "Local Policing", d(2019, 1, 15), "Substantial"),
    # issued after the seed date
    _audit("Overtime Authorisation in Frontline Policing", FRONTLINE, "Local Policing", d(2019, 7, 23), "Limited"),
    _audit("Framework Supporting Inclusion and Diversity Strategy", PROFESSIONALISM, "Diversity and Inclusion", d(2019, 9, 17), "Limited"),
    _audit("Forensic Services Contract Management", SPECIALIST, "Forensic Services", d(2019, 11, 5), "Limited"),
    _audit("Temporary Staff and Contractor Usage", MET_HQ, "People Services", d(2019, 12, 10), "Limited"),
    _audit("Child Abuse Investigation Workloads", FRONTLINE, "Public Protection", d(2020, 2, 18), "Limited"),
    _audit("Data Retention and Disposal", MET_HQ, "Information Rights", d(2020, 3, 10), "Limited"),
    _audit("Remote Working Controls", SHARED, "Digital Policing", d(2020, 5, 19), "Adequate"),
    _audit("Personal Protective Equipment Stock Management", MET_HQ, "Commercial Services", d(2020, 6, 9), "No"),
)
# fmt: on


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


# ============================================================================================
# The world: inspections and their recommendations
# ============================================================================================


@dataclass(frozen=True)
class Inspection:
    title: str
    theme: str
    published: dt.date
    lead: str
    programme: str | None = None
    marking: str = OFFICIAL


@dataclass(frozen=True)
class RecBatch:
    type: str
    count: int
    fate: str = FREE


@dataclass(frozen=True)
class InspectionPlan:
    inspection: Inspection
    batches: tuple[RecBatch, ...]


@dataclass
class Recommendation:
    rec_id: str
    inspection: Inspection
    type: str
    lead: str | None
    statuses: list[tuple[dt.date, str]]

    def row(self, as_of: dt.date) -> dict[str, object] | None:
        """The portal's line for this recommendation on ``as_of``; None before publication."""
        if self.inspection.published > as_of:
            return None
        seen = [s for s in self.statuses if s[0] <= as_of]
        return {
            "rec_id": self.rec_id,
            "inspection": self.inspection.title,
            "theme": self.inspection.theme,
            "programme": self.inspection.programme,
            "type": self.type,
            "published": self.inspection.published,
            "status": seen[-1][1],
            "status_date": seen[-1][0] if len(seen) > 1 else None,
            "lead": self.lead,
            "marking": self.inspection.marking if self.inspection.marking != OFFICIAL else None,
        }


REC = "Recommendation"
AFI = "Area for improvement"
COC = "Cause of concern"
PUBLIC_PROTECTION = "Commander, Public Protection"
PERFORMANCE = "Director of Strategy and Performance"
COVERT = "Commander, Covert Policing Standards"


def _i(title, theme, published, lead, programme=None, marking=OFFICIAL) -> Inspection:
    return Inspection(title, theme, published, lead, programme, marking)


def _r(kind, count, fate=FREE) -> RecBatch:
    return RecBatch(kind, count, fate)


# fmt: off
INSPECTIONS: tuple[InspectionPlan, ...] = (
    # Vulnerability: 53 open at the seed date, 21 of them in the NCPI programme
    InspectionPlan(
        _i("National Child Protection Inspection: Metropolitan Police Service", "Vulnerability", d(2016, 11, 25), PUBLIC_PROTECTION, "NCPI"),
        (_r(REC, 16, OUT), _r(REC, 8, SHUT)),
    ),
    InspectionPlan(
        _i("National Child Protection Inspection: post-inspection review", "Vulnerability", d(2017, 11, 30), PUBLIC_PROTECTION, "NCPI"),
        (_r(REC, 5, OUT), _r(REC, 3, SHUT)),
    ),
    InspectionPlan(
        _i("Joint inspection of the police response to harassment and stalking", "Vulnerability", d(2017, 7, 5), "Detective Chief Superintendent, Public Protection"),
        (_r(REC, 8, OUT), _r(REC, 3, SHUT)),
    ),
    InspectionPlan(
        _i("Modern slavery and human trafficking: the policing response", "Vulnerability", d(2017, 10, 24), "Detective Superintendent, Exploitation"),
        (_r(REC, 6, OUT), _r(REC, 2, SHUT)),
    ),
    InspectionPlan(
        _i("Joint targeted area inspection: children living with domestic abuse", "Vulnerability", d(2017, 9, 19), PUBLIC_PROTECTION),
        (_r(REC, 4, OUT), _r(REC, 2, SHUT)),
    ),
    InspectionPlan(
        _i("Missing children: a national thematic inspection", "Vulnerability", d(2018, 3, 20), PUBLIC_PROTECTION),
        (_r(REC, 3, OUT), _r(REC, 1, SHUT), _r(AFI, 2, SHUT)),
    ),
    InspectionPlan(
        _i("Policing and mental health: picking up the pieces", "Vulnerability", d(2018, 11, 27), "Mental Health Lead, Frontline Policing"),
        (_r(REC, 6, OUT), _r(REC, 1, SHUT)),
    ),
    InspectionPlan(
        _i("The police response to domestic abuse: an update report", "Vulnerability", d(2019, 2, 26), PUBLIC_PROTECTION),
        (_r(REC, 5, OUT),),
    ),
    InspectionPlan(
        _i("Online and on the edge: risks to children in a virtual world", "Vulnerability", d(2015, 7, 8), PUBLIC_PROTECTION),
        (_r(REC, 3, SHUT),),
    ),
    # PEEL: 15 open
    InspectionPlan(
        _i("PEEL: police effectiveness 2017", "PEEL", d(2018, 3, 22), PERFORMANCE),
        (_r(REC, 6, OUT), _r(REC, 2, SHUT), _r(AFI, 8, SHUT)),
    ),
    InspectionPlan(
        _i("PEEL: police efficiency 2017", "PEEL", d(2017, 11, 9), PERFORMANCE),
        (_r(REC, 3, OUT), _r(REC, 1, SHUT), _r(AFI, 5, SHUT)),
    ),
    InspectionPlan(
        _i("PEEL: police legitimacy 2017", "PEEL", d(2017, 12, 12), "Commander, Professionalism"),
        (_r(REC, 4, OUT), _r(REC, 2, SHUT), _r(AFI, 5, SHUT)),
    ),
    InspectionPlan(
        _i("PEEL: police leadership 2017", "PEEL", d(2017, 12, 12), "Commander, Professionalism"),
        (_r(REC, 2, OUT), _r(AFI, 3, SHUT)),
    ),
    InspectionPlan(
        _i("PEEL: police effectiveness 2016", "PEEL", d(2017, 3, 2), PERFORMANCE),
        (_r(REC, 4, SHUT), _r(AFI, 6, SHUT), _r(COC, 1, SHUT)),
    ),
    InspectionPlan(
        _i("PEEL: police legitimacy 2016", "PEEL", d(2016, 12, 8), "Commander, Professionalism"),
        (_r(REC, 2, SHUT), _r(AFI, 4, SHUT)),
    ),
    InspectionPlan(
        _i("PEEL: police efficiency 2016", "PEEL", d(2016, 11, 3), PERFORMANCE),
        (_r(AFI, 4, SHUT),),
    ),
    # Stop & Search, Information management, Fraud: one open each
    InspectionPlan(
        _i("Stop and search: a follow-up on the fair and effective use of powers", "Stop & Search", d(2017, 3, 29), "Commander, Frontline Policing"),
        (_r(REC, 1, OUT), _r(REC, 3, SHUT)),
    ),
    InspectionPlan(
        _i("Best Use of Stop and Search scheme: compliance review", "Stop & Search", d(2016, 2, 11), "Commander, Frontline Policing"),
        (_r(REC, 2, SHUT), _r(AFI, 2, SHUT)),
    ),
    InspectionPlan(
        _i("Information management: use of national police databases", "Information management", d(2016, 10, 18), "Head of Information Management"),
        (_r(REC, 1, OUT), _r(REC, 3, SHUT)),
    ),
    InspectionPlan(
        _i("Building the picture: police information management", "Information management", d(2015, 7, 21), "Head of Information Management"),
        (_r(REC, 3, SHUT), _r(AFI, 2, SHUT)),
    ),
    InspectionPlan(
        _i("Crime data integrity: Metropolitan Police Service", "Information management", d(2018, 6, 14), "Force Crime Registrar"),
        (_r(COC, 1, OUT), _r(AFI, 3, SHUT)),
    ),
    InspectionPlan(
        _i(f"Fraud: time to choose {DASH} the police response to fraud", "Fraud", d(2019, 4, 2), "Detective Chief Superintendent, Economic Crime"),
        (_r(REC, 1, OUT),),
    ),
    # Undercover Policing: 17 open, one of them restricted
    InspectionPlan(
        _i("An inspection of undercover policing in England and Wales", "Undercover Policing", d(2014, 10, 16), COVERT),
        (_r(REC, 12, OUT), _r(REC, 6, SHUT)),
    ),
    InspectionPlan(
        _i("Undercover policing: a progress review", "Undercover Policing", d(2019, 1, 29), COVERT),
        (_r(REC, 4, OUT), _r(REC, 1, SHUT)),
    ),
    InspectionPlan(
        _i(RESTRICTED_INSPECTION_HERON, "Undercover Policing", d(2018, 9, 18), RESTRICTED_LEAD_HERON, marking=SENSITIVE),
        (_r(REC, 1, OUT),),
    ),
    # published after the seed date
    InspectionPlan(
        _i("The poor relation: the police and CPS response to crimes against older people", "Vulnerability", d(2019, 7, 17), PUBLIC_PROTECTION),
        (_r(REC, 4),),
    ),
    InspectionPlan(
        _i("PEEL: integrated assessment of effectiveness, efficiency and legitimacy", "PEEL", d(2019, 9, 27), PERFORMANCE),
        (_r(REC, 2), _r(AFI, 12), _r(COC, 1)),
    ),
    InspectionPlan(
        _i("PEEL spotlight report: abuse of position for a sexual purpose", "PEEL", d(2019, 9, 27), "Commander, Professionalism"),
        (_r(REC, 3),),
    ),
    InspectionPlan(
        _i("Cyber-dependent crime: the police response", "Fraud", d(2019, 10, 24), "Detective Chief Superintendent, Economic Crime"),
        (_r(REC, 3),),
    ),
    InspectionPlan(
        _i("Police custody inspection: Metropolitan Police Service", "Custody", d(2019, 12, 17), "Commander, Met Detention"),
        (_r(REC, 5), _r(AFI, 9), _r(COC, 1)),
    ),
    InspectionPlan(
        _i("Both sides of the coin: county lines exploitation", "Vulnerability", d(2020, 1, 14), PUBLIC_PROTECTION),
        (_r(REC, 3),),
    ),
    InspectionPlan(
        _i("Evidence-led domestic abuse prosecutions", "Vulnerability", d(2020, 1, 28), PUBLIC_PROTECTION),
        (_r(REC, 2),),
    ),
)
# fmt: on


def _rec_statuses(rng: random.Random, published: dt.date, fate: str) -> list[tuple[dt.date, str]]:
    """Awaiting review on publication, perhaps Being progressed, then closed or not."""
    if fate == CLOSED_BY_SEED:
        close = _day_between(
            rng, published + _days(90), min(published + _days(900), SEED_AS_OF - _days(7))
        )
    elif fate == OPEN_AT_SEED:
        close = None
        if rng.random() < 0.5:
            close = _day_between(rng, SEED_AS_OF + _days(15), HORIZON + _days(120))
    else:
        close = (
            None
            if rng.random() < 0.4
            else _day_between(rng, published + _days(120), published + _days(600))
        )
    events = [(published, "Awaiting review")]
    end = close or HORIZON + _days(365)
    if fate == OPEN_AT_SEED:
        end = min(end, SEED_AS_OF)
    if rng.random() < 0.65:
        progressed = _day_between(rng, published + _days(30), published + _days(330))
        if progressed < end:
            events.append((progressed, "Being progressed"))
    if close:
        events.append((close, rng.choices(("Complete", "No further action needed"), (0.8, 0.2))[0]))
    return events


def build_recommendations() -> list[Recommendation]:
    """Every portal line ever published, numbered in order of publication."""
    plans = sorted(INSPECTIONS, key=lambda p: (p.inspection.published, p.inspection.title))
    recs: list[Recommendation] = []
    for plan in plans:
        rng = _rng("inspection", plan.inspection.title)
        for batch in plan.batches:
            for _ in range(batch.count):
                lead = plan.inspection.lead if rng.random() < 0.9 else None
                if plan.inspection.marking == SENSITIVE:
                    lead = plan.inspection.lead
                recs.append(
                    Recommendation(
                        rec_id=f"HMI-{len(recs) + 1:04d}",
                        inspection=plan.inspection,
                        type=batch.type,
                        lead=lead,
                        statuses=_rec_statuses(rng, plan.inspection.published, batch.fate),
                    )
                )
    return recs


# ============================================================================================
# Snapshots: the world at one quarter's as_of, as the analysts receive it
# ============================================================================================

Row = dict[str, object]


@dataclass(frozen=True)
class Snapshot:
    quarter: Quarter
    recommendations: list[Row]
    actions: list[Row]
    meta: dict[str, object]
    narrative: str
    tracker: list[Row] = field(default_factory=list)


def snapshot(quarter: Quarter, recs: list[Recommendation], actions: list[Action]) -> Snapshot:
    """The world as it stood at the quarter's last day, with the tracker's typing slips."""
    as_of = quarter.last_day
    rec_rows = [r for r in (rec.row(as_of) for rec in recs) if r]
    action_rows = [r for r in (action.row(as_of) for action in actions) if r]
    if quarter < SEED:
        # The tracker's marking column was only filled in from the seed quarter on.
        for row in action_rows:
            if row["marking"] == OFFICIAL:
                row["marking"] = None
    action_rows = _slips(quarter, action_rows, actions)
    rec_rows, action_rows = _vary_spelling(quarter, rec_rows, action_rows)
    action_rows = _with_action_texts(quarter, action_rows)
    return Snapshot(
        quarter,
        rec_rows,
        action_rows,
        snapshot_meta(quarter),
        NARRATIVES[quarter.id],
        own_tracker(quarter, recs),
    )


# --- the tracker's slips: suspicious lines that change no figure, one kind or two a quarter ---

SLIPS = {
    "2018-19-Q2": ("closed without completed date",),
    "2018-19-Q4": ("revised before original",),
    "2019-20-Q2": ("revised before original",),
    "2019-20-Q3": ("completed after as_of",),
    "2020-21-Q1": ("closed without completed date", "completed after as_of"),
}
"""Besides these, overdue actions with no delay reason occur wherever the world has them."""


def _slips(quarter: Quarter, rows: list[Row], actions: list[Action]) -> list[Row]:
    by_id = {a.action_id: a for a in actions}
    for slip in SLIPS.get(quarter.id, ()):
        if slip == "closed without completed date":
            # Closed this quarter, but the date was left for the next update.
            row = next(
                r for r in rows if r["status"] == "Closed" and quarter.contains(r["completed_date"])
            )
            row["completed_date"] = None
        elif slip == "revised before original":
            # The year typed wrongly when the deadline was moved: a year before the original.
            candidates = [
                r for r in rows if r["revised_due_date"] and r["status"] in ("Open", "In progress")
            ]
            row = candidates[quarter.number * 7 % len(candidates)]
            due = row["due_date"]
            row["revised_due_date"] = _month_end(dt.date(due.year - 1, due.month, 1))
        elif slip == "completed after as_of":
            # An owner marked the action done ahead of the sign-off date still to come.
            row = next(
                r
                for r in rows
                if r["status"] in ("Open", "In progress")
                and by_id[r["action_id"]].completed_date
                and quarter.next().contains(by_id[r["action_id"]].completed_date)
            )
            row["status"] = "Implemented"
            row["completed_date"] = by_id[row["action_id"]].completed_date
        if quarter == SEED:
            raise AssertionError("the seed quarter must stay free of slips")
    return rows


def _vary_spelling(
    quarter: Quarter, recs: list[Row], actions: list[Row]
) -> tuple[list[Row], list[Row]]:
    """Hand-typed case and spacing in a couple of quarters; the contract matches through it."""
    if quarter.id == "2019-20-Q3":
        recs = [dict(r) for r in recs]
        for n, row in enumerate(recs):
            if row["theme"] == "PEEL" and n % 2 == 0:
                row["theme"] = "peel"
            if row["status"] == "Being progressed" and n % 3 == 0:
                row["status"] = "being progressed "
            if row["type"] == REC and n % 5 == 0:
                row["type"] = "recommendation"
    if quarter.id == "2019-20-Q4":
        actions = [dict(r) for r in actions]
        for n, row in enumerate(actions):
            if row["status"] == "In progress" and n % 6 == 0:
                row["status"] = "in progress"
            if row["business_group"] == MET_OPS and n % 8 == 0:
                row["business_group"] = "MET OPERATIONS"
            if row["assurance"] == "Limited" and n % 5 == 0:
                row["assurance"] = "limited "
            if row["risk"] == "High" and n % 11 == 0:
                row["risk"] = " High"
    return recs, actions


# --- the force's own HMICFRS tracker (hmicfrs_tracker.csv) ---------------------------------------
# Its own random stream (keyed "own tracker" and the rec id), so the portal and the action tracker
# keep every value they had before the own tracker existed.

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


# --- what each action asks for: the tracker's `action` text and, from the seed quarter on, a
# coded `theme` on some rows.  Drawn from a random stream of their own (keyed by action id), so
# every value the world above produces stays exactly as it was.

ACTION_SUBJECTS: dict[str, tuple[str, ...]] = {
    EXTERNAL_TRAINING: (
        "KPIs for external training providers",
        "exceptions policy for sole suppliers of training",
        "data on external training courses",
        "budget responsibilities for external training",
        "value for money reviews of external providers",
    ),
    "Professional Standards Case Management": (
        "misconduct case file reviews",
        "professional standards case timeliness",
        "PSD case management system",
    ),
    "Leadership Development Programme": ("leadership programme evaluation", "talent pipeline"),
    "Vetting Backlog Management": ("vetting backlog", "vetting renewals", "aftercare vetting"),
    INCLUSION: ("inclusion and diversity action plan", "staff network engagement", "D&I strategy"),
    "Corporate Risk Management": ("corporate risk register", "risk appetite statement"),
    "Information Assurance and Data Protection Readiness": (
        "information asset register",
        "data protection impact assessments",
        "GDPR training for information asset owners",
    ),
    SSCL: ("SSCL contract performance measures", "client relationship workshops"),
    END_USER: (
        "Information Access Register",
        "user access reviews on end user devices",
        "records management vulnerabilities",
    ),
    "Payroll and Overtime Controls": ("overtime authorisation", "payroll exception reports"),
    "Property Store Management": ("property store audits", "retention of seized property"),
    "Management of Detained Property in Custody": ("detained property logs in custody suites",),
    "Firearms Licensing": ("firearms licence renewals", "GP notification process"),
    "Protective Security Operations Expenses": ("expenses claims checks", "hotel booking rules"),
    "Command and Control System Resilience": ("command and control failover testing",),
    "Emergency Planning Training and Exercising": (
        "exercise debriefs",
        "emergency planning training",
    ),
    BUSINESS_CONTINUITY: ("business continuity plans", "return to normality arrangements"),
    COST_RECOVERY: ("cost recovery invoicing", "mutual aid charging"),
    "Domestic Abuse Case Supervision": ("DA case supervision", "risk assessment (DASH) quality"),
    "Digital Evidence Storage": (
        "digital evidence storage capacity",
        "evidence retention schedule",
    ),
    "Counter Terrorism Grant Management": ("CT grant returns", "grant claim evidence"),
    "Fuel Card Controls": ("fuel card reconciliations", "fleet fuel usage reports"),
    "Cyber Security Patch Management": (
        "patching of critical servers",
        "cyber vulnerability scans",
    ),
    RESTRICTED_AUDIT_KESTREL: ("key custody ledger",),
    RESTRICTED_AUDIT_LARKSPUR: ("loan register",),
}

ACTION_TEMPLATES = (
    "Review and update {s}.",
    "Develop and implement {s}, and report progress to the SLT.",
    "Introduce monthly monitoring of {s}.",
    "Agree roles and responsibilities for {s} with the business.",
    "{S}: refresh guidance and communicate to all staff",
    "Carry out dip sampling of {s} and report findings to the Deputy Director.",
    "Complete the review of {s}",
    "{S} to be signed off by the portfolio board",
)
LONG_TAIL = (
    " Management response: agreed. Work had started before the audit and a draft is with the"
    " head of function; the final version will go to the next quarterly assurance meeting,"
    " after which it will be rolled out force-wide with a briefing pack."
)
GENERIC_ACTIONS = (
    "Implement audit recs",
    "See mgmt response in final report",
    "As per action plan agreed w/ DARA",
    "TBC - awaiting owner",
    "Update to follow",
)
ABBREVIATIONS = (
    (" and ", " & "),
    ("management", "mgmt"),
    ("information", "info"),
    ("Information", "Info"),
    ("monthly", "mthly"),
    ("with", "w/"),
    ("responsibilities", "resp."),
)
ACTION_BLANK_SHARE = 0.08
CODED_THEMES = {
    RESTRICTED_AUDIT_KESTREL: "Estates, fleet and equipment",
    RESTRICTED_AUDIT_LARKSPUR: "Equipment",  # not a theme of the taxonomy: the rules decide
    "Vetting Backlog Management": "vetting, integrity and professional standards",
    "Payroll and Overtime Controls": "FINANCE",
    INCLUSION: "Workforce,  training and wellbeing",
    "Domestic Abuse Case Supervision": "Vulnerability and Safeguarding",
}
"""Audits whose tracker owner codes a theme on some rows (from the seed quarter on), typed as
a person types them."""
CODED_THEME_SHARE = 0.5


def _typo(rng: random.Random, text: str) -> str:
    """Two neighbouring letters of one longer word swapped, as a hurried typist does."""
    words = text.split(" ")
    long_words = [i for i, w in enumerate(words) if len(w) > 5 and w.isalpha()]
    if not long_words:
        return text
    i = rng.choice(long_words)
    w = words[i]
    j = rng.randrange(1, len(w) - 2)
    words[i] = w[:j] + w[j + 1] + w[j] + w[j + 2 :]
    return " ".join(words)


def _action_text(action_id: str, audit_title: str) -> str | None:
    """The text agreed with the owner for one action: the same in every quarter."""
    rng = _rng("action text", action_id)
    if rng.random() < ACTION_BLANK_SHARE:
        return None
    if audit_title == RESTRICTED_AUDIT_KESTREL:
        return RESTRICTED_ACTION_KESTREL
    if audit_title == RESTRICTED_AUDIT_LARKSPUR:
        return RESTRICTED_ACTION_LARKSPUR
    if rng.random() < 0.1:
        return rng.choice(GENERIC_ACTIONS)
    subjects = ACTION_SUBJECTS.get(audit_title) or (audit_title.lower(),)
    subject = rng.choice(subjects)
    text = rng.choice(ACTION_TEMPLATES).format(s=subject, S=subject[:1].upper() + subject[1:])
    for long_form, short_form in ABBREVIATIONS:
        if long_form in text and rng.random() < 0.3:
            text = text.replace(long_form, short_form)
    if rng.random() < 0.15:
        text = _typo(rng, text)
    if rng.random() < 0.12:
        text = text.rstrip(".") + "." + LONG_TAIL
    if rng.random() < 0.1:
        text = text.lower()
    return text


def _with_action_texts(quarter: Quarter, rows: list[Row]) -> list[Row]:
    """Each tracker line with its ``action`` text and, from the seed quarter on, the coded
    ``theme`` some owners fill in."""
    out = []
    for row in rows:
        row = dict(row)
        title = row["audit_title"]
        row["action"] = _action_text(row["action_id"], title)
        coded = CODED_THEMES.get(title)
        rng = _rng("action theme", row["action_id"])
        chosen = quarter >= SEED and coded is not None and rng.random() < CODED_THEME_SHARE
        row["theme"] = coded if chosen else None
        out.append(row)
    return out


UK_DATE_QUARTERS = ("2018-19-Q3", "2020-21-Q1")
"""Quarters whose portal export came out with dates in UK order (30/06/2019)."""


def snapshot_meta(quarter: Quarter) -> dict[str, object]:
    if quarter < SEED:
        authors = ["Harriet Osei", "Martin Ashdown"]
    elif quarter < LAST:
        authors = ["Harriet Osei", "Daniel Whitcombe"]
    else:
        authors = ["Daniel Whitcombe"]
    return {
        "as_of": quarter.last_day,
        "panel_date": panel_date(quarter),
        "panel": "Audit Panel",
        "marking": OFFICIAL,
        "authors": authors,
        "contact": "Inspection and Audit Liaison Team, Corporate Strategy (assurance.liaison@example.org)",
    }


# ============================================================================================
# Writing the files
# ============================================================================================


def _csv_value(value: object, uk_dates: bool) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y") if uk_dates else value.isoformat()
    return str(value)


PORTAL_COLUMNS = tuple(c for c in REC_COLUMNS if c != "title")
"""The sample portal export has no recommendation text (the contract's optional ``title``)."""


def write_recommendations(path: Path, rows: list[Row], uk_dates: bool) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(PORTAL_COLUMNS)
        for row in rows:
            writer.writerow([_csv_value(row[c], uk_dates) for c in PORTAL_COLUMNS])


def write_tracker(path: Path, rows: list[Row], uk_dates: bool) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(TRACKER_COLUMNS)
        for row in rows:
            writer.writerow([_csv_value(row[c], uk_dates) for c in TRACKER_COLUMNS])


def write_actions(path: Path, rows: list[Row], as_of: dt.date) -> None:
    """The tracker workbook, dates as real Excel dates; fixed properties make it byte-stable."""
    workbook = xlsxwriter.Workbook(str(path))
    created = dt.datetime.combine(as_of + _days(9), dt.time(9, 0))
    workbook.set_properties(
        {"title": "DARA action tracker", "author": "Corporate Strategy", "created": created}
    )
    sheet = workbook.add_worksheet("Actions")
    bold = workbook.add_format({"bold": True})
    date_format = workbook.add_format({"num_format": "dd/mm/yyyy"})
    columns = _action_columns(as_of)
    for col, name in enumerate(columns):
        sheet.write_string(0, col, name, bold)
        width = 12 if name in ACTION_DATE_COLUMNS else 20
        wide = name in ("audit_title", "delay_reason", "action")
        sheet.set_column(col, col, 50 if wide else width)
    for r, row in enumerate(rows, start=1):
        for col, name in enumerate(columns):
            value = row[name]
            if value is None:
                continue
            if isinstance(value, dt.date):
                sheet.write_datetime(r, col, dt.datetime.combine(value, dt.time()), date_format)
            else:
                sheet.write_string(r, col, str(value))
    sheet.freeze_panes(1, 0)
    sheet.autofilter(0, 0, len(rows), len(columns) - 1)
    workbook.close()


def _action_columns(as_of: dt.date) -> tuple[str, ...]:
    """The tracker's columns: ``verified_date`` only from :data:`VERIFIED_FROM` on."""
    if as_of >= VERIFIED_FROM.last_day:
        return ACTION_COLUMNS
    return tuple(c for c in ACTION_COLUMNS if c != "verified_date")


def write_snapshot(folder: Path, snap: Snapshot) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    meta = yaml.safe_dump(snap.meta, sort_keys=False, allow_unicode=True, width=200)
    (folder / "snapshot.yml").write_text(meta, encoding="utf-8")
    uk_dates = snap.quarter.id in UK_DATE_QUARTERS
    write_recommendations(folder / "recommendations.csv", snap.recommendations, uk_dates)
    write_actions(folder / "audit_actions.xlsx", snap.actions, snap.quarter.last_day)
    write_tracker(folder / "hmicfrs_tracker.csv", snap.tracker, uk_dates)
    if re.search(r"\d", snap.narrative):
        raise ValueError(f"{snap.quarter.id}: the narrative must carry no figures")
    (folder / "narrative.md").write_text(snap.narrative, encoding="utf-8")


def quarters() -> list[Quarter]:
    return quarter_range(FIRST, LAST)


def generate(out: Path) -> list[Path]:
    """Write every sample quarter under ``out``; returns the folders written."""
    recs, actions = build_recommendations(), build_actions()
    folders = []
    for quarter in quarters():
        folder = Path(out) / quarter.id
        write_snapshot(folder, snapshot(quarter, recs, actions))
        folders.append(folder)
    return folders


def main(argv: Iterable[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("data/snapshots"))
    args = parser.parse_args(None if argv is None else list(argv))
    for folder in generate(args.out):
        print(f"wrote {folder}")
    return 0


# ============================================================================================
# The quarters' narratives (prose only: no figures, no digits)
# ============================================================================================

NARRATIVES: dict[str, str] = {
    "2018-19-Q1": """## Inspection activity

### PEEL

The inspectorate has confirmed that the separate inspections of effectiveness, efficiency and
legitimacy will be replaced by a single integrated PEEL assessment from this year. Forces are
being placed in tranches and we expect to hear our fieldwork window over the summer. The
recommendations from last year's effectiveness report are still being worked through by the
vulnerability and performance leads.

### Force Management Statement

Our first Force Management Statement went to the inspectorate at the end of May. It will be used
to decide where the integrated assessment looks hardest, and feedback to forces is promised for
the autumn. The strategy team is already noting what to do differently next time, above all how
demand forecasts are drawn from business group plans.

### Thematic inspections

Fieldwork has finished for the national inspection of how forces respond to people with mental
health needs. We took part through interviews and a review of case files, and the report is
expected towards the end of the year. The crime data integrity report on the Met was published in
June and the Force Crime Registrar is preparing the response.

### Recommendations Register

The inspectorate's Recommendations Register remains the public record of what is still open. We
have begun to check it line by line against our own tracker, because several items we consider
closed are still shown as open nationally.

## Commentary

Most late DARA actions have been late for some time rather than slipping this quarter. The common
thread is ownership: a number of actions sit with teams that have since been reorganised, and the
new managers have not always taken them on. Until every action has a named owner who has agreed
its deadline, progress will stay uneven.
""",
    "2018-19-Q2": """## Inspection activity

### Integrated PEEL Assessment

We have been placed in the second tranche of the integrated assessment, with fieldwork expected
in the spring. A small team is assembling the document return and briefing the senior leaders
who will be interviewed.

### Force Management Statement

The inspectorate's feedback on our first statement praised its breadth and asked for clearer
links between forecast demand and workforce plans. Guidance for the second statement is expected
before the end of the year.

### Thematic inspections

The national report on policing and mental health has now been published, and its
recommendations have been passed to the mental health lead in Frontline Policing. The inspectorate
has also announced a national inspection of the police response to fraud; our fieldwork is
planned for the winter and will cover both the reporting centre referrals and local
investigation.

### Recommendations Register

Reconciling the register with our tracker continues. A first set of requests to close
recommendations has gone to the inspectorate with the supporting evidence.

## Commentary

Several overdue actions are waiting for IT changes that are themselves late, chiefly in records
management and in command and control. Business groups also report vacancies in the very teams
expected to carry out the work, so deadlines agreed at the close of each audit were optimistic.

## Risk implications

While the public register shows recommendations that we have in fact completed, the force's
progress looks worse than it is. Closing the gap is a reputational as well as an administrative
task.
""",
    "2018-19-Q3": """## Inspection activity

### Integrated PEEL Assessment

The document and data return for the integrated assessment has been submitted. Fieldwork will
take place in the spring and will include reality-testing visits to basic command units as well as
interviews with chief officers.

### Force Management Statement

Guidance for the second statement has arrived, with a submission date at the end of May. This
time the statement is meant to be built into business planning rather than written alongside it.

### Thematic inspections

Our fraud fieldwork has finished. The inspectorate published its progress review of undercover
policing in January and an update on the police response to domestic abuse in February; both
carry recommendations for every force, and owners have been identified for each.

### Recommendations Register

The inspectorate intends to replace the register with an online portal during the coming year,
through which forces will be able to record their own progress.

## Commentary

The move to basic command units and the transfer of functions between business groups have left
some actions without an obvious owner. Elsewhere, actions that need a contract to be let are
moving at the pace of the procurement timetable rather than the audit's.

## Financial implications

A handful of actions need investment that is not in this year's budget. They will be put forward
in the next budget round, and their deadlines will move until a decision is made.
""",
    "2018-19-Q4": """## Inspection activity

### Integrated PEEL Assessment

Fieldwork for the integrated assessment took place over several weeks in the spring. The
inspectorate's initial feedback recognised strong work on neighbourhood policing and pointed to
areas for improvement in how vulnerable people are identified at first contact. A draft report is
expected over the summer.

### Force Management Statement

The second statement is being finalised for the end of May, drawing for the first time on the
business groups' own planning returns.

### Thematic inspections

The fraud report was published in early April and makes recommendations for all forces on how
reports of fraud are assessed and investigated. A joint inspection of integrated offender
management, led by the probation inspectorate, has been announced; the Met will be one of the
forces visited.

### Monitoring Portal

The inspectorate has confirmed that the Recommendations Register will become a Monitoring Portal,
with a phased roll-out and training for force users.

## Commentary

Together with DARA we have begun a review of every outstanding audit action, so that the panel can
agree which actions are followed centrally and which are left to local leaders. The review has
already shown that many delays share the same few causes: vacancies, work that depends on another
programme, and decisions waiting for approval.
""",
    "2019-20-Q1": """## Inspection activity

### Integrated PEEL Assessment

The draft report of our integrated assessment has arrived. Its factual accuracy check is complete
and has gone back to the inspectorate, and publication is expected at the end of September
together with the other forces of the second tranche.

### The next integrated assessment

The inspectorate is still deciding what the next integrated assessment will look like, and its
fieldwork is unlikely to begin before next spring. A new strand of work is looking at a shorter
report that reaches forces within weeks of fieldwork, so that effort goes into improving rather
than waiting for publication. Forces will be asked what they would find useful.

### Force Management Statement

Earlier in the year forces were asked when in their planning cycle a statement would be most
useful. We proposed a winter submission, after the summer and autumn budget planning. The
inspectorate has decided to keep the end of May deadline from next year onward and expects every
force to build the statement into its financial planning, so the timetable does not change.

### Integrated Offender Management

The Met is among a small group of forces in a joint inspection of integrated offender management
led by the probation inspectorate. Fieldwork is in early September and concentrates on a single
borough, to keep the burden low. Inspectors will review case files and hold interviews and focus
groups with the police, the probation service and the rehabilitation companies.

### Counter-terrorism firearms response

In late September inspectors will examine whether forces have the capability and capacity to
respond to a terrorist attack with firearms, whether the response is consistent between regions,
and how well forces connect with each other. A single national report is planned for the spring.

### National Child Protection Inspection

The next round of the national child protection programme will reach the Met early next year,
with case audits followed by fieldwork in the spring. The lead for public protection will meet
the inspectorate in the autumn to agree what the inspection will expect.

### Monitoring Portal

The Recommendations Register has been rebuilt as the Monitoring Portal and is being released to
forces in stages once their users are trained. It is easier to navigate, holds every record from
the old register, shows the recommendations made to all forces and lets us record progress on our
own. For now it holds recommendations only; areas for improvement are to follow. We are working
through the open recommendations with the inspectorate against our quarterly tracker and expect a
clearer picture by the next paper.

## Commentary

Most late actions sit in Professionalism, in the audit of how external training providers are
chosen and shown to give value for money. Measures of delivery are not yet in place, the data on
training courses is still being reviewed, and the policy for using sole suppliers is still in
draft. Responsibility between Commercial Services, the business groups and Strategic Learning
also needs settling; reviews of strategy, budgets and policy have been planned to address it.

Work on the inclusion and diversity actions is paused because the function has moved to
Professionalism, where it now forms part of the wider engagement work; a follow-up audit of the
new framework is in fieldwork. On the shared services contract, workshops have looked for better
ways of working and performance measures are being drawn up. The end user systems actions wait on
the Information Access Register, which records management needs before it can finish its review of
data security and continuity arrangements.

Each business group lead will receive the list of their overdue actions to confirm the tracker is
right. We will keep following every action that meets the threshold, and will report the themes
behind missed deadlines as they emerge.
""",
    "2019-20-Q2": """## Inspection activity

### Integrated PEEL Assessment

Our integrated assessment was published at the end of September. It recognised real strengths in
neighbourhood policing and in the handling of public order events, and set out areas for
improvement in the way vulnerability is recognised and in the planning of the workforce. The
areas for improvement are now on our tracker with named owners.

### Spotlight report on abuse of position

Published on the same day, the inspectorate's spotlight report on officers and staff who abuse
their position for a sexual purpose makes recommendations for every force. Professional Standards
leads our response.

### Integrated Offender Management

Fieldwork for the joint inspection finished in September. Early feedback was encouraging about the
partnership in the borough visited, and the report is expected in the new year.

### Counter-terrorism firearms response

The inspection took place as planned in late September. Inspectors met firearms commanders and
partner agencies, and the national report is still expected in the spring.

### Custody

Inspectors from the inspectorate and the prisons inspectorate visited our custody suites
unannounced in the autumn and gave verbal feedback at the end of their visit. The written report
will follow.

### Monitoring Portal

The review of open recommendations with the inspectorate has allowed a first group to be closed on
the portal. The remaining items have an owner and an agreed update date.

## Commentary

Business group leads have now confirmed the position of their overdue actions, and a reason is
recorded against each one that was missing. The public order business continuity actions begin to
fall due this quarter; the owners have asked to move some deadlines while exercises are arranged
with partners.
""",
    "2019-20-Q3": """## Inspection activity

### Custody

The custody inspection report was published in the middle of December. Custody now appears as a
theme of its own on the Monitoring Portal, with recommendations, areas for improvement and a cause
of concern about the oversight of detainees' care. Met Detention leads the improvement plan.

### Cyber-dependent crime

The inspectorate's report on the police response to cyber-dependent crime was published in
October. Its recommendations sit with the economic crime command.

### National Child Protection Inspection

Preparation is well under way for the case audits at the start of the new year and the fieldwork
that follows in the spring. The public protection lead has met the inspectorate to agree the scope.

### The next PEEL assessment

The inspectorate is consulting on a new approach that would assess forces continuously rather than
through a single inspection every year or so. We have responded through the national chiefs'
council.

### Force Management Statement

Work has started on the third statement, due at the end of May, this time written alongside the
budget rather than after it.

## Commentary

Several actions now wait on suppliers: a records system upgrade, a contract renewal and a
replacement training platform. Where the owner cannot control the date, we have asked for the
dependency to be written in the tracker so the panel can see where the delay really lies.

## Risk implications

The custody findings have been added to the corporate risk register, and progress will be
reported to the risk board alongside this paper.
""",
    "2019-20-Q4": """## Inspection activity

### Suspension of inspection activity

In the middle of March the inspectorate suspended its routine inspection programme so that forces
could concentrate on the pandemic. Inspections in progress were paused and forces were told that
nothing would be scheduled until further notice.

### National Child Protection Inspection

The case audits were completed in February. The fieldwork planned for the spring has been
postponed, and the inspectorate will give notice before it resumes.

### Force Management Statement

The submission date for the third statement has been put back; a new date will be agreed once
forces are out of the immediate emergency.

### Published reports

In January the inspectorate published reports on county lines exploitation and on evidence-led
prosecutions of domestic abuse. Both carry recommendations for all forces and owners have been
assigned.

### Monitoring Portal

The portal remains open and we continue to record progress, although the inspectorate has said it
will not review closure requests until its staff return to normal duties.

## Commentary

Much of the work on audit actions stopped in late March when staff were redeployed to the pandemic
response, and owners have said so in the tracker. Some actions, such as those on business
continuity, have been tested for real by events; the owners will ask DARA whether that evidence can
close them.

## Financial implications

The cost of the pandemic response and uncertainty about next year's settlement mean that actions
waiting on investment are unlikely to be funded soon. Owners have been asked to say which of them
can proceed without new money.
""",
    "2020-21-Q1": """## Inspection activity

### Inspection of the pandemic response

The Home Secretary has asked the inspectorate to examine how policing has responded to the
pandemic. The Met is taking part through interviews held by video and a return of data on
enforcement and workforce. A national report is expected later in the year.

### The next PEEL assessment

The inspectorate has confirmed that the new PEEL approach will start later than planned, with a
revised set of judgements and a greater focus on continuous assessment. We expect guidance in the
autumn.

### National Child Protection Inspection

The postponed fieldwork has not yet been rescheduled. The public protection lead is keeping the
case audit evidence up to date so that the inspection can resume at short notice.

### Force Management Statement

No new date has yet been set for the third statement. The strategy team is using the time to
bring the statement and the medium-term financial plan into one process.

### Monitoring Portal

The inspectorate has restarted its review of closure requests, and our reconciliation of open
recommendations has resumed.

## Commentary

The main obstacle to closing actions this quarter has been capacity: many owners and their teams
are still supporting the pandemic response, and fieldwork that needs people on site cannot go
ahead. Remote working has helped with policy and documentation, but actions that depend on
training, estates or suppliers are waiting for restrictions to ease.

## Risk implications

The longer actions stay open, the longer the weaknesses the audits found remain. We will ask DARA
whether any of the oldest actions should be reassessed in the light of how the force now works.
""",
}

if __name__ == "__main__":
    sys.exit(main())
