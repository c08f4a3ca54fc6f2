"""Tests for analysis/publishing/render/paper_sources.py: what a quarter's staging folder is given."""

from __future__ import annotations

import json

import pytest

from analysis.publishing.render import paper_sources
from analysis.publishing.render.paper_sources import RenderError
from tests.publishing.render.test_render import PAPER


def test_figures_json_without_the_paper_details_is_refused(tmp_path):
    paper = {key: value for key, value in PAPER.items() if key != "marking"}
    (tmp_path / "figures.json").write_text(json.dumps({"paper": paper}))
    with pytest.raises(RenderError, match="marking"):
        paper_sources.paper_metadata(tmp_path)
