"""panelpaper's engine: every figure of the quarterly panel paper is computed here.

The package is grouped by job, in the order a run goes through them:

- :mod:`analysis.inputs`: reading a quarter's snapshot and the panel's settings, and checking
  them against the data contract;
- :mod:`analysis.figures`: the panel's rules (outstanding, overdue, themes, delays, trends)
  and ``figures.json``, the record of every number the paper states;
- :mod:`analysis.presentation`: the paper's sentences, tables and charts, and the analyst's
  exploration;
- :mod:`analysis.followup`: the lists sent to business group leads and their answers;
- :mod:`analysis.publishing`: running the notebooks, rendering, publishing and verifying;

with the few pieces all of them share at the top (:mod:`analysis.quarters`,
:mod:`analysis.paths`, :mod:`analysis.engine.cache`, :mod:`analysis.engine.lazy`) and :mod:`analysis.cli` on
top of everything.

The notebooks' names.  Paper notebooks say ``from analysis import paper, plots``, and the
executed copies of every published quarter keep saying it: rerunning a past quarter must find
the same names whatever the package's folders look like now.  So the modules a notebook uses
are reachable by their short name here, imported only when first asked for.
"""

from __future__ import annotations

import importlib
from types import ModuleType

NOTEBOOK_MODULES = {
    "actions": "analysis.figures.actions",
    "charts": "analysis.presentation.paper_charts",
    "explore": "analysis.presentation.explore",
    "paper": "analysis.presentation.paper",
    "plots": "analysis.presentation.plots",
    "reconciliation_text": "analysis.presentation.reconciliation_text",
    "tables": "analysis.presentation.tables",
}
"""Short name -> module, for ``from analysis import <name>`` in notebooks (stable interface)."""


def __getattr__(name: str) -> ModuleType:
    if name in NOTEBOOK_MODULES:
        module = importlib.import_module(NOTEBOOK_MODULES[name])
        globals()[name] = module
        return module
    raise AttributeError(f"module 'analysis' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *NOTEBOOK_MODULES})
