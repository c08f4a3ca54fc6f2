"""The options several commands share behave the same in each, and the quarter is parsed once.

In process (typer's runner) with the run and the verification replaced by recorders, so these
ask only what the command line hands on: tests/test_cli_inputs.py runs the installed command.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from analysis.cli import app
from analysis.publishing import run as recipe
from analysis.publishing.options import Options
from analysis.publishing.proof import verify as vf
from analysis.quarters import Quarter

Q1 = Quarter(2019, 1)


@pytest.fixture
def folders(tmp_path: Path) -> tuple[Path, Path]:
    """(data folder with two empty snapshot folders, reports folder with Q1 published)."""
    data = tmp_path / "data"
    for name in ("2019-20-Q1", "2019-20-Q2"):
        (data / "snapshots" / name).mkdir(parents=True)
    reports = tmp_path / "reports"
    (reports / Q1.id).mkdir(parents=True)
    (reports / Q1.id / "manifest.json").write_text("{}\n", encoding="utf-8")
    return data, reports


@pytest.fixture
def parses(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """Every value :meth:`Quarter.parse` is asked to read while the test runs."""
    asked: list[object] = []
    parse = Quarter.parse

    def counted(cls, value):
        asked.append(value)
        return parse(value)

    monkeypatch.setattr(Quarter, "parse", classmethod(counted))
    return asked


def of_the_user(parses: list[object]) -> list[object]:
    """The parses of the user's quarter: its text, and any parse of it again as a Quarter
    (snapshot and publication folder names are parsed too, as text of their own)."""
    return [value for value in parses if value == "Q1 19/20" or isinstance(value, Quarter)]


def invoke(*args: str):
    return CliRunner().invoke(app, list(args))


class Planned(Exception):
    """Raised where a run has its quarter and is about to decide: far enough to show how the
    quarter arrived, before any kernel."""


def test_the_user_s_quarter_reaches_run_as_one_quarter(folders, parses, monkeypatch) -> None:
    data, reports = folders
    planned: list[object] = []

    def plan(data_dir, reports_dir, quarter, *args, **kwargs):
        planned.append(quarter)
        raise Planned

    monkeypatch.setattr(recipe.reuse, "plan_quarter", plan)
    outcome = invoke("run", "Q1 19/20", "--data-dir", str(data), "--reports-dir", str(reports))

    assert isinstance(outcome.exception, Planned), outcome.output
    assert planned == [Q1] and type(planned[0]) is Quarter
    assert of_the_user(parses) == ["Q1 19/20"]


def test_the_user_s_quarter_reaches_verify_as_one_quarter(folders, parses) -> None:
    """A real verification, of a publication that is only a manifest: it differs (exit 1),
    and the quarter it names is the user's, parsed once."""
    data, reports = folders
    outcome = invoke(
        "verify",
        "Q1 19/20",
        "--no-notebooks",
        "--data-dir",
        str(data),
        "--reports-dir",
        str(reports),
    )

    assert outcome.exit_code == 1, outcome.output
    assert outcome.output.startswith("2019-20-Q1  DIFFERS  "), outcome.output
    assert of_the_user(parses) == ["Q1 19/20"]


def test_verify_hands_one_options_object_on(folders, monkeypatch) -> None:
    data, reports = folders
    received: list[tuple[list[Quarter], Options, object]] = []

    def recorded(quarters, options, *, summary=None):
        received.append((list(quarters), options, summary))
        return []

    monkeypatch.setattr(vf, "verify", recorded)
    outcome = invoke(
        "verify", "--all", "--data-dir", str(data), "--reports-dir", str(reports), "--jobs", "3"
    )

    assert outcome.exit_code == 0, outcome.output
    [(quarters, options, summary)] = received
    assert quarters == [Q1] and summary is True
    assert (options.data_dir, options.reports_dir, options.jobs) == (data, reports, 3)
    assert options.rerun_notebooks is True


def test_run_without_a_quarter_takes_the_latest_snapshot(folders, monkeypatch) -> None:
    data, reports = folders
    received: list[object] = []

    def recorded(quarter, options):
        received.append(quarter)
        return recipe.QuarterResult(quarter, "reused", 0.0)

    monkeypatch.setattr(recipe, "run_quarter", recorded)
    outcome = invoke("run", "--data-dir", str(data), "--reports-dir", str(reports))
    assert outcome.exit_code == 0, outcome.output
    assert received == [Quarter(2019, 2)]


def commands_taking(flag: str) -> list[str]:
    """The commands of ``panelpaper`` that take ``flag``, read from the app itself."""
    group = typer.main.get_command(app)
    return sorted(
        name
        for name, command in group.commands.items()
        if any(flag in param.opts for param in command.params)
    )


@pytest.mark.parametrize("command", commands_taking("--reports-dir"))
def test_a_reports_dir_that_is_a_file_is_refused_by_every_command(command, folders) -> None:
    data, _ = folders
    target = data.parent / "reports.txt"
    target.write_text("not a folder\n", encoding="utf-8")
    outcome = invoke(command, "--data-dir", str(data), "--reports-dir", str(target))
    assert outcome.exit_code == 2
    assert "--reports-dir" in outcome.output and "is a file, not a folder" in outcome.output
    assert target.read_text(encoding="utf-8") == "not a folder\n"


def test_every_command_with_a_reports_dir_is_asked() -> None:
    assert commands_taking("--reports-dir") == ["explore", "figures", "run", "verify"]
    assert commands_taking("--all") == ["check", "run", "verify"]


@pytest.mark.parametrize("command", commands_taking("--all"))
def test_a_quarter_and_all_together_are_refused_by_every_command(command, folders) -> None:
    data, reports = folders
    args = ["--data-dir", str(data)] + (
        ["--reports-dir", str(reports)] if command != "check" else []
    )
    outcome = invoke(command, "2019-20-Q1", "--all", *args)
    assert outcome.exit_code == 2
    assert "give a QUARTER or --all, not both" in outcome.output
