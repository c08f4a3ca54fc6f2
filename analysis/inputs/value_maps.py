"""A force's own words for ratings and statuses, read as the contract's words.

Forces grade and report in their own vocabulary: one committee reads risks graded Red, Amber
and Green, a shared audit service grades "priority one" to "priority three", a tracker says
"Partially implemented".  The panel writes the correspondence once, under ``values:`` in
``settings.yml`` (per file, per column, export word -> contract word)::

    values:
      audit_actions:
        risk: {Red: High, Amber: Medium, Green: Low}
        status: {Partially implemented: In progress}

and a quarter whose exports used other words carries its own ``values:`` in its
``snapshot.yml``, which wins over the settings' map word by word for that quarter only.

Only the coded columns whose words are a force's own may be mapped (:data:`VALUE_COLUMNS`);
every contract word is what it was (a map may still send one to another, when a force uses
the contract's word for something else).  A word is matched as the column's contract words are
(case and surrounding space aside; for the portal's loose columns, hyphens and runs of space
too), and mapped before the column is checked, so a word that no map names is still an error
with its file, row, column and value, and the threshold and every rule see the contract's
words.  The words are kept as typed, for the paper's method annex.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING

from analysis.inputs.vocabulary import (
    ACTION_STATUSES,
    ASSURANCES,
    INTERNAL_STATUSES,
    REC_STATUSES,
    REC_TYPES,
    RISKS,
)

if TYPE_CHECKING:
    import pandas as pd

VALUE_COLUMNS: dict[str, dict[str, tuple[str, ...]]] = {
    "recommendations": {"type": REC_TYPES, "status": REC_STATUSES},
    "audit_actions": {"assurance": ASSURANCES, "risk": RISKS, "status": ACTION_STATUSES},
    "hmicfrs_tracker": {"internal_status": INTERNAL_STATUSES},
}
"""The columns whose words a map may translate, per file, each with the contract's words:
the ratings and statuses a force names in its own words, never the protective marking.
:mod:`analysis.inputs.schemas` declares its tables' mappable columns from this."""

LOOSE_COLUMNS: dict[str, tuple[str, ...]] = {
    "recommendations": ("status",),
    "hmicfrs_tracker": ("internal_status",),
}
"""Columns matched loosely (hyphens, underscores and runs of space read as one space): the
portal exports ``being-progressed`` for the contract's ``Being progressed``.  Declared here,
where the settings (which must not import pandas) can read it, and used by the schemas too."""

LOOSE_GAPS = re.compile(r"[\s_-]+")

ValueMap = dict[str, dict[str, dict[str, str]]]
"""File -> column -> export word (trimmed, as typed) -> contract word (canonical spelling)."""


class ValueMapError(ValueError):
    """A ``values:`` map that cannot be applied; reported as an error in the file it is in."""


def word_key(word: object, loose: bool = False) -> str:
    """A word as words are matched: case folded and trimmed and, when ``loose``, with every run
    of hyphens, underscores and space read as one space (the schemas' rule, for one word)."""
    folded = str(word).casefold()
    return LOOSE_GAPS.sub(" ", folded).strip() if loose else folded.strip()


def is_loose(table: str, column: str) -> bool:
    """Whether a column's words are matched loosely (:data:`LOOSE_COLUMNS`), its map's too."""
    return column in LOOSE_COLUMNS.get(table, ())


def _word(value: object, where: str, role: str) -> str:
    """A word of a map as text.  YAML 1.1 reads a bare No as false: as a contract word that is
    the grading "No" (as in the threshold); as an export word it cannot be told from Off or
    False, so it must be quoted."""
    if isinstance(value, bool):
        if role == "contract" and value is False:
            return "No"
        raise ValueMapError(
            f"{where}: the {role} word {value!r} is how YAML reads a bare Yes, No, On, Off, "
            "True or False; put the word in quotes"
        )
    if value is None or isinstance(value, Mapping | list):
        raise ValueMapError(f"{where}: each {role} word must be a word, not {value!r}")
    return str(value).strip()


def parse_values(raw: object, source: str) -> ValueMap:
    """The ``values:`` map, checked: known files and columns, contract words, one entry per
    word.  Each mistake names ``source`` (the file) and the key (``values.audit_actions.risk``)."""
    if raw is None:
        return {}
    if not isinstance(raw, Mapping):
        raise ValueMapError(
            f"{source}: values must map each file ({', '.join(VALUE_COLUMNS)}) to its columns"
        )
    parsed: ValueMap = {}
    for table, columns in raw.items():
        if table not in VALUE_COLUMNS:
            raise ValueMapError(
                f"{source}: values names unknown file {table!r}; use {', '.join(VALUE_COLUMNS)}"
            )
        if columns is None:
            continue
        mappable = VALUE_COLUMNS[table]
        if not isinstance(columns, Mapping):
            raise ValueMapError(
                f"{source}: values.{table} must map columns ({', '.join(mappable)}) to their "
                "words (risk: {Red: High})"
            )
        for column, words in columns.items():
            key = f"values.{table}.{column}"
            if column not in mappable:
                raise ValueMapError(
                    f"{source}: {key}: {column!r} is not a column whose words can be mapped; "
                    f"use {', '.join(mappable)}"
                )
            if words is None:
                continue
            if not isinstance(words, Mapping):
                raise ValueMapError(
                    f"{source}: {key} must map the export's words to the contract's "
                    f"({', '.join(mappable[column])})"
                )
            entries = _entries(words, table, column, f"{source}: {key}")
            if entries:
                parsed.setdefault(table, {})[column] = entries
    return parsed


def _entries(words: Mapping[object, object], table: str, column: str, where: str) -> dict[str, str]:
    loose = is_loose(table, column)
    contract = {word_key(w, loose): w for w in VALUE_COLUMNS[table][column]}
    entries: dict[str, str] = {}
    seen: dict[str, str] = {}
    for word, target in words.items():
        export = _word(word, where, "export")
        if not export:
            raise ValueMapError(f"{where} has a blank export word")
        wanted = _word(target, f"{where}: {export!r}", "contract")
        canonical = contract.get(word_key(wanted, loose))
        if canonical is None:
            raise ValueMapError(
                f"{where} maps {export!r} to {wanted!r}, which is not a {column} of the "
                f"contract ({', '.join(VALUE_COLUMNS[table][column])})"
            )
        key = word_key(export, loose)
        if key in seen:
            raise ValueMapError(f"{where} lists the word {export!r} twice (as {seen[key]!r})")
        seen[key] = export
        entries[export] = canonical
    return entries


def merge_values(base: ValueMap, own: ValueMap) -> ValueMap:
    """The words a quarter is read with: the settings' map (``base``) with the quarter's own
    (``own``, from its snapshot.yml) winning word by word."""
    merged: ValueMap = {}
    for table, columns in VALUE_COLUMNS.items():
        for column in columns:
            loose = is_loose(table, column)
            mine = own.get(table, {}).get(column, {})
            taken = {word_key(w, loose) for w in mine}
            entries = {
                word: target
                for word, target in base.get(table, {}).get(column, {}).items()
                if word_key(word, loose) not in taken
            }
            entries.update(mine)
            if entries:
                merged.setdefault(table, {})[column] = entries
    return merged


def translate(frame: pd.DataFrame, table: str, values: ValueMap) -> pd.DataFrame:
    """The text frame with each mapped word replaced by its contract word; a word no map names
    is left as written, for the contract's check to report.  The frame given is not changed
    (its words are what a warning quotes); without a map it is returned as it is."""
    columns = values.get(table, {})
    if not any(column in frame.columns for column in columns):
        return frame
    from analysis.inputs.schemas import word_keys  # measured: pandas 1 s, once a table is read

    out = frame.copy()
    out.attrs = dict(frame.attrs)
    for column, words in columns.items():
        if column not in out.columns or not words:
            continue
        loose = is_loose(table, column)
        lookup = {word_key(word, loose): target for word, target in words.items()}
        text = out[column]
        mapped = word_keys(text, loose).map(lookup)
        out[column] = mapped.where(mapped.notna(), text).astype("str")
    return out
