"""The run recipe (analysis.publishing.run) on stand-in notebooks, a fake renderer and fake figures.

Tests that start kernels are marked slow; the stand-in notebooks are a few lines each so the
whole file stays well under a minute.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import threading
import time
from pathlib import Path
from types import SimpleNamespace

import nbformat
import papermill
import pytest
from typer.testing import CliRunner

from analysis.cli import app
from analysis.inputs.findings import Finding, SnapshotError
from analysis.publishing import run as recipe
from analysis.publishing.options import Options
from analysis.publishing.record import publish
from analysis.publishing.record.locking import LockTimeout, quarter_lock
from analysis.quarters import Quarter

pytestmark = pytest.mark.usefixtures("light_kernels")

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "notebooks"
Q1 = Quarter(2019, 1)
Q2 = Quarter(2019, 2)


# --- stand-ins -------------------------------------------------------------------------------
def fake_render(staging: Path, renderer: str) -> SimpleNamespace:
    """Writes three small files, as render_paper would, after checking it got what it needs."""
    assert (staging / "figures.json").is_file()
    assert list((staging / "notebooks").glob("*.ipynb"))
    outputs = {}
    for kind in ("docx", "pdf", "html"):
        path = staging / f"paper.{kind}"
        path.write_text(f"{kind} for {json.loads((staging / 'figures.json').read_text())}")
        outputs[kind] = path
    return SimpleNamespace(
        renderer="pandoc", versions={"pandoc": "0-test"}, outputs=outputs, seconds=0.01
    )


def fake_figures(data_dir: Path, quarter: Quarter) -> str:
    return json.dumps({"schema": 1, "quarter": quarter.id}, sort_keys=True) + "\n"


def passing_check(data_dir: Path, quarter: Quarter):
    return object(), [Finding("warning", "actions.csv", "a blank owner", row=3, column="owner")]


def failing_check(data_dir: Path, quarter: Quarter):
    if quarter == Q2:
        return None, [Finding("error", "actions.csv", "due_date is not a date", row=7)]
    return object(), []


def no_kernels(*args, **kwargs):
    raise AssertionError("papermill.execute_notebook must not be called")


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    root = tmp_path / "data"
    for quarter, text in ((Q1, "rec_id\nR1\n"), (Q2, "rec_id\nR1\nR2\n")):
        folder = root / "snapshots" / quarter.id
        folder.mkdir(parents=True)
        (folder / "recommendations.csv").write_text(text)
        (folder / "actions.csv").write_text("action_id\nA1\n")
    return root


REAL_RENDER = recipe.render_paper


@contextlib.contextmanager
def stand_ins(*, render=fake_render, stage=None, figures=fake_figures, check=passing_check):
    """The run's steps replaced for the duration: the recipe looks them up in its module at
    each call (analysis.publishing.run, "the steps a test may replace").  A stand-in ``render``
    without a ``stage`` is called once, ``render(staging, renderer)``, with nothing staged
    before; with a ``stage`` it is ``render(staging, renderer, staged)``.  ``render=
    REAL_RENDER`` keeps the real staging and drawing."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(recipe, "snapshot_findings", check)
        patch.setattr(recipe, "compute_figures", figures)
        if render is not REAL_RENDER:
            if stage is None:
                patch.setattr(recipe, "stage_paper", lambda staging, renderer: None)
                patch.setattr(
                    recipe,
                    "render_paper",
                    lambda staging, renderer, staged: render(staging, renderer),
                )
            else:
                patch.setattr(recipe, "stage_paper", stage)
                patch.setattr(recipe, "render_paper", render)
        yield


def options_for(data_dir: Path, reports: Path, notebooks=("alpha",), lines=None, **kw) -> Options:
    """The options of a run of the stand-in notebooks, saying its lines into ``lines``."""
    progress = lines.append if lines is not None else (lambda line: None)
    return Options(
        data_dir,
        reports,
        notebooks_dir=FIXTURES,
        notebooks=list(notebooks),
        progress=progress,
        **kw,
    )


def run(
    data_dir: Path,
    reports: Path,
    quarter=Q1,
    notebooks=("alpha",),
    lines=None,
    *,
    render=fake_render,
    stage=None,
    figures=fake_figures,
    check=passing_check,
    **kw,
):
    with stand_ins(render=render, stage=stage, figures=figures, check=check):
        return recipe.run_quarter(quarter, options_for(data_dir, reports, notebooks, lines, **kw))


def tree(folder: Path) -> dict[str, str]:
    """Every file and folder under ``folder`` with its content hash, .failed/ left out."""
    found = {}
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder).as_posix()
        if rel == ".failed" or rel.startswith(".failed/"):
            continue
        found[rel] = hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else "dir"
    return found


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# --- end to end ------------------------------------------------------------------------------
@pytest.mark.slow
def test_a_quarter_is_published_with_a_manifest_that_matches_its_files(data_dir, reports):
    lines: list[str] = []
    result = run(data_dir, reports, notebooks=("alpha", "beta"), lines=lines)

    assert result.status == "published"
    folder = reports / "2019-20-Q1"
    assert result.folder == folder
    published = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())
    assert published == [
        "figures.json",
        "manifest.json",
        "notebooks/alpha.ipynb",
        "notebooks/beta.ipynb",
        "paper.docx",
        "paper.html",
        "paper.pdf",
    ]
    assert sorted(p.name for p in reports.iterdir()) == ["2019-20-Q1"]  # no staging left
    assert (folder / "figures.json").read_text() == fake_figures(data_dir, Q1)

    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["quarter"] == "2019-20-Q1"
    assert manifest["notebooks"] == ["alpha.ipynb", "beta.ipynb"]
    assert manifest["inputs"]["parameters"] == {"quarter": "2019-20-Q1"}
    assert manifest["renderer"] == {"name": "pandoc", "versions": {"pandoc": "0-test"}}
    for name in published:
        if name != "manifest.json":
            assert manifest["outputs"][name] == sha(folder / name), name
    assert set(manifest["outputs"]) == set(published) - {"manifest.json"}
    files = manifest["inputs"]["files"]
    snap = data_dir / "snapshots" / "2019-20-Q1"
    assert files["snapshots/2019-20-Q1/recommendations.csv"] == sha(snap / "recommendations.csv")
    assert files["notebooks/alpha.ipynb"] == sha(FIXTURES / "alpha.ipynb")
    assert "snapshots/2019-20-Q2/recommendations.csv" not in files  # a later quarter
    assert any(key.startswith("code/analysis/publishing/run.py") for key in files)
    assert manifest["environment"]["tools"]["papermill"] == papermill.__version__
    assert manifest["volatile"]["started_utc"] <= manifest["volatile"]["finished_utc"]

    # The kernel saw the canonical quarter, the data folder relative to its own working folder
    # (no machine's absolute path in a published notebook), and ran in its own folder.
    executed = nbformat.read(folder / "notebooks" / "alpha.ipynb", as_version=4)
    printed = "".join(o.get("text", "") for c in executed.cells for o in c.get("outputs", []))
    assert "quarter 2019-20-Q1" in printed
    relative = os.path.relpath(data_dir.resolve(), FIXTURES)
    assert not os.path.isabs(relative)
    assert f"data_dir {Path(relative).as_posix()}" in printed
    assert (FIXTURES / relative).resolve() == data_dir.resolve()
    assert f"cwd {FIXTURES}" in printed

    text = "\n".join(lines)
    assert "alpha.ipynb" in text and "beta.ipynb" in text
    assert "render (pandoc)" in text and "publish" in text
    assert "2019-20-Q1: published to" in text


@pytest.mark.slow
def test_a_notebook_that_raises_leaves_the_publication_as_it_was(data_dir, reports):
    run(data_dir, reports)
    before = tree(reports)
    lines: list[str] = []

    result = run(data_dir, reports, notebooks=("alpha", "raises"), force=True, lines=lines)

    assert result.status == "failed"
    assert tree(reports) == before
    failed = list((reports / ".failed").iterdir())
    assert failed == [result.failed_folder]
    reason = (result.failed_folder / "REASON.txt").read_text()
    # raises.ipynb: cell 1 parameters, cell 2 `x = 1`, cell 3 raises.
    assert "raises.ipynb" in reason
    assert "cell 3" in reason
    assert "ValueError: no figures for 2019-20-Q1" in reason
    assert 'raise ValueError(f"no figures for {quarter}")' in reason
    assert (result.failed_folder / "notebooks" / "raises.ipynb").is_file()
    assert "raises.ipynb" in "\n".join(lines) and "FAILED" in "\n".join(lines)


@pytest.mark.slow
def test_a_kernel_that_dies_leaves_a_clean_reports_folder_clean(data_dir, reports):
    before = tree(reports)

    result = run(data_dir, reports, notebooks=("dies",))

    assert result.status == "failed"
    assert tree(reports) == before == {}
    reason = (result.failed_folder / "REASON.txt").read_text()
    assert "dies.ipynb" in reason
    assert "DeadKernelError" in reason
    assert "cell 2 `import os`" in reason


def test_cli_exit_status_is_1_for_a_failed_run(data_dir, reports, monkeypatch):
    def failed(*args, **kwargs):
        return recipe.QuarterResult(Q1, "failed", 0.1, reason="boom")

    monkeypatch.setattr(recipe, "run_quarter", failed)
    outcome = CliRunner().invoke(
        app, ["run", "2019-20-Q1", "--data-dir", str(data_dir), "--reports-dir", str(reports)]
    )
    assert outcome.exit_code == 1


# --- reuse, refusal, history -----------------------------------------------------------------
@pytest.mark.slow
def test_an_unchanged_rerun_starts_no_kernel_and_changes_nothing(data_dir, reports, monkeypatch):
    run(data_dir, reports)
    before = tree(reports)
    monkeypatch.setattr(papermill, "execute_notebook", no_kernels)
    lines: list[str] = []

    # Validation is not even needed.
    result = run(data_dir, reports, lines=lines, check=no_kernels)

    assert result.status == "reused"
    assert tree(reports) == before
    assert "reused" in lines[0] and "no kernel started" in lines[0]


@pytest.mark.slow
def test_a_changed_input_is_refused_naming_the_file(data_dir, reports, monkeypatch):
    run(data_dir, reports, quarter=Q2)
    before = tree(reports)
    monkeypatch.setattr(papermill, "execute_notebook", no_kernels)
    # Q2's trends read Q1's snapshot, so a correction to Q1 changes Q2's inputs.
    (data_dir / "snapshots" / "2019-20-Q1" / "actions.csv").write_text("action_id\nA9\n")
    (data_dir / "settings.yml").write_text("coming_quarters: 2\n")
    lines: list[str] = []

    result = run(data_dir, reports, quarter=Q2, lines=lines)

    assert result.status == "refused"
    assert result.changes.changed == ["snapshots/2019-20-Q1/actions.csv"]
    assert result.changes.added == ["settings/settings.yml"]
    assert "snapshots/2019-20-Q1/actions.csv" in lines[0]
    assert "--force" in lines[0]
    assert tree(reports) == before


@pytest.mark.slow
def test_force_publishes_anew_and_keeps_every_earlier_publication(data_dir, reports):
    folder = reports / "2019-20-Q1"
    snap = data_dir / "snapshots" / "2019-20-Q1" / "recommendations.csv"
    run(data_dir, reports)
    first = (folder / "manifest.json").read_text()
    snap.write_text("rec_id\nR1\nR7\n")
    assert run(data_dir, reports).status == "refused"

    assert run(data_dir, reports, force=True).status == "published"
    second = (folder / "manifest.json").read_text()
    history = sorted((folder / "history").iterdir())
    assert len(history) == 1
    assert (history[0] / "manifest.json").read_text() == first
    time.sleep(1.1)  # history folders are named by the second
    snap.write_text("rec_id\nR1\nR8\n")
    assert run(data_dir, reports, force=True).status == "published"

    history = sorted((folder / "history").iterdir())
    assert [(h / "manifest.json").read_text() for h in history] == [first, second]
    assert not (history[1] / "history").exists()  # history is flat, not nested
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["inputs"]["files"]["snapshots/2019-20-Q1/recommendations.csv"] == sha(snap)
    assert sorted(p.name for p in reports.iterdir()) == ["2019-20-Q1"]


# --- validation and locking ------------------------------------------------------------------
def test_an_invalid_snapshot_starts_nothing_and_writes_nothing(data_dir, reports, monkeypatch):
    monkeypatch.setattr(papermill, "execute_notebook", no_kernels)
    with pytest.raises(SnapshotError) as caught:
        run(data_dir, reports, quarter=Q2, check=failing_check)
    assert "due_date is not a date" in str(caught.value)
    assert list(reports.iterdir()) == []


def test_run_all_validates_every_quarter_before_running_any(data_dir, reports, monkeypatch):
    monkeypatch.setattr(papermill, "execute_notebook", no_kernels)
    with pytest.raises(SnapshotError) as caught, stand_ins(check=failing_check):
        recipe.run_all(options_for(data_dir, reports), quarters=[Q1, Q2])
    assert "2019-20-Q2: 1 error(s)" in str(caught.value)
    assert list(reports.iterdir()) == []


def test_cli_rejects_a_bad_quarter_with_status_2(data_dir, reports):
    outcome = CliRunner().invoke(
        app, ["run", "Q5 19/20", "--data-dir", str(data_dir), "--reports-dir", str(reports)]
    )
    assert outcome.exit_code == 2
    assert list(reports.iterdir()) == []


@pytest.mark.slow
def test_a_second_run_waits_for_the_lock_held_by_another(data_dir, reports):
    holding = threading.Event()
    release = threading.Event()

    def holder() -> None:
        with quarter_lock(reports, Q1, progress=lambda line: None):
            holding.set()
            release.wait(10)

    thread = threading.Thread(target=holder)
    thread.start()
    holding.wait(5)
    lines: list[str] = []
    threading.Timer(1.0, release.set).start()
    started = time.perf_counter()
    result = run(data_dir, reports, lines=lines, lock_timeout=10)
    waited = time.perf_counter() - started
    thread.join()

    assert result.status == "published"
    assert waited >= 1.0
    assert "waiting for 2019-20-Q1: locked by pid" in "\n".join(lines)
    # Nothing was staged while waiting: the notebook ran only after the holder let go.
    assert result.notebooks[0].seconds < waited - 0.9


def test_a_lock_held_too_long_times_out_naming_the_holder(data_dir, reports):
    holding = threading.Event()
    release = threading.Event()

    def holder() -> None:
        with quarter_lock(reports, Q1, progress=lambda line: None):
            holding.set()
            release.wait(10)

    thread = threading.Thread(target=holder)
    thread.start()
    holding.wait(5)
    try:
        with pytest.raises(LockTimeout) as caught:
            run(data_dir, reports, lock_timeout=0.3)
    finally:
        release.set()
        thread.join()
    assert "2019-20-Q1 is still locked" in str(caught.value)
    assert "pid" in str(caught.value)
    assert list(reports.iterdir()) == []


# --- every quarter ---------------------------------------------------------------------------
@pytest.mark.slow
def test_run_all_publishes_every_quarter_and_prints_one_table(data_dir, reports, monkeypatch):
    import analysis.inputs.snapshots

    monkeypatch.setattr(analysis.inputs.snapshots, "list_quarters", lambda folder: [Q1, Q2])
    first = run(data_dir, reports, quarter=Q1)
    assert first.status == "published", first.reason
    lines: list[str] = []

    with stand_ins():
        results = recipe.run_all(options_for(data_dir, reports, lines=lines))

    assert [(r.quarter, r.status) for r in results] == [(Q1, "reused"), (Q2, "published")]
    for quarter in (Q1, Q2):
        assert (reports / quarter.id / "manifest.json").is_file()
    table = lines[-1].splitlines()
    assert table[0].split() == ["quarter", "status", "seconds"]
    assert table[1].split()[:2] == ["2019-20-Q1", "reused"]
    assert table[2].split()[:2] == ["2019-20-Q2", "published"]


# --- failing without kernels: nothing staged is left behind ------------------------------------
def _failing_figures(data_dir: Path, quarter: Quarter) -> str:
    raise ValueError("no figures today")


def _render_without_notebooks(staging: Path, renderer: str) -> SimpleNamespace:
    (staging / "notebooks").rmdir()  # the run had none; fake_render insists on some
    (staging / "notebooks").mkdir()
    (staging / "notebooks" / "none.ipynb").write_text("{}")
    return fake_render(staging, renderer)


@pytest.mark.parametrize("where", ["figures", "publish"])
def test_a_failed_run_leaves_no_staging_folder_and_no_publication(
    data_dir, reports, monkeypatch, where
):
    """No kernel: the run has no notebooks, so this is quick; the staging folder must end up
    under .failed/ with its reason, and .staging must be gone."""
    options: dict = {"notebooks": (), "render": _render_without_notebooks}
    if where == "figures":
        options["figures"] = _failing_figures
    else:
        real_rename = os.rename

        def full_disk(source, target):
            if Path(target) == reports / Q1.id:
                raise OSError(28, "No space left on device")
            return real_rename(source, target)

        monkeypatch.setattr(publish.os, "rename", full_disk)

    result = run(data_dir, reports, **options)

    assert result.status == "failed"
    assert not (reports / ".staging").exists()
    assert not (reports / Q1.id).exists()
    assert [p.parent for p in (reports / ".failed").glob("*/REASON.txt")] == [result.failed_folder]
    reason = (result.failed_folder / "REASON.txt").read_text()
    assert ("no figures today" if where == "figures" else "No space left on device") in reason


# --- the paper staged while the notebooks run -------------------------------------------------
@pytest.mark.slow
def test_the_paper_is_staged_while_the_notebooks_run_then_drawn(data_dir, reports):
    lines: list[str] = []
    staged_with: list[object] = []

    def stage(staging: Path, renderer: str) -> dict:
        assert (staging / "figures.json").is_file()
        lines.append("staged")
        return {"staging": staging, "renderer": renderer}

    def draw(staging: Path, renderer: str, staged: object) -> SimpleNamespace:
        staged_with.append(staged)
        return fake_render(staging, renderer)

    result = run(data_dir, reports, lines=lines, render=draw, stage=stage, renderer="pandoc")

    assert result.status == "published"
    assert staged_with == [{"staging": staged_with[0]["staging"], "renderer": "pandoc"}]
    # Staged right after figures.json, before the first notebook had finished.
    notebook_line = next(i for i, line in enumerate(lines) if "alpha.ipynb" in line)
    assert lines.index("staged") < notebook_line


def test_a_staging_failure_is_reported_as_the_render_s(data_dir, reports):
    from analysis.publishing.render.paper_sources import RenderError

    def stage(staging: Path, renderer: str) -> None:
        raise RenderError("figures.json: no readable 'paper' object")

    def draw(staging: Path, renderer: str, staged: object) -> None:
        raise AssertionError("a paper that could not be staged is never drawn")

    result = run(data_dir, reports, notebooks=(), render=draw, stage=stage)

    assert result.status == "failed"
    reason = (result.failed_folder / "REASON.txt").read_text()
    assert "render: RenderError: figures.json: no readable 'paper' object" in reason
    assert not (reports / Q1.id).exists()
