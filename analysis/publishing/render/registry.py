"""The renderers, found in one place: the ``panelpaper.renderers`` entry-point group.

pyproject.toml registers each renderer class under that group (as it registers papermill's
warm engine under ``papermill.engine``), and this module reads the group from the installed
package's metadata: ``pip install -e .`` (``make venv``) is what makes a renderer known, and
a package of its own can add one without a line changed here.  The registry also resolves
``auto`` (the lowest :attr:`~analysis.publishing.render.renderer.Renderer.auto_rank`
available here: Quarto when it is on PATH, else the Pandoc + Typst fallback) and gives the
names the CLI's help and every error message list.

A checkout whose pyproject.toml has a renderer the installed metadata lacks was installed
before that renderer was added: its entry points are refreshed by reinstalling
(``pip install -e .``); tests/publishing/render/test_registry.py says so when they disagree.
"""

from __future__ import annotations

import functools
from importlib.metadata import EntryPoint, entry_points

from analysis.publishing.render.renderer import Renderer, RenderError

GROUP = "panelpaper.renderers"
AUTO = "auto"
"""``--renderer auto``: whichever registered renderer this machine can run, by rank."""


class UnknownRenderer(ValueError):
    """A renderer name that is neither ``auto`` nor registered; the message lists the choices."""


@functools.cache
def _entry_points() -> dict[str, EntryPoint]:
    """The group's entry points by name, in alphabetical order (setuptools writes them so,
    whatever pyproject.toml's order); read once per process (about 10 ms: every installed
    package's metadata is read).  Nothing is imported: the CLI lists the names in its help
    without loading a renderer, which for the fallback would import nbformat and jsonschema
    (0.8 s, measured), so the names are not in ``auto``'s order of preference."""
    return {point.name: point for point in sorted(entry_points(group=GROUP))}


@functools.cache
def _load(name: str) -> type[Renderer]:
    point = _entry_points()[name]
    cls = point.load()
    if not (isinstance(cls, type) and issubclass(cls, Renderer)):
        raise TypeError(f"entry point {name} = {point.value} in {GROUP} is not a Renderer")
    return cls


def registered() -> dict[str, type[Renderer]]:
    """Every registered renderer class by name, in ``auto``'s order of preference (loading
    each: the renderers' modules import their tools' Python packages)."""
    classes = {name: _load(name) for name in _entry_points()}
    return dict(sorted(classes.items(), key=lambda item: (item[1].auto_rank, item[0])))


def forget() -> None:
    """Read the group again next time (a test that registers a renderer of its own)."""
    _entry_points.cache_clear()
    _load.cache_clear()


def names() -> tuple[str, ...]:
    """The registered renderers' names, alphabetically (without loading them)."""
    return tuple(_entry_points())


def choices() -> tuple[str, ...]:
    """What ``--renderer`` accepts: ``auto`` and every registered name."""
    return (AUTO, *names())


def choices_text() -> str:
    """The choices as the CLI's help says them: ``auto, pandoc or quarto``."""
    *first, last = choices()
    return f"{', '.join(first)} or {last}" if first else last


NONE_REGISTERED = (
    f"no renderer is registered under the {GROUP!r} entry points: the package was installed "
    "before they were added to pyproject.toml; reinstall it (pip install -e .)"
)


def check(name: str) -> None:
    """Refuse a name that is neither ``auto`` nor registered, listing the choices."""
    if name != AUTO and name not in _entry_points():
        hint = f" ({NONE_REGISTERED})" if not _entry_points() else ""
        raise UnknownRenderer(f"unknown renderer {name!r}: use one of {', '.join(choices())}{hint}")


def get(name: str) -> Renderer:
    """The registered renderer called ``name``, whether or not it can run here."""
    check(name)
    return _load(name)(name)


def resolve(name: str) -> Renderer:
    """The renderer that will draw the paper: ``auto``'s choice for this machine, or the one
    named, refused with what to install when it cannot run here."""
    check(name)
    if name == AUTO:
        renderers = [cls(each) for each, cls in registered().items()]
        if not renderers:
            raise RenderError(NONE_REGISTERED)
        for renderer in renderers:
            if renderer.available():
                return renderer
        raise RenderError(
            "no renderer can run here: "
            + "; ".join(f"{each.name}: {each.missing_help}" for each in renderers)
        )
    renderer = get(name)
    if not renderer.available():
        raise RenderError(f"renderer {name!r} requested but {renderer.missing_help}")
    return renderer


def describe(name: str = AUTO) -> str:
    """One line for the CLI saying which renderer will draw the paper, and why."""
    return resolve(name).describe(requested=name != AUTO)
