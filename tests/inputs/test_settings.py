"""The panel's settings: the shipped defaults match the documented rules, a data folder's own
settings.yml takes effect, and a file that cannot be acted on is refused by name."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from analysis.inputs import settings as st
from analysis.inputs.vocabulary import ASSURANCES
from analysis.paths import RECORDED_SETTINGS_DIR, RECORDED_SETTINGS_KEY

ROOT = Path(__file__).resolve().parents[2]


def _documented_threshold() -> dict[str, tuple[str, ...]]:
    """The default threshold as docs/rules.md states it in words."""
    text = " ".join((ROOT / "docs" / "rules.md").read_text(encoding="utf-8").split())
    sentence = re.search(r"by default (High-risk actions .*?)\.", text).group(1)
    high, medium = sentence.split(", and ")
    assert high == "High-risk actions whatever the audit's assurance"
    grades = tuple(re.findall(r"\*(\w+)\*", medium.removeprefix("Medium-risk actions")))
    return {"High": ASSURANCES, "Medium": grades, "Low": ()}


def test_the_shipped_defaults_are_the_documented_threshold() -> None:
    defaults = st.load_settings()  # no data folder: analysis/rules/settings.yml alone
    assert defaults.source == "contract defaults"
    assert defaults.threshold == _documented_threshold()
    assert defaults.threshold["Medium"] == ("Limited", "No")
    assert (defaults.deadline_basis, defaults.coming_quarters) == ("original", 3)


def test_the_shipped_defaults_are_what_a_folder_without_settings_gets(tmp_path: Path) -> None:
    assert st.load_settings(tmp_path) == st.load_settings()


def test_a_data_folders_settings_take_effect(tmp_path: Path) -> None:
    own = tmp_path / "settings.yml"
    own.write_text(
        "threshold:\n  High: [Substantial, Adequate, Limited, 'No']\n  Medium: [Adequate]\n"
        "deadline_basis: revised\ncoming_quarters: 2\n",
        encoding="utf-8",
    )
    chosen = st.load_settings(tmp_path)
    assert chosen.source == str(own)
    assert chosen.threshold["Medium"] == ("Adequate",)
    assert chosen.is_monitored("Medium", "Adequate")
    assert not chosen.is_monitored("Medium", "Limited")
    assert (chosen.deadline_basis, chosen.coming_quarters) == ("revised", 2)


def test_a_setting_left_out_keeps_its_default(tmp_path: Path) -> None:
    (tmp_path / "settings.yml").write_text("coming_quarters: 5\n", encoding="utf-8")
    chosen = st.load_settings(tmp_path)
    assert chosen.coming_quarters == 5
    assert chosen.threshold == st.load_settings().threshold


def test_the_repository_data_folder_settings_are_found() -> None:
    assert st.load_settings(ROOT / "data").source == str(ROOT / "data" / "settings.yml")


def test_a_bare_yaml_no_is_read_as_the_grading_no(tmp_path: Path) -> None:
    (tmp_path / "settings.yml").write_text("threshold:\n  Medium: [Limited, No]\n", "utf-8")
    assert st.load_settings(tmp_path).threshold["Medium"] == ("Limited", "No")


def test_a_bare_yaml_yes_is_not_a_grading(tmp_path: Path) -> None:
    (tmp_path / "settings.yml").write_text("threshold:\n  Medium: [Limited, Yes]\n", "utf-8")
    with pytest.raises(st.SettingsError, match=r"unknown assurance \[True\]"):
        st.load_settings(tmp_path)


def test_the_first_mistake_in_the_file_is_the_one_reported(tmp_path: Path) -> None:
    (tmp_path / "settings.yml").write_text(
        "threshold:\n  Urgent: [Limited]\n  High: [Poor]\n", encoding="utf-8"
    )
    with pytest.raises(st.SettingsError, match="threshold names unknown risk 'Urgent'; use"):
        st.load_settings(tmp_path)


def test_a_data_folders_delay_rules_replace_the_packaged_ones(tmp_path: Path) -> None:
    assert st.load_settings(tmp_path).delay_rules_path.parent.name == "rules"
    (tmp_path / "delay_rules.yml").write_text("categories: []\n", encoding="utf-8")
    assert st.load_settings(tmp_path).delay_rules_path == tmp_path / "delay_rules.yml"


def test_the_threshold_is_described_in_words() -> None:
    assert st.load_settings().describe_threshold() == (
        "High-risk actions whatever the audit's assurance; "
        "Medium-risk actions in audits graded Limited or No"
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("- a list\n", "expected a mapping of settings, got list"),
        ("colour: blue\n", "unknown setting(s) ['colour']"),
        ("threshold: [High]\n", "threshold must map each risk to a list of assurances"),
        ("threshold:\n  Urgent: [Limited]\n", "threshold names unknown risk 'Urgent'"),
        ("threshold:\n  High: [Poor]\n", "threshold for High names unknown assurance ['Poor']"),
        ("deadline_basis: latest\n", "deadline_basis must be 'original' or 'revised'"),
        ("coming_quarters: 9\n", "coming_quarters must be a whole number from 1 to 8"),
        ("coming_quarters: true\n", "coming_quarters must be a whole number from 1 to 8"),
        ("threshold: {High: [\n", "not valid YAML"),
        ("threshold:\n  High: Limited\n", "threshold for High must be a list of assurances"),
        ("coming_quarters: 2.0\n", "coming_quarters must be a whole number from 1 to 8"),
        ("attention: [most_overdue]\n", "attention must be a mapping (rules, long_overdue_days"),
    ],
)
def test_a_settings_file_that_cannot_be_acted_on_is_refused_by_name(
    tmp_path: Path, text: str, message: str
) -> None:
    own = tmp_path / "settings.yml"
    own.write_text(text, encoding="utf-8")
    with pytest.raises(st.SettingsError) as refused:
        st.load_settings(tmp_path)
    assert str(refused.value).startswith(f"{own}: ")
    assert message in str(refused.value)


@pytest.mark.parametrize("quarters", [1, 8])
def test_coming_quarters_may_be_one_to_eight(tmp_path: Path, quarters: int) -> None:
    (tmp_path / "settings.yml").write_text(f"coming_quarters: {quarters}\n", encoding="utf-8")
    assert st.load_settings(tmp_path).coming_quarters == quarters


@pytest.mark.parametrize("quarters", ["0", "-1", "2.5", "'3'"])
def test_coming_quarters_outside_one_to_eight_is_refused(tmp_path: Path, quarters: str) -> None:
    (tmp_path / "settings.yml").write_text(f"coming_quarters: {quarters}\n", encoding="utf-8")
    with pytest.raises(st.SettingsError, match="coming_quarters must be a whole number"):
        st.load_settings(tmp_path)


@pytest.mark.parametrize(
    ("threshold", "words"),
    [
        ({"Medium": ("No",)}, "Medium-risk actions in audits graded No"),
        (
            {"High": ("Adequate", "Limited", "No"), "Low": ("No",)},
            "High-risk actions in audits graded Adequate, Limited or No; "
            "Low-risk actions in audits graded No",
        ),
        ({"Low": ()}, "no actions"),
        ({}, "no actions"),
    ],
)
def test_any_threshold_is_described_in_words(threshold: dict, words: str) -> None:
    assert st.Settings(threshold=threshold).describe_threshold() == words


def test_deadline_move_limit_defaults_to_two_and_may_be_set(tmp_path: Path) -> None:
    assert st.load_settings().deadline_move_limit == 2
    (tmp_path / "settings.yml").write_text("deadline_move_limit: 3\n", encoding="utf-8")
    assert st.load_settings(tmp_path).deadline_move_limit == 3
    (tmp_path / "settings.yml").write_text("deadline_move_limit: -1\n", encoding="utf-8")
    with pytest.raises(st.SettingsError, match="deadline_move_limit must be a whole number"):
        st.load_settings(tmp_path)


def test_the_optional_attention_rules_are_off_unless_named(tmp_path: Path) -> None:
    assert not set(st.OPTIONAL_ATTENTION_RULES) & set(st.load_settings().attention.rules)
    assert not set(st.OPTIONAL_ATTENTION_RULES) & set(st.AttentionSettings().rules)
    (tmp_path / "settings.yml").write_text(
        "attention:\n  rules: [most_overdue, moved_more_than_limit]\n", encoding="utf-8"
    )
    assert st.load_settings(tmp_path).attention.rules == ("most_overdue", "moved_more_than_limit")


# --- a published quarter is read under the rules recorded with it ------------------------------
def _published(reports: Path, quarter: str, manifest: object, coming_quarters: int) -> Path:
    """A publication of ``quarter`` whose recorded settings say ``coming_quarters``."""
    folder = reports / quarter
    (folder / RECORDED_SETTINGS_DIR).mkdir(parents=True)
    (folder / RECORDED_SETTINGS_DIR / "settings.yml").write_text(
        f"coming_quarters: {coming_quarters}\n", encoding="utf-8"
    )
    text = manifest if isinstance(manifest, str) else json.dumps(manifest)
    (folder / "manifest.json").write_text(text, encoding="utf-8")
    return folder


def test_a_quarter_published_with_its_rules_is_read_under_them(tmp_path: Path) -> None:
    data, reports = tmp_path / "data", tmp_path / "reports"
    data.mkdir()
    (data / "settings.yml").write_text("coming_quarters: 2\n", encoding="utf-8")
    folder = _published(reports, "2019-20-Q1", {RECORDED_SETTINGS_KEY: ["settings.yml"]}, 7)
    recorded = st.settings_of_quarter(data, reports, "2019-20-Q1")
    assert recorded == st.load_settings(folder / RECORDED_SETTINGS_DIR)
    assert recorded.coming_quarters == 7
    # str paths do as well as Path ones
    assert st.settings_of_quarter(str(data), str(reports), "2019-20-Q1") == recorded


@pytest.mark.parametrize(
    "manifest",
    [
        {"quarter": "2019-20-Q1"},  # published before rules were recorded
        {RECORDED_SETTINGS_KEY: "settings.yml"},  # not a list of files
        [RECORDED_SETTINGS_KEY],  # not a manifest
        "{not json",
    ],
)
def test_a_quarter_without_recorded_rules_is_read_under_the_rules_in_force(
    tmp_path: Path, manifest: object
) -> None:
    data, reports = tmp_path / "data", tmp_path / "reports"
    data.mkdir()
    (data / "settings.yml").write_text("coming_quarters: 2\n", encoding="utf-8")
    _published(reports, "2019-20-Q1", manifest, 7)
    in_force = st.load_settings(data)
    assert in_force.coming_quarters == 2
    assert st.settings_of_quarter(data, reports, "2019-20-Q1") == in_force
    assert st.settings_of_quarter(data, reports, "2019-20-Q2") == in_force  # not published
    assert st.settings_of_quarter(data, None, "2019-20-Q1") == in_force  # no reports folder


def test_a_files_column_map_is_its_own_or_none() -> None:
    chosen = st.Settings(columns={"audit_actions": {"Ref": "action_id"}})
    assert chosen.column_map("audit_actions") == {"Ref": "action_id"}
    assert chosen.column_map("recommendations") == {}


def test_a_data_folders_column_and_word_maps_take_effect(tmp_path: Path) -> None:
    from analysis.inputs.columns import parse_map
    from analysis.inputs.value_maps import parse_values

    own = tmp_path / "settings.yml"
    own.write_text(
        "columns:\n  recommendations:\n    Reference: rec_id\n"
        "values:\n  audit_actions:\n    risk: {Red: High}\n",
        encoding="utf-8",
    )
    chosen = st.load_settings(tmp_path)
    assert chosen.columns == parse_map({"recommendations": {"Reference": "rec_id"}}, str(own))
    assert chosen.column_map("recommendations") == {"Reference": "rec_id"}
    assert chosen.values == parse_values({"audit_actions": {"risk": {"Red": "High"}}}, str(own))
    assert chosen.values != {}


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("columns:\n  recommendations:\n    A: rec_id\n    B: rec_id\n", "rec_id"),
        ("values:\n  audit_actions:\n    risk: {Red: Urgent}\n", "Urgent"),
    ],
)
def test_a_map_that_cannot_be_applied_is_refused_naming_the_file(
    tmp_path: Path, text: str, words: str
) -> None:
    own = tmp_path / "settings.yml"
    own.write_text(text, encoding="utf-8")
    with pytest.raises(st.SettingsError) as caught:
        st.load_settings(tmp_path)
    assert str(caught.value).startswith(f"{own}: ")
    assert words in str(caught.value)
    assert type(caught.value.__cause__).__name__ in ("ColumnMapError", "ValueMapError")
    assert str(caught.value) == str(caught.value.__cause__)


def test_the_theme_rules_are_the_data_folders_own_when_it_has_them(tmp_path: Path) -> None:
    packaged = st.load_settings()
    assert packaged.theme_rules_path == st.RULES / st.THEME_RULES_FILE
    assert packaged.delay_rules_path == st.RULES / st.DELAY_RULES_FILE
    assert st.load_settings(tmp_path).theme_rules_path == packaged.theme_rules_path
    own = tmp_path / st.THEME_RULES_FILE
    own.write_text("themes:\n  - {name: A, description: d, patterns: [a]}\n", encoding="utf-8")
    assert st.load_settings(tmp_path).theme_rules_path == own
    assert st.load_settings(tmp_path).delay_rules_path == packaged.delay_rules_path


def test_the_contract_defaults_are_read_from_the_packaged_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    packaged = tmp_path / "rules"
    packaged.mkdir()
    shipped = (st.RULES / st.SETTINGS_FILE).read_text(encoding="utf-8")
    (packaged / st.SETTINGS_FILE).write_text(
        shipped.replace("coming_quarters: 3", "coming_quarters: 5"), encoding="utf-8"
    )
    monkeypatch.setattr(st, "RULES", packaged)
    assert st.load_settings().coming_quarters == 5
    # a mistake in it is reported as any settings file's is: naming the file
    (packaged / st.SETTINGS_FILE).write_text("coming_quarters: 9\n", encoding="utf-8")
    with pytest.raises(st.SettingsError) as caught:
        st.load_settings()
    assert str(caught.value).startswith(f"{packaged / st.SETTINGS_FILE}: coming_quarters")
