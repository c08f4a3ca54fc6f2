"""A snapshot's disk-cache key, and the findings the cache already holds for it.

A run must know that a snapshot is valid before it starts any kernel.  Reading and checking
the files takes pandas, and importing pandas alone took 0.3 s of the run's critical path, by
which the kernels started later.  A snapshot validated before, by the same loader code and
settings, from the same files, has its findings stored (with no frame in them: plain tuples)
under this key by :func:`analysis.inputs.snapshots.check_snapshot`; :func:`cached_findings`
reads them back without importing pandas or numpy, so the kernels start as soon as they may.

The key itself is built here for the same reason, and :mod:`analysis.inputs.snapshots` uses
this one definition.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path

from analysis.engine import cache
from analysis.inputs.findings import Finding
from analysis.inputs.settings import Settings, load_settings
from analysis.quarters import Quarter, QuarterError

MAX_XLSX_MB_VARIABLE = "PANELPAPER_MAX_XLSX_MB"
"""The workbook size limit's variable (:func:`analysis.inputs.workbooks.max_xlsx_mb`)."""


def reading_environment() -> dict[str, str]:
    """The environment variables reading obeys, as set now.  A cached read is only valid under
    the same values, so they are part of its key: a workbook read under a generous size limit
    must still be refused once the limit is lowered."""
    return {MAX_XLSX_MB_VARIABLE: os.environ.get(MAX_XLSX_MB_VARIABLE, "").strip()}


SNAPSHOTS = "snapshots"
"""The data folder's sub-folder that holds one folder per quarter, named by its canonical id."""


def snapshots_dir(data_dir: Path) -> Path:
    """``<data_dir>/snapshots``: the one place the folder's name is joined to a data folder."""
    return Path(data_dir) / SNAPSHOTS


def snapshot_folder(data_dir: Path, quarter: Quarter) -> Path:
    return snapshots_dir(data_dir) / quarter.id


def folder_entries(data_dir: Path) -> list[Path]:
    """The folders under ``snapshots/``, hidden ones left out: the candidates for snapshots."""
    root = snapshots_dir(data_dir)
    if not root.is_dir():
        return []
    return sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith("."))


def folder_problem(name: str) -> str | None:
    """Why a folder name is not a canonical quarter id (None when it is one).

    The one statement of the rule that names a quarter's folder, for the snapshots and for the
    publications of the reports folder alike (:func:`named_quarters`)."""
    try:
        quarter = Quarter.parse(name)
    except QuarterError:
        return "folder name is not a quarter id such as 2019-20-Q1"
    if quarter.id != name:
        return f"folder name is not in the canonical form; rename it to {quarter.id}"
    return None


def folder_quarter(folder: Path) -> Quarter | None:
    """The quarter a folder is named for; None unless its name is a canonical quarter id."""
    return None if folder_problem(folder.name) else Quarter.parse(folder.name)


def named_quarters(folders: Iterable[Path]) -> list[Quarter]:
    """The quarters of the folders named by a canonical quarter id, oldest first; any other
    folder (a scratch folder, ``Q1 19-20``, ``.staging``) is left out, not an error."""
    return sorted(q for q in map(folder_quarter, folders) if q is not None)


def snapshot_quarters(data_dir: Path) -> list[Quarter] | None:
    """The quarters of the snapshot folders, oldest first; None when a folder's name is not a
    canonical quarter id (the loader's :func:`analysis.inputs.snapshots.list_quarters` then
    says so properly)."""
    folders = folder_entries(data_dir)
    if any(folder_problem(folder.name) for folder in folders):
        return None
    return named_quarters(folders)


def source_key(folder: Path, settings: Settings) -> cache.Key | None:
    """The disk-cache key of a snapshot folder's loaded result; None when the cache is off or
    the folder cannot be read.

    It names everything the result depends on besides the package's code (which
    :func:`analysis.engine.cache.key` adds): every entry of the folder by name (which files are present
    matters: an ``audit_actions.csv`` beside the workbook is an error) and, for files, by
    content; the quarter (the folder's name); the settings (every rule, by content, not by
    where they were read from: :func:`analysis.engine.cache.settings_part`; the delay and theme rules
    are left out, since the loader never reads them); and the environment
    variables the readers obey (:func:`reading_environment`), since a workbook under one
    size limit is an error under a smaller one.
    """
    if not cache.enabled():
        return None
    entries = cache.folder_digest(folder)
    if entries is None:
        return None
    return cache.key(
        "snapshot",
        cache.settings_part(replace(settings, delay_rules_path=None, theme_rules_path=None)),
        folder.name,
        entries,
        reading_environment(),
    )


def cached_findings(
    data_dir: Path, quarter: Quarter, settings: Settings | None = None
) -> list[Finding] | None:
    """Every error and warning of the snapshot as validated before, or None when the cache
    holds no result for exactly these files, settings and code (the caller then reads the
    files)."""
    folder = snapshot_folder(data_dir, quarter)
    if not folder.is_dir():
        return None
    settings = load_settings(data_dir) if settings is None else settings
    head = cache.load("head", source_key(folder, settings))
    if head is None:
        return None
    return [Finding(*finding) for finding in head["findings"]]
