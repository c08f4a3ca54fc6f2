"""The lines ``panelpaper run`` prints while it works, formatted in one place.

A run talks from several threads at once (each kernel's thread reports its notebook, the
quarter's thread its render and publish), and ``--all`` prefixes each step with its quarter so
interleaved lines stay readable.  Every step line has the same columns: the step's name padded
to 24 characters, its status padded to 7, then its seconds and a detail.  Keeping that layout
here, rather than in an f-string at each step, is what keeps the columns aligned; the text is
what people and tests read, so it must not drift.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from analysis.publishing.render.formats import PAPER_FILES
from analysis.quarters import Quarter

Progress = Callable[[str], None]

STEP_WIDTH = 24
STATUS_WIDTH = 7


class Outcome(Protocol):
    """What the summary table reads of a quarter's result."""

    quarter: Quarter
    status: str
    seconds: float

    @property
    def ok(self) -> bool: ...


def locked(progress: Progress) -> Progress:
    """``progress`` made safe to call from several threads: one whole line at a time."""
    lock = threading.Lock()

    def say(line: str) -> None:
        with lock:
            progress(line)

    return say


@dataclass(frozen=True)
class Reporter:
    """Formats and prints a run's progress lines.

    ``all_quarters``: the run covers several quarters (``--all``), so step lines name their
    quarter and the paper's paths are left to the summary table."""

    say: Progress
    all_quarters: bool = False

    def _lead(self, quarter: Quarter | None) -> str:
        return f"  {quarter.id}  " if self.all_quarters and quarter is not None else "  "

    def step(
        self,
        name: str,
        status: str,
        *,
        quarter: Quarter | None = None,
        seconds: float | None = None,
        detail: str | None = None,
        error: str | None = None,
    ) -> None:
        """One step of a quarter (a notebook, the render, the publish) or of the run (a kernel's
        warm-up, ``quarter=None``): ``  name  status  seconds  detail``, and the error below."""
        lead = self._lead(quarter)
        line = f"{lead}{name:<{STEP_WIDTH}} {status:<{STATUS_WIDTH}} "
        if seconds is not None:
            line += f"{seconds:5.1f} s"
        if detail is not None:
            line += ("  " if seconds is not None else "") + detail
        if error:
            line += f"\n{lead}    {error}"
        self.say(line)

    def quarter(self, quarter: Quarter, text: str) -> None:
        """A line about a whole quarter: ``<quarter>: text``."""
        self.say(f"{quarter.id}: {text}")

    def note(self, text: str) -> None:
        """An indented line under the previous one."""
        self.say(f"  {text}")

    def paper(self, folder: Path) -> None:
        """Where the paper is: the last thing a person running one quarter needs to know."""
        if self.all_quarters:  # --all prints one summary table instead
            return
        for name in PAPER_FILES:
            if (folder / name).is_file():
                self.note(str(folder / name))

    def summary(self, results: Sequence[Outcome], seconds: float) -> None:
        self.say(summary_table(results, seconds))


def summary_table(results: Sequence[Outcome], seconds: float) -> str:
    """The table ``--all`` ends with: one row per quarter, then the totals."""
    lines = [f"{'quarter':<12} {'status':<10} {'seconds':>8}"]
    for r in results:
        lines.append(f"{r.quarter.id:<12} {r.status:<10} {r.seconds:8.1f}")
    failed = sum(not r.ok for r in results)
    lines.append(f"{len(results)} quarter(s), {failed} not published, {seconds:.1f} s in all")
    return "\n".join(lines)
