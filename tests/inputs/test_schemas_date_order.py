"""US order is never guessed: one value that only US order reads (09/13/2018) makes every value
of its column that reads as two dates (07/09/2018) an error too; a column of such values alone
is read day first, as always."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd

from analysis.inputs.schemas import date_problems, us_order_ambiguity
from analysis.inputs.snapshots import check_snapshot
from analysis.quarters import Quarter
from tests.conftest import ACTIONS

Q1 = Quarter(2019, 1)
RECS = "snapshots/2019-20-Q1/recommendations.csv"
ACTIONS_CSV = "snapshots/2019-20-Q1/audit_actions.csv"
US_ORDER = (
    "not a date: dates are read day first (30/06/2019) and a month above 12 suggests US "
    "order, which is never accepted"
)


def ambiguous(example: str) -> str:
    return (
        f"an ambiguous date in a column that holds US-order dates: {example!r} can only be "
        "read month first, so this one, which reads as a different date day first and month "
        "first, cannot be read safely; write it as 2019-06-30 (year, month, day)"
    )


def errors(findings):
    return [f for f in findings if f.severity == "error"]


def test_a_us_order_date_condemns_the_ambiguous_dates_of_its_column(
    data_dir: Path, make_snapshot
) -> None:
    make_snapshot(
        rec_cells={
            ("R1", "published"): "07/09/2018",  # 7 September or 9 July?
            ("R2", "published"): "09/13/2018",  # only 13 September, month first
            ("R3", "published"): "25/12/2017",  # only day first: a day above 12
            ("R4", "published"): "01/01/2019",  # the same date either way
        }
    )
    snapshot, findings = check_snapshot(data_dir, Q1)
    assert snapshot is None
    assert [(f.file, f.row, f.column, f.value, f.message) for f in errors(findings)] == [
        (RECS, 2, "published", "07/09/2018", ambiguous("09/13/2018")),
        (RECS, 3, "published", "09/13/2018", US_ORDER),
    ]


def test_ambiguous_dates_alone_are_read_day_first(data_dir: Path, make_snapshot) -> None:
    make_snapshot(
        rec_cells={("R1", "published"): "07/09/2018", ("R2", "published"): "3/4/2018"},
    )
    snapshot, findings = check_snapshot(data_dir, Q1)
    assert errors(findings) == [] and snapshot is not None
    assert snapshot.recommendations["published"].dt.date.tolist()[:2] == [
        dt.date(2018, 9, 7),
        dt.date(2018, 4, 3),
    ]


def test_the_rule_is_per_column(data_dir: Path, make_snapshot) -> None:
    """A US-order date in ``published`` says nothing of how ``status_date`` was written."""
    make_snapshot(
        rec_cells={
            ("R1", "published"): "09/13/2018",
            ("R1", "status_date"): "07/05/2019",
        }
    )
    _, findings = check_snapshot(data_dir, Q1)
    assert [(f.row, f.column, f.value) for f in errors(findings)] == [
        (2, "published", "09/13/2018")
    ]


def test_the_action_trackers_csv_follows_the_same_rule(data_dir: Path, make_snapshot) -> None:
    actions = [dict(row) for row in ACTIONS]
    actions[0]["due_date"] = "03/31/2019"
    actions[1]["due_date"] = "01/02/2019"
    actions[2]["due_date"] = "30/09/2019"
    make_snapshot(actions=actions, actions_format="csv")
    _, findings = check_snapshot(data_dir, Q1)
    assert [(f.file, f.row, f.column, f.value, f.message) for f in errors(findings)] == [
        (ACTIONS_CSV, 2, "due_date", "03/31/2019", US_ORDER),
        (ACTIONS_CSV, 3, "due_date", "01/02/2019", ambiguous("03/31/2019")),
    ]


def test_iso_dates_are_never_ambiguous() -> None:
    column = pd.Series(["2018-07-09", "09/13/2018", None, "07/09/2018"], dtype="str")
    flags = us_order_ambiguity(column)
    assert flags.isna().tolist() == [True, True, True, False]
    assert flags.iloc[3] == "09/13/2018"
    problems = date_problems(column)
    assert problems.isna().tolist() == [True, False, True, False]
    assert problems.iloc[3] == ambiguous("09/13/2018")
