"""The tracker owner's summary of the leads' returns (analysis.followup.summary): what a lead
asked to change, what is still unconfirmed, and the marking the summary carries."""

from __future__ import annotations

import datetime as dt
import re

from analysis.followup import lists as fu
from analysis.followup import summary as owner
from tests.followup.test_returns import FRONTLINE, SPECIALIST, Q, _read
from tests.followup.test_returns import sent as sent  # the fixture
from tests.helpers.followup_data import QUARTER, fill, make_data, returned_copies


def test_round_trip_summary(sent, tmp_path):
    data, lists = sent
    back = tmp_path / "back"
    fill(
        lists / FRONTLINE,
        back / FRONTLINE,
        {
            "F2": {"Confirmed": "Yes"},
            "F1": {
                "Confirmed": "no",
                "Proposed status": "implemented",
                "Comment": "'- done in May, evidence sent",
            },
            "F3": {
                "Confirmed": "Yes",
                "Proposed revised date": dt.datetime(2019, 12, 31),
                "Reason for the delay": "'=supplier late",
            },
        },
    )
    fill(
        lists / SPECIALIST,
        back / SPECIALIST,
        {"S1": {"Confirmed": "Yes", "Comment": "Reviewed with DARA"}},
    )
    result = _read(data, back)
    assert result.ok, result.findings
    by_id = {a.action_id: a for a in result.answers}
    assert by_id["F1"].confirmed == "No" and by_id["F1"].proposed_status == "Implemented"
    assert by_id["F1"].comment == "- done in May, evidence sent"
    assert by_id["F3"].proposed_date == dt.date(2019, 12, 31)
    assert by_id["F3"].reason == "=supplier late"

    asked = {a.action_id: what for a, what in owner.changes(result)}
    assert asked == {
        "F1": ["status Open -> Implemented"],
        "F3": ["revised date none -> 31/12/2019", "reason: '=supplier late'"],
    }
    text = owner.summary(result)
    lines = text.splitlines()
    assert lines[0] == "OFFICIAL-SENSITIVE"
    assert "2 of 3 lists returned" in lines[1]
    assert re.search(r"Frontline Policing\s+3\s+3\s+2\s+1\s+0$", text, re.M)
    assert re.search(r"Met HQ\s+1\s+0\s+0\s+0\s+0$", text, re.M)
    assert re.search(r"Specialist Operations\s+1\s+1\s+1\s+0\s+0$", text, re.M)
    assert re.search(r"Total\s+5\s+4\s+3\s+1\s+0$", text, re.M)
    assert "F1           Frontline Policing         answered No; comment: '- done in May" in text
    assert "  Met HQ: no return (1 action: H1)" in text
    assert text.endswith(
        "Comments on confirmed actions (1)\n"
        "  S1           Specialist Operations      'Reviewed with DARA'\n"
    )

    path = owner.write_summary(result)
    assert path.name == f"{QUARTER}_returns-summary_OFFICIAL-SENSITIVE.txt"
    assert path.read_text(encoding="utf-8") == text
    # The summary beside the returns does not disturb reading them again.
    assert _read(data, back).ok


def test_official_only_returns_give_an_official_summary(tmp_path):
    data = make_data(tmp_path / "data")
    snapshot_csv = data / "snapshots" / QUARTER / "audit_actions.csv"
    lines = snapshot_csv.read_text(encoding="utf-8").splitlines()
    kept = [line for line in lines if not line.startswith(("S1,", "H1,"))]
    snapshot_csv.write_text("\n".join(kept) + "\n", encoding="utf-8")
    fu.write_followup(data, Q, tmp_path / "followup")
    result = _read(data, tmp_path / "followup" / QUARTER)
    assert result.ok and result.marking == "OFFICIAL"
    assert owner.summary(result).splitlines()[0] == "OFFICIAL"


def test_a_row_deleted_from_a_return_is_not_confirmed(sent, tmp_path):
    from openpyxl import load_workbook

    data, lists = sent
    back = returned_copies(lists, tmp_path / "back")
    book = load_workbook(back / FRONTLINE)
    book[fu.SHEET].delete_rows(fu.HEADER_ROW + 1)  # F2
    book.save(back / FRONTLINE)
    result = _read(data, back)
    assert result.ok
    assert "F2           Frontline Policing         row missing from return" in owner.summary(
        result
    )
