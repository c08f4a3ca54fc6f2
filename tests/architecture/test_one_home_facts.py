"""Each fact the code states has one home, and a second copy is caught here.

* The contract's columns are declared once, in :mod:`analysis.inputs.vocabulary` (the
  ``*_CONTRACT`` tables).  A module that needs a stretch of them takes it from there
  (``ACTION_COLUMNS[: ...]``); a literal that copies three or more of them in the contract's own
  order is a second list that would silently fall out of step when the contract changes.
  A selection of the columns a rule reads (``["action_id", "due_date", "revised_due_date"]``)
  is not a copy of the contract, and is allowed: what is caught is a run of names that stand
  next to each other both in the literal and in the contract.
* A table's total row is made by :func:`analysis.presentation.tables.with_total` alone: a
  ``"Total"`` literal anywhere else in the rooms that build tables (figures, presentation) is a
  total row built by hand.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

from analysis.inputs import vocabulary
from analysis.paths import PACKAGE

CONTRACTS = {
    "recommendations": vocabulary.REC_COLUMNS,
    "audit_actions": vocabulary.ACTION_COLUMNS,
    "hmicfrs_tracker": vocabulary.TRACKER_COLUMNS,
}
HOME = PACKAGE / "inputs" / "vocabulary.py"
TOTAL_HOME = PACKAGE / "presentation" / "tables.py"
TABLE_ROOMS = (PACKAGE / "figures", PACKAGE / "presentation")
MIN_RUN = 3


def copied_runs(source: str) -> Iterator[tuple[int, str, list[str]]]:
    """(line, contract, names) for every literal tuple, list or set in ``source`` holding
    :data:`MIN_RUN` or more contract column names that stand next to each other in the literal
    and in the contract's order."""
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Tuple | ast.List | ast.Set):
            continue
        items = [e.value if isinstance(e, ast.Constant) else None for e in node.elts]
        for contract, columns in CONTRACTS.items():
            position = {name: i for i, name in enumerate(columns)}
            run: list[str] = []
            for item in [*items, None]:
                follows = item in position and bool(run) and position[item] == position[run[-1]] + 1
                if follows:
                    run.append(item)
                    continue
                if len(run) >= MIN_RUN:
                    yield node.lineno, contract, run
                run = [item] if item in position else []


def hand_made_totals(source: str) -> Iterator[int]:
    """The line of every ``"Total"`` string literal in ``source`` (f-strings included)."""
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Constant) and node.value == "Total":
            yield node.lineno


def modules(*folders: Path) -> list[Path]:
    return sorted(p for folder in folders for p in folder.rglob("*.py"))


def test_the_contracts_columns_are_listed_only_in_the_vocabulary():
    copies = [
        f"{path.relative_to(PACKAGE.parent)}:{line}: {contract} columns {names}"
        for path in modules(PACKAGE)
        if path != HOME
        for line, contract, names in copied_runs(path.read_text(encoding="utf-8"))
    ]
    assert copies == [], "take these from analysis.inputs.vocabulary instead:\n" + "\n".join(copies)


def test_a_total_row_is_made_only_by_the_tables_helper():
    by_hand = [
        f"{path.relative_to(PACKAGE.parent)}:{line}"
        for path in modules(*TABLE_ROOMS)
        if path != TOTAL_HOME
        for line in hand_made_totals(path.read_text(encoding="utf-8"))
    ]
    assert by_hand == [], "use analysis.presentation.tables.with_total:\n" + "\n".join(by_hand)


# --- the detectors themselves: each catches what it is for and passes what it is not ---------
@pytest.mark.parametrize(
    "source",
    [
        'DETAIL = ("quarter", "action_id", "audit_title", "audit_year", "status")',
        'frame[["rec_id", "internal_status", "internal_status_date"]]',
        'COLUMNS = ["x", "programme", "type", "published", "y"]',
    ],
)
def test_a_copied_stretch_of_the_contract_is_caught(source):
    assert list(copied_runs(source))


@pytest.mark.parametrize(
    "source",
    [
        'frame[["action_id", "due_date", "revised_due_date"]]',  # a rule's selection
        'SOURCES = ("title", "inspection", "theme")',  # not the contract's order
        'PAIR = ("action_id", "audit_title")',  # too short to be a copy
        "DETAIL = (QUARTER, *ACTION_COLUMNS[:7], 'status')",  # taken from the home
    ],
)
def test_a_selection_of_columns_is_not_a_copy(source):
    assert list(copied_runs(source)) == []


def test_a_total_written_by_hand_is_caught_in_a_dict_a_list_or_an_f_string():
    source = (
        'rows.append({"Risk": "Total", "Outstanding": n})\n'
        'rows.append(["Total", 1, 2])\n'
        "line = f\"{'Total':<26} {n:>5}\"\n"
        'TOTAL_LABEL = "Total of all"\n'
    )
    assert list(hand_made_totals(source)) == [1, 2, 3]
