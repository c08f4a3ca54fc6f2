"""The contract's cell rules: dates, coded values, ids and audit years, on text frames."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from analysis.inputs.schemas import (
    ACTIONS,
    RECOMMENDATIONS,
    canonical,
    date_problems,
    parse_date,
    parse_dates,
    validate,
)


def text(*values: str | None) -> pd.Series:
    return pd.Series(list(values), dtype="str")


# --- dates -------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("2019-06-30", dt.date(2019, 6, 30)),
        ("30/06/2019", dt.date(2019, 6, 30)),
        ("30/6/2019", dt.date(2019, 6, 30)),
        ("1/4/2019", dt.date(2019, 4, 1)),
        ("01/04/2019", dt.date(2019, 4, 1)),  # day first: 1 April, not 4 January
        ("2019-06-30 14:30", dt.date(2019, 6, 30)),  # time dropped
        ("2019-06-30 00:00:00", dt.date(2019, 6, 30)),
        ("2019-06-30T09:15:00", dt.date(2019, 6, 30)),
        ("30/06/2019 17:05", dt.date(2019, 6, 30)),
        ("2020-02-29", dt.date(2020, 2, 29)),  # leap day
    ],
)
def test_accepted_dates(cell: str, expected: dt.date) -> None:
    assert parse_dates(text(cell)).iloc[0] == pd.Timestamp(expected)
    assert pd.isna(date_problems(text(cell)).iloc[0])
    assert parse_date(cell) == expected


@pytest.mark.parametrize(
    ("cell", "reason"),
    [
        ("2019-6-30", "not a date in the form 2019-06-30 or 30/06/2019"),
        ("2019-06-3", "not a date in the form"),
        ("19-06-30", "not a date in the form"),
        ("30/06/19", "not a date in the form"),
        ("30.06.2019", "not a date in the form"),
        ("30-06-2019", "not a date in the form"),
        ("2019/06/30", "not a date in the form"),
        ("20190630", "not a date in the form"),
        ("30 June 2019", "not a date in the form"),
        ("TBC", "not a date in the form"),
        ("31/02/2019", "not a real calendar date"),
        ("2019-02-29", "not a real calendar date"),  # 2019 is not a leap year
        ("2019-13-01", "not a real calendar date"),
        ("00/06/2019", "not a real calendar date"),
        ("06/30/2019", "US order"),
        ("12/31/2019", "US order"),
        ("0219-06-30", "outside 1900-2199"),
        ("\u0662\u0660\u0661\u0669-06-30", "not a date in the form"),  # non-ASCII digits
    ],
)
def test_rejected_dates(cell: str, reason: str) -> None:
    assert pd.isna(parse_dates(text(cell)).iloc[0])
    assert reason in date_problems(text(cell)).iloc[0]
    with pytest.raises(ValueError, match=reason.split(" (")[0][:20]):
        parse_date(cell)


def test_blank_cells_are_missing_not_errors() -> None:
    cells = text(None, "2019-06-30", None)
    assert parse_dates(cells).isna().tolist() == [True, False, True]
    assert date_problems(cells).isna().all()
    assert str(parse_dates(cells).dtype) == "datetime64[ns]"


def test_parse_dates_keeps_the_index() -> None:
    cells = pd.Series(["2019-06-30", "1/7/2019"], index=[10, 20], dtype="str")
    parsed = parse_dates(cells)
    assert parsed.index.tolist() == [10, 20]
    assert parsed.tolist() == [pd.Timestamp(2019, 6, 30), pd.Timestamp(2019, 7, 1)]


def test_parse_date_accepts_date_objects_and_drops_time() -> None:
    assert parse_date(dt.date(2019, 6, 30)) == dt.date(2019, 6, 30)
    assert parse_date(dt.datetime(2019, 6, 30, 23, 59)) == dt.date(2019, 6, 30)
    with pytest.raises(ValueError):
        parse_date(20190630)
    with pytest.raises(ValueError):
        parse_date("   ")


@given(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2199, 12, 31)))
def test_every_real_date_reads_back_in_each_accepted_form(day: dt.date) -> None:
    forms = [
        day.isoformat(),
        f"{day.day:02d}/{day.month:02d}/{day.year}",
        f"{day.day}/{day.month}/{day.year}",
    ]
    parsed = parse_dates(text(*forms))
    assert parsed.tolist() == [pd.Timestamp(day)] * 3


@given(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2199, 12, 31)))
def test_us_order_is_never_guessed(day: dt.date) -> None:
    us = f"{day.month:02d}/{day.day:02d}/{day.year}"
    parsed = parse_dates(text(us)).iloc[0]
    if day.day > 12:
        assert pd.isna(parsed)  # month above 12: rejected
    else:
        # Read day first, so 04/01/2019 is 4 January whatever the writer meant.
        assert parsed == pd.Timestamp(day.year, day.day, day.month)


# --- tables ------------------------------------------------------------------------------------
def action_frame(**changes: list[str | None]) -> pd.DataFrame:
    """Two valid action rows as the reader gives them: text cells, rows 2 and 3."""
    frame = {
        "action_id": ["A1", "A2"],
        "audit_title": ["Audit one", "Audit two"],
        "audit_year": ["2018/19", "2019/20"],
        "assurance": ["Limited", "No"],
        "risk": ["High", "Medium"],
        "business_group": ["Met HQ", "Frontline Policing"],
        "due_date": ["2019-03-31", "30/09/2019"],
        "status": ["Open", "Closed"],
        "completed_date": [None, "01/10/2019"],
    }
    frame.update(changes)
    out = pd.DataFrame({k: pd.Series(v, dtype="str") for k, v in frame.items()})
    out["source_row"] = [2, 3]
    return out


def test_a_valid_action_frame_has_no_findings() -> None:
    assert validate(action_frame(), ACTIONS, "a.xlsx") == []


def test_findings_carry_file_row_column_and_value() -> None:
    frame = action_frame(risk=["High", "Extreme"], completed_date=[None, "1/13/2019"])
    findings = validate(frame, ACTIONS, "snapshots/x/a.xlsx")
    assert [(f.severity, f.file, f.row, f.column, f.value) for f in findings] == [
        ("error", "snapshots/x/a.xlsx", 3, "risk", "Extreme"),
        ("error", "snapshots/x/a.xlsx", 3, "completed_date", "1/13/2019"),
    ]


def test_rows_are_reported_as_excel_rows_not_positions() -> None:
    frame = action_frame(status=["Stalled", "Open"])
    frame["source_row"] = [7, 12]
    (finding,) = validate(frame, ACTIONS, "a.csv")
    assert (finding.row, finding.value) == (7, "Stalled")


def test_missing_required_columns_are_reported_on_the_header_row() -> None:
    frame = action_frame().drop(columns=["risk", "status"])
    findings = validate(frame, ACTIONS, "a.csv")
    assert sorted((f.row, f.column, f.value) for f in findings) == [
        (1, "risk", None),
        (1, "status", None),
    ]


def test_duplicate_ids_name_the_first_row() -> None:
    frame = action_frame(action_id=["A1", "A1"])
    (finding,) = validate(frame, ACTIONS, "a.csv")
    assert (finding.row, finding.column, finding.value) == (3, "action_id", "A1")
    assert finding.message == "duplicate action_id, first seen on row 2"


def test_canonical_frame_spells_values_the_contract_way() -> None:
    frame = action_frame(
        status=["on HOLD", "not ADOPTED"],
        assurance=["substantial", "LIMITED"],
        business_group=["met hq", "Roads Policing"],
    )
    assert validate(frame, ACTIONS, "a.csv") == []
    out = canonical(frame, ACTIONS)
    assert out["status"].tolist() == ["On hold", "Not adopted"]
    assert out["assurance"].tolist() == ["Substantial", "Limited"]
    assert out["business_group"].tolist() == ["Met HQ", "Roads Policing"]
    assert out["marking"].tolist() == ["OFFICIAL", "OFFICIAL"]
    assert out["due_date"].tolist() == [pd.Timestamp(2019, 3, 31), pd.Timestamp(2019, 9, 30)]
    assert out["owner"].isna().all()
    assert out["source_row"].tolist() == [2, 3]
    present = [c for c in ACTIONS.columns if c not in ACTIONS.present_only]
    assert list(out.columns) == [*present, "source_row"]  # no verified_date column given


def test_recommendation_frame() -> None:
    frame = pd.DataFrame(
        {
            "rec_id": pd.Series(["R1", "R2"], dtype="str"),
            "inspection": pd.Series(["PEEL 2019", "Fraud"], dtype="str"),
            "theme": pd.Series(["peel", "Serious crime"], dtype="str"),
            "type": pd.Series(["recommendation", "CAUSE OF CONCERN"], dtype="str"),
            "published": pd.Series(["2019-05-01", "2/5/2019"], dtype="str"),
            "status": pd.Series(["complete", "Awaiting Review"], dtype="str"),
            "marking": pd.Series([None, "official-sensitive"], dtype="str"),
            "source_row": [2, 3],
        }
    )
    assert validate(frame, RECOMMENDATIONS, "r.csv") == []
    out = canonical(frame, RECOMMENDATIONS)
    assert out["theme"].tolist() == ["PEEL", "Serious crime"]
    assert out["type"].tolist() == ["Recommendation", "Cause of concern"]
    assert out["status"].tolist() == ["Complete", "Awaiting review"]
    assert out["marking"].tolist() == ["OFFICIAL", "OFFICIAL-SENSITIVE"]
    assert out["published"].tolist() == [pd.Timestamp(2019, 5, 1), pd.Timestamp(2019, 5, 2)]


def test_a_large_frame_reports_only_its_failing_rows() -> None:
    n = 50_000
    frame = pd.DataFrame(
        {
            "action_id": pd.Series([f"A{i}" for i in range(n)], dtype="str"),
            "audit_title": pd.Series(["Audit"] * n, dtype="str"),
            "audit_year": pd.Series(["2018/19"] * n, dtype="str"),
            "assurance": pd.Series(["Limited"] * n, dtype="str"),
            "risk": pd.Series(["High", "medium"] * (n // 2), dtype="str"),
            "business_group": pd.Series(["Met HQ"] * n, dtype="str"),
            "due_date": pd.Series(["2019-03-31"] * n, dtype="str"),
            "status": pd.Series(["Open"] * n, dtype="str"),
        }
    )
    frame["source_row"] = range(2, n + 2)
    frame.loc[41_234, "due_date"] = "31/04/2019"
    frame.loc[7, "audit_year"] = "2018/20"
    findings = validate(frame, ACTIONS, "big.xlsx")
    assert [(f.row, f.column) for f in findings] == [(9, "audit_year"), (41_236, "due_date")]
    out = canonical(frame, ACTIONS)
    assert out["risk"].value_counts().to_dict() == {"High": n // 2, "Medium": n // 2}
