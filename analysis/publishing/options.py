"""What a caller can tell ``panelpaper run`` and ``panelpaper verify``: one :class:`Options`.

Both read the same two folders, run the paper's notebooks on the same warm kernels and wait
on the same quarter locks, so they take one options object: what a choice means is written
once, here, and a caller (the CLI, a test, a notebook) builds it the same way for either.

The steps of a run (validation, figures, staging and drawing the paper) are not options: they
are the functions of :mod:`analysis.publishing.run`, which tests replace with ``monkeypatch``.
Nothing here exists only for tests.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import KW_ONLY, dataclass, replace
from pathlib import Path

from analysis.paths import NOTEBOOKS
from analysis.publishing.progress import Progress
from analysis.publishing.record.locking import DEFAULT_TIMEOUT
from analysis.publishing.render import registry


@dataclass(frozen=True)
class Options:
    """Everything ``run`` (one quarter or all) and ``verify`` can be told.

    Shared: ``data_dir`` (the folder holding ``snapshots/``) and ``reports_dir`` (where the
    quarters are published); ``jobs``, the number of warm kernels (default: one per core);
    ``notebooks_dir``, where the paper notebooks' sources are; ``notebooks``, which paper
    notebooks (names with or without ``.ipynb``; None: all of them, that is
    :data:`analysis.publishing.notebooks.PAPER_NOTEBOOKS` for a run and every notebook the
    publication archived for a verification); ``progress``, where lines are said;
    ``lock_timeout``, how long to wait for another run of the same quarter.

    Only a run reads ``force`` (publish anew though inputs changed), ``renderer`` and
    ``execution_timeout`` (a per-cell limit in seconds); only a verification reads
    ``rerun_notebooks`` (False: the quick check, hashes and figures.json only)."""

    data_dir: Path
    reports_dir: Path
    _: KW_ONLY
    force: bool = False
    renderer: str = registry.AUTO
    jobs: int | None = None
    notebooks_dir: Path = NOTEBOOKS
    notebooks: Sequence[str] | None = None
    progress: Progress = print
    lock_timeout: float = DEFAULT_TIMEOUT
    execution_timeout: float | None = None
    rerun_notebooks: bool = True

    def __post_init__(self) -> None:
        registry.check(self.renderer)
        if self.notebooks is not None:
            object.__setattr__(self, "notebooks", tuple(self.notebooks))

    def resolved(self) -> Options:
        """The same options with every folder absolute, as a run or a verification works from:
        the kernels run in the notebooks' folder, so a relative path would mean another place."""
        return replace(
            self,
            data_dir=Path(self.data_dir).resolve(),
            reports_dir=Path(self.reports_dir).resolve(),
            notebooks_dir=Path(self.notebooks_dir).resolve(),
        )
