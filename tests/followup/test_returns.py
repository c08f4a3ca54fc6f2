"""The leads' returns read back: the round trip, and every answer that is refused.

Lists are written by analysis.followup.lists (openpyxl), filled in with openpyxl as a lead's Excel
would save them, and read back by analysis.followup.returns through the loader's reader (calamine).
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import zipfile
from pathlib import Path

import pytest

from analysis.followup import lists as fu
from analysis.followup import returns as rt
from analysis.followup import summary as owner
from analysis.quarters import Quarter
from tests.helpers.followup_data import LISTS, QUARTER, fill, make_data, returned_copies

Q = Quarter.parse(QUARTER)
FRONTLINE = LISTS["Frontline Policing"][0]
SPECIALIST = LISTS["Specialist Operations"][0]
MET_HQ = LISTS["Met HQ"][0]


@pytest.fixture
def sent(tmp_path: Path) -> tuple[Path, Path]:
    """(data folder, folder of the lists as sent)."""
    data = make_data(tmp_path / "data")
    fu.write_followup(data, Q, tmp_path / "followup")
    return data, tmp_path / "followup" / QUARTER


def _read(data: Path, folder: Path) -> rt.Returns:
    return rt.read_returns(data, Q, folder)


def _errors(result: rt.Returns) -> list[tuple[str, int | None, str | None, str | None]]:
    return [
        (Path(f.file).name, f.row, f.column, f.value)
        for f in result.findings
        if f.severity == "error"
    ]


def test_unchanged_lists_read_back_clean_and_nothing_confirmed(sent, tmp_path):
    data, lists = sent
    folder = returned_copies(lists, tmp_path / "back")
    result = _read(data, folder)
    assert result.ok, result.findings
    assert len(result.answers) == 5
    text = owner.summary(result)
    assert text.splitlines()[0] == "OFFICIAL-SENSITIVE"
    assert "3 of 3 lists returned" in text
    assert "Not yet confirmed (5)" in text
    assert "Changes asked for (0)" in text


REFUSALS = {
    "unknown action id": (
        FRONTLINE,
        {"F2": {"Action ID": "F99"}},
        (FRONTLINE, 4, "Action ID", "F99"),
        "unknown action id",
    ),
    "action of another group": (
        SPECIALIST,
        {"S1": {"Action ID": "F1"}},
        (SPECIALIST, 4, "Action ID", "F1"),
        "moved to another group: the snapshot has it under Frontline Policing",
    ),
    "action not on the list": (
        FRONTLINE,
        {"F2": {"Action ID": "P1"}},
        None,  # P1 is Professionalism's: moved, not "not on the list"
        "moved to another group",
    ),
    "date that is not a date": (
        FRONTLINE,
        {"F1": {"Proposed revised date": "31/02/2020"}},
        (FRONTLINE, 5, "Proposed revised date", "31/02/2020"),
        "not a real calendar date",
    ),
    "US-order date": (
        FRONTLINE,
        {"F1": {"Proposed revised date": "12/31/2019"}},
        (FRONTLINE, 5, "Proposed revised date", "12/31/2019"),
        "US order",
    ),
    "date before the as-at date": (
        FRONTLINE,
        {"F1": {"Proposed revised date": dt.datetime(2019, 6, 29)}},
        (FRONTLINE, 5, "Proposed revised date", "2019-06-29"),
        "before the as-at date 30/06/2019",
    ),
    "status outside the vocabulary": (
        FRONTLINE,
        {"F3": {"Proposed status": "Done"}},
        (FRONTLINE, 6, "Proposed status", "Done"),
        "a status outside the tracker's vocabulary",
    ),
    "confirmed neither yes nor no": (
        FRONTLINE,
        {"F3": {"Confirmed": "Maybe"}},
        (FRONTLINE, 6, "Confirmed", "Maybe"),
        "neither Yes nor No; use one of Yes, No",
    ),
    "edited read-only status": (
        FRONTLINE,
        {"F1": {"Status": "Implemented"}},
        (FRONTLINE, 5, "Status", "Implemented"),
        "read-only cell edited: the list sent said 'Open'",
    ),
    "edited read-only date": (
        FRONTLINE,
        {"F2": {"Revised deadline": dt.datetime(2019, 9, 30)}},
        (FRONTLINE, 4, "Revised deadline", "2019-09-30"),
        "read-only cell edited: the list sent said '2019-05-31'",
    ),
    "cleared read-only text": (
        SPECIALIST,
        {"S1": {"Owner": None}},
        (SPECIALIST, 4, "Owner", ""),
        "read-only cell edited: the list sent said 'DI Hidden'",
    ),
    "formula typed as an answer": (
        FRONTLINE,
        {"F3": {"Comment": "=1+1"}},
        (FRONTLINE, 6, "Comment", "=1+1"),
        "a formula: type the value itself",
    ),
    "formula in a read-only cell": (
        FRONTLINE,
        {"F3": {"Recorded reason": '=HYPERLINK("http://x")'}},
        (FRONTLINE, 6, "Recorded reason", '=HYPERLINK("http://x")'),
        "a formula",
    ),
    "action listed twice": (
        FRONTLINE,
        {"F3": {"Action ID": "F1"}},
        None,
        "action listed twice (first on row 5)",
    ),
}


@pytest.mark.parametrize("case", REFUSALS, ids=list(REFUSALS))
def test_refused_answers_name_file_row_column_and_value(sent, tmp_path, case):
    data, lists = sent
    file, answers, where, message = REFUSALS[case]
    back = returned_copies(lists, tmp_path / "back")
    fill(lists / file, back / file, answers)
    result = _read(data, back)
    assert not result.ok
    assert any(message in f.message for f in result.findings), result.findings
    if where is not None:
        assert where in _errors(result), _errors(result)
    with pytest.raises(ValueError, match="nothing is written"):
        owner.write_summary(result)
    assert not list(back.glob("*summary*"))
    report = rt.report(result)
    assert report.startswith(f"{QUARTER} returns  ") and "ERROR: " in report


def test_every_error_is_reported_at_once(sent, tmp_path):
    data, lists = sent
    back = returned_copies(lists, tmp_path / "back")
    fill(
        lists / FRONTLINE,
        back / FRONTLINE,
        {
            "F2": {"Proposed status": "Finished"},
            "F1": {"Proposed revised date": "soon"},
            "F3": {"Comment": "=A1"},
        },
    )
    rows = sorted(row for _, row, _, _ in _errors(_read(data, back)))
    assert rows == [4, 5, 6]


def test_a_formula_with_a_saved_result_is_refused_not_evaluated(sent, tmp_path):
    """Excel saves a formula's result beside it; the result is never taken as the answer."""
    data, lists = sent
    back = returned_copies(lists, tmp_path / "back")
    fill(lists / FRONTLINE, back / FRONTLINE, {"F3": {"Comment": "=1+1"}})
    patched = tmp_path / "patched.xlsx"
    with zipfile.ZipFile(back / FRONTLINE) as source, zipfile.ZipFile(patched, "w") as target:
        for item in source.infolist():
            body = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                body, count = re.subn(
                    rb"<f>1\+1</f><v\s*/>|<f>1\+1</f><v></v>|<f>1\+1</f>",
                    b"<f>1+1</f><v>2</v>",
                    body,
                )
                assert count == 1
            target.writestr(item, body)
    shutil.move(patched, back / FRONTLINE)
    result = _read(data, back)
    assert (FRONTLINE, 6, "Comment", "=1+1") in _errors(result)
    assert not any(a.comment == "2" for a in result.answers)


def test_workbook_for_another_quarter(sent, tmp_path):
    data, lists = sent
    back = returned_copies(lists, tmp_path / "back")
    fill(lists / FRONTLINE, back / FRONTLINE, {}, about_changes={"quarter": "2019-20-Q2"})
    errors = _errors(_read(data, back))
    assert errors == [(f"{FRONTLINE}, sheet About", 4, "quarter", "2019-20-Q2")]


def test_workbook_for_a_group_that_was_sent_no_list(sent, tmp_path):
    data, lists = sent
    back = returned_copies(lists, tmp_path / "back")
    fill(lists / FRONTLINE, back / FRONTLINE, {}, about_changes={"business_group": "Met HQ2"})
    result = _read(data, back)
    assert _errors(result) == [(f"{FRONTLINE}, sheet About", 5, "business_group", "Met HQ2")]
    assert "a workbook for another group" in result.findings[0].message


def test_two_workbooks_for_one_group(sent, tmp_path):
    data, lists = sent
    back = returned_copies(lists, tmp_path / "back")
    shutil.copyfile(lists / MET_HQ, back / "copy of met hq.xlsx")
    result = _read(data, back)
    assert not result.ok
    assert any("a second workbook for Met HQ" in f.message for f in result.findings)


def test_a_workbook_of_some_other_kind(sent, tmp_path):
    data, lists = sent
    back = returned_copies(lists, tmp_path / "back")
    (back / "notes.xlsx").write_text("rec_id,status\n", encoding="utf-8")
    shutil.copyfile(data / "snapshots" / QUARTER / "audit_actions.csv", back / "tracker.xlsx")
    from openpyxl import Workbook

    Workbook().save(back / "blank.xlsx")
    result = _read(data, back)
    names = {Path(f.file).name for f in result.findings if f.severity == "error"}
    assert names == {"notes.xlsx", "tracker.xlsx", "blank.xlsx"}
    blank = next(f for f in result.findings if f.file.endswith("blank.xlsx"))
    assert "not a follow-up workbook written by panelpaper" in blank.message


def test_an_empty_folder_is_an_error(sent, tmp_path):
    data, _ = sent
    (tmp_path / "empty").mkdir()
    result = _read(data, tmp_path / "empty")
    assert not result.ok and "no returned workbooks" in result.findings[0].message


def test_a_removed_column_is_an_error(sent, tmp_path):
    from openpyxl import load_workbook

    data, lists = sent
    back = returned_copies(lists, tmp_path / "back")
    book = load_workbook(back / FRONTLINE)
    book[fu.SHEET].delete_cols(20)  # Comment
    book.save(back / FRONTLINE)
    result = _read(data, back)
    assert any("lost column(s) Comment" in f.message for f in result.findings)
