"""Publishing a staged quarter in one step, and finishing a publish a crash interrupted.

The runs that publish, quarantine and file history end to end are in test_run.py and
test_faults.py; here the recovery alone, on folders laid out as a crash leaves them, and the
permissions a publication is given (the umask's, the staging folder private until then).
"""

from __future__ import annotations

import os
import shutil
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from analysis.publishing.progress import Reporter
from analysis.publishing.record import publish
from tests.publishing.test_run import Q1

QUIET = Reporter(lambda line: None)


def test_an_interrupted_publish_is_finished_by_the_next_run(reports):
    # Crash after parking the old publication and before the new one was renamed in.
    parked = reports / ".staging" / "2019-20-Q1-previous-20190101T000000Z"
    (parked / "history" / "20180101T000000Z").mkdir(parents=True)
    (parked / "figures.json").write_text("old")
    publish.recover(reports, Q1, QUIET)
    assert (reports / "2019-20-Q1" / "figures.json").read_text() == "old"
    assert (reports / "2019-20-Q1" / "history" / "20180101T000000Z").is_dir()

    # Crash after the new one was renamed in and before the old one was filed under history.
    (parked / "history" / "20180101T000000Z").mkdir(parents=True)
    (parked / "figures.json").write_text("older")
    publish.recover(reports, Q1, QUIET)
    history = reports / "2019-20-Q1" / "history"
    assert (history / "20190101T000000Z" / "figures.json").read_text() == "older"
    assert sorted(p.name for p in history.iterdir()) == [
        "20180101T000000Z",
        "20180101T000000Z-1",
        "20190101T000000Z",
    ]
    assert not parked.exists()


# --- permissions -----------------------------------------------------------------------------
MODES = {0o022: (0o755, 0o644), 0o077: (0o700, 0o600), 0o002: (0o775, 0o664)}


@pytest.fixture(params=sorted(MODES), ids=lambda mask: f"umask-{mask:03o}")
def umask(request: pytest.FixtureRequest) -> Iterator[int]:
    """The process's umask set for the test and restored after it, whatever happens."""
    previous = os.umask(request.param)
    try:
        yield request.param
    finally:
        os.umask(previous)


def modes(folder: Path) -> dict[str, str]:
    """Every folder and file under ``folder`` (itself included) with its permission bits."""
    found = {".": oct(stat.S_IMODE(folder.stat().st_mode))}
    for path in sorted(folder.rglob("*")):
        found[path.relative_to(folder).as_posix()] = oct(stat.S_IMODE(path.lstat().st_mode))
    return found


def expected(folder: Path, umask: int) -> dict[str, str]:
    """What the umask gives each entry of ``folder``: folders 777 less it, files 666 less it."""
    folder_mode, file_mode = MODES[umask]
    found = {".": oct(folder_mode)}
    for path in sorted(folder.rglob("*")):
        mode = folder_mode if path.is_dir() else file_mode
        found[path.relative_to(folder).as_posix()] = oct(mode)
    return found


def stage(reports: Path, text: str) -> Path:
    """A staging folder as a run leaves it: files written, one copied with a group-writable
    source's mode (as shutil.copy2 copies Quarto's sources), one from mkstemp (600)."""
    staging = publish.new_staging(reports, Q1)
    assert stat.S_IMODE(staging.stat().st_mode) == 0o700  # private while the run writes
    (staging / "figures.json").write_text(text)
    (staging / "notebooks").mkdir()
    (staging / "notebooks" / "alpha.ipynb").write_text("{}")
    source = reports.parent / "source.yml"
    source.write_text("x: 1\n")
    source.chmod(0o664)
    shutil.copy2(source, staging / "_quarto.yml")
    handle, _ = tempfile.mkstemp(dir=staging / "notebooks")
    os.close(handle)
    return staging


def test_a_published_quarter_and_its_history_get_the_umasks_permissions(reports, umask):
    publish.publish(reports, Q1, stage(reports, "first"), QUIET)
    folder = reports / Q1.id
    assert modes(folder) == expected(folder, umask)

    publish.publish(reports, Q1, stage(reports, "second"), QUIET)  # the first goes to history/
    assert (folder / "history").is_dir()
    assert len(list((folder / "history").iterdir())) == 1
    assert modes(folder) == expected(folder, umask)
    assert modes(reports / ".staging") == expected(reports / ".staging", umask)


def test_an_old_private_publication_filed_under_history_is_shared_too(reports, umask):
    staging = stage(reports, "first")
    os.rename(staging, reports / Q1.id)  # published before folders were shared: 700
    publish.publish(reports, Q1, stage(reports, "second"), QUIET)
    folder = reports / Q1.id
    assert modes(folder) == expected(folder, umask)


def test_a_failed_runs_folder_gets_the_umasks_permissions(reports, umask):
    moved = publish.quarantine(reports, Q1, stage(reports, "broken"), "it broke")
    assert (moved / "REASON.txt").read_text() == "it broke\n"
    assert modes(reports / ".failed") == expected(reports / ".failed", umask)


@pytest.mark.slow
@pytest.mark.usefixtures("light_kernels")
@pytest.mark.parametrize("umask", [0o022, 0o077], indirect=True, ids=["umask-022", "umask-077"])
def test_every_folder_and_file_a_run_publishes_gets_the_umasks_permissions(
    tmp_path, reports, umask
):
    from tests.publishing.test_run import run

    data_dir = tmp_path / "data"
    folder = data_dir / "snapshots" / Q1.id
    folder.mkdir(parents=True)
    (folder / "recommendations.csv").write_text("rec_id\nR1\n")
    first = run(data_dir, reports, notebooks=("alpha", "beta"))
    assert first.status == "published", first
    (folder / "recommendations.csv").write_text("rec_id\nR1\nR2\n")
    second = run(data_dir, reports, force=True)  # the first goes to history/
    assert second.status == "published", second
    assert run(data_dir, reports, notebooks=("raises",), force=True).status == "failed"
    published = reports / Q1.id
    assert (published / "history").is_dir() and (published / "notebooks").is_dir()
    assert (reports / ".failed").is_dir()
    assert modes(reports) == expected(reports, umask) | {".": modes(reports)["."]}
