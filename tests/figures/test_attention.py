"""Audits brought to the panel's attention: three written rules, one row per audit."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import HealthCheck, given
from hypothesis import strategies as st

from analysis.figures import delays
from analysis.figures.actions import classify
from analysis.figures.attention import (
    ALL_ON_HOLD,
    AWAITING_VERIFICATION,
    COLUMNS,
    MOST_OVERDUE,
    MOVED_OVER_LIMIT,
    OVER_A_YEAR,
    RULES,
    YEAR_DAYS,
    attention_list,
    rule_wording,
)
from analysis.figures.marking import tally
from analysis.inputs.settings import AttentionSettings
from analysis.inputs.vocabulary import (
    ASSURANCES,
    OFFICIAL,
    OFFICIAL_SENSITIVE,
    ON_HOLD,
    RESTRICTED_ITEM,
    RISKS,
)
from tests.helpers.frames import AS_OF, Q1_1920, SETTINGS, actions_frame, days_before
from tests.helpers.properties import examples

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


# --- the grouped implementation against the rules read literally, audit by audit -------------
def reference_attention_list(classified: pd.DataFrame) -> pd.DataFrame:
    """The module docstring's rules applied one audit at a time, as plainly as possible: the
    specification the grouped :func:`attention_list` must match row for row, dtype for dtype."""
    if classified.empty:
        return pd.DataFrame(columns=list(COLUMNS))
    late = classified[classified["is_overdue"]]
    keys = classified["audit_key"]
    late_count = late.groupby("audit_key").size().reindex(keys.unique(), fill_value=0)
    top = late_count.max() if len(late_count) else 0
    oldest = late.groupby("audit_key")["days_past_deadline"].max()
    on_hold = classified["status"].eq(ON_HOLD).groupby(keys).all()
    rows = []
    for key, audit_rows in classified.groupby("audit_key", sort=True):
        rules = []
        if top > 0 and late_count[key] == top:
            rules.append(MOST_OVERDUE)
        if oldest.get(key, 0) > YEAR_DAYS:
            rules.append(OVER_A_YEAR)
        if on_hold[key]:
            rules.append(ALL_ON_HOLD)
        if rules:
            audit_late = late[late["audit_key"] == key]
            rows.append(_reference_row(audit_rows, audit_late, rules))
    table = pd.DataFrame(rows, columns=[*COLUMNS, "audit_key"])
    if table.empty:
        return table[list(COLUMNS)]
    table["oldest_days_past_deadline"] = table["oldest_days_past_deadline"].astype("Int64")
    table["_first"] = ~table["rules"].map(lambda r: MOST_OVERDUE in r)
    table = table.sort_values(
        ["_first", "overdue", "audit", "audit_key"], ascending=[True, False, True, True]
    )
    return table[list(COLUMNS)].reset_index(drop=True)


def _reference_row(
    audit_rows: pd.DataFrame, audit_late: pd.DataFrame, rules: list[str]
) -> dict[str, object]:
    explained = audit_late if len(audit_late) else audit_rows
    risks = tally(audit_rows["risk"], RISKS)
    texts = (
        explained["delay_reason"]
        .astype(object)
        .map(lambda t: t.strip() if isinstance(t, str) else t)
    )
    reasons = tally(texts)
    reasons = reasons[reasons.index != ""]
    return {
        "audit": audit_rows["audit_title"].iloc[0],
        "audit_key": audit_rows["audit_key"].iloc[0],
        "audit_year": ", ".join(sorted(audit_rows["audit_year"].dropna().unique())),
        "assurance": ", ".join(a for a in ASSURANCES if a in set(audit_rows["assurance"])),
        "business_group": ", ".join(tally(audit_rows["business_group"]).index),
        "outstanding": len(audit_rows),
        "overdue": len(audit_late),
        **{risk: int(risks.get(risk, 0)) for risk in RISKS},
        "earliest_deadline": audit_rows["deadline"].min(),
        "oldest_days_past_deadline": (
            int(audit_late["days_past_deadline"].max()) if len(audit_late) else None
        ),
        "rules": rules,
        "reason_categories": list(tally(explained["reason"]).index),
        "common_reason": (
            None if audit_rows["restricted"].any() or reasons.empty else str(reasons.index[0])
        ),
    }


def _maybe(values: st.SearchStrategy) -> st.SearchStrategy:
    return st.one_of(st.none(), values)


DELAY_RULES = delays.load_rules()
"""Read once: parsing the rules file would take most of each example's time."""

REASON_TEXTS = ["Two vacancies", " Two vacancies ", "No budget", "", "   ", "b", "B", "a"]

ACTION_ROWS = st.lists(
    st.fixed_dictionaries(
        {
            # few titles, so audits have several rows and counts tie; None: a row of no audit
            "audit_title": st.sampled_from(["Alpha", "Beta", "Gamma", "Delta", "Épsilon", None]),
            "audit_year": _maybe(st.sampled_from(["2016/17", "2017/18", "2018/19"])),
            "assurance": st.sampled_from(ASSURANCES),
            "risk": st.sampled_from(RISKS),
            "business_group": st.sampled_from(["Met Operations", "Met HQ", "Professionalism"]),
            # around a year late either side, and some deadlines still to come
            "due_date": st.integers(-120, 800).map(lambda d: days_before(AS_OF, d)),
            "revised_due_date": _maybe(st.integers(-120, 400).map(lambda d: days_before(AS_OF, d))),
            "status": st.sampled_from(["Open", "In progress", "On hold", "On hold", "Closed"]),
            # padded copies of one text, blanks, and ties that go alphabetically
            "delay_reason": _maybe(st.sampled_from(REASON_TEXTS)),
            "delay_category": _maybe(st.sampled_from(["Resourcing", "funding", "Staff moved"])),
            "marking": st.sampled_from([OFFICIAL, OFFICIAL, OFFICIAL, OFFICIAL_SENSITIVE]),
        }
    ),
    max_size=30,
)


@examples(100, suppress_health_check=[HealthCheck.too_slow])
@given(rows=ACTION_ROWS)
def test_the_list_equals_the_rules_applied_audit_by_audit(rows):
    frame = actions_frame(rows)
    classified = delays.with_reasons(classify(frame, AS_OF, Q1_1920, SETTINGS), frame, DELAY_RULES)
    table = attention_list(classified)
    expected = reference_attention_list(classified)
    pd.testing.assert_frame_equal(table, expected, check_exact=True)
    assert table.to_dict("records") == expected.to_dict("records")


# --- the panel's settings for the list ------------------------------------------------------
def _settings_list(rows, **chosen) -> pd.DataFrame:

    frame = actions_frame(rows)
    classified = delays.with_reasons(
        classify(frame, AS_OF, Q1_1920, SETTINGS), frame, delays.load_rules()
    )
    return attention_list(classified, AttentionSettings(**chosen))


SETTINGS_ROWS = [
    *audit("Most", 3, due_date=days_before(AS_OF, 100)),
    *audit("Old", 1, due_date=days_before(AS_OF, 800)),
    *audit("Middling", 2, due_date=days_before(AS_OF, 500)),
    *audit("Recent", 1, due_date=days_before(AS_OF, 400)),
    *audit("Held", 1, due_date=LATER, status="On hold"),
]


def test_default_settings_keep_the_list_as_it_always_was():
    table = _settings_list(SETTINGS_ROWS)
    assert table["audit"].tolist() == ["Most", "Middling", "Old", "Recent", "Held"]


def test_long_overdue_days_move_the_line_of_rule_b():
    table = _settings_list(SETTINGS_ROWS, long_overdue_days=450)
    assert table["audit"].tolist() == ["Most", "Middling", "Old", "Held"]


def test_only_the_rules_the_settings_name_apply():
    table = _settings_list(SETTINGS_ROWS, rules=("most_overdue", "all_on_hold"))
    assert table["audit"].tolist() == ["Most", "Held"]
    assert _settings_list(SETTINGS_ROWS, rules=()).empty


@pytest.mark.parametrize(
    ("order", "expected"),
    [
        ("most_overdue_actions", ["Most", "Middling", "Old"]),
        ("longest_overdue", ["Most", "Old", "Middling"]),
        ("most_recently_overdue", ["Most", "Recent", "Middling"]),
    ],
)
def test_a_cap_keeps_the_first_audits_in_the_stated_order(order, expected):
    capped = _settings_list(SETTINGS_ROWS, limit=3, order=order)
    assert capped["audit"].tolist() == expected
    assert list(capped.columns) == list(COLUMNS)
    assert capped.index.tolist() == [0, 1, 2]


def test_on_hold_audits_with_nothing_overdue_rank_after_the_overdue_ones():
    table = _settings_list(SETTINGS_ROWS, order="longest_overdue")
    assert table["audit"].tolist()[-1] == "Held"


@pytest.mark.parametrize(
    ("attention_yaml", "message"),
    [
        ("rules: [most_overdue, sometimes]", "unknown rule"),
        ("long_overdue_days: 0", "long_overdue_days"),
        ("limit: -2", "limit"),
        ("order: alphabetical", "order must be one of"),
        ("colour: red", "unknown setting"),
    ],
)
def test_bad_attention_settings_are_refused_naming_the_file(tmp_path, attention_yaml, message):
    from analysis.inputs.settings import SettingsError, load_settings

    path = tmp_path / "settings.yml"
    indented = "\n".join("  " + line for line in attention_yaml.splitlines())
    path.write_text(f"attention:\n{indented}\n", encoding="utf-8")
    with pytest.raises(SettingsError, match=message) as caught:
        load_settings(tmp_path)
    assert str(path) in str(caught.value)


def test_attention_settings_are_read_from_the_data_folder(tmp_path):
    from analysis.inputs.settings import load_settings

    (tmp_path / "settings.yml").write_text(
        "attention:\n  long_overdue_days: 450\n  limit: 4\n  order: most_recently_overdue\n",
        encoding="utf-8",
    )
    chosen = load_settings(tmp_path).attention
    assert (chosen.long_overdue_days, chosen.limit, chosen.order) == (
        450,
        4,
        "most_recently_overdue",
    )
    assert chosen.rules == ("most_overdue", "over_a_year_overdue", "all_on_hold")


# --- the rules' wording in the paper --------------------------------------------------------
def test_the_rules_are_worded_in_their_order_only_when_applied():
    chosen = AttentionSettings(rules=(ALL_ON_HOLD, MOST_OVERDUE))
    assert rule_wording(chosen) == {
        MOST_OVERDUE: "the audit with the most overdue actions",
        ALL_ON_HOLD: "all of its outstanding actions are on hold",
    }
    assert list(rule_wording(AttentionSettings(rules=tuple(RULES)))) == list(RULES)
    assert rule_wording(AttentionSettings(rules=())) == {}


@pytest.mark.parametrize(
    ("days", "over"), [(365, "a year"), (366, "366 days"), (90, "90 days"), (1000, "1,000 days")]
)
def test_the_long_overdue_rule_states_its_days(days, over):
    chosen = AttentionSettings(rules=(OVER_A_YEAR,), long_overdue_days=days)
    expected = f"an overdue action more than {over} past its deadline"
    assert rule_wording(chosen) == {OVER_A_YEAR: expected}
    assert rule_wording(chosen, move_limit=2) == {OVER_A_YEAR: expected}


@pytest.mark.parametrize(
    ("limit", "times"), [(None, "the limit"), (1, "once"), (2, "twice"), (3, "3 times")]
)
def test_the_moved_deadlines_rule_states_its_limit(limit, times):
    chosen = AttentionSettings(rules=(MOVED_OVER_LIMIT,))
    assert rule_wording(chosen, limit) == {
        MOVED_OVER_LIMIT: f"an outstanding action whose deadline has been moved more than {times}"
    }


def test_the_common_reason_is_the_text_as_trimmed_and_never_a_blank():
    rows = [
        *audit("Training", 1, due_date=days_before(AS_OF, 30), delay_reason="  No budget  "),
        *audit("Training", 1, due_date=days_before(AS_OF, 30), delay_reason="No budget"),
        *audit("Estates", 1, due_date=days_before(AS_OF, 30), delay_reason="   "),
        *audit("Estates", 1, due_date=days_before(AS_OF, 30)),
    ]
    table = attention(rows)
    # tied for most overdue (two each): both listed
    reasons = table.set_index("audit")["common_reason"]
    assert reasons["Training"] == "No budget"
    assert pd.isna(reasons["Estates"])  # a blank text is no reason


def _flagged_list(flags, rules, column=MOVED_OVER_LIMIT) -> pd.DataFrame:
    """Two audits tied for most overdue, their rows flagged as a caller flags moved deadlines
    or actions awaiting verification (``flags``: the ``column``'s values, or None for no
    column)."""
    frame = actions_frame(
        [
            *audit("Training", 2, due_date=days_before(AS_OF, 30)),
            *audit("Estates", 2, due_date=days_before(AS_OF, 30)),
        ]
    )
    classified = delays.with_reasons(
        classify(frame, AS_OF, Q1_1920, SETTINGS), frame, delays.load_rules()
    )
    if flags is not None:
        classified[column] = pd.Series(flags, index=classified.index, dtype=object)
    table = attention_list(classified, AttentionSettings(rules=rules))
    return table.set_index("audit")["rules"].to_dict()


def test_a_flag_a_caller_did_not_add_or_left_blank_selects_nothing():
    both = (MOST_OVERDUE, MOVED_OVER_LIMIT)
    assert _flagged_list(None, both) == {"Estates": [MOST_OVERDUE], "Training": [MOST_OVERDUE]}
    blank = float("nan")  # as a caller's join leaves a row it has nothing for
    assert _flagged_list([True, blank, None, False], both) == {
        "Training": [MOST_OVERDUE, MOVED_OVER_LIMIT],
        "Estates": [MOST_OVERDUE],
    }
    assert _flagged_list([blank, None, True, blank], (MOVED_OVER_LIMIT,)) == {
        "Estates": [MOVED_OVER_LIMIT]
    }


def test_an_audit_awaiting_verification_is_selected_when_the_settings_name_the_rule():
    """Rule (e): the verification flag the caller adds selects its audit, under its own code,
    once the settings name the rule; it is not mistaken for a moved deadline."""
    flags = [True, True, False, False]  # Training's actions await verification
    every = (MOVED_OVER_LIMIT, AWAITING_VERIFICATION)
    assert _flagged_list(flags, every, AWAITING_VERIFICATION) == {
        "Training": [AWAITING_VERIFICATION]
    }
    assert _flagged_list(flags, (MOST_OVERDUE, AWAITING_VERIFICATION), AWAITING_VERIFICATION) == {
        "Estates": [MOST_OVERDUE],
        "Training": [MOST_OVERDUE, AWAITING_VERIFICATION],
    }
    assert _flagged_list(flags, (MOVED_OVER_LIMIT,), AWAITING_VERIFICATION) == {}
