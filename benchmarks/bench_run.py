"""Time ``panelpaper run`` against the floor and the naive loop; write benchmarks/RESULTS.md.

Measured, each as a fresh process and repeated (medians reported):

- floor: papermill executing one notebook that only imports pandas and seaborn.  Two forms:
  the papermill CLI (what a person would type) and the in-process API time excluding
  papermill's own import (the least any notebook run can cost; the goals use this stricter one).
- cold: ``panelpaper run <seed quarter>`` into a fresh reports folder.
- naive: the papermill CLI once per paper notebook, ``panelpaper figures``, then the render.
- rerun: ``panelpaper run`` again on the published folder (reuse, no kernel).
- verify: ``panelpaper verify`` of that publication (inputs and outputs hashed, the five
  notebooks rerun and compared, figures.json recomputed).
- all vs singles: ``panelpaper run --all`` into a fresh folder against the sum of one cold run
  per quarter.

Goals (2-core machine): cold <= 3 x floor and <= 0.5 x naive; rerun <= 0.5 x floor;
verify <= 2 x cold; all <= 0.6 x sum of singles.  ``--verify-only`` (``make benchmark-verify``)
measures cold and verify alone and writes benchmarks/VERIFY_RESULTS.md instead of RESULTS.md.  Steps whose pieces are missing (no notebooks yet, no sample data)
are reported as skipped rather than failing the script.

    .venv/bin/python benchmarks/bench_run.py [--repeat 3] [--quarter 2019-20-Q1] [--skip-all]
    .venv/bin/python benchmarks/bench_run.py --verify-only
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

from machine import describe  # noqa: E402

BIN = Path(sys.executable).parent
PANELPAPER = str(BIN / "panelpaper")
PAPERMILL = str(BIN / "papermill")
RESULTS = ROOT / "benchmarks" / "RESULTS.md"
VERIFY_RESULTS = ROOT / "benchmarks" / "VERIFY_RESULTS.md"

FLOOR_NOTEBOOK = {
    "cells": [
        {
            "cell_type": "code",
            "execution_count": None,
            "id": "params",
            "metadata": {"tags": ["parameters"]},
            "outputs": [],
            "source": ['quarter = "2019-20-Q1"\n', 'data_dir = "../data"'],
        },
        {
            "cell_type": "code",
            "execution_count": None,
            "id": "imports",
            "metadata": {},
            "outputs": [],
            "source": ["import pandas\n", "import seaborn"],
        },
    ],
    "metadata": {
        "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}
    },
    "nbformat": 4,
    "nbformat_minor": 5,
}

IN_PROCESS_FLOOR = """
import sys, time
import papermill
t = time.perf_counter()
papermill.execute_notebook(sys.argv[1], sys.argv[2], kernel_name="python3", progress_bar=False)
print(time.perf_counter() - t)
"""


CPU_SECONDS: list[float] = []
"""CPU time (user + system, the process and every descendant it waited for, kernels included)
of each command :func:`timed` ran, in order: on a machine shared with other work the wall time
swings with the load, the CPU time much less."""


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(cmd: list[str], **kw) -> float:
    started, cpu = time.perf_counter(), _children_cpu()
    done = subprocess.run(cmd, capture_output=True, text=True, **kw)
    seconds = time.perf_counter() - started
    CPU_SECONDS.append(_children_cpu() - cpu)
    if done.returncode != 0:
        said = (done.stderr.strip() or done.stdout.strip() or "no output").splitlines()[-1]
        raise RuntimeError(f"{Path(cmd[0]).name} {cmd[1]} exited {done.returncode}: {said}")
    return seconds


def median_of(repeat: int, action) -> tuple[float, list[float]]:
    samples = [action() for _ in range(repeat)]
    return statistics.median(samples), samples


def floor_cli(work: Path) -> float:
    return timed(
        [PAPERMILL, str(work / "floor.ipynb"), str(work / "floor-out.ipynb"), "-k", "python3"]
    )


def floor_api(work: Path) -> float:
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            IN_PROCESS_FLOOR,
            str(work / "floor.ipynb"),
            str(work / "out.ipynb"),
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    return float(done.stdout.strip().splitlines()[-1])


def run_cmd(data_dir: Path, reports: Path, *args: str) -> list[str]:
    return [PANELPAPER, "run", *args, "--data-dir", str(data_dir), "--reports-dir", str(reports)]


def cold(data_dir: Path, quarter: str, work: Path) -> float:
    reports = Path(tempfile.mkdtemp(dir=work, prefix="cold-"))
    try:
        return timed(run_cmd(data_dir, reports, quarter))
    finally:
        shutil.rmtree(reports, ignore_errors=True)


def naive(data_dir: Path, quarter: str, work: Path) -> float:
    from analysis.publishing.notebooks import NOTEBOOKS_DIR, PAPER_NOTEBOOKS

    staging = Path(tempfile.mkdtemp(dir=work, prefix="naive-"))
    (staging / "notebooks").mkdir()
    started = time.perf_counter()
    for name in PAPER_NOTEBOOKS:
        timed(
            [
                PAPERMILL,
                str(NOTEBOOKS_DIR / f"{name}.ipynb"),
                str(staging / "notebooks" / f"{name}.ipynb"),
                "-k",
                "python3",
                "--cwd",
                str(NOTEBOOKS_DIR),
                "-p",
                "quarter",
                quarter,
                "-p",
                "data_dir",
                str(data_dir.resolve()),
            ]
        )
    with open(staging / "figures.json", "w", encoding="utf-8") as out:
        subprocess.run(
            [PANELPAPER, "figures", quarter, "--data-dir", str(data_dir)], stdout=out, check=True
        )
    timed(
        [
            sys.executable,
            "-c",
            "import sys; from pathlib import Path; from analysis.publishing.render.paper import render_paper;"
            " render_paper(Path(sys.argv[1]))",
            str(staging),
        ]
    )
    seconds = time.perf_counter() - started
    shutil.rmtree(staging, ignore_errors=True)
    return seconds


def rerun(data_dir: Path, quarter: str, reports: Path) -> float:
    return timed(run_cmd(data_dir, reports, quarter))


def verify(data_dir: Path, quarter: str, reports: Path) -> float:
    return timed(
        [PANELPAPER, "verify", quarter, "--data-dir", str(data_dir), "--reports-dir", str(reports)]
    )


def all_vs_singles(data_dir: Path, work: Path) -> tuple[float, float, int]:
    from analysis.inputs.snapshots import list_quarters

    quarters = [q.id for q in list_quarters(data_dir)]
    singles = sum(cold(data_dir, q, work) for q in quarters)
    reports = Path(tempfile.mkdtemp(dir=work, prefix="all-"))
    try:
        together = timed(run_cmd(data_dir, reports, "--all"))
    finally:
        shutil.rmtree(reports, ignore_errors=True)
    return together, singles, len(quarters)


def machine() -> list[str]:
    quarto = shutil.which("quarto")
    return [
        *describe(
            (
                "panelpaper",
                "pandas",
                "papermill",
                "nbclient",
                "ipykernel",
                "jupyter_client",
                "seaborn",
                "matplotlib",
                "pandera",
            )
        ),
        f"- Quarto: {quarto or 'not on PATH (the pandoc renderer is used)'}",
    ]


def fmt(seconds: float | None) -> str:
    return "skipped" if seconds is None else f"{seconds:.2f} s"


def machine_and_times(rows: dict, samples: dict[str, list[float]]) -> list[str]:
    """The Machine section and the Times table (median and samples) both results files open with."""
    lines = ["## Machine", "", *machine(), "", "## Times", "", "| measurement | median | samples |"]
    lines.append("|---|---|---|")
    for key, value in rows.items():
        shown = ", ".join(f"{s:.2f}" for s in samples.get(key, []))
        lines.append(f"| {key} | {fmt(value)} | {shown} |")
    return lines


def write_verify_results(
    rows: dict[str, float | None],
    samples: dict[str, list[float]],
    cpu: dict[str, list[float]],
    repeat: int,
    notes: list[str],
    out: Path,
) -> None:
    """``--verify-only``: the cold run and verify of one quarter, and their ratio (goal <= 2)."""
    lines = [
        "# `panelpaper verify` against the cold `panelpaper run`",
        "",
        "Written by `benchmarks/bench_run.py --verify-only` (`make benchmark-verify`); medians "
        f"of {repeat} runs, each a fresh process.  verify hashes the inputs and the published "
        "files, reruns the five notebooks on warm kernels and compares them under nbval's "
        "rules, and recomputes figures.json.",
        "",
        *machine_and_times(rows, samples),
    ]
    lines += [
        "",
        "CPU seconds (user + system of the command and every process it waited for, kernels "
        "included; much less sensitive than wall time to other work on the machine):",
        "",
        "| measurement | median | samples |",
        "|---|---|---|",
    ]
    for key, values in cpu.items():
        shown = ", ".join(f"{s:.2f}" for s in values)
        lines.append(
            f"| {key} | {fmt(statistics.median(values)) if values else 'skipped'} | {shown} |"
        )
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    lines += ["", f"Load average (1, 5, 15 min) when written: {load}", "", "## Goal", ""]
    for label, table in (
        ("wall", rows),
        ("CPU", {k: statistics.median(v) for k, v in cpu.items() if v}),
    ):
        cold_s, verify_s = table.get("cold run, one quarter"), table.get("verify, one quarter")
        if cold_s and verify_s:
            ratio = verify_s / cold_s
            lines.append(
                f"- verify / cold run, {label} time = {ratio:.2f} "
                f"(goal <= 2: {'met' if ratio <= 2 else 'NOT met'})"
            )
        else:
            lines.append(f"- verify / cold run, {label} time: skipped")
    if notes:
        lines += ["", "## Skipped", "", *notes]
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--quarter", default="2019-20-Q1")
    parser.add_argument("--data-dir", type=Path, default=ROOT / "data")
    parser.add_argument("--skip-all", action="store_true", help="skip --all vs single runs")
    parser.add_argument("--out", type=Path, default=RESULTS)
    parser.add_argument(
        "--verify-only",
        action="store_true",
        help="cold run and verify only; writes --verify-out instead of --out",
    )
    parser.add_argument("--verify-out", type=Path, default=VERIFY_RESULTS)
    args = parser.parse_args()
    data_dir = args.data_dir.resolve()
    work = Path(tempfile.mkdtemp(prefix="pp-bench-"))
    import json

    (work / "floor.ipynb").write_text(json.dumps(FLOOR_NOTEBOOK), encoding="utf-8")
    notes: list[str] = []
    rows: dict[str, float | None] = {}
    samples: dict[str, list[float]] = {}

    cpu: dict[str, list[float]] = {}

    def measure(key: str, action, repeat: int | None = None) -> None:
        print(f"measuring {key} ...", flush=True)
        try:
            first = len(CPU_SECONDS)
            rows[key], samples[key] = median_of(repeat or args.repeat, action)
            cpu[key] = CPU_SECONDS[first:]
        except Exception as exc:  # a missing piece: note it and go on
            rows[key] = None
            notes.append(f"- {key}: skipped ({str(exc).strip().splitlines()[0][:200]})")

    if not args.verify_only:
        floor_api(work)  # warm the disk cache once, untimed
        measure("floor (papermill API, one notebook)", lambda: floor_api(work))
        measure("floor (papermill CLI, one notebook)", lambda: floor_cli(work))
    measure("cold run, one quarter", lambda: cold(data_dir, args.quarter, work))
    if not args.verify_only:
        measure(
            "naive loop (papermill CLI per notebook + render)",
            lambda: naive(data_dir, args.quarter, work),
        )
    published = Path(tempfile.mkdtemp(dir=work, prefix="rerun-"))
    try:
        timed(run_cmd(data_dir, published, args.quarter))
        if not args.verify_only:
            measure("unchanged rerun", lambda: rerun(data_dir, args.quarter, published))
        measure("verify, one quarter", lambda: verify(data_dir, args.quarter, published))
    except Exception as exc:
        rows["unchanged rerun"] = None
        notes.append(f"- unchanged rerun: skipped ({str(exc).strip().splitlines()[0][:200]})")
    count = 0
    if args.verify_only:
        shutil.rmtree(work, ignore_errors=True)
        write_verify_results(rows, samples, cpu, args.repeat, notes, args.verify_out)
        return
    if not args.skip_all:
        try:
            print("measuring --all and single runs ...", flush=True)
            together, singles, count = all_vs_singles(data_dir, work)
            rows["--all"], rows["sum of single cold runs"] = together, singles
        except Exception as exc:
            rows["--all"] = rows["sum of single cold runs"] = None
            notes.append(f"- --all: skipped ({str(exc).strip().splitlines()[0][:200]})")
    shutil.rmtree(work, ignore_errors=True)

    floor = rows.get("floor (papermill API, one notebook)")
    cold_s = rows.get("cold run, one quarter")
    naive_s = rows.get("naive loop (papermill CLI per notebook + render)")
    rerun_s = rows.get("unchanged rerun")
    verify_s = rows.get("verify, one quarter")
    all_s, singles_s = rows.get("--all"), rows.get("sum of single cold runs")

    def goal(label: str, value: float | None, limit: float | None, factor: float, of: str) -> str:
        if value is None or limit is None:
            return f"| {label} | <= {factor} x {of} | skipped | |"
        ratio = value / limit
        return (
            f"| {label} | <= {factor} x {of} | {ratio:.2f} x | "
            f"{'met' if ratio <= factor else 'NOT met'} |"
        )

    lines = [
        "# `panelpaper run` benchmark",
        "",
        "Written by `benchmarks/bench_run.py`; medians of "
        f"{args.repeat} runs (the --all comparison once), each a fresh process.",
        "",
        *machine_and_times(rows, samples),
    ]
    lines += [
        "",
        "## Goals",
        "",
        "| goal | limit | measured | |",
        "|---|---|---|---|",
        goal("cold run vs floor", cold_s, floor, 3, "floor"),
        goal("cold run vs naive loop", cold_s, naive_s, 0.5, "naive loop"),
        goal("unchanged rerun vs floor", rerun_s, floor, 0.5, "floor"),
        goal("verify vs cold run", verify_s, cold_s, 2, "cold run"),
        goal(f"--all ({count} quarters) vs single runs", all_s, singles_s, 0.6, "sum of singles"),
        "",
        "The floor used for the goals is the papermill API time (kernel start, imports, "
        "execution), the stricter of the two floors.",
    ]
    if notes:
        lines += ["", "## Skipped", "", *notes]
    args.out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
