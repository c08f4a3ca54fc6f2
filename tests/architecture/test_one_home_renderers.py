"""Renderers and output formats each have one home (issue 26).

The renderers' names live in pyproject.toml's ``panelpaper.renderers`` entry-point group and in
the renderer classes and registry (analysis/publishing/render/{registry,renderer,quarto,
pandoc_typst}.py); the output formats live in analysis/publishing/render/formats.py.  Anywhere
else in analysis/, code that compares a value with a renderer's name (``renderer == "quarto"``,
``name in ("quarto", "pandoc")``, a ``case "pandoc":``) is branching on the renderer, and a
literal collection naming two or more renderers or two or more formats is a second list of
them: either is the drift
these homes exist to prevent, and this scan fails on it.
"""

from __future__ import annotations

import ast
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest

from analysis.publishing.render.formats import PAPER_FORMATS

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "analysis"
RENDER = PACKAGE / "publishing" / "render"
RENDERER_HOMES = {
    RENDER / "registry.py",
    RENDER / "renderer.py",
    RENDER / "quarto.py",
    RENDER / "pandoc_typst.py",
}
FORMAT_HOME = RENDER / "formats.py"


def registered_names() -> set[str]:
    """The renderers pyproject.toml registers, and ``auto``."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    group = project["project"]["entry-points"]["panelpaper.renderers"]
    return {*group, "auto"}


def format_words() -> set[str]:
    """Every string that names a format: its name, its _quarto.yml key, its file."""
    return {word for fmt in PAPER_FORMATS for word in (fmt.name, fmt.quarto, fmt.file)}


def _strings(nodes: list[ast.expr | None]) -> Iterator[str]:
    for node in nodes:
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            yield node.value
        elif isinstance(node, ast.Tuple | ast.List | ast.Set):
            yield from _strings(list(node.elts))


def renderer_comparisons(source: str, names: set[str]) -> list[int]:
    """Lines of ``source`` comparing something with one of ``names`` (``==``, ``!=``, ``in``
    a literal collection, or a ``match`` case), or listing two or more of them."""
    lines = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Tuple | ast.List | ast.Set):
            if len(names & set(_strings(list(node.elts)))) > 1:
                lines.append(node.lineno)
        elif isinstance(node, ast.Compare):
            if names & set(_strings([node.left, *node.comparators])):
                lines.append(node.lineno)
        elif isinstance(node, ast.MatchValue) and names & set(_strings([node.value])):
            lines.append(node.lineno)
    return sorted(set(lines))


def format_lists(source: str, words: set[str]) -> list[int]:
    """Lines of ``source`` holding a literal tuple, list, set or dict (by its keys) that names
    two or more different formats."""
    lines = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Tuple | ast.List | ast.Set):
            elements: list[ast.expr | None] = list(node.elts)
        elif isinstance(node, ast.Dict):
            elements = list(node.keys)
        else:
            continue
        named = {value for value in _strings(elements) if value in words}
        if len({fmt.name for fmt in PAPER_FORMATS if {fmt.name, fmt.quarto, fmt.file} & named}) > 1:
            lines.append(node.lineno)
    return sorted(set(lines))


def modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def test_no_code_outside_the_renderers_branches_on_a_renderers_name() -> None:
    names = registered_names()
    found = {
        str(path.relative_to(ROOT)): lines
        for path in modules()
        if path not in RENDERER_HOMES
        and (lines := renderer_comparisons(path.read_text(encoding="utf-8"), names))
    }
    assert found == {}, (
        "compare with a renderer's name only in the renderer classes and the registry "
        "(analysis/publishing/render/registry.py); elsewhere ask the Renderer interface"
    )


def test_the_formats_are_listed_only_in_their_home() -> None:
    words = format_words()
    found = {
        str(path.relative_to(ROOT)): lines
        for path in modules()
        if path != FORMAT_HOME and (lines := format_lists(path.read_text(encoding="utf-8"), words))
    }
    assert found == {}, "list the output formats only in analysis/publishing/render/formats.py"


@pytest.mark.parametrize(
    ("source", "line"),
    [
        ('if renderer == "quarto":\n    pass\n', 1),
        ('ok = "pandoc" != chosen\n', 1),
        ('ok = name in ("quarto", "pandoc")\n', 1),
        ('ok = name not in {"auto"}\n', 1),
        ('match renderer:\n    case "quarto":\n        pass\n', 2),
        ('RENDERERS = ("auto", "quarto", "pandoc")\n', 1),
    ],
)
def test_the_scan_finds_a_branch_on_a_renderers_name(source: str, line: int) -> None:
    assert renderer_comparisons(source, registered_names()) == [line]


@pytest.mark.parametrize(
    "source",
    [
        'FORMATS = ("docx", "pdf", "html")\n',
        'FILES = ["paper.docx", "paper.html"]\n',
        'KEYS = {"typst", "html"}\n',
        'OPTIONS = {"docx": 1, "typst": 2}\n',
    ],
)
def test_the_scan_finds_a_second_list_of_formats(source: str) -> None:
    assert format_lists(source, format_words()) == [1]


def test_the_scan_leaves_one_format_and_other_names_alone() -> None:
    source = (
        'page = staging / "paper.html"\n'
        'docx = options["docx"]\n'
        'kinds = ("svg", "png")\n'
        'if tool == "typst":\n    pass\n'
        'versions = {"quarto": "1.10"}\n'
    )
    assert format_lists(source, format_words()) == []
    assert renderer_comparisons(source, registered_names()) == []
