"""What each action asks for: the tracker's ``action`` text (varied, abbreviated, misspelt,
sometimes blank, as owners type it) and, from the seed quarter on, the ``theme`` a few tracker
owners code by hand.

Both are drawn from random streams of their own (keyed by action id), so every value the rest
of the world produces stays exactly as it was before the texts existed.
"""

from __future__ import annotations

import random

from analysis.quarters import Quarter

from .audits import BUSINESS_CONTINUITY, COST_RECOVERY, END_USER, EXTERNAL_TRAINING, INCLUSION, SSCL
from .common import SEED, Row, _rng
from .restricted import (
    RESTRICTED_ACTION_KESTREL,
    RESTRICTED_ACTION_LARKSPUR,
    RESTRICTED_AUDIT_KESTREL,
    RESTRICTED_AUDIT_LARKSPUR,
)

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
