"""Bad arguments and unreadable inputs through the ``panelpaper`` command.

Each case checks the three promises: exit status 2, a message that says what is wrong (and,
for a quarter, the forms that are accepted), and nothing written: no reports folder appears and
an existing one is left exactly as it was.  Every bad value and every kind of spoilt file is
given once to the real console script in a fresh process, as an analyst would, each command
taking its turn; the other commands get the same value through the same entry point
(:func:`analysis.cli.main`) in this process, which asks the same of them for a hundredth of
the cost (a fresh process is a third of a second).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from analysis import cli
from tests.conftest import build_snapshot

ROOT = Path(__file__).resolve().parents[1]
PANELPAPER = Path(sys.executable).parent / "panelpaper"
if not PANELPAPER.exists():
    PANELPAPER = ROOT / ".venv" / "bin" / "panelpaper"

BAD_QUARTERS = [
    "../../etc",
    "2019-20-Q1; rm -rf /",
    '"2019-20-Q1"',
    "2019-20-Q1'",
    "2019-20-Q1\nrm -rf /",
    "$(touch pwned)",
]
COMMANDS = ["check", "figures", "run"]


def panelpaper(cwd: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(PANELPAPER), *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, **env},
    )


@pytest.fixture
def invoke(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]):
    """``invoke(fresh, cwd, *args)``: the command in a fresh process when ``fresh``, else
    through :func:`analysis.cli.main` here, with the same arguments, folder and outcome."""

    def run(fresh: bool, cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
        if fresh:
            return panelpaper(cwd, *args)
        capsys.readouterr()
        with monkeypatch.context() as patch:
            patch.chdir(cwd)
            patch.setattr(sys, "argv", ["panelpaper", *args])
            with pytest.raises(SystemExit) as stopped:
                cli.main()
        out = capsys.readouterr()
        code = stopped.value.code
        return subprocess.CompletedProcess(
            args, code if isinstance(code, int) else 1, out.out, out.err
        )

    return run


def turn(index: int, command: str) -> bool:
    """Whether the ``index``-th value goes to ``command`` in a fresh process: each value once,
    the commands in turn."""
    return COMMANDS[index % len(COMMANDS)] == command


def listing(folder: Path) -> dict[str, int]:
    """Every file under ``folder`` with its size: what "unchanged" is checked against."""
    return {str(p.relative_to(folder)): p.stat().st_size for p in folder.rglob("*")}


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    """A folder with a valid data/ snapshot and a reports/ holding one earlier file."""
    build_snapshot(tmp_path / "data")
    (tmp_path / "reports").mkdir()
    (tmp_path / "reports" / "earlier.txt").write_text("published before\n", encoding="utf-8")
    return tmp_path


def args_for(command: str, *rest: str, data_dir: str = "data") -> list[str]:
    extra = ["--reports-dir", "out"] if command == "run" else []
    return [command, *rest, "--data-dir", data_dir, *extra]


def assert_nothing_written(workspace: Path, before: dict[str, int]) -> None:
    assert listing(workspace / "reports") == before
    assert not (workspace / "out").exists()
    assert not (workspace / "pwned").exists()


# --- quarters ---------------------------------------------------------------------------------
@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize("quarter", BAD_QUARTERS)
def test_a_bad_quarter_is_refused(workspace: Path, invoke, command: str, quarter: str) -> None:
    before = listing(workspace / "reports")
    fresh = turn(BAD_QUARTERS.index(quarter), command)
    result = invoke(fresh, workspace, *args_for(command, quarter))
    assert result.returncode == 2, result.stderr
    assert "Accepted forms" in result.stderr
    assert "2019-20-Q1, 2019/20 Q1, Q1 19/20, Q1 2019/20, FY2019/20 Q1" in result.stderr
    assert "Traceback" not in result.stderr
    assert_nothing_written(workspace, before)


# --- --data-dir and --reports-dir ---------------------------------------------------------------
BAD_DATA_DIRS = [
    (lambda root: root / "nowhere", "no such folder"),
    (lambda root: _file(root / "notes.txt"), "is a file, not a folder"),
    (lambda root: _folder(root / "empty"), "has no snapshots/ folder"),
]


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize(("make", "said"), BAD_DATA_DIRS)
def test_a_bad_data_dir_is_refused(workspace: Path, invoke, command: str, make, said: str) -> None:
    target = make(workspace)
    before = listing(workspace / "reports")
    fresh = turn([m for m, _ in BAD_DATA_DIRS].index(make), command)
    result = invoke(fresh, workspace, *args_for(command, "2019-20-Q1", data_dir=str(target)))
    assert result.returncode == 2, result.stderr
    assert f"--data-dir {target}: {said}" in result.stderr
    assert_nothing_written(workspace, before)


def _file(path: Path) -> Path:
    path.write_text("not a folder\n", encoding="utf-8")
    return path


def _folder(path: Path) -> Path:
    path.mkdir()
    return path


def test_a_reports_dir_that_is_a_file_is_refused(workspace: Path) -> None:
    target = _file(workspace / "reports.txt")
    result = panelpaper(
        workspace, "run", "2019-20-Q1", "--data-dir", "data", "--reports-dir", str(target)
    )
    assert result.returncode == 2
    assert "--reports-dir" in result.stderr and "is a file, not a folder" in result.stderr
    assert "Traceback" not in result.stderr
    assert target.read_text(encoding="utf-8") == "not a folder\n"


def test_an_unknown_option_is_a_usage_error_not_a_crash(workspace: Path) -> None:
    result = panelpaper(workspace, "check", "--no-such-option")
    assert result.returncode == 2
    assert "No such option" in result.stderr and "Traceback" not in result.stderr


# --- unreadable inputs --------------------------------------------------------------------------
def _truncate(folder: Path) -> None:
    path = folder / "audit_actions.xlsx"
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def _csv_as_xlsx(folder: Path) -> None:
    (folder / "audit_actions.xlsx").write_text("action_id,risk\nA1,High\n", encoding="utf-8")


SPOILT = [
    (_truncate, "this Excel workbook is incomplete or damaged"),
    (
        _csv_as_xlsx,
        "this file is not an Excel workbook: it looks like CSV text; save it as .csv or "
        "re-export as .xlsx",
    ),
]


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize(("spoil", "said"), SPOILT)
def test_an_unreadable_workbook_stops_every_command(
    workspace: Path, invoke, command: str, spoil, said: str
) -> None:
    spoil(workspace / "data" / "snapshots" / "2019-20-Q1")
    before = listing(workspace / "reports")
    fresh = turn([s for s, _ in SPOILT].index(spoil), command)
    result = invoke(fresh, workspace, *args_for(command, "2019-20-Q1"))
    assert result.returncode == 2, result.stdout + result.stderr
    output = result.stdout + result.stderr
    assert "snapshots/2019-20-Q1/audit_actions.xlsx" in output and said in output
    assert "Traceback" not in output
    assert_nothing_written(workspace, before)


def test_the_size_limit_is_set_from_the_environment(workspace: Path) -> None:
    result = panelpaper(workspace, "check", "--data-dir", "data", PANELPAPER_MAX_XLSX_MB="0.001")
    assert result.returncode == 2
    assert "above the 0.001 MB limit" in result.stdout
    assert "PANELPAPER_MAX_XLSX_MB" in result.stdout


@pytest.mark.parametrize("command", COMMANDS)
def test_a_panel_date_before_as_of_stops_every_command(
    workspace: Path, invoke, command: str
) -> None:
    """Last quarter's meeting left in snapshot.yml: check, figures and run all refuse it through
    the one loader, naming the file, the field and the value."""
    (workspace / "data" / "snapshots" / "2019-20-Q1" / "snapshot.yml").write_text(
        "as_of: 2019-06-30\npanel_date: 2019-06-25\n", encoding="utf-8"
    )
    before = listing(workspace / "reports")
    result = invoke(turn(0, command), workspace, *args_for(command, "2019-20-Q1"))
    assert result.returncode == 2, result.stdout + result.stderr
    output = result.stdout + result.stderr
    assert (
        "ERROR: snapshots/2019-20-Q1/snapshot.yml, column panel_date: before the data's as-at "
        "date 2019-06-30 (as_of)"
    ) in output
    assert "(value: '2019-06-25')" in output
    assert "Traceback" not in output
    assert_nothing_written(workspace, before)
