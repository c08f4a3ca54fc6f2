"""What every renderer of the paper is: the one interface :mod:`.paper` draws through.

A renderer is a class registered under the ``panelpaper.renderers`` entry-point group in
pyproject.toml (read by :mod:`analysis.publishing.render.registry`), the way papermill finds its
engines under ``papermill.engine``.  The registration gives it its name (``--renderer NAME``, the
run manifest's ``renderer.name``); the class says whether it can run here, which tools and
versions it records, how the CLI and the paper's annex name it, and draws every format of
:mod:`analysis.publishing.render.formats` from a staged folder.  Nothing outside the renderer
classes and the registry asks which renderer it holds: what differs between them is here.

This module imports nothing heavy: the CLI reads the registry before it knows whether it will
render at all.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from pathlib import Path
from typing import ClassVar


class RenderError(RuntimeError):
    """The paper could not be rendered; the message carries the tool's own report."""


class Renderer(ABC):
    """One way of drawing the paper from a staged folder.

    ``auto_rank`` orders the renderers for ``--renderer auto``: the lowest-ranked one available
    on this machine is used.  ``missing_help`` is what a person who asked for this renderer by
    name is told when :meth:`available` is false."""

    auto_rank: ClassVar[int]
    missing_help: ClassVar[str] = ""

    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.name!r})"

    @abstractmethod
    def available(self) -> bool:
        """Whether this machine has what the renderer runs."""

    @abstractmethod
    def versions(self) -> dict[str, str]:
        """The tools it runs and their versions, recorded in the run manifest."""

    @abstractmethod
    def describe(self, requested: bool) -> str:
        """One line for the CLI saying what will draw the paper and why (``requested``: named
        with ``--renderer`` rather than chosen by ``auto``)."""

    @abstractmethod
    def annex_text(self) -> str:
        """How the paper's annex names the renderer: its tools and their versions."""

    @abstractmethod
    def draw(self, staging: Path) -> list[str]:
        """Write ``paper.<format>`` for every format into the staged folder ``staging``; return
        the warnings a reader of the run should see.  Raise :class:`RenderError` on failure."""
