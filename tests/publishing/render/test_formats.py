"""Tests for analysis/publishing/render/formats.py: the one list of output formats, and the
files that must agree with it."""

from __future__ import annotations

import pytest
import yaml

from analysis.paths import PROJECT_ROOT
from analysis.publishing.progress import PAPER_FILES as PRINTED
from analysis.publishing.render import pandoc_typst
from analysis.publishing.render.formats import FORMATS, PAPER_FILES, PAPER_FORMATS, Format


def test_quarto_yml_configures_exactly_the_declared_formats_in_order() -> None:
    config = yaml.safe_load((PROJECT_ROOT / "_quarto.yml").read_text(encoding="utf-8"))
    assert list(config["format"]) == [fmt.quarto for fmt in PAPER_FORMATS]


def test_the_names_and_files_follow_the_formats() -> None:
    assert FORMATS == ("docx", "pdf", "html")
    assert PAPER_FILES == ("paper.docx", "paper.pdf", "paper.html")
    assert PRINTED is PAPER_FILES  # the run prints the paper's files from this list


def test_the_fallback_renderer_can_write_every_format() -> None:
    for fmt in PAPER_FORMATS:
        assert callable(pandoc_typst.writer_of(fmt))


def test_a_format_the_fallback_cannot_write_is_refused_by_name() -> None:
    with pytest.raises(pandoc_typst.RenderError, match=r"cannot write paper\.nope.*'nope'"):
        pandoc_typst.writer_of(Format("nope", quarto="nope"))
