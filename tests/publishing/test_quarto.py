"""Tests for analysis/publishing/quarto.py: what is done around ``quarto render`` itself.

The render proper is exercised with the stand-in notebooks in test_render.py (where Quarto is
installed); these tests need no Quarto.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import yaml

from analysis.paths import PROJECT_ROOT
from analysis.publishing import quarto


def test_the_staging_folder_never_reaches_the_page(tmp_path: Path) -> None:
    staging = tmp_path / "2019-20-Q1.staging-x7"
    page = staging / "paper.html"
    staging.mkdir()
    page.write_text(
        f'<div data-notebook="{staging.as_posix()}/notebooks/summary.ipynb">'
        f'<a href="{staging.as_posix()}/notebooks/trends.ipynb">',
        encoding="utf-8",
    )
    quarto._forget_staging_path(page, staging)
    text = page.read_text(encoding="utf-8")
    assert str(tmp_path) not in text
    assert 'data-notebook="notebooks/summary.ipynb"' in text
    assert 'href="notebooks/trends.ipynb"' in text


def test_quarto_is_asked_its_version_once(monkeypatch) -> None:
    calls: list[list[str]] = []

    def run(args, **kwargs):
        calls.append(args)
        return subprocess.CompletedProcess(args, 0, stdout="1.10.16\n", stderr="")

    quarto.quarto_version.cache_clear()
    monkeypatch.setattr(quarto.subprocess, "run", run)
    try:
        assert quarto.quarto_version("/opt/quarto/bin/quarto") == "1.10.16"
        assert quarto.quarto_version("/opt/quarto/bin/quarto") == "1.10.16"
    finally:
        quarto.quarto_version.cache_clear()
    assert calls == [["/opt/quarto/bin/quarto", "--version"]]


def test_the_cell_metadata_filter_runs_before_quartos_own_on_the_html() -> None:
    """After Quarto's float filters it would be too late: they have already put the
    attributes in a random order (see paper/quarto-cell-attributes.lua)."""
    config = yaml.safe_load((PROJECT_ROOT / "_quarto.yml").read_text(encoding="utf-8"))
    filters = config["format"]["html"]["filters"]
    assert {"path": "paper/quarto-cell-attributes.lua", "at": "pre-ast"} in filters
    assert (PROJECT_ROOT / "paper" / "quarto-cell-attributes.lua").is_file()
