"""``panelpaper check``: every snapshot's findings as one plain-text report."""

from __future__ import annotations

from pathlib import Path

from analysis.inputs.findings import Finding
from analysis.inputs.settings import load_settings
from analysis.inputs.snapshot import Snapshot
from analysis.inputs.snapshot_cache import folder_quarter
from analysis.inputs.snapshots import check_snapshot, folder_entries, folder_finding
from analysis.quarters import Quarter


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _block(name: str, snapshot: Snapshot | None, findings: list[Finding]) -> list[str]:
    errors = sum(f.severity == "error" for f in findings)
    warnings = len(findings) - errors
    if errors or snapshot is None:
        head = f"{name}  {_plural(errors, 'error')}, {_plural(warnings, 'warning')}"
    else:
        head = (
            f"{name}  OK  ({_plural(len(snapshot.recommendations), 'recommendation')}, "
            f"{_plural(len(snapshot.actions), 'action')}, {_plural(warnings, 'warning')})"
        )
    return [head] + [f"    {f}" for f in findings]


def check_report(data_dir: Path, quarters: list[Quarter] | None = None) -> tuple[str, bool]:
    """Text of the check report for ``quarters`` (None: every snapshot) and whether any error."""
    data_dir = Path(data_dir)
    settings = load_settings(data_dir)
    lines: list[str] = []
    checked = failed = 0
    if quarters is None:
        folders = folder_entries(data_dir)
        if not folders:
            return "snapshots: no snapshot folders found (expected e.g. 2019-20-Q1)", True
        targets: list[tuple[str, Quarter | None, Finding | None]] = []
        for folder in folders:
            problem = folder_finding(data_dir, folder)
            quarter = folder_quarter(folder)
            targets.append((folder.name, quarter, problem))
    else:
        targets = [(q.id, q, None) for q in sorted(quarters)]
    for name, quarter, problem in targets:
        checked += 1
        if quarter is None:
            assert problem is not None
            snapshot, findings = None, [problem]
        else:
            snapshot, findings = check_snapshot(data_dir, quarter, settings)
        failed += snapshot is None
        lines.extend(_block(name, snapshot, findings))
    lines.append(
        f"Checked {_plural(checked, 'snapshot')}: {checked - failed} OK, {failed} with errors."
    )
    return "\n".join(lines), failed > 0
