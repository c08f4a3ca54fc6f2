"""Delay categories: tracker category first, then the editable rules, then Other / No reason."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest

from analysis.figures import delays
from analysis.figures.actions import classify
from analysis.inputs.settings import SettingsError
from analysis.inputs.vocabulary import NO_REASON, OFFICIAL_SENSITIVE, OTHER_REASON
from tests.helpers.frames import AS_OF, Q1_1920, SETTINGS, actions_frame, snapshot

RULES_TEXT = """\
categories:
  - name: Resourcing
    description: people
    patterns: [vacanc*, staff shortage]
  - name: Funding
    description: money
    patterns: [budget, funding]
  - name: Data and systems
    description: data
    patterns: [data quality, IT system]
"""


@pytest.fixture
def rules(tmp_path: Path) -> list[delays.DelayRule]:
    path = tmp_path / "delay_rules.yml"
    path.write_text(RULES_TEXT, encoding="utf-8")
    return delays.load_rules(path)


def categories(rows, rules) -> list[str]:
    return delays.categorise(actions_frame(rows), rules).tolist()


# --- matching ------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("reason", "expected"),
    [
        ("Two VACANCIES in the team", "Resourcing"),
        ("a vacancy", "Resourcing"),
        ("Staff   shortage over summer", "Resourcing"),  # spacing does not matter
        ("No budget agreed", "Funding"),
        ("Poor data quality", "Data and systems"),
        ("New IT system late", "Data and systems"),
        ("Waiting for the new audit system", OTHER_REASON),  # "IT system" inside a word
        ("IT systems replaced", OTHER_REASON),  # ... and only as whole words at the end too
        ("budgetary", OTHER_REASON),  # whole words only unless the pattern ends in *
        ("Awaiting the outcome of a review", OTHER_REASON),
        ("   ", NO_REASON),
        (None, NO_REASON),
    ],
)
def test_reason_text_is_matched_as_whole_words_ignoring_case(reason, expected, rules):
    assert categories([{"delay_reason": reason}], rules) == [expected]


def test_first_matching_category_wins(rules):
    # mentions both a vacancy (Resourcing, listed first) and the budget (Funding)
    assert categories([{"delay_reason": "Budget cut left a vacancy"}], rules) == ["Resourcing"]


def test_tracker_category_is_preferred_and_canonicalised(rules):
    rows = [
        {"delay_category": "  funding ", "delay_reason": "Two vacancies"},
        {"delay_category": "DATA AND  SYSTEMS"},
        {"delay_category": "Waiting for Godot", "delay_reason": "vacancies"},
        {"delay_category": "other"},
        {"delay_category": "   ", "delay_reason": "vacancies"},
    ]
    assert categories(rows, rules) == [
        "Funding",
        "Data and systems",
        "Waiting for Godot",  # not a known category: kept as typed, trimmed
        OTHER_REASON,
        "Resourcing",  # a blank tracker category falls back to the reason text
    ]


def test_unknown_tracker_category_on_a_sensitive_row_counts_as_other(rules):
    rows = [{"delay_category": "Operation Nightjar", "marking": OFFICIAL_SENSITIVE}]
    assert categories(rows, rules) == [OTHER_REASON]


def test_categorise_keeps_the_frame_index(rules):
    frame = actions_frame([{"delay_reason": "budget"}, {}]).set_axis([7, 3])
    assert delays.categorise(frame, rules).to_dict() == {7: "Funding", 3: NO_REASON}


# --- the rules file ------------------------------------------------------------------------------
def test_shipped_rules_load_in_file_order_with_descriptions():
    rules = delays.load_rules()
    names = [rule.name for rule in rules]
    assert "Resourcing" in names and "Organisational change" in names
    assert all(rule.description and rule.patterns for rule in rules)
    assert OTHER_REASON not in names and NO_REASON not in names


@pytest.mark.parametrize(
    ("reason", "expected"),
    [
        (
            "Progress on hold because the function has transferred to Professionalism",
            "Organisational change",
        ),
        ("Two vacancies in the team and abstraction to Notting Hill Carnival", "Resourcing"),
        ("Awaiting sign-off by the Management Board", "Awaiting approval or governance"),
        ("Exceptions policy for sole suppliers still in progress", "Procurement and contracts"),
        ("Dependent on the Connect programme going live", "Dependency on other work"),
        ("No budget identified for the new software", "Funding"),
        ("Data quality issues in the legacy database", "Data and systems"),
        ("Work paused during the COVID-19 lockdown", "Pandemic"),
        ("More clarity is needed on responsibilities between teams", "Scope or ownership unclear"),
        ("It was overlooked", OTHER_REASON),
    ],
)
def test_shipped_rules_read_police_wording_sensibly(reason, expected):
    assert categories([{"delay_reason": reason}], delays.load_rules()) == [expected]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("- just a list\n", "list under 'categories'"),
        ("categories: []\nextra: 1\n", "unknown top-level"),
        (
            "categories:\n  - name: ''\n    description: d\n    patterns: [a]\n",
            "category 1: 'name'",
        ),
        ("categories:\n  - name: A\n    patterns: [a]\n", r"category 1 \(A\): 'description'"),
        (
            "categories:\n  - name: A\n    description: d\n    patterns: []\n",
            r"category 1 \(A\): 'patterns'",
        ),
        ("categories:\n  - name: A\n    description: d\n    patterns: [a*b]\n", "only at its end"),
        ("categories:\n  - name: A\n    description: d\n    patterns: ['*']\n", "word or phrase"),
        ("categories:\n  - name: other\n    description: d\n    patterns: [a]\n", "reserved"),
        (
            "categories:\n  - {name: A, description: d, patterns: [a]}\n"
            "  - {name: ' a ', description: d, patterns: [b]}\n",
            r"category 2 \(a\): name used twice",
        ),
        ("categories:\n  - {name: A, description: d, patterns: [a], colour: red}\n", "unknown key"),
        ("categories: [\n", "not valid YAML"),
    ],
)
def test_a_bad_rules_file_is_refused_naming_the_file_and_entry(tmp_path, text, message):
    path = tmp_path / "delay_rules.yml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(delays.DelayRulesError, match=message) as caught:
        delays.load_rules(path)
    assert str(path) in str(caught.value)
    assert isinstance(caught.value, SettingsError)  # the CLI reports it as bad input


def test_the_run_uses_the_rules_file_its_settings_name(tmp_path):
    path = tmp_path / "delay_rules.yml"
    path.write_text(RULES_TEXT, encoding="utf-8")
    rules = delays.rules_for(replace(SETTINGS, delay_rules_path=path))
    assert [r.name for r in rules] == ["Resourcing", "Funding", "Data and systems"]
    packaged = delays.rules_for(SETTINGS)  # no path: the packaged file
    assert [r.name for r in packaged] == [r.name for r in delays.load_rules()]


# --- counts --------------------------------------------------------------------------------------
def test_counts_by_category_and_by_group(rules):
    rows = [
        {"business_group": "Met HQ", "delay_reason": "vacancies"},
        {"business_group": "Met HQ", "delay_reason": "vacancies"},
        {"business_group": "Met HQ", "delay_reason": "budget"},
        {"business_group": "Professionalism", "delay_reason": "budget"},
        {"business_group": "Professionalism"},
        {"business_group": "Professionalism", "due_date": "2019-12-31", "delay_reason": "budget"},
    ]
    frame = actions_frame(rows)
    reasons = delays.with_reasons(classify(frame, AS_OF, Q1_1920, SETTINGS), frame, rules)
    overdue = reasons[reasons["is_overdue"]]
    assert list(delays.by_category(overdue).items()) == [
        ("Funding", 2),
        ("Resourcing", 2),
        (NO_REASON, 1),
    ]
    table = delays.by_group_and_category(overdue)
    assert list(table.index) == ["Met HQ", "Professionalism"]
    assert table.loc["Met HQ"].to_dict() == {"Funding": 1, "Resourcing": 2, NO_REASON: 0}
    assert table.loc["Professionalism"].to_dict() == {"Funding": 1, "Resourcing": 0, NO_REASON: 1}


def test_reasons_use_the_raw_text_even_where_the_table_is_masked(rules):
    rows = [{"delay_reason": "vacancies", "marking": OFFICIAL_SENSITIVE}]
    frame = actions_frame(rows)
    reasons = delays.with_reasons(classify(frame, AS_OF, Q1_1920, SETTINGS), frame, rules)
    assert reasons["reason"].tolist() == ["Resourcing"]
    assert "vacancies" not in reasons["delay_reason"].tolist()


def test_categories_over_time_from_history(rules):
    older = snapshot("2018-19-Q4", actions=[{"delay_reason": "budget", "due_date": "2019-01-31"}])
    newer = snapshot(
        "2019-20-Q1",
        actions=[
            {"delay_reason": "budget", "due_date": "2019-01-31"},
            {"delay_reason": "vacancies", "due_date": "2019-05-31"},
            {"delay_reason": "vacancies", "due_date": "2019-05-31"},
        ],
    )
    table = delays.over_time([older, newer], SETTINGS, rules)
    assert list(table.index) == ["2018-19-Q4", "2019-20-Q1"]
    assert list(table.columns) == ["Funding", "Resourcing"]  # 2 each overall: alphabetical
    assert table.loc["2018-19-Q4"].to_dict() == {"Funding": 1, "Resourcing": 0}
    assert table.loc["2019-20-Q1"].to_dict() == {"Funding": 1, "Resourcing": 2}


def test_revised_basis_changes_which_actions_carry_a_reason(rules):
    rows = [{"delay_reason": "budget", "due_date": "2019-01-31", "revised_due_date": "2019-12-31"}]
    revised = replace(SETTINGS, deadline_basis="revised")
    assert delays.overdue_reasons(snapshot(actions=rows), SETTINGS, rules)["reason"].tolist() == [
        "Funding"
    ]
    assert delays.overdue_reasons(snapshot(actions=rows), revised, rules).empty


def test_the_group_table_puts_the_largest_group_and_category_first(rules):
    rows = [
        {"business_group": "Zeta", "delay_reason": "vacancies"},
        {"business_group": "Zeta", "delay_reason": "vacancies"},
        {"business_group": "Zeta", "delay_reason": "budget"},
        {"business_group": "Alpha", "delay_reason": "vacancies"},
    ]
    frame = actions_frame(rows)
    overdue = delays.with_reasons(classify(frame, AS_OF, Q1_1920, SETTINGS), frame, rules)
    table = delays.by_group_and_category(overdue)
    # alphabetical would be Alpha, Zeta and Funding, Resourcing: the counts decide instead
    expected = pd.DataFrame(
        [[2, 1], [1, 0]],
        index=pd.Index(["Zeta", "Alpha"], name="business_group"),
        columns=pd.Index(["Resourcing", "Funding"], name="reason"),
    )
    pd.testing.assert_frame_equal(table, expected)


def test_categories_over_time_put_the_largest_overall_first(rules):
    older = snapshot("2018-19-Q4", actions=[{"delay_reason": "budget", "due_date": "2019-01-31"}])
    newer = snapshot(
        "2019-20-Q1",
        actions=[
            {"delay_reason": "vacancies", "due_date": "2019-05-31"},
            {"delay_reason": "vacancies", "due_date": "2019-05-31"},
        ],
    )
    table = delays.over_time([older, newer], SETTINGS, rules)
    expected = pd.DataFrame(
        {"Resourcing": [0, 2], "Funding": [1, 0]},
        index=pd.Index(["2018-19-Q4", "2019-20-Q1"], name="quarter"),
    ).rename_axis(columns="reason")
    pd.testing.assert_frame_equal(table, expected)
    assert delays.over_time([], SETTINGS, rules).empty


def test_a_tracker_without_the_delay_columns_gives_every_action_no_reason(rules):
    """An export that lacks both delay columns is read as blank reasons, not as an error."""
    frame = pd.DataFrame({"action_id": ["A1", "A2"]}, index=[4, 9])
    assert delays.categorise(frame, rules).to_dict() == {4: NO_REASON, 9: NO_REASON}


def test_a_stray_number_as_the_reason_is_matched_as_its_text(rules):
    """A number typed in the reason column is not a blank reason: it is text no rule matches."""
    frame = actions_frame([{"delay_reason": 42}, {"delay_reason": "budget"}])
    assert delays.categorise(frame, rules).tolist() == [OTHER_REASON, "Funding"]


def test_the_categories_are_an_object_series_named_reason(rules):
    """``with_reasons`` joins the result by name, and the paper's tables expect plain objects."""
    result = delays.categorise(actions_frame([{"delay_reason": "budget"}]), rules)
    assert result.name == "reason"
    assert result.dtype == object


def test_each_distinct_reason_text_is_matched_against_the_rules_once(rules, monkeypatch):
    """Owners copy a few reasons from quarter to quarter: a national tracker's thousands of
    rows cost one match per distinct text, not one per action, and every row still gets the
    category its own text matches."""
    texts = ["Two vacancies", "No budget", "Waiting for IT system", "budget"]
    frame = actions_frame([{"delay_reason": texts[i % len(texts)]} for i in range(400)])
    matched: list[object] = []
    real = delays.category_of_reason

    def counting(reason: object, rules: list[delays.DelayRule]) -> str:
        matched.append(reason)
        return real(reason, rules)

    monkeypatch.setattr(delays, "category_of_reason", counting)
    result = delays.categorise(frame, rules).tolist()
    assert sorted(matched) == sorted(texts)
    assert result == [real(texts[i % len(texts)], rules) for i in range(400)]
    assert result[:4] == ["Resourcing", "Funding", "Data and systems", "Funding"]
