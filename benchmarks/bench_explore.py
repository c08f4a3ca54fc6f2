"""Time the exploration's redraws on the sample data; write benchmarks/EXPLORE_RESULTS.md.

A redraw is what an analyst waits for after changing a control in ``panelpaper explore`` or in
``notebooks/explore.ipynb``: the counts, charts and tables recomputed and handed to the widgets.
It is measured here, in one process on the kernel's side (the browser's drawing is timed by
``tests/presentation/test_explore_page.py``, which prints it), rather than asserted in a test,
where a busy machine would turn a speed goal into a flaky failure.

Measured, on ``data/`` (every sample quarter): loading the exploration, building the app, then
every choice of each control in turn (business group, quarter, drill-down), each repeated.

Goal (2-core machine): every redraw <= 1 s.

    .venv/bin/python benchmarks/bench_explore.py [--repeat 3] [--data-dir data]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT))

from machine import describe  # noqa: E402

from analysis.presentation import explore, explore_app  # noqa: E402

RESULTS = ROOT / "benchmarks" / "EXPLORE_RESULTS.md"
GOAL_SECONDS = 1.0
CONTROLS = ("business_group", "quarter", "drill_down")


def _choices(app: explore_app.ExploreApp, control: str) -> list[object]:
    """Every value a control offers, the starting one last so each pick is a real change."""
    widget = app.controls[control]
    values = [option[1] if isinstance(option, tuple) else option for option in widget.options]
    start = widget.value
    return [value for value in values if value != start] + [start]


def measure(data_dir: Path, repeat: int) -> tuple[dict[str, float], dict[str, list[float]]]:
    """Seconds to load and build once, and every redraw's seconds per control."""
    started = time.perf_counter()
    exploration = explore.load(data_dir)
    loaded = time.perf_counter() - started
    app = explore_app.ExploreApp(exploration)
    built = time.perf_counter() - started - loaded
    redraws: dict[str, list[float]] = {control: [] for control in CONTROLS}
    for _ in range(repeat):
        for control in CONTROLS:
            for value in _choices(app, control):
                app.controls[control].value = value
                redraws[control].append(app.last_redraw_seconds)
    return {"load": loaded, "build": built}, redraws


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--data-dir", type=Path, default=ROOT / "data")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args()
    once, redraws = measure(args.data_dir, args.repeat)
    lines = [
        "# Exploration redraw benchmark",
        "",
        "Written by `benchmarks/bench_explore.py`; every redraw of every control, in one process.",
        "",
        "## Machine",
        "",
        *[line for line in describe(["pandas", "altair", "ipywidgets"])],
        "",
        "## Times",
        "",
        f"- loading the exploration (every sample quarter): {once['load']:.2f} s",
        f"- building the page's widgets: {once['build']:.2f} s",
        "",
        "| control | redraws | median | slowest | goal |",
        "|---|---|---|---|---|",
    ]
    met = True
    for control, seconds in redraws.items():
        slowest = max(seconds)
        met &= slowest <= GOAL_SECONDS
        verdict = "met" if slowest <= GOAL_SECONDS else "NOT met"
        lines.append(
            f"| {control} | {len(seconds)} | {statistics.median(seconds):.3f} s "
            f"| {slowest:.3f} s | <= {GOAL_SECONDS:g} s: {verdict} |"
        )
    args.out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))
    return 0 if met else 1


if __name__ == "__main__":
    raise SystemExit(main())
