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


@pytest.mark.parametrize(
    ("edits", "broken", "named"),
    [
        pytest.param(
            {"analysis/inputs/readers.py": "\nfrom analysis.figures import actions\n"},
            "layers",
            "analysis.inputs.readers -> analysis.figures.actions",
            id="inputs reaching up to figures",
        ),
        pytest.param(
            {"analysis/presentation/wording.py": "\nimport analysis.followup.summary\n"},
            "layers",
            "analysis.presentation.wording -> analysis.followup.summary",
            id="presentation and followup side by side",
        ),
        pytest.param(
            {"analysis/stray.py": '"""A module no layer names."""\n'},
            "layers",
            "- analysis.stray",
            id="a new room placed in no layer",
        ),
        pytest.param(
            {"analysis/publishing/record/reuse.py": "\nfrom analysis.publishing import run\n"},
            "publishing",
            "analysis.publishing.record.reuse -> analysis.publishing.run",
            id="the record reaching up to the recipe",
        ),
        pytest.param(
            {
                "analysis/publishing/render/embeds.py": "\nfrom analysis.publishing.record import"
                " manifest\n"
            },
            "publishing",
            "analysis.publishing.render.embeds -> analysis.publishing.record.manifest",
            id="a renderer reading the record",
        ),
        pytest.param(
            {"analysis/paths.py": "\nimport tests.helpers\n"},
            "no-tooling",
            "analysis.paths -> tests",
            id="the package importing the tests",
        ),
    ],
)
def test_an_import_against_a_contract_fails_lint(
    tmp_path: Path, edits: dict[str, str], broken: str, named: str
) -> None:
    result = _lint_copy(tmp_path, edits)
    assert result.returncode == 1, result.stdout + result.stderr
    names = {
        "layers": "analysis: each layer imports only the layers below it",
        "publishing": "analysis.publishing: run and proof above record and render",
        "no-tooling": "analysis never imports the tests, scripts or benchmarks",
    }
    verdicts = {
        cid: next(line for line in result.stdout.splitlines() if line.startswith(name))
        for cid, name in names.items()
    }
    assert {cid for cid, line in verdicts.items() if line.endswith("BROKEN")} == {broken}
    assert named in result.stdout
