"""Tests for analysis/publishing/render/quarto.py: what is done around ``quarto render`` itself.

The render proper is exercised with the stand-in notebooks in test_render.py (where Quarto is
installed); these tests need no Quarto.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
from pathlib import Path

import pytest
import yaml

from analysis.paths import PROJECT_ROOT
from analysis.publishing.render import quarto
from analysis.publishing.render.renderer import RenderError


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


FAKE_QUARTO = """#!/bin/sh
# Stand-in for `quarto render --to FORMAT`: notes when it starts and ends, then writes the
# format's output, or fails for the format named in FAIL.
fmt="$3"
echo "start $fmt $SOURCE_DATE_EPOCH" >> calls.log
sleep 0.5
if [ "$fmt" = "$FAIL" ]; then echo "$fmt broke" >&2; exit 3; fi
echo "$fmt" > "paper.$fmt"
echo "end $fmt" >> calls.log
"""


def _fake_quarto(tmp_path: Path, monkeypatch, fail: str = "") -> Path:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    script = bin_dir / "quarto"
    script.write_text(FAKE_QUARTO)
    script.chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}:{os.environ['PATH']}")
    monkeypatch.setenv("FAIL", fail)
    staging = tmp_path / "staging"
    staging.mkdir()
    (staging / "_quarto.yml").write_text((PROJECT_ROOT / "_quarto.yml").read_text())
    (staging / "figures.json").write_text('{"as_of": "2019-06-30"}')
    return staging


@pytest.mark.slow  # calls the renderer, if a stand-in one
def test_each_format_is_rendered_by_its_own_quarto_side_by_side(tmp_path, monkeypatch) -> None:
    staging = _fake_quarto(tmp_path, monkeypatch)
    quarto.render_with_quarto(staging)
    calls = (staging / "calls.log").read_text().splitlines()
    formats = list(yaml.safe_load((PROJECT_ROOT / "_quarto.yml").read_text())["format"])
    assert sorted(c.split()[1] for c in calls if c.startswith("start")) == sorted(formats)
    # Every format had started before the first finished, each with the as-at date's epoch.
    first_end = next(i for i, c in enumerate(calls) if c.startswith("end"))
    assert all(c.startswith("start") for c in calls[:first_end]) and first_end == len(formats)
    as_of = dt.datetime(2019, 6, 30, tzinfo=dt.UTC)  # figures.json's as_of, written above
    assert {c.split()[2] for c in calls if c.startswith("start")} == {str(int(as_of.timestamp()))}
    assert all((staging / f"paper.{fmt}").read_text() == f"{fmt}\n" for fmt in formats)


@pytest.mark.slow
def test_a_format_that_fails_is_named_with_quartos_message(tmp_path, monkeypatch) -> None:
    staging = _fake_quarto(tmp_path, monkeypatch, fail="typst")
    with pytest.raises(RenderError, match=r"quarto render --to typst failed \(3\):\ntypst broke"):
        quarto.render_with_quarto(staging)
    # The other formats were left to finish, not killed half-way.
    assert (staging / "paper.docx").is_file() and (staging / "paper.html").is_file()
