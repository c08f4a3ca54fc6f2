"""A force's own column headers, mapped onto the contract's columns when a file is read.

Exports arrive with the names their systems give them (``Ref``, ``Action owner``, ``Target
date``).  Renaming them by hand each quarter is a chance to get one wrong, so the panel writes
the correspondence once, in ``settings.yml``::

    columns:
      recommendations:      # recommendations.csv
        Reference: rec_id
      audit_actions:        # audit_actions.xlsx / .csv
        Target date: due_date
      hmicfrs_tracker:      # hmicfrs_tracker.csv / .xlsx
        Ref: rec_id

and the exports go into the snapshot folder exactly as downloaded.  A header is matched as the
contract's own names are (case and surrounding space ignored), but kept as typed, so the paper's
method annex can state the map the way the panel wrote it.  The map is part of the settings,
so it is part of every cache key and of the manifest's inputs: a changed map is a changed input.

A quarter whose export renamed a header (the portal's ``rec_id`` became ``Reference`` one
quarter) carries its own ``columns:`` in its ``snapshot.yml``, of the same form; for that
quarter it wins over the settings' map, entry by entry (:func:`merge_maps`): for the same
export header, and for the same contract column, the quarter's entry is the one read.  The
snapshot.yml is one of the snapshot's files, so it too is part of the cache key.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from analysis.inputs.findings import Finding
from analysis.inputs.vocabulary import (
    ACTION_COLUMNS,
    ACTION_DATES,
    ACTION_REQUIRED,
    REC_COLUMNS,
    REC_DATES,
    REC_REQUIRED,
    TRACKER_COLUMNS,
    TRACKER_DATES,
    TRACKER_REQUIRED,
)

if TYPE_CHECKING:
    from analysis.inputs.readers import Table

TABLES: dict[str, tuple[str, ...]] = {
    "recommendations": REC_COLUMNS,
    "audit_actions": ACTION_COLUMNS,
    "hmicfrs_tracker": TRACKER_COLUMNS,
}
"""The files a map may name (the settings' keys), each with the contract's columns."""

_REQUIRED = {
    "recommendations": REC_REQUIRED,
    "audit_actions": ACTION_REQUIRED,
    "hmicfrs_tracker": TRACKER_REQUIRED,
}
_DATES = {
    "recommendations": REC_DATES,
    "audit_actions": ACTION_DATES,
    "hmicfrs_tracker": TRACKER_DATES,
}

ColumnMap = dict[str, dict[str, str]]
"""File -> export header (trimmed, as typed; matched case aside) -> contract column."""

SETTINGS_PLACE = "settings.yml"
"""Where a map for every quarter goes, as a finding names it (files are named relative to the
data folder: ``snapshots/2019-20-Q1/recommendations.csv``, so ``settings.yml``)."""


class ColumnMapError(ValueError):
    """A map that cannot be applied; the settings loader reports it as a settings error."""


def header_key(name: object) -> str:
    """A header as headers are matched (the reader's own rule: trimmed, case ignored)."""
    return str(name).strip().lower()


def parse_map(raw: object, source: str) -> ColumnMap:
    """The ``columns:`` setting, checked: known files, contract columns, one header each."""
    if raw is None:
        return {}
    if not isinstance(raw, Mapping):
        raise ColumnMapError(
            f"{source}: columns must map each file ({', '.join(TABLES)}) to its headers"
        )
    parsed: ColumnMap = {}
    for table, headers in raw.items():
        if table not in TABLES:
            raise ColumnMapError(
                f"{source}: columns names unknown file {table!r}; use {', '.join(TABLES)}"
            )
        if headers is None:
            continue
        if not isinstance(headers, Mapping):
            raise ColumnMapError(
                f"{source}: columns.{table} must map export headers to contract columns "
                "(Reference: rec_id)"
            )
        mapping: dict[str, str] = {}
        seen: dict[str, str] = {}
        seen_keys: set[str] = set()
        for header, column in headers.items():
            key, target = header_key(header), header_key(column)
            if not key:
                raise ColumnMapError(f"{source}: columns.{table} has a blank export header")
            if target not in TABLES[table]:
                raise ColumnMapError(
                    f"{source}: columns.{table} maps {str(header)!r} to {column!r}, which is not "
                    f"a column of the contract's {table} ({', '.join(TABLES[table])})"
                )
            if key in seen_keys:
                raise ColumnMapError(
                    f"{source}: columns.{table} lists the export header {str(header)!r} twice"
                )
            if target in seen:
                raise ColumnMapError(
                    f"{source}: columns.{table} maps both {seen[target]!r} and {str(header)!r} "
                    f"to {target}; one column can come from one header only"
                )
            seen[target] = str(header)
            seen_keys.add(key)
            if key != target:
                mapping[str(header).strip()] = target
        if mapping:
            parsed[table] = dict(sorted(mapping.items(), key=lambda item: header_key(item[0])))
    return parsed


def merge_maps(base: ColumnMap, own: ColumnMap) -> ColumnMap:
    """The map a quarter is read with: its own entries (``own``, from its snapshot.yml) and
    every entry of the settings' map (``base``) that names neither an export header nor a
    contract column the quarter's own map names.  Each map was checked on its own (one header
    per column), so the merged map still reads each column from one header; that is checked
    again here all the same, since a file read with two sources for one column would be wrong."""
    merged: ColumnMap = {}
    for table in TABLES:
        mine = own.get(table, {})
        headers = {header_key(h) for h in mine}
        targets = set(mine.values())
        entries = dict(mine)
        for header, column in base.get(table, {}).items():
            if header_key(header) not in headers and column not in targets:
                entries[header] = column
        if len(set(entries.values())) != len(entries):
            raise ColumnMapError(f"columns.{table} maps two headers to one column")
        if entries:
            merged[table] = dict(sorted(entries.items(), key=lambda item: header_key(item[0])))
    return merged


@dataclass(frozen=True)
class ExportColumns:
    """A table's columns under the names the export uses: what the reader looks for to find
    the header row and to know which columns hold dates (:class:`analysis.inputs.readers.Columns`)."""

    required: tuple[str, ...]
    columns: tuple[str, ...]
    dates: tuple[str, ...]


def export_columns(table: str, mapping: Mapping[str, str]) -> ExportColumns | None:
    """The contract's names with each mapped column under its export header; None without a
    map, so that an unmapped file is read exactly as before."""
    if not mapping:
        return None
    export = {column: header_key(header) for header, column in mapping.items()}

    def named(columns: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(export.get(c, c) for c in columns)

    return ExportColumns(
        required=named(_REQUIRED[table]),
        columns=named(TABLES[table]),
        dates=named(_DATES[table]),
    )


def to_contract(table: Table, mapping: Mapping[str, str]) -> Table:
    """The table read with export headers, its columns renamed to the contract's.

    A file holding both a mapped header and the contract's own name for the same column has two
    sources for one column: the second is listed in ``duplicates``, which the loader reports as
    an error on the header row.
    """
    if not mapping:
        return table
    frame = table.frame
    renames: dict[str, str] = {}
    duplicates = list(table.duplicates)
    for typed, column in mapping.items():
        header = header_key(typed)
        if header not in frame.columns:
            continue
        if column in frame.columns:
            if column not in duplicates:
                duplicates.append(column)
            continue
        renames[header] = column
    renamed = frame.rename(columns=renames)
    renamed.attrs = dict(frame.attrs)
    positions = {renames.get(name, name): pos for name, pos in table.positions.items()}
    return replace(table, frame=renamed, duplicates=duplicates, positions=positions)


def explain_missing(
    findings: list[Finding], table: str, mapping: Mapping[str, str]
) -> list[Finding]:
    """Missing-column errors that say where the map goes: the contract's column, the headers
    the file has exactly as exported, and either the map entry that names a header the file
    lacks (so the analyst knows which of the two names to look for) or where to write one."""
    export = {column: header for header, column in mapping.items()}
    explained = []
    for finding in findings:
        if finding.message.startswith(MISSING_PREFIX) and finding.column:
            column = finding.column
            found = finding.message.partition(" (headers found: ")[2].rstrip(")")
            header = export.get(column)
            where = f"columns: {table}:"
            if header is not None:
                advice = (
                    f"the column map reads the export header {header!r} as {column}, and the "
                    f"file has neither: correct the entry under {where} in {SETTINGS_PLACE}, or "
                    "in this quarter's snapshot.yml for this quarter only"
                )
            else:
                advice = (
                    f"map the export's header to it under {where} in {SETTINGS_PLACE}, or in "
                    "this quarter's snapshot.yml for this quarter only"
                )
            finding = replace(
                finding,
                message=f"required column {column} is missing (headers found: {found}): {advice}",
            )
        explained.append(finding)
    return explained


MISSING_PREFIX = "required column "
