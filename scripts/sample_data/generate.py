"""Write the sample quarterly snapshots under ``data/snapshots`` -- the same bytes on every run.

Builds the world once (every recommendation and action over its whole life) and writes each
quarter's snapshot of it; see the package's docstring for how the world is made.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterable
from pathlib import Path

from analysis.quarters import Quarter, quarter_range

from .actions import build_actions
from .common import FIRST, LAST
from .recommendations import build_recommendations
from .snapshots import snapshot
from .writer import write_snapshot


def quarters() -> list[Quarter]:
    return quarter_range(FIRST, LAST)


def generate(out: Path) -> list[Path]:
    """Write every sample quarter under ``out``; returns the folders written."""
    recs, actions = build_recommendations(), build_actions()
    folders = []
    for quarter in quarters():
        folder = Path(out) / quarter.id
        write_snapshot(folder, snapshot(quarter, recs, actions))
        folders.append(folder)
    return folders


def main(argv: Iterable[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("data/snapshots"))
    args = parser.parse_args(None if argv is None else list(argv))
    for folder in generate(args.out):
        print(f"wrote {folder}")
    return 0
