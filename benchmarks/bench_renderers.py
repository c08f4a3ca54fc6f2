"""Time both renderers' cold runs against their floors, and where Quarto's time goes.

Written to benchmarks/RENDERERS_RESULTS.md; every figure is the median of ``--repeat`` fresh
processes, all taken in the one run so the ratios compare like with like:

- papermill floor: one notebook that only imports pandas and seaborn, by the papermill CLI (what
  a person types) and by its API (kernel start, imports, execution; papermill's import left out).
- Quarto floor: ``quarto render`` of a one-paragraph document to HTML, Word and Typst PDF in one
  process (``--to all``), and to each format alone (each alone pays Deno's start-up again).
- Deno start-up: ``quarto pandoc --version``, a Quarto command that does nothing of its own.
- cold runs: ``panelpaper run <seed quarter> --renderer quarto|pandoc`` into a fresh folder,
  with the pipeline's own step times (kernel warm-up, notebooks, render) read from its output.
- Quarto on the staged seed paper: all formats in one process, three processes side by side,
  each format alone, the PDF's Typst compile alone, and the HTML without embedded resources.

Goals (issue 13): Quarto's cold run <= 1.0 x (papermill CLI floor + Quarto floor); the
fallback's cold run <= 1.0 x the papermill CLI floor.  The machine's load average is recorded
before and after, since a shared machine inflates everything.  Beside each wall-clock median
the table gives the CPU seconds the measurement used (this process and every child it waited
for: kernels, Deno, Pandoc, Typst), which a busy machine inflates far less than wall time, and
the goals are also given in CPU time for reference (not issue 13's goals: a run's kernels work
side by side, so its CPU time exceeds its wall time on an idle machine).

    .venv/bin/python benchmarks/bench_renderers.py [--repeat 3] [--quarter 2019-20-Q1]
    make benchmark-renderers     # the same, with the Quarto installed by `make quarto-dev`
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_run import FLOOR_NOTEBOOK, PANELPAPER, floor_api, floor_cli, timed  # noqa: E402
from machine import describe  # noqa: E402

RESULTS = ROOT / "benchmarks" / "RENDERERS_RESULTS.md"
FLOOR_QMD = """---
title: Floor
format:
  html: {}
  docx: {}
  typst: {}
---

One paragraph of text, and nothing else.
"""
STEP = re.compile(r"^\s+(?P<step>.+?)\s+ok\s+(?P<seconds>[0-9.]+) s")


def load() -> str:
    one, five, _ = os.getloadavg()
    return f"{one:.2f} (1 min), {five:.2f} (5 min)"


def median(samples: list[float]) -> float:
    return statistics.median(samples)


def cpu_seconds() -> float:
    """CPU time used so far by this process and the children it has waited for."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


class Bench:
    """Collects named medians and their samples (wall and CPU), and the notes of anything
    skipped."""

    def __init__(self, repeat: int) -> None:
        self.repeat = repeat
        self.rows: dict[str, list[float]] = {}
        self.cpu: dict[str, list[float]] = {}
        self.notes: list[str] = []

    def measure(
        self,
        key: str,
        action: Callable[[], float | tuple[float, float]],
        repeat: int | None = None,
    ) -> None:
        """Run ``action`` ``repeat`` times.  It returns its wall seconds, or its wall and CPU
        seconds when only part of what it runs is the measurement (the Typst compile)."""
        print(f"measuring {key} ...", flush=True)
        walls: list[float] = []
        cpus: list[float] = []
        try:
            for _ in range(repeat or self.repeat):
                before = cpu_seconds()
                result = action()
                used = cpu_seconds() - before
                wall, cpu = result if isinstance(result, tuple) else (result, used)
                walls.append(wall)
                cpus.append(cpu)
        except Exception as exc:  # a missing piece (no Quarto, no poppler): note it, go on
            self.notes.append(f"- {key}: skipped ({str(exc).strip().splitlines()[0][:200]})")
            return
        self.rows[key] = walls
        self.cpu[key] = cpus

    def get(self, key: str) -> float | None:
        return median(self.rows[key]) if key in self.rows else None

    def get_cpu(self, key: str) -> float | None:
        return median(self.cpu[key]) if key in self.cpu else None


def quarto_floor(work: Path, *to: str) -> float:
    folder = Path(tempfile.mkdtemp(dir=work, prefix="floor-"))
    (folder / "floor.qmd").write_text(FLOOR_QMD, encoding="utf-8")
    try:
        return timed(["quarto", "render", "floor.qmd", *to], cwd=folder)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def cold_run(data_dir: Path, quarter: str, work: Path, renderer: str, steps: dict) -> float:
    reports = Path(tempfile.mkdtemp(dir=work, prefix=f"cold-{renderer}-"))
    command = [
        PANELPAPER,
        "run",
        quarter,
        "--renderer",
        renderer,
        "--data-dir",
        str(data_dir),
        "--reports-dir",
        str(reports),
    ]
    try:
        started = time.perf_counter()
        done = subprocess.run(command, capture_output=True, text=True, check=True)
        seconds = time.perf_counter() - started
    finally:
        shutil.rmtree(reports, ignore_errors=True)
    for line in done.stdout.splitlines():
        match = STEP.match(line)
        if match:
            name = re.sub(r"\s+", " ", match["step"])
            name = "kernel warm-up" if "warm-up" in name else name
            name = "notebook" if name.endswith(".ipynb") else name
            steps.setdefault(name, []).append(float(match["seconds"]))
    return seconds


def staged_paper(work: Path, record: Path) -> Path:
    """The seed quarter's executed notebooks and figures.json with the Quarto sources beside."""
    from analysis.publishing.render import registry
    from analysis.publishing.render.paper_sources import stage_sources

    folder = Path(tempfile.mkdtemp(dir=work, prefix="staged-"))
    shutil.copytree(record / "notebooks", folder / "notebooks")
    shutil.copy2(record / "figures.json", folder / "figures.json")
    stage_sources(folder, registry.get("quarto").annex_text())
    return folder


def in_copy(
    staged: Path, action: Callable[[Path], float | tuple[float, float]]
) -> float | tuple[float, float]:
    folder = Path(tempfile.mkdtemp(dir=staged.parent, prefix="copy-")) / "q"
    shutil.copytree(staged, folder)
    try:
        return action(folder)
    finally:
        shutil.rmtree(folder.parent, ignore_errors=True)


def three_processes(folder: Path) -> float:
    started = time.perf_counter()
    running = [
        subprocess.Popen(
            ["quarto", "render", "--to", fmt],
            cwd=folder,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for fmt in ("docx", "typst", "html")
    ]
    if any(process.wait() != 0 for process in running):
        raise RuntimeError("a quarto render --to <format> failed")
    return time.perf_counter() - started


def typst_compile(folder: Path) -> tuple[float, float]:
    import typst

    timed(["quarto", "render", "--to", "typst", "-M", "keep-typ:true"], cwd=folder)
    started, cpu_before = time.perf_counter(), cpu_seconds()
    typst.compile(str(folder / "paper.typ"), output=str(folder / "again.pdf"), root=str(folder))
    return time.perf_counter() - started, cpu_seconds() - cpu_before


def html_without_embedding(folder: Path) -> float:
    config = folder / "_quarto.yml"
    config.write_text(config.read_text().replace("embed-resources: true", "embed-resources: false"))
    return timed(["quarto", "render", "--to", "html"], cwd=folder)


def fallback_render(staged: Path) -> float:
    def action(folder: Path) -> float:
        from analysis.publishing.render.paper import render_paper

        started = time.perf_counter()
        render_paper(folder, renderer="pandoc")
        return time.perf_counter() - started

    return in_copy(staged, action)


def ratio_line(label: str, value: float | None, limit: float | None, of: str) -> str:
    if value is None or limit is None:
        return f"| {label} | <= 1.0 x {of} | skipped | |"
    ratio = value / limit
    verdict = "met" if ratio <= 1.0 else "NOT met"
    return f"| {label} | <= 1.0 x {of} | {ratio:.2f} x ({value:.2f} / {limit:.2f} s) | {verdict} |"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--quarter", default="2019-20-Q1")
    parser.add_argument("--data-dir", type=Path, default=ROOT / "data")
    parser.add_argument("--record", type=Path, default=ROOT / "reports" / "2019-20-Q1")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args()
    data_dir = args.data_dir.resolve()
    work = Path(tempfile.mkdtemp(prefix="pp-bench-renderers-"))
    (work / "floor.ipynb").write_text(json.dumps(FLOOR_NOTEBOOK), encoding="utf-8")
    quarto = shutil.which("quarto")
    bench = Bench(args.repeat)
    load_before = load()

    floor_api(work)  # warm the disk cache once, untimed
    bench.measure("papermill floor (CLI)", lambda: floor_cli(work))
    bench.measure("papermill floor (API)", lambda: floor_api(work))
    quarto_steps: dict[str, list[float]] = {}
    pandoc_steps: dict[str, list[float]] = {}
    bench.measure(
        "cold run, fallback (pandoc)",
        lambda: cold_run(data_dir, args.quarter, work, "pandoc", pandoc_steps),
    )
    staged = staged_paper(work, args.record)
    bench.measure("fallback render of the seed paper", lambda: fallback_render(staged))
    if quarto is None:
        bench.notes.append("- Quarto: not on PATH, every Quarto measurement skipped")
    else:
        timed(["quarto", "render", "--help"])  # fill Deno's compile cache once, untimed
        bench.measure(
            "Deno start-up (quarto pandoc --version)",
            lambda: timed(["quarto", "pandoc", "--version"]),
        )
        bench.measure(
            "Quarto floor, all formats, one process", lambda: quarto_floor(work, "--to", "all")
        )
        for fmt in ("html", "docx", "typst"):
            bench.measure(
                f"Quarto floor, {fmt} alone", lambda fmt=fmt: quarto_floor(work, "--to", fmt)
            )
        bench.measure(
            "cold run, Quarto",
            lambda: cold_run(data_dir, args.quarter, work, "quarto", quarto_steps),
        )
        render = ["quarto", "render"]
        bench.measure(
            "Quarto render of the seed paper, one process",
            lambda: in_copy(staged, lambda f: timed(render, cwd=f)),
        )
        bench.measure(
            "Quarto render of the seed paper, three processes side by side",
            lambda: in_copy(staged, three_processes),
        )
        for fmt in ("html", "docx", "typst"):
            bench.measure(
                f"Quarto render of the seed paper, {fmt} alone",
                lambda fmt=fmt: in_copy(staged, lambda f: timed([*render, "--to", fmt], cwd=f)),
            )
        bench.measure("Typst compile of Quarto's paper.typ", lambda: in_copy(staged, typst_compile))
        bench.measure(
            "Quarto render of the seed paper, html without embed-resources",
            lambda: in_copy(staged, html_without_embedding),
        )
    shutil.rmtree(work, ignore_errors=True)
    load_after = load()

    floor = bench.get("papermill floor (CLI)")
    floor_api_s = bench.get("papermill floor (API)")
    quarto_floor_s = bench.get("Quarto floor, all formats, one process")
    both_floors = floor + quarto_floor_s if floor and quarto_floor_s else None
    floor_cpu = bench.get_cpu("papermill floor (CLI)")
    quarto_floor_cpu = bench.get_cpu("Quarto floor, all formats, one process")
    both_floors_cpu = floor_cpu + quarto_floor_cpu if floor_cpu and quarto_floor_cpu else None
    lines = [
        "# Renderer benchmark: Quarto and the fallback against their floors",
        "",
        f"Written by `benchmarks/bench_renderers.py`; medians of {args.repeat} fresh processes, "
        "all in one run.",
        "",
        "## Machine",
        "",
        *describe(("panelpaper", "pandas", "papermill", "seaborn", "pypandoc-binary", "typst")),
        f"- Quarto: {quarto or 'not on PATH'}",
        f"- Load average before: {load_before}; after: {load_after}",
        "",
        "## Times",
        "",
        "| measurement | median | samples | CPU median |",
        "|---|---|---|---|",
    ]
    for key, samples in bench.rows.items():
        shown = ", ".join(f"{s:.2f}" for s in samples)
        lines.append(
            f"| {key} | {median(samples):.2f} s | {shown} | {median(bench.cpu[key]):.2f} s |"
        )
    for label, key, steps in (
        ("fallback", "cold run, fallback (pandoc)", pandoc_steps),
        ("Quarto", "cold run, Quarto", quarto_steps),
    ):
        for step, samples in steps.items():
            per_run = len(samples) // max(1, len(bench.rows.get(key, [])))
            shown = ", ".join(f"{s:.2f}" for s in samples)
            lines.append(
                f"| cold run, {label}: step '{step}' (x{max(per_run, 1)} per run) | "
                f"{median(samples):.2f} s | {shown} | |"
            )
    lines += [
        "",
        "## Goals",
        "",
        "| goal | limit | measured | |",
        "|---|---|---|---|",
        ratio_line(
            "Quarto cold run vs both floors",
            bench.get("cold run, Quarto"),
            both_floors,
            "(papermill CLI floor + Quarto floor)",
        ),
        ratio_line(
            "fallback cold run vs papermill floor",
            bench.get("cold run, fallback (pandoc)"),
            floor,
            "papermill CLI floor",
        ),
        ratio_line(
            "fallback cold run vs papermill API floor (stricter)",
            bench.get("cold run, fallback (pandoc)"),
            floor_api_s,
            "papermill API floor",
        ),
        ratio_line(
            "for reference: Quarto cold run vs both floors, CPU time",
            bench.get_cpu("cold run, Quarto"),
            both_floors_cpu,
            "(papermill CLI floor + Quarto floor), CPU",
        ),
        ratio_line(
            "for reference: fallback cold run vs papermill floor, CPU time",
            bench.get_cpu("cold run, fallback (pandoc)"),
            floor_cpu,
            "papermill CLI floor, CPU",
        ),
    ]
    if bench.notes:
        lines += ["", "## Skipped", "", *bench.notes]
    args.out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
