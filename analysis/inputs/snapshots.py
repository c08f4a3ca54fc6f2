"""Reading a quarter's snapshot folder exactly as the data contract says.

A snapshot is the only way to rerun a past quarter, so it is read strictly: every problem
that could make a figure wrong is an error, all of them are collected before anything
stops, and each names the file (relative to the data folder), the row Excel shows, the
column and the value.  Problems that change no figure are warnings; they travel with the
snapshot into the paper's data-quality annex.

Choices where the contract is silent (written down here so the paper can cite them):

* ``narrative.md`` missing is a warning, not an error: it holds prose, not figures, and the
  paper then says that no narrative was supplied.
* ``snapshot.yml`` must exist (it is how a folder says it is a snapshot) but may be empty:
  every key has a default.  Dates in it follow the table rules (``2019-06-30`` or
  ``30/06/2019``); YAML's own date typing is switched off so a bad date is reported, not
  crashed on.  ``as_of`` before the quarter's first day is an error; after its last day, a
  warning.
* A tracker with a header but no data rows is a warning (a quarter may have nothing open).
* Dates: see :mod:`analysis.inputs.schemas` (strict ISO ``YYYY-MM-DD`` or UK day-first order).
* The workbook's sheet name and every column name are matched ignoring case and surrounding
  space, like coded values; a column named twice is an error.
* Only folders under ``snapshots/`` are snapshots; files there and hidden entries are ignored.

Frames after loading (index: a fresh RangeIndex; one row per input row):

recommendations
    rec_id (str), inspection (str), theme (str: canonical spelling of a KNOWN_THEMES entry when it
    matches case-insensitively, else the trimmed text), programme (str or <NA>), type (one of
    REC_TYPES), published (datetime64, midnight), status (one of REC_STATUSES), status_date
    (datetime64 or NaT), lead (str or <NA>), marking (one of MARKINGS; blank -> OFFICIAL),
    source_row (int: the row as Excel shows it, header is row 1).

actions
    action_id, audit_title, audit_year (canonical ``2016/17``), assurance (ASSURANCES), risk (RISKS),
    business_group (canonical spelling of a KNOWN_BUSINESS_GROUPS entry when it matches, else
    trimmed text), business_area (str or <NA>), owner (str or <NA>), due_date (datetime64),
    revised_due_date (datetime64 or NaT), status (ACTION_STATUSES), completed_date (datetime64 or
    NaT), verified_date (datetime64 or NaT; present only when the tracker has the column),
    delay_reason (str or <NA>), delay_category (str or <NA>), marking (MARKINGS),
    source_row (int).

Text columns use pandas' object or string dtype with missing values as <NA>/None/NaN: test
with ``pd.isna``.  Extra input columns are dropped.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd

from analysis.engine import cache
from analysis.inputs import columns, quarter_maps, readers, schemas, value_maps, workbooks
from analysis.inputs.findings import Finding, SnapshotError
from analysis.inputs.narrative import placeholder_errors, split_narrative
from analysis.inputs.row_warnings import action_warnings, recommendation_warnings, tracker_warnings
from analysis.inputs.settings import Settings, load_settings
from analysis.inputs.snapshot import Snapshot
from analysis.inputs.snapshot_cache import (
    folder_entries,
    folder_problem,
    named_quarters,
    snapshot_folder,
    source_key,
)
from analysis.inputs.snapshot_meta import read_meta
from analysis.inputs.vocabulary import (
    ACTIONS_SHEET,
    TRACKER_SHEET,
)
from analysis.quarters import Quarter

SNAPSHOT_YML = "snapshot.yml"
RECOMMENDATIONS_CSV = "recommendations.csv"
ACTIONS_XLSX = "audit_actions.xlsx"
ACTIONS_CSV = "audit_actions.csv"
NARRATIVE_MD = "narrative.md"
TRACKER_CSV = "hmicfrs_tracker.csv"
TRACKER_XLSX = "hmicfrs_tracker.xlsx"


# --- folders ----------------------------------------------------------------------------------
def folder_finding(data_dir: Path, folder: Path) -> Finding | None:
    problem = folder_problem(folder.name)
    if problem is None:
        return None
    return Finding("error", _relative(data_dir, folder), problem, value=folder.name)


def list_quarters(data_dir: Path) -> list[Quarter]:
    """Quarters with a snapshot folder, oldest first.  Raises SnapshotError for a folder whose
    name is not a canonical quarter id."""
    folders = folder_entries(data_dir)
    bad = [f for f in (folder_finding(data_dir, p) for p in folders) if f is not None]
    if bad:
        raise SnapshotError(bad)
    return named_quarters(folders)


def latest_quarter(data_dir: Path) -> Quarter:
    quarters = list_quarters(data_dir)
    if not quarters:
        raise SnapshotError(
            [Finding("error", "snapshots", "no snapshot folders found (expected e.g. 2019-20-Q1)")]
        )
    return quarters[-1]


# --- one snapshot -----------------------------------------------------------------------------
def check_snapshot(
    data_dir: Path, quarter: Quarter, settings: Settings | None = None
) -> tuple[Snapshot | None, list[Finding]]:
    """Read and validate one snapshot; every error and warning is collected, none raised.

    The result comes from the disk cache (:mod:`analysis.engine.cache`) when the same files were
    validated before by the same code, settings and environment; otherwise it is read from the
    files and stored there.
    """
    data_dir = Path(data_dir)
    settings = load_settings(data_dir) if settings is None else settings
    folder = snapshot_folder(data_dir, quarter)
    source = source_key(folder, settings) if folder.is_dir() else None
    head = cache.load("head", source)
    if head is not None:
        frames = cache.load("frames", source) if head["ok"] else None
        if frames is not None or not head["ok"]:
            return _from_head(head, data_dir, quarter, source, frames)
    snapshot, findings = _check(data_dir, quarter, settings)
    if source is not None:
        if snapshot is not None:
            frames = {"recommendations": snapshot.recommendations, "actions": snapshot.actions}
            if snapshot.tracker is not None:
                frames["tracker"] = snapshot.tracker
            cache.store("frames", source, frames)
            snapshot.source_key = source
        cache.store("head", source, _head(snapshot, findings))
    return snapshot, findings


def load_snapshot(data_dir: Path, quarter: Quarter, settings: Settings | None = None) -> Snapshot:
    """A validated snapshot, or SnapshotError listing every error."""
    snapshot, findings = check_snapshot(data_dir, quarter, settings)
    if snapshot is None:
        raise SnapshotError(findings)
    return snapshot


def cached_head(
    data_dir: Path, quarter: Quarter, settings: Settings
) -> tuple[Snapshot | None, list[Finding]] | None:
    """The snapshot's cached result without its frames (they are left empty), or None when
    the cache holds none: all an earlier quarter of a history needs until its frames are used."""
    folder = snapshot_folder(data_dir, quarter)
    source = source_key(folder, settings) if folder.is_dir() else None
    head = cache.load("head", source)
    return None if head is None else _from_head(head, data_dir, quarter, source)


def _head(snapshot: Snapshot | None, findings: list[Finding]) -> dict[str, Any]:
    """What a cached snapshot holds besides its frames (findings as plain tuples, which
    unpickle several times faster than dataclasses)."""
    return {
        "ok": snapshot is not None,
        "findings": [dataclasses.astuple(f) for f in findings],
        "as_of": None if snapshot is None else snapshot.as_of,
        "meta": None if snapshot is None else snapshot.meta,
        "narrative": None if snapshot is None else snapshot.narrative,
        "files": None if snapshot is None else list(snapshot.files),
    }


def _from_head(
    head: dict[str, Any],
    data_dir: Path,
    quarter: Quarter,
    source: str | None,
    frames: dict[str, pd.DataFrame] | None = None,
) -> tuple[Snapshot | None, list[Finding]]:
    """A cached result rebuilt for this data folder (empty frames when ``frames`` is None)."""
    findings = [Finding(*f) for f in head["findings"]]
    if not head["ok"]:
        return None, findings
    folder = snapshot_folder(data_dir, quarter)
    empty = pd.DataFrame()
    snapshot = Snapshot(
        quarter=quarter,
        as_of=head["as_of"],
        recommendations=empty if frames is None else frames["recommendations"],
        actions=empty if frames is None else frames["actions"],
        meta=head["meta"],
        narrative=head["narrative"],
        warnings=[f for f in findings if f.severity == "warning"],
        files={name: folder / name for name in head["files"]},
        folder=folder,
        tracker=None if frames is None else frames.get("tracker"),
    )
    snapshot.source_key = source
    return snapshot, findings


def _relative(data_dir: Path, path: Path) -> str:
    try:
        return Path(path).relative_to(data_dir).as_posix()
    except ValueError:
        return Path(path).as_posix()


def _check(
    data_dir: Path, quarter: Quarter, settings: Settings
) -> tuple[Snapshot | None, list[Finding]]:
    folder = snapshot_folder(data_dir, quarter)
    rel = _relative(data_dir, folder)
    if not folder.is_dir():
        return None, [
            Finding("error", rel, f"no snapshot folder for {quarter.id}", value=quarter.id)
        ]
    names = {p.name for p in folder.iterdir()}
    findings: list[Finding] = []
    files: dict[str, Path] = {}

    def missing(name: str, what: str) -> None:
        near = [n for n in names if n.lower() == name.lower()]
        hint = f"; found {near[0]}: rename it to {name}" if near else ""
        findings.append(Finding("error", f"{rel}/{name}", f"missing: {what}{hint}"))

    meta: dict[str, object] | None = None
    if SNAPSHOT_YML in names:
        files[SNAPSHOT_YML] = folder / SNAPSHOT_YML
        meta = read_meta(files[SNAPSHOT_YML], quarter, f"{rel}/{SNAPSHOT_YML}", findings)
    else:
        missing(SNAPSHOT_YML, "the snapshot's details (as_of, panel_date, authors, contact)")
    as_of = meta["as_of"] if meta is not None else quarter.last_day
    try:
        maps = quarter_maps.for_quarter(settings, meta)
    except (
        columns.ColumnMapError
    ) as exc:  # each map was checked; kept as a plain error all the same
        findings.append(Finding("error", f"{rel}/{SNAPSHOT_YML}", str(exc), column="columns"))
        maps = quarter_maps.QuarterMaps()

    recommendations = None
    if RECOMMENDATIONS_CSV in names:
        files[RECOMMENDATIONS_CSV] = folder / RECOMMENDATIONS_CSV
        rec_columns = columns.export_columns("recommendations", maps.column_map("recommendations"))
        recommendations = _read_table(
            files[RECOMMENDATIONS_CSV],
            schemas.RECOMMENDATIONS,
            f"{rel}/{RECOMMENDATIONS_CSV}",
            lambda path: readers.read_csv_table(path, rec_columns),
            findings,
            maps,
        )
    else:
        missing(RECOMMENDATIONS_CSV, "the HMICFRS Monitoring Portal export")

    actions = None
    has_xlsx, has_csv = ACTIONS_XLSX in names, ACTIONS_CSV in names
    if has_xlsx and has_csv:
        findings.append(
            Finding(
                "error",
                f"{rel}/{ACTIONS_XLSX}",
                f"both {ACTIONS_XLSX} and {ACTIONS_CSV} are present, so it is ambiguous which "
                "is the action tracker; keep only one",
            )
        )
    elif has_xlsx or has_csv:
        name = ACTIONS_XLSX if has_xlsx else ACTIONS_CSV
        files[name] = folder / name
        action_columns = columns.export_columns("audit_actions", maps.column_map("audit_actions"))

        def reader(path: Path) -> readers.Table:
            if has_xlsx:
                return workbooks.read_xlsx_table(path, ACTIONS_SHEET, action_columns)
            return readers.read_csv_table(path, action_columns)

        actions = _read_table(files[name], schemas.ACTIONS, f"{rel}/{name}", reader, findings, maps)
    else:
        missing(
            ACTIONS_XLSX,
            f"the DARA action tracker ({ACTIONS_XLSX} with a sheet {ACTIONS_SHEET!r}, "
            f"or {ACTIONS_CSV})",
        )

    tracker, tracker_name = _read_tracker(folder, rel, names, maps, files, findings)

    narrative: dict[str, str] = {}
    if NARRATIVE_MD in names:
        files[NARRATIVE_MD] = folder / NARRATIVE_MD
        try:
            narrative_text = readers.read_text(files[NARRATIVE_MD])
        except readers.ReadError as exc:
            findings.append(Finding("error", f"{rel}/{NARRATIVE_MD}", str(exc)))
        else:
            narrative = split_narrative(narrative_text)
            findings.extend(placeholder_errors(narrative_text, f"{rel}/{NARRATIVE_MD}"))
    else:
        findings.append(
            Finding(
                "warning",
                f"{rel}/{NARRATIVE_MD}",
                "no narrative.md: the paper will say that no narrative was supplied",
            )
        )

    if recommendations is not None:
        rec_file = f"{rel}/{RECOMMENDATIONS_CSV}"
        findings.extend(recommendation_warnings(*recommendations, as_of, rec_file))
    if actions is not None:
        act_file = f"{rel}/{ACTIONS_XLSX if has_xlsx else ACTIONS_CSV}"
        findings.extend(action_warnings(*actions, as_of, settings, act_file))
    if tracker is not None and recommendations is not None:
        findings.extend(
            tracker_warnings(*tracker, recommendations[0], as_of, f"{rel}/{tracker_name}")
        )

    if any(f.severity == "error" for f in findings) or meta is None:
        return None, findings
    assert recommendations is not None and actions is not None
    snapshot = Snapshot(
        quarter=quarter,
        as_of=as_of,
        recommendations=recommendations[0],
        actions=actions[0],
        meta=meta,
        narrative=narrative,
        warnings=[f for f in findings if f.severity == "warning"],
        files=files,
        folder=folder,
        tracker=None if tracker is None else tracker[0],
    )
    return snapshot, findings


def _read_tracker(
    folder: Path,
    rel: str,
    names: set[str],
    maps: quarter_maps.QuarterMaps,
    files: dict[str, Path],
    findings: list[Finding],
) -> tuple[tuple[pd.DataFrame, pd.DataFrame] | None, str]:
    """The optional own HMICFRS tracker (.csv, or .xlsx with a sheet Tracker), read like the
    other trackers; (None, '') when the snapshot has none."""
    has_xlsx, has_csv = TRACKER_XLSX in names, TRACKER_CSV in names
    if has_xlsx and has_csv:
        findings.append(
            Finding(
                "error",
                f"{rel}/{TRACKER_XLSX}",
                f"both {TRACKER_XLSX} and {TRACKER_CSV} are present, so it is ambiguous which "
                "is the force's own HMICFRS tracker; keep only one",
            )
        )
        return None, ""
    if not (has_xlsx or has_csv):
        return None, ""
    name = TRACKER_XLSX if has_xlsx else TRACKER_CSV
    files[name] = folder / name
    tracker_columns = columns.export_columns("hmicfrs_tracker", maps.column_map("hmicfrs_tracker"))
    spec = tracker_columns or schemas.TRACKER

    def reader(path: Path) -> readers.Table:
        if has_xlsx:
            return workbooks.read_xlsx_table(path, TRACKER_SHEET, spec)
        return readers.read_csv_table(path, spec)

    read = _read_table(files[name], schemas.TRACKER, f"{rel}/{name}", reader, findings, maps)
    return read, name


def _read_table(
    path: Path,
    spec: schemas.TableSpec,
    file: str,
    read: Callable[[Path], readers.Table],
    findings: list[Finding],
    maps: quarter_maps.QuarterMaps | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame] | None:
    """(canonical frame, text frame) of a table that passed, else None with its errors added.

    The text frame keeps each cell as written, so a warning can quote the analyst's value.
    ``maps`` (the settings' maps with the quarter's own) renames the file's columns and reads
    the force's own words as the contract's before they are judged.
    """
    maps = maps or quarter_maps.QuarterMaps()
    column_map = maps.column_map(spec.key)
    try:
        table = columns.to_contract(read(path), column_map)
    except readers.ReadError as exc:
        findings.append(Finding("error", file, str(exc)))
        return None
    errors = [
        Finding(
            "error",
            file,
            "column appears more than once in the header",
            row=table.header_row,
            column=name,
        )
        for name in table.duplicates
    ]
    findings.extend(Finding("warning", file, message) for message in table.warnings)
    judged = value_maps.translate(table.frame, spec.key, maps.values)
    errors += columns.explain_missing(schemas.validate(judged, spec, file), spec.key, column_map)
    findings.extend(errors)
    if errors:
        return None
    if table.frame.empty:
        findings.append(
            Finding("warning", file, f"no data rows: the file has a header but no {spec.label}")
        )
    return schemas.canonical(judged, spec), table.frame
