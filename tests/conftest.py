"""Shared fixtures: a builder that writes a small, valid snapshot folder a test can then spoil.

``make_snapshot(...)`` writes ``<tmp>/data/snapshots/<quarter>/`` with a few hand-chosen rows
that load with no error and no warning under the contract's default rules, and returns the
folder.  Keyword arguments replace rows, cells, columns or whole files, so a malformed-input
test states only the one thing it breaks.

The publications several tests read (``published_seed``, ``published_quarters``,
``record_paper``) are built once per test run whichever worker asks (tests/helpers/shared.py),
and under `make test` every test reading one of them, or the in-process ``verified_record``,
runs on the worker that built it: see ``SHARED_ONCE`` below.
"""

from __future__ import annotations

import copy
import csv
import datetime as dt
import os
import shutil
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from analysis.inputs import vocabulary
from analysis.inputs.vocabulary import REC_COLUMNS
from analysis.quarters import Quarter
from tests.helpers import scheduling
from tests.helpers.shared import built_once, run_folder

ACTION_COLUMNS = tuple(
    c for c in vocabulary.ACTION_COLUMNS if c not in vocabulary.ACTION_PRESENT_ONLY
)
"""The columns a test tracker has unless it asks for more: a tracker that records verification
(``verified_date``) says so by adding the column."""

# --- the outside programs some tests need ------------------------------------------------------
NEEDS_QUARTO = pytest.mark.skipif(
    shutil.which("quarto") is None,
    reason="Quarto CLI not on PATH: the Quarto render is checked only where Quarto is installed "
    "(conda env from environment.yml, quarto.org, or `make quarto-dev`)",
)
RENDERERS = ["pandoc", pytest.param("quarto", marks=[pytest.mark.quarto, NEEDS_QUARTO])]
"""Both renderers for a parametrised test: the fallback always, Quarto where it is installed."""

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
NEEDS_CHROMIUM = pytest.mark.skipif(
    CHROMIUM is None, reason="headless Chromium not installed (Debian: apt-get install chromium)"
)


def chromium_command(profile: Path, *options: str) -> list[str]:
    """Headless Chromium with a fresh profile and no network chatter (this machine's network is
    closed), logging to stderr; ``options`` say what to do with the page."""
    assert CHROMIUM is not None
    return [
        CHROMIUM,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={profile}",
        "--enable-logging=stderr",
        "--v=0",
        *options,
    ]


ROOT = Path(__file__).resolve().parents[1]


SHARED_ONCE: dict[str, str] = {
    # Session fixtures below and in the test modules: built once per run (tests/helpers/shared.py).
    "published_seed": "session",
    "published_quarters": "session",
    "verified_record": "session",
    "published_hostile": "session",
    "record_paper": "session",
    # Module fixtures that publish, render or copy the project: one worker per module.
    "rendered": "module",
    "fallback": "module",
    "project": "module",
    "two_runs": "module",
}
"""The fixtures that publish, render or rerun notebooks, by scope.  Under `make test`
(``--dist loadgroup``) every test reading one of them runs on the worker that built it (see
tests/helpers/scheduling.py); a parametrised one is keyed by its parameter as well, so the
fallback's and Quarto's builds can go to different workers."""


def shared_keys(item: pytest.Item) -> list[str]:
    """What a test shares with others: its ``xdist_group`` marks and expensive fixtures."""
    keys = [
        str(m.args[0] if m.args else m.kwargs.get("name", "default"))
        for m in item.iter_markers("xdist_group")
    ]
    params = getattr(getattr(item, "callspec", None), "params", {})
    for name in getattr(item, "fixturenames", ()):
        scope = SHARED_ONCE.get(name)
        if scope is None:
            continue
        key = name if scope == "session" else f"{item.path.name}::{name}"
        keys.append(f"{key}[{params[name]}]" if name in params else key)
    return keys


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """On an xdist worker under ``--dist loadgroup``: tell the controller what each test
    shares (last, so that every other hook's marks are counted)."""
    scheduling.write_worker_groups(config, items, shared_keys)


def pytest_configure(config: pytest.Config) -> None:
    scheduling.start(config)


def pytest_unconfigure(config: pytest.Config) -> None:
    scheduling.finish(config)


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node) -> None:  # node: xdist's WorkerController
    scheduling.configure_node(node)


@pytest.hookimpl(optionalhook=True, tryfirst=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log):
    if scheduling.active(config):
        return scheduling.make_scheduler(config, log)
    return None


@pytest.fixture(autouse=True, scope="session")
def private_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Every test, and every process a test starts, uses a snapshot cache of the test run's
    own, never the user's ~/.cache/panelpaper: a test must not read entries another run or
    checkout wrote, nor fill the user's cache.  The folder is in the run's own temporary folder
    (``run_folder``: the base temp without xdist, its parent under xdist, which only that run's
    workers share; entries are written atomically).  The parent of the base temp without xdist
    is pytest's per-user folder that every run shares, where a verdict cached by one run was
    read by the next (issue 26): tests/helpers/test_private_cache.py runs pytest twice to
    hold this."""
    folder = run_folder(tmp_path_factory) / "panelpaper-cache"
    folder.mkdir(exist_ok=True)
    saved = os.environ.get("PANELPAPER_CACHE_DIR")
    os.environ["PANELPAPER_CACHE_DIR"] = str(folder)
    yield folder
    if saved is None:
        os.environ.pop("PANELPAPER_CACHE_DIR", None)
    else:
        os.environ["PANELPAPER_CACHE_DIR"] = saved


@pytest.fixture(autouse=True)
def fast_tests_start_no_kernel_and_render_nothing(request: pytest.FixtureRequest, monkeypatch):
    """`make test-fast` runs the tests not marked ``slow`` and promises no kernel and no render:
    in this process, such a test that tries either fails at once, naming the mark it lacks."""
    if request.node.get_closest_marker("slow") is not None:
        return
    from analysis.engine import kernels
    from analysis.publishing.render import pandoc_typst, quarto
    from analysis.publishing.render import paper as render

    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("this test starts a kernel or renders: mark it @pytest.mark.slow")

    monkeypatch.setattr(kernels.KernelPool, "_start", refuse)
    # Both renderers' drawing functions too: a test module that imported ``render_paper`` by
    # name holds the real function, which still calls these.
    monkeypatch.setattr(render, "render_paper", refuse)
    monkeypatch.setattr(quarto, "render_with_quarto", refuse)
    monkeypatch.setattr(pandoc_typst, "render_with_pandoc", refuse)


@pytest.fixture
def own_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty disk cache for this test alone, switched on: a hit can only come from an entry
    the test itself wrote."""
    from analysis.engine import cache

    folder = tmp_path / "cache"
    monkeypatch.setenv(cache.ENV_DIR, str(folder))
    monkeypatch.delenv(cache.ENV_OFF, raising=False)
    return folder


MUTATED_MODULES = (
    "analysis.figures.actions",
    "analysis.figures.attention",
    "analysis.figures.delays",
    "analysis.figures.phrase_rules",
    "analysis.inputs.declared",
    "analysis.inputs.monitoring",
    "analysis.inputs.settings",
)
"""The modules ``make mutation`` mutates (``only_mutate`` in pyproject.toml)."""


@pytest.fixture(autouse=True)
def rules_computed_afresh_under_mutation() -> None:
    """Under mutmut (which sets ``MUTANT_UNDER_TEST``) each test starts with the mutated
    modules' per-process caches empty.  mutmut runs every mutant in a process forked after the
    tests ran once, so a schema loaded, a validator built or a phrase compiled (``@cache``) would
    come from before the mutant was switched on, and a mutant in the code that builds it could
    never be seen; and mutmut picks the tests to run for a mutant by the calls it saw, which a
    cache hides from every test but the first.  Outside mutmut this does nothing."""
    if "MUTANT_UNDER_TEST" not in os.environ:
        return
    for name in MUTATED_MODULES:
        module = sys.modules.get(name)
        for value in vars(module).values() if module is not None else ():
            if callable(getattr(value, "cache_clear", None)):
                value.cache_clear()


@pytest.fixture
def reports(tmp_path: Path) -> Path:
    """An empty reports folder for a run to publish into."""
    folder = tmp_path / "reports"
    folder.mkdir()
    return folder


Row = Mapping[str, Any] | None
"""A data row by column name; None writes a wholly blank row."""


D = dt.date

# Report quarter 2019-20-Q1, as_of 30 June 2019.  Under the default threshold (High always,
# Medium in Limited/No audits) A1 is the only overdue monitored action and it has a reason,
# A2 is overdue but Medium in an Adequate audit (not monitored), A3 is not yet due, A4 and A5
# are done with completion dates before as_of: so the snapshot has no warning.
RECOMMENDATIONS: list[dict[str, Any]] = [
    {
        "rec_id": "R1",
        "inspection": "Vulnerability inspection 2018",
        "theme": "Vulnerability",
        "programme": None,
        "type": "Recommendation",
        "published": D(2018, 3, 1),
        "status": "Being progressed",
        "status_date": D(2019, 5, 1),
        "lead": "DCS Example",
        "marking": "OFFICIAL",
    },
    {
        "rec_id": "R2",
        "inspection": "PEEL 2018/19",
        "theme": "PEEL",
        "programme": None,
        "type": "Area for improvement",
        "published": D(2018, 11, 15),
        "status": "Awaiting review",
        "status_date": None,
        "lead": None,
        "marking": None,
    },
    {
        "rec_id": "R3",
        "inspection": "Stop and search review",
        "theme": "Stop & Search",
        "programme": "NCPI",
        "type": "Recommendation",
        "published": D(2017, 6, 20),
        "status": "Complete",
        "status_date": D(2019, 4, 10),
        "lead": "Supt Example",
        "marking": "OFFICIAL",
    },
    {
        "rec_id": "R4",
        "inspection": "Fraud inspection",
        "theme": "Fraud",
        "programme": None,
        "type": "Cause of concern",
        "published": D(2019, 1, 9),
        "status": "No further action needed",
        "status_date": D(2019, 6, 30),
        "lead": None,
        "marking": "OFFICIAL-SENSITIVE",
    },
]

ACTIONS: list[dict[str, Any]] = [
    {
        "action_id": "A1",
        "audit_title": "Custody audit",
        "audit_year": "2018/19",
        "assurance": "Limited",
        "risk": "High",
        "business_group": "Frontline Policing",
        "business_area": "Custody",
        "owner": "Ch Supt Example",
        "due_date": D(2019, 3, 31),
        "revised_due_date": D(2019, 9, 30),
        "status": "Open",
        "completed_date": None,
        "delay_reason": "Waiting for the new IT system",
        "delay_category": None,
        "marking": "OFFICIAL",
    },
    {
        "action_id": "A2",
        "audit_title": "Overtime audit",
        "audit_year": "2017/18",
        "assurance": "Adequate",
        "risk": "Medium",
        "business_group": "Met HQ",
        "business_area": None,
        "owner": None,
        "due_date": D(2019, 1, 31),
        "revised_due_date": None,
        "status": "Open",
        "completed_date": None,
        "delay_reason": None,
        "delay_category": None,
        "marking": None,
    },
    {
        "action_id": "A3",
        "audit_title": "Firearms licensing audit",
        "audit_year": "2018/19",
        "assurance": "Substantial",
        "risk": "High",
        "business_group": "Specialist Operations",
        "business_area": None,
        "owner": None,
        "due_date": D(2019, 9, 30),
        "revised_due_date": None,
        "status": "In progress",
        "completed_date": None,
        "delay_reason": None,
        "delay_category": None,
        "marking": "OFFICIAL",
    },
    {
        "action_id": "A4",
        "audit_title": "Property store audit",
        "audit_year": "2016/17",
        "assurance": "No",
        "risk": "Medium",
        "business_group": "Met Operations",
        "business_area": None,
        "owner": None,
        "due_date": D(2018, 12, 31),
        "revised_due_date": None,
        "status": "Implemented",
        "completed_date": D(2019, 2, 1),
        "delay_reason": None,
        "delay_category": None,
        "marking": "OFFICIAL",
    },
    {
        "action_id": "A5",
        "audit_title": "Informant handling audit",
        "audit_year": "2018/19",
        "assurance": "Limited",
        "risk": "Low",
        "business_group": "Professionalism",
        "business_area": None,
        "owner": "DI Example",
        "due_date": D(2019, 5, 1),
        "revised_due_date": None,
        "status": "Closed",
        "completed_date": D(2019, 4, 20),
        "delay_reason": None,
        "delay_category": None,
        "marking": "OFFICIAL-SENSITIVE",
    },
]

META: dict[str, Any] = {
    "as_of": "2019-06-30",
    "panel_date": "2019-07-18",
    "authors": ["A. Analyst", "B. Analyst"],
    "contact": "audit.panel@example.police.uk",
}

NARRATIVE = """\
Prepared for the panel.

## Inspection activity

Two inspections reported this quarter.

## Commentary

Progress continued on the open recommendations.
"""


def _text(value: Any) -> str:
    """A cell as a CSV export would show it: dates in ISO form, blanks empty."""
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def write_csv(
    path: Path,
    columns: Sequence[str],
    rows: Sequence[Row],
    bom: bool = False,
    headers: Mapping[str, str] | None = None,
) -> None:
    """``columns`` are the keys looked up in each row; ``headers`` how some are written."""
    headers = headers or {}
    with path.open("w", encoding="utf-8-sig" if bom else "utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow([headers.get(c, c) for c in columns])
        for row in rows:
            writer.writerow(["" if row is None else _text(row.get(c)) for c in columns])


def write_xlsx(
    path: Path,
    columns: Sequence[str],
    rows: Sequence[Row],
    sheet: str = "Actions",
    headers: Mapping[str, str] | None = None,
) -> None:
    """A workbook whose dates are real Excel date cells (shown day first, as UK Excel does)."""
    import xlsxwriter

    book = xlsxwriter.Workbook(str(path))
    cells = book.add_worksheet(sheet)
    date_format = book.add_format({"num_format": "dd/mm/yyyy"})
    cells.write_row(0, 0, [(headers or {}).get(c, c) for c in columns])
    for r, row in enumerate(rows, start=1):
        if row is None:
            continue
        for c, name in enumerate(columns):
            value = row.get(name)
            if value is None:
                continue
            if isinstance(value, dt.datetime):
                cells.write_datetime(r, c, value, date_format)
            elif isinstance(value, dt.date):
                cells.write_datetime(r, c, dt.datetime.combine(value, dt.time()), date_format)
            elif isinstance(value, bool):
                cells.write_boolean(r, c, value)
            elif isinstance(value, int | float):
                cells.write_number(r, c, value)
            else:
                cells.write_string(r, c, str(value))
    book.close()


def _apply(
    base: list[dict[str, Any]],
    rows: Sequence[Row] | None,
    cells: Mapping[tuple[str, str], Any] | None,
    id_column: str,
) -> list[Row]:
    out: list[Row] = copy.deepcopy(base) if rows is None else list(rows)
    for (row_id, column), value in (cells or {}).items():
        matches = [r for r in out if r is not None and r.get(id_column) == row_id]
        assert matches, f"no row {row_id!r} to change"
        matches[0][column] = value
    return out


def build_snapshot(
    data_dir: Path,
    quarter: str = "2019-20-Q1",
    *,
    meta: Mapping[str, Any] | str | None = None,
    recommendations: Sequence[Row] | None = None,
    actions: Sequence[Row] | None = None,
    rec_cells: Mapping[tuple[str, str], Any] | None = None,
    action_cells: Mapping[tuple[str, str], Any] | None = None,
    rec_columns: Sequence[str] = REC_COLUMNS,
    action_columns: Sequence[str] = ACTION_COLUMNS,
    actions_format: str = "xlsx",
    sheet: str = "Actions",
    headers: Mapping[str, str] | None = None,
    narrative: str | None = NARRATIVE,
    omit: Sequence[str] = (),
) -> Path:
    """Write one snapshot folder and return it.

    ``rec_cells`` / ``action_cells`` change single cells, keyed by (id, column).
    ``rec_columns`` / ``action_columns`` list the columns written (drop or add columns; a
    column no row has is written blank); ``headers`` maps a column to the header text written
    for it in both files (odd case, spaces).
    ``meta`` is written as YAML, or as raw text when a string.  ``omit`` names files not to
    write; ``narrative=None`` leaves narrative.md out.
    """
    folder = Path(data_dir) / "snapshots" / quarter
    folder.mkdir(parents=True, exist_ok=True)
    if "snapshot.yml" not in omit:
        text = (
            meta
            if isinstance(meta, str)
            else yaml.safe_dump(dict(META if meta is None else meta), sort_keys=False)
        )
        (folder / "snapshot.yml").write_text(text, encoding="utf-8")
    if "recommendations.csv" not in omit:
        rows = _apply(RECOMMENDATIONS, recommendations, rec_cells, "rec_id")
        write_csv(folder / "recommendations.csv", rec_columns, rows, headers=headers)
    if "audit_actions" not in omit:
        rows = _apply(ACTIONS, actions, action_cells, "action_id")
        if actions_format in ("xlsx", "both"):
            write_xlsx(folder / "audit_actions.xlsx", action_columns, rows, sheet, headers)
        if actions_format in ("csv", "both"):
            write_csv(folder / "audit_actions.csv", action_columns, rows, headers=headers)
    if narrative is not None and "narrative.md" not in omit:
        (folder / "narrative.md").write_text(narrative, encoding="utf-8")
    return folder


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    path = tmp_path / "data"
    (path / "snapshots").mkdir(parents=True)
    return path


@pytest.fixture
def make_snapshot(data_dir: Path) -> Callable[..., Path]:
    """``make_snapshot(quarter="2019-20-Q1", **changes)``: see :func:`build_snapshot`."""

    def make(quarter: str = "2019-20-Q1", **changes: Any) -> Path:
        return build_snapshot(data_dir, quarter, **changes)

    return make


@pytest.fixture
def repo_root() -> Path:
    return Path(__file__).resolve().parents[1]


SEED_QUARTER = "2019-20-Q1"


def _copy_sample_data(root: Path) -> Path:
    data = root / "data"
    shutil.copytree(ROOT / "data", data, ignore=shutil.ignore_patterns(".cache"))
    return data


@pytest.fixture(scope="session")
def published_seed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seed quarter run end to end by the real pipeline (papermill, the default renderer:
    Quarto where it is on PATH, else the fallback; publish) from a copy of the sample data into
    a clean reports folder, once per test run.  ``<root>/data`` beside ``<root>/reports`` is
    the data it was published from.  Tests read it; a test that tampers copies it first."""
    from analysis.publishing.options import Options
    from analysis.publishing.run import run_quarter

    def build(root: Path) -> None:
        lines: list[str] = []
        options = Options(_copy_sample_data(root), root / "reports", progress=lines.append)
        result = run_quarter(Quarter.parse(SEED_QUARTER), options)
        assert result.status == "published", "\n".join(lines) + f"\n{result}"

    return built_once(tmp_path_factory, "published-seed", build) / "reports" / SEED_QUARTER


QUARTERS_RENDERER = "pandoc"
"""The renderer of ``published_quarters``: the fallback, which every machine has.  What the nine
quarters are asked (restricted text, the marking on every page) depends on the data, which
differs by quarter, not on the renderer; Quarto's paper is asked the same of the seed quarter
(``published_seed``) and of the hostile quarter, and ``test_renderers_agree`` compares the two
renderers' seed papers (``record_paper``)."""


@pytest.fixture(scope="session")
def published_quarters(
    tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest
) -> Path:
    """reports/ with every sample quarter published by the real pipeline (``run_all``, the
    fallback renderer), once per test run.  Where ``published_seed`` is drawn by the fallback
    too (no Quarto on PATH) it is copied in and ``run_all`` reuses it as unchanged, so the seed
    quarter is not run twice for the same question.  The seed is asked for only then (not as
    a parameter): with Quarto on PATH the two builds share nothing, so under `make test` they
    are two units of work that go to different workers (tests/helpers/scheduling.py) rather
    than the two longest builds of the run queued on one."""
    from analysis.inputs.snapshots import list_quarters
    from analysis.publishing.options import Options
    from analysis.publishing.record.manifest import read_manifest
    from analysis.publishing.run import run_all

    def build(root: Path) -> None:
        data = _copy_sample_data(root)
        expected = {q.id: "published" for q in list_quarters(data)}
        if shutil.which("quarto") is None:
            published_seed: Path = request.getfixturevalue("published_seed")
            assert (read_manifest(published_seed) or {})["renderer"]["name"] == QUARTERS_RENDERER
            shutil.copytree(published_seed, root / "reports" / SEED_QUARTER)
            expected[SEED_QUARTER] = "reused"
        lines: list[str] = []
        options = Options(data, root / "reports", renderer=QUARTERS_RENDERER, progress=lines.append)
        results = run_all(options)
        assert {r.quarter.id: r.status for r in results} == expected, "\n".join(lines)

    return built_once(tmp_path_factory, "published-quarters", build) / "reports"


@dataclass(frozen=True)
class RecordPaper:
    """The paper one renderer drew from the committed record: ``outputs`` by format, as in
    :class:`analysis.publishing.render.paper.RenderResult`."""

    renderer: str
    outputs: dict[str, Path]


@pytest.fixture(scope="session")
def record_paper(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], RecordPaper]:
    """``record_paper(renderer)``: the committed record's executed notebooks and figures.json
    (``reports/2019-20-Q1``, whose outputs tests/notebooks/test_reference_notebooks.py holds
    equal to the stored reference outputs) rendered by ``renderer``, no kernel started; once
    per test run and renderer, for every test that asks about that paper."""
    from analysis.publishing.render.paper import FORMATS, render_paper

    record = ROOT / "reports" / SEED_QUARTER

    def paper(renderer: str) -> RecordPaper:
        def build(root: Path) -> None:
            staging = root / SEED_QUARTER
            staging.mkdir()
            shutil.copytree(record / "notebooks", staging / "notebooks")
            shutil.copy2(record / "figures.json", staging / "figures.json")
            render_paper(staging, renderer=renderer)

        staging = built_once(tmp_path_factory, f"record-paper-{renderer}", build) / SEED_QUARTER
        return RecordPaper(renderer, {fmt: staging / f"paper.{fmt}" for fmt in FORMATS})

    return paper


@pytest.fixture(scope="session")
def verified_record():
    """The committed record ``reports/2019-20-Q1`` verified in this process against the sample
    data, its five notebooks rerun once per run (its tests go to one worker): the one rerun of
    the paper notebooks that the record, the reference-notebook and the verify tests all read
    (see tests/backtest/test_published_record.py)."""
    from analysis.publishing.options import Options
    from analysis.publishing.proof.verify import verify_quarter

    lines: list[str] = []
    options = Options(ROOT / "data", ROOT / "reports", progress=lines.append)
    verdict = verify_quarter(Quarter.parse(SEED_QUARTER), options)
    return verdict, lines
