"""Each lead's list: which actions, in what order, marked how, and safe to open.

The workbooks are written with openpyxl and checked here with python-calamine and the sheets'
XML, never with openpyxl (see followup_data.py).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from analysis.followup import lists as fu
from analysis.inputs.snapshots import Snapshot
from analysis.inputs.vocabulary import ACTION_STATUSES, RESTRICTED_ITEM
from analysis.quarters import Quarter
from tests.helpers.followup_data import (
    FORMULA_TEXT,
    LISTS,
    NS,
    QUARTER,
    about,
    cells,
    formula_elements,
    make_data,
    sheet_xml,
    table,
    xml_part,
)
from tests.helpers.frames import AS_OF, Q1_1920, SETTINGS, actions_frame, recs_frame

Q = Quarter.parse(QUARTER)


@pytest.fixture
def lists(tmp_path: Path) -> tuple[Path, list[fu.FollowupList]]:
    data = make_data(tmp_path / "data")
    written = fu.write_followup(data, Q, tmp_path / "followup")
    return tmp_path / "followup" / QUARTER, written


def test_one_list_per_group_with_outstanding_actions(lists):
    folder, written = lists
    assert sorted(p.name for p in folder.iterdir()) == sorted(name for name, _ in LISTS.values())
    assert {w.group: (w.rows, w.marking) for w in written} == {
        "Frontline Policing": (3, "OFFICIAL"),
        "Met HQ": (1, "OFFICIAL-SENSITIVE"),
        "Specialist Operations": (1, "OFFICIAL-SENSITIVE"),
    }


def test_rows_overdue_first_then_oldest_first_with_every_column(lists):
    folder, _ = lists
    rows = table(folder / LISTS["Frontline Policing"][0])
    assert [r["Action ID"] for r in rows] == ["F2", "F1", "F3"]
    assert [r["Overdue"] for r in rows] == ["Yes", "Yes", "No"]
    # 30/06/2019 less 31/12/2018 and 31/03/2019; blank when not yet due
    assert [r["Days past deadline"] for r in rows] == [181, 91, ""]
    first = rows[0]
    assert first["Original deadline"] == dt.date(2018, 12, 31) or first[
        "Original deadline"
    ] == dt.datetime(2018, 12, 31)
    assert first["Status"] == "Open"
    assert first["Recorded reason"] == "Waiting for funding"
    header = list(rows[0])
    assert header == [
        "Action ID",
        "Audit",
        "Audit year",
        "Assurance",
        "Risk",
        "Business area",
        "Owner",
        "Original deadline",
        "Revised deadline",
        "Deadline first agreed",
        "Times moved",
        "Status",
        "Overdue",
        "Days past deadline",
        "Recorded reason",
        "Confirmed",
        "Proposed status",
        "Proposed revised date",
        "Reason for the delay",
        "Comment",
    ]
    assert all(r[h] == "" for r in rows for h in header[-5:])


def test_identity_is_stored_for_the_returns(lists):
    folder, _ = lists
    info = about(folder / LISTS["Met HQ"][0])
    assert info["quarter"] == QUARTER
    assert info["business_group"] == "Met HQ"
    assert info["as_of"] == "2019-06-30"
    assert info["marking"] == "OFFICIAL-SENSITIVE"
    workbook = xml_part(folder / LISTS["Met HQ"][0], "xl/workbook.xml")
    states = {s.get("name"): s.get("state") for s in workbook.iter(f"{{{NS['m']}}}sheet")}
    assert states["About"] == "hidden" and states["Follow-up"] in (None, "visible")


def test_sensitive_list_is_marked_everywhere_and_shows_the_text(lists):
    folder, _ = lists
    path = folder / LISTS["Specialist Operations"][0]
    assert "OFFICIAL-SENSITIVE" in path.name
    banner = cells(path)[0][0]
    assert str(banner).startswith("OFFICIAL-SENSITIVE: Specialist Operations")
    xml = sheet_xml(path)
    for part in ("oddHeader", "oddFooter"):
        assert "OFFICIAL-SENSITIVE" in xml.split(f"<{part}>")[1].split(f"</{part}>")[0]
    row = table(path)[0]
    assert row["Audit"] == "Covert source audit"
    assert row["Owner"] == "DI Hidden"
    assert row["Recorded reason"] == "Source protection review"
    assert RESTRICTED_ITEM not in str(cells(path))


def test_official_row_of_a_restricted_audit_marks_its_list(lists):
    """The title is OFFICIAL-SENSITIVE text wherever it appears (analysis.figures.marking)."""
    folder, _ = lists
    path = folder / LISTS["Met HQ"][0]
    assert table(path)[0]["Audit"] == "Covert source audit"
    assert str(cells(path)[0][0]).startswith("OFFICIAL-SENSITIVE")


def test_official_list_is_marked_official(lists):
    folder, _ = lists
    path = folder / LISTS["Frontline Policing"][0]
    assert str(cells(path)[0][0]).startswith("OFFICIAL: Frontline Policing")
    xml = sheet_xml(path)
    header = xml.split("<oddHeader>")[1].split("</oddHeader>")[0]
    assert "OFFICIAL" in header and "SENSITIVE" not in header


def test_text_that_starts_like_a_formula_is_written_as_text(lists):
    folder, _ = lists
    path = folder / LISTS["Frontline Policing"][0]
    assert formula_elements(path) == []
    row = next(r for r in table(path) if r["Action ID"] == "F1")
    assert row["Audit"] == FORMULA_TEXT["audit_title"]
    assert row["Owner"] == FORMULA_TEXT["owner"]
    assert row["Business area"] == FORMULA_TEXT["business_area"]
    assert row["Recorded reason"] == FORMULA_TEXT["delay_reason"]
    styles = xml_part(path, "xl/styles.xml")
    assert any(x.get("quotePrefix") == "1" for x in styles.iter(f"{{{NS['m']}}}xf"))


@pytest.mark.parametrize("text", ["=1+1", "+1", "-1", "@A1", "\tx", "\rx", "plain", "a=b"])
def test_formula_triggers(text):
    assert fu.is_formula_like(text) == (text[0] in "=+-@\t\r")


def test_locked_columns_dropdowns_frozen_header_and_a4_landscape(lists):
    folder, _ = lists
    path = folder / LISTS["Frontline Policing"][0]
    sheet = xml_part(path, "xl/worksheets/sheet1.xml")
    m = NS["m"]
    protection = sheet.find(f"{{{m}}}sheetProtection")
    assert protection is not None and protection.get("sheet") == "1"
    pane = sheet.find(f".//{{{m}}}pane")
    assert pane is not None and pane.get("state") == "frozen" and pane.get("ySplit") == "3"
    setup = sheet.find(f"{{{m}}}pageSetup")
    assert setup is not None
    assert setup.get("orientation") == "landscape" and setup.get("paperSize") == "9"
    validations = {
        v.get("sqref"): (v.get("type"), v.findtext(f"{{{m}}}formula1"))
        for v in sheet.iter(f"{{{m}}}dataValidation")
    }
    assert validations == {
        "P4:P6": ("list", '"Yes,No"'),
        "Q4:Q6": ("list", '"' + ",".join(ACTION_STATUSES) + '"'),
        "R4:R6": ("date", "DATE(2019,6,30)"),
    }
    # Unlocked cells are exactly the five to-fill columns of the data rows.
    styles = xml_part(path, "xl/styles.xml")
    xfs = list(styles.find(f"{{{m}}}cellXfs"))
    unlocked = {
        i
        for i, xf in enumerate(xfs)
        if (p := xf.find(f"{{{m}}}protection")) is not None and p.get("locked") == "0"
    }
    open_cells = {c.get("r") for c in sheet.iter(f"{{{m}}}c") if int(c.get("s", 0)) in unlocked}
    assert open_cells == {f"{col}{row}" for col in "PQRST" for row in (4, 5, 6)}


def test_only_the_followup_folder_is_written(tmp_path):
    data = make_data(tmp_path / "data")
    before = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*"))
    fu.write_followup(data, Q, tmp_path / "followup")
    after = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*"))
    new = [p for p in after if p not in before]
    assert new and all(p.parts[0] == "followup" for p in new)
    assert not (tmp_path / "reports").exists()


def test_written_lists_are_not_overwritten_unless_asked(tmp_path):
    data = make_data(tmp_path / "data")
    fu.write_followup(data, Q, tmp_path / "followup")
    kept = tmp_path / "followup" / QUARTER / "returned.xlsx"
    kept.write_bytes(b"a lead's return")
    with pytest.raises(fu.FollowupExists, match="already exists"):
        fu.write_followup(data, Q, tmp_path / "followup")
    assert kept.read_bytes() == b"a lead's return"
    fu.write_followup(data, Q, tmp_path / "followup", replace=True)
    assert not kept.exists()
    assert len(list((tmp_path / "followup" / QUARTER).glob("*.xlsx"))) == 3


def _snapshot(actions: pd.DataFrame) -> Snapshot:
    return Snapshot(Q1_1920, AS_OF, recs_frame([]), actions)


def test_each_action_shows_its_first_deadline_and_times_moved_over_the_history():
    """A lead asked about an action sees how often its deadline has been moved already."""
    earlier = [
        Snapshot(Quarter.parse(q), Quarter.parse(q).last_day, recs_frame([]), actions)
        for q, actions in (
            ("2018-19-Q3", actions_frame([{"action_id": "X", "due_date": "2018-11-30"}])),
            (
                "2018-19-Q4",
                actions_frame(
                    [
                        {
                            "action_id": "X",
                            "due_date": "2018-11-30",
                            "revised_due_date": "2019-02-28",
                        }
                    ]
                ),
            ),
        )
    ]
    current = _snapshot(
        actions_frame(
            [
                {"action_id": "X", "due_date": "2018-11-30", "revised_due_date": "2019-09-30"},
                {"action_id": "Y", "due_date": "2019-03-31"},
            ]
        )
    )
    rows = fu.followup_rows(current, SETTINGS, [*earlier, current]).set_index("action_id")
    assert rows.loc["X", "times_moved"] == 2
    assert rows.loc["X", "first_deadline"] == pd.Timestamp("2018-11-30")
    assert rows.loc["Y", "times_moved"] == 0
    alone = fu.followup_rows(current, SETTINGS).set_index("action_id")
    assert alone.loc["X", "times_moved"] == 1  # this snapshot alone shows one revised date


def test_action_text_is_shown_when_the_tracker_has_it(tmp_path):
    actions = actions_frame([{"due_date": "2019-01-31"}, {"due_date": "2019-02-28"}])
    actions["action"] = ["=Replace the custody CCTV", "Train the staff"]
    snapshot = _snapshot(actions)
    rows = fu.followup_rows(snapshot, SETTINGS)
    columns = fu.columns_for(actions)
    assert "action" in [c.key for c in columns]
    path = tmp_path / "list.xlsx"
    fu.build_workbook(rows, snapshot, "Met Operations", columns).save(path)
    got = table(path)
    assert [r["Action"] for r in got] == ["=Replace the custody CCTV", "Train the staff"]
    assert formula_elements(path) == []


def test_action_column_left_out_when_the_tracker_has_none():
    actions = actions_frame([{}])
    assert "action" not in [c.key for c in fu.columns_for(actions)]
    assert [c.header for c in fu.columns_for(actions)][-5:] == [
        "Confirmed",
        "Proposed status",
        "Proposed revised date",
        "Reason for the delay",
        "Comment",
    ]


def test_rows_follow_the_deadline_basis_and_threshold():
    """The list is the paper's outstanding actions: the monitoring rule and basis are reused."""
    actions = actions_frame(
        [
            {"action_id": "old", "due_date": "2018-01-31", "revised_due_date": "2019-12-31"},
            {"action_id": "new", "due_date": "2019-03-31"},
            {"action_id": "low", "risk": "Low"},
            {"action_id": "done", "status": "Implemented", "completed_date": "2019-01-01"},
        ]
    )
    rows = fu.followup_rows(_snapshot(actions), SETTINGS)
    assert list(rows["action_id"]) == ["old", "new"]
    revised = fu.followup_rows(_snapshot(actions), SETTINGS.__class__(deadline_basis="revised"))
    assert list(revised["action_id"]) == ["new", "old"]
    assert list(revised["overdue"]) == ["Yes", "No"]
