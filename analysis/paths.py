"""Where the project's own files are: the one place that knows the layout of a checkout.

Every other module asks here, so moving a folder (or a module into a sub-package) changes one
line, not five copies of ``Path(__file__).parent.parent`` that each assume their own depth.
The data and reports folders are not here: they are the user's, named on the command line.
"""

from __future__ import annotations

from pathlib import Path

PACKAGE = Path(__file__).resolve().parent
"""The ``analysis`` package: its code and packaged rules are inputs of every run."""

RULES = PACKAGE / "rules"
"""Packaged defaults: settings.yml, delay_rules.yml, theme_rules.yml, figures.schema.json."""

PROJECT_ROOT = PACKAGE.parent
"""The checkout: notebooks/, paper.qmd, _quarto.yml and paper/ sit here beside the package."""

NOTEBOOKS = PROJECT_ROOT / "notebooks"
"""The paper notebooks, their jupytext twins and nbval's sanitising rules."""

RECORDED_SETTINGS_DIR = "settings"
"""Where a publication keeps the rule files it was made under: ``reports/<quarter>/settings/``
(written by :mod:`analysis.publishing.record.recorded_settings`, read back there and by the
exploration)."""

RECORDED_SETTINGS_KEY = "settings_recorded"
"""The publication manifest's list of those rule files (present, possibly empty, in every
publication made since rules were recorded)."""
