"""The plain-phrase language the delay and theme rules share: how a pattern matches, how names
are compared, and how a file is read, tidied and refused (the same way for both kinds)."""

from __future__ import annotations

from pathlib import Path

import pytest

from analysis.figures import phrase_rules
from analysis.figures.delays import DELAY_RULES, DelayRulesError
from analysis.figures.phrase_rules import PhraseRule, compile_phrase, load_phrase_rules, name_key
from analysis.figures.themes import THEME_RULES, ThemeRulesError


# --- one pattern -------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("pattern", "text", "found"),
    [
        ("budget", "No BUDGET agreed", "BUDGET"),
        ("budget", "budgetary pressure", None),  # whole words only
        ("budget", "overbudget", None),  # ... at the start too
        ("budget*", "budgetary pressure", "budgetary"),  # a trailing * runs on
        ("budget*", "overbudgeting", None),  # ... at its end only
        ("  staff shortage  ", "a staff \t shortage", "staff \t shortage"),  # any spacing
        ("staff shortage", "staffshortage", None),  # ... but some spacing
        ("staff  shortage*", "Staff Shortages", "Staff Shortages"),
        ("c++", "the c++ build", "c++"),  # the analyst's text, not a regular expression
        ("a.b", "axb", None),
        ("(draft)", "a (draft) plan", "(draft)"),
        ("VAT BOX", "the VAT BOX return", "VAT BOX"),  # only a final * is taken off
        ("VAT BOX", "the VAT BO return", None),
    ],
)
def test_a_pattern_matches_whole_words_case_aside(pattern, text, found):
    match = compile_phrase(pattern).search(text)
    assert (match.group(0) if match else None) == found


def test_a_compiled_pattern_is_the_documented_expression():
    assert compile_phrase(" IT  system ").pattern == r"(?<!\w)IT\s+system(?!\w)"
    assert compile_phrase("recruit*").pattern == r"(?<!\w)recruit\w*(?!\w)"
    assert compile_phrase("IT system").flags & phrase_rules.re.IGNORECASE


def test_an_entry_matches_when_any_of_its_phrases_does():
    rule = PhraseRule("Resourcing", "people", ("vacanc*", "staff shortage", "IT system"))
    assert rule.matches("two VACANCIES")
    assert rule.matches("Staff shortage")
    assert rule.matches("the new it system")
    assert not rule.matches("the new audit system")
    assert not rule.matches("staff")
    assert not PhraseRule("None", "d", ("x",)).matches("")


@pytest.mark.parametrize(
    ("text", "key"),
    [("Data and systems", "data and systems"), ("  DATA \t and\nSystems ", "data and systems")],
)
def test_names_are_compared_case_and_spacing_aside(text, key):
    assert name_key(text) == key
    assert name_key("Straße") == name_key("STRASSE")  # casefold, not lower


# --- what tells the two kinds of file apart ------------------------------------------------------
def test_each_kind_of_file_names_its_list_and_its_entries_from_its_schema():
    assert (DELAY_RULES.list_key, DELAY_RULES.entry) == ("categories", "category")
    assert (THEME_RULES.list_key, THEME_RULES.entry) == ("themes", "theme")


# --- reading a file ------------------------------------------------------------------------------
def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "rules.yml"
    path.write_text(text, encoding="utf-8")
    return path


def test_entries_are_read_in_order_and_tidied(tmp_path):
    path = _write(
        tmp_path,
        "themes:\n"
        "  - {name: '  Record   keeping ', description: '  files  ', patterns: [' file* ', b]}\n"
        "  - {name: Training, description: courses, patterns: [course]}\n",
    )
    assert load_phrase_rules(path, THEME_RULES) == [
        PhraseRule("Record keeping", "files", ("file*", "b")),
        PhraseRule("Training", "courses", ("course",)),
    ]


@pytest.mark.parametrize(
    ("kind", "text", "message"),
    [
        (
            DELAY_RULES,
            "categories:\n  - {name: ' No  reason GIVEN ', description: d, patterns: [a]}\n",
            "category 1 (No  reason GIVEN): ' No  reason GIVEN ' is reserved for reasons no "
            "rule matches",
        ),
        (
            THEME_RULES,
            "themes:\n  - {name: A, description: d, patterns: [a]}\n"
            "  - {name: other, description: d, patterns: [b]}\n",
            "theme 2 (other): 'other' is reserved for findings no theme matches",
        ),
        (
            THEME_RULES,
            "themes:\n  - {name: A  b, description: d, patterns: [a]}\n"
            "  - {name: C, description: d, patterns: [c]}\n"
            "  - {name: ' a B', description: d, patterns: [b]}\n",
            "theme 3 (a B): name used twice",
        ),
        (THEME_RULES, "themes: []\nextra: 1\n", "unknown top-level key(s) ['extra']"),
    ],
)
def test_a_file_that_cannot_be_applied_is_refused_naming_the_file_and_entry(
    tmp_path, kind, text, message
):
    path = _write(tmp_path, text)
    with pytest.raises(kind.error) as caught:
        load_phrase_rules(path, kind)
    assert str(caught.value) == f"{path}: {message}"


def test_a_file_that_cannot_be_read_or_parsed_is_refused_with_its_kind(tmp_path):
    missing = tmp_path / "absent.yml"
    with pytest.raises(DelayRulesError) as caught:
        load_phrase_rules(missing, DELAY_RULES)
    assert str(caught.value).startswith(f"{missing}: cannot read the delay rules: ")
    assert isinstance(caught.value.__cause__, FileNotFoundError)
    broken = _write(tmp_path, "themes: [\n")
    with pytest.raises(ThemeRulesError) as caught:
        load_phrase_rules(broken, THEME_RULES)
    assert str(caught.value).startswith(f"{broken}: not valid YAML: ")
    assert caught.value.__cause__ is not None


def test_the_same_name_in_two_files_is_no_clash(tmp_path):
    text = "themes:\n  - {name: A, description: d, patterns: [a]}\n"
    first = load_phrase_rules(_write(tmp_path, text), THEME_RULES)
    assert load_phrase_rules(_write(tmp_path, text), THEME_RULES) == first
