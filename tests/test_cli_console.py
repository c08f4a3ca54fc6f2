"""The console script leaves without Python's teardown (analysis.engine.leave): the exit status
is still the one the command chose, and everything it printed reaches a pipe whole."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from analysis import cli
from tests.conftest import build_snapshot

PANELPAPER = Path(sys.executable).parent / "panelpaper"
if not PANELPAPER.exists():
    PANELPAPER = Path(__file__).resolve().parents[1] / ".venv" / "bin" / "panelpaper"


def test_console_runs_main_and_leaves_with_its_status(monkeypatch, capsys):
    """The leaving itself is tested in tests/engine/test_leave.py."""

    def main() -> None:
        print("said before leaving")
        raise SystemExit(2)

    left: list[int] = []
    monkeypatch.setattr(cli, "main", main)
    monkeypatch.setattr(os, "_exit", left.append)
    cli.console()
    assert left == [2]
    assert capsys.readouterr().out == "said before leaving\n"


def test_a_long_output_reaches_a_pipe_whole(tmp_path):
    data_dir = tmp_path / "data"
    build_snapshot(data_dir, "2019-20-Q1")
    done = subprocess.run(
        [str(PANELPAPER), "figures", "2019-20-Q1", "--data-dir", str(data_dir)],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    assert len(done.stdout) > 5_000
    assert json.loads(done.stdout)["quarter"] == "2019-20-Q1"
