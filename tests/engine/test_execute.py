"""Executing the paper notebooks: what a settled notebook keeps, and how papermill finds the
warm engine.  Notebooks that raise or kill their kernel are in test_run.py."""

from __future__ import annotations

import nbformat
import pytest

from analysis.engine import execute


def test_settled_notebooks_keep_no_clock_times_paths_or_random_ids(tmp_path):
    """Two runs of a quarter must publish the same notebook bytes, and no machine's paths."""
    notebook = nbformat.v4.new_notebook()
    injected = nbformat.v4.new_code_cell("quarter = 'x'", id="a1b2c3d4")
    injected.metadata = {
        "tags": ["injected-parameters"],
        "papermill": {"duration": 0.1, "start_time": "t0", "end_time": "t1", "status": "completed"},
        "execution": {"iopub.status.busy": "2026-01-01T00:00:00Z"},
    }
    notebook.cells = [injected]
    notebook.metadata["papermill"] = {
        "start_time": "t0",
        "end_time": "t1",
        "duration": 1.0,
        "input_path": "/home/someone/repo/notebooks/x.ipynb",
        "output_path": "/home/someone/repo/reports/.staging/q-1234/notebooks/x.ipynb",
        "parameters": {"quarter": "x"},
    }
    path = tmp_path / "x.ipynb"
    nbformat.write(notebook, path)

    execute.settle_notebook(path, "x.ipynb")

    settled = nbformat.read(path, as_version=4)
    assert settled.metadata["papermill"] == {
        "input_path": "notebooks/x.ipynb",
        "output_path": "notebooks/x.ipynb",
        "parameters": {"quarter": "x"},
    }
    cell = settled.cells[0]
    assert cell.id == "injected-parameters"
    assert "execution" not in cell.metadata
    assert cell.metadata["papermill"] == {"status": "completed"}
    assert "/home/someone" not in path.read_text()


def test_the_warm_engine_reaches_papermill_through_its_entry_point(monkeypatch):
    from papermill.engines import NBClientEngine, papermill_engines

    from analysis.engine import kernels

    engine = papermill_engines.get_engine(kernels.engine_name())
    assert engine is kernels.WarmEngine and issubclass(engine, NBClientEngine)
    monkeypatch.delitem(papermill_engines._engines, kernels.engine_name())
    with pytest.raises(kernels.EngineMissing, match="make venv"):
        kernels.engine_name()
