"""The console script leaves without Python's teardown: the exit status is still the one the
command chose, and everything it printed reaches a pipe whole."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from analysis import cli
from tests.conftest import build_snapshot

PANELPAPER = Path(sys.executable).parent / "panelpaper"
if not PANELPAPER.exists():
    PANELPAPER = Path(__file__).resolve().parents[1] / ".venv" / "bin" / "panelpaper"


@pytest.mark.parametrize(
    ("raised", "status", "printed"),
    [(None, 0, ""), (0, 0, ""), (2, 2, ""), ("a message", 1, "a message\n")],
)
def test_console_leaves_with_the_status_main_chose(monkeypatch, capsys, raised, status, printed):
    def main() -> None:
        print("said before leaving")
        raise SystemExit(raised)

    left: list[int] = []
    monkeypatch.setattr(cli, "main", main)
    monkeypatch.setattr(cli.os, "_exit", left.append)
    cli.console()
    assert left == [status]
    out, err = capsys.readouterr()
    assert out == "said before leaving\n"
    assert err == printed


def test_console_lets_an_unexpected_error_end_the_usual_way(monkeypatch):
    def main() -> None:
        raise RuntimeError("a bug")

    monkeypatch.setattr(cli, "main", main)
    monkeypatch.setattr(cli.os, "_exit", lambda status: pytest.fail("left without a traceback"))
    with pytest.raises(RuntimeError, match="a bug"):
        cli.console()


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
