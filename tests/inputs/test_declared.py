"""The declared shapes of the panel's YAML files: each schema is a valid JSON Schema, agrees
with the vocabulary it repeats, has the project's message for every check, and reports the
first mistake of a file in the order a reader of the file expects."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from analysis.engine.lazy import import_jsonschema
from analysis.figures import attention
from analysis.inputs import declared
from analysis.inputs.vocabulary import ASSURANCES, MARKINGS, RISKS
from analysis.paths import PROJECT_ROOT, RULES

SCHEMAS = ("settings", "snapshot", "delay_rules", "theme_rules")
CHECKS = {"type", "enum", "required", "additionalProperties", "minimum", "maximum", "minItems"}
CHECKS |= {"pattern", "not", "format", "anyOf"}


def _checked(node: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """Every schema node whose checks report their own message (the branches of ``not`` and
    ``anyOf`` report through the node that holds them)."""
    yield node
    children = [*node.get("properties", {}).values(), *node.get("$defs", {}).values()]
    children += [node.get(key) for key in ("additionalProperties", "items", "propertyNames")]
    for child in children:
        if isinstance(child, dict):
            yield from _checked(child)


@pytest.mark.parametrize("name", SCHEMAS)
def test_each_schema_is_valid_json_schema(name: str) -> None:
    import_jsonschema().Draft202012Validator.check_schema(declared.load_schema(name))


@pytest.mark.parametrize("name", SCHEMAS)
def test_every_check_has_the_projects_message(name: str) -> None:
    for node in _checked(declared.load_schema(name)):
        messages = node.get("x-messages", {})
        # a missing key is reported with the message of the key it misses
        checks = sorted(CHECKS & set(node) - {"required"})
        if node.get("additionalProperties", False) is not False:
            checks.remove("additionalProperties")  # a schema for the other keys, not a check
        missing = [c for c in checks if c not in messages and "*" not in messages]
        assert not missing, (name, node.get("description", node), missing)
    for node in _checked(declared.load_schema(name)):
        for key in node.get("required", []):
            child = node["properties"][key]
            assert "required" in child.get("x-messages", {}) or "*" in child["x-messages"]


@pytest.mark.parametrize(
    ("file", "name"),
    [
        (RULES / "settings.yml", "settings"),
        (PROJECT_ROOT / "data" / "settings.yml", "settings"),
        (RULES / "delay_rules.yml", "delay_rules"),
        (RULES / "theme_rules.yml", "theme_rules"),
    ],
)
def test_the_shipped_files_fit_their_schemas(file: Path, name: str) -> None:
    assert declared.problems(yaml.safe_load(file.read_text(encoding="utf-8")), name) == []


def test_the_settings_schema_names_the_vocabularys_risks_and_assurances() -> None:
    threshold = declared.load_schema("settings")["properties"]["threshold"]
    assert tuple(threshold["propertyNames"]["enum"]) == RISKS
    assert tuple(threshold["additionalProperties"]["items"]["enum"]) == ASSURANCES


def test_the_settings_schema_names_the_attention_rules_and_orders_the_paper_words() -> None:
    rules = declared.load_schema("settings")["properties"]["attention"]["properties"]
    assert rules["rules"]["items"]["enum"] == list(attention.RULES)
    assert rules["order"]["enum"] == list(attention.ORDERS)


def test_the_snapshot_schema_names_every_marking() -> None:
    marking = declared.load_schema("snapshot")["properties"]["marking"]
    assert marking["x-messages"]["format"].endswith(", ".join(MARKINGS))


def test_the_two_rules_files_share_one_declared_entry() -> None:
    delay = declared.load_schema("delay_rules")["properties"]["categories"]["items"]
    theme = declared.load_schema("theme_rules")["properties"]["themes"]["items"]
    assert delay == theme
    assert set(delay["properties"]) == {"name", "description", "patterns"}


@pytest.mark.parametrize("value", [2.0, True, "3"])
def test_a_whole_number_is_a_yaml_integer_only(value: object) -> None:
    problem = declared.first_problem({"coming_quarters": value}, "settings")
    assert problem is not None and problem.path == ("coming_quarters",)


@pytest.mark.parametrize("value", ["2019-06-30", "30/06/2019", None])
def test_a_date_written_either_accepted_way_or_left_blank_fits_snapshot_yml(value) -> None:
    assert declared.first_problem({"as_of": value, "panel_date": value}, "snapshot") is None


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("31/02/2019", "not a real calendar date"),
        ("yesterday", "not a date in the form 2019-06-30 or 30/06/2019"),
    ],
)
def test_a_date_that_is_not_one_is_refused_with_the_tables_reason(value, reason) -> None:
    problem = declared.first_problem({"panel_date": value}, "snapshot")
    assert problem is not None
    assert (problem.path, problem.message) == (("panel_date",), reason)


@pytest.mark.parametrize("value", ["OFFICIAL", " official-sensitive ", "", None])
def test_a_marking_fits_case_and_outer_spacing_aside_and_may_be_blank(value) -> None:
    assert declared.first_problem({"marking": value}, "snapshot") is None


@pytest.mark.parametrize("value", ["SECRET", "OFFICIAL SENSITIVE", 7])
def test_any_other_marking_is_refused_naming_the_two(value) -> None:
    problem = declared.first_problem({"marking": value}, "snapshot")
    assert problem is not None
    assert (problem.path, problem.message) == (
        ("marking",),
        "unknown marking; expected one of OFFICIAL, OFFICIAL-SENSITIVE",
    )


def test_the_message_lists_every_item_wrong_in_the_same_way() -> None:
    problem = declared.first_problem({"threshold": {"High": ["Poor", "No", "Bad"]}}, "settings")
    assert problem is not None
    assert problem.message.startswith("threshold for High names unknown assurance ['Poor', 'Bad']")


def test_a_missing_key_comes_before_an_unknown_one() -> None:
    problem = declared.first_problem({"categorys": []}, "delay_rules")
    assert problem is not None
    assert problem.message == "expected a mapping with a list under 'categories'"


def test_mistakes_come_in_the_files_order() -> None:
    threshold = {"Urgent": ["x"], "High": ["Poor"]}
    found = declared.problems({"threshold": threshold}, "settings")
    assert [p.path for p in found] == [
        ("threshold", "Urgent"),
        ("threshold", "Urgent", 0),
        ("threshold", "High", 0),
    ]
    assert found[0].message.startswith("threshold names unknown risk 'Urgent'")


def test_an_entry_is_named_once_its_name_is_good() -> None:
    entries = [{"name": "A", "description": "d", "patterns": ["a"]}, {"name": " B ", "x": 1}]
    problem = declared.first_problem({"themes": entries}, "theme_rules")
    assert problem is not None
    assert problem.message == "theme 2 (B): unknown key(s) ['x']"
    unnamed = declared.first_problem({"themes": [{"name": " ", "x": 1}]}, "theme_rules")
    assert unnamed is not None and unnamed.message == "theme 1: 'name' must be non-empty text"


# --- a file found to fit is remembered -------------------------------------------------------
def _counted(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    calls: list[str] = []
    real = declared.problems

    def counting(instance: Any, name: str) -> list[declared.Problem]:
        calls.append(name)
        return real(instance, name)

    monkeypatch.setattr(declared, "problems", counting)
    return calls


def test_a_file_that_fits_is_checked_once(own_cache, monkeypatch) -> None:
    calls = _counted(monkeypatch)
    settings = {"coming_quarters": 3, "deadline_basis": "revised"}
    assert declared.first_problem(settings, "settings") is None
    assert declared.first_problem(dict(settings), "settings") is None
    assert calls == ["settings"]
    # Other values are other files: checked again.
    assert declared.first_problem({"coming_quarters": 2}, "settings") is None
    assert calls == ["settings", "settings"]


def test_a_mistake_is_found_by_jsonschema_every_time(own_cache, monkeypatch) -> None:
    calls = _counted(monkeypatch)
    wrong = {"coming_quarters": "three"}
    first = declared.first_problem(wrong, "settings")
    assert first is not None and "coming_quarters" in first.message
    assert declared.first_problem(wrong, "settings") == first
    assert calls == ["settings", "settings"]


def test_a_changed_schema_checks_the_file_again(own_cache, monkeypatch) -> None:
    calls = _counted(monkeypatch)
    settings = {"coming_quarters": 3}
    assert declared.first_problem(settings, "settings") is None
    texts = dict(declared._schema_texts())
    name = "settings.schema.json"
    texts[name] = (texts[name][0] + " ", texts[name][1])
    monkeypatch.setattr(declared, "_schema_texts", lambda: texts)
    assert declared.first_problem(settings, "settings") is None
    assert calls == ["settings", "settings"]


def test_a_file_found_to_fit_one_schema_is_still_checked_against_another(
    own_cache, monkeypatch
) -> None:
    """The same values read as another file (a settings mapping handed to the delay rules'
    check) get that file's verdict, not the one remembered for the first."""
    calls = _counted(monkeypatch)
    values = {"coming_quarters": 3}
    assert declared.first_problem(values, "settings") is None
    problem = declared.first_problem(values, "delay_rules")
    assert problem is not None and "categories" in problem.message
    assert calls == ["settings", "delay_rules"]


def test_a_new_jsonschema_checks_the_file_again(own_cache, monkeypatch) -> None:
    """A verdict is jsonschema's: once another version is installed, the files are checked
    again rather than trusted on the old version's word."""
    calls = _counted(monkeypatch)
    settings = {"coming_quarters": 3}
    assert declared.first_problem(settings, "settings") is None
    monkeypatch.setattr(declared, "_jsonschema_version", lambda: "99.0.0")
    assert declared.first_problem(settings, "settings") is None
    assert declared.first_problem(settings, "settings") is None
    assert calls == ["settings", "settings"]


def test_with_the_cache_off_every_file_is_checked(own_cache, monkeypatch) -> None:
    from analysis.engine import cache

    monkeypatch.setenv(cache.ENV_OFF, "1")
    calls = _counted(monkeypatch)
    for _ in range(2):
        assert declared.first_problem({"coming_quarters": 3}, "settings") is None
    assert calls == ["settings", "settings"]


def test_the_attention_rules_are_read_from_the_schema_as_written() -> None:
    from analysis.inputs.settings import ATTENTION_RULE_CODES

    written = declared.raw_schema("settings")["properties"]["attention"]["properties"]
    assert tuple(written["rules"]["items"]["enum"]) == ATTENTION_RULE_CODES
    resolved = declared.load_schema("settings")["properties"]["attention"]["properties"]
    assert tuple(resolved["rules"]["items"]["enum"]) == ATTENTION_RULE_CODES


# --- every mistake, in the order a reader meets them -------------------------------------------
MANY_MISTAKES = {
    "settings": (
        {
            "threshold": {"High": ["Adequate", "Bad", False], "Urgent": "x", "Low": "x"},
            "coming_quarters": "x",
            "extra": 1,
            "deadline_basis": "sometimes",
            "attention": {"rules": ["nope", "most_overdue"], "limit": -1, "colour": 2},
        },
        [
            ((), "unknown setting(s) ['extra']"),
            (
                ("threshold", "High", 1),
                "threshold for High names unknown assurance ['Bad', False]; "
                "use ('Substantial', 'Adequate', 'Limited', 'No')",
            ),
            (
                ("threshold", "High", 2),
                "threshold for High names unknown assurance ['Bad', False]; "
                "use ('Substantial', 'Adequate', 'Limited', 'No')",
            ),
            (
                ("threshold", "Urgent"),
                "threshold names unknown risk 'Urgent'; use ('High', 'Medium', 'Low')",
            ),
            # the key refused first, then what it holds
            (("threshold", "Urgent"), "threshold for Urgent must be a list of assurances"),
            (("threshold", "Low"), "threshold for Low must be a list of assurances"),
            (
                ("deadline_basis",),
                "deadline_basis must be 'original' or 'revised', not 'sometimes'",
            ),
            (("coming_quarters",), "coming_quarters must be a whole number from 1 to 8"),
            (("attention",), "attention: unknown setting(s) ['colour']"),
            (
                ("attention", "rules", 0),
                "attention.rules names unknown rule(s) ['nope']; use ['most_overdue', "
                "'over_a_year_overdue', 'all_on_hold', 'moved_more_than_limit', "
                "'awaiting_verification_over_90_days']",
            ),
            (
                ("attention", "limit"),
                "attention.limit must be blank (no cap) or a whole number from 1",
            ),
        ],
    ),
    "delay_rules": (
        {
            "categories": [
                {"name": "A", "description": "", "patterns": ["a*b", "*"]},
                {"description": "d", "patterns": []},
                "x",
                {"name": " ", "colour": "red"},
                {"name": "B", "description": 5, "patterns": "p"},
            ],
            "other": 1,
        },
        [
            ((), "unknown top-level key(s) ['other']"),
            (
                ("categories", 0, "description"),
                "category 1 (A): 'description' must be non-empty text",
            ),
            (
                ("categories", 0, "patterns", 0),
                "category 1 (A): pattern 'a*b' may have '*' only at its end",
            ),
            (
                ("categories", 0, "patterns", 1),
                "category 1 (A): pattern '*' must be a word or phrase",
            ),
            (("categories", 1, "name"), "category 2: 'name' must be non-empty text"),
            (
                ("categories", 1, "patterns"),
                "category 2: 'patterns' must be a list of at least one pattern",
            ),
            (("categories", 2), "category 3: expected name, description and patterns"),
            (("categories", 3, "name"), "category 4: 'name' must be non-empty text"),
            (("categories", 3), "category 4: unknown key(s) ['colour']"),
            (("categories", 3, "description"), "category 4: 'description' must be non-empty text"),
            (
                ("categories", 3, "patterns"),
                "category 4: 'patterns' must be a list of at least one pattern",
            ),
            (
                ("categories", 4, "description"),
                "category 5 (B): 'description' must be non-empty text",
            ),
            (
                ("categories", 4, "patterns"),
                "category 5 (B): 'patterns' must be a list of at least one pattern",
            ),
        ],
    ),
    "snapshot": (
        {"as_of": "not a date", "marking": "SECRET", "unknown": 1, "columns": 3},
        [
            (("as_of",), "not a date in the form 2019-06-30 or 30/06/2019"),
            (("marking",), "unknown marking; expected one of OFFICIAL, OFFICIAL-SENSITIVE"),
            (
                ("columns",),
                "columns must map each file (recommendations, audit_actions, hmicfrs_tracker) "
                "to its headers",
            ),
        ],
    ),
    "theme_rules": (["a"], [((), "expected a mapping with a list under 'themes'")]),
}


@pytest.mark.parametrize("name", MANY_MISTAKES)
def test_every_mistake_of_a_file_is_reported_once_in_reading_order(name: str) -> None:
    instance, expected = MANY_MISTAKES[name]
    found = [(problem.path, problem.message) for problem in declared.problems(instance, name)]
    assert found == expected
    assert declared.first_problem(instance, name) == declared.Problem(*expected[0])
