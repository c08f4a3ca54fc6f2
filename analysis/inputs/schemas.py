"""The data contract's column rules as pandera schemas, and the canonical frames they admit.

A tracker arrives as text (see :mod:`analysis.inputs.readers`).  The schemas here check that text
against the contract, collecting every failure at once (``lazy=True``) so the analyst gets
the whole list in one run, and each failure becomes a :class:`~analysis.inputs.findings.Finding`
with the row Excel shows.  Only a table that passes is turned into the canonical frame the
analysis reads: coded values in the contract's spelling, dates as ``datetime64``.

Dates follow one rule everywhere (CSV text, text typed into a workbook, snapshot.yml):
ISO ``2019-06-30`` with exactly four, two and two digits, or UK ``30/06/2019`` (day and month
may have one digit, the year must have four).  A time after the date (``2019-06-30 14:30``,
as an export of a datetime cell shows it) is dropped.  Nothing else is a date: ``2019-6-30``
is not ISO, ``06/30/2019`` would be US order, which is never guessed, and a year before 1900
or after 2199 is treated as a typing slip rather than a date.  One value that only US order can
read shows its whole column may be in US order: every value of that column that reads as two
different dates (``07/09/2018``) is then an error too, while a column of such values alone is
read day first (:func:`us_order_ambiguity`).  A workbook's date cells, and its
plain numbers in date columns (Excel date numbers), reach these rules already as ISO text: the
reader converts them (see :mod:`analysis.inputs.readers` and docs/inputs.md).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache, lru_cache
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from analysis.engine.lazy import import_pandera
from analysis.inputs.findings import Finding
from analysis.inputs.value_maps import LOOSE_COLUMNS, LOOSE_GAPS, VALUE_COLUMNS

if TYPE_CHECKING:
    import pandera.pandas as pa
from analysis.inputs.vocabulary import (
    ACTION_COLUMNS,
    ACTION_DATES,
    ACTION_PRESENT_ONLY,
    ACTION_REQUIRED,
    ACTION_STATUSES,
    ASSURANCES,
    INTERNAL_STATUSES,
    KNOWN_BUSINESS_GROUPS,
    KNOWN_THEMES,
    MARKINGS,
    OFFICIAL,
    REC_COLUMNS,
    REC_DATES,
    REC_REQUIRED,
    REC_STATUSES,
    REC_TYPES,
    RISKS,
    SOURCE_ROW,
    TRACKER_COLUMNS,
    TRACKER_DATES,
    TRACKER_REQUIRED,
)

DATE_FORMS = "2019-06-30 or 30/06/2019"
FIRST_YEAR, LAST_YEAR = 1900, 2199

# --- dates ------------------------------------------------------------------------------------
_ISO = re.compile(
    r"^(?P<y>[0-9]{4})-(?P<m>[0-9]{2})-(?P<d>[0-9]{2})"
    r"(?:[ T][0-9]{1,2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]+)?)?)?$"
)
_UK = re.compile(
    r"^(?P<d>[0-9]{1,2})/(?P<m>[0-9]{1,2})/(?P<y>[0-9]{4})"
    r"(?: [0-9]{1,2}:[0-9]{2}(?::[0-9]{2})?)?$"
)
_ISO_DIGITS = (0, 1, 2, 3, 5, 6, 8, 9)
_NUMBER = r"-?[0-9]+(?:\.[0-9]+)?"


def _date_parts(text: pd.Series) -> pd.DataFrame:
    """Year, month and day of each cell written in an accepted form (NaN elsewhere), plus
    ``uk``: whether the cell used day/month order.

    A plain ``YYYY-MM-DD`` (every Excel date cell, most exports) is recognised with numpy on
    the characters' code points; only the other cells go through a regular expression.
    """
    n = len(text)
    parts = pd.DataFrame(
        {"year": np.nan, "month": np.nan, "day": np.nan, "uk": False}, index=text.index
    )
    if n == 0:
        return parts
    filled = text.notna().to_numpy()
    codes = np.asarray(text.fillna("").to_numpy(dtype=str), dtype="U11").view(np.uint32)
    codes = codes.reshape(n, 11)
    digits = (codes >= 48) & (codes <= 57)
    plain = (
        filled
        & digits[:, _ISO_DIGITS].all(axis=1)
        & (codes[:, 4] == ord("-"))
        & (codes[:, 7] == ord("-"))
        & (codes[:, 10] == 0)
    )
    if plain.any():
        value = (codes[plain] - 48).astype(np.int64)
        parts.loc[plain, "year"] = (
            value[:, 0] * 1000 + value[:, 1] * 100 + value[:, 2] * 10 + value[:, 3]
        )
        parts.loc[plain, "month"] = value[:, 5] * 10 + value[:, 6]
        parts.loc[plain, "day"] = value[:, 8] * 10 + value[:, 9]
    rest = filled & ~plain
    if rest.any():
        for pattern, uk in ((_ISO, False), (_UK, True)):
            todo = rest & parts["year"].isna().to_numpy()
            if not todo.any():
                break
            found = text[todo].str.extract(pattern).dropna()
            if len(found):
                parts.loc[found.index, ["year", "month", "day"]] = (
                    found[["y", "m", "d"]].astype(float).to_numpy()
                )
                parts.loc[found.index, "uk"] = uk
    return parts


def _to_dates(parts: pd.DataFrame) -> pd.Series:
    in_range = parts["year"].between(FIRST_YEAR, LAST_YEAR)
    ymd = parts[["year", "month", "day"]].where(in_range, np.nan)
    return pd.to_datetime(ymd, errors="coerce").astype("datetime64[ns]")


def _per_value(rule: Callable[[pd.Series], pd.Series], text: pd.Series, blank: object) -> pd.Series:
    """``rule`` applied once per distinct value and spread back over the rows.

    A tracker column holds far fewer distinct values than rows (a few thousand dates, a
    dozen audit years), so string rules cost per distinct value rather than per row.
    """
    codes, distinct = pd.factorize(text)
    judged = rule(pd.Series(distinct, dtype="str")).to_numpy()
    if len(judged) == 0:
        dtype = judged.dtype if blank is pd.NaT else type(blank) if blank is not None else object
        return pd.Series(blank, index=text.index, dtype=dtype)
    spread = judged[np.where(codes < 0, 0, codes)]
    result = pd.Series(spread, index=text.index)
    result[codes < 0] = blank
    return result


def parse_dates(text: pd.Series) -> pd.Series:
    """Each cell as a date (``datetime64[ns]``, midnight); NaT where blank or not a date."""
    parsed = _per_value(lambda s: _to_dates(_date_parts(s)), text, pd.NaT)
    return parsed.astype("datetime64[ns]")


def _us_only(parts: pd.DataFrame) -> pd.Series:
    """Cells in day/month/year form that only US order can read: a month part above 12 whose
    day part could be a month (``09/13/2018``)."""
    return parts["uk"].astype(bool) & (parts["month"] > 12) & (parts["day"] <= 12)


def _either_order(parts: pd.DataFrame) -> pd.Series:
    """Cells in day/month/year form that read as two different real dates, day first or month
    first (``07/09/2018``); ``07/07/2018`` reads the same either way, so it is not ambiguous."""
    return (
        parts["uk"].astype(bool)
        & parts["day"].between(1, 12)
        & parts["month"].between(1, 12)
        & (parts["day"] != parts["month"])
    )


def us_order_ambiguity(text: pd.Series) -> pd.Series:
    """For each cell of one date column: the column's first value that only US order can read,
    where the column has one and this cell reads as two different dates (else ``<NA>``).

    UK order is read day first, as an analyst in a UK force writes it.  But one value that can
    only be month first (``09/13/2018``) shows the column was written in US order, and then a
    value such as ``07/09/2018`` may well mean 9 July rather than 7 September: it cannot be read
    safely, so it is an error too.  A column of ambiguous values alone is read day first.
    """
    flags = pd.Series(pd.NA, index=text.index, dtype="object")
    codes, distinct = pd.factorize(text)
    if len(distinct) == 0:
        return flags
    parts = _date_parts(pd.Series(distinct, dtype="str"))
    us = _us_only(parts).to_numpy()
    if not us.any():
        return flags
    first_us = int(np.flatnonzero(us[np.where(codes < 0, 0, codes)] & (codes >= 0))[0])
    ambiguous = _either_order(parts).to_numpy()
    rows = (codes >= 0) & ambiguous[np.where(codes < 0, 0, codes)]
    flags[rows] = text.iloc[first_us]
    return flags


def date_problems(text: pd.Series) -> pd.Series:
    """Why each non-blank cell of one date column is not a date (``<NA>`` where it is one or
    is blank); a cell that reads as two dates in a column holding US-order dates is not one
    (:func:`us_order_ambiguity`)."""
    parts = _date_parts(text)
    dates = _to_dates(parts)
    problem = pd.Series(pd.NA, index=text.index, dtype="object")
    example = us_order_ambiguity(text)
    ambiguous = example.notna()
    problem[ambiguous] = [
        "an ambiguous date in a column that holds US-order dates: "
        f"{shown!r} can only be read month first, so this one, which reads as a different "
        "date day first and month first, cannot be read safely; write it as 2019-06-30 "
        "(year, month, day)"
        for shown in example[ambiguous]
    ]
    bad = text.notna() & dates.isna()
    no_form = bad & parts["year"].isna()
    out_of_range = bad & parts["year"].notna() & ~parts["year"].between(FIRST_YEAR, LAST_YEAR)
    us_order = bad & parts["uk"] & (parts["month"] > 12) & (parts["day"] <= 12)
    problem[bad] = "not a real calendar date"
    problem[us_order] = (
        "not a date: dates are read day first (30/06/2019) and a month above 12 "
        "suggests US order, which is never accepted"
    )
    problem[out_of_range] = f"a year outside {FIRST_YEAR}-{LAST_YEAR}: probably a typing slip"
    problem[no_form] = f"not a date in the form {DATE_FORMS}"
    problem[no_form & text.str.fullmatch(_NUMBER).fillna(False).astype(bool)] = (
        f"not a date in the form {DATE_FORMS} but a plain number: a workbook cell holding an "
        "Excel date number is read as a date only from 1900 to 2199, and in a CSV a date "
        "must be written out (format the column as dates in Excel before saving)"
    )
    return problem


def parse_date(value: object) -> dt.date:
    """One date from snapshot.yml or a parameter, by the same rules as a table cell; raises
    ValueError with the reason."""
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        if not FIRST_YEAR <= value.year <= LAST_YEAR:
            raise ValueError(f"a year outside {FIRST_YEAR}-{LAST_YEAR}")
        return value
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"not a date in the form {DATE_FORMS}")
    judged = _judged(value.strip())
    if isinstance(judged, str):
        raise ValueError(judged)
    return judged


@lru_cache(maxsize=1024)
def _judged(text: str) -> dt.date | str:
    """One written date judged by the table's rules: the date, or why it is not one.

    Remembered per text: a snapshot.yml's few dates are each read several times on every load
    (the schema's format check, ``as_of`` against the quarter, ``panel_date`` against
    ``as_of``, the filled-in details), and a one-row column costs milliseconds of pandas each
    time, which made reading the details cost more than reading a small tracker.
    """
    cell = pd.Series([text], dtype="str")
    problem = date_problems(cell).iloc[0]
    if not pd.isna(problem):
        return str(problem)
    return parse_dates(cell).iloc[0].date()


# --- the two tables ---------------------------------------------------------------------------
@dataclass(frozen=True)
class TableSpec:
    """What the contract says about one tracker: its columns and the rule for each."""

    label: str
    key: str
    """The file's name in the settings' maps (``columns:``, ``values:``): ``audit_actions``."""
    id_column: str
    columns: tuple[str, ...]
    """Every contract column in the order of the loaded frame."""
    required: tuple[str, ...]
    dates: tuple[str, ...]
    coded: dict[str, tuple[str, ...]]
    known: dict[str, tuple[str, ...]] = field(default_factory=dict)
    financial_years: tuple[str, ...] = ()
    defaults: dict[str, str] = field(default_factory=dict)
    loose: tuple[str, ...] = ()
    """Coded columns matched ignoring hyphens and runs of space as well as case: the
    portal exports ``being-progressed`` for the contract's ``Being progressed``."""
    mappable: tuple[str, ...] = ()
    """Coded columns whose words a force's ``values:`` map may translate into the contract's
    (:mod:`analysis.inputs.value_maps`): its ratings and statuses, never the marking."""
    present_only: tuple[str, ...] = ()
    """Optional columns the loaded frame holds only when the file has them (``verified_date``:
    a tracker that does not record verification is not a tracker where nothing is verified)."""


RECOMMENDATIONS = TableSpec(
    label="recommendations",
    key="recommendations",
    id_column="rec_id",
    columns=REC_COLUMNS,
    required=REC_REQUIRED,
    dates=REC_DATES,
    coded={"type": REC_TYPES, "status": REC_STATUSES, "marking": MARKINGS},
    known={"theme": KNOWN_THEMES},
    defaults={"marking": OFFICIAL},
    loose=LOOSE_COLUMNS["recommendations"],
    mappable=tuple(VALUE_COLUMNS["recommendations"]),
)

ACTIONS = TableSpec(
    label="actions",
    key="audit_actions",
    id_column="action_id",
    columns=ACTION_COLUMNS,
    required=ACTION_REQUIRED,
    dates=ACTION_DATES,
    coded={
        "assurance": ASSURANCES,
        "risk": RISKS,
        "status": ACTION_STATUSES,
        "marking": MARKINGS,
    },
    known={"business_group": KNOWN_BUSINESS_GROUPS},
    financial_years=("audit_year",),
    defaults={"marking": OFFICIAL},
    mappable=tuple(VALUE_COLUMNS["audit_actions"]),
    present_only=ACTION_PRESENT_ONLY,
)

TRACKER = TableSpec(
    label="hmicfrs_tracker",
    key="hmicfrs_tracker",
    id_column="rec_id",
    columns=TRACKER_COLUMNS,
    required=TRACKER_REQUIRED,
    dates=TRACKER_DATES,
    coded={"internal_status": INTERNAL_STATUSES, "marking": MARKINGS},
    defaults={"marking": OFFICIAL},
    loose=LOOSE_COLUMNS["hmicfrs_tracker"],
    mappable=tuple(VALUE_COLUMNS["hmicfrs_tracker"]),
)

SPECS = (RECOMMENDATIONS, ACTIONS, TRACKER)

_FY = r"^(?P<y1>[0-9]{4})/(?P<y2>[0-9]{2})$"


def _loose_key(value: str) -> str:
    return LOOSE_GAPS.sub(" ", value.casefold()).strip()


def _lookup(values: tuple[str, ...], loose: bool = False) -> dict[str, str]:
    if loose:
        return {_loose_key(v): v for v in values}
    return {v.casefold(): v for v in values}


def word_keys(text: pd.Series, loose: bool) -> pd.Series:
    """The cells as the lookup's keys: case folded and, when loose, with every run of
    hyphens, underscores and space read as one space."""
    folded = text.str.casefold()
    return folded.str.replace(LOOSE_GAPS, " ", regex=True).str.strip() if loose else folded


def _is_coded(values: tuple[str, ...], loose: bool = False) -> Callable[[pd.Series], pd.Series]:
    lookup = _lookup(values, loose)
    return lambda s: _per_value(lambda d: word_keys(d, loose).isin(lookup), s, True).astype(bool)


def _is_first_occurrence(s: pd.Series) -> pd.Series:
    return ~s.duplicated(keep="first") | s.isna()


def _is_date(s: pd.Series) -> pd.Series:
    """A date by the contract's rules, and not one that reads two ways in a column holding
    US-order dates (:func:`us_order_ambiguity`).  Each distinct value is parsed once: a date
    column of 100,000 rows holds a few thousand days."""
    codes, distinct = pd.factorize(s)
    if len(distinct) == 0:
        return pd.Series(True, index=s.index)
    parts = _date_parts(pd.Series(distinct, dtype="str"))
    ok = _to_dates(parts).notna().to_numpy()
    if _us_only(parts).any():
        ok = ok & ~_either_order(parts).to_numpy()
    return pd.Series(np.where(codes < 0, True, ok[np.where(codes < 0, 0, codes)]), index=s.index)


def _fy_parts(s: pd.Series) -> pd.DataFrame:
    return s.str.extract(_FY).astype(float)


def _is_fy_form(s: pd.Series) -> pd.Series:
    return _per_value(lambda d: d.str.fullmatch(_FY), s, True).astype(bool)


def _fy_consecutive(s: pd.Series) -> pd.Series:
    years = _fy_parts(s)
    return years["y1"].isna() | ((years["y1"] + 1) % 100 == years["y2"])


def _is_fy_consecutive(s: pd.Series) -> pd.Series:
    return _per_value(_fy_consecutive, s, True).astype(bool)


def build_schema(spec: TableSpec) -> pa.DataFrameSchema:
    """The pandera schema for one tracker, over its text cells."""
    pa = import_pandera()

    columns = {}
    for name in spec.columns:
        checks = []
        if name == spec.id_column:
            checks.append(pa.Check(_is_first_occurrence, name="unique"))
        if name in spec.coded:
            checks.append(pa.Check(_is_coded(spec.coded[name], name in spec.loose), name="coded"))
        if name in spec.dates:
            checks.append(pa.Check(_is_date, name="date"))
        if name in spec.financial_years:
            checks.append(pa.Check(_is_fy_form, name="fy_form"))
            checks.append(pa.Check(_is_fy_consecutive, name="fy_consecutive"))
        required = name in spec.required
        columns[name] = pa.Column(
            checks=checks, required=required, nullable=not required, coerce=False
        )
    return pa.DataFrameSchema(columns, strict=False, name=spec.label)


@cache
def _schema(label: str) -> pa.DataFrameSchema:
    """Built on first use: pandera is imported only when files are actually validated, not
    when snapshots come from the cache (a notebook kernel, a warm ``panelpaper figures``)."""
    return build_schema(next(s for s in SPECS if s.label == label))


def validate(frame: pd.DataFrame, spec: TableSpec, file: str) -> list[Finding]:
    """Every way ``frame`` (text cells from :mod:`analysis.inputs.readers`) breaks the contract."""
    schema = _schema(spec.label)
    try:
        schema.validate(frame, lazy=True, inplace=True)
    except import_pandera().errors.SchemaErrors as exc:
        return _findings(exc.failure_cases, frame, spec, file)
    return []


def _findings(
    failures: pd.DataFrame, frame: pd.DataFrame, spec: TableSpec, file: str
) -> list[Finding]:
    findings: list[Finding] = []
    present = [c for c in frame.columns if c != SOURCE_ROW]
    first_seen: dict[str, int] | None = None
    date_reasons: dict[str, pd.Series] = {}
    for case in failures.to_dict("records"):
        check, column = case["check"], case["column"]
        if check == "column_in_dataframe":
            exported = frame.attrs.get("headers") or present
            found = ", ".join(repr(str(name)) for name in exported) or "none"
            findings.append(
                Finding(
                    "error",
                    file,
                    f"required column {case['failure_case']} is missing (headers found: {found})",
                    row=int(frame.attrs.get("header_row", 1)),
                    column=str(case["failure_case"]),
                )
            )
            continue
        index = case["index"]
        if index is None or pd.isna(index):
            findings.append(
                Finding("error", file, f"{column}: failed check {check}", column=column)
            )
            continue
        row = int(frame.at[int(index), SOURCE_ROW])
        value = None if pd.isna(case["failure_case"]) else str(case["failure_case"])
        if check == "not_nullable":
            message = f"{column} is required but blank"
        elif check == "coded":
            message = f"unknown {column}; expected one of {', '.join(spec.coded[column])}"
            if column in spec.mappable:
                message += (
                    f"; or map the export's word to one of them under values: {spec.key}: "
                    f"{column}: in settings.yml, or in this quarter's snapshot.yml for this "
                    "quarter only"
                )
        elif check == "date":
            if column not in date_reasons:  # the whole column: one value can condemn another
                date_reasons[column] = date_problems(frame[column])
            message = str(date_reasons[column].at[int(index)])
        elif check == "unique":
            if first_seen is None:
                ids = frame[[column, SOURCE_ROW]].dropna().drop_duplicates(column)
                first_seen = dict(zip(ids[column], ids[SOURCE_ROW], strict=True))
            message = f"duplicate {column}, first seen on row {first_seen[value]}"
        elif check == "fy_form":
            message = "not a financial year in the form 2016/17"
        elif check == "fy_consecutive":
            first = int(value[:4])
            message = (
                f"the second year is not the first plus one (expected "
                f"{first}/{(first + 1) % 100:02d})"
            )
        else:
            message = f"failed check {check}"
        findings.append(Finding("error", file, message, row=row, column=column, value=value))
    order = {name: i for i, name in enumerate(spec.columns)}
    findings.sort(key=lambda f: (f.row or 0, order.get(f.column or "", -1)))
    return findings


def canonical(frame: pd.DataFrame, spec: TableSpec) -> pd.DataFrame:
    """The loaded frame of a table that passed :func:`validate`: contract columns only, coded
    values in the contract's spelling, dates parsed, blanks given their defaults."""
    out: dict[str, pd.Series] = {}
    blank = pd.Series(pd.NA, index=frame.index, dtype="str")
    for name in spec.columns:
        if name in spec.present_only and name not in frame.columns:
            continue
        text = frame[name] if name in frame.columns else blank
        if name in spec.dates:
            out[name] = parse_dates(text)
            continue
        if name in spec.coded:
            loose = name in spec.loose
            lookup = _lookup(spec.coded[name], loose)
            text = _per_value(
                lambda d, lookup=lookup, loose=loose: word_keys(d, loose).map(lookup), text, None
            )
        elif name in spec.known:
            lookup = _lookup(spec.known[name])
            known = _per_value(lambda d, lookup=lookup: d.str.casefold().map(lookup), text, None)
            text = known.fillna(text)
        if name in spec.defaults:
            text = text.fillna(spec.defaults[name])
        out[name] = text.astype("str")
    out[SOURCE_ROW] = frame[SOURCE_ROW].astype("int64")
    return pd.DataFrame(out, index=pd.RangeIndex(len(frame)))
