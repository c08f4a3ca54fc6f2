"""The package's layers hold: each room imports only the rooms beneath it.

The contracts are import-linter's, written once in pyproject.toml (``[tool.importlinter]``) and
read from there by `make lint` (``lint-imports``) and by these tests, so `make test`, which CI
runs, enforces them too.  The first test checks the package as it is, in this process; the
others break a copy of the package on purpose, one contract at a time, and check that
``lint-imports`` refuses the copy and names the import that broke it.  Without those a contract
that matched no module, or a layer spelled wrongly, would pass for ever.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from importlinter import api
from importlinter.application.use_cases import lint_imports

ROOT = Path(__file__).resolve().parents[2]
PYPROJECT = ROOT / "pyproject.toml"
CONTRACTS = {"layers", "publishing", "no-tooling"}
"""The contracts' ids in pyproject.toml: a contract dropped from the file fails the first test."""


def test_the_package_keeps_every_import_contract(capsys: pytest.CaptureFixture[str]) -> None:
    contracts = api.read_configuration(str(PYPROJECT))["contracts_options"]
    assert {contract["id"] for contract in contracts} == CONTRACTS
    kept = lint_imports(str(PYPROJECT), cache_dir=None, no_logo=True)
    report = capsys.readouterr().out
    assert kept, report  # each import that crosses a layer, with its line
    assert f"Contracts: {len(CONTRACTS)} kept, 0 broken." in report


def _lint_copy(tmp_path: Path, edits: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """``lint-imports`` over a copy of the package with ``edits`` (path -> text appended, or a
    new module), run in its own process so that the copy, not this process's ``analysis``, is
    the package it reads."""
    shutil.copytree(
        ROOT / "analysis", tmp_path / "analysis", ignore=shutil.ignore_patterns("__pycache__")
    )
    shutil.copy(PYPROJECT, tmp_path / "pyproject.toml")
    for name, text in edits.items():
        path = tmp_path / name
        before = path.read_text(encoding="utf-8") if path.exists() else ""
        path.write_text(before + text, encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(tmp_path), "COLUMNS": "200"}
    return subprocess.run(
        [Path(sys.executable).with_name("lint-imports"), "--no-cache", "--no-logo"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


CROSSINGS = [
    # (file, line appended to it or a new module, the contract it breaks, what the report names)
    (
        "analysis/inputs/readers.py",
        "from analysis.figures import actions",
        "layers",
        "analysis.inputs.readers -> analysis.figures.actions",
    ),
    (
        "analysis/presentation/wording.py",
        "import analysis.followup.summary",
        "layers",
        "analysis.presentation.wording -> analysis.followup.summary",
    ),
    ("analysis/stray.py", '"""A module no layer names."""', "layers", "- analysis.stray"),
    (
        "analysis/publishing/record/reuse.py",
        "from analysis.publishing import run",
        "publishing",
        "analysis.publishing.record.reuse -> analysis.publishing.run",
    ),
    (
        "analysis/publishing/render/embeds.py",
        "from analysis.publishing.record import manifest",
        "publishing",
        "analysis.publishing.render.embeds -> analysis.publishing.record.manifest",
    ),
    (
        "analysis/publishing/proof/rerun.py",
        "from analysis.publishing import run",
        "publishing",
        "analysis.publishing.proof.rerun -> analysis.publishing.run",
    ),
    ("analysis/paths.py", "import tests.helpers", "no-tooling", "analysis.paths -> tests"),
]
"""One import of each kind a contract forbids: upward, between side-by-side layers, a module in
no layer, and the package reaching into the tests.  None of them leads into another's contract
(each crosses inside one container), so each is named under its own contract only."""


def test_each_kind_of_crossing_import_is_named_under_its_contract(tmp_path: Path) -> None:
    """All the crossings in one copy, linted once (a process start, not one per crossing)."""
    result = _lint_copy(tmp_path, {name: f"\n{line}\n" for name, line, _, _ in CROSSINGS})
    assert result.returncode == 1, result.stdout + result.stderr
    names = {
        c["id"]: c["name"] for c in api.read_configuration(str(PYPROJECT))["contracts_options"]
    }
    report = result.stdout.split("Broken contracts", 1)[1]
    starts = sorted((report.index(f"\n{name}\n"), cid) for cid, name in names.items())
    sections = {
        cid: report[start : (starts[i + 1][0] if i + 1 < len(starts) else len(report))]
        for i, (start, cid) in enumerate(starts)
    }
    for name, _, contract, named in CROSSINGS:
        assert named in sections[contract], (name, contract, result.stdout)
        others = [cid for cid, text in sections.items() if cid != contract and named in text]
        assert others == [], (name, others)
