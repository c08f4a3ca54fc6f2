"""UK financial-year quarters, the calendar every figure in the paper is anchored to.

The panel works in financial years (1 April to 31 March), so "Q1" is April to June and the
year label straddles two calendar years.  Analysts type quarters in half a dozen styles;
everything that enters the program is parsed here once into a :class:`Quarter`, and every
folder name, JSON key and CLI line uses its canonical id (``2019-20-Q1``) while the paper
uses the panel's own label (``Q1 19/20``).

How the panel writes a single date ("24 September 2019") is here too: the figures record
states dates that way, and the paper's sentences repeat them, so both take it from below.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import total_ordering

ACCEPTED_FORMS = ("2019-20-Q1", "2019/20 Q1", "Q1 19/20", "Q1 2019/20", "FY2019/20 Q1")

# Month in which each quarter starts, Q1..Q4.
_START_MONTH = {1: 4, 2: 7, 3: 10, 4: 1}

_Q = r"Q\s*(?P<q>\d)"
_PATTERNS = [
    # 2019-20-Q1, 2019/20 Q1, FY2019/20 Q1
    re.compile(
        rf"^(?:FY\s*)?(?P<y1>\d{{4}})\s*[-/]\s*(?P<y2>\d{{2}})\s*-?\s*{_Q}$", re.I | re.ASCII
    ),
    # Q1 19/20, Q1 2019/20
    re.compile(rf"^{_Q}\s*(?P<y1>\d{{4}}|\d{{2}})\s*/\s*(?P<y2>\d{{2}})$", re.I | re.ASCII),
]


class QuarterError(ValueError):
    """A quarter the program cannot read; the message lists the forms it can."""

    def __init__(self, value: object, reason: str = "not a financial-year quarter") -> None:
        self.value = value
        self.reason = reason
        super().__init__(
            f"{value!r} is {reason}. Accepted forms (case and spacing do not matter): "
            + ", ".join(ACCEPTED_FORMS)
        )


@total_ordering
@dataclass(frozen=True)
class Quarter:
    """One quarter of a UK financial year.

    ``fy_start`` is the calendar year in which the financial year begins (2019 for 2019/20).
    """

    fy_start: int
    number: int

    def __post_init__(self) -> None:
        if self.number not in (1, 2, 3, 4):
            raise QuarterError(f"Q{self.number}", "not a quarter number (1 to 4)")
        if not 1900 <= self.fy_start <= 2999:
            raise QuarterError(self.fy_start, "outside the supported years")

    # --- construction -------------------------------------------------------------------
    @classmethod
    def parse(cls, value: str | Quarter) -> Quarter:
        """Read any accepted spelling; raise :class:`QuarterError` for anything else."""
        if isinstance(value, Quarter):
            return value
        if not isinstance(value, str):
            raise QuarterError(value, "not text")
        text = value.strip()
        for pattern in _PATTERNS:
            match = pattern.match(text)
            if match:
                return cls._from_parts(value, match["y1"], match["y2"], int(match["q"]))
        raise QuarterError(value)

    @classmethod
    def _from_parts(cls, raw: str, y1: str, y2: str, number: int) -> Quarter:
        first = 2000 + int(y1) if len(y1) == 2 else int(y1)
        if (first + 1) % 100 != int(y2):
            raise QuarterError(raw, "a financial year whose second year is not the first plus one")
        if number not in (1, 2, 3, 4):
            raise QuarterError(raw, "not a quarter number (Q1 to Q4)")
        return cls(first, number)

    @classmethod
    def of_date(cls, day: dt.date) -> Quarter:
        """The financial quarter a calendar date falls in."""
        if isinstance(day, dt.datetime):
            day = day.date()
        if day.month >= 4:
            return cls(day.year, (day.month - 4) // 3 + 1)
        return cls(day.year - 1, 4)

    # --- names --------------------------------------------------------------------------
    @property
    def id(self) -> str:
        """Canonical id used for folders, JSON and the CLI: ``2019-20-Q1``."""
        return f"{self.fy_start}-{(self.fy_start + 1) % 100:02d}-Q{self.number}"

    @property
    def label(self) -> str:
        """The panel's own style: ``Q1 19/20``."""
        return f"Q{self.number} {self.fy_start % 100:02d}/{(self.fy_start + 1) % 100:02d}"

    @property
    def financial_year(self) -> str:
        """``2019/20``, the form the tracker uses for ``audit_year``."""
        return f"{self.fy_start}/{(self.fy_start + 1) % 100:02d}"

    def __str__(self) -> str:
        return self.id

    # --- calendar -----------------------------------------------------------------------
    @property
    def first_day(self) -> dt.date:
        month = _START_MONTH[self.number]
        year = self.fy_start + 1 if self.number == 4 else self.fy_start
        return dt.date(year, month, 1)

    @property
    def last_day(self) -> dt.date:
        return self.next().first_day - dt.timedelta(days=1)

    def next(self, steps: int = 1) -> Quarter:
        index = self._index + steps
        return Quarter(index // 4, index % 4 + 1)

    def previous(self, steps: int = 1) -> Quarter:
        return self.next(-steps)

    def contains(self, day: dt.date) -> bool:
        return self.first_day <= day <= self.last_day

    @property
    def _index(self) -> int:
        return self.fy_start * 4 + self.number - 1

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, Quarter):
            return NotImplemented
        return self._index < other._index

    def __sub__(self, other: Quarter) -> int:
        """Number of quarters from ``other`` to ``self``."""
        return self._index - other._index


def parse_quarter(value: str | Quarter) -> Quarter:
    """Module-level shorthand for :meth:`Quarter.parse`, for notebooks and parameters."""
    return Quarter.parse(value)


def quarter_range(first: Quarter, last: Quarter) -> list[Quarter]:
    """Every quarter from ``first`` to ``last`` inclusive, in order."""
    return [first.next(i) for i in range(last - first + 1)]


def long_date(day: dt.date | str | None) -> str:
    """ "24 September 2019", the panel's date style; empty for a missing date."""
    if day is None or day == "":
        return ""
    if isinstance(day, str):
        day = dt.date.fromisoformat(day)
    return f"{day.day} {day:%B %Y}"


def month_year(day: dt.date | str | None) -> str:
    """ "October 2017", how the paper names a deadline month."""
    if day is None or day == "":
        return ""
    if isinstance(day, str):
        day = dt.date.fromisoformat(day[:10])
    return f"{day:%B %Y}"
