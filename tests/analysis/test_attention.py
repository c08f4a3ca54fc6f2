"""Audits brought to the panel's attention: three written rules, one row per audit."""

from __future__ import annotations

import pandas as pd
from frames import AS_OF, Q1_1920, SETTINGS, actions_frame, days_before

from analysis import delays
from analysis.actions import classify
from analysis.attention import ALL_ON_HOLD, COLUMNS, MOST_OVERDUE, OVER_A_YEAR, attention_list
from analysis.vocabulary import OFFICIAL_SENSITIVE, RESTRICTED_ITEM

LATER = "2019-12-31"  # not yet due at 30 June 2019


def attention(rows) -> pd.DataFrame:
    frame = actions_frame(rows)
    classified = classify(frame, AS_OF, Q1_1920, SETTINGS)
    return attention_list(delays.with_reasons(classified, frame, delays.load_rules()))


def audit(title: str, n: int, **row) -> list[dict]:
    return [{"audit_title": title, **row} for _ in range(n)]


def test_the_three_rules_and_the_order_of_the_list():
    rows = [
        *audit("Training", 2, due_date=days_before(AS_OF, 91), delay_reason="Two vacancies"),
        {
            "audit_title": "Training",
            "due_date": days_before(AS_OF, 91),
            "risk": "Medium",
            "delay_reason": "No budget",
        },
        {"audit_title": "Training", "due_date": LATER},
        *audit("Estates", 2, due_date=days_before(AS_OF, 366)),
        *audit("Fleet", 1, due_date=days_before(AS_OF, 30)),
        *audit(
            "Inclusion",
            2,
            due_date=LATER,
            status="On hold",
            delay_reason="The function has transferred to Professionalism",
        ),
        {"audit_title": "Vetting", "status": "On hold", "due_date": LATER},
        {"audit_title": "Vetting", "due_date": days_before(AS_OF, 10)},
    ]
    table = attention(rows)
    # Training has the most overdue (3); Estates has actions 366 days late; Inclusion is all on
    # hold.  Fleet (one action, 30 days late) and Vetting (only partly on hold) meet no rule.
    assert table["audit"].tolist() == ["Training", "Estates", "Inclusion"]
    assert table["rules"].tolist() == [[MOST_OVERDUE], [OVER_A_YEAR], [ALL_ON_HOLD]]
    assert list(table.columns) == list(COLUMNS)

    training = table.iloc[0]
    assert training["outstanding"] == 4
    assert training["overdue"] == 3
    assert (training["High"], training["Medium"], training["Low"]) == (3, 1, 0)
    assert training["earliest_deadline"] == pd.Timestamp("2019-03-31")
    assert training["oldest_days_past_deadline"] == 91
    assert training["reason_categories"] == ["Resourcing", "Funding"]
    assert training["common_reason"] == "Two vacancies"
    assert (training["audit_year"], training["assurance"]) == ("2018/19", "Limited")
    assert training["business_group"] == "Met Operations"

    inclusion = table.iloc[2]
    assert inclusion["overdue"] == 0
    assert pd.isna(inclusion["oldest_days_past_deadline"])
    # nothing overdue: the reasons of its outstanding (on-hold) actions are shown
    assert inclusion["reason_categories"] == ["Organisational change"]


def test_exactly_a_year_late_is_not_more_than_a_year():
    table = attention(
        [
            *audit("Most", 3, due_date=days_before(AS_OF, 5)),
            *audit("Year", 1, due_date=days_before(AS_OF, 365)),
            *audit("Year and a day", 1, due_date=days_before(AS_OF, 366)),
        ]
    )
    assert table["audit"].tolist() == ["Most", "Year and a day"]


def test_every_audit_tied_for_most_overdue_is_selected_then_by_title():
    table = attention(
        [
            *audit("Beta", 2, due_date=days_before(AS_OF, 5)),
            *audit("Alpha", 2, due_date=days_before(AS_OF, 5)),
            *audit("Gamma", 1, due_date=days_before(AS_OF, 5)),
        ]
    )
    assert table["audit"].tolist() == ["Alpha", "Beta"]
    assert table["rules"].tolist() == [[MOST_OVERDUE], [MOST_OVERDUE]]


def test_an_audit_meeting_two_rules_lists_both_and_rows_run_by_overdue():
    # Rule (a) rows lead; below them rows run by overdue count.  An audit meeting (a) and (b)
    # lists both rules.
    table = attention(
        [
            *audit("Old", 3, due_date=days_before(AS_OF, 800)),
            *audit("Older", 2, due_date=days_before(AS_OF, 900)),
            *audit("Hold", 1, due_date=LATER, status="On hold"),
        ]
    )
    assert table["audit"].tolist() == ["Old", "Older", "Hold"]
    assert table["rules"].tolist() == [[MOST_OVERDUE, OVER_A_YEAR], [OVER_A_YEAR], [ALL_ON_HOLD]]
    assert table["oldest_days_past_deadline"].tolist()[:2] == [800, 900]


def test_nothing_overdue_selects_no_audit_by_rule_a():
    assert attention(audit("Later", 2, due_date=LATER)).empty


def test_unmonitored_and_finished_actions_do_not_count():
    table = attention(
        [
            *audit("Low", 5, due_date=days_before(AS_OF, 10), risk="Low"),
            *audit("Done", 5, due_date=days_before(AS_OF, 10), status="Implemented"),
            *audit("Real", 1, due_date=days_before(AS_OF, 10)),
        ]
    )
    assert table["audit"].tolist() == ["Real"]


def test_restricted_audits_are_masked_kept_apart_and_show_no_reason_text():
    table = attention(
        [
            *audit(
                "Op Alpha",
                3,
                due_date=days_before(AS_OF, 5),
                delay_reason="Two vacancies",
                marking=OFFICIAL_SENSITIVE,
            ),
            *audit(
                "Op Bravo",
                3,
                due_date=days_before(AS_OF, 5),
                delay_reason="No budget",
                marking=OFFICIAL_SENSITIVE,
            ),
            *audit("Fleet", 2, due_date=days_before(AS_OF, 5)),
        ]
    )
    # two restricted audits with 3 each: tied for most overdue, not merged into one row of 6
    assert table["audit"].tolist() == [RESTRICTED_ITEM, RESTRICTED_ITEM]
    assert table["overdue"].tolist() == [3, 3]
    assert table["common_reason"].tolist() == [None, None]
    assert sorted(c for cats in table["reason_categories"] for c in cats) == [
        "Funding",
        "Resourcing",
    ]
    text = table.to_string()
    assert "Op Alpha" not in text and "Op Bravo" not in text and "vacancies" not in text


def test_empty_input_gives_an_empty_list_with_the_columns():
    table = attention([{"risk": "Low"}])
    assert table.empty
    assert list(table.columns) == list(COLUMNS)
