"""What one quarter's paper is written from: the snapshot, its history, the settings, the
figures record and the classified actions, loaded once per notebook; and the quarter's own
words, the sections of narrative.md, found by heading.

Every sentence and table of the paper (:mod:`analysis.presentation.paper`,
:mod:`analysis.presentation.paper_summary`, :mod:`analysis.presentation.paper_tables`) is a
function of one :class:`PaperContext`, so the five notebooks of a run state the same numbers.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from analysis.figures import actions as act
from analysis.figures import delays
from analysis.figures.record import build_figures, remembered_figures
from analysis.inputs.history import load_history
from analysis.inputs.settings import Settings, load_settings
from analysis.inputs.snapshot import Snapshot
from analysis.quarters import Quarter, long_date


@dataclass(frozen=True)
class PaperContext:
    """Everything one quarter's notebooks draw on, computed once per notebook."""

    snapshot: Snapshot
    history: Sequence[Snapshot]
    settings: Settings
    figures: dict[str, Any]
    classified: pd.DataFrame
    """Outstanding monitored actions with deadlines, ageing and delay categories, masked."""


def context(data_dir: str | Path, quarter: str | Quarter) -> PaperContext:
    """Load the quarter, with the very figures record ``panelpaper figures`` prints (shared
    through the disk cache, so the five notebooks of a run do not each rebuild it)."""
    data_dir = Path(data_dir)
    quarter = Quarter.parse(quarter)
    settings = load_settings(data_dir)
    history = load_history(data_dir, quarter, settings)
    figures = remembered_figures(history[-1], history, settings)
    return context_from(history[-1], history, settings, figures=figures)


def context_from(
    snapshot: Snapshot,
    history: Sequence[Snapshot],
    settings: Settings,
    *,
    figures: dict[str, Any] | None = None,
) -> PaperContext:
    """The context for snapshots already in hand (tests, exploration of what-ifs); the figures
    are built from them unless given."""
    if figures is None:
        figures = build_figures(snapshot, history, settings)
    rules = delays.rules_for(settings)
    classified = act.classify(snapshot.actions, snapshot.as_of, snapshot.quarter, settings)
    classified = delays.with_reasons(classified, snapshot.actions, rules)
    return PaperContext(snapshot, history, settings, figures, classified)


def as_of_text(figures: dict[str, Any]) -> str:
    return long_date(figures["as_of"])


def narrative(snapshot: Snapshot, heading: str) -> str | None:
    """A section of narrative.md by heading, matched loosely (case, '&' for 'and')."""
    want = _heading_key(heading)
    for title, body in snapshot.narrative.items():
        if _heading_key(title) == want and body.strip():
            return body.strip()
    return None


def _heading_key(text: str) -> str:
    return re.sub(r"[^a-z]+", " ", text.lower().replace("&", "and")).strip()


def headings_from(markdown: str, level: int) -> str:
    """Shift authored headings so the highest of them sits at ``level``, under the paper's
    own section heading, whatever level the analyst wrote them at."""
    found = [len(m) for m in re.findall(r"^(#{1,6})\s", markdown, flags=re.M)]
    if not found:
        return markdown
    shift = level - min(found)
    return re.sub(
        r"^(#{1,6})(\s)",
        lambda m: "#" * min(6, max(1, len(m[1]) + shift)) + m[2],
        markdown,
        flags=re.M,
    )
