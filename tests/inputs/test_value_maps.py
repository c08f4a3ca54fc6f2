"""A force's own words (Red, Amber, "priority one", "Partially implemented") read as the
contract's through ``values:`` in the settings or a quarter's snapshot.yml."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from analysis.figures.record import build_figures
from analysis.inputs.settings import SettingsError, load_settings
from analysis.inputs.snapshots import check_snapshot, load_snapshot, source_key
from analysis.inputs.value_maps import ValueMapError, merge_values, parse_values
from analysis.quarters import Quarter
from tests.conftest import ACTIONS, META, RECOMMENDATIONS, build_snapshot, write_csv

Q1 = Quarter(2019, 1)
XLSX = "snapshots/2019-20-Q1/audit_actions.xlsx"
RECS = "snapshots/2019-20-Q1/recommendations.csv"
HINT = (
    "; or map the export's word to one of them under values: {file}: {column}: in "
    "settings.yml, or in this quarter's snapshot.yml for this quarter only"
)

RAG = {"High": "Red", "Medium": "Amber", "Low": "Green"}
RAG_MAP = {"audit_actions": {"risk": {"Red": "High", "Amber": "Medium", "Green": "Low"}}}


def settings_file(data_dir: Path, **settings: Any) -> None:
    (data_dir / "settings.yml").write_text(yaml.safe_dump(settings, sort_keys=False), "utf-8")


def graded(words: dict[str, str], column: str = "risk") -> list[dict[str, Any]]:
    """The standard actions with ``column``'s contract words replaced by a force's own."""
    return [{**row, column: words[row[column]]} for row in ACTIONS]


def errors(findings):
    return [f for f in findings if f.severity == "error"]


# --- the figures after mapping ------------------------------------------------------------------
def test_a_tracker_graded_red_amber_green_gives_the_figures_of_high_medium_low(
    tmp_path: Path,
) -> None:
    plain_dir, rag_dir = tmp_path / "plain", tmp_path / "rag"
    build_snapshot(plain_dir)
    build_snapshot(rag_dir, actions=graded(RAG))
    settings_file(rag_dir, values=RAG_MAP)

    plain_settings, rag_settings = load_settings(plain_dir), load_settings(rag_dir)
    plain = load_snapshot(plain_dir, Q1, plain_settings)
    rag = load_snapshot(rag_dir, Q1, rag_settings)
    assert rag.actions["risk"].tolist() == ["High", "Medium", "High", "Medium", "Low"]
    expected = build_figures(plain, [plain], plain_settings)
    mapped = build_figures(rag, [rag], rag_settings)
    # The threshold saw High and Medium: A1 (High, Limited) outstanding and overdue, A3 (High)
    # not yet due; A2 (Medium in an Adequate audit) left out.
    assert mapped["actions"]["outstanding"] == 2
    assert mapped["actions"]["outstanding_by_risk"] == {"High": 2}
    assert mapped["actions"]["overdue"] == 1
    assert mapped.pop("input_maps") == {"values": RAG_MAP}
    assert "input_maps" not in expected
    assert mapped == expected


def test_priority_grades_and_own_status_words_map_too(data_dir: Path, make_snapshot) -> None:
    priorities = {"High": "priority one", "Medium": "priority two", "Low": "Priority Three"}
    assurances = {"Limited": "Important", "Adequate": "desirable", "No": "FUNDAMENTAL"}
    actions = [
        {**row, "risk": priorities[row["risk"]], "assurance": assurances.get(row["assurance"])}
        for row in ACTIONS
    ]
    actions[2]["assurance"] = "Substantial"  # a contract word is still read as itself
    actions[2]["status"] = " partially implemented "
    make_snapshot(actions=actions)
    settings_file(
        data_dir,
        values={
            "audit_actions": {
                "risk": {"Priority one": "high", "Priority two": "Medium", "priority three": "Low"},
                "assurance": {"Fundamental": "No", "Important": "Limited", "Desirable": "Adequate"},
                "status": {"Partially implemented": "In progress"},
            }
        },
    )
    snapshot, findings = check_snapshot(data_dir, Q1)
    assert findings == []
    assert snapshot is not None
    assert snapshot.actions["risk"].tolist() == ["High", "Medium", "High", "Medium", "Low"]
    assert snapshot.actions["assurance"].tolist() == [
        "Limited",
        "Adequate",
        "Substantial",
        "No",
        "Limited",
    ]
    assert snapshot.actions.loc[2, "status"] == "In progress"


def test_an_unquoted_no_is_the_grading_no(data_dir: Path, make_snapshot) -> None:
    make_snapshot(actions=[{**row, "assurance": "None"} for row in ACTIONS[3:4]])
    (data_dir / "settings.yml").write_text(
        "values:\n  audit_actions:\n    assurance: {None: No}\n", "utf-8"
    )
    snapshot, findings = check_snapshot(data_dir, Q1)
    assert findings == [] and snapshot is not None
    assert snapshot.actions["assurance"].tolist() == ["No"]


def test_portal_words_and_recommendation_words(data_dir: Path, make_snapshot) -> None:
    rows = [dict(row) for row in RECOMMENDATIONS]
    rows[0]["status"] = "being-progressed"  # the portal's own word, read as today
    rows[1]["type"] = "AFI"
    rows[2]["status"] = "Closed - complete"
    make_snapshot(recommendations=rows)
    settings_file(
        data_dir,
        values={
            "recommendations": {
                "type": {"AFI": "Area for improvement"},
                "status": {"Closed - complete": "Complete"},
            }
        },
    )
    snapshot, findings = check_snapshot(data_dir, Q1)
    assert findings == [] and snapshot is not None
    assert snapshot.recommendations["status"].tolist()[:3] == [
        "Being progressed",
        "Awaiting review",
        "Complete",
    ]
    assert snapshot.recommendations.loc[1, "type"] == "Area for improvement"


def test_the_own_tracker_internal_status_maps(data_dir: Path, make_snapshot) -> None:
    folder = make_snapshot()
    columns = ["rec_id", "internal_status"]
    write_csv(
        folder / "hmicfrs_tracker.csv",
        columns,
        [{"rec_id": "R1", "internal_status": "Partially implemented"}],
    )
    _, findings = check_snapshot(data_dir, Q1)
    (error,) = errors(findings)
    tracker = "snapshots/2019-20-Q1/hmicfrs_tracker.csv"
    assert (error.file, error.row, error.column, error.value) == (
        tracker,
        2,
        "internal_status",
        "Partially implemented",
    )
    assert error.message == (
        "unknown internal_status; expected one of Not started, In progress, Evidence "
        "submitted, Complete" + HINT.format(file="hmicfrs_tracker", column="internal_status")
    )
    settings_file(
        data_dir,
        values={"hmicfrs_tracker": {"internal_status": {"Partially implemented": "In progress"}}},
    )
    snapshot, findings = check_snapshot(data_dir, Q1)
    assert findings == [] and snapshot is not None
    assert snapshot.tracker["internal_status"].tolist() == ["In progress"]


# --- words no map names -------------------------------------------------------------------------
def test_a_word_no_map_names_is_an_error_with_file_row_column_and_value(
    data_dir: Path, make_snapshot
) -> None:
    make_snapshot(actions=graded({**RAG, "Medium": "Amber/Red"}))
    settings_file(data_dir, values=RAG_MAP)
    snapshot, findings = check_snapshot(data_dir, Q1)
    assert snapshot is None
    found = errors(findings)
    assert [(f.file, f.row, f.column, f.value) for f in found] == [
        (XLSX, 3, "risk", "Amber/Red"),
        (XLSX, 5, "risk", "Amber/Red"),
    ]
    assert found[0].message == (
        "unknown risk; expected one of High, Medium, Low"
        + HINT.format(file="audit_actions", column="risk")
    )


def test_the_marking_is_never_mapped_and_its_message_says_nothing_of_maps(
    data_dir: Path, make_snapshot
) -> None:
    make_snapshot(rec_cells={("R4", "marking"): "SECRET"})
    _, findings = check_snapshot(data_dir, Q1)
    (error,) = errors(findings)
    assert error.message == "unknown marking; expected one of OFFICIAL, OFFICIAL-SENSITIVE"
    settings_file(data_dir, values={"recommendations": {"marking": {"SECRET": "OFFICIAL"}}})
    with pytest.raises(SettingsError) as caught:
        load_settings(data_dir)
    assert str(caught.value) == (
        f"{data_dir / 'settings.yml'}: values.recommendations.marking: 'marking' is not a "
        "column whose words can be mapped; use type, status"
    )


# --- the map's own mistakes -----------------------------------------------------------------------
@pytest.mark.parametrize(
    ("values", "message"),
    [
        (
            {"audit_actions": {"risk": {"Red": "Critical"}}},
            "values.audit_actions.risk maps 'Red' to 'Critical', which is not a risk of the "
            "contract (High, Medium, Low)",
        ),
        (
            {"audit_actions": {"status": {"Part done": "Partly"}}},
            "values.audit_actions.status maps 'Part done' to 'Partly', which is not a status of "
            "the contract (Open, In progress, On hold, Implemented, Closed, Not adopted)",
        ),
        (
            {"actions": {"risk": {"Red": "High"}}},
            "values names unknown file 'actions'; use recommendations, audit_actions, "
            "hmicfrs_tracker",
        ),
        (
            {"audit_actions": {"owner": {"x": "y"}}},
            "values.audit_actions.owner: 'owner' is not a column whose words can be mapped; "
            "use assurance, risk, status",
        ),
        (
            {"audit_actions": {"risk": {"Red": "High", " red ": "Medium"}}},
            "values.audit_actions.risk lists the word 'red' twice (as 'Red')",
        ),
        (
            {"audit_actions": {"risk": ["Red"]}},
            "values.audit_actions.risk must map the export's words to the contract's "
            "(High, Medium, Low)",
        ),
        (
            "Red: High",
            "values must map each file (recommendations, audit_actions, "
            "hmicfrs_tracker) to its columns",
        ),
    ],
)
def test_a_map_that_cannot_be_applied_is_a_settings_error_naming_file_and_key(
    data_dir: Path, values: object, message: str
) -> None:
    settings_file(data_dir, values=values)
    with pytest.raises(SettingsError) as caught:
        load_settings(data_dir)
    assert str(caught.value) == f"{data_dir / 'settings.yml'}: {message}"


def test_a_bare_yes_as_an_export_word_must_be_quoted() -> None:
    with pytest.raises(ValueMapError) as caught:
        parse_values({"audit_actions": {"status": {True: "Closed"}}}, "s")
    assert str(caught.value) == (
        "s: values.audit_actions.status: the export word True is how YAML reads a bare Yes, "
        "No, On, Off, True or False; put the word in quotes"
    )


def test_the_words_are_kept_as_typed_and_the_contract_words_canonical() -> None:
    parsed = parse_values({"audit_actions": {"risk": {" Red ": "high"}}}, "s")
    assert parsed == {"audit_actions": {"risk": {"Red": "High"}}}


def test_the_quarters_map_wins_word_by_word() -> None:
    base = {"audit_actions": {"risk": {"Red": "High", "Amber": "Medium"}}}
    own = {"audit_actions": {"risk": {"AMBER": "High"}, "status": {"Parked": "On hold"}}}
    assert merge_values(base, own) == {
        "audit_actions": {
            "risk": {"Red": "High", "AMBER": "High"},
            "status": {"Parked": "On hold"},
        }
    }


# --- a quarter's own words --------------------------------------------------------------------
def test_a_quarters_snapshot_yml_maps_its_own_words_for_that_quarter_only(
    data_dir: Path, make_snapshot
) -> None:
    own = {"audit_actions": {"risk": {"Amber": "High"}}}  # this quarter's committee: Amber is High
    make_snapshot(actions=graded(RAG), meta={**META, "values": own})
    make_snapshot(
        "2019-20-Q2",
        actions=graded(RAG),
        meta={**META, "as_of": "2019-09-30", "panel_date": "2019-10-17"},
    )
    settings_file(data_dir, values=RAG_MAP)
    q1, findings = check_snapshot(data_dir, Q1)
    assert q1 is not None
    # A2, Amber and overdue, is read as High, so the rules see a monitored overdue action.
    assert [(f.severity, f.row, f.message) for f in findings] == [
        ("warning", 3, "overdue action (deadline 2019-01-31) has no delay_reason")
    ]
    assert q1.actions["risk"].tolist() == ["High", "High", "High", "High", "Low"]
    assert q1.meta["values"] == own
    q2, findings = check_snapshot(data_dir, Quarter(2019, 2))
    assert q2 is not None
    assert q2.actions["risk"].tolist() == ["High", "Medium", "High", "Medium", "Low"]
    figures = build_figures(q1, [q1], load_settings(data_dir))
    assert figures["input_maps"] == {
        "values": {"audit_actions": {"risk": {"Red": "High", "Amber": "High", "Green": "Low"}}}
    }
    # A2 (Amber, read as High) is now monitored: three outstanding High actions.
    assert figures["actions"]["outstanding_by_risk"] == {"High": 3}


def test_a_bad_map_in_snapshot_yml_is_an_error_naming_the_file_and_key(
    data_dir: Path, make_snapshot
) -> None:
    make_snapshot(meta={**META, "values": {"audit_actions": {"risk": {"Red": "Severe"}}}})
    snapshot, findings = check_snapshot(data_dir, Q1)
    assert snapshot is None
    (error,) = errors(findings)
    assert (error.file, error.column) == ("snapshots/2019-20-Q1/snapshot.yml", "values")
    assert error.message == (
        "values.audit_actions.risk maps 'Red' to 'Severe', which is not a risk of the "
        "contract (High, Medium, Low)"
    )


def test_changing_a_value_map_changes_the_cache_key(data_dir: Path, make_snapshot) -> None:
    folder = make_snapshot()
    before = source_key(folder, load_settings(data_dir))
    settings_file(data_dir, values=RAG_MAP)
    with_settings_map = source_key(folder, load_settings(data_dir))
    assert with_settings_map != before
    make_snapshot(meta={**META, "values": {"audit_actions": {"risk": {"Red": "Medium"}}}})
    assert source_key(folder, load_settings(data_dir)) not in (before, with_settings_map)


def test_a_changed_map_revalidates(data_dir: Path, make_snapshot, own_cache) -> None:
    """The disk cache holds the first result; a changed map is read afresh, not served from it."""
    make_snapshot(actions=graded(RAG))
    _, findings = check_snapshot(data_dir, Q1)
    assert len(errors(findings)) == 5
    settings_file(data_dir, values=RAG_MAP)
    snapshot, findings = check_snapshot(data_dir, Q1)
    assert findings == [] and snapshot is not None
    assert snapshot.source_key is not None
