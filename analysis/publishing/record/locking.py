"""One run per quarter at a time, per reports folder.

The lock files live in the system's temporary folder, keyed by the resolved path of the reports
folder and the quarter, not under ``reports/``: a run that stops at validation or fails must
leave ``reports/`` exactly as it found it, and a lock file is still a file.  Two runs that name
the same reports folder by different paths resolve to the same key; two machines sharing a
network folder are not covered (file locks over network file systems are unreliable anyway),
and the atomic rename at publish time still refuses to overwrite a publication.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import socket
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from analysis.quarters import Quarter

DEFAULT_TIMEOUT = 30 * 60.0


class LockTimeout(RuntimeError):
    """Another run of the same quarter held the lock for longer than we were willing to wait."""


def lock_dir() -> Path:
    folder = Path(tempfile.gettempdir()) / "panelpaper-locks"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def lock_path(reports_dir: Path, quarter: Quarter) -> Path:
    key = hashlib.sha256(str(Path(reports_dir).resolve()).encode()).hexdigest()[:16]
    return lock_dir() / f"{key}-{quarter.id}.lock"


def _holder_path(path: Path) -> Path:
    return path.with_suffix(".holder")


def describe_holder(path: Path) -> str:
    """Who holds the lock, as far as its holder wrote it down."""
    try:
        info = json.loads(_holder_path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return "another run (holder unknown)"
    return (
        f"pid {info.get('pid')} on {info.get('host')}, running since {info.get('since')}"
        f" ({info.get('reports_dir')})"
    )


@contextmanager
def quarter_lock(
    reports_dir: Path,
    quarter: Quarter,
    *,
    timeout: float = DEFAULT_TIMEOUT,
    progress: Callable[[str], None] = print,
) -> Iterator[Path]:
    """Hold the quarter's lock for the block; wait for it (saying so) if another run has it."""
    from filelock import FileLock, Timeout  # measured: 30-80 ms, most commands take no lock

    path = lock_path(reports_dir, quarter)
    lock = FileLock(str(path))
    try:
        lock.acquire(timeout=0)
    except Timeout:
        progress(f"  waiting for {quarter.id}: locked by {describe_holder(path)}")
        try:
            lock.acquire(timeout=timeout)
        except Timeout as exc:
            raise LockTimeout(
                f"{quarter.id} is still locked after {timeout:.0f} s by {describe_holder(path)};"
                f" lock file {path}"
            ) from exc
    try:
        _holder_path(path).write_text(
            json.dumps(
                {
                    "pid": os.getpid(),
                    "host": socket.gethostname(),
                    "since": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                    "reports_dir": str(Path(reports_dir).resolve()),
                }
            ),
            encoding="utf-8",
        )
        yield path
    finally:
        with suppress(OSError):
            _holder_path(path).unlink()
        lock.release()
