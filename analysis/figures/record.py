"""figures.json: every number the paper states, computed once, in a form programs can check.

The paper's text, tables and charts read their numbers from this dictionary and nowhere else,
so the published paper and the machine-readable record cannot drift apart.  The required keys
and their meaning are declared in ``rules/figures.schema.json`` (each key's ``description``) and
explained in words in ``docs/rules.md``; the extra keys carry the rest of what the paper says
(movement, completions, the attention list, trends).  Key order is fixed (canonical
vocabulary order where there is one, else largest count first, ties by name) and the JSON is
validated against ``rules/figures.schema.json`` before it is written, so the same inputs always
give the same bytes and a malformed record never leaves the program.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import Any

import pandas as pd

from analysis.engine import cache as disk_cache
from analysis.engine.lazy import import_jsonschema
from analysis.figures import actions as act
from analysis.figures import (
    deadlines,
    delays,
    recommendations,
    reconciliation,
    themes,
    verification,
)
from analysis.figures.attention import ORDERS, attention_list, rule_wording, selected_audits
from analysis.figures.cached import record_text, text_digest
from analysis.figures.jsonable import as_counts, as_date, as_nested, as_number
from analysis.figures.marking import tally
from analysis.figures.trends import deadline_trends, trends
from analysis.inputs.history import History, deadline_columns, load_history, revised_deadlines
from analysis.inputs.quarter_maps import for_quarter
from analysis.inputs.settings import Settings, load_settings
from analysis.inputs.snapshot import Snapshot
from analysis.inputs.vocabulary import OFFICIAL, OUTSTANDING_STATUSES, RISKS
from analysis.paths import RULES
from analysis.quarters import Quarter, long_date

SCHEMA_VERSION = 1
SCHEMA_PATH = RULES / "figures.schema.json"


def _quarter_span(span: tuple[Quarter, Quarter] | None) -> dict[str, str] | None:
    if span is None:
        return None
    first, last = span
    return {
        "first": first.id,
        "first_label": first.label,
        "last": last.id,
        "last_label": last.label,
    }


# --- the sections -------------------------------------------------------------------------------
def _recommendations_section(snapshot: Snapshot, previous: Snapshot | None) -> dict[str, Any]:
    recs = snapshot.recommendations
    section: dict[str, Any] = {
        "open": len(recommendations.open_recommendations(recs)),
        "open_by_theme": as_counts(recommendations.open_by_theme(recs)),
        "open_by_programme": as_counts(recommendations.open_by_programme(recs)),
        "open_areas_for_improvement": len(recommendations.open_areas_for_improvement(recs)),
        "open_by_theme_and_programme": _open_by_theme_and_programme(recs),
        "movement": None,
    }
    if previous is not None:
        moved = recommendations.movement(recs, previous.recommendations)
        section["movement"] = {
            "previous_quarter": previous.quarter.id,
            "previous_quarter_label": previous.quarter.label,
            "opened": int(moved["opened"].sum()),
            "closed": int(moved["closed"].sum()),
            "still_open": int(moved["still_open"].sum()),
            "by_theme": {
                str(theme): {
                    "opened": int(row["opened"]),
                    "closed": int(row["closed"]),
                    "still_open": int(row["still_open"]),
                    "new_theme": bool(row["new_theme"]),
                }
                for theme, row in moved.iterrows()
            },
            "new_themes": [str(t) for t in moved.index[moved["new_theme"]]],
        }
    return section


def _open_by_theme_and_programme(recs: pd.DataFrame) -> dict[str, dict[str, int]]:
    """Programmes within each theme, for the portal table's "of which" counts."""
    frame = recommendations.open_recommendations(recs).dropna(subset=["programme"])
    return {
        theme: counts
        for theme, counts in as_nested(act.within(frame["theme"], frame["programme"])).items()
        if counts
    }


def _largest_coming_area(coming: pd.DataFrame) -> dict[str, Any] | None:
    """Where most of the actions due in the coming quarters sit: the largest business group,
    its largest business area and the audits there (what the paper singles out)."""
    if coming.empty:
        return None
    group = act.by_business_group(coming).index[0]
    in_group = coming[coming["business_group"] == group]
    area = act.by_business_area(in_group).index[0]
    in_area = in_group[act.business_area(in_group) == area]
    return {
        "business_group": str(group),
        "business_group_count": len(in_group),
        "business_area": str(area),
        "count": len(in_area),
        "by_audit": as_counts(act.by_audit(in_area)),
    }


def _actions_section(
    snapshot: Snapshot,
    history: Sequence[Snapshot],
    settings: Settings,
    classified: pd.DataFrame,
) -> dict[str, Any]:
    overdue = act.overdue(classified)
    not_yet_due = act.not_yet_due(classified)
    coming = act.due_in_coming(classified)
    by_quarter = act.by_deadline_quarter(classified)
    completed = act.completed_in_quarter(snapshot.actions, snapshot.quarter, settings)
    on_time = int(completed["on_time"].sum())
    return {
        "outstanding": len(classified),
        "outstanding_by_risk": as_counts(act.by_risk(classified)),
        "overdue": len(overdue),
        "not_yet_due": len(not_yet_due),
        "due_next_three_quarters": len(coming),
        "outstanding_by_business_group": as_counts(act.by_business_group(classified)),
        "overdue_by_business_group": as_counts(act.by_business_group(overdue)),
        "outstanding_by_audit": as_counts(act.by_audit(classified)),
        "overdue_by_audit": as_counts(act.by_audit(overdue)),
        "outstanding_by_deadline_quarter": as_counts(by_quarter["outstanding"]),
        "overdue_by_delay_category": as_counts(delays.by_category(overdue)),
        "overdue_by_age_band": as_counts(act.by_age_band(classified)),
        # --- beyond the required keys: the rest of what the paper states
        "overdue_by_risk": as_counts(act.by_risk(overdue)),
        "not_yet_due_by_risk": as_counts(act.by_risk(not_yet_due)),
        "overdue_by_deadline_quarter": as_counts(by_quarter["overdue"]),
        "not_yet_due_by_deadline_quarter": as_counts(by_quarter["not_yet_due"]),
        "deadline_quarters": {
            key: _quarter_span(span) for key, span in act.deadline_ranges(classified).items()
        },
        "overdue_by_business_group_and_audit": as_nested(
            act.within(overdue["business_group"], overdue["audit_title"])
        ),
        "overdue_by_business_group_and_delay_category": as_nested(
            act.within(overdue["business_group"], overdue["reason"])
        ),
        "due_next_three_quarters_by_business_group": as_counts(act.by_business_group(coming)),
        "due_next_three_quarters_by_business_area": as_nested(
            act.within(coming["business_group"], act.business_area(coming))
        ),
        "due_next_three_quarters_by_audit": as_counts(act.by_audit(coming)),
        "due_next_three_quarters_largest_area": _largest_coming_area(coming),
        "outstanding_by_status": as_counts(tally(classified["status"], OUTSTANDING_STATUSES)),
        "median_days_past_deadline": as_number(act.median_days_past_deadline(classified)),
        "completed_this_quarter": {
            "completed": len(completed),
            "on_time": on_time,
            "late": len(completed) - on_time,
        },
        "extensions": act.extensions_summary(classified, revised_deadlines(history)),
    }


# --- deadlines that move, and verification ----------------------------------------------------
def moved_deadlines(
    history: Sequence[Snapshot], settings: Settings, classified: pd.DataFrame
) -> pd.DataFrame:
    """The outstanding actions (``classified``) with their deadline histories' verdicts
    (:func:`analysis.figures.deadlines.with_moves`), over ``history`` (every snapshot up to and
    including the quarter's, oldest first)."""
    history = History.of(history)
    found = deadlines.deadline_history(
        deadline_columns(history), history.as_ofs, classified["action_id"]
    )
    moves = deadlines.action_moves(found, settings.deadline_move_limit)
    return deadlines.with_moves(classified, moves)


def implemented_actions(snapshot: Snapshot, settings: Settings) -> pd.DataFrame | None:
    """The quarter's monitored Implemented actions with the verification rules' flags
    (:func:`analysis.figures.verification.implemented`); None when the tracker has no
    ``verified_date`` column."""
    if not verification.records_verification(snapshot.actions):
        return None
    monitored = act.monitored(snapshot.actions, settings)
    return verification.implemented(monitored, snapshot.quarter, snapshot.as_of)


def _verification_block(implemented: pd.DataFrame | None) -> dict[str, Any]:
    """``verification`` when the tracker records it; nothing otherwise."""
    if implemented is None:
        return {}
    return {"verification": verification.summary(implemented)}


def with_attention_flags(moved: pd.DataFrame, implemented: pd.DataFrame | None) -> pd.DataFrame:
    """The classified frame with the per-row flags the optional attention rules read."""
    flagged = moved.copy()
    flagged["awaiting_verification_over_90_days"] = False
    if implemented is not None:
        keys = implemented.loc[implemented["awaiting_over_90_days"], "audit_key"]
        flagged["awaiting_verification_over_90_days"] = flagged["audit_key"].isin(set(keys))
    return flagged


def _attention_section(classified: pd.DataFrame, settings: Settings) -> list[dict[str, Any]]:
    items = []
    # Plain records rather than iterrows(): a row Series per audit cost a quarter of a second
    # on a national list of thousands of audits.
    for row in attention_list(classified, settings.attention).to_dict(orient="records"):
        deadline = row["earliest_deadline"]
        items.append(
            {
                "audit": str(row["audit"]),
                "audit_year": str(row["audit_year"]),
                "assurance": str(row["assurance"]),
                "business_group": str(row["business_group"]),
                "outstanding": int(row["outstanding"]),
                "overdue": int(row["overdue"]),
                "outstanding_by_risk": {r: int(row[r]) for r in RISKS if row[r]},
                "earliest_deadline": as_date(deadline),
                "earliest_deadline_month": deadline.strftime("%B %Y"),
                "oldest_days_past_deadline": as_number(row["oldest_days_past_deadline"]),
                "rules": list(row["rules"]),
                "reason_categories": list(row["reason_categories"]),
                "common_reason": None
                if pd.isna(row["common_reason"])
                else str(row["common_reason"]),
            }
        )
    return items


def _attention_settings(classified: pd.DataFrame, settings: Settings) -> dict[str, Any]:
    """The panel's attention settings as used, and how many audits the rules selected before
    any cap (so the paper can say "the first four of ten")."""
    chosen = settings.attention
    return {
        "rules": list(chosen.rules),
        "long_overdue_days": chosen.long_overdue_days,
        "limit": chosen.limit,
        "order": chosen.order,
        "order_text": ORDERS[chosen.order],
        "selected": len(selected_audits(classified, chosen)),
    }


# --- themes: what the findings are about (analysis/figures/themes.py) ---------------------------------
def _themes_block(
    snapshot: Snapshot,
    history: Sequence[Snapshot],
    settings: Settings,
    classified: pd.DataFrame,
) -> dict[str, Any]:
    """``themes``, ``cross_cutting_themes``, ``theme_rules`` and ``theme_trends``: one block,
    kept apart from the sections above."""
    rules = themes.rules_for(settings)
    recs = themes.themed_recommendations(snapshot.recommendations, rules)
    acts = themes.themed_actions(classified, snapshot.actions, rules)
    table = themes.theme_table(recs, acts, rules)
    by_group = act.within(acts[themes.SUBJECT], acts["business_group"])
    block: dict[str, Any] = {
        "themes": {
            str(name): {
                "open_recommendations": int(row["open_recommendations"]),
                "outstanding_actions": int(row["outstanding_actions"]),
                "overdue_actions": int(row["overdue_actions"]),
                "outstanding_by_business_group": as_counts(
                    by_group.get(name, pd.Series(dtype=int))
                ),
            }
            for name, row in table.iterrows()
        },
        "cross_cutting_themes": themes.cross_cutting(table),
        "theme_rules": [{"name": r.name, "description": r.description} for r in rules],
        "theme_trends": [],
    }
    for earlier in history:
        if earlier.quarter == snapshot.quarter:
            counts = table
        else:
            counts = themes.snapshot_theme_table(earlier, settings, rules)
        block["theme_trends"].append(
            {
                "quarter": earlier.quarter.id,
                "label": earlier.quarter.label,
                "by_theme": {
                    str(name): {
                        "open_recommendations": int(row["open_recommendations"]),
                        "outstanding_actions": int(row["outstanding_actions"]),
                    }
                    for name, row in counts.iterrows()
                },
            }
        )
    return block


def _trends_section(history: Sequence[Snapshot], settings: Settings) -> list[dict[str, Any]]:
    table = trends(history, settings)
    rows = []
    for record in table.to_dict(orient="records"):
        row: dict[str, Any] = {}
        for key, value in record.items():
            if key == "as_of":
                row[key] = as_date(value)
            elif key in ("quarter", "label"):
                row[key] = str(value)
            else:
                row[key] = as_number(None if pd.isna(value) else float(value))
        rows.append(row)
    return rows


def _deadline_trends_section(
    history: Sequence[Snapshot], settings: Settings
) -> list[dict[str, Any]]:
    """Moved, moved more than the limit, moved after passing and awaiting verification per
    quarter (:func:`analysis.figures.trends.deadline_trends`); None where a quarter's tracker
    did not record verification."""
    table = deadline_trends(history, settings)
    return [
        {
            key: (str(value) if key in ("quarter", "label") else as_number(value))
            for key, value in record.items()
        }
        for record in table.astype(object).to_dict(orient="records")
    ]


def _paper_section(snapshot: Snapshot) -> dict[str, Any]:
    """The paper's title block, from snapshot.yml: what the renderer puts in the header."""
    meta = snapshot.meta
    marking = str(meta.get("marking") or OFFICIAL)
    authors = meta.get("authors") or []
    return {
        "title": f"HMICFRS inspections and DARA audit actions: {snapshot.quarter.label} update",
        "panel": str(meta.get("panel") or "Audit Panel"),
        "panel_date_text": long_date(meta.get("panel_date")) or "date to be confirmed",
        "marking": marking,
        "marking_text": "Non-restricted paper" if marking == OFFICIAL else "Restricted paper",
        "quarter_label": snapshot.quarter.label,
        "authors": [str(a) for a in authors],
        "contact": str(meta.get("contact") or ""),
    }


# --- the whole record ---------------------------------------------------------------------------
def _history_up_to(snapshot: Snapshot, history: Sequence[Snapshot]) -> History:
    """The snapshots up to the report's quarter, oldest first, the report's own snapshot last."""
    return History.of(history).up_to(snapshot)


def build_figures(
    snapshot: Snapshot, history: Sequence[Snapshot], settings: Settings
) -> dict[str, Any]:
    """Every figure of the quarter's paper.  ``history`` is every snapshot up to and including
    the quarter's (oldest first); the quarter's own snapshot is used whether or not it is in it."""
    history = _history_up_to(snapshot, history)
    previous = history[-2] if len(history) > 1 else None
    rules = delays.rules_for(settings)
    classified = act.classify(snapshot.actions, snapshot.as_of, snapshot.quarter, settings)
    classified = delays.with_reasons(classified, snapshot.actions, rules)
    moved = moved_deadlines(history, settings, classified)
    implemented = implemented_actions(snapshot, settings)
    flagged = with_attention_flags(moved, implemented)
    coming_first = snapshot.quarter.next()
    coming_last = snapshot.quarter.next(settings.coming_quarters)
    figures: dict[str, Any] = {
        "schema": SCHEMA_VERSION,
        "quarter": snapshot.quarter.id,
        "quarter_label": snapshot.quarter.label,
        "as_of": as_date(snapshot.as_of),
        "panel_date": as_date(snapshot.meta.get("panel_date")),
        "deadline_basis": settings.deadline_basis,
        "threshold": settings.describe_threshold(),
        "coming_quarters": {
            "count": settings.coming_quarters,
            "first": coming_first.id,
            "first_label": coming_first.label,
            "last": coming_last.id,
            "last_label": coming_last.label,
            "last_day": as_date(coming_last.last_day),
        },
        "recommendations": _recommendations_section(snapshot, previous),
        "actions": _actions_section(snapshot, history, settings, classified),
        "attention": _attention_section(flagged, settings),
        "attention_rules": rule_wording(settings.attention, settings.deadline_move_limit),
        "delay_categories": [
            {"name": rule.name, "description": rule.description} for rule in rules
        ],
        "warnings": len(snapshot.warnings),
        "trends": _trends_section(history, settings),
        "paper": _paper_section(snapshot),
    }
    figures.update(_reconciliation_block(snapshot))
    figures.update(_input_maps_block(snapshot, settings))
    figures["attention_settings"] = _attention_settings(flagged, settings)
    figures.update(_themes_block(snapshot, history, settings, classified))
    figures["deadlines"] = deadlines.summary(moved, settings.deadline_move_limit)
    figures.update(_verification_block(implemented))
    figures["deadline_trends"] = _deadline_trends_section(history, settings)
    validate(figures)
    return figures


# --- the column and value maps (when any) ----------------------------------------------------------
def _input_maps_block(snapshot: Snapshot, settings: Settings) -> dict[str, Any]:
    """``input_maps`` when the quarter was read through a column or value map, for the method
    annex; nothing otherwise, so a quarter read by the contract's own names and words keeps the
    very record it had."""
    maps = for_quarter(settings, snapshot.meta).record()
    return {"input_maps": maps} if maps else {}


# --- the own HMICFRS tracker (optional) ---------------------------------------------------------
def _reconciliation_block(snapshot: Snapshot) -> dict[str, Any]:
    """``reconciliation`` when the snapshot holds the force's own tracker; nothing otherwise,
    so a quarter without one keeps the very record it had."""
    if snapshot.tracker is None:
        return {}
    reconciled = reconciliation.reconcile(snapshot.recommendations, snapshot.tracker)
    return {"reconciliation": reconciliation.summary(reconciled)}


@cache
def schema() -> dict[str, Any]:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


def validate(figures: dict[str, Any]) -> None:
    """Raise ``jsonschema.ValidationError`` when the record breaks figures.schema.json, naming
    the path and the rule.  The validator is built once per process (:func:`_validator`)."""
    _validator().validate(figures)


@cache
def _validator() -> Any:
    """figures.schema.json's draft 2020-12 validator, its schema checked once and its
    references resolved once: building it again for every record would repeat both."""
    jsonschema = import_jsonschema()
    jsonschema.Draft202012Validator.check_schema(schema())
    return jsonschema.Draft202012Validator(schema())


_CHECKED_TEXTS: set[str] = set()
"""SHA-256 of figures.json texts that passed the schema in this process.  A record reused from
the disk cache passed it when it was built, under the same schema (the cache key covers every
rules file), so printing it need not walk its thousands of entries again."""


def to_json(figures: dict[str, Any]) -> str:
    """The record as the bytes figures.json holds: validated, indented, UTF-8 text as written."""
    try:
        text = record_text(figures)
    except (TypeError, ValueError):
        validate(figures)  # a malformed record is reported by the schema, as before
        raise
    digest = text_digest(text)
    if digest not in _CHECKED_TEXTS:
        validate(figures)
        _CHECKED_TEXTS.add(digest)
    return text


def remembered_figures(
    snapshot: Snapshot, history: Sequence[Snapshot], settings: Settings
) -> dict[str, Any]:
    """:func:`build_figures` through the disk cache.

    The record is a function of the snapshots' files, the settings and the code alone (the
    key covers all of them), so ``panelpaper figures``, the run's figures.json and every paper
    notebook of the quarter share one computation: whichever comes first builds and stores
    it, the others read it back."""

    def build() -> dict[str, Any]:
        figures = build_figures(snapshot, history, settings)  # validated on the way
        return {"figures": figures, "checked": text_digest(record_text(figures))}

    key = disk_cache.figures_key([*History.of(history).source_keys, snapshot.source_key], settings)
    built = disk_cache.remembered("figures", key, build)
    _CHECKED_TEXTS.add(built["checked"])
    return built["figures"]


def figures_for_quarter(data_dir: Path | str, quarter: Quarter | str) -> dict[str, Any]:
    """Load the quarter's snapshot and history with the data folder's settings, and build."""
    data_dir = Path(data_dir)
    quarter = Quarter.parse(quarter)
    settings = load_settings(data_dir)
    history = load_history(data_dir, quarter, settings)
    return remembered_figures(history[-1], history, settings)
