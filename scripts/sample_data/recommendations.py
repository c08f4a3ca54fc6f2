"""The inspectorate's recommendations: the inspections, their plans, and each recommendation's
statuses on the portal (hmicfrs export, ``recommendations.csv``).

``INSPECTIONS`` is written so that the seed quarter's open recommendations by theme and
programme come out exactly as the seed paper states them.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from .common import (
    CLOSED_BY_SEED,
    DASH,
    FREE,
    HORIZON,
    OFFICIAL,
    OPEN_AT_SEED,
    OUT,
    SEED_AS_OF,
    SENSITIVE,
    SHUT,
    _day_between,
    _days,
    _rng,
    d,
)
from .restricted import RESTRICTED_INSPECTION_HERON, RESTRICTED_LEAD_HERON


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
