"""The panel's settings: the rules that are the panel's choice rather than the data's.

The monitoring threshold and the deadline basis change when the panel changes its mind, not
when the code changes, so they live in a YAML file.  ``<data-dir>/settings.yml`` is read when
present; a data folder without one is read with the data contract's rules exactly as written
(``analysis/rules/settings.yml``).  Likewise ``<data-dir>/delay_rules.yml`` replaces the
packaged delay-reason rules, and ``<data-dir>/theme_rules.yml`` the packaged theme rules.

The rules that bring audits to the panel's attention are the panel's choice too (which rules
apply, how many days past the deadline count as long overdue, an optional cap on the list and
the order it is ranked in), so they are settings under ``attention:``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import yaml

from analysis.inputs import declared
from analysis.inputs.columns import ColumnMap, ColumnMapError, parse_map
from analysis.inputs.value_maps import ValueMap, ValueMapError, parse_values
from analysis.inputs.vocabulary import ASSURANCES, RISKS
from analysis.paths import RECORDED_SETTINGS_DIR, RECORDED_SETTINGS_KEY, RULES

DeadlineBasis = Literal["original", "revised"]

SETTINGS_FILE = "settings.yml"
DELAY_RULES_FILE = "delay_rules.yml"
THEME_RULES_FILE = "theme_rules.yml"

SETTINGS_SCHEMA = "settings"
"""The settings files' declared shape: ``analysis/rules/settings.schema.json``."""

_ATTENTION = declared.raw_schema(SETTINGS_SCHEMA)["properties"]["attention"]["properties"]
ATTENTION_RULE_CODES: tuple[str, ...] = tuple(_ATTENTION["rules"]["items"]["enum"])
"""The attention rules a settings file may name, as the schema declares them (see
:mod:`analysis.figures.attention` for what each selects)."""
OPTIONAL_ATTENTION_RULES = ("moved_more_than_limit", "awaiting_verification_over_90_days")
"""Rules the panel may switch on; off unless the settings name them, so that a quarter's list
stays the one it always had."""
DEFAULT_ATTENTION_RULES: tuple[str, ...] = tuple(
    r for r in ATTENTION_RULE_CODES if r not in OPTIONAL_ATTENTION_RULES
)


@dataclass(frozen=True)
class AttentionSettings:
    """Which audits the paper brings to the panel's attention, and how many.

    The defaults are the rules the paper has always used: its first three rules (the optional
    ones, on moved deadlines and verification, only when named), a year (365 days)
    past the deadline as long overdue, every selected audit listed, the audit with the most
    overdue actions first and then the others by their number of overdue actions.
    """

    rules: tuple[str, ...] = DEFAULT_ATTENTION_RULES
    long_overdue_days: int = 365
    limit: int | None = None
    order: str = "most_overdue_actions"


class SettingsError(ValueError):
    """A settings file that does not say something the program can act on."""


@dataclass(frozen=True)
class Settings:
    """The rules a run used; recorded in figures.json, the manifest and the paper's annex."""

    threshold: dict[str, tuple[str, ...]] = field(
        default_factory=lambda: {
            "High": ASSURANCES,
            "Medium": ("Limited", "No"),
            "Low": (),
        }
    )
    deadline_basis: DeadlineBasis = "original"
    coming_quarters: int = 3
    deadline_move_limit: int = 2
    """How many times an outstanding action's deadline may be moved before the paper lists it
    (``deadlines.limit`` in figures.json; :mod:`analysis.figures.deadlines`)."""
    source: str = "contract defaults"
    delay_rules_path: Path | None = None
    columns: ColumnMap = field(default_factory=dict)
    """Export headers -> contract columns, per file (see :mod:`analysis.inputs.columns`)."""

    def column_map(self, table: str) -> dict[str, str]:
        """The map for one file (``recommendations``, ``audit_actions``, ``hmicfrs_tracker``)."""
        return self.columns.get(table, {})

    theme_rules_path: Path | None = None
    attention: AttentionSettings = field(default_factory=AttentionSettings)
    values: ValueMap = field(default_factory=dict)
    """A force's own words -> the contract's, per file and column (see
    :mod:`analysis.inputs.value_maps`)."""

    def is_monitored(self, risk: str, assurance: str) -> bool:
        """The panel's monitoring rule, its one home: an action of ``risk`` in an audit graded
        ``assurance`` is monitored centrally when the threshold lists that grading for that
        risk.  :func:`analysis.inputs.monitoring.is_monitored` applies it to a whole tracker."""
        return assurance in self.threshold.get(risk, ())

    def describe_threshold(self) -> str:
        """The threshold in words, for the paper's method annex."""
        parts = []
        for risk in RISKS:
            grades = self.threshold.get(risk)  # None for a risk the threshold does not name
            if not grades:
                continue
            if set(grades) == set(ASSURANCES):
                parts.append(f"{risk}-risk actions whatever the audit's assurance")
            else:
                parts.append(f"{risk}-risk actions in audits graded {_or_list(grades)}")
        return "; ".join(parts) if parts else "no actions"


def _or_list(items: tuple[str, ...]) -> str:
    items = tuple(items)
    if len(items) == 1:
        return items[0]
    return ", ".join(items[:-1]) + " or " + items[-1]


def _packaged(name: str) -> Path:
    return RULES / name


def _parse(raw: Any, source: str) -> dict[str, Any]:
    """A settings file's values, checked against its declared shape
    (``analysis/rules/settings.schema.json``); the first mistake is a :class:`SettingsError`
    naming the file, the key and the value."""
    if raw is None:
        return {}
    raw = _grading_no(raw)
    problem = declared.first_problem(raw, SETTINGS_SCHEMA)
    if problem is not None:
        raise SettingsError(f"{source}: {problem.message}")
    parsed: dict[str, Any] = {}
    if "threshold" in raw:
        parsed["threshold"] = {
            risk: tuple(g for g in ASSURANCES if g in (grades or []))
            for risk, grades in raw["threshold"].items()
        }
    for key in ("deadline_basis", "coming_quarters", "deadline_move_limit"):
        if key in raw:
            parsed[key] = raw[key]
    if "columns" in raw:
        try:
            parsed["columns"] = parse_map(raw["columns"], source)
        except ColumnMapError as exc:
            raise SettingsError(str(exc)) from exc
    if "values" in raw:
        try:
            parsed["values"] = parse_values(raw["values"], source)
        except ValueMapError as exc:
            raise SettingsError(str(exc)) from exc
    if "attention" in raw:
        parsed["attention"] = _attention(raw["attention"] or {})
    return parsed


def _grading_no(raw: Any) -> Any:
    """YAML 1.1 reads an unquoted No as false; an analyst writing the grading means "No"."""
    if not isinstance(raw, dict) or not isinstance(raw.get("threshold"), dict):
        return raw
    threshold = {
        risk: ["No" if g is False else g for g in grades] if isinstance(grades, list) else grades
        for risk, grades in raw["threshold"].items()
    }
    return {**raw, "threshold": threshold}


def _attention(raw: dict[str, Any]) -> AttentionSettings:
    """The attention settings given, each rule in the order the rules are declared."""
    values = dict(raw)
    if "rules" in values:
        values["rules"] = tuple(r for r in ATTENTION_RULE_CODES if r in raw["rules"])
    return AttentionSettings(**values)


def load_settings(data_dir: Path | str | None = None) -> Settings:
    """Settings for a data folder: its own ``settings.yml`` if it has one, else the contract's."""
    defaults_path = _packaged(SETTINGS_FILE)
    values = _parse(yaml.safe_load(defaults_path.read_text(encoding="utf-8")), str(defaults_path))
    source = "contract defaults"
    rules_path = _packaged(DELAY_RULES_FILE)
    theme_path = _packaged(THEME_RULES_FILE)
    if data_dir is not None:
        own = Path(data_dir) / SETTINGS_FILE
        if own.is_file():
            try:
                raw = yaml.safe_load(own.read_text(encoding="utf-8"))
            except yaml.YAMLError as exc:
                raise SettingsError(f"{own}: not valid YAML: {exc}") from exc
            values.update(_parse(raw, str(own)))
            source = str(own)
        own_rules = Path(data_dir) / DELAY_RULES_FILE
        if own_rules.is_file():
            rules_path = own_rules
        own_themes = Path(data_dir) / THEME_RULES_FILE
        if own_themes.is_file():
            theme_path = own_themes
    return Settings(
        **values, source=source, delay_rules_path=rules_path, theme_rules_path=theme_path
    )


def settings_of_quarter(
    data_dir: Path | str, reports_dir: Path | str | None, quarter_id: str
) -> Settings:
    """The rules a quarter is read under: those recorded with its publication in
    ``reports_dir`` (``reports/<quarter>/settings/``) when it is published with them, otherwise
    the data folder's settings in force.

    The exploration reads each quarter under its own rules this way, so a quarter's trend point
    is what its own paper said even after the panel changed a rule; ``run``, ``verify`` and
    ``figures`` find a quarter's rules through :mod:`analysis.publishing.record.recorded_settings`,
    which keeps the same record.  A publication made before rules were recorded (no
    :data:`~analysis.paths.RECORDED_SETTINGS_KEY` in its manifest) is read under the rules in
    force."""
    if reports_dir is not None:
        folder = Path(reports_dir) / quarter_id
        try:
            manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            manifest = None
        if isinstance(manifest, dict) and isinstance(manifest.get(RECORDED_SETTINGS_KEY), list):
            return load_settings(folder / RECORDED_SETTINGS_DIR)
    return load_settings(data_dir)
