"""The Makefile: every target `make help` lists has a rule that does what it says, passes the
quarter and folders on, and fails when its command fails.

Most tests read the commands with `make -n` (nothing runs); a few run a target for real to see
its exit status, among them `make verify` against a tampered copy of the published record.
Make runs in the repository with `-o .venv/.installed-stamp`, so a test never rebuilds the
environment even where pyproject.toml is newer than the last install.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

from analysis.cli import app

ROOT = Path(__file__).resolve().parents[1]
VENV_BIN = ROOT / ".venv" / "bin"
STAMP = ".venv/.installed-stamp"
RECORD = "2019-20-Q1"

pytestmark = [
    pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed"),
    pytest.mark.skipif(
        not (VENV_BIN / "panelpaper").exists(),
        reason="the repository's .venv (make venv) is needed: the targets run its panelpaper",
    ),
]

# What a caller's own make or shell could pass into these runs and so change what they test.
_MAKE_VARIABLES = (
    "MAKEFLAGS",
    "MAKELEVEL",
    "MFLAGS",
    "QUARTER",
    "ALL",
    "DATA_DIR",
    "REPORTS_DIR",
    "FOLLOWUP_DIR",
    "RETURNS",
    "ARGS",
    "LAB_ARGS",
)


def make(*args: str, dry: bool = False, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    """`make [-n] -o STAMP args...` in the repository, with output captured."""
    env = {k: v for k, v in os.environ.items() if k not in _MAKE_VARIABLES}
    command = ["make", "--no-print-directory", "-C", str(ROOT), "-o", STAMP]
    command += ["-n"] if dry else []
    return subprocess.run(
        [*command, *args], capture_output=True, text=True, env=env, timeout=timeout, check=False
    )


def commands(*args: str) -> str:
    """The commands a target would run, as `make -n` prints them."""
    result = make(*args, dry=True)
    assert result.returncode == 0, result.stderr
    return result.stdout


def help_rows() -> list[tuple[str, str]]:
    """(target, description) for each row `make help` prints."""
    result = make("help")
    assert result.returncode == 0, result.stderr
    rows = [line for line in result.stdout.splitlines() if line.startswith("  ")]
    return [(line.split()[0], line.split(maxsplit=1)[1]) for line in rows]


def cli_commands() -> list[str]:
    """Every command of the panelpaper CLI, by the name a user types."""
    return [c.name or c.callback.__name__.replace("_", "-") for c in app.registered_commands]


# --- make help -------------------------------------------------------------------------------
def test_help_lists_a_target_for_every_cli_command() -> None:
    targets = [target for target, _ in help_rows()]
    assert len(targets) == len(set(targets))
    missing = [command for command in cli_commands() if command not in targets]
    assert missing == [], f"CLI commands without a make target in `make help`: {missing}"
    for command in ("new", "check", "figures", "followup", "returns", "run", "verify", "lab"):
        assert command in targets


def test_help_columns_are_aligned_to_the_longest_name_never_cut() -> None:
    result = make("help")
    rows = [line for line in result.stdout.splitlines() if line.startswith("  ")]
    names = [line.split()[0] for line in rows]
    width = max(map(len, names))
    assert "\033" not in result.stdout  # plain text, so the columns line up anywhere
    for line, name in zip(rows, names, strict=True):
        # two spaces, the name padded to the longest, two spaces, the description
        assert line[2 : 2 + width].rstrip() == name, line
        assert line[2 + width : 4 + width] == "  " and line[4 + width] != " ", line
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    declared = re.findall(r"^([a-zA-Z_-]+):.*## ", makefile, flags=re.MULTILINE)
    assert names == declared  # every documented target, in the Makefile's order, none cut


def test_every_listed_target_has_a_rule() -> None:
    """A .PHONY target without a rule prints "Nothing to be done" and exits 0 whatever it was
    asked: every listed target must have commands of its own."""
    needs = {"new": ["QUARTER=2020-21-Q2"], "followup": ["QUARTER=2019-20-Q1"]}
    needs["returns"] = ["QUARTER=2019-20-Q1", "RETURNS=returned"]
    for target, _ in help_rows():
        result = make(target, *needs.get(target, []), dry=True)
        assert result.returncode == 0, (target, result.stderr)
        assert "Nothing to be done" not in result.stdout + result.stderr, target
        assert result.stdout.strip(), target


# --- what each CLI target runs ---------------------------------------------------------------
PANELPAPER = ".venv/bin/panelpaper"


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["check"], 'check --all --data-dir "data"'),
        (["check", "QUARTER=Q1 19/20"], 'check "Q1 19/20" --data-dir "data"'),
        (["check", "QUARTER=2019-20-Q1", "DATA_DIR=/x/d"], 'check "2019-20-Q1" --data-dir "/x/d"'),
        (["figures"], 'figures --data-dir "data"'),
        (["figures", "QUARTER=2019-20-Q1", "DATA_DIR=d"], 'figures "2019-20-Q1" --data-dir "d"'),
        (["run"], 'run --data-dir "data" --reports-dir "reports"'),
        (["run", "ALL=1"], 'run --all --data-dir "data" --reports-dir "reports"'),
        (
            ["run", "QUARTER=2019-20-Q1", "DATA_DIR=d", "REPORTS_DIR=r", "ARGS=--force"],
            'run "2019-20-Q1" --data-dir "d" --reports-dir "r" --force',
        ),
        (["report", "QUARTER=2019-20-Q1"], 'run "2019-20-Q1" --data-dir "data" --reports-dir'),
        (["verify"], 'verify --data-dir "data" --reports-dir "reports"'),
        (["verify", "ALL=1"], 'verify --all --data-dir "data" --reports-dir "reports"'),
        (
            ["verify", "QUARTER=2019-20-Q1", "DATA_DIR=d", "REPORTS_DIR=r"],
            'verify "2019-20-Q1" --data-dir "d" --reports-dir "r"',
        ),
        (["new", "QUARTER=2020-21-Q2"], 'new "2020-21-Q2" --data-dir "data"'),
        (
            ["new", "QUARTER=2021-22-Q3", "ARGS=--allow-gap"],
            'new "2021-22-Q3" --data-dir "data" --allow-gap',
        ),
        (
            ["followup", "QUARTER=2019-20-Q1", "FOLLOWUP_DIR=f"],
            'followup "2019-20-Q1" --data-dir "data" --followup-dir "f"',
        ),
        (
            ["returns", "QUARTER=2019-20-Q1", "RETURNS=back/", "DATA_DIR=d"],
            'returns "2019-20-Q1" "back/" --data-dir "d"',
        ),
    ],
)
def test_a_cli_target_passes_the_quarter_and_folders_on(args: list[str], expected: str) -> None:
    [line] = [ln for ln in commands(*args).splitlines() if PANELPAPER in ln]
    line = re.sub(" +", " ", line)  # an option left out leaves two spaces, which the shell drops
    assert f"{PANELPAPER} {expected}" in line
    assert "PYTHONPYCACHEPREFIX=" in line  # bytecode kept in the venv, as every target does


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["new"], "make new needs QUARTER=, e.g. make new QUARTER=2020-21-Q2"),
        (["followup"], "make followup needs QUARTER="),
        (["returns", "QUARTER=2019-20-Q1"], "make returns needs RETURNS="),
    ],
)
def test_a_target_missing_its_quarter_or_folder_says_so_and_fails(
    args: list[str], message: str
) -> None:
    result = make(*args)
    assert result.returncode != 0
    assert message in result.stderr


def test_lab_passes_allow_root_as_root_and_lab_args() -> None:
    line = commands("lab", "LAB_ARGS=--port 8890 --no-browser").strip()
    root = " --allow-root" if os.geteuid() == 0 else ""
    hide = "--ContentsManager.hide_globs="
    assert f".venv/bin/jupyter lab notebooks/{root} {hide}" in line
    assert line.endswith("'*.py']\" --port 8890 --no-browser")
    assert commands("lab").strip().endswith("'*.py']\"")


# --- real runs: the exit status is the command's ---------------------------------------------
@pytest.mark.parametrize(
    "args",
    [
        ["check"],
        ["check", "QUARTER=2019-20-Q1"],
        ["figures"],
        ["run", "QUARTER=2019-20-Q1"],
        ["verify", "QUARTER=2019-20-Q1"],
        ["new", "QUARTER=2020-21-Q2"],
        ["followup", "QUARTER=2019-20-Q1"],
        ["returns", "QUARTER=2019-20-Q1", "RETURNS=."],
    ],
)
def test_a_cli_target_fails_when_its_command_fails(tmp_path: Path, args: list[str]) -> None:
    missing = tmp_path / "no-such-data"
    result = make(*args, f"DATA_DIR={missing}", f"REPORTS_DIR={tmp_path / 'reports'}")
    assert result.returncode != 0
    assert f"--data-dir {missing}: no such folder" in result.stderr
    assert not (tmp_path / "reports").exists()


def test_make_new_starts_a_quarter_and_refuses_a_gap(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data" / "snapshots" / RECORD, data / "snapshots" / RECORD)
    gap = make("new", "QUARTER=2020-21-Q1", f"DATA_DIR={data}")
    assert gap.returncode != 0
    assert "would skip 2019-20-Q2, 2019-20-Q3, 2019-20-Q4 (3 quarters)" in gap.stderr
    started = make("new", "QUARTER=2019-20-Q2", f"DATA_DIR={data}")
    assert started.returncode == 0, started.stderr
    assert (data / "snapshots" / "2019-20-Q2" / "snapshot.yml").is_file()


@pytest.fixture(scope="module")
def record_copy(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A copy of the data and of the published record, outside the repository."""
    root = tmp_path_factory.mktemp("make-verify")
    shutil.copytree(ROOT / "data", root / "data")
    shutil.copytree(ROOT / "reports" / RECORD, root / "reports" / RECORD)
    return root / "data", root / "reports"


def verify(data: Path, reports: Path) -> subprocess.CompletedProcess[str]:
    # --no-notebooks: hashes and figures.json only, no kernel; the rerun is verify's own test.
    return make(
        "verify",
        f"QUARTER={RECORD}",
        f"DATA_DIR={data}",
        f"REPORTS_DIR={reports}",
        "ARGS=--no-notebooks",
    )


def test_make_verify_verifies_the_record(record_copy: tuple[Path, Path]) -> None:
    result = verify(*record_copy)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith(f"{RECORD}  VERIFIED  (data inputs ")


def test_make_verify_fails_on_a_tampered_paper(record_copy: tuple[Path, Path]) -> None:
    data, reports = record_copy
    tampered = shutil.copytree(reports, reports.parent / "tampered")
    with (tampered / RECORD / "paper.html").open("a", encoding="utf-8") as html:
        html.write("<!-- edited after publication -->\n")
    result = verify(data, tampered)
    assert result.returncode != 0
    assert result.stdout.startswith(f"{RECORD}  DIFFERS")
    assert "output changed: paper.html" in result.stdout
    assert "Error" in result.stderr  # make's own line: the target failed


# --- make lab, for real ----------------------------------------------------------------------
def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.slow
def test_make_lab_starts_jupyterlab_with_lab_args(tmp_path: Path) -> None:
    """As root too (this machine's CI runs as root): JupyterLab answers on the port given."""
    port = _free_port()
    args = f"--no-browser --port {port} --ip 127.0.0.1 --ServerApp.token="
    env = {k: v for k, v in os.environ.items() if k not in _MAKE_VARIABLES}
    env["JUPYTER_RUNTIME_DIR"] = str(tmp_path / "runtime")
    log = (tmp_path / "lab.log").open("w")
    lab = subprocess.Popen(
        ["make", "--no-print-directory", "-C", str(ROOT), "-o", STAMP, "lab", f"LAB_ARGS={args}"],
        stdout=log,
        stderr=subprocess.STDOUT,
        env=env,
        start_new_session=True,
    )
    try:
        status, deadline = None, time.monotonic() + 120
        while status is None and time.monotonic() < deadline and lab.poll() is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/status", timeout=2) as r:
                    status = r.status
            except OSError:
                time.sleep(0.5)
        text = (tmp_path / "lab.log").read_text()
        assert status == 200, text
        assert "Running as root is not recommended" not in text
        # Lab lists the notebooks, not their jupytext twins.
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/contents", timeout=10) as r:
            listed = {item["name"] for item in json.load(r)["content"]}
        assert "explore.ipynb" in listed
        assert not any(name.endswith(".py") for name in listed), sorted(listed)
    finally:
        if lab.poll() is None:
            os.killpg(lab.pid, 15)
        lab.wait(timeout=30)
        log.close()


def test_every_make_target_the_docs_name_is_listed_by_help() -> None:
    """README.md and docs/running.md name targets (`make verify QUARTER=...`): each must be one
    `make help` lists, so the docs cannot send a user to a target that does nothing."""
    targets = {target for target, _ in help_rows()}
    for doc in (ROOT / "README.md", ROOT / "docs" / "running.md"):
        named = set(re.findall(r"`make ([a-z][a-z-]*)", doc.read_text(encoding="utf-8")))
        assert named, doc
        assert named <= targets, (doc.name, sorted(named - targets))
