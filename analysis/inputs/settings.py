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

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import yaml

from analysis.inputs.columns import ColumnMap, ColumnMapError, parse_map
from analysis.inputs.vocabulary import ASSURANCES, RISKS
from analysis.paths import RULES

DeadlineBasis = Literal["original", "revised"]

SETTINGS_FILE = "settings.yml"
DELAY_RULES_FILE = "delay_rules.yml"
THEME_RULES_FILE = "theme_rules.yml"

ATTENTION_RULE_CODES = ("most_overdue", "over_a_year_overdue", "all_on_hold")
"""The attention rules a settings file may name (see :mod:`analysis.figures.attention`)."""
ATTENTION_ORDERS = ("most_overdue_actions", "longest_overdue", "most_recently_overdue")
"""How the attention list is ranked before any cap (see :mod:`analysis.figures.attention`)."""


@dataclass(frozen=True)
class AttentionSettings:
    """Which audits the paper brings to the panel's attention, and how many.

    The defaults are the rules the paper has always used: all three rules, a year (365 days)
    past the deadline as long overdue, every selected audit listed, the audit with the most
    overdue actions first and then the others by their number of overdue actions.
    """

    rules: tuple[str, ...] = ATTENTION_RULE_CODES
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
    source: str = "contract defaults"
    delay_rules_path: Path | None = None
    columns: ColumnMap = field(default_factory=dict)
    """Export headers -> contract columns, per file (see :mod:`analysis.inputs.columns`)."""

    def column_map(self, table: str) -> dict[str, str]:
        """The map for one file (``recommendations``, ``audit_actions``, ``hmicfrs_tracker``)."""
        return self.columns.get(table, {})

    theme_rules_path: Path | None = None
    attention: AttentionSettings = field(default_factory=AttentionSettings)

    def is_monitored(self, risk: str, assurance: str) -> bool:
        return assurance in self.threshold.get(risk, ())

    def describe_threshold(self) -> str:
        """The threshold in words, for the paper's method annex."""
        parts = []
        for risk in RISKS:
            grades = self.threshold.get(risk, ())
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
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise SettingsError(f"{source}: expected a mapping of settings, got {type(raw).__name__}")
    unknown = set(raw) - {"threshold", "deadline_basis", "coming_quarters", "columns", "attention"}
    if unknown:
        raise SettingsError(f"{source}: unknown setting(s) {sorted(unknown)}")
    parsed: dict[str, Any] = {}
    if "threshold" in raw:
        threshold = raw["threshold"]
        if not isinstance(threshold, dict):
            raise SettingsError(f"{source}: threshold must map each risk to a list of assurances")
        clean: dict[str, tuple[str, ...]] = {}
        for risk, grades in threshold.items():
            if risk not in RISKS:
                raise SettingsError(f"{source}: threshold names unknown risk {risk!r}; use {RISKS}")
            # YAML 1.1 reads an unquoted No as false; an analyst writing the grading means "No".
            grades = ["No" if g is False else g for g in (grades or [])]
            bad = [g for g in grades if g not in ASSURANCES]
            if bad:
                raise SettingsError(
                    f"{source}: threshold for {risk} names unknown assurance {bad}; use {ASSURANCES}"
                )
            clean[risk] = tuple(g for g in ASSURANCES if g in grades)
        parsed["threshold"] = clean
    if "deadline_basis" in raw:
        if raw["deadline_basis"] not in ("original", "revised"):
            raise SettingsError(
                f"{source}: deadline_basis must be 'original' or 'revised', "
                f"not {raw['deadline_basis']!r}"
            )
        parsed["deadline_basis"] = raw["deadline_basis"]
    if "coming_quarters" in raw:
        value = raw["coming_quarters"]
        if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 8:
            raise SettingsError(f"{source}: coming_quarters must be a whole number from 1 to 8")
        parsed["coming_quarters"] = value
    if "columns" in raw:
        try:
            parsed["columns"] = parse_map(raw["columns"], source)
        except ColumnMapError as exc:
            raise SettingsError(str(exc)) from exc
    if "attention" in raw:
        parsed["attention"] = _parse_attention(raw["attention"], source)
    return parsed


def _parse_attention(raw: Any, source: str) -> AttentionSettings:
    where = f"{source}: attention"
    if raw is None:
        return AttentionSettings()
    if not isinstance(raw, dict):
        raise SettingsError(f"{where} must be a mapping (rules, long_overdue_days, limit, order)")
    unknown = set(raw) - {"rules", "long_overdue_days", "limit", "order"}
    if unknown:
        raise SettingsError(f"{where}: unknown setting(s) {sorted(unknown)}")
    values: dict[str, Any] = {}
    if "rules" in raw:
        rules = raw["rules"]
        if not isinstance(rules, list) or not all(isinstance(r, str) for r in rules):
            raise SettingsError(f"{where}.rules must be a list of rule names")
        bad = [r for r in rules if r not in ATTENTION_RULE_CODES]
        if bad:
            raise SettingsError(
                f"{where}.rules names unknown rule(s) {bad}; use {list(ATTENTION_RULE_CODES)}"
            )
        values["rules"] = tuple(r for r in ATTENTION_RULE_CODES if r in rules)
    if "long_overdue_days" in raw:
        days = raw["long_overdue_days"]
        if not isinstance(days, int) or isinstance(days, bool) or not 1 <= days <= 3650:
            raise SettingsError(f"{where}.long_overdue_days must be a whole number from 1 to 3650")
        values["long_overdue_days"] = days
    if "limit" in raw:
        limit = raw["limit"]
        if limit is not None and (
            not isinstance(limit, int) or isinstance(limit, bool) or limit < 1
        ):
            raise SettingsError(f"{where}.limit must be blank (no cap) or a whole number from 1")
        values["limit"] = limit
    if "order" in raw:
        if raw["order"] not in ATTENTION_ORDERS:
            raise SettingsError(
                f"{where}.order must be one of {list(ATTENTION_ORDERS)}, not {raw['order']!r}"
            )
        values["order"] = raw["order"]
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
