"""``panelpaper check``'s report: one block per snapshot, then the count."""

from __future__ import annotations

from pathlib import Path

import pytest

from analysis.inputs.check_report import check_report
from analysis.inputs.findings import Finding
from analysis.inputs.settings import Settings
from analysis.quarters import Quarter

Q1 = Quarter(2019, 1)
DEFAULTS = Settings()


@pytest.fixture
def contract_rules(monkeypatch: pytest.MonkeyPatch) -> None:
    """check_report reads the data folder's settings; pin them to the contract's."""
    monkeypatch.setattr(
        "analysis.inputs.check_report.load_settings", lambda data_dir=None: DEFAULTS
    )


def test_check_report_for_a_good_quarter(data_dir: Path, make_snapshot, contract_rules) -> None:
    make_snapshot(narrative=None)
    text, has_errors = check_report(data_dir, [Q1])
    lines = text.splitlines()
    assert not has_errors
    assert lines[0] == "2019-20-Q1  OK  (4 recommendations, 5 actions, 1 warning)"
    assert lines[1].startswith("    WARNING: snapshots/2019-20-Q1/narrative.md")


def test_check_report_for_every_folder(data_dir: Path, make_snapshot, contract_rules) -> None:
    make_snapshot("2019-20-Q1")
    make_snapshot(
        "2019-20-Q2",
        meta={"as_of": "2019-09-30"},
        action_cells={("A1", "risk"): "Severe", ("A2", "status"): "Gone"},
    )
    (data_dir / "snapshots" / "2019-Q5").mkdir()
    text, has_errors = check_report(data_dir, None)
    assert has_errors
    lines = text.splitlines()
    assert "2019-20-Q1  OK  (4 recommendations, 5 actions, 0 warnings)" in lines
    assert "2019-20-Q2  2 errors, 0 warnings" in lines
    assert "2019-Q5  1 error, 0 warnings" in lines
    q2 = lines.index("2019-20-Q2  2 errors, 0 warnings")
    assert lines[q2 + 1] == "    " + str(
        Finding(
            "error",
            "snapshots/2019-20-Q2/audit_actions.xlsx",
            "unknown risk; expected one of High, Medium, Low; or map the export's word to one "
            "of them under values: audit_actions: risk: in settings.yml, or in this quarter's "
            "snapshot.yml for this quarter only",
            row=2,
            column="risk",
            value="Severe",
        )
    )
    assert lines[-1] == "Checked 3 snapshots: 1 OK, 2 with errors."
