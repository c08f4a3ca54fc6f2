"""One quarter's validated inputs: the type every room after the loader works from.

Figures, presentation and follow-up all take a :class:`Snapshot`; only the loader
(:mod:`analysis.inputs.snapshots`) makes one from a folder.  It lives apart from the loader so
that a module which only reads snapshots (or a test that builds one by hand) depends on this
small type, not on the reading of CSVs and workbooks behind it.  The frames' columns are
described in the loader's docstring; their names are the contract's
(:mod:`analysis.inputs.vocabulary`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from analysis.inputs.findings import Finding
from analysis.quarters import Quarter

if TYPE_CHECKING:  # the type names pandas' frames, but holding one needs no import of pandas
    import pandas as pd


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
    source_key: str | None = field(default=None, init=False, compare=False, repr=False)
    """The disk-cache key of the files this snapshot was read from
    (:func:`analysis.inputs.snapshot_cache.source_key`), which keys whatever is computed from it
    (trend rows, figures); None when the cache is off or the snapshot was built or changed in
    code.  Not an ``__init__`` argument, so ``dataclasses.replace`` (a snapshot with other
    frames) resets it to None rather than carrying a key that no longer describes the frames."""
