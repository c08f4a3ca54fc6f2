"""``panelpaper followup`` and ``panelpaper returns`` through the installed command.

The lists are written, sent back (one filled in as a lead would, one left as sent), read back
with exit 0 and a summary; a bad answer gives exit 2, every error in ``check``'s format, and
no summary file.
"""

from __future__ import annotations

import shutil

from tests.helpers.followup_data import LISTS, QUARTER, fill, make_data
from tests.test_cli_inputs import panelpaper

FRONTLINE = LISTS["Frontline Policing"][0]
SPECIALIST = LISTS["Specialist Operations"][0]


def test_followup_then_returns(tmp_path):
    make_data(tmp_path / "data")
    written = panelpaper(tmp_path, "followup", QUARTER)
    assert written.returncode == 0, written.stderr
    lines = written.stdout.splitlines()
    assert lines[0] == f"{QUARTER}: 3 follow-up list(s)"
    assert any("Frontline Policing" in line and "3 actions (2 overdue)" in line for line in lines)
    assert any("Met HQ" in line and "OFFICIAL-SENSITIVE" in line for line in lines)
    lists = tmp_path / "followup" / QUARTER
    assert sorted(p.name for p in lists.iterdir()) == sorted(n for n, _ in LISTS.values())
    assert not (tmp_path / "reports").exists()

    again = panelpaper(tmp_path, "followup", QUARTER)
    assert again.returncode == 2 and "already exists" in again.stderr

    back = tmp_path / "back"
    fill(lists / FRONTLINE, back / FRONTLINE, {"F1": {"Confirmed": "Yes"}})
    shutil.copyfile(lists / SPECIALIST, back / SPECIALIST)
    read = panelpaper(tmp_path, "returns", QUARTER, "back")
    assert read.returncode == 0, read.stdout + read.stderr
    assert read.stdout.startswith("OFFICIAL-SENSITIVE\n")
    assert "2 of 3 lists returned" in read.stdout
    summary = back / f"{QUARTER}_returns-summary_OFFICIAL-SENSITIVE.txt"
    assert read.stdout.endswith(f"Summary written to back/{summary.name}\n")
    assert summary.read_text(encoding="utf-8") in read.stdout

    summary.unlink()
    fill(lists / FRONTLINE, back / FRONTLINE, {"F1": {"Proposed status": "Done"}})
    refused = panelpaper(tmp_path, "returns", QUARTER, "back")
    assert refused.returncode == 2
    assert (
        f"ERROR: back/{FRONTLINE}, row 5, column Proposed status: a status outside the "
        "tracker's vocabulary" in refused.stdout
    )
    assert not summary.exists()


def test_returns_needs_a_folder(tmp_path):
    make_data(tmp_path / "data")
    missing = panelpaper(tmp_path, "returns", QUARTER, "nowhere")
    assert missing.returncode == 2 and "no such folder" in missing.stderr
