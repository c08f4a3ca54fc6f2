"""A year of quarters as the team lives it (issue 22): nothing the team does later breaks a
published paper.

In a temporary copy of the repository's data with an empty reports folder, the ``panelpaper``
command is used as the README tells a user to, each step asserting what the user sees: a
sample quarter is published; ``new`` starts the next quarter; the exports are copied in and
edited, the force's portal having renamed a header in that quarter's export alone (mapped in
its own snapshot.yml); ``check``, ``followup``, a lead's return read with ``returns``, ``run``.
Then the panel changes its rules for the future in ``data/settings.yml`` (a column map entry
and the attention threshold): ``verify --all`` still says VERIFIED for every published quarter,
``run`` of a published quarter reuses it with one line naming the settings that differ, and a
quarter not yet published runs under the new rules (a figure that depends on them differs).

One story, one test: every step after the first reads what the earlier ones published, so the
renamed header rides along in the year rather than publishing and verifying the same two
quarters a second time (issue 26: a minute of the suite).

The papers are drawn by the fallback renderer (Quarto left off PATH): which renderer draws
them is not the question here, and it is the faster one.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from analysis.inputs.narrative import PLACEHOLDER
from tests.helpers.followup_data import fill

ROOT = Path(__file__).resolve().parents[2]
PANELPAPER = Path(sys.executable).with_name("panelpaper")
if not PANELPAPER.exists():
    PANELPAPER = ROOT / ".venv" / "bin" / "panelpaper"

SAMPLE = "2020-21-Q1"
NEXT = "2020-21-Q2"
UNPUBLISHED = "2019-20-Q4"
EXPORTS = ("recommendations.csv", "audit_actions.xlsx", "hmicfrs_tracker.csv")

pytestmark = pytest.mark.slow


def _environment() -> dict[str, str]:
    folders = os.environ.get("PATH", "").split(os.pathsep)
    kept = [f for f in folders if not (f and os.access(os.path.join(f, "quarto"), os.X_OK))]
    return {**os.environ, "PATH": os.pathsep.join(kept)}


class User:
    """Someone at a terminal in the project folder: ``panelpaper`` with the default folders."""

    def __init__(self, home: Path) -> None:
        self.home = home
        self.env = _environment()

    def __call__(self, *args: str, expect: int = 0) -> subprocess.CompletedProcess[str]:
        done = subprocess.run(
            [str(PANELPAPER), *args],
            cwd=self.home,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=1800,
        )
        assert done.returncode == expect, (
            f"panelpaper {' '.join(args)} exited {done.returncode}, not {expect}\n"
            f"stdout:\n{done.stdout}\nstderr:\n{done.stderr}"
        )
        assert "Traceback" not in done.stderr, done.stderr
        return done


@pytest.fixture
def home(tmp_path: Path) -> Path:
    """The project as a new user has it: the repository's data, nothing published yet."""
    shutil.copytree(ROOT / "data", tmp_path / "data")
    (tmp_path / "reports").mkdir()
    return tmp_path


def _start_next_quarter(user: User, quarter: str, carried_from: str) -> Path:
    """``new``, then the quarter's files as the team prepares them: the exports copied in as
    downloaded and edited (one recommendation completed this quarter), the meeting date set,
    every placeholder of the narrative replaced."""
    started = user("new", quarter)
    assert started.stdout.startswith(f"{quarter}: started ")
    assert f"panelpaper check {quarter}" in started.stdout
    folder = user.home / "data" / "snapshots" / quarter
    for name in EXPORTS:
        shutil.copyfile(user.home / "data" / "snapshots" / carried_from / name, folder / name)

    recommendations = folder / "recommendations.csv"
    with recommendations.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    completed = next(r for r in rows if r["status"] in ("Awaiting review", "Being progressed"))
    completed["status"], completed["status_date"] = "Complete", "14/08/2020"
    with recommendations.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)

    meta_path = folder / "snapshot.yml"
    meta = yaml.safe_load(meta_path.read_text(encoding="utf-8"))
    assert str(meta["as_of"]) == "2020-09-30"
    meta["panel_date"] = "2020-10-20"
    meta_path.write_text(yaml.safe_dump(meta, sort_keys=False), encoding="utf-8")

    narrative = folder / "narrative.md"
    text = narrative.read_text(encoding="utf-8")
    assert PLACEHOLDER in text
    narrative.write_text(
        text.replace(PLACEHOLDER, "The panel noted progress this quarter."), encoding="utf-8"
    )
    return folder


def _rename_a_header_in_this_quarter_alone(folder: Path) -> None:
    """The force's portal renamed ``rec_id`` to ``Reference No`` in this quarter's export: the
    quarter maps it in its own snapshot.yml (every other quarter is read as before)."""
    recommendations = folder / "recommendations.csv"
    lines = recommendations.read_text(encoding="utf-8").splitlines(keepends=True)
    assert lines[0].startswith("rec_id,")
    lines[0] = "Reference No," + lines[0].removeprefix("rec_id,")
    recommendations.write_text("".join(lines), encoding="utf-8")
    meta_path = folder / "snapshot.yml"
    meta = yaml.safe_load(meta_path.read_text(encoding="utf-8"))
    meta["columns"] = {"recommendations": {"Reference No": "rec_id"}}
    meta_path.write_text(yaml.safe_dump(meta, sort_keys=False), encoding="utf-8")


def _return_one_list(user: User, quarter: str) -> Path:
    """One lead confirms the first action of their list and sends the workbook back."""
    from openpyxl import load_workbook

    from analysis.followup.lists import HEADER_ROW, SHEET

    lists = sorted((user.home / "followup" / quarter).glob("*.xlsx"))
    assert lists
    sheet = load_workbook(lists[0], read_only=True)[SHEET]
    first = next(sheet.iter_rows(min_row=HEADER_ROW + 1, max_col=1, values_only=True))[0]
    returned = user.home / "returned"
    fill(lists[0], returned / lists[0].name, {first: {"Confirmed": "Yes"}})
    return returned


def _edit_settings_for_the_future(home: Path) -> None:
    """What the README invites: a column map for a force's renamed header, and new attention
    rules (a year and a month as long overdue, the list capped at two audits)."""
    settings = home / "data" / "settings.yml"
    values = yaml.safe_load(settings.read_text(encoding="utf-8"))
    assert values["attention"]["long_overdue_days"] == 365
    assert values["attention"]["limit"] is None
    values["attention"].update(long_overdue_days=400, limit=2)
    values["columns"] = {
        **(values.get("columns") or {}),
        "recommendations": {"Reference": "rec_id"},
    }
    settings.write_text(yaml.safe_dump(values, sort_keys=False), encoding="utf-8")


def _verdicts(output: str) -> dict[str, str]:
    found = {}
    for line in output.splitlines():
        parts = line.split()
        if len(parts) > 1 and parts[1] in ("VERIFIED", "DIFFERS"):
            found[parts[0]] = parts[1]
    return found


def test_a_year_of_quarters_and_a_settings_change_for_the_future(home: Path) -> None:
    user = User(home)

    # The sample quarter is published.
    published = user("run", SAMPLE)
    assert f"{SAMPLE}: published to " in published.stdout
    assert (home / "reports" / SAMPLE / "settings" / "settings.yml").read_bytes() == (
        home / "data" / "settings.yml"
    ).read_bytes()

    # The next quarter, as the team prepares it, one header renamed in its export alone.
    folder = _start_next_quarter(user, NEXT, carried_from=SAMPLE)
    _rename_a_header_in_this_quarter_alone(folder)
    checked = user("check", NEXT)
    assert checked.stdout.startswith(f"{NEXT}  OK  ")
    assert "Checked 1 snapshot: 1 OK, 0 with errors." in checked.stdout
    assert user("check", SAMPLE).stdout.startswith(f"{SAMPLE}  OK  ")  # read as before
    followup = user("followup", NEXT)
    assert followup.stdout.startswith(f"{NEXT}: ")
    assert "follow-up list(s)" in followup.stdout.splitlines()[0]
    returned = _return_one_list(user, NEXT)
    read_back = user("returns", NEXT, str(returned))
    assert "Summary written to" in read_back.stdout
    ran = user("run", NEXT)
    assert f"{NEXT}: published to " in ran.stdout

    # Under the rules as they were, an unpublished quarter's figures:
    before = json.loads(user("figures", UNPUBLISHED).stdout)

    # The panel changes its rules for the future.
    _edit_settings_for_the_future(home)

    verified = user("verify", "--all")
    assert _verdicts(verified.stdout) == {SAMPLE: "VERIFIED", NEXT: "VERIFIED"}, verified.stdout
    assert "2 quarter(s): 2 verified, 0 differ" in verified.stdout
    notes = [line.strip() for line in verified.stdout.splitlines() if "settings differ" in line]
    assert notes == [
        f"note: today's settings differ from those recorded with {quarter} in "
        "columns.recommendations, attention.long_overdue_days, attention.limit; verified under "
        "the recorded ones "
        "(reports/<quarter>/settings/)"
        for quarter in (SAMPLE, NEXT)
    ]

    reused = user("run", SAMPLE)
    said = [line for line in reused.stdout.splitlines() if "settings differ" in line]
    assert said == [
        f"{SAMPLE}: today's settings differ from those recorded with it in "
        "columns.recommendations, attention.long_overdue_days, attention.limit; "
        f"`panelpaper run {SAMPLE} --force` would republish it under them"
    ]
    assert "reused" in reused.stdout and "refused" not in reused.stdout

    # A published quarter's figures are still what was published ...
    shown = user("figures", SAMPLE)
    assert shown.stdout == (home / "reports" / SAMPLE / "figures.json").read_text("utf-8")
    assert "using the settings recorded with it" in shown.stderr

    # ... and a quarter not yet published runs under the new rules.
    user("run", UNPUBLISHED)
    after = json.loads((home / "reports" / UNPUBLISHED / "figures.json").read_text("utf-8"))
    assert after["attention"] != before["attention"], "the new attention rules change the list"
    assert len(after["attention"]) <= 2 < len(before["attention"])
    recorded = home / "reports" / UNPUBLISHED / "settings" / "settings.yml"
    assert yaml.safe_load(recorded.read_text(encoding="utf-8"))["attention"]["limit"] == 2
