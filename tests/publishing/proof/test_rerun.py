"""Staging copies of archived notebooks so that their own relative ``data_dir`` reaches the
data being verified (or, when it cannot, pointing it there).  The reruns themselves are
exercised by test_verify.py and the committed record's verification (tests/conftest.py
``verified_record``)."""

from __future__ import annotations

import contextlib
import json
import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from analysis.engine.cache import ENV_DIR, ENV_OFF
from analysis.publishing.proof import rerun


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


def test_rerun_kernels_get_an_empty_cache_of_their_own(tmp_path: Path, monkeypatch) -> None:
    """Never the user's cache (it would only agree with itself), never PANELPAPER_NO_CACHE
    either (each notebook would validate the same snapshots again), and os.environ untouched."""
    monkeypatch.setenv(ENV_OFF, "1")
    monkeypatch.setenv(ENV_DIR, str(tmp_path / "users-cache"))
    environments: list[dict[str, str]] = []

    class Kernels:
        def __init__(self, kernel_dir: Path, cwd: Path, **options) -> None:
            environments.append(options["env"])

        def __enter__(self) -> Kernels:
            return self

        def __exit__(self, *exc: object) -> None:
            pass

        def start_in(self, pool: ThreadPoolExecutor, count: int) -> None:
            pass

    monkeypatch.setattr(rerun, "KernelPool", Kernels)
    monkeypatch.setattr(rerun, "rerun_notebook", lambda *args: (True, []))
    archived = tmp_path / "published" / "notebooks" / "report.ipynb"
    archived.parent.mkdir(parents=True)
    archived.write_text(json.dumps(_notebook("../data")))
    (tmp_path / "data").mkdir()
    work = tmp_path / "work"
    work.mkdir()

    with contextlib.ExitStack() as stack, ThreadPoolExecutor(1) as pool:
        [(name, future)] = rerun.start_reruns([archived], tmp_path / "data", work, pool, 1, stack)
        assert (name, future.result()) == ("report.ipynb", (True, []))

    [env] = environments
    assert env[ENV_DIR] == str(work / "cache") and not (work / "cache").exists()
    assert ENV_OFF not in env
    assert os.environ[ENV_OFF] == "1" and os.environ[ENV_DIR] == str(tmp_path / "users-cache")
