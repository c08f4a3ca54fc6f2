"""The imports that would otherwise cost seconds: the one place panelpaper's code defers or
bends an import, each with the measurement that justifies it.

- :func:`lazy_import`: a module of the package loaded on first use of one of its names.  Every
  command of ``panelpaper`` and every run that reuses its publication would otherwise import
  pandas (measured: about 1 s) for a command or a step that never reads a table.
- :func:`import_jsonschema`: jsonschema loads its format checkers at import, and when
  ``rfc3987_syntax`` is installed (JupyterLab's jupyter-events brings it) building its IRI
  grammars takes seconds (jsonschema issue #1428; measured here: ``import jsonschema`` 5.2 s,
  through this function 0.5 s).  Nothing in panelpaper validates the ``iri`` formats, so
  jsonschema is let to find that module missing while it loads, and the module is made
  importable again afterwards for anyone else in the process.
- :func:`import_nbformat`, :func:`import_nbclient`, :func:`import_jupytext`: each imports
  jsonschema at once, so it goes the same way; none is needed by a run that reuses its
  publication; nor is :func:`import_papermill`.
- :func:`import_pandera`: ``pandera.pandas`` (measured: 0.8-0.9 s after pandas) is needed only
  by a run that reads files; a run on cached snapshots (every notebook kernel, a warm
  ``panelpaper figures``) never validates a frame.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
import threading
from types import ModuleType
from typing import Any

_LOCK = threading.Lock()
"""Notebooks run in threads; two threads importing jsonschema at once deadlock on its module
lock (and would race on the sys.modules entry below), so the first import is serialised."""


class LazyModule:
    """Stands for the module ``name`` until one of its names is used: every attribute is looked
    up in the module itself, imported then by the ordinary import machinery (so from any
    thread, and a test that replaces a name in the module is seen)."""

    def __init__(self, name: str) -> None:
        self._name = name

    def __getattr__(self, attribute: str) -> Any:
        return getattr(importlib.import_module(self._name), attribute)

    def __repr__(self) -> str:
        return f"<lazy module {self._name!r}>"

    def load(self) -> ModuleType:
        """The module, imported now (in this thread, before others race to import it)."""
        return importlib.import_module(self._name)


def lazy_import(name: str) -> Any:
    """The module ``name``, imported when one of its names is first used (:class:`LazyModule`);
    ``Any`` because a type checker cannot follow the stand-in to the module's names."""
    if importlib.util.find_spec(name) is None:  # a misspelt name fails at once, not at first use
        raise ModuleNotFoundError(f"No module named {name!r}", name=name)
    return LazyModule(name)


def import_jsonschema() -> ModuleType:
    """jsonschema, without the IRI grammar build it does not need here."""
    with _LOCK:
        if "jsonschema._format" not in sys.modules and "rfc3987_syntax" not in sys.modules:
            sys.modules["rfc3987_syntax"] = None  # type: ignore[assignment]
            try:
                import jsonschema._format
            finally:
                if sys.modules.get("rfc3987_syntax", 0) is None:
                    del sys.modules["rfc3987_syntax"]
        import jsonschema

    return jsonschema


def import_nbformat() -> ModuleType:
    """nbformat, which imports jsonschema at once: loaded through :func:`import_jsonschema`,
    whichever module of the run happens to need it first."""
    import_jsonschema()
    import nbformat

    return nbformat


def import_jupytext() -> ModuleType:
    """jupytext (measured: 0.6-1.4 s; only the reference-notebook tools pair notebooks with
    their text), which imports nbformat at once: loaded after :func:`import_nbformat`."""
    import_nbformat()
    import jupytext

    return jupytext


def import_nbclient() -> ModuleType:
    """nbclient, which imports nbformat at once: loaded after :func:`import_nbformat`."""
    import_nbformat()
    import nbclient

    return nbclient


_PAPERMILL_LOCK = threading.Lock()


def import_papermill() -> ModuleType:
    """papermill (measured: 0.6-2 s, which a run that reuses its publication never needs),
    after jsonschema has been loaded the quick way.

    Serialised: notebooks start in several threads at once, and concurrent first imports of
    the same modules deadlock on Python's module locks."""
    with _PAPERMILL_LOCK:
        import_jsonschema()
        import papermill

    return papermill


def import_pandera() -> ModuleType:
    """``pandera.pandas``, imported on first need under the same lock."""
    with _LOCK:
        import pandera.errors
        import pandera.pandas

    return pandera.pandas
