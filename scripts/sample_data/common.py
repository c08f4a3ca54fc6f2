"""What every part of the sample world shares: the quarters it spans, the seed quarter whose
figures are the seed paper's, the fates a plan gives its rows, the markings and business
groups, one random stream per part, and the calendar a tracker keeps (month-end deadlines,
work signed off on working days).

The helpers keep the leading underscore they had when the generator was one file: they are
the package's own, not an interface for anything outside ``scripts/sample_data``.
"""

from __future__ import annotations

import calendar
import datetime as dt
import random

from analysis.quarters import Quarter

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


DASH = "\N{EN DASH}"
"""The tracker's titles use an en dash, as the seed paper prints them."""

OUT, SHUT = OPEN_AT_SEED, CLOSED_BY_SEED
"""Short names for the fates, so a plan's table reads across one line."""

Row = dict[str, object]
"""One line of an export, column -> value (None for an empty cell)."""
