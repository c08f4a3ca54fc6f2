"""Themes: one theme of the taxonomy for every open recommendation and outstanding action."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from analysis.figures import themes
from analysis.figures.actions import classify
from analysis.figures.record import build_figures
from analysis.inputs.settings import load_settings
from analysis.inputs.vocabulary import OFFICIAL_SENSITIVE, OTHER_THEME
from tests.helpers.frames import AS_OF, Q1_1920, SETTINGS, actions_frame, recs_frame, snapshot

RULES = themes.load_rules()
VULNERABILITY = "Vulnerability and safeguarding"
INFORMATION = "Information management and data security"
VETTING = "Vetting, integrity and professional standards"
FINANCE = "Finance"
ESTATES = "Estates, fleet and equipment"


def write_rules(folder: Path, text: str) -> Path:
    path = folder / "theme_rules.yml"
    path.write_text(text, encoding="utf-8")
    return path


# --- the rules file ---------------------------------------------------------------------------
def test_the_packaged_taxonomy_names_the_force_themes_and_reserves_other():
    names = themes.names(RULES)
    assert names[-1] == OTHER_THEME
    for theme in (VULNERABILITY, INFORMATION, VETTING, FINANCE, ESTATES):
        assert theme in names
    assert all(rule.description for rule in RULES)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("themes: nope", "list under 'themes'"),
        ("themes:\n  - name: Other\n    description: d\n    patterns: [x]\n", "reserved"),
        ("themes:\n  - name: A\n    description: d\n    patterns: []\n", "at least one"),
        ("themes:\n  - name: A\n    description: d\n    patterns: ['a*b']\n", "only at its end"),
        (
            "themes:\n  - {name: A, description: d, patterns: [x]}\n"
            "  - {name: ' a ', description: d, patterns: [y]}\n",
            "used twice",
        ),
    ],
)
def test_a_broken_rules_file_is_refused_naming_file_and_entry(tmp_path, text, message):
    path = write_rules(tmp_path, text)
    with pytest.raises(themes.ThemeRulesError, match=message) as caught:
        themes.load_rules(path)
    assert str(path) in str(caught.value)


def test_a_data_folder_may_carry_its_own_theme_rules(tmp_path):
    write_rules(tmp_path, "themes:\n  - {name: Cars, description: d, patterns: [fleet]}\n")
    settings = load_settings(tmp_path)
    assert [r.name for r in themes.rules_for(settings)] == ["Cars"]
    assert themes.rules_for(load_settings(None)) == RULES


# --- placing one finding ----------------------------------------------------------------------
def test_the_first_text_that_matches_decides_then_the_first_theme():
    # The action text wins over the audit title ...
    assert themes.theme_of_text(["Reconcile fuel card usage", "Vetting Backlog"], RULES) == (
        FINANCE
    )
    # ... a text no theme matches passes to the next one ...
    assert themes.theme_of_text(["Implement audit recs", "Vetting Backlog"], RULES) == VETTING
    # ... and nothing matching anywhere is Other.
    assert themes.theme_of_text(["TBC", None, ""], RULES) == OTHER_THEME


def test_patterns_match_whole_words_in_any_case():
    assert themes.theme_of_text(["Review of VETTING renewals"], RULES) == VETTING
    # "stock" is an Estates pattern; "stockpile" is not the word stock.
    assert themes.theme_of_text(["stockpile"], RULES) == OTHER_THEME


def test_a_coded_theme_naming_the_taxonomy_wins_whatever_its_case_and_spacing():
    frame = actions_frame(
        [
            {"theme": "  finance ", "action": "Update the vetting policy"},
            {"theme": "Equipment", "action": "Refresh the vetting policy"},  # not a theme
            {"theme": None, "action": None, "audit_title": "Payroll Controls"},
            {"theme": None, "action": "Implement audit recs", "audit_title": "Audit A"},
        ]
    )
    assert themes.action_themes(frame, RULES).tolist() == [FINANCE, VETTING, FINANCE, OTHER_THEME]


def test_a_recommendation_is_placed_by_its_text_then_inspection_then_portal_theme():
    frame = recs_frame(
        [
            {"title": "Improve the vetting of officers", "inspection": "PEEL: legitimacy"},
            {"title": None, "inspection": "Missing children", "theme": "PEEL"},
            {"inspection": "An inspection of nothing in particular", "theme": "PEEL"},
            {"inspection": "Something else", "theme": "A portal theme nobody knows"},
        ]
    )
    placed = themes.recommendation_themes(frame, RULES).tolist()
    assert placed == [VETTING, VULNERABILITY, "Governance, risk and performance", OTHER_THEME]
    # An export without the optional text column is placed by the other two.
    assert (
        themes.recommendation_themes(frame.drop(columns="title"), RULES).tolist()[1:]
        == (placed[1:])
    )


# --- counts -----------------------------------------------------------------------------------
def _quarter():
    return snapshot(
        actions=[
            {"action": "Fuel card checks", "business_group": "Met HQ"},
            {"action": "Fuel card checks", "due_date": "2019-12-31", "business_group": "Met HQ"},
            {
                "action": "Secret vetting note",
                "marking": OFFICIAL_SENSITIVE,
                "audit_title": "Secret audit",
                "business_group": "Professionalism",
            },
            {"action": "Vetting renewals", "business_group": "Professionalism", "risk": "Low"},
            {"action": "TBC", "audit_title": "Nothing to see", "business_group": "Met HQ"},
        ],
        recommendations=[
            {"inspection": "Vetting and counter-corruption"},
            {"inspection": "Vetting: a follow-up", "status": "Complete"},
            {"inspection": "Police finance", "type": "Area for improvement"},
            {"inspection": "Missing children"},
        ],
    )


def test_theme_counts_add_up_to_the_paper_totals_and_cross_cutting_needs_both():
    snap = _quarter()
    figures = build_figures(snap, [snap], SETTINGS)
    table = figures["themes"]
    assert (
        sum(t["open_recommendations"] for t in table.values())
        == (figures["recommendations"]["open"])
    )
    assert (
        sum(t["outstanding_actions"] for t in table.values()) == figures["actions"]["outstanding"]
    )
    assert sum(t["overdue_actions"] for t in table.values()) == figures["actions"]["overdue"]
    # The restricted action counts under its own text's theme; the Low-risk one is not monitored.
    assert table[VETTING] == {
        "open_recommendations": 1,
        "outstanding_actions": 1,
        "overdue_actions": 1,
        "outstanding_by_business_group": {"Professionalism": 1},
    }
    assert table[FINANCE]["outstanding_actions"] == 2
    assert table[FINANCE]["overdue_actions"] == 1
    assert table[OTHER_THEME]["outstanding_actions"] == 1
    # Vetting has both; Finance and Vulnerability have one side only; Other never counts.
    assert figures["cross_cutting_themes"] == [VETTING]
    assert "Secret vetting note" not in json.dumps(figures)
    assert "Secret audit" not in json.dumps(figures)
    # Taxonomy order, Other last.
    assert list(table) == [n for n in themes.names(RULES) if n in table]


def test_cross_cutting_themes_run_largest_first():
    snap = snapshot(
        actions=[
            {"action": "Vetting renewals"},
            {"action": "Missing persons"},
            {"action": "Missing persons"},
        ],
        recommendations=[{"inspection": "Vetting"}, {"inspection": "Missing children"}],
    )
    assert build_figures(snap, [snap], SETTINGS)["cross_cutting_themes"] == [
        VULNERABILITY,
        VETTING,
    ]


def test_themes_over_time_follow_each_snapshot():
    first = snapshot(actions=[{"action": "Vetting renewals"}])
    second = snapshot("2019-20-Q2", actions=[{"action": "Vetting renewals"}] * 2)
    table = themes.over_time([first, second], SETTINGS, RULES, "outstanding_actions")
    assert table[VETTING].tolist() == [1, 2]
    figures = build_figures(second, [first, second], SETTINGS)
    assert [r["by_theme"][VETTING]["outstanding_actions"] for r in figures["theme_trends"]] == [
        1,
        2,
    ]


def test_nothing_open_gives_no_themes_and_nothing_cross_cutting():
    snap = snapshot()
    figures = build_figures(snap, [snap], SETTINGS)
    assert figures["themes"] == {}
    assert figures["cross_cutting_themes"] == []


def test_themed_actions_keep_the_masked_text_and_add_the_theme():
    frame = actions_frame(
        [{"action": "Secret vetting note", "marking": OFFICIAL_SENSITIVE, "audit_title": "X"}]
    )
    classified = classify(frame, AS_OF, Q1_1920, SETTINGS)
    themed = themes.themed_actions(classified, frame, RULES)
    assert themed["subject"].tolist() == [VETTING]
    assert "Secret vetting note" not in themed.astype(str).to_string()
