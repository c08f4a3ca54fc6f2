"""What a published quarter was made from and what it holds, as checkable hashes.

A quarter's publication is only trustworthy if someone can later tell exactly which inputs gave
it and whether its files are still the ones written.  ``manifest.json`` records both, split so
that the parts that decide reuse (``inputs``) are apart from the parts that describe a run but
would differ on an identical rerun (``volatile``: times, the git state, absolute paths).

This module imports nothing heavier than ``hashlib`` and the snapshot folders' rule
(:mod:`analysis.inputs.snapshot_cache`, which needs no pandas either): the unchanged-rerun
check reads and hashes files and must stay far quicker than starting a kernel.
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import subprocess
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

from analysis.inputs.snapshot_cache import folder_entries, named_quarters, snapshot_folder
from analysis.paths import PACKAGE, PROJECT_ROOT, RECORDED_SETTINGS_KEY
from analysis.publishing.render import registry as renderers
from analysis.quarters import Quarter

SCHEMA = 1
MANIFEST_FILE = "manifest.json"
HISTORY_DIR = "history"
SETTINGS_FILES = ("settings.yml", "delay_rules.yml", "theme_rules.yml")
RECORDED_SETTINGS = RECORDED_SETTINGS_KEY
"""The manifest's list of the rule files published in ``settings/`` (kept in step with
analysis.publishing.record.recorded_settings)."""
PAPER_SOURCES = ("_quarto.yml", "paper.qmd", "paper")
"""The Quarto project the paper is rendered from (kept in step with analysis.publishing.render.paper_sources)."""

# Versions recorded for every run; the renderer adds its own (quarto, pandoc, typst).
TOOLS = (
    "pandas",
    "numpy",
    "pandera",
    "papermill",
    "nbclient",
    "nbformat",
    "ipykernel",
    "jupyter_client",
    "seaborn",
    "matplotlib",
)

_CHUNK = 1 << 20


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _ignored(path: Path) -> bool:
    """Editor droppings and Office lock files are not inputs; treating them as such would make
    an analyst's open spreadsheet look like a change to the data."""
    name = path.name
    return (
        name.startswith((".", "~$"))
        or name.endswith((".pyc", ".pyo", "~"))
        or "__pycache__" in path.parts
        or ".ipynb_checkpoints" in path.parts
    )


def _files_under(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.rglob("*") if p.is_file() and not _ignored(p))


def _snapshot_quarters(data_dir: Path, up_to: Quarter) -> list[Quarter]:
    """Snapshot folders up to ``up_to``: the trend notebook reads every earlier quarter, so a
    correction to last year's tracker changes this quarter's paper.  A folder not named by a
    canonical quarter id is no snapshot and left out (the loader refuses it before any run)."""
    return [q for q in named_quarters(folder_entries(data_dir)) if q <= up_to]


def code_files(package_dir: Path | None = None) -> list[Path]:
    """Every file of the analysis package (code, rules, templates): any of them can change a
    figure or the paper."""
    package_dir = package_dir or PACKAGE
    return _files_under(package_dir)


def collect_inputs(
    data_dir: Path,
    quarter: Quarter,
    notebooks: Iterable[Path],
    *,
    package_dir: Path | None = None,
    extra_code: Iterable[Path] = (),
    paper_root: Path | None = PROJECT_ROOT,
) -> dict[str, str]:
    """SHA-256 of every file a run of ``quarter`` reads, keyed by a stable, location-free name.

    Keys: ``snapshots/<quarter-id>/<file>`` for this and every earlier snapshot,
    ``settings/<file>`` for the data folder's own settings, ``notebooks/<file>`` and
    ``code/<path in package>`` and ``paper/<path>`` for the Quarto sources under
    ``paper_root`` (None leaves them out).  Absolute paths are left out so that moving the project does
    not count as a change.
    """
    data_dir = Path(data_dir)
    hashes: dict[str, str] = {}
    for q in _snapshot_quarters(data_dir, quarter):
        folder = snapshot_folder(data_dir, q)
        for path in _files_under(folder):
            hashes[f"snapshots/{q.id}/{path.relative_to(folder).as_posix()}"] = sha256_file(path)
    for name in SETTINGS_FILES:
        path = data_dir / name
        if path.is_file():
            hashes[f"settings/{name}"] = sha256_file(path)
    for path in notebooks:
        hashes[f"notebooks/{Path(path).name}"] = sha256_file(Path(path))
    for path in extra_code:
        hashes[f"notebooks/{Path(path).name}"] = sha256_file(Path(path))
    package_dir = (package_dir or PACKAGE).resolve()
    for path in code_files(package_dir):
        hashes[f"code/{package_dir.name}/{path.relative_to(package_dir).as_posix()}"] = sha256_file(
            path
        )
    if paper_root is not None:
        for name in PAPER_SOURCES:
            source = Path(paper_root) / name
            paths = _files_under(source) if source.is_dir() else [source] * source.is_file()
            for path in paths:
                key = path.relative_to(paper_root).as_posix()
                hashes[f"paper/{key}"] = sha256_file(path)
    return hashes


def combined_hash(hashes: dict[str, str]) -> str:
    """One hash over a name -> hash mapping, independent of insertion order."""
    digest = hashlib.sha256()
    for key in sorted(hashes):
        digest.update(f"{key}\0{hashes[key]}\n".encode())
    return digest.hexdigest()


def output_hashes(folder: Path) -> dict[str, str]:
    """Hashes of every published file except the manifest itself and earlier publications."""
    folder = Path(folder)
    result = {}
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        rel = path.relative_to(folder)
        if rel.as_posix() == MANIFEST_FILE or rel.parts[0] == HISTORY_DIR:
            continue
        result[rel.as_posix()] = sha256_file(path)
    return result


@dataclass
class Changes:
    """How one set of input hashes differs from another, by file name."""

    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    other: list[str] = field(default_factory=list)
    """Differences that are not files: parameters, the renderer asked for, the schema."""

    def __bool__(self) -> bool:
        return bool(self.added or self.removed or self.changed or self.other)

    def lines(self) -> list[str]:
        return (
            [f"changed: {name}" for name in self.changed]
            + [f"added:   {name}" for name in self.added]
            + [f"removed: {name}" for name in self.removed]
            + list(self.other)
        )


def diff_hashes(old: dict[str, str], new: dict[str, str]) -> Changes:
    return Changes(
        added=sorted(set(new) - set(old)),
        removed=sorted(set(old) - set(new)),
        changed=sorted(k for k in set(old) & set(new) if old[k] != new[k]),
    )


def compare_inputs(
    manifest: dict, files: dict[str, str], parameters: dict[str, str], renderer: str
) -> Changes:
    """What differs between a published manifest and the inputs of a run about to start.

    The renderer counts only when asked for by name: ``auto`` accepts whichever renderer the
    publication was made with, so installing Quarto later does not force a rebuild.
    """
    if manifest.get("schema") != SCHEMA:
        return Changes(other=[f"manifest schema {manifest.get('schema')!r}, now {SCHEMA}"])
    inputs = manifest.get("inputs", {})
    changes = diff_hashes(inputs.get("files", {}), files)
    old_params = inputs.get("parameters", {})
    for key in sorted(set(old_params) | set(parameters)):
        if old_params.get(key) != parameters.get(key):
            changes.other.append(
                f"parameter {key}: {old_params.get(key)!r} -> {parameters.get(key)!r}"
            )
    published_with = manifest.get("renderer", {}).get("name")
    if renderer != renderers.AUTO and renderer != published_with:
        changes.other.append(f"renderer: {published_with!r} -> {renderer!r}")
    return changes


def read_manifest(folder: Path) -> dict | None:
    """The manifest of a published quarter, or None when there is none or it is unreadable (a
    folder without a readable manifest is treated as changed, never as reusable)."""
    path = Path(folder) / MANIFEST_FILE
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def write_manifest(folder: Path, manifest: dict) -> Path:
    path = Path(folder) / MANIFEST_FILE
    path.write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return path


def verify_outputs(folder: Path, manifest: dict | None = None) -> Changes:
    """Published files that no longer match their manifest (empty when all is well)."""
    manifest = manifest if manifest is not None else read_manifest(folder) or {}
    return diff_hashes(manifest.get("outputs", {}), output_hashes(folder))


def package_version() -> str | None:
    try:
        return metadata.version("panelpaper")
    except metadata.PackageNotFoundError:
        return None


def tool_versions(extra: dict[str, str] | None = None) -> dict[str, str | None]:
    """Versions from package metadata, without importing the packages themselves."""
    versions: dict[str, str | None] = {"python": platform.python_version()}
    for name in TOOLS:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    versions.update(extra or {})
    return versions


def git_state(repo: Path) -> dict[str, object]:
    """Commit and dirty flag of ``repo``; None for both outside a git work tree or without git.

    ``--no-optional-locks`` keeps ``git status`` from rewriting the index, so a run never
    contends with someone committing at the same moment.
    """
    env = {**os.environ, "GIT_OPTIONAL_LOCKS": "0"}
    try:
        commit = subprocess.run(
            ["git", "-C", str(repo), "rev-parse", "HEAD"],
            capture_output=True,
            text=True,
            timeout=10,
            env=env,
            check=True,
        ).stdout.strip()
        status = subprocess.run(
            ["git", "--no-optional-locks", "-C", str(repo), "status", "--porcelain"],
            capture_output=True,
            text=True,
            timeout=10,
            env=env,
            check=True,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return {"commit": None, "dirty": None}
    return {"commit": commit or None, "dirty": bool(status.strip())}


def build_manifest(
    *,
    quarter: Quarter,
    files: dict[str, str],
    parameters: dict[str, str],
    notebooks: list[str],
    renderer: str,
    renderer_versions: dict[str, str],
    outputs: dict[str, str],
    volatile: dict[str, object],
    column_map: dict[str, dict[str, str]] | None = None,
    settings_recorded: list[str] | None = None,
) -> dict:
    """The manifest document.  Everything a rerun with the same inputs would reproduce sits
    outside ``volatile``; the executed notebooks' own hashes do change between runs (they carry
    execution times), which is why reuse is decided on ``inputs`` alone.

    ``settings_recorded`` names the rule files published with the quarter under ``settings/``
    (:mod:`analysis.publishing.record.recorded_settings`); None (a caller that records none) leaves
    the key out, as in records made before rules were recorded."""
    document = {
        "schema": SCHEMA,
        "quarter": quarter.id,
        "inputs": {
            "files": dict(sorted(files.items())),
            "combined_sha256": combined_hash(files),
            "parameters": parameters,
            # The export headers renamed on reading (settings.yml ``columns:``), only when a map
            # is in force.  The settings file's hash above tells a later run that today's map
            # is not the quarter's (the quarter keeps its own copy under settings/).
            **({"columns": column_map} if column_map else {}),
        },
        "notebooks": notebooks,
        "renderer": {"name": renderer, "versions": renderer_versions},
        "environment": {
            "package_version": package_version(),
            "tools": tool_versions(),
        },
        "outputs": dict(sorted(outputs.items())),
        "volatile": volatile,
    }
    if settings_recorded is not None:
        document[RECORDED_SETTINGS] = list(settings_recorded)
    return document
