"""The settings a quarter was published under: recorded with it, and found again.

The panel's rules (``settings.yml``, and a data folder's own ``delay_rules.yml`` and
``theme_rules.yml``, see :mod:`analysis.inputs.settings`) are the panel's choice and change
going forward: a new attention rule, a column map for next quarter's renamed header.  A
published paper was made under the rules of its day, so those rules belong to the quarter the
way its data does (the Duck Book: record the configuration used for each publication).

- **Recorded.**  At publish, each rule file the run read from the data folder is copied into
  the publication, ``reports/<quarter>/settings/<file>``, and hashed among the publication's
  outputs like every published file; the manifest lists the names under
  :data:`MANIFEST_KEY` (possibly none: a data folder without its own rules runs under the
  contract's), and keeps the data folder's settings among its input hashes as before.
- **Found.**  "The settings for quarter Q" (:func:`settings_folder`) are the recorded copies
  when Q is published in the reports folder, otherwise the data folder's settings in force.  A
  data folder is what every reader takes (``load_settings(data_dir)``, the notebooks'
  ``data_dir`` parameter), so the recorded rules are given as one: a small folder whose
  ``snapshots`` is a symbolic link to the real snapshots and whose rule files are the recorded
  copies (:func:`overlay`).  Every figure of the quarter, its trends over earlier snapshots
  included, is then computed under one rule set.

A record made before rules were recorded has no :data:`MANIFEST_KEY`; it can be checked only
while the data folder's settings still hash as the manifest says (:func:`predates_record`).

Only ``hashlib``, ``shutil`` and (for :func:`differences`) ``yaml`` are imported: ``run``
decides reuse with this module before anything heavy is loaded.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from analysis.inputs.snapshot_cache import snapshots_dir
from analysis.paths import RECORDED_SETTINGS_DIR
from analysis.publishing.record.manifest import RECORDED_SETTINGS, SETTINGS_FILES, read_manifest
from analysis.quarters import Quarter

RULE_FILES = SETTINGS_FILES
"""The rule files a data folder may hold (the names :mod:`analysis.inputs.settings` reads)."""
RECORD_DIR = RECORDED_SETTINGS_DIR
"""Where a publication keeps its rule files: ``reports/<quarter>/settings/``."""
MANIFEST_KEY = RECORDED_SETTINGS
"""The manifest's list of the rule files recorded in :data:`RECORD_DIR`."""
INPUT_PREFIX = "settings/"
"""How the manifest's input hashes name the data folder's rule files."""
MAX_KEYS = 6
"""Setting names listed in one line before "and N more"."""


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def rule_files(data_dir: Path) -> dict[str, Path]:
    """The rule files the data folder holds, by name, in :data:`RULE_FILES` order."""
    return {name: Path(data_dir) / name for name in RULE_FILES if (Path(data_dir) / name).is_file()}


def record_settings(data_dir: Path, staging: Path, expected: dict[str, str]) -> list[str]:
    """Copy the data folder's rule files into ``staging/settings/`` and return their names.

    ``expected`` is the run's input hashes (``settings/<file>`` -> SHA-256, taken when the run
    decided to build): a rule file edited while the quarter was being built would leave the
    record naming rules the paper was not made under, so that is an error."""
    target = Path(staging) / RECORD_DIR
    names = []
    for name, path in rule_files(data_dir).items():
        target.mkdir(exist_ok=True)
        shutil.copyfile(path, target / name)
        names.append(name)
    now = {f"{INPUT_PREFIX}{n}": _sha256(target / n) for n in names}
    before = {k: v for k, v in expected.items() if k.startswith(INPUT_PREFIX)}
    if now != before:
        changed = sorted(k for k in set(now) | set(before) if now.get(k) != before.get(k))
        raise RuntimeError(
            f"the settings changed while the quarter was being built ({', '.join(changed)}); "
            "run again"
        )
    return names


def is_recorded(manifest: dict | None) -> bool:
    """Whether a publication recorded its rule files (every publication made since they were)."""
    return isinstance(manifest, dict) and isinstance(manifest.get(MANIFEST_KEY), list)


def recorded_files(folder: Path, manifest: dict) -> dict[str, Path]:
    """The recorded rule files of a publication, by name.  A listed file that is missing is
    left out (read as the contract's defaults); verify's check of the published files against
    their hashes names it."""
    paths = {name: Path(folder) / RECORD_DIR / name for name in manifest.get(MANIFEST_KEY, [])}
    return {name: path for name, path in paths.items() if path.is_file()}


def input_hashes(manifest: dict) -> dict[str, str]:
    """The data folder's rule files as the manifest hashed them when the quarter was run."""
    files = manifest.get("inputs", {}).get("files", {})
    return {k: v for k, v in files.items() if k.startswith(INPUT_PREFIX)}


def predates_record(manifest: dict, data_dir: Path) -> str | None:
    """For a record made before rule files were recorded: None while today's rule files hash
    as its manifest says (it is checked against them), else why it cannot be checked."""
    if is_recorded(manifest):
        return None
    now = {f"{INPUT_PREFIX}{n}": _sha256(p) for n, p in rule_files(data_dir).items()}
    if now == input_hashes(manifest):
        return None
    quarter = manifest.get("quarter", "the quarter")
    return (
        f"this record predates recorded settings (reports/<quarter>/{RECORD_DIR}/) and "
        f"{Path(data_dir) / 'settings.yml'} has changed since it was published, so the rules "
        f"it was made under are unknown; to record them, restore the settings it was made "
        f"under and run `panelpaper run {quarter} --force` (the paper is republished, the old "
        "one kept under history/)"
    )


# --- the settings for a quarter ------------------------------------------------------------------
def overlay(data_dir: Path, rules: dict[str, Path], target: Path) -> Path:
    """A data folder at ``target`` with ``data_dir``'s snapshots and ``rules`` as its rule files.

    ``target/snapshots`` is a symbolic link to the real snapshots (a copy where links cannot be
    made), so the snapshot files read are exactly the data folder's."""
    target = Path(target)
    target.mkdir(parents=True, exist_ok=True)
    snapshots = snapshots_dir(Path(data_dir).resolve())
    try:
        os.symlink(snapshots, snapshots_dir(target), target_is_directory=True)
    except OSError:
        shutil.copytree(snapshots, snapshots_dir(target))
    for name, path in rules.items():
        shutil.copyfile(path, target / name)
    return target


@dataclass(frozen=True)
class QuarterSettings:
    """Where quarter Q's settings are read from, and why."""

    data_dir: Path
    """A data folder to read the quarter with: the real one, or an :func:`overlay`."""
    recorded: Path | None = None
    """The publication's settings folder, when the quarter's settings are its record."""

    def describe(self, quarter: Quarter) -> str:
        if self.recorded is None:
            return f"{quarter.id}: not published; using the settings in force"
        return f"{quarter.id} is published: using the settings recorded with it ({self.recorded})"


@contextlib.contextmanager
def settings_folder(
    data_dir: Path, reports_dir: Path, quarter: Quarter
) -> Iterator[QuarterSettings]:
    """The data folder to read ``quarter`` with: the recorded rules when the quarter is published
    in ``reports_dir`` with a record of them, otherwise ``data_dir`` itself (the settings in
    force).  An :func:`overlay` lives for the ``with`` block."""
    folder = Path(reports_dir) / quarter.id
    manifest = read_manifest(folder)
    if not is_recorded(manifest):
        yield QuarterSettings(Path(data_dir))
        return
    with tempfile.TemporaryDirectory(prefix="pp-settings-") as tmp:
        rules = recorded_files(folder, manifest)
        yield QuarterSettings(overlay(data_dir, rules, Path(tmp) / "data"), folder / RECORD_DIR)


# --- what differs from today's settings ---------------------------------------------------------
def _load(path: Path | None) -> Any:
    if path is None or not path.is_file():
        return None
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return _Unreadable()


class _Unreadable:
    """A rule file that is not YAML: it differs from anything."""

    def __eq__(self, other: object) -> bool:
        return False

    __hash__ = None  # type: ignore[assignment]


def _changed_keys(old: Any, new: Any, prefix: str = "", depth: int = 2) -> list[str]:
    """Dotted names of the settings that differ, down to ``depth`` levels (``attention``, then
    ``attention.long_overdue_days``)."""
    if old == new:
        return []
    if isinstance(old, dict) and isinstance(new, dict) and depth > 0:
        found = []
        for key in list(old) + [k for k in new if k not in old]:
            found += (
                _changed_keys(old.get(key), new.get(key), f"{prefix}{key}.", depth - 1)
                if key in old and key in new
                else [f"{prefix}{key}"]
            )
        return found
    return [prefix.removesuffix(".") or "(the whole file)"]


def differences(recorded: dict[str, Path], today: dict[str, Path]) -> list[str]:
    """What today's rule files change from the recorded ones, as short names: the settings
    keys that differ (``columns.recommendations``, ``attention.long_overdue_days``), or a whole
    rules file (``delay_rules.yml``) added, removed or edited; a settings file edited only in
    its comments or layout is named as such."""
    found: list[str] = []
    for name in RULE_FILES:
        old, new = recorded.get(name), today.get(name)
        if old is None and new is None:
            continue
        if old is not None and new is not None and _sha256(old) == _sha256(new):
            continue
        if name != "settings.yml":
            state = "added" if old is None else "removed" if new is None else "edited"
            found.append(f"{name} ({state})")
            continue
        keys = _changed_keys(_load(old) or {}, _load(new) or {})
        found += keys or ["settings.yml (comments or layout only)"]
    if len(found) > MAX_KEYS:
        found = [*found[:MAX_KEYS], f"and {len(found) - MAX_KEYS} more"]
    return found
