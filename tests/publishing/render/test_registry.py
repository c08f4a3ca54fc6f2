"""Tests for analysis/publishing/render/registry.py: the renderers found through the
``panelpaper.renderers`` entry-point group, ``auto``'s choice, and a renderer added by
registration alone."""

from __future__ import annotations

import shutil
import sys
import textwrap
import tomllib
from pathlib import Path

import pytest

from analysis.publishing.options import Options
from analysis.publishing.render import registry
from analysis.publishing.render.formats import FORMATS
from analysis.publishing.render.paper import render_paper
from analysis.publishing.render.renderer import Renderer, RenderError

ROOT = Path(__file__).resolve().parents[3]
SEED_QUARTER = "2019-20-Q1"


@pytest.fixture
def fresh_registry():
    """The registry read anew for this test and again after it (it is read once per process)."""
    registry.forget()
    yield registry
    registry.forget()


def test_the_installed_renderers_are_those_pyproject_registers() -> None:
    """The registry reads the installed metadata; pyproject.toml is where renderers are
    registered.  They differ only in an install made before a renderer was added."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    declared = project["project"]["entry-points"][registry.GROUP]
    installed = {
        name: f"{cls.__module__}:{cls.__qualname__}" for name, cls in registry.registered().items()
    }
    assert installed == declared, "reinstall the package (pip install -e .) to register them"


def test_every_registered_renderer_implements_the_interface() -> None:
    for name, cls in registry.registered().items():
        assert issubclass(cls, Renderer)
        assert registry.get(name).name == name


def test_an_unknown_renderer_is_refused_with_the_registered_names() -> None:
    with pytest.raises(registry.UnknownRenderer) as refused:
        registry.resolve("word")
    assert str(refused.value) == "unknown renderer 'word': use one of auto, pandoc, quarto"
    with pytest.raises(ValueError, match="use one of auto, pandoc, quarto"):
        Options(Path("data"), Path("reports"), renderer="word")


def test_an_install_older_than_the_registry_says_to_reinstall(monkeypatch, fresh_registry):
    monkeypatch.setattr(registry, "entry_points", lambda group: ())
    with pytest.raises(RenderError, match=r"reinstall it \(pip install -e \.\)"):
        registry.resolve("auto")
    with pytest.raises(registry.UnknownRenderer, match=r"use one of auto \(no renderer is"):
        registry.resolve("pandoc")


def test_the_cli_help_lists_the_choices() -> None:
    assert registry.choices() == ("auto", "pandoc", "quarto")
    assert registry.choices_text() == "auto, pandoc or quarto"


def test_auto_picks_quarto_where_it_is_on_path_and_the_fallback_elsewhere(monkeypatch) -> None:
    monkeypatch.setattr(shutil, "which", lambda name: f"/opt/{name}/bin/{name}")
    assert registry.resolve("auto").name == "quarto"
    monkeypatch.setattr(shutil, "which", lambda name: None)
    assert registry.resolve("auto").name == "pandoc"
    assert registry.resolve("pandoc").name == "pandoc"
    assert "fallback renderer: Quarto CLI not on PATH" in registry.describe("auto")
    assert "fallback renderer: requested" in registry.describe("pandoc")


def test_a_renderer_named_but_missing_here_says_what_to_install(monkeypatch) -> None:
    monkeypatch.setattr(shutil, "which", lambda name: None)
    with pytest.raises(RenderError, match=r"'quarto' requested but .*environment\.yml"):
        registry.resolve("quarto")


FAKE_RENDERER = '''
from analysis.publishing.render.pandoc_typst import PandocTypstRenderer


class EchoRenderer(PandocTypstRenderer):
    """Preferred to every other by auto; draws with Pandoc, names itself Echo."""

    auto_rank = -1

    def versions(self):
        return {"echo": "0.1"}

    def annex_text(self):
        return "Echo 0.1 (a renderer registered by a test)"
'''


@pytest.fixture
def echo_registered(tmp_path, monkeypatch, fresh_registry):
    """A renderer registered the way any package would: a module, and an entry point under the
    group in its distribution's metadata, on sys.path."""
    (tmp_path / "echo_renderer.py").write_text(textwrap.dedent(FAKE_RENDERER), encoding="utf-8")
    info = tmp_path / "echo_renderer-0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: echo-renderer\nVersion: 0.1\n")
    (info / "entry_points.txt").write_text(
        f"[{registry.GROUP}]\necho = echo_renderer:EchoRenderer\n", encoding="utf-8"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    yield
    sys.modules.pop("echo_renderer", None)


def test_a_registered_renderer_is_offered_everywhere_without_a_line_changed(
    echo_registered,
) -> None:
    assert registry.choices() == ("auto", "echo", "pandoc", "quarto")
    assert registry.choices_text() == "auto, echo, pandoc or quarto"
    assert list(registry.registered()) == ["echo", "quarto", "pandoc"]  # by auto_rank
    assert Options(Path("data"), Path("reports"), renderer="echo").renderer == "echo"
    assert registry.resolve("auto").name == "echo"


@pytest.mark.slow
def test_render_paper_draws_with_a_registered_renderer(echo_registered, tmp_path) -> None:
    """``auto`` picks the test's renderer (it ranks first), and what it says of itself reaches
    the result the manifest is written from and the paper's annex."""
    staging = tmp_path / SEED_QUARTER
    record = ROOT / "reports" / SEED_QUARTER
    shutil.copytree(record / "notebooks", staging / "notebooks")
    shutil.copy2(record / "figures.json", staging / "figures.json")
    result = render_paper(staging)
    assert result.renderer == "echo"
    assert result.versions == {"echo": "0.1"}
    assert tuple(result.outputs) == FORMATS
    assert all(path.is_file() for path in result.outputs.values())
    page = result.outputs["html"].read_text(encoding="utf-8")
    assert "Echo 0.1 (a renderer registered by a test)" in page
