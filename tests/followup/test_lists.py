"""Each lead's list: which actions, in what order, marked how, and safe to open.

The workbooks are written with openpyxl and checked here with python-calamine and the sheets'
XML, never with openpyxl (see followup_data.py).
"""

from __future__ import annotations

import datetime as dt
import html
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from pypdf import PdfReader

from analysis.followup import lists as fu
from analysis.inputs.snapshot import Snapshot
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


# --- on screen and on paper (issue 23 item 6) ----------------------------------------------
M = f"{{{NS['m']}}}"


def _sheet(path: Path):
    return xml_part(path, "xl/worksheets/sheet1.xml")


def test_the_spreadsheet_checklist_title_in_a1_one_header_row_no_merges_a_named_table(lists):
    _, written = lists
    for item in written:
        path = item.path
        rows = cells(path)
        assert str(rows[0][0]).startswith(f"{item.marking}: {item.group}: outstanding DARA")
        assert all(value in ("", None) for value in rows[0][1:])  # the title is A1 alone
        assert _sheet(path).find(f"{M}mergeCells") is None
        with zipfile.ZipFile(path) as book:
            tables = [n for n in book.namelist() if n.startswith("xl/tables/")]
        assert len(tables) == 1
        named = xml_part(path, tables[0])
        last = chr(ord("A") + len(rows[fu.HEADER_ROW - 1]) - 1)
        assert named.get("displayName") == fu.TABLE_NAME
        assert named.get("ref") == f"A{fu.HEADER_ROW}:{last}{fu.HEADER_ROW + item.rows}"
        assert named.get("headerRowCount") in (None, "1")
        headers = [c.get("name") for c in named.iter(f"{M}tableColumn")]
        assert headers == [str(h) for h in rows[fu.HEADER_ROW - 1]]


def test_the_columns_to_fill_in_are_named_not_only_shaded(lists):
    _, written = lists
    instructions = str(cells(written[0].path)[1][0])
    for column in fu.TO_FILL:
        assert column.header in instructions


def test_every_row_is_tall_enough_for_its_wrapped_text(tmp_path):
    long_reason = " ".join(["Awaiting the new contract through the procurement process."] * 6)
    data = make_data(tmp_path / "data")
    frame = pd.read_csv(data / "snapshots" / QUARTER / "audit_actions.csv", dtype=str)
    frame.loc[frame["action_id"] == "F1", "delay_reason"] = long_reason
    frame.to_csv(data / "snapshots" / QUARTER / "audit_actions.csv", index=False)
    written = {w.group: w for w in fu.write_followup(data, Q, tmp_path / "followup")}
    path = written["Frontline Policing"].path
    heights = {
        int(row.get("r")): (float(row.get("ht", 0)), row.get("customHeight"))
        for row in _sheet(path).iter(f"{M}row")
    }
    ids = [r["Action ID"] for r in table(path)]
    long_row = fu.HEADER_ROW + 1 + ids.index("F1")
    width = next(c.width for c in fu.READ_ONLY if c.key == "delay_reason")
    # Independently of the code's own estimate: even at 1.5 characters per unit of width (Calc
    # fits about 1.35) the reason needs this many lines of 11 pt text.
    lines = -(-len(long_reason) // int(width * 1.5))
    assert heights[long_row][0] >= lines * 13.5 and heights[long_row][1] in ("1", "true")
    short_rows = [fu.HEADER_ROW + 1 + i for i, a in enumerate(ids) if a != "F1"]
    assert all(heights[r][0] < heights[long_row][0] for r in short_rows)
    assert all(r in heights and heights[r][0] >= fu.LINE_HEIGHT_PT for r in short_rows)


def test_it_prints_landscape_a4_at_no_less_than_nine_point_with_the_header_repeated(lists):
    _, written = lists
    path = written[0].path
    sheet = _sheet(path)
    setup = sheet.find(f"{M}pageSetup")
    assert setup.get("orientation") == "landscape" and setup.get("paperSize") == "9"
    # A fixed scale, never fitted (shrunk) onto a number of pages.
    assert sheet.find(f"{M}sheetPr/{M}pageSetUpPr").get("fitToPage") in (None, "0", "false")
    assert int(setup.get("scale")) / 100 * fu.FONT_SIZE >= 9
    names = {
        n.get("name"): n.text for n in xml_part(path, "xl/workbook.xml").iter(f"{M}definedName")
    }
    assert f"${fu.HEADER_ROW}:${fu.HEADER_ROW}" in names["_xlnm.Print_Titles"]
    fonts = xml_part(path, "xl/styles.xml").iter(f"{M}sz")
    assert min(float(f.get("val")) for f in fonts) >= 9


@pytest.mark.slow
@pytest.mark.skipif(
    shutil.which("soffice") is None or shutil.which("pdftotext") is None,
    reason="needs LibreOffice (soffice) and poppler's pdftotext (.ci/run installs both)",
)
def test_libreoffice_prints_the_list_landscape_readable_and_without_overlapping_lines(tmp_path):
    """The seed quarter's Met HQ list (whose long texts ran over the rows below) converted by
    LibreOffice: landscape A4 pages, text no smaller than 9 pt, no two words drawn over each
    other, and every word of its longest text printed."""
    from analysis.paths import PROJECT_ROOT

    written = {
        w.group: w for w in fu.write_followup(PROJECT_ROOT / "data", Q, tmp_path / "followup")
    }
    path = written["Met HQ"].path
    reference = _nine_point_reference(tmp_path / "reference.xlsx")
    pdfs = _to_pdf([path, reference], tmp_path / "pdf")
    nine_point = min(h for *_, h, _ in _words(pdfs[1]))
    words = _words(pdfs[0])
    assert words, "LibreOffice printed no text"
    pages = {page for page, *_ in words}
    for page in PdfReader(pdfs[0]).pages:
        box = page.mediabox
        assert float(box.width) > float(box.height)  # landscape
        assert round(float(box.width)) == 842  # A4
    heights = [h for _, _, _, h, text in words if text.strip()]
    assert min(heights) >= nine_point - 0.05  # no text below 9 pt, the page's furniture too
    for page in pages:
        boxes = [(x, y, w, h) for p, (x, y, w), _, h, _ in words if p == page]
        for i, (x0, y0, w0, h0) in enumerate(boxes):
            for x1, y1, w1, h1 in boxes[i + 1 :]:
                overlap_x = min(x0 + w0, x1 + w1) - max(x0, x1)
                overlap_y = min(y0 + h0, y1 + h1) - max(y0, y1)
                # A word's box runs from its font's ascent to its descent, a little taller
                # than the line pitch, so the lines of one wrapped cell touch: a line drawn
                # over another overlaps by far more.
                assert not (overlap_x > 0.5 and overlap_y > 0.3 * min(h0, h1)), (page, x0, y0)
    printed = " ".join(text for *_, text in words)
    rows = table(path)
    longest = max((str(r[h]) for r in rows for h in r), key=len)
    # Compared word by word (a hyphenated word may break over two lines).
    assert set(re.findall(r"\w+", longest)) <= set(re.findall(r"\w+", printed))


def _nine_point_reference(target: Path) -> Path:
    """One cell of 9 pt Arial printed at 100 %: how tall LibreOffice's 9 pt words measure."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    cell = book.active.cell(1, 1, "Reference text")
    cell.font = Font(name=fu.FONT_NAME, size=9)
    book.save(target)
    return target


def _to_pdf(paths: list[Path], out: Path) -> list[Path]:
    profile = out.parent / "lo-profile"
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(out),
            *map(str, paths),
        ],
        check=True,
        capture_output=True,
        timeout=240,
    )
    return [out / f"{p.stem}.pdf" for p in paths]


def _words(pdf: Path) -> list[tuple[int, tuple[float, float, float], float, float, str]]:
    """(page, (x, y, width), y, height, text) of every word, as poppler's pdftotext places it."""
    result = subprocess.run(
        ["pdftotext", "-bbox", str(pdf), "-"], check=True, capture_output=True, text=True
    )
    words = []
    page = 0
    for line in result.stdout.splitlines():
        if "<page " in line:
            page += 1
        found = re.search(
            r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*)</word>',
            line,
        )
        if found:
            x0, y0, x1, y1 = (float(v) for v in found.groups()[:4])
            words.append((page, (x0, y0, x1 - x0), y0, y1 - y0, html.unescape(found[5])))
    return words
