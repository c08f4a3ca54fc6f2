"""The audits DARA issued and their actions: the types, and the plans the tracker is drawn from.

``PLANNED_AUDITS`` is written so that the seed quarter's action figures come out exactly as
the seed paper states them (each batch's fate at the seed date fixed); ``BACKGROUND_AUDITS``
are drawn at random around them (:func:`.actions._background_plan`).  An :class:`Action` is
one tracker line over its whole life; :meth:`Action.row` is that line on one day.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from .common import (
    DASH,
    FREE,
    FRONTLINE,
    MET_HQ,
    MET_OPS,
    OFFICIAL,
    OUT,
    PROFESSIONALISM,
    SENSITIVE,
    SHARED,
    SHUT,
    SPECIALIST,
    _financial_year,
    d,
)
from .restricted import (
    RESTRICTED_AUDIT_KESTREL,
    RESTRICTED_AUDIT_LARKSPUR,
    RESTRICTED_OWNER_KESTREL,
    RESTRICTED_OWNER_LARKSPUR,
    RESTRICTED_REASON_KESTREL,
    RESTRICTED_REASON_LARKSPUR,
)


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

EXTERNAL_TRAINING = (
    f"External Training and Development {DASH} Implementation of Framework for Use of External "
    "Providers and Value for Money"
)
INCLUSION = "Inclusion and Diversity Strategy"
SSCL = f"Contract/Client Relationship Management Framework {DASH} SSCL Contract"
END_USER = "Management of End User Systems"
BUSINESS_CONTINUITY = "Business Continuity and Return to Normality Arrangements"
COST_RECOVERY = "Deployment and Cost Recovery"


def _audit(title, group, area, issued, assurance, marking=OFFICIAL) -> Audit:
    return Audit(title, group, area, issued, assurance, marking)


def _b(risk, count, lo, hi, fate=FREE, **kw) -> Batch:
    return Batch(risk, count, (lo, hi), fate, **kw)


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
