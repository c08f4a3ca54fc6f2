"""Staging copies of archived notebooks so that their own relative ``data_dir`` reaches the
data being verified (or, when it cannot, pointing it there).  The reruns themselves are
exercised by test_verify.py and the committed record's verification (tests/conftest.py
``verified_record``)."""

from __future__ import annotations

import json
from pathlib import Path

from analysis.publishing import rerun


def _notebook(data_dir: str | None, *, injected: bool = True, default: str = "../data") -> dict:
    cells = [
        {"cell_type": "markdown", "metadata": {}, "source": "# A title"},
        {
            "cell_type": "code",
            "metadata": {"tags": ["parameters"]},
            "source": f'quarter = "2019-20-Q1"\ndata_dir = "{default}"\n',
            "outputs": [],
            "execution_count": 1,
        },
    ]
    if injected:
        cells.append(
            {
                "cell_type": "code",
                "metadata": {"tags": ["injected-parameters"]},
                "source": f'# Parameters\nquarter = "2019-20-Q1"\ndata_dir = "{data_dir}"\n',
                "outputs": [],
                "execution_count": 2,
            }
        )
    return {"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}


def test_staged_copy_reaches_the_data_through_its_own_relative_path(tmp_path: Path) -> None:
    data = tmp_path / "elsewhere" / "data"
    (data / "snapshots").mkdir(parents=True)
    source = tmp_path / "archive" / "report.ipynb"
    source.parent.mkdir()
    source.write_text(json.dumps(_notebook("../../somewhere/data")))

    [staged] = rerun.stage_notebooks([source], data, tmp_path / "work")

    assert staged.read_bytes() == source.read_bytes()  # run exactly as published
    assert (staged.parent / "../../somewhere/data").resolve() == data.resolve()
    assert (staged.parent / "../../somewhere/data/snapshots").is_dir()


def test_absolute_data_dir_is_pointed_at_the_data_being_verified(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    source = tmp_path / "report.ipynb"
    source.write_text(json.dumps(_notebook("/machine/that/is/gone/data")))

    [staged] = rerun.stage_notebooks([source], data, tmp_path / "work")

    copy = json.loads(staged.read_text())
    assert rerun.recorded_data_dir(copy) == str(data.resolve())
    outputs = [c.get("outputs") for c in copy["cells"] if c["cell_type"] == "code"]
    assert outputs == [[], []]


def test_notebook_never_parameterised_gets_data_dir_after_its_defaults(tmp_path: Path) -> None:
    source = tmp_path / "report.ipynb"
    # Run without papermill, from defaults naming a folder on another machine.
    source.write_text(json.dumps(_notebook(None, injected=False, default="/gone/data")))

    [staged] = rerun.stage_notebooks([source], tmp_path / "data", tmp_path / "work")

    copy = json.loads(staged.read_text())
    tags = [c["metadata"].get("tags", []) for c in copy["cells"]]
    assert tags == [[], ["parameters"], ["injected-parameters"]]
    assert rerun.recorded_data_dir(copy) == str((tmp_path / "data").resolve())
