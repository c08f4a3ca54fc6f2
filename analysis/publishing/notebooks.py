"""The paper notebooks as reviewable text and as nbval reference outputs.

Each paper notebook lives twice in ``notebooks/``: a jupytext ``py:percent`` file that a
review reads as code, and the ``.ipynb`` that carries the outputs of its default parameters
(the seed quarter on the sample data).  Those stored outputs are the reference nbval checks
in ``make test``: a change in ``analysis`` that moves a number fails there, naming the
notebook and cell.  ``make notebooks`` refreshes them deliberately, and records a hash of
the cells they were computed from, so a notebook edited without a refresh is caught as stale.

Run as ``python -m analysis.publishing.notebooks [--check]``.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
from pathlib import Path

from analysis.engine.lazy import import_jupytext, import_nbclient, import_nbformat
from analysis.paths import NOTEBOOKS

NOTEBOOKS_DIR = NOTEBOOKS
SANITIZE_FILE = NOTEBOOKS_DIR / "nbval-sanitize.cfg"
PAPER_NOTEBOOKS = ("hmicfrs", "dara_actions", "delays", "trends", "summary")
METADATA_KEY = "panelpaper"


def paper_notebook_paths(notebooks_dir: Path = NOTEBOOKS_DIR) -> list[Path]:
    return [notebooks_dir / f"{name}.ipynb" for name in PAPER_NOTEBOOKS]


def source_hash(notebook) -> str:
    """A hash of what a notebook's outputs are computed from: every cell's type and source."""
    digest = hashlib.sha256()
    for cell in notebook.cells:
        digest.update(cell.cell_type.encode())
        digest.update(b"\0")
        digest.update(cell.source.encode())
        digest.update(b"\0")
    return digest.hexdigest()


def paired_text(ipynb: Path) -> Path:
    return ipynb.with_suffix(".py")


def sync_from_text(ipynb: Path) -> None:
    """Rebuild the notebook's cells from its ``.py`` pair (the file people edit and review),
    keeping the notebook's metadata; outputs are recomputed by :func:`execute` afterwards."""
    nbformat = import_nbformat()
    text = import_jupytext().read(paired_text(ipynb))
    if ipynb.exists():
        current = nbformat.read(ipynb, as_version=4)
        text.metadata = {**current.metadata, **{"jupytext": text.metadata.get("jupytext", {})}}
    text.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nbformat.write(text, ipynb)


def execute(ipynb: Path) -> None:
    """Run the notebook top to bottom with its default parameters, in its own folder as in
    JupyterLab, and store the outputs and the hash of the cells they came from.

    nbclient is used directly (papermill would add run timestamps to every cell, which would
    churn the committed reference notebooks for no information)."""
    nbformat = import_nbformat()
    notebook = nbformat.read(ipynb, as_version=4)
    client = import_nbclient().NotebookClient(
        notebook,
        kernel_name="python3",
        resources={"metadata": {"path": str(ipynb.parent)}},
        record_timing=False,
        timeout=600,
    )
    client.execute()
    notebook.metadata[METADATA_KEY] = {"source_sha256": source_hash(notebook)}
    notebook.metadata.pop("widgets", None)
    nbformat.write(notebook, ipynb)


def stale(ipynb: Path) -> list[str]:
    """Why a reference notebook cannot be trusted as it stands; empty when it can."""
    nbformat = import_nbformat()
    jupytext = import_jupytext()
    problems = []
    notebook = nbformat.read(ipynb, as_version=4)
    text = paired_text(ipynb)
    if not text.exists():
        problems.append(f"{text.name} (its jupytext pair) is missing")
    else:
        paired = jupytext.read(text)
        if [(c.cell_type, c.source) for c in paired.cells] != [
            (c.cell_type, c.source) for c in notebook.cells
        ]:
            problems.append(f"cells differ from {text.name}: run `make notebooks`")
    recorded = notebook.metadata.get(METADATA_KEY, {}).get("source_sha256")
    if recorded != source_hash(notebook):
        problems.append("outputs were not computed from the current cells: run `make notebooks`")
    missing = [
        i + 1
        for i, cell in enumerate(notebook.cells)
        if cell.cell_type == "code" and cell.execution_count is None
    ]
    if missing:
        problems.append(f"code cells never executed: {missing}")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="only report stale notebooks")
    args = parser.parse_args(argv)
    status = 0
    for ipynb in paper_notebook_paths():
        if args.check:
            problems = stale(ipynb)
            for problem in problems:
                print(f"{ipynb.name}: {problem}")
            status |= bool(problems)
            continue
        print(f"refreshing {ipynb.name} ...", flush=True)
        sync_from_text(ipynb)
        execute(ipynb)
    return status


if __name__ == "__main__":
    sys.exit(main())
