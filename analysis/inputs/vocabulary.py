"""The data contract's words: column names and the canonical spelling of every coded value.

Trackers are typed by hand, so ``in progress``, ``In Progress `` and ``IN PROGRESS`` all mean
the same status.  Every module compares against these constants and nothing else, and the
loader rewrites each value to the spelling here so that the paper always shows one form.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Column:
    """One column of a tracker as the contract declares it.  Each table's columns are listed
    once, in the contract's order, as a tuple of these; every other list of a table's columns
    (required ones, dates) is read off that tuple, so no two lists can disagree."""

    name: str
    required: bool = False
    date: bool = False


def names(
    table: tuple[Column, ...], *, required: bool | None = None, date: bool | None = None
) -> tuple[str, ...]:
    """The names of ``table``'s columns, in the contract's order, keeping only those whose
    ``required`` (or ``date``) flag is the one asked for when it is given."""
    return tuple(
        column.name
        for column in table
        if (required is None or column.required == required)
        and (date is None or column.date == date)
    )


OFFICIAL = "OFFICIAL"
OFFICIAL_SENSITIVE = "OFFICIAL-SENSITIVE"
MARKINGS = (OFFICIAL, OFFICIAL_SENSITIVE)
RESTRICTED_ITEM = "Restricted item"
"""What the paper, notebooks and figures.json show in place of restricted free text."""

# --- recommendations.csv -------------------------------------------------------------------
REC_TYPE_RECOMMENDATION = "Recommendation"
REC_TYPE_AFI = "Area for improvement"
REC_TYPE_CONCERN = "Cause of concern"
REC_TYPES = (REC_TYPE_RECOMMENDATION, REC_TYPE_AFI, REC_TYPE_CONCERN)

REC_STATUSES = ("Awaiting review", "Being progressed", "Complete", "No further action needed")
REC_OPEN_STATUSES = ("Awaiting review", "Being progressed")

KNOWN_THEMES = (
    "Vulnerability",
    "PEEL",
    "Stop & Search",
    "Information management",
    "Undercover Policing",
    "Fraud",
)
"""Themes the portal is known to use; others are accepted as written (trimmed)."""

REC_CONTRACT = (  # the contract's order, as exports and the sample data write them
    Column("rec_id", required=True),
    Column("inspection", required=True),
    Column("theme", required=True),
    Column("programme"),
    Column("type", required=True),
    Column("published", required=True, date=True),
    Column("status", required=True),
    Column("title"),
    Column("status_date", date=True),
    Column("lead"),
    Column("marking"),
)
REC_COLUMNS = names(REC_CONTRACT)
REC_REQUIRED = names(REC_CONTRACT, required=True)
REC_DATES = names(REC_CONTRACT, date=True)


# --- audit_actions ---------------------------------------------------------------------------
ASSURANCES = ("Substantial", "Adequate", "Limited", "No")
RISKS = ("High", "Medium", "Low")
ACTION_STATUSES = ("Open", "In progress", "On hold", "Implemented", "Closed", "Not adopted")
ON_HOLD = "On hold"
IMPLEMENTED = "Implemented"
OUTSTANDING_STATUSES = ("Open", "In progress", ON_HOLD)
DONE_STATUSES = ("Implemented", "Closed")

KNOWN_BUSINESS_GROUPS = (
    "Met Operations",
    "Frontline Policing",
    "Specialist Operations",
    "Professionalism",
    "Met HQ",
    "Shared Support Services",
)
"""Groups named in the contract; others are accepted as written (trimmed)."""

ACTION_CONTRACT = (  # the contract's order
    Column("action_id", required=True),
    Column("audit_title", required=True),
    Column("audit_year", required=True),
    Column("assurance", required=True),
    Column("risk", required=True),
    Column("business_group", required=True),
    Column("business_area"),
    Column("owner"),
    Column("due_date", required=True, date=True),
    Column("revised_due_date", date=True),
    Column("status", required=True),
    Column("completed_date", date=True),
    Column("verified_date", date=True),
    Column("delay_reason"),
    Column("delay_category"),
    Column("action"),
    Column("theme"),
    Column("marking"),
)
ACTION_COLUMNS = names(ACTION_CONTRACT)
ACTION_REQUIRED = names(ACTION_CONTRACT, required=True)
ACTION_DATES = names(ACTION_CONTRACT, date=True)
ACTION_PRESENT_ONLY = ("verified_date",)
"""Optional columns the loaded frame holds only when the tracker has them: whether internal audit
records its verification at all is itself information (figures.json's ``verification`` is
given only then), which a column of blanks added by the loader would hide."""

ACTIONS_SHEET = "Actions"

# --- derived --------------------------------------------------------------------------------
NO_REASON = "No reason given"
OTHER_REASON = "Other"
OTHER_THEME = "Other"
"""The theme of an action or recommendation that no theme rule places (analysis.figures.themes)."""

AGE_BANDS = ("0-3 months", "3-6 months", "6-12 months", "1-2 years", "over 2 years")
AGE_BAND_UPPER_DAYS = (91, 182, 365, 730)
"""Inclusive upper bounds, in whole days past the deadline, of all but the last band."""

SOURCE_ROW = "source_row"
"""Column the loader adds: the row as the analyst sees it in Excel (header is row 1)."""

# --- hmicfrs_tracker (optional): the force's own progress on each recommendation ---------------
INTERNAL_NOT_STARTED = "Not started"
INTERNAL_IN_PROGRESS = "In progress"
INTERNAL_EVIDENCE_SUBMITTED = "Evidence submitted"
INTERNAL_COMPLETE = "Complete"
INTERNAL_STATUSES = (
    INTERNAL_NOT_STARTED,
    INTERNAL_IN_PROGRESS,
    INTERNAL_EVIDENCE_SUBMITTED,
    INTERNAL_COMPLETE,
)
INTERNAL_READY_STATUSES = (INTERNAL_EVIDENCE_SUBMITTED, INTERNAL_COMPLETE)
"""Internal statuses that say the force has done its part: the portal item can be closed."""

TRACKER_CONTRACT = (  # the contract's order
    Column("rec_id", required=True),
    Column("internal_status", required=True),
    Column("internal_status_date", date=True),
    Column("lead"),
    Column("evidence"),
    Column("marking"),
)
TRACKER_COLUMNS = names(TRACKER_CONTRACT)
TRACKER_REQUIRED = names(TRACKER_CONTRACT, required=True)
TRACKER_DATES = names(TRACKER_CONTRACT, date=True)
TRACKER_SHEET = "Tracker"
