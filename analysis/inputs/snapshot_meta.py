"""A snapshot's ``snapshot.yml``: the quarter's details, read with every default filled in.

The file must exist (it is how a folder says it is a snapshot) but may be empty: every key has
a default.  Its shape (the keys it may set and what each may hold) is declared once, in
``analysis/rules/snapshot.schema.json``, and checked through :mod:`analysis.inputs.declared`;
what depends on the quarter (``as_of`` before its first day is an error, after its last day a
warning) and on other keys (a ``panel_date`` before ``as_of``, or still the placeholder that
``panelpaper new`` writes, is an error) is checked here, and so are the quarter's own
``columns:`` and ``values:`` maps, by the settings' rules (:mod:`analysis.inputs.columns`,
:mod:`analysis.inputs.value_maps`): where the file has them they are read into the details as
parsed maps.  Dates follow the table rules (``2019-06-30`` or ``30/06/2019``): YAML's own date
typing is switched off so that a bad date is reported, not crashed on.  Each
mistake is a :class:`~analysis.inputs.findings.Finding` naming the file, the key and the value,
and all of them are collected, as for the snapshot's tables.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from analysis.inputs import declared, readers, schemas
from analysis.inputs.columns import ColumnMapError, parse_map
from analysis.inputs.findings import Finding
from analysis.inputs.value_maps import ValueMapError, parse_values
from analysis.inputs.vocabulary import MARKINGS, OFFICIAL
from analysis.quarters import Quarter

SNAPSHOT_SCHEMA = "snapshot"
"""snapshot.yml's declared shape: ``analysis/rules/snapshot.schema.json``."""

DEFAULT_PANEL = "Audit Panel"

PANEL_DATE_PLACEHOLDER = "TODO (panelpaper new): the date the panel meets"
"""How ``panelpaper new`` leaves ``panel_date``: the meeting is the panel's to set (the sample
panel met 71 to 87 days after a quarter's end), so no date is guessed, and a value starting
with this text is reported as an error until the analyst writes the date in."""


class _TextDatesLoader(yaml.SafeLoader):
    """Safe YAML with dates left as text, so they are judged by the contract's date rules."""


_TextDatesLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def read_meta(
    path: Path, quarter: Quarter, file: str, findings: list[Finding]
) -> dict[str, object] | None:
    """snapshot.yml with defaults filled in; None (with errors added) when unusable."""
    try:
        raw = yaml.load(readers.read_text(path), Loader=_TextDatesLoader)
    except readers.ReadError as exc:
        findings.append(Finding("error", file, str(exc)))
        return None
    except yaml.YAMLError as exc:
        where = getattr(exc, "problem_mark", None)
        line = f" at line {where.line + 1}" if where is not None else ""
        problem = getattr(exc, "problem", None) or str(exc)
        findings.append(Finding("error", file, f"not valid YAML{line}: {problem}"))
        return None
    if raw is None:
        raw = {}
    wrong: dict[tuple[object, ...], declared.Problem] = {}
    for problem in declared.problems(raw, SNAPSHOT_SCHEMA):  # the first mistake in each key
        wrong.setdefault(problem.path[:1], problem)
    if () in wrong:  # not a mapping: nothing in it can be read
        findings.append(Finding("error", file, wrong[()].message))
        return None
    before = len(findings)

    def error(column: str, message: str) -> None:
        findings.append(
            Finding("error", file, message, column=column, value=_shown(raw.get(column)))
        )

    for column in ("as_of", "panel_date", "marking", "authors"):
        if column == "panel_date" and _is_placeholder(raw.get(column)):
            _check_panel_date(raw, quarter, ("as_of",) not in wrong, error)
        elif (column,) in wrong:
            error(column, wrong[(column,)].message)
        elif column == "as_of":
            _check_as_of(raw, quarter, file, findings, error)
        elif column == "panel_date":
            _check_panel_date(raw, quarter, ("as_of",) not in wrong, error)
    maps = _own_maps(raw, file, wrong, findings)
    if any(f.severity == "error" for f in findings[before:]):
        return None
    return {**_filled_in(raw, quarter), **maps}


def _own_maps(
    raw: dict[str, Any],
    file: str,
    wrong: dict[tuple[object, ...], declared.Problem],
    findings: list[Finding],
) -> dict[str, object]:
    """The quarter's own ``columns:`` and ``values:`` maps, where the file has them, checked
    by the rules of the settings' maps and parsed as they are; a mistake is an error naming the
    file and the key, as in the settings."""
    maps: dict[str, object] = {}
    for key, parse in (("columns", parse_map), ("values", parse_values)):
        if key not in raw:
            continue
        if (key,) in wrong:
            findings.append(Finding("error", file, wrong[(key,)].message, column=key))
            continue
        try:
            maps[key] = parse(raw.get(key), file)
        except (ColumnMapError, ValueMapError) as exc:
            message = str(exc).removeprefix(f"{file}: ")
            findings.append(Finding("error", file, message, column=key))
    return maps


def _check_as_of(
    raw: dict[str, Any], quarter: Quarter, file: str, findings: list[Finding], error: Any
) -> None:
    """``as_of`` against the quarter: before its first day is an error, after its last a
    warning (a late export still describes the quarter)."""
    if raw.get("as_of") is None:
        return
    as_of = schemas.parse_date(raw["as_of"])
    if as_of < quarter.first_day:
        error("as_of", f"before the first day of {quarter.id} ({quarter.first_day})")
    elif as_of > quarter.last_day:
        findings.append(
            Finding(
                "warning",
                file,
                f"after the last day of {quarter.id} ({quarter.last_day})",
                column="as_of",
                value=_shown(raw["as_of"]),
            )
        )


def _is_placeholder(value: object) -> bool:
    return isinstance(value, str) and value.strip().startswith(PANEL_DATE_PLACEHOLDER)


def _as_of(raw: dict[str, Any], quarter: Quarter) -> str:
    """The as-at date a panel date must not precede, as the error shows it."""
    if raw.get("as_of") is None:
        return f"{quarter.last_day} (as_of's default, the last day of {quarter.id})"
    return f"{schemas.parse_date(raw['as_of'])} (as_of)"


def _check_panel_date(
    raw: dict[str, Any], quarter: Quarter, as_of_ok: bool, error: Callable[[str, str], None]
) -> None:
    """``panel_date``: the placeholder ``panelpaper new`` leaves, or a meeting before the
    data's as-at date (last quarter's date carried over, typically), would put no meeting or
    the wrong one on the paper: both are errors."""
    value = raw.get("panel_date")
    if _is_placeholder(value):
        error(
            "panel_date",
            "still the placeholder panelpaper new wrote: write the date the panel meets "
            "(YYYY-MM-DD or DD/MM/YYYY)"
            + (f", on or after {_as_of(raw, quarter)}" if as_of_ok else "")
            + ", or delete the line for the paper to say 'date to be confirmed'",
        )
    elif value is not None and as_of_ok:
        as_of = quarter.last_day if raw.get("as_of") is None else schemas.parse_date(raw["as_of"])
        if schemas.parse_date(value) < as_of:
            error(
                "panel_date",
                f"before the data's as-at date {_as_of(raw, quarter)}: the paper would go to "
                "a meeting held before its figures were taken (last quarter's date carried "
                "over?); write the date the panel meets",
            )


def _filled_in(raw: dict[str, Any], quarter: Quarter) -> dict[str, object]:
    """The details of a file that fits its schema, each key given its value or its default;
    keys the schema does not name are kept as written."""
    meta: dict[str, object] = {str(k): v for k, v in raw.items()}
    as_of = raw.get("as_of")
    meta["as_of"] = quarter.last_day if as_of is None else schemas.parse_date(as_of)
    panel_date = raw.get("panel_date")
    meta["panel_date"] = None if panel_date is None else schemas.parse_date(panel_date)

    panel = raw.get("panel")
    meta["panel"] = DEFAULT_PANEL if panel is None or not str(panel).strip() else str(panel).strip()

    marking = raw.get("marking")
    canonical = {m.casefold(): m for m in MARKINGS}
    meta["marking"] = canonical.get(str(marking or "").strip().casefold(), OFFICIAL)

    authors = raw.get("authors")
    if authors is None:
        meta["authors"] = []
    elif isinstance(authors, str):
        meta["authors"] = [authors.strip()] if authors.strip() else []
    else:
        meta["authors"] = [str(a).strip() for a in authors if str(a).strip()]

    contact = raw.get("contact")
    if contact is None:
        meta["contact"] = ""
    elif isinstance(contact, dict):
        meta["contact"] = ", ".join(str(v).strip() for v in contact.values() if v is not None)
    elif isinstance(contact, list):
        meta["contact"] = ", ".join(str(v).strip() for v in contact if v is not None)
    else:
        meta["contact"] = str(contact).strip()
    return meta


def _shown(value: object) -> str | None:
    return None if value is None else str(value)
