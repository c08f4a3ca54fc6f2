"""A quarter's settings are recorded with it and found again (analysis.publishing.record.recorded_settings).

What the user sees after editing data/settings.yml (verify VERIFIED with a note, run reused with
a one-line note, figures of a published quarter under its recorded rules) is asserted here on
stand-ins and small publications; tests/publishing/test_a_year.py lives a whole year with the
real command line.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
from pathlib import Path

import papermill
import pytest
from typer.testing import CliRunner

from analysis.cli import app
from analysis.inputs.findings import Finding
from analysis.inputs.settings import load_settings
from analysis.paths import NOTEBOOKS
from analysis.publishing import run as recipe
from analysis.publishing.proof import verify as vf
from analysis.publishing.record import recorded_settings as rs
from analysis.publishing.record import reuse
from analysis.quarters import Quarter
from tests.publishing.test_run import FIXTURES, Q1, no_kernels, run
from tests.publishing.test_run import data_dir as data_dir  # the fixture

ROOT = Path(__file__).resolve().parents[3]
SEED = "2019-20-Q1"
PANELPAPER = Path(sys.executable).with_name("panelpaper")


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _publish_stub(data_dir: Path, reports: Path, *, recorded: bool = True) -> Path:
    """A publication of Q1 as a run would leave it, without running anything: the manifest of
    the inputs as they are now and (unless ``recorded`` is False, as in older records) the
    data folder's rule files under settings/."""
    folder = reports / Q1.id
    folder.mkdir(parents=True)
    plan = reuse.plan_quarter(
        data_dir, reports / "none", Q1, [FIXTURES / "alpha.ipynb"], renderer="auto", force=False
    )
    manifest = {
        "schema": 1,
        "quarter": Q1.id,
        "inputs": {"files": plan.files, "parameters": {"quarter": Q1.id}},
        "renderer": {"name": "pandoc"},
        "volatile": {"finished_utc": "2019-07-01T09:00:00+00:00"},
    }
    if recorded:
        manifest[rs.MANIFEST_KEY] = rs.record_settings(data_dir, folder, plan.files)
    (folder / "manifest.json").write_text(json.dumps(manifest))
    return folder


SETTINGS = "coming_quarters: 3\nattention:\n  long_overdue_days: 365\n"


# --- what differs ------------------------------------------------------------------------------
def test_differences_name_the_settings_that_changed(tmp_path: Path) -> None:
    old, new = tmp_path / "old", tmp_path / "new"
    old.mkdir(), new.mkdir()
    (old / "settings.yml").write_text("# the rules\n" + SETTINGS + "columns: {}\n")
    (new / "settings.yml").write_text(
        SETTINGS.replace("365", "400") + "columns:\n  recommendations:\n    Reference: rec_id\n"
    )
    assert rs.differences(rs.rule_files(old), rs.rule_files(new)) == [
        "attention.long_overdue_days",
        "columns.recommendations",
    ]
    (new / "settings.yml").write_text(SETTINGS + "columns: {}\n")  # comments alone
    assert rs.differences(rs.rule_files(old), rs.rule_files(new)) == [
        "settings.yml (comments or layout only)"
    ]
    (new / "delay_rules.yml").write_text("rules: []\n")
    assert rs.differences(rs.rule_files(old), rs.rule_files(new)) == [
        "settings.yml (comments or layout only)",
        "delay_rules.yml (added)",
    ]
    shutil.copyfile(old / "settings.yml", new / "settings.yml")
    (new / "delay_rules.yml").unlink()
    assert rs.differences(rs.rule_files(old), rs.rule_files(new)) == []


def test_recording_copies_each_rule_file_and_refuses_one_edited_meanwhile(data_dir, tmp_path):
    (data_dir / "settings.yml").write_text(SETTINGS)
    (data_dir / "theme_rules.yml").write_text("themes: []\n")
    hashes = {
        "settings/settings.yml": _sha(data_dir / "settings.yml"),
        "settings/theme_rules.yml": _sha(data_dir / "theme_rules.yml"),
    }
    staging = tmp_path / "staging"
    staging.mkdir()
    assert rs.record_settings(data_dir, staging, hashes) == ["settings.yml", "theme_rules.yml"]
    assert (staging / "settings" / "settings.yml").read_text() == SETTINGS

    (data_dir / "settings.yml").write_text(SETTINGS + "coming_quarters: 2\n")
    with pytest.raises(RuntimeError, match="settings changed while the quarter was being built"):
        rs.record_settings(data_dir, tmp_path / "staging", hashes)


def test_a_data_folder_without_rules_records_none(data_dir, tmp_path):
    assert rs.record_settings(data_dir, tmp_path, {}) == []
    assert not (tmp_path / "settings").exists()


# --- which settings a quarter is read under -----------------------------------------------------
def test_a_published_quarter_is_read_under_its_recorded_settings(data_dir, reports):
    (data_dir / "settings.yml").write_text(SETTINGS)
    _publish_stub(data_dir, reports)
    (data_dir / "settings.yml").write_text(SETTINGS.replace("365", "400"))

    with rs.settings_folder(data_dir, reports, Q1) as found:
        assert found.recorded == reports / Q1.id / "settings"
        assert load_settings(found.data_dir).attention.long_overdue_days == 365
        # the snapshots read are the data folder's own
        snapshot = found.data_dir / "snapshots" / Q1.id / "recommendations.csv"
        assert (
            snapshot.read_bytes()
            == (data_dir / "snapshots" / Q1.id / "recommendations.csv").read_bytes()
        )
        assert (
            snapshot.resolve() == (data_dir / "snapshots" / Q1.id / "recommendations.csv").resolve()
        )
    assert not found.data_dir.exists()  # the overlay lives for the with block

    q2 = Q1.next()
    with rs.settings_folder(data_dir, reports, q2) as found:  # not published: settings in force
        assert found.recorded is None and found.data_dir == data_dir
        assert load_settings(found.data_dir).attention.long_overdue_days == 400


def test_an_older_record_is_read_from_the_data_folder_until_its_settings_change(data_dir, reports):
    (data_dir / "settings.yml").write_text(SETTINGS)
    folder = _publish_stub(data_dir, reports, recorded=False)
    manifest = json.loads((folder / "manifest.json").read_text())
    assert rs.predates_record(manifest, data_dir) is None
    with rs.settings_folder(data_dir, reports, Q1) as found:
        assert found.data_dir == data_dir

    (data_dir / "settings.yml").write_text(SETTINGS.replace("365", "400"))
    why = rs.predates_record(manifest, data_dir)
    assert why is not None and "predates recorded settings" in why
    assert f"panelpaper run {Q1.id} --force" in why
    read_from, notes, problem = vf.quarter_data(manifest, folder, data_dir, reports / "work")
    assert (read_from, notes, problem) == (data_dir, [], why)


# --- run ---------------------------------------------------------------------------------------
def test_only_settings_changed_reuses_and_says_which_in_one_line(data_dir, reports, monkeypatch):
    (data_dir / "settings.yml").write_text(SETTINGS)
    _publish_stub(data_dir, reports)
    (data_dir / "settings.yml").write_text(SETTINGS.replace("365", "400"))
    (data_dir / "delay_rules.yml").write_text("rules: []\n")
    monkeypatch.setattr(papermill, "execute_notebook", no_kernels)
    lines: list[str] = []

    result = run(data_dir, reports, lines=lines, check=no_kernels)

    assert result.status == "reused" and result.ok
    notes = [line for line in lines if "today's settings differ" in line]
    assert notes == [
        f"{Q1.id}: today's settings differ from those recorded with it in "
        "attention.long_overdue_days, delay_rules.yml (added); "
        f"`panelpaper run {Q1.id} --force` would republish it under them"
    ]
    forced = reuse.plan_quarter(
        data_dir, reports, Q1, [FIXTURES / "alpha.ipynb"], renderer="auto", force=True
    )
    assert forced.decision == reuse.RUN


def test_settings_and_data_changed_are_still_refused(data_dir, reports, monkeypatch):
    (data_dir / "settings.yml").write_text(SETTINGS)
    _publish_stub(data_dir, reports)
    (data_dir / "settings.yml").write_text(SETTINGS.replace("365", "400"))
    (data_dir / "snapshots" / Q1.id / "actions.csv").write_text("action_id\nA2\n")
    lines: list[str] = []
    result = run(data_dir, reports, lines=lines)
    assert result.status == "refused"
    assert result.changes.changed == ["settings/settings.yml", f"snapshots/{Q1.id}/actions.csv"]


def test_an_older_record_with_changed_settings_is_refused_saying_why(data_dir, reports):
    (data_dir / "settings.yml").write_text(SETTINGS)
    _publish_stub(data_dir, reports, recorded=False)
    (data_dir / "settings.yml").write_text(SETTINGS.replace("365", "400"))
    lines: list[str] = []
    result = run(data_dir, reports, lines=lines)
    assert result.status == "refused"
    assert "published before a quarter's settings were recorded with it" in "\n".join(lines)


def test_changed_and_broken_data_is_reported_before_any_advice_to_force(data_dir, reports):
    _publish_stub(data_dir, reports)
    (data_dir / "snapshots" / Q1.id / "actions.csv").write_text("action_id\nA2\n")
    lines: list[str] = []

    def broken(data: Path, quarter):
        return None, [Finding("error", "actions.csv", "due_date is not a date", row=7)]

    with pytest.raises(recipe.InvalidSnapshots) as raised:
        run(data_dir, reports, lines=lines, check=broken)

    assert "actions.csv, row 7" in str(raised.value)
    assert not any("--force" in line or "refused" in line for line in lines), lines


def test_cli_run_on_changed_broken_data_exits_2_with_the_errors_and_no_refusal(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data)
    reports = tmp_path / "reports"
    _publish_stub_of_seed(data, reports)
    csv = data / "snapshots" / SEED / "recommendations.csv"
    rows = csv.read_text(encoding="utf-8").splitlines(keepends=True)
    index = next(i for i, row in enumerate(rows) if ",Recommendation," in row)
    rows[index] = rows[index].replace(",Recommendation,", ",Recomendation,", 1)
    csv.write_text("".join(rows), encoding="utf-8")

    done = subprocess.run(
        [str(PANELPAPER), "run", SEED, "--data-dir", str(data), "--reports-dir", str(reports)],
        capture_output=True,
        text=True,
        timeout=300,
    )

    assert done.returncode == 2, done.stdout + done.stderr
    row = index + 1  # as Excel numbers it, the header being row 1
    assert f"snapshots/{SEED}/recommendations.csv, row {row}, column type" in done.stderr
    assert "'Recomendation'" in done.stderr
    assert "--force" not in done.stdout + done.stderr
    assert "refused" not in done.stdout + done.stderr


def _publish_stub_of_seed(data: Path, reports: Path) -> None:
    """The seed quarter as published from ``data`` (its manifest only: enough to be refused)."""
    plan = reuse.plan_quarter(
        data,
        reports,
        Quarter.parse(SEED),
        recipe.paper_notebooks(NOTEBOOKS),
        renderer="auto",
        force=False,
    )
    (reports / SEED).mkdir(parents=True)
    manifest = {
        "schema": 1,
        "quarter": SEED,
        "renderer": {"name": "pandoc"},
        "inputs": {"files": plan.files, "parameters": {"quarter": SEED}},
        rs.MANIFEST_KEY: [],
    }
    (reports / SEED / "manifest.json").write_text(json.dumps(manifest))


# --- figures -----------------------------------------------------------------------------------
def test_figures_of_a_published_quarter_are_computed_under_its_recorded_settings(tmp_path):
    """The record says 400 days; data/settings.yml has moved back to 365 (or any other rule):
    ``figures`` prints what was published, and says so on stderr."""
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data)
    settings = data / "settings.yml"
    today = settings.read_text(encoding="utf-8")
    assert "long_overdue_days: 365" in today
    settings.write_text(today.replace("long_overdue_days: 365", "long_overdue_days: 400"))
    reports = tmp_path / "reports"
    _publish_stub_of_seed(data, reports)
    (reports / SEED / "settings").mkdir()
    shutil.copyfile(settings, reports / SEED / "settings" / "settings.yml")
    manifest = json.loads((reports / SEED / "manifest.json").read_text())
    manifest[rs.MANIFEST_KEY] = ["settings.yml"]
    (reports / SEED / "manifest.json").write_text(json.dumps(manifest))
    runner = CliRunner()
    args = ["figures", SEED, "--data-dir", str(data)]
    under_400 = runner.invoke(app, [*args, "--reports-dir", str(tmp_path / "none")])
    settings.write_text(today)
    under_365 = runner.invoke(app, [*args, "--reports-dir", str(tmp_path / "none")])
    assert under_400.exit_code == under_365.exit_code == 0
    assert under_400.stdout != under_365.stdout, "the threshold changes the attention list"

    published = runner.invoke(app, [*args, "--reports-dir", str(reports)])

    assert published.exit_code == 0, published.output
    assert published.stdout == under_400.stdout
    assert published.stderr == (
        f"{SEED} is published: using the settings recorded with it ({reports / SEED / 'settings'})\n"
    )
    assert under_365.stderr == ""
