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
    NaT), delay_reason (str or <NA>), delay_category (str or <NA>), marking (MARKINGS),
    source_row (int).

Text columns use pandas' object or string dtype with missing values as <NA>/None/NaN: test
with ``pd.isna``.  Extra input columns are dropped.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from analysis import cache
from analysis.inputs import columns, readers, schemas
from analysis.inputs.findings import Finding, SnapshotError
from analysis.inputs.settings import Settings, load_settings
from analysis.inputs.snapshot_meta import read_meta
from analysis.inputs.vocabulary import (
    ACTIONS_SHEET,
    DONE_STATUSES,
    OUTSTANDING_STATUSES,
    SOURCE_ROW,
    TRACKER_SHEET,
)
from analysis.quarters import Quarter, QuarterError

SNAPSHOT_YML = "snapshot.yml"
RECOMMENDATIONS_CSV = "recommendations.csv"
ACTIONS_XLSX = "audit_actions.xlsx"
ACTIONS_CSV = "audit_actions.csv"
NARRATIVE_MD = "narrative.md"
TRACKER_CSV = "hmicfrs_tracker.csv"
TRACKER_XLSX = "hmicfrs_tracker.xlsx"

PLACEHOLDER = "TODO (panelpaper new): replace this line with this quarter's text."
"""The line ``panelpaper new`` writes under each heading of a new narrative.md; ``check``
reports each one left as an error, so an unedited narrative never reaches a paper."""


@dataclass
class Snapshot:
    """One quarter's validated inputs."""

    quarter: Quarter
    as_of: dt.date
    recommendations: pd.DataFrame
    actions: pd.DataFrame
    meta: dict[str, object] = field(default_factory=dict)
    """snapshot.yml: as_of, panel_date (date or None), panel (str), authors (list[str]),
    contact (str), marking (str), plus any extra keys as written."""
    narrative: dict[str, str] = field(default_factory=dict)
    """narrative.md split on its level-2 headings: heading text -> Markdown body.  Text above
    the first heading is kept under the key ''."""
    warnings: list[Finding] = field(default_factory=list)
    files: dict[str, Path] = field(default_factory=dict)
    """Each input file read, by its name in the folder (recommendations.csv, ...)."""
    folder: Path | None = None
    tracker: pd.DataFrame | None = None
    """The force's own HMICFRS tracker (``hmicfrs_tracker``), or None when the snapshot has
    none: rec_id, internal_status, internal_status_date, lead, evidence, marking, source_row."""


def snapshot_folder(data_dir: Path, quarter: Quarter) -> Path:
    return Path(data_dir) / "snapshots" / quarter.id


# --- folders ----------------------------------------------------------------------------------
def _folder_entries(data_dir: Path) -> list[Path]:
    root = Path(data_dir) / "snapshots"
    if not root.is_dir():
        return []
    return sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith("."))


def _folder_problem(name: str) -> str | None:
    """Why a folder name is not a canonical quarter id (None when it is one)."""
    try:
        quarter = Quarter.parse(name)
    except QuarterError:
        return "folder name is not a quarter id such as 2019-20-Q1"
    if quarter.id != name:
        return f"folder name is not in the canonical form; rename it to {quarter.id}"
    return None


def _folder_finding(data_dir: Path, folder: Path) -> Finding | None:
    problem = _folder_problem(folder.name)
    if problem is None:
        return None
    return Finding("error", _relative(data_dir, folder), problem, value=folder.name)


def list_quarters(data_dir: Path) -> list[Quarter]:
    """Quarters with a snapshot folder, oldest first.  Raises SnapshotError for a folder whose
    name is not a canonical quarter id."""
    folders = _folder_entries(data_dir)
    bad = [f for f in (_folder_finding(data_dir, p) for p in folders) if f is not None]
    if bad:
        raise SnapshotError(bad)
    return sorted(Quarter.parse(p.name) for p in folders)


def latest_quarter(data_dir: Path) -> Quarter:
    quarters = list_quarters(data_dir)
    if not quarters:
        raise SnapshotError(
            [Finding("error", "snapshots", "no snapshot folders found (expected e.g. 2019-20-Q1)")]
        )
    return quarters[-1]


# --- one snapshot -----------------------------------------------------------------------------
_CACHE: OrderedDict[tuple[Any, ...], tuple[Snapshot | None, list[Finding]]] = OrderedDict()
_CACHE_SIZE = 64
_CACHE_ROWS = 400_000
"""Rows of frames kept in memory at most: a few national-size snapshots, never a whole history
(forty of them would not fit); the disk cache (:mod:`analysis.cache`) holds the rest."""

_SOURCE_KEY = "_source_key"
"""Attribute naming the disk-cache key of the files a loaded snapshot came from.  It is not a
dataclass field, so ``dataclasses.replace`` (a snapshot with other frames) drops it."""


def check_snapshot(
    data_dir: Path, quarter: Quarter, settings: Settings | None = None
) -> tuple[Snapshot | None, list[Finding]]:
    """Read and validate one snapshot; every error and warning is collected, none raised."""
    data_dir = Path(data_dir)
    settings = load_settings(data_dir) if settings is None else settings
    folder = snapshot_folder(data_dir, quarter)
    key = _cache_key(folder, settings)
    if key is not None and key in _CACHE:
        _CACHE.move_to_end(key)
        return _copy(*_CACHE[key])
    result = _stored_check(data_dir, quarter, settings)
    if key is not None:
        _remember(key, result)
    return _copy(*result)


def load_snapshot(data_dir: Path, quarter: Quarter, settings: Settings | None = None) -> Snapshot:
    """A validated snapshot, or SnapshotError listing every error."""
    snapshot, findings = check_snapshot(data_dir, quarter, settings)
    if snapshot is None:
        raise SnapshotError(findings)
    return snapshot


def load_history(
    data_dir: Path, up_to: Quarter, settings: Settings | None = None
) -> list[Snapshot]:
    """Every snapshot up to and including ``up_to``, oldest first.

    Every snapshot is validated, but only the newest is held in memory: the earlier ones read
    their frames again (from memory, the disk cache or their files) each time the frames are
    used, because forty national-size snapshots would not fit in memory at once.
    """
    settings = load_settings(data_dir) if settings is None else settings
    quarters = [q for q in list_quarters(data_dir) if q <= up_to]
    history: list[Snapshot] = []
    errors: list[Finding] = []
    for position, quarter in enumerate(quarters):
        if position == len(quarters) - 1:
            snapshot, findings = check_snapshot(data_dir, quarter, settings)
        else:
            snapshot, findings = _history_entry(data_dir, quarter, settings)
        if snapshot is None:
            errors.extend(f for f in findings if f.severity == "error")
        else:
            history.append(snapshot)
    if errors:
        raise SnapshotError(errors)
    return history


def revised_deadlines(snapshot: Snapshot) -> pd.DataFrame:
    """The snapshot's actions that carry a revised deadline (``action_id``,
    ``revised_due_date``): all that counting extensions across the history needs, since an
    action never revised counts zero either way.  Small enough to keep in the disk cache for
    every past quarter, so extensions do not need the past quarters' frames."""

    def revised() -> pd.DataFrame:
        actions = snapshot.actions
        return actions.loc[actions["revised_due_date"].notna(), ["action_id", "revised_due_date"]]

    key = cache.derived_key("revisions", [snapshot], None, cache.LOADER_MODULES)
    return cache.remembered("revisions", key, revised)


class _Frame:
    """A frame of a history snapshot, fetched from the loader when used instead of held."""

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, snapshot: Any, owner: type | None = None) -> Any:
        if snapshot is None:
            return self
        held = snapshot.__dict__.get(self.name)
        if held is not None:
            return held
        return getattr(snapshot.fetch(), self.name)

    def __set__(self, snapshot: Any, value: pd.DataFrame | None) -> None:
        snapshot.__dict__[self.name] = value


class _HistorySnapshot(Snapshot):
    """An earlier quarter's snapshot, validated, whose frames are read on use and not kept.

    Frames assigned to it are kept like a plain snapshot's.
    """

    recommendations = _Frame()
    actions = _Frame()
    tracker = _Frame()

    def fetch(self) -> Snapshot:
        """The snapshot in full, as :func:`check_snapshot` gives it now."""
        data_dir, settings = self.__dict__["_loaded_from"]
        snapshot, findings = check_snapshot(data_dir, self.quarter, settings)
        if snapshot is None:
            raise SnapshotError(findings)
        return snapshot


def _history_entry(
    data_dir: Path, quarter: Quarter, settings: Settings
) -> tuple[Snapshot | None, list[Finding]]:
    """An earlier snapshot without its frames: from memory, from a cached head (no frames
    read at all) or, failing both, read and validated in full (which fills both caches)."""
    folder = snapshot_folder(data_dir, quarter)
    key = _cache_key(folder, settings)
    if key is not None and key in _CACHE:
        _CACHE.move_to_end(key)
        return _light(*_CACHE[key], data_dir, settings)
    source = cache.snapshot_key(folder, settings) if cache.enabled() else None
    head = cache.load("head", source)
    if head is not None:
        snapshot, findings = _from_head(head, data_dir, quarter, source)
        return _light(snapshot, findings, data_dir, settings)
    return _light(*check_snapshot(data_dir, quarter, settings), data_dir, settings)


def _light(
    snapshot: Snapshot | None, findings: list[Finding], data_dir: Path, settings: Settings
) -> tuple[Snapshot | None, list[Finding]]:
    """The snapshot without its frames, which it fetches from the loader when used."""
    if snapshot is None:
        return None, list(findings)
    light = _HistorySnapshot(
        quarter=snapshot.quarter,
        as_of=snapshot.as_of,
        recommendations=None,  # type: ignore[arg-type]
        actions=None,  # type: ignore[arg-type]
        meta=dict(snapshot.meta),
        narrative=dict(snapshot.narrative),
        warnings=list(snapshot.warnings),
        files=dict(snapshot.files),
        folder=snapshot.folder,
        tracker=None,
    )
    light.__dict__["_loaded_from"] = (Path(data_dir), settings)
    if getattr(snapshot, _SOURCE_KEY, None) is not None:
        light.__dict__[_SOURCE_KEY] = getattr(snapshot, _SOURCE_KEY)
    return light, list(findings)


def _stored_check(
    data_dir: Path, quarter: Quarter, settings: Settings
) -> tuple[Snapshot | None, list[Finding]]:
    """:func:`_check`, answered from the disk cache when the same files were validated before
    by the same code and settings."""
    folder = snapshot_folder(data_dir, quarter)
    source = cache.snapshot_key(folder, settings) if cache.enabled() and folder.is_dir() else None
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
            snapshot.__dict__[_SOURCE_KEY] = source
        cache.store("head", source, _head(snapshot, findings))
    return snapshot, findings


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
    """A cached result rebuilt for this data folder; without ``frames`` the snapshot is
    incomplete and only fit for :func:`_light`."""
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
    snapshot.__dict__[_SOURCE_KEY] = source
    return snapshot, findings


def _remember(key: tuple[Any, ...], result: tuple[Snapshot | None, list[Finding]]) -> None:
    """Keep a result in memory, dropping the least recently used beyond the size limits."""
    _CACHE[key] = result
    _CACHE.move_to_end(key)

    def rows(entry: tuple[Snapshot | None, list[Finding]]) -> int:
        snapshot = entry[0]
        return 0 if snapshot is None else len(snapshot.recommendations) + len(snapshot.actions)

    total = sum(rows(entry) for entry in _CACHE.values())
    while len(_CACHE) > 1 and (len(_CACHE) > _CACHE_SIZE or total > _CACHE_ROWS):
        _, dropped = _CACHE.popitem(last=False)
        total -= rows(dropped)


def _cache_key(folder: Path, settings: Settings) -> tuple[Any, ...] | None:
    """Folder, every file's size and modification time, and the rules: a snapshot whose key
    is unchanged reads the same, so trends can load every past quarter cheaply."""
    try:
        stats = tuple(
            sorted((p.name, p.stat().st_mtime_ns, p.stat().st_size) for p in folder.iterdir())
        )
    except OSError:
        return None
    return (str(folder), str(folder.resolve()), stats, repr(settings))


def _copy(
    snapshot: Snapshot | None, findings: list[Finding]
) -> tuple[Snapshot | None, list[Finding]]:
    """A caller may add columns to the frames; the cached originals must not change."""
    if snapshot is None:
        return None, list(findings)
    copied = dataclasses.replace(
        snapshot,
        recommendations=snapshot.recommendations.copy(deep=False),
        actions=snapshot.actions.copy(deep=False),
        meta=dict(snapshot.meta),
        narrative=dict(snapshot.narrative),
        warnings=list(snapshot.warnings),
        files=dict(snapshot.files),
        tracker=None if snapshot.tracker is None else snapshot.tracker.copy(deep=False),
    )
    if getattr(snapshot, _SOURCE_KEY, None) is not None:
        copied.__dict__[_SOURCE_KEY] = getattr(snapshot, _SOURCE_KEY)
    return copied, list(findings)


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

    recommendations = None
    if RECOMMENDATIONS_CSV in names:
        files[RECOMMENDATIONS_CSV] = folder / RECOMMENDATIONS_CSV
        rec_map = settings.column_map("recommendations")
        rec_columns = columns.export_columns("recommendations", rec_map)
        recommendations = _read_table(
            files[RECOMMENDATIONS_CSV],
            schemas.RECOMMENDATIONS,
            f"{rel}/{RECOMMENDATIONS_CSV}",
            lambda path: readers.read_csv_table(path, rec_columns),
            findings,
            rec_map,
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
        action_map = settings.column_map("audit_actions")
        action_columns = columns.export_columns("audit_actions", action_map)

        def reader(path: Path) -> readers.Table:
            if has_xlsx:
                return readers.read_xlsx_table(path, ACTIONS_SHEET, action_columns)
            return readers.read_csv_table(path, action_columns)

        actions = _read_table(
            files[name], schemas.ACTIONS, f"{rel}/{name}", reader, findings, action_map
        )
    else:
        missing(
            ACTIONS_XLSX,
            f"the DARA action tracker ({ACTIONS_XLSX} with a sheet {ACTIONS_SHEET!r}, "
            f"or {ACTIONS_CSV})",
        )

    tracker, tracker_name = _read_tracker(folder, rel, names, settings, files, findings)

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
    settings: Settings,
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
    tracker_map = settings.column_map("hmicfrs_tracker")
    tracker_columns = columns.export_columns("hmicfrs_tracker", tracker_map)
    spec = tracker_columns or schemas.TRACKER

    def reader(path: Path) -> readers.Table:
        if has_xlsx:
            return readers.read_xlsx_table(path, TRACKER_SHEET, spec)
        return readers.read_csv_table(path, spec)

    read = _read_table(files[name], schemas.TRACKER, f"{rel}/{name}", reader, findings, tracker_map)
    return read, name


def _read_table(
    path: Path,
    spec: schemas.TableSpec,
    file: str,
    read: Callable[[Path], readers.Table],
    findings: list[Finding],
    column_map: dict[str, str] | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame] | None:
    """(canonical frame, text frame) of a table that passed, else None with its errors added.

    The text frame keeps each cell as written, so a warning can quote the analyst's value.
    ``column_map`` (export header -> contract column, from settings.yml) renames the file's
    columns before they are judged.
    """
    column_map = column_map or {}
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
    errors += columns.explain_missing(schemas.validate(table.frame, spec, file), column_map)
    findings.extend(errors)
    if errors:
        return None
    if table.frame.empty:
        findings.append(
            Finding("warning", file, f"no data rows: the file has a header but no {spec.label}")
        )
    return schemas.canonical(table.frame, spec), table.frame


# --- narrative.md -----------------------------------------------------------------------------
_HEADING = re.compile(r"^##[ \t]+(.*?)[ \t]*#*[ \t]*$")
_FENCE = re.compile(r"^[ \t]{0,3}(```|~~~)")


def split_narrative(text: str) -> dict[str, str]:
    """narrative.md split on its level-2 headings (``## ...``), ignoring any inside code
    fences.  A heading used twice keeps both bodies, in order."""
    sections: dict[str, list[str]] = {"": []}
    current = ""
    fenced = False
    for line in text.splitlines():
        if _FENCE.match(line):
            fenced = not fenced
        match = None if fenced else _HEADING.match(line)
        if match:
            current = match.group(1).strip()
            sections.setdefault(current, [])
            if sections[current]:
                sections[current].append("")
            continue
        sections[current].append(line)
    bodies = {heading: "\n".join(lines).strip("\n").rstrip() for heading, lines in sections.items()}
    if not bodies[""].strip():
        del bodies[""]
    return bodies


def placeholder_errors(text: str, file: str) -> list[Finding]:
    """Each line still holding :data:`PLACEHOLDER`, by its line number (shown as the row)."""
    return [
        Finding(
            "error",
            file,
            "still the placeholder written by panelpaper new: replace it with this quarter's text",
            row=number,
            value=line.strip(),
        )
        for number, line in enumerate(text.splitlines(), start=1)
        if PLACEHOLDER in line
    ]


# --- warnings ---------------------------------------------------------------------------------
def _row_warnings(
    mask: pd.Series,
    canonical: pd.DataFrame,
    text: pd.DataFrame,
    column: str,
    message: Callable[[pd.DataFrame], list[str]] | str,
    file: str,
) -> list[Finding]:
    """One warning per flagged row; only flagged rows are visited in Python."""
    flagged = mask.fillna(False).to_numpy(dtype=bool)
    if not flagged.any():
        return []
    rows = canonical[SOURCE_ROW].to_numpy()[flagged]
    if column in text.columns:
        values = [None if pd.isna(v) else str(v) for v in text[column].to_numpy()[flagged]]
    else:
        values = [None] * len(rows)
    said = [message] * len(rows) if isinstance(message, str) else message(canonical[flagged])
    return [
        Finding("warning", file, m, row=int(r), column=column, value=v)
        for r, v, m in zip(rows, values, said, strict=True)
    ]


def recommendation_warnings(
    recs: pd.DataFrame, text: pd.DataFrame, as_of: dt.date, file: str
) -> list[Finding]:
    """Dates after as_of: the export should be as at as_of, so these suggest the wrong file."""
    cutoff = pd.Timestamp(as_of)
    found = _row_warnings(
        recs["published"] > cutoff,
        recs,
        text,
        "published",
        f"published after as_of ({as_of})",
        file,
    )
    found += _row_warnings(
        recs["status_date"] > cutoff,
        recs,
        text,
        "status_date",
        f"status_date after as_of ({as_of})",
        file,
    )
    return sorted(found, key=lambda f: f.row or 0)


def _overdue(actions: pd.DataFrame, settings: Settings, as_of: dt.date) -> pd.Series:
    """Overdue by the contract's rule (monitored, outstanding, deadline on or before as_of).

    TODO: use analysis.figures.actions once its monitored/outstanding/deadline/overdue have settled.
    """
    pairs = actions[["risk", "assurance"]].drop_duplicates()
    chosen = {
        (r, a) for r, a in pairs.itertuples(index=False) if settings.is_monitored(str(r), str(a))
    }
    keys = pd.MultiIndex.from_frame(actions[["risk", "assurance"]])
    monitored = pd.Series(keys.isin(list(chosen)), index=actions.index)
    outstanding = actions["status"].isin(OUTSTANDING_STATUSES)
    return monitored & outstanding & (_deadline(actions, settings) <= pd.Timestamp(as_of))


def _deadline(actions: pd.DataFrame, settings: Settings) -> pd.Series:
    """TODO: use analysis.figures.actions.deadline."""
    if settings.deadline_basis == "revised":
        return actions["revised_due_date"].fillna(actions["due_date"])
    return actions["due_date"]


def action_warnings(
    actions: pd.DataFrame, text: pd.DataFrame, as_of: dt.date, settings: Settings, file: str
) -> list[Finding]:
    """The contract's suspicious-but-harmless cases, each on the row and column to look at."""
    cutoff = pd.Timestamp(as_of)
    done = actions["status"].isin(DONE_STATUSES)
    found = _row_warnings(
        actions["completed_date"] > cutoff,
        actions,
        text,
        "completed_date",
        f"completed_date after as_of ({as_of})",
        file,
    )
    found += _row_warnings(
        done & actions["completed_date"].isna(),
        actions,
        text,
        "completed_date",
        lambda rows: [f"action is {s} but has no completed_date" for s in rows["status"]],
        file,
    )
    found += _row_warnings(
        _overdue(actions, settings, as_of) & actions["delay_reason"].isna(),
        actions,
        text,
        "delay_reason",
        lambda rows: [
            f"overdue action (deadline {d.date()}) has no delay_reason"
            for d in _deadline(rows, settings)
        ],
        file,
    )
    found += _row_warnings(
        actions["revised_due_date"] < actions["due_date"],
        actions,
        text,
        "revised_due_date",
        lambda rows: [
            f"revised_due_date is earlier than due_date ({d.date()})" for d in rows["due_date"]
        ],
        file,
    )
    return sorted(found, key=lambda f: f.row or 0)


def tracker_warnings(
    tracker: pd.DataFrame,
    text: pd.DataFrame,
    recommendations: pd.DataFrame,
    as_of: dt.date,
    file: str,
) -> list[Finding]:
    """The own tracker's rows that do not line up with the portal export: an id the portal
    does not hold (a typing slip, or an item the portal has dropped), and a status date after
    as_of.  Neither changes a figure; the reconciliation lists the first kind too."""
    cutoff = pd.Timestamp(as_of)
    found = _row_warnings(
        ~tracker["rec_id"].isin(recommendations["rec_id"]),
        tracker,
        text,
        "rec_id",
        "rec_id is in the own tracker but not in the portal export (recommendations.csv)",
        file,
    )
    found += _row_warnings(
        tracker["internal_status_date"] > cutoff,
        tracker,
        text,
        "internal_status_date",
        f"internal_status_date after as_of ({as_of})",
        file,
    )
    return sorted(found, key=lambda f: f.row or 0)


# --- the check report -------------------------------------------------------------------------
def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _block(name: str, snapshot: Snapshot | None, findings: list[Finding]) -> list[str]:
    errors = sum(f.severity == "error" for f in findings)
    warnings = len(findings) - errors
    if errors or snapshot is None:
        head = f"{name}  {_plural(errors, 'error')}, {_plural(warnings, 'warning')}"
    else:
        head = (
            f"{name}  OK  ({_plural(len(snapshot.recommendations), 'recommendation')}, "
            f"{_plural(len(snapshot.actions), 'action')}, {_plural(warnings, 'warning')})"
        )
    return [head] + [f"    {f}" for f in findings]


def check_report(data_dir: Path, quarters: list[Quarter] | None = None) -> tuple[str, bool]:
    """Text of the check report for ``quarters`` (None: every snapshot) and whether any error."""
    data_dir = Path(data_dir)
    settings = load_settings(data_dir)
    lines: list[str] = []
    checked = failed = 0
    if quarters is None:
        folders = _folder_entries(data_dir)
        if not folders:
            return "snapshots: no snapshot folders found (expected e.g. 2019-20-Q1)", True
        targets: list[tuple[str, Quarter | None, Finding | None]] = []
        for folder in folders:
            problem = _folder_finding(data_dir, folder)
            quarter = None if problem else Quarter.parse(folder.name)
            targets.append((folder.name, quarter, problem))
    else:
        targets = [(q.id, q, None) for q in sorted(quarters)]
    for name, quarter, problem in targets:
        checked += 1
        if quarter is None:
            assert problem is not None
            snapshot, findings = None, [problem]
        else:
            snapshot, findings = check_snapshot(data_dir, quarter, settings)
        failed += snapshot is None
        lines.extend(_block(name, snapshot, findings))
    lines.append(
        f"Checked {_plural(checked, 'snapshot')}: {checked - failed} OK, {failed} with errors."
    )
    return "\n".join(lines), failed > 0
