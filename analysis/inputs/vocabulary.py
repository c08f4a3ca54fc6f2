"""The data contract's words: column names and the canonical spelling of every coded value.

Trackers are typed by hand, so ``in progress``, ``In Progress `` and ``IN PROGRESS`` all mean
the same status.  Every module compares against these constants and nothing else, and the
loader rewrites each value to the spelling here so that the paper always shows one form.
"""

from __future__ import annotations

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

REC_REQUIRED = ("rec_id", "inspection", "theme", "type", "published", "status")
REC_OPTIONAL = ("programme", "title", "status_date", "lead", "marking")
REC_DATES = ("published", "status_date")
REC_FREE_TEXT = ("inspection", "title", "lead")
REC_COLUMNS = (  # the contract's order, as exports and the sample data write them
    "rec_id",
    "inspection",
    "theme",
    "programme",
    "type",
    "published",
    "status",
    "title",
    "status_date",
    "lead",
    "marking",
)


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

ACTION_REQUIRED = (
    "action_id",
    "audit_title",
    "audit_year",
    "assurance",
    "risk",
    "business_group",
    "due_date",
    "status",
)
ACTION_OPTIONAL = (
    "business_area",
    "owner",
    "revised_due_date",
    "completed_date",
    "verified_date",
    "delay_reason",
    "delay_category",
    "action",
    "theme",
    "marking",
)
ACTION_DATES = ("due_date", "revised_due_date", "completed_date", "verified_date")
ACTION_PRESENT_ONLY = ("verified_date",)
"""Optional columns the loaded frame holds only when the tracker has them: whether internal audit
records its verification at all is itself information (figures.json's ``verification`` is
given only then), which a column of blanks added by the loader would hide."""
ACTION_FREE_TEXT = ("audit_title", "owner", "delay_reason", "action")
ACTION_COLUMNS = (  # the contract's order
    "action_id",
    "audit_title",
    "audit_year",
    "assurance",
    "risk",
    "business_group",
    "business_area",
    "owner",
    "due_date",
    "revised_due_date",
    "status",
    "completed_date",
    "verified_date",
    "delay_reason",
    "delay_category",
    "action",
    "theme",
    "marking",
)

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

TRACKER_REQUIRED = ("rec_id", "internal_status")
TRACKER_OPTIONAL = ("internal_status_date", "lead", "evidence", "marking")
TRACKER_DATES = ("internal_status_date",)
TRACKER_FREE_TEXT = ("lead", "evidence")
TRACKER_COLUMNS = (  # the contract's order
    "rec_id",
    "internal_status",
    "internal_status_date",
    "lead",
    "evidence",
    "marking",
)
TRACKER_SHEET = "Tracker"
