"""What a run knows of a snapshot before it may start a kernel: the cached findings, read
without pandas, and the snapshot folders as quarters."""

from __future__ import annotations

import subprocess
import sys

import pytest

from analysis.engine import cache
from analysis.inputs.snapshot_cache import cached_findings, snapshot_quarters
from analysis.inputs.snapshots import check_snapshot
from analysis.quarters import Quarter

Q1 = Quarter(2019, 1)


pytestmark = pytest.mark.usefixtures("own_cache")


def test_nothing_is_known_of_a_snapshot_never_checked(data_dir, make_snapshot):
    make_snapshot()
    assert cached_findings(data_dir, Q1) is None


def test_a_checked_snapshot_gives_back_the_same_findings(data_dir, make_snapshot):
    make_snapshot(narrative=None)  # a warning: no narrative.md
    _, findings = check_snapshot(data_dir, Q1)
    assert findings and all(f.severity == "warning" for f in findings)
    assert cached_findings(data_dir, Q1) == findings


def test_an_invalid_snapshot_gives_back_its_errors(data_dir, make_snapshot):
    make_snapshot(omit={"narrative.md", "snapshot.yml"})
    snapshot, findings = check_snapshot(data_dir, Q1)
    assert snapshot is None and any(f.severity == "error" for f in findings)
    assert cached_findings(data_dir, Q1) == findings


def test_a_changed_file_is_not_known(data_dir, make_snapshot):
    folder = make_snapshot()
    check_snapshot(data_dir, Q1)
    (folder / "narrative.md").write_text("Changed since it was checked.\n", encoding="utf-8")
    assert cached_findings(data_dir, Q1) is None


def test_nothing_is_known_with_the_cache_off(data_dir, make_snapshot, monkeypatch):
    make_snapshot()
    check_snapshot(data_dir, Q1)
    monkeypatch.setenv(cache.ENV_OFF, "1")
    assert cached_findings(data_dir, Q1) is None


def test_a_missing_folder_is_left_to_the_loader(data_dir):
    assert cached_findings(data_dir, Q1) is None


def test_the_findings_are_read_without_pandas(data_dir, make_snapshot):
    make_snapshot()
    _, findings = check_snapshot(data_dir, Q1)
    code = (
        "import sys\n"
        "from analysis.inputs.snapshot_cache import cached_findings\n"
        "from analysis.quarters import Quarter\n"
        f"found = cached_findings({str(data_dir)!r}, Quarter(2019, 1))\n"
        "print(len(found), 'pandas' in sys.modules, 'numpy' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == [str(len(findings)), "False", "False"]


def test_snapshot_quarters_are_the_canonical_folders_oldest_first(data_dir):
    for name in ("2019-20-Q2", "2019-20-Q1", ".hidden"):
        (data_dir / "snapshots" / name).mkdir()
    (data_dir / "snapshots" / "notes.txt").write_text("not a snapshot")
    assert snapshot_quarters(data_dir) == [Quarter(2019, 1), Quarter(2019, 2)]


@pytest.mark.parametrize("name", ["2019-Q1", "2019-20-q1", "misc"])
def test_a_folder_that_is_not_a_quarter_id_is_left_to_the_loader(data_dir, name):
    (data_dir / "snapshots" / "2019-20-Q1").mkdir()
    (data_dir / "snapshots" / name).mkdir()
    assert snapshot_quarters(data_dir) is None
