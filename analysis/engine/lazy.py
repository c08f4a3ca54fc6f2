"""Imports that would otherwise cost seconds on every command and in every notebook kernel.

jsonschema loads its format checkers at import, and when ``rfc3987_syntax`` is installed
(JupyterLab's jupyter-events brings it) building its IRI grammars takes one to two seconds
(jsonschema issue #1428).  Nothing in panelpaper validates the ``iri`` formats, so jsonschema
is let to find that module missing while it loads, and the module is made importable again
afterwards for anyone else in the process.
"""

from __future__ import annotations

import sys
import threading
from types import ModuleType

_LOCK = threading.Lock()
"""Notebooks run in threads; two threads importing jsonschema at once deadlock on its module
lock (and would race on the sys.modules entry below), so the first import is serialised."""


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


def import_pandera() -> ModuleType:
    """``pandera.pandas``, imported on first need (about 0.3 s) under the same lock: only a
    run that reads files validates them, and a run on cached snapshots (every notebook
    kernel, a warm ``panelpaper figures``) never needs it."""
    with _LOCK:
        import pandera.errors
        import pandera.pandas

    return pandera.pandas
