"""A disk cache of validated snapshots, so a national tracker is read once, not on every run.

Reading and validating a 100,000-row workbook takes seconds, and the trends read every snapshot
since records began: forty quarters of national data would take minutes on each run although
past snapshots never change.  So each validated snapshot is stored once (its frames, findings
and snapshot.yml details) together with the small things later runs need from it (the trend
row, the revised deadlines that count as extensions), and reused while nothing that could change
it has changed.

An entry is only trusted when its key matches, and the key covers everything the result depends
on: the SHA-256 of every file in the snapshot folder (content, not modification time, so a file
copied back over another with its old timestamp still misses), the folder's file names, the
quarter, the settings in use, the source of the modules that read and judge the data, and the
versions of the libraries they call.  Change any of them and the entry is simply not found.
Entries are pickles written to a temporary file and renamed into place, so a reader sees a whole
entry or none; an entry that cannot be read back, or holds another key, is ignored and rewritten.
Pickle is safe here only because the folder is the user's own cache: nothing else writes it.

Where (first that applies):

* ``PANELPAPER_NO_CACHE=1`` switches the cache off: every snapshot is read from its files.  A
  published quarter's verification uses this to show its figures come from the raw inputs.
* ``PANELPAPER_CACHE_DIR``: the folder to use.
* otherwise the user's cache folder (``$XDG_CACHE_HOME/panelpaper``, ``~/.cache/panelpaper``;
  ``~/Library/Caches/panelpaper`` on macOS, ``%LOCALAPPDATA%\\panelpaper\\Cache`` on Windows).

The cache never lives inside a data folder, so it can neither be taken for a quarter folder nor
appear among a publication's hashed inputs.  It is pruned to ``PANELPAPER_CACHE_MAX_MB``
(default 2048) megabytes, least recently used first.  A cache that cannot be written (read-only
home, full disk) only costs time: every failure here falls back to reading the files.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import pickle
import re
import sys
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextvars import ContextVar
from functools import cache
from importlib import metadata
from pathlib import Path
from typing import Any

from analysis.paths import PACKAGE

ENV_DIR = "PANELPAPER_CACHE_DIR"
ENV_OFF = "PANELPAPER_NO_CACHE"
ENV_MAX_MB = "PANELPAPER_CACHE_MAX_MB"
DEFAULT_MAX_MB = 2048

FORMAT = 1
"""Bump when the layout of an entry changes."""

LOADER_MODULES = ("inputs.snapshots",)
"""The loader's entry module: it and every analysis module it imports, directly or not, decide
what a snapshot loads as (see :func:`modules_imported_by`)."""
TREND_MODULES = ("figures.trends",)
"""Likewise for a trend row."""
LIBRARIES = ("pandas", "numpy", "pandera", "python-calamine", "pyyaml")

KINDS = ("head", "frames", "revisions", "trend", "figures")
"""head: findings and snapshot.yml details; frames: the two tables; revisions: the action ids
with a revised deadline; trend: one quarter's row of the trends table; figures: a quarter's
whole figures record."""

Key = str

PRUNE_EVERY = 64
"""Stores between size checks: listing a large cache on every write would cost more than it
saves.  The first store of a process always checks."""
_stored = 0


# --- switches and places -----------------------------------------------------------------------
_OFF_HERE: ContextVar[bool] = ContextVar("panelpaper_cache_off", default=False)
"""Set by :func:`disabled`: off for this thread or task only, whatever the environment says."""


def enabled() -> bool:
    """False inside :func:`disabled`, or when ``PANELPAPER_NO_CACHE`` is set to anything but
    empty, 0, false or no."""
    if _OFF_HERE.get():
        return False
    value = os.environ.get(ENV_OFF, "").strip().lower()
    return value in ("", "0", "false", "no")


@contextlib.contextmanager
def disabled() -> Iterator[None]:
    """The cache off for the code run in this context (``panelpaper verify`` recomputing
    figures), without changing ``os.environ`` under threads that may be reading it."""
    token = _OFF_HERE.set(True)
    try:
        yield
    finally:
        _OFF_HERE.reset(token)


def cache_dir() -> Path:
    """The folder entries live in (not created until something is written)."""
    chosen = os.environ.get(ENV_DIR, "").strip()
    if chosen:
        return Path(chosen).expanduser()
    if sys.platform == "win32":
        base = os.environ.get("LOCALAPPDATA") or str(Path.home() / "AppData" / "Local")
        return Path(base) / "panelpaper" / "Cache"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Caches" / "panelpaper"
    base = os.environ.get("XDG_CACHE_HOME", "").strip()
    return (Path(base) if base else Path.home() / ".cache") / "panelpaper"


def _max_bytes() -> int:
    try:
        return int(float(os.environ.get(ENV_MAX_MB, DEFAULT_MAX_MB)) * 1024 * 1024)
    except ValueError:
        return DEFAULT_MAX_MB * 1024 * 1024


# --- keys --------------------------------------------------------------------------------------
_ANALYSIS_IMPORT = re.compile(
    r"^[ \t]*(?:from[ \t]+analysis(?:\.(?P<sub>[\w.]+))?[ \t]+import[ \t]+"
    r"(?P<names>\([^)]*\)|[^\n#]+)|import[ \t]+(?P<plain>[^\n#]+))",
    re.MULTILINE,
)


@cache
def modules_imported_by(roots: tuple[str, ...]) -> tuple[str, ...]:
    """The analysis modules ``roots`` import, directly or through each other, as dotted names
    under the package (``inputs.snapshots``), found by reading their source, so a helper module
    added to the loader later, or a module moved to another sub-package, is covered without a
    list here to keep up to date.  This module is always included.

    Import lines are found with a regular expression rather than by parsing: this runs in every
    process that touches the cache, each notebook kernel included, and a parse of the package
    costs a tenth of a second.  A line that only looks like an import (in a docstring, say) can
    add a module, which at worst retires entries more often; a real import is never missed,
    since every form Python accepts at the start of a line is matched, indented ones too."""
    found: set[str] = set()
    todo = [*roots, "cache"]
    while todo:
        name = todo.pop()
        path = module_file(name)
        if name in found or path is None:
            continue
        found.add(name)
        source = path.read_text(encoding="utf-8")
        for match in _ANALYSIS_IMPORT.finditer(source):
            if match["plain"] is not None:
                modules = (m.strip().split(" ")[0] for m in match["plain"].split(","))
                todo.extend(m.split(".", 1)[1] for m in modules if m.startswith("analysis."))
                continue
            names = [n.strip().split(" ")[0] for n in match["names"].strip("() \t\n").split(",")]
            prefix = f"{match['sub']}." if match["sub"] else ""
            if match["sub"]:
                todo.append(match["sub"])  # a module, or a sub-package's __init__
            todo.extend(f"{prefix}{n}" for n in names if n)
    return tuple(sorted(found))


def module_file(name: str) -> Path | None:
    """The source of the analysis module ``name`` (dotted, below the package), or None for a
    name that is not a module of the package (a function imported from one, say)."""
    base = PACKAGE.joinpath(*name.split("."))
    for path in (base.with_suffix(".py"), base / "__init__.py"):
        if path.is_file():
            return path
    return None


@cache
def code_version(roots: tuple[str, ...]) -> str:
    """A hash of the source of the analysis modules ``roots`` rely on and of the libraries'
    versions: new code or a new pandas may read the same file differently, so either retires
    every entry."""
    digest = hashlib.sha256(f"format {FORMAT} python {sys.version}".encode())
    for name in modules_imported_by(roots):
        digest.update(name.encode() + b"\0" + module_file(name).read_bytes())
    for library in LIBRARIES:
        try:
            version = metadata.version(library)
        except metadata.PackageNotFoundError:
            version = "absent"
        digest.update(f"{library} {version}\0".encode())
    return digest.hexdigest()


@cache
def package_version() -> str:
    """A hash of every module and rules file of the package and the libraries' versions: what
    a whole figures record may depend on."""
    files = sorted(PACKAGE.rglob("*.py")) + sorted(p for p in (PACKAGE / "rules").rglob("*"))
    digest = hashlib.sha256(code_version(LOADER_MODULES).encode())
    for path in files:
        if path.is_file():
            digest.update(path.relative_to(PACKAGE).as_posix().encode() + b"\0")
            digest.update(path.read_bytes())
    for library in ("jsonschema",):
        try:
            digest.update(f"{library} {metadata.version(library)}\0".encode())
        except metadata.PackageNotFoundError:
            digest.update(f"{library} absent\0".encode())
    return digest.hexdigest()


def file_digest(path: Path) -> str:
    with Path(path).open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def snapshot_key(folder: Path, settings: object) -> Key | None:
    """The key of a snapshot folder's loaded result; None when the folder cannot be read.

    Every entry of the folder counts, by name (the loader's answer depends on which files are
    present: an ``audit_actions.csv`` beside the workbook is an error) and, for files, by
    content.  ``settings`` counts by its repr, which names every rule it holds.
    """
    try:
        entries = []
        for path in sorted(Path(folder).iterdir()):
            entries.append([path.name, file_digest(path) if path.is_file() else "folder"])
    except OSError:
        return None
    return _hash(["snapshot", code_version(LOADER_MODULES), repr(settings), folder.name, entries])


def source_key(snapshot: object) -> Key | None:
    """The key of the files a snapshot was loaded from; None for a snapshot built or changed
    in code (``dataclasses.replace`` drops it), whose derived figures are never cached."""
    return getattr(snapshot, "_source_key", None)


def derived_key(
    kind: str, snapshots: Sequence[object | None], settings: object, modules: tuple[str, ...]
) -> Key | None:
    """The key of something computed from ``snapshots`` (None entries stand for "no
    snapshot", as for the first quarter's previous one) by the code in ``modules``; None
    when any snapshot given has no source key."""
    keys = [None if s is None else source_key(s) for s in snapshots]
    if any(k is None for k, s in zip(keys, snapshots, strict=True) if s is not None):
        return None
    return _hash([kind, code_version(modules), repr(settings), keys])


def figures_key(snapshots: Sequence[object], settings: object) -> Key | None:
    """The key of a quarter's figures record: every snapshot it draws on, the settings with
    the content of their delay-reason and theme rules, and all of the package's code and rules."""
    rules = getattr(settings, "delay_rules_path", None)
    themes = getattr(settings, "theme_rules_path", None)
    try:
        rules_digest = None if rules is None else file_digest(rules)
        if themes is not None:
            rules_digest = [rules_digest, file_digest(themes)]
    except OSError:
        return None
    base = derived_key("figures", snapshots, settings, LOADER_MODULES)
    return None if base is None else _hash([base, rules_digest, package_version()])


def _hash(parts: list[Any]) -> Key:
    return hashlib.sha256(json.dumps(parts, default=str).encode()).hexdigest()


# --- entries -----------------------------------------------------------------------------------
def _path(kind: str, key: Key) -> Path:
    if kind not in KINDS:
        raise ValueError(f"unknown cache kind {kind!r}")
    return cache_dir() / kind / f"{key}.pkl"


def load(kind: str, key: Key | None) -> Any | None:
    """The payload stored under ``key``, or None: cache off, no entry, an unreadable entry or
    one written for another key (a renamed or truncated file is never trusted)."""
    if key is None or not enabled():
        return None
    path = _path(kind, key)
    try:
        with path.open("rb") as handle:
            stored = pickle.load(handle)
    except FileNotFoundError:
        return None
    except Exception:  # a torn or foreign file: any unpickling error means "not cached"
        return None
    if not (isinstance(stored, tuple) and len(stored) == 4 and stored[:3] == (FORMAT, kind, key)):
        return None
    with contextlib.suppress(OSError):
        os.utime(path)  # recently used: pruned last
    return stored[3]


def store(kind: str, key: Key | None, payload: Any) -> bool:
    """Write an entry atomically (temporary file, then rename); False when it could not be."""
    if key is None or not enabled():
        return False
    path = _path(kind, key)
    temporary = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(
            "wb", dir=path.parent, prefix=f".{key[:16]}-", suffix=".tmp", delete=False
        ) as handle:
            temporary = Path(handle.name)
            pickle.dump((FORMAT, kind, key, payload), handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temporary, path)
        temporary = None
    except (OSError, pickle.PicklingError):
        return False
    finally:
        if temporary is not None:
            temporary.unlink(missing_ok=True)
    global _stored
    _stored += 1
    if _stored % PRUNE_EVERY == 1:
        prune()
    return True


def remembered(kind: str, key: Key | None, compute: Callable[[], Any]) -> Any:
    """The cached payload for ``key``, computing and storing it on a miss."""
    found = load(kind, key)
    if found is not None:
        return found
    payload = compute()
    store(kind, key, payload)
    return payload


def _entries(root: Path) -> Iterable[os.DirEntry[str]]:
    for kind in KINDS:
        try:
            with os.scandir(root / kind) as found:
                yield from (e for e in found if e.is_file())
        except OSError:
            continue


def prune(max_bytes: int | None = None) -> None:
    """Delete the least recently used entries until the cache fits its size limit."""
    limit = _max_bytes() if max_bytes is None else max_bytes
    sized = []
    for entry in _entries(cache_dir()):
        try:
            stat = entry.stat()
        except OSError:
            continue
        sized.append((stat.st_mtime_ns, stat.st_size, entry.path))
    total = sum(size for _, size, _ in sized)
    for _, size, path in sorted(sized):
        if total <= limit:
            break
        try:
            os.unlink(path)
        except OSError:
            continue
        total -= size
