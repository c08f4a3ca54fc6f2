"""Values as figures.json holds them: the few conversions every section of the record uses.

A section of the record is built by the module whose rules compute it (``deadlines.summary``,
``verification.summary``, ``reconciliation.summary``) or, for the sections that combine several
rules modules, by :mod:`analysis.figures.record`.  Both write counts, dates and numbers the
same way through these functions, so the same data always gives the same bytes wherever a
key is built.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd


def as_counts(series: pd.Series) -> dict[str, int]:
    """A breakdown as JSON: canonical names to counts, zero counts left out."""
    return {str(name): int(count) for name, count in series.items() if count}


def as_nested(table: dict[str, pd.Series]) -> dict[str, dict[str, int]]:
    """A breakdown within a breakdown (per business group, per audit, ...) as JSON."""
    return {outer: as_counts(inner) for outer, inner in table.items()}


def as_date(value: object) -> str | None:
    """A date as ``YYYY-MM-DD``; None for a missing one."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    if isinstance(value, pd.Timestamp | dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def as_number(value: float | None) -> int | float | None:
    """Whole numbers as integers so that 412.0 and 412 serialise alike."""
    if value is None or pd.isna(value):
        return None
    return int(value) if float(value).is_integer() else float(value)
