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
quarter, the settings in use, the environment variables the readers obey (the workbook size
limit), the source of the modules that compute the entry wherever they live in the package
(:func:`modules_imported_by`), and the versions of the libraries they call.  There is one cache:
nothing is kept in memory between calls, so every hit is checked against the same key.  Change any of them and the entry is simply not found.
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
import dataclasses
import hashlib
import json
import os
import pickle
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

LIBRARIES = ("pandas", "numpy", "pandera", "python-calamine", "pyyaml", "jsonschema")

KINDS = ("head", "frames", "revisions", "trend", "figures", "fits")
"""head: findings and snapshot.yml details; frames: the two tables; revisions: the action ids
with a revised deadline; trend: one quarter's row of the trends table; figures: a quarter's
whole figures record; fits: that a YAML file's values fit their declared schema
(:func:`analysis.inputs.declared.first_problem`)."""

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


# --- keys ---------------------------------------------------------------------------------------
@cache
def source_version() -> str:
    """A hash of the package's own source (every module and every rules file, by path inside the
    package and content), of the Python version and of the libraries' versions, computed once
    per process.  New code or a new pandas may compute the same record differently, so either
    retires every entry.

    The whole package rather than the modules a record's computation imports: which modules
    those are cannot be told from the source without either following every import line
    (a scanner that lagged behind the code it was meant to track) or running the code, while
    hashing every file can miss nothing and costs about 2 ms for the files (measured: 103
    files, 0.8 MB) and 15-25 ms for asking the libraries' versions, once per process where
    the scanner asked once per computing module.  The price is that
    any edit of the package, even to a docstring, retires every entry, which costs one cold
    run after an edit.  Paths count relative to the package, so a kernel or another checkout
    of the same code computes the same key."""
    digest = hashlib.sha256(f"format {FORMAT} python {sys.version}".encode())
    for path in _source_files():
        digest.update(path.relative_to(PACKAGE).as_posix().encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    for library in LIBRARIES:
        try:
            version = metadata.version(library)
        except metadata.PackageNotFoundError:
            version = "absent"
        digest.update(f"{library} {version}\0".encode())
    return digest.hexdigest()


def _source_files() -> list[Path]:
    """Every ``*.py`` file of the package and every file under its ``rules/`` folder, in a fixed
    order (compiled files and caches are not source)."""
    modules = (p for p in PACKAGE.rglob("*.py") if "__pycache__" not in p.parts)
    rules = (p for p in (PACKAGE / "rules").rglob("*") if p.is_file())
    return sorted({*modules, *rules})


def file_digest(path: Path) -> str:
    with Path(path).open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def folder_digest(folder: Path) -> list[list[str]] | None:
    """Every entry of a folder by name and, for files, by content (SHA-256, not modification
    time: a file copied back over another with its old timestamp still differs); None when the
    folder cannot be read."""
    try:
        return [
            [path.name, file_digest(path) if path.is_file() else "folder"]
            for path in sorted(Path(folder).iterdir())
        ]
    except OSError:
        return None


def key(kind: str, *parts: Any) -> Key:
    """The key of a ``kind`` record computed from ``parts``, which must name every input of the
    record that is not the package's code (file digests, settings, the environment variables
    the computation reads); the code counts through :func:`source_version`."""
    return _hash([kind, source_version(), *parts])


def settings_part(settings: object) -> Any:
    """The settings as a part of a key: every field by value, except that a rules file counts by
    its content and where the settings were read from (``source``) not at all.

    A paper notebook's kernel reads the same settings as the run that started it, but through
    ``../data`` rather than ``data``; keyed by their repr, the two would name the same rules
    differently, and every kernel would validate every snapshot again instead of reading what
    the run had just stored.  Content is what decides a result, so content is the key."""
    if not dataclasses.is_dataclass(settings) or isinstance(settings, type):
        return repr(settings)
    parts = []
    for item in dataclasses.fields(settings):
        value = getattr(settings, item.name)
        if item.name == "source":
            continue
        if isinstance(value, Path):
            try:
                value = file_digest(value)
            except OSError:
                value = f"unreadable {value}"
        parts.append((item.name, repr(value)))
    return [type(settings).__name__, parts]


def derived_key(kind: str, sources: Sequence[Key | None], settings: object) -> Key | None:
    """The key of something computed from snapshots (given by their source keys, see
    :attr:`analysis.inputs.snapshot.Snapshot.source_key`) and ``settings`` (by
    :func:`settings_part`: every rule it holds, by content); None when a snapshot has no source key (built or changed in
    code), whose results are never cached."""
    if any(source is None for source in sources):
        return None
    return key(kind, settings_part(settings), list(sources))


def figures_key(sources: Sequence[Key | None], settings: object) -> Key | None:
    """The key of a quarter's figures record: every snapshot it draws on, the settings (with
    the content of their delay-reason and theme rules, see :func:`settings_part`), and the
    package's code and rules (as every key)."""
    return derived_key("figures", sources, settings)


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
