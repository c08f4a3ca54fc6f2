"""Reading a quarter's snapshot folder exactly as the data contract says.

(Interface fixed here; the implementation is being written. Signatures and the frame layout
below are the contract between the loader and the analysis modules.)

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

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from analysis.findings import Finding
from analysis.quarters import Quarter
from analysis.settings import Settings


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


def snapshot_folder(data_dir: Path, quarter: Quarter) -> Path:
    return Path(data_dir) / "snapshots" / quarter.id


def list_quarters(data_dir: Path) -> list[Quarter]:
    """Quarters with a snapshot folder, oldest first.  Raises SnapshotError for a folder whose
    name is not a canonical quarter id."""
    raise NotImplementedError


def latest_quarter(data_dir: Path) -> Quarter:
    raise NotImplementedError


def check_snapshot(
    data_dir: Path, quarter: Quarter, settings: Settings | None = None
) -> tuple[Snapshot | None, list[Finding]]:
    """Read and validate one snapshot; every error and warning is collected, none raised."""
    raise NotImplementedError


def load_snapshot(data_dir: Path, quarter: Quarter, settings: Settings | None = None) -> Snapshot:
    """A validated snapshot, or SnapshotError listing every error."""
    raise NotImplementedError


def load_history(
    data_dir: Path, up_to: Quarter, settings: Settings | None = None
) -> list[Snapshot]:
    """Every snapshot up to and including ``up_to``, oldest first."""
    raise NotImplementedError


def check_report(data_dir: Path, quarters: list[Quarter] | None = None) -> tuple[str, bool]:
    """Text of the check report for ``quarters`` (None: every snapshot) and whether any error."""
    raise NotImplementedError
