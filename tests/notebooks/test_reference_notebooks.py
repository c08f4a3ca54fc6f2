"""The paper notebooks' stored outputs are nbval's reference, so they must be current and true.

nbval re-runs each paper notebook with its default parameters (the seed quarter on the sample
data) and compares every output with the one stored in git: a change in ``analysis`` that
moves a number or a table fails here, naming the notebook and the cell.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from analysis.notebooks import (
    NOTEBOOKS_DIR,
    PROJECT_ROOT,
    SANITIZE_FILE,
    paper_notebook_paths,
    stale,
)

pytestmark = pytest.mark.slow


def nbval(paths: list[Path], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "-p",
            "no:xdist",
            "--nbval",
            "--nbval-current-env",
            "--nbval-sanitize-with",
            str(SANITIZE_FILE),
            f"--rootdir={cwd}",
            *(str(p.relative_to(cwd)) for p in paths),
        ],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=900,
    )


def test_stored_outputs_match_a_fresh_run_of_every_paper_notebook() -> None:
    result = nbval(paper_notebook_paths(), PROJECT_ROOT)
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
    assert f"{len(paper_notebook_paths())} files" in result.stdout or "passed" in result.stdout


@pytest.mark.parametrize("ipynb", paper_notebook_paths(), ids=lambda p: p.name)
def test_reference_notebook_is_in_step_with_its_text_pair(ipynb: Path) -> None:
    assert stale(ipynb) == []


def _copy_pair(tmp_path: Path, name: str) -> Path:
    """The notebook and its pair in <tmp>/notebooks, with <tmp>/data pointing at the sample
    data so that the default ``data_dir = "../data"`` resolves as it does in the repo."""
    folder = tmp_path / "notebooks"
    folder.mkdir()
    for suffix in (".ipynb", ".py"):
        shutil.copy2(NOTEBOOKS_DIR / f"{name}{suffix}", folder / f"{name}{suffix}")
    (tmp_path / "data").symlink_to(PROJECT_ROOT / "data", target_is_directory=True)
    return folder / f"{name}.ipynb"


def test_an_edit_to_the_text_pair_without_a_refresh_is_stale(tmp_path: Path) -> None:
    ipynb = _copy_pair(tmp_path, "hmicfrs")
    text = ipynb.with_suffix(".py")
    text.write_text(text.read_text() + "\n# %%\nprint('new cell')\n")
    problems = stale(ipynb)
    assert any("cells differ from hmicfrs.py" in p for p in problems)


def test_an_edit_to_a_cell_without_rerunning_it_is_stale(tmp_path: Path) -> None:
    ipynb = _copy_pair(tmp_path, "hmicfrs")
    notebook = nbformat.read(ipynb, as_version=4)
    notebook.cells[-1].source += "\n# edited"
    nbformat.write(notebook, ipynb)
    assert any("not computed from the current cells" in p for p in stale(ipynb))


def test_nbval_fails_and_names_the_cell_when_a_number_moves(tmp_path: Path) -> None:
    """Stand-in for a code change that moves a figure: the stored reference says 89 open
    recommendations where the analysis computes 88."""
    ipynb = _copy_pair(tmp_path, "hmicfrs")
    notebook = nbformat.read(ipynb, as_version=4)
    portal = next(c for c in notebook.cells if "#| label: portal-text" in c.source)
    output = portal.outputs[0]
    assert "88 open recommendations" in output.data["text/markdown"]
    output.data["text/markdown"] = output.data["text/markdown"].replace("88 open", "89 open")
    output.data["text/plain"] = json.dumps("changed")
    nbformat.write(notebook, ipynb)

    result = nbval([ipynb], tmp_path)
    assert result.returncode != 0
    report = result.stdout
    assert "notebooks/hmicfrs.ipynb::Cell" in report  # the notebook and the cell
    assert "Cell outputs differ" in report and "#| label: portal-text" in report
    assert "88 open rec" in report and "89 open rec" in report  # both sides of the diff
