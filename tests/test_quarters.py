"""Financial-year quarters: every spelling the contract accepts, and nothing else."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from analysis.quarters import (
    ACCEPTED_FORMS,
    Quarter,
    QuarterError,
    long_date,
    month_year,
    parse_quarter,
    quarter_range,
)

Q1_1920 = Quarter(2019, 1)


@pytest.mark.parametrize(
    "text",
    [
        "2019-20-Q1",
        "2019-20-q1",
        "  2019-20-Q1  ",
        "2019 - 20 - Q1",
        "2019/20 Q1",
        "2019/20q1",
        "2019 / 20   Q 1",
        "Q1 19/20",
        "q1 19/20",
        "Q1   19 / 20",
        "Q1 2019/20",
        "q1 2019/20",
        "FY2019/20 Q1",
        "fy2019/20 q1",
        "FY 2019/20 Q1",
        "Fy2019/20\tQ1",
    ],
)
def test_every_accepted_form_reads_as_the_same_quarter(text: str) -> None:
    assert Quarter.parse(text) == Q1_1920
    assert parse_quarter(text) == Q1_1920


@pytest.mark.parametrize(
    ("text", "fy_start", "number"),
    [
        ("2020-21-Q4", 2020, 4),
        ("Q3 17/18", 2017, 3),
        ("FY2099/00 Q2", 2099, 2),  # the century turns between the two halves
        ("Q4 1999/00", 1999, 4),
    ],
)
def test_other_years_and_quarters(text: str, fy_start: int, number: int) -> None:
    assert Quarter.parse(text) == Quarter(fy_start, number)


@pytest.mark.parametrize(
    "text",
    [
        "2019/21 Q1",  # second year is not the first plus one
        "2019-21-Q1",
        "Q1 19/21",
        "2019-Q5",
        "2019-20-Q5",
        "2019-20-Q0",
        "Q5 2019/20",
        "../../etc",
        "2019-20-Q1; rm -rf /",
        "2019-20-Q1/../2018-19-Q4",
        "",
        "   ",
        "Q1",
        "2019",
        "2019-2020-Q1",
        "19/20 Q1",
        "2019-20",
        "Quarter 1 2019/20",
        "\u0662\u0660\u0661\u0669-\u0662\u0660-Q\u0661",  # Arabic-Indic digits are not the ASCII digits the contract means
    ],
)
def test_rejected_forms_raise_with_the_accepted_forms_listed(text: str) -> None:
    with pytest.raises(QuarterError) as caught:
        Quarter.parse(text)
    message = str(caught.value)
    for form in ACCEPTED_FORMS:
        assert form in message
    assert repr(text) in message


def test_a_year_that_is_not_consecutive_says_so() -> None:
    with pytest.raises(QuarterError, match="second year is not the first plus one"):
        Quarter.parse("2019/21 Q1")


@pytest.mark.parametrize("value", [None, 2019, 2019.1, ["2019-20-Q1"]])
def test_values_that_are_not_text_are_rejected(value: object) -> None:
    with pytest.raises(QuarterError):
        Quarter.parse(value)  # type: ignore[arg-type]


def test_a_quarter_passes_through_parse_unchanged() -> None:
    assert Quarter.parse(Q1_1920) is Q1_1920


def test_constructor_rejects_a_fifth_quarter() -> None:
    with pytest.raises(QuarterError):
        Quarter(2019, 5)


def test_names() -> None:
    assert Q1_1920.id == "2019-20-Q1"
    assert str(Q1_1920) == "2019-20-Q1"
    assert Q1_1920.label == "Q1 19/20"
    assert Q1_1920.financial_year == "2019/20"
    assert Quarter(2099, 4).id == "2099-00-Q4"
    assert Quarter(2099, 4).label == "Q4 99/00"
    assert Quarter(2009, 2).label == "Q2 09/10"


@pytest.mark.parametrize(
    ("quarter", "first", "last"),
    [
        (Quarter(2019, 1), dt.date(2019, 4, 1), dt.date(2019, 6, 30)),
        (Quarter(2019, 2), dt.date(2019, 7, 1), dt.date(2019, 9, 30)),
        (Quarter(2019, 3), dt.date(2019, 10, 1), dt.date(2019, 12, 31)),
        (Quarter(2019, 4), dt.date(2020, 1, 1), dt.date(2020, 3, 31)),
        (Quarter(2023, 4), dt.date(2024, 1, 1), dt.date(2024, 3, 31)),
    ],
)
def test_first_and_last_days(quarter: Quarter, first: dt.date, last: dt.date) -> None:
    assert quarter.first_day == first
    assert quarter.last_day == last
    assert quarter.contains(first) and quarter.contains(last)
    assert not quarter.contains(first - dt.timedelta(days=1))
    assert not quarter.contains(last + dt.timedelta(days=1))


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (dt.date(2020, 3, 31), "2019-20-Q4"),  # last day of the financial year
        (dt.date(2020, 4, 1), "2020-21-Q1"),  # first day of the next one
        (dt.date(2019, 4, 1), "2019-20-Q1"),
        (dt.date(2019, 6, 30), "2019-20-Q1"),
        (dt.date(2019, 7, 1), "2019-20-Q2"),
        (dt.date(2019, 12, 31), "2019-20-Q3"),
        (dt.date(2020, 1, 1), "2019-20-Q4"),
        (dt.datetime(2020, 3, 31, 23, 59), "2019-20-Q4"),
    ],
)
def test_of_date(day: dt.date, expected: str) -> None:
    assert Quarter.of_date(day).id == expected


def test_next_and_previous_cross_the_financial_year() -> None:
    q4 = Quarter(2019, 4)
    assert q4.next() == Quarter(2020, 1)
    assert q4.next().previous() == q4
    assert Quarter(2020, 1).previous() == Quarter(2019, 4)
    assert Q1_1920.next(4) == Quarter(2020, 1)
    assert Q1_1920.previous() == Quarter(2018, 4)
    assert Q1_1920.previous(5) == Quarter(2017, 4)
    assert Q1_1920.next(3) == Quarter(2019, 4)


def test_ordering_and_distance() -> None:
    quarters = [Quarter(2020, 1), Quarter(2019, 4), Quarter(2018, 2), Quarter(2019, 1)]
    assert sorted(quarters) == [
        Quarter(2018, 2),
        Quarter(2019, 1),
        Quarter(2019, 4),
        Quarter(2020, 1),
    ]
    assert Quarter(2020, 1) - Quarter(2019, 1) == 4
    assert Quarter(2019, 1) - Quarter(2019, 4) == -3
    assert Quarter(2019, 4) > Quarter(2019, 3)
    assert Quarter(2019, 1) <= Quarter(2019, 1)
    assert len({Quarter(2019, 1), Quarter.parse("Q1 19/20")}) == 1


def test_quarter_range_is_inclusive_and_crosses_years() -> None:
    span = quarter_range(Quarter(2018, 3), Quarter(2019, 2))
    assert [q.id for q in span] == ["2018-19-Q3", "2018-19-Q4", "2019-20-Q1", "2019-20-Q2"]
    assert quarter_range(Q1_1920, Q1_1920) == [Q1_1920]
    assert quarter_range(Quarter(2019, 2), Q1_1920) == []


@given(st.dates(min_value=dt.date(1950, 1, 1), max_value=dt.date(2200, 12, 31)))
def test_every_date_falls_in_the_quarter_of_date(day: dt.date) -> None:
    quarter = Quarter.of_date(day)
    assert quarter.contains(day)
    assert quarter.first_day <= day <= quarter.last_day


@given(st.integers(min_value=1950, max_value=2200), st.integers(min_value=1, max_value=4))
def test_id_and_label_read_back(fy_start: int, number: int) -> None:
    quarter = Quarter(fy_start, number)
    assert Quarter.parse(quarter.id) == quarter
    assert Quarter.parse(f"{quarter.financial_year} Q{number}") == quarter
    assert Quarter.parse(f"Q{number} {quarter.financial_year}") == quarter
    # The next quarter starts the day after this one ends.
    assert quarter.next().first_day == quarter.last_day + dt.timedelta(days=1)


def test_dates_in_the_panels_style() -> None:
    assert long_date(dt.date(2019, 9, 4)) == "4 September 2019"
    assert long_date("2019-06-30") == "30 June 2019"
    assert long_date(None) == ""
    assert month_year("2017-10-31") == "October 2017"
