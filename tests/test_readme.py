"""The README's commands work as shown: each `$ ` line is run in a temporary copy of the project
and its output compared with the output the README prints below it.

Only what is deterministic is compared (the first lines of check, figures and verify; for run,
the notebook lines' states and the paper's paths). The bad-data example is rebuilt exactly as
the README describes it: a US-order date on row 5, a misspelt type on row 7, a duplicate id on
row 10 of the seed quarter's recommendations.csv.
"""

from __future__ import annotations

import csv
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
BIN = Path(sys.executable).parent


def readme_examples() -> list[tuple[str, list[str]]]:
    """(command, the output lines shown under it) for each `$ ` line in a console block."""
    examples = []
    lines = README.read_text(encoding="utf-8").splitlines()
    for i, line in enumerate(lines):
        stripped = line.strip()
        if not stripped.startswith("$ "):
            continue
        shown = []
        for following in lines[i + 1 :]:
            if following.strip().startswith("```"):
                break
            shown.append(following.strip())
        examples.append((stripped[2:], shown))
    return examples


EXAMPLES = readme_examples()


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the project as a new user has it (data and the published record), with the
    bad-data example the README refers to."""
    root = tmp_path_factory.mktemp("readme")
    shutil.copytree(ROOT / "data", root / "data")
    # Only the committed record: quarters a developer published locally (`make report`) are
    # not in a new user's clone, and would make the README's run example a refusal.
    record = "2019-20-Q1"
    shutil.copytree(ROOT / "reports" / record, root / "reports" / record)
    (root / ".venv").symlink_to(BIN.parent, target_is_directory=True)
    bad = root / "bad"
    shutil.copytree(ROOT / "data" / "snapshots" / "2019-20-Q1", bad / "snapshots" / "2019-20-Q1")
    path = bad / "snapshots" / "2019-20-Q1" / "recommendations.csv"
    rows = list(csv.reader(path.open(encoding="utf-8")))
    rows[4][5] = "06/30/2019"  # row 5: published, US order
    rows[6][4] = "Recomendation"  # row 7: type misspelt
    rows[9][0] = rows[8][0]  # row 10: the id of row 9 again
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    return root


def run(
    command: str, cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    command = command.replace("/tmp/bad", str(cwd / "bad"))
    return subprocess.run(
        command, shell=True, cwd=cwd, env=env, capture_output=True, text=True, timeout=900
    )


def without_quarto() -> dict[str, str]:
    """This environment with every PATH folder holding a ``quarto`` command left out: the
    machine the README's examples were printed on, which renders with the fallback."""
    folders = os.environ["PATH"].split(os.pathsep)
    kept = [f for f in folders if not (f and os.access(os.path.join(f, "quarto"), os.X_OK))]
    return {**os.environ, "PATH": os.pathsep.join(kept)}


def example(prefix: str) -> tuple[str, list[str]]:
    found = [(c, shown) for c, shown in EXAMPLES if c.startswith(prefix)]
    assert found, f"the README no longer shows `{prefix}`"
    return found[0]


def test_the_readme_opens_with_the_two_commands() -> None:
    text = README.read_text(encoding="utf-8")
    first_block = text.split("```console", 1)[1].split("```", 1)[0]
    assert first_block.split()[:2] == ["make", "report"]
    assert "make test" in first_block


def test_check_prints_what_the_readme_shows(project: Path) -> None:
    command, shown = example(".venv/bin/panelpaper check 2019-20-Q1")
    assert "--data-dir" not in command
    result = run(command, project)
    assert result.returncode == 0, result.stderr
    assert [line.strip() for line in result.stdout.splitlines()] == shown


def test_check_on_bad_data_names_file_row_and_column_as_shown(project: Path) -> None:
    command, shown = example(".venv/bin/panelpaper check 2019-20-Q1 --data-dir /tmp/bad")
    result = run(command, project)
    assert result.returncode == 2
    printed = [line.strip() for line in result.stdout.splitlines()]
    errors = [line for line in shown if line.startswith("ERROR")]
    assert len(errors) == 3
    for line in [shown[0], *errors, shown[-1]]:
        assert line in printed


def test_figures_prints_the_json_the_readme_starts(project: Path) -> None:
    command, shown = example(".venv/bin/panelpaper figures 2019-20-Q1")
    result = run(command, project)
    assert result.returncode == 0, result.stderr
    printed = [line.strip() for line in result.stdout.splitlines()]
    expected = [line for line in shown if line != "..."]
    assert printed[: len(expected)] == expected


def test_followup_prints_the_lists_the_readme_shows(project: Path) -> None:
    command, shown = example(".venv/bin/panelpaper followup 2019-20-Q1")
    result = run(command, project)
    assert result.returncode == 0, result.stderr
    assert [line.strip() for line in result.stdout.splitlines()] == shown
    assert all((project / line.split()[-1]).is_file() for line in shown[1:])


@pytest.mark.slow
def test_run_publishes_and_prints_what_the_readme_shows(project: Path) -> None:
    """The quarter in the README's example is not published in a fresh copy: the run executes
    every notebook, renders, publishes and ends with the paper's three paths.  Run as the
    README shows it, by the fallback renderer (Quarto's run is published_seed's)."""
    command, shown = example(".venv/bin/panelpaper run ")
    result = run(command, project, env=without_quarto())
    assert result.returncode == 0, result.stdout + result.stderr
    printed = [line.strip() for line in result.stdout.splitlines()]
    states = [line.split()[:2] for line in shown if line.endswith(" s") and ".ipynb" in line]
    assert sorted(states) == sorted(
        line.split()[:2] for line in printed if line.endswith(" s") and ".ipynb" in line
    )
    render = [line.split()[:3] for line in shown if line.startswith("render ")]
    assert render == [line.split()[:3] for line in printed if line.startswith("render ")]
    paths = [line for line in shown if line.startswith("reports/")]
    assert len(paths) == 3
    assert printed[-3:] == [str(project / path) for path in paths]
    assert all((project / path).is_file() for path in paths)


@pytest.mark.slow
def test_verify_prints_the_verdict_the_readme_shows(project: Path) -> None:
    command, shown = example(".venv/bin/panelpaper verify 2019-20-Q1")
    result = run(command + " --no-notebooks", project)  # nbval reruns are tested elsewhere
    assert result.returncode == 0, result.stdout + result.stderr
    verdict = re.sub(r"\s+[\d.]+ s$", "", shown[0])
    assert result.stdout.startswith(verdict.split("notebooks")[0])
    assert "figures.json identical" in result.stdout


def test_make_help_lists_the_targets_the_readme_names() -> None:
    result = subprocess.run(["make", "help"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0
    listed = re.sub(r"\x1b\[[0-9;]*m", "", result.stdout)
    for target in ("report", "test", "lab", "notebooks", "lint", "sample-data"):
        assert re.search(rf"^\s+{target}\s", listed, flags=re.M), target


# --- figures in the docs: counts from the record, timings from the benchmarks -----------------
DOCS = [README, *sorted((ROOT / "docs").glob("*.md"))]
RECORD = ROOT / "reports" / "2019-20-Q1"
COUNT = re.compile(r"\b(data inputs|inputs|outputs|notebooks) (\d+)/(\d+)\b")
VERDICT = re.compile(
    r"(?P<quarter>\d{4}-\d{2}-Q[1-4])  (?P<verdict>VERIFIED|DIFFERS)  \((?P<tally>[^)]*)\)"
    r"  (?P<time>\S+) s"
)
TIMED_STEP = re.compile(r"^\s*(kernel \d+ \(warm-up\)|\S+\.ipynb|render \(\w+\))\s+\w+\s+(\S+) s")
PUBLISHED_IN = re.compile(r"published to \S+ in (\S+) s")
IN_ALL = re.compile(r"quarter\(s\): .* (\S+) s in all")
ELIDED = "…"


def doc_lines() -> list[tuple[str, int, str]]:
    """(file, line number, text) of every line of the README and docs/."""
    return [
        (path.relative_to(ROOT).as_posix(), number, line)
        for path in DOCS
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
    ]


def record_counts() -> dict[str, int]:
    """What `verify` of the committed record compares: its data inputs (snapshots and
    settings), its published files and its notebooks, as its manifest lists them."""
    from analysis.publishing.proof.verify import DATA_PREFIXES

    manifest = json.loads((RECORD / "manifest.json").read_text(encoding="utf-8"))
    data = [k for k in manifest["inputs"]["files"] if k.startswith(DATA_PREFIXES)]
    count = {"data inputs": len(data), "outputs": len(manifest["outputs"])}
    return {**count, "inputs": count["data inputs"], "notebooks": len(manifest["notebooks"])}


def benchmark_median(results: str, measurement: str) -> str:
    """A median as a results file of benchmarks/ writes it, to the tenth of a second a verdict
    line prints."""
    text = (ROOT / "benchmarks" / results).read_text(encoding="utf-8")
    found = re.search(rf"^\| {re.escape(measurement)} \| ([\d.]+) s \|", text, flags=re.M)
    assert found, f"benchmarks/{results} has no '{measurement}' row"
    return f"{float(found.group(1)):.1f}"


def test_every_count_the_docs_show_is_the_committed_records() -> None:
    """`inputs N/N`, `outputs N/N`, `notebooks N/N` in the README and docs/: the totals are the
    record's (issue 22: the docs said inputs 69/69 against a record of 26), and a VERIFIED
    line matched them all."""
    expected = record_counts()
    shown = 0
    for name, number, line in doc_lines():
        verified = "VERIFIED" in line
        for kind, matched, total in COUNT.findall(line):
            shown += 1
            where = f"{name}:{number}: {kind} {matched}/{total}"
            assert int(total) == expected[kind], (
                f"{where}, but verify of the committed record compares {expected[kind]}"
            )
            assert not verified or matched == total, f"{where} on a VERIFIED line"
    assert shown, "the docs no longer show verify's counts"


def test_every_timing_in_the_docs_examples_is_the_benchmarks_or_elided() -> None:
    """A verdict line shows the median `benchmarks/VERIFY_RESULTS.md` wrote for verify of one
    quarter (or `…`); the times of a run's steps, of a whole run and of `verify --all` vary
    with the machine and are shown as `…`, with the benchmark files named for measured ones."""
    verify = benchmark_median("VERIFY_RESULTS.md", "verify, one quarter")
    checked = 0
    for name, number, line in doc_lines():
        where = f"{name}:{number}: {line.strip()}"
        for found in VERDICT.finditer(line):
            checked += 1
            time = found.group("time")
            assert time in (verify, ELIDED), (
                f"{where}: a verdict's time is benchmarks/VERIFY_RESULTS.md's median "
                f"({verify} s) or {ELIDED}"
            )
        for pattern in (TIMED_STEP, PUBLISHED_IN, IN_ALL):
            for time in pattern.findall(line):
                time = time[-1] if isinstance(time, tuple) else time
                checked += 1
                assert time == ELIDED, f"{where}: a run's times vary; show {ELIDED}"
    assert checked, "the docs no longer show any timed example"


def test_the_readme_points_to_the_benchmark_results_for_times() -> None:
    text = README.read_text(encoding="utf-8")
    for results in ("benchmarks/RESULTS.md", "benchmarks/VERIFY_RESULTS.md"):
        assert results in text
        assert (ROOT / results).is_file()


# --- the conda environment reproduces the record's versions -------------------------------------
def test_the_conda_environment_installs_the_lock_and_the_records_quarto() -> None:
    """environment.yml is "the same environment as `make venv`": pip installs the project with
    requirements.lock as constraints, and Quarto is pinned to the version that rendered the
    committed record (issue 22 item 7)."""
    import yaml

    environment = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    manifest = json.loads((RECORD / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["renderer"]["name"] == "quarto"
    quarto = manifest["renderer"]["versions"]["quarto"]
    conda = [d for d in environment["dependencies"] if isinstance(d, str)]
    assert f"quarto={quarto}" in conda, f"environment.yml must pin quarto={quarto}"
    assert not [d for d in conda if d.startswith("quarto") and d != f"quarto={quarto}"]
    pip = next(d["pip"] for d in environment["dependencies"] if isinstance(d, dict))
    assert "-c requirements.lock" in pip
    assert pip.index("-c requirements.lock") < next(
        i for i, line in enumerate(pip) if line.startswith("-e")
    )
    lock = (ROOT / "requirements.lock").read_text(encoding="utf-8")
    python = ".".join(manifest["environment"]["tools"]["python"].split(".")[:2])
    assert f"python={python}" in conda
    assert "CPython " + python in lock, "the lock says which Python it was made on"
