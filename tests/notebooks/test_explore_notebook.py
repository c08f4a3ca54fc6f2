"""The exploration notebook runs top to bottom on the sample data, and every notebook's two
forms (the .ipynb and its paired py:percent script) agree.

nbval in lax mode runs every cell and fails on any error without comparing outputs: the
exploration notebook is stored without outputs, since nothing in it is a reference.  It runs
in a child pytest so that its kernel and its outcome stay apart from this session's.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import jupytext
import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOK = ROOT / "notebooks" / "explore.ipynb"


def _cells(notebook: nbformat.NotebookNode) -> list[tuple[str, str, list[str]]]:
    return [
        (cell.cell_type, cell.source.strip(), sorted(cell.metadata.get("tags", [])))
        for cell in notebook.cells
    ]


PAIRS = sorted(p.stem for p in (ROOT / "notebooks").glob("*.py"))


@pytest.mark.parametrize("name", PAIRS)
def test_each_ipynb_and_its_script_hold_the_same_cells(name):
    """The .py is what ruff and reviewers read, the .ipynb what runs: they must not drift.
    Checked for every pair in notebooks/, the paper's included, since one stale pair is
    enough to publish code nobody reviewed."""
    stored = nbformat.read(ROOT / "notebooks" / f"{name}.ipynb", as_version=4)
    paired = jupytext.read(ROOT / "notebooks" / f"{name}.py")
    assert _cells(stored) == _cells(paired), f"run: .venv/bin/jupytext --sync notebooks/{name}.py"


def test_the_exploration_notebook_is_paired():
    assert "explore" in PAIRS


def test_the_parameters_cell_defaults_to_everything_in_the_latest_quarter():
    stored = nbformat.read(NOTEBOOK, as_version=4)
    tagged = [c for c in stored.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1
    defaults: dict[str, object] = {}
    exec(tagged[0].source, {}, defaults)
    assert defaults == {
        "quarter": None,
        "data_dir": "../data",
        "reports_dir": "../reports",
        "business_group": None,
        "risk": None,
        "audit": None,
        "theme": None,
        "inspection_theme": None,
        "drill_down": "overdue",
        "subject": None,
    }


def test_every_control_is_a_parameter_of_the_same_name():
    """papermill (and the tests) set what the page's controls set, by the same names."""
    from analysis.presentation import explore

    stored = nbformat.read(NOTEBOOK, as_version=4)
    tagged = next(c for c in stored.cells if "parameters" in c.metadata.get("tags", []))
    defaults: dict[str, object] = {}
    exec(tagged.source, {}, defaults)
    assert set(explore.FILTERS) | {"quarter", "drill_down"} <= set(defaults)
    assert set(explore.OLD_NAMES) <= set(defaults)


def test_the_notebook_stays_thin():
    """No function or class definitions: the rules live in analysis/, where they are tested."""
    code = "\n".join(
        c.source for c in nbformat.read(NOTEBOOK, as_version=4).cells if c.cell_type == "code"
    )
    assert "def " not in code and "class " not in code and "lambda" not in code


@pytest.mark.slow
def test_the_notebook_runs_under_nbval_lax(tmp_path):
    env = {**os.environ, "MPLBACKEND": "Agg", "PYTHONDONTWRITEBYTECODE": "1"}
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "--nbval-lax",
            "-p",
            "no:cacheprovider",
            "-p",
            "no:xdist",
            "-q",
            "--rootdir",
            str(ROOT),
            str(NOTEBOOK),
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    report = result.stdout + result.stderr
    assert result.returncode == 0, report
    code_cells = sum(c.cell_type == "code" for c in nbformat.read(NOTEBOOK, as_version=4).cells)
    assert f"{code_cells} passed" in report, report


@pytest.mark.slow
def test_a_name_that_matches_nothing_is_a_message_in_a_headless_run(tmp_path):
    """papermill with a misspelt group: the notebook completes and says what the choices are."""
    import papermill

    out = tmp_path / "explore.ipynb"
    papermill.execute_notebook(
        str(NOTEBOOK),
        str(out),
        parameters={"business_group": "Profesionalism", "quarter": "2019-20-Q1"},
        cwd=str(ROOT / "notebooks"),
        kernel_name="python3",
        progress_bar=False,
    )
    ran = nbformat.read(out, as_version=4)
    outputs = [o for c in ran.cells if c.cell_type == "code" for o in c.get("outputs", [])]
    assert not [o for o in outputs if o.output_type == "error"]
    shown = "\n".join(o.get("data", {}).get("text/plain", "") for o in outputs)
    assert "No business group 'Profesionalism': choose from " in shown
    assert "Professionalism" in shown.split("choose from", 1)[1]
    assert "Q1 19/20" in shown
