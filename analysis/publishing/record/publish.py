"""A staged quarter becomes ``reports/<quarter-id>/`` in one step, or not at all.

A quarter is built in ``reports/.staging/<quarter-id>-run-<random>/`` and published by renaming
that folder to ``reports/<quarter-id>/``: on one file system the rename is atomic, so a reader
sees the old publication or the new one, never half of either.  With ``--force`` the old
publication moves to ``reports/<quarter-id>/history/<UTC time>/``, earlier history kept.  A run
that fails moves its staging folder to ``reports/.failed/<quarter-id>-<UTC time>/`` with a
``REASON.txt`` and leaves the publication alone.  A run interrupted between two renames (a
power cut) is finished by the next run of the quarter (:func:`recover`).

Every function here that touches a quarter's folders is called with the quarter's lock held
(:mod:`analysis.publishing.record.locking`).

Permissions: the staging folder is private (``mkdtemp`` makes it 700) while the run writes in
it, so nobody reads a half-built quarter.  Just before it becomes the publication (or a failed
run's folder under ``.failed/``), every folder and file in it is given the permissions the
user's umask gives anything they write (:func:`share`): under umask 022 folders 755 and files
644, so colleagues on a shared drive can open a published quarter; under 077 it stays the
user's alone.  Files copied in with their source's mode are brought to the same rule.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import stat
import tempfile
from pathlib import Path

from analysis.publishing.progress import Reporter
from analysis.publishing.record import manifest as mf
from analysis.publishing.record.locking import quarter_lock
from analysis.quarters import Quarter

STAGING = ".staging"
FAILED = ".failed"


class PublishError(RuntimeError):
    """The reports folder cannot take a run (no staging folder can be made in it)."""


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def stamp(moment: dt.datetime | None = None) -> str:
    """A UTC time usable as a folder name everywhere (no colons)."""
    return (moment or utc_now()).strftime("%Y%m%dT%H%M%SZ")


def unique(path: Path) -> Path:
    """``path``, or ``path-1``, ``path-2``... whichever does not exist yet."""
    candidate, n = path, 1
    while candidate.exists():
        candidate = path.with_name(f"{path.name}-{n}")
        n += 1
    return candidate


def new_staging(reports_dir: Path, quarter: Quarter) -> Path:
    """A fresh, private staging folder for one run of ``quarter``."""
    root = reports_dir / STAGING
    for _ in range(10):
        root.mkdir(parents=True, exist_ok=True)
        try:
            return Path(tempfile.mkdtemp(prefix=f"{quarter.id}-run-", dir=root))
        except FileNotFoundError:  # another run tidied the empty root away just now
            continue
    raise PublishError(f"could not create a staging folder under {root}")


def umask_modes(private: Path) -> tuple[int, int]:
    """(folder mode, file mode) that a new folder and file get: ``0o777`` and ``0o666`` less
    the umask.  Read by making a folder in ``private`` (a folder only this run writes in)
    rather than by ``os.umask``, which sets the process's umask to read it and so would race
    with threads writing files meanwhile."""
    probe = private / ".umask-probe"
    probe.mkdir(mode=0o777)
    try:
        folder_mode = stat.S_IMODE(probe.stat().st_mode) & 0o777
    finally:
        probe.rmdir()
    return folder_mode, folder_mode & 0o666


def share(staging: Path) -> None:
    """Give every folder and file under ``staging`` (itself included) the umask's permissions,
    keeping special bits such as a shared drive's setgid; symbolic links are left alone.  An
    executable file keeps its execute bits as the umask allows."""
    folder_mode, file_mode = umask_modes(staging)
    for root, folders, files in os.walk(staging):
        for name in [*folders, *files]:
            _chmod(Path(root) / name, folder_mode, file_mode)
    _chmod(staging, folder_mode, file_mode)


def _chmod(path: Path, folder_mode: int, file_mode: int) -> None:
    info = path.lstat()
    if stat.S_ISLNK(info.st_mode):
        return
    if stat.S_ISDIR(info.st_mode):
        wanted = folder_mode
    elif info.st_mode & stat.S_IXUSR:
        wanted = folder_mode  # what the umask leaves of rwxrwxrwx
    else:
        wanted = file_mode
    special = stat.S_IMODE(info.st_mode) & ~0o777
    if stat.S_IMODE(info.st_mode) != special | wanted:
        os.chmod(path, special | wanted)


def tidy(reports_dir: Path) -> None:
    """Remove ``.staging`` when nothing is left in it, so a failed run leaves no trace there."""
    with contextlib.suppress(OSError):
        (reports_dir / STAGING).rmdir()


def quarantine(reports_dir: Path, quarter: Quarter, staging: Path, reason: str) -> Path:
    """Move a failed run's staging folder to ``.failed/``, with its reason in REASON.txt."""
    # On a full disk REASON.txt may not fit; the folder must still leave .staging, and the
    # reason is printed all the same.
    with contextlib.suppress(OSError):
        (staging / "REASON.txt").write_text(reason.rstrip() + "\n", encoding="utf-8")
    root = reports_dir / FAILED
    root.mkdir(parents=True, exist_ok=True)
    with contextlib.suppress(OSError):  # a failed run's evidence is kept even so
        share(staging)
    target = unique(root / f"{quarter.id}-{stamp()}")
    os.rename(staging, target)
    return target


def file_history(aside: Path, target: Path, when: str) -> Path:
    """Move a superseded publication (parked at ``aside``) into ``target/history/<when>``,
    carrying its own history along.  Each step is one rename, and repeating the whole function
    after an interruption finishes the job."""
    history = target / mf.HISTORY_DIR
    history.mkdir(exist_ok=True)
    with contextlib.suppress(OSError):  # one published before folders were shared
        share(aside)
    old_history = aside / mf.HISTORY_DIR
    if old_history.is_dir():
        for entry in sorted(old_history.iterdir()):
            os.rename(entry, unique(history / entry.name))
        old_history.rmdir()
    destination = unique(history / when)
    os.rename(aside, destination)
    return destination


def publish(reports_dir: Path, quarter: Quarter, staging: Path, report: Reporter) -> Path:
    """Rename the staged quarter into place; an existing publication goes to its history.

    Order: park the old one in ``.staging``, rename the new one in, then file the old one under
    the new one's ``history/``.  Between the renames the quarter is briefly absent, never mixed;
    an interruption anywhere is finished by :func:`recover` on the next run.

    An error (a full disk) before the new one is in place puts the old one back and raises, so
    the caller quarantines the staging folder.  Once the new one is in place the quarter is
    published: failing to file the old one is said, and the parked folder is filed by the next
    run of the quarter (reused or not, see :func:`recover_parked`).
    """
    target = reports_dir / quarter.id
    share(staging)
    if not target.exists():
        os.rename(staging, target)
        return target
    aside = unique(reports_dir / STAGING / f"{quarter.id}-previous-{stamp()}")
    os.rename(target, aside)
    try:
        os.rename(staging, target)
    except BaseException:
        os.rename(aside, target)
        raise
    try:
        file_history(aside, target, aside.name.removeprefix(f"{quarter.id}-previous-"))
    except OSError as exc:
        report.note(
            f"{quarter.id}: the previous publication could not be filed under history/"
            f" ({exc}); it is kept whole in {aside} and the next run files it"
        )
    return target


def recover(reports_dir: Path, quarter: Quarter, report: Reporter) -> None:
    """Finish what an interrupted run of this quarter left half done.  Called with the quarter's
    lock held, so every staging folder of this quarter belongs to a run that is gone."""
    root = reports_dir / STAGING
    if not root.is_dir():
        return
    target = reports_dir / quarter.id
    for aside in sorted(root.glob(f"{quarter.id}-previous-*")):
        when = aside.name.removeprefix(f"{quarter.id}-previous-")
        if target.exists():
            file_history(aside, target, when)
            report.note(
                f"recovered: filed an interrupted run's old publication under history/{when}"
            )
        else:
            os.rename(aside, target)
            report.note(f"recovered: restored {target} after an interrupted publish")
    for stale in sorted(root.glob(f"{quarter.id}-run-*")):
        moved = quarantine(reports_dir, quarter, stale, "The run that staged this was interrupted.")
        report.note(f"recovered: moved an interrupted run's staging to {moved}")


def recover_parked(
    reports_dir: Path, quarter: Quarter, report: Reporter, *, lock_timeout: float
) -> None:
    """Finish an interrupted publish before deciding anything, so a rerun that reuses the
    publication (and so never builds) still files a parked old publication under history/."""
    if not any((reports_dir / STAGING).glob(f"{quarter.id}-previous-*")):
        return
    with quarter_lock(reports_dir, quarter, timeout=lock_timeout, progress=report.say):
        recover(reports_dir, quarter, report)
        tidy(reports_dir)
