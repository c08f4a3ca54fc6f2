"""The paper notebooks' stored outputs are the reference, so they must be current and true.

Each paper notebook's defaults are the seed quarter on the sample data, which is what the
committed record ``reports/2019-20-Q1`` was published from.  The record's notebooks are rerun
once per session and compared with their archive by nbval's rules (the ``verified_record``
fixture); here every stored reference output is compared with the record's by the same rules.
Equal to the archive, and the archive equal to a fresh run, the references are a fresh run: a
change in ``analysis`` that moves a number or a table fails, naming the notebook and the cell,
without running the five notebooks a second time.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import nbformat
import pytest

from analysis.paths import PROJECT_ROOT
from analysis.publishing.notebooks import (
    NOTEBOOKS_DIR,
    SANITIZE_FILE,
    paper_notebook_paths,
    stale,
)
from analysis.publishing.proof import compare as vf

RECORD = PROJECT_ROOT / "reports" / "2019-20-Q1"
RULES = vf.read_sanitize_rules(SANITIZE_FILE.read_text(encoding="utf-8"))


def _as_published(name: str) -> dict:
    """The record's archived notebook without papermill's injected parameters cell, so its code
    cells line up with the reference notebook's."""
    notebook = json.loads((RECORD / "notebooks" / name).read_text(encoding="utf-8"))
    notebook["cells"] = [
        c for c in notebook["cells"] if "injected-parameters" not in c["metadata"].get("tags", [])
    ]
    return notebook


def _differences(reference: dict, name: str) -> tuple[int, list[str]]:
    return vf.compare_notebooks(name, reference, _as_published(name), RULES)


@pytest.mark.slow
def test_stored_outputs_match_a_fresh_run_of_every_paper_notebook(verified_record) -> None:
    verdict, lines = verified_record
    assert verdict.notebooks is not None and verdict.notebooks.ok, "\n".join(lines)
    for ipynb in paper_notebook_paths():
        reference = json.loads(ipynb.read_text(encoding="utf-8"))
        checked, problems = _differences(reference, ipynb.name)
        assert problems == [], "\n".join(problems)
        assert checked == sum(c["cell_type"] == "code" for c in reference["cells"])


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


def test_a_moved_number_in_a_reference_fails_naming_the_cell() -> None:
    """Stand-in for a code change that moves a figure: the stored reference says 89 open
    recommendations where the analysis computes 88."""
    notebook = nbformat.read(NOTEBOOKS_DIR / "hmicfrs.ipynb", as_version=4)
    portal = next(c for c in notebook.cells if "#| label: portal-text" in c.source)
    output = portal.outputs[0]
    assert "88 open recommendations" in output.data["text/markdown"]
    output.data["text/markdown"] = output.data["text/markdown"].replace("88 open", "89 open")
    output.data["text/plain"] = json.dumps("changed")

    _checked, problems = _differences(json.loads(nbformat.writes(notebook)), "hmicfrs.ipynb")

    assert problems[0].startswith("notebook hmicfrs.ipynb, cell ")
    assert problems[0].endswith("(portal-text): Cell outputs differ")
    text = "\n".join(problems)
    assert "88 open rec" in text and "89 open rec" in text  # both sides of the diff
