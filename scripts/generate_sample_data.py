"""Write the sample quarterly snapshots under ``data/snapshots`` -- the same bytes on every run.

The generator itself is the package beside this script, ``scripts/sample_data/`` (one module per
thing it makes; its docstring has the map).  This file is the command ``make sample-data`` runs.

Usage::

    .venv/bin/python scripts/generate_sample_data.py --out data/snapshots
"""

from __future__ import annotations

import sys
from pathlib import Path

# Run as a script, Python puts this folder on the path already; loaded from elsewhere (the
# tests load this file by its path), the package beside it must still be found.
HERE = str(Path(__file__).resolve().parent)
if HERE not in sys.path:
    sys.path.insert(0, HERE)

from sample_data.generate import generate, main  # noqa: E402

__all__ = ["generate", "main"]

if __name__ == "__main__":
    sys.exit(main())
