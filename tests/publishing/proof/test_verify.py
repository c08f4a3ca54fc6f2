"""``panelpaper verify``: a fresh publication verifies, and each kind of tampering is named.

The slow tests work on copies of the seed quarter published once per session by the real run
(tests/conftest.py ``published_seed``: the sample data copied to a temporary folder), so no
test can spoil another's or touch the repository's data.  Comparing outputs under nbval's rules
is tested in test_compare.py, staging the notebook copies in test_rerun.py.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from analysis.cli import app
from analysis.engine import cache
from analysis.engine.cache import ENV_OFF
from analysis.publishing.notebooks import PAPER_NOTEBOOKS
from analysis.publishing.options import Options
from analysis.publishing.proof import compare as cmp
from analysis.publishing.proof import verify as vf
from analysis.publishing.run import run_quarter
from analysis.quarters import Quarter

ROOT = Path(__file__).resolve().parents[3]
SEED = "2019-20-Q1"
RULES = cmp.read_sanitize_rules(cmp.SANITIZE_FILE.read_text(encoding="utf-8"))


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# --- pieces, no kernel --------------------------------------------------------------------------
def test_json_differences_give_dotted_paths_with_both_values() -> None:
    published = {"a": 1, "b": {"c": [1, 2], "d": "x"}, "gone": True}
    recomputed = {"a": 1, "b": {"c": [1, 3], "d": "x"}, "new": 0}
    assert vf.json_differences(published, recomputed) == [
        ("b.c[1]", 2, 3),
        ("gone", True, "<absent>"),
        ("new", "<absent>", 0),
    ]


def test_json_differences_tell_an_integer_from_an_equal_float() -> None:
    # 412 and 412.0 compare equal in Python but are different bytes in figures.json.
    assert vf.json_differences({"n": 412}, {"n": 412.0}) == [("n", 412, 412.0)]


def test_figures_report_lists_at_most_twenty_keys() -> None:
    published = {f"k{i:02d}": i for i in range(30)}
    recomputed = {f"k{i:02d}": i + 1 for i in range(30)}
    lines = vf.figures_report(json.dumps(published).encode(), json.dumps(recomputed).encode())
    assert lines[0] == "figures.json: k00: published 0, recomputed 1"
    assert len(lines) == 21
    assert lines[-1] == "figures.json: ... and 10 more key(s)"


def test_figures_report_separates_layout_from_values() -> None:
    assert vf.figures_report(b'{"a": 1}\n', b'{"a": 1}\n') == []
    assert vf.figures_report(b'{"a": 1}\n', b'{\n  "a": 1\n}\n') == [
        "figures.json: same values, different bytes (layout or number formatting)"
    ]
    assert vf.figures_report(b'{"a": 1, "b": 2}', b'{"b": 2, "a": 1}') == [
        'figures.json: key order: published ["a", "b"], recomputed ["b", "a"]'
    ]


def test_compare_hashes_names_each_file_with_both_prefixes() -> None:
    expected = {"a.csv": "1" * 64, "b.csv": "2" * 64, "gone.csv": "5" * 64}
    actual = {"a.csv": "1" * 64, "b.csv": "3" * 64, "c.csv": "4" * 64}
    tally = vf.compare_hashes("input", expected, actual)
    assert (tally.matched, tally.total) == (1, 4)
    assert tally.problems == [
        "input changed: b.csv  expected 222222222222  actual 333333333333",
        "input missing: gone.csv  expected 555555555555  actual (missing)",
        "input added:   c.csv  expected (none)  actual 444444444444",
    ]


def test_published_quarters_are_canonical_folders_with_a_manifest(tmp_path: Path) -> None:
    for name, manifest in [
        ("2019-20-Q1", True),
        ("2019-20-Q3", True),
        ("2019-20-Q2", False),  # a folder without a manifest is not a publication
        ("Q4 19-20", True),  # not a canonical id
        (".staging", True),
    ]:
        (tmp_path / name).mkdir()
        if manifest:
            (tmp_path / name / "manifest.json").write_text("{}")
    assert vf.published_quarters(tmp_path) == [Quarter(2019, 1), Quarter(2019, 3)]
    assert vf.quarters_to_verify(tmp_path) == [Quarter(2019, 3)]
    assert vf.quarters_to_verify(tmp_path, Quarter(2019, 1)) == [Quarter(2019, 1)]
    with pytest.raises(vf.NotPublished, match="2019-20-Q2 is not published"):
        vf.quarters_to_verify(tmp_path, Quarter(2019, 2))
    with pytest.raises(vf.NotPublished):
        vf.quarters_to_verify(tmp_path / "nothing-here", all_quarters=True)


def test_cache_is_off_while_verifying_without_touching_the_environment(monkeypatch) -> None:
    monkeypatch.setenv(ENV_OFF, "0")
    assert cache.enabled()
    with vf.cache_off():
        assert not cache.enabled()
        assert os.environ[ENV_OFF] == "0"
    assert cache.enabled()


def test_cli_exit_2_for_an_unpublished_quarter_or_both_quarter_and_all(tmp_path: Path) -> None:
    (tmp_path / "data" / "snapshots").mkdir(parents=True)
    (tmp_path / "reports").mkdir()
    args = ["--data-dir", str(tmp_path / "data"), "--reports-dir", str(tmp_path / "reports")]
    runner = CliRunner()
    unpublished = runner.invoke(app, ["verify", SEED, *args])
    assert unpublished.exit_code == 2
    assert "not published" in unpublished.output
    both = runner.invoke(app, ["verify", SEED, "--all", *args])
    assert both.exit_code == 2
    nothing = runner.invoke(app, ["verify", *args])
    assert nothing.exit_code == 2
    assert "no published quarter" in nothing.output


# --- a real publication -------------------------------------------------------------------------
@pytest.fixture(scope="module")
def publication(published_seed: Path) -> tuple[Path, Path]:
    """(data folder, published quarter folder) of the seed quarter, built once per session by
    the real run (tests/conftest.py ``published_seed``)."""
    return published_seed.parent.parent / "data", published_seed


@pytest.fixture
def copied(publication: tuple[Path, Path], tmp_path: Path) -> tuple[Path, Path]:
    """(data folder, reports folder) that this test alone may spoil."""
    data, folder = publication
    shutil.copytree(data, tmp_path / "data")
    shutil.copytree(folder, tmp_path / "reports" / SEED)
    return tmp_path / "data", tmp_path / "reports"


def _code_cells(path: Path) -> dict:
    """A published notebook without its injected parameters cell."""
    notebook = json.loads(path.read_text(encoding="utf-8"))
    notebook["cells"] = [
        c for c in notebook["cells"] if "injected-parameters" not in c["metadata"].get("tags", [])
    ]
    return notebook


def _invoke(data: Path, reports: Path, *extra: str):
    return CliRunner().invoke(
        app, ["verify", *extra, "--data-dir", str(data), "--reports-dir", str(reports)]
    )


@pytest.mark.slow
def test_fresh_publication_verifies(copied: tuple[Path, Path]) -> None:
    """Hashes and figures here; the rerun of the same notebooks is asked once, of the committed
    record (tests/backtest/test_published_record.py), and a fresh publication's notebooks
    hold the record's outputs (only their injected ``data_dir`` differs: this data folder is a
    copy elsewhere)."""
    data, reports = copied
    manifest = json.loads((reports / SEED / "manifest.json").read_text())
    inputs = sum(1 for k in manifest["inputs"]["files"] if k.startswith(vf.DATA_PREFIXES))
    outputs = len(manifest["outputs"])
    record = ROOT / "reports" / SEED
    for name in manifest["notebooks"]:
        fresh, archived = (
            _code_cells(folder / "notebooks" / name) for folder in (reports / SEED, record)
        )
        checked, problems = cmp.compare_notebooks(name, archived, fresh, RULES)
        assert checked and problems == []

    result = _invoke(data, reports, "--no-notebooks")  # no QUARTER: the latest, the only one

    assert result.exit_code == 0, result.output
    head = result.output.splitlines()[0]
    assert head.startswith(f"{SEED}  VERIFIED  ")
    assert (
        f"(data inputs {inputs}/{inputs}, outputs {outputs}/{outputs}, "
        "notebooks not rerun, figures.json identical)"
    ) in head
    assert len(result.output.splitlines()) == 1


@pytest.mark.slow
def test_changed_snapshot_file_is_named_with_both_hashes(copied: tuple[Path, Path]) -> None:
    data, reports = copied
    manifest = json.loads((reports / SEED / "manifest.json").read_text())
    published = json.loads((reports / SEED / "figures.json").read_text())
    csv = data / "snapshots" / SEED / "recommendations.csv"
    lines = csv.read_text(encoding="utf-8").splitlines(keepends=True)
    # HMI-0001 is an open Recommendation (Awaiting review); closing it leaves one fewer open.
    assert (
        lines[1].startswith("HMI-0001,")
        and ",Recommendation,2014-10-16,Awaiting review," in lines[1]
    )
    lines[1] = lines[1].replace(",Awaiting review,", ",No further action needed,")
    csv.write_text("".join(lines), encoding="utf-8")
    key = f"snapshots/{SEED}/recommendations.csv"

    result = _invoke(data, reports, SEED, "--no-notebooks")

    assert result.exit_code == 1, result.output
    out = result.output.splitlines()
    assert out[0].startswith(f"{SEED}  DIFFERS  ")
    matched, total = map(int, re.search(r"inputs (\d+)/(\d+)", out[0]).groups())
    assert matched < total
    # The only data file that differs is the edited one (code may move on in a shared tree).
    data_lines = [line for line in out if line.startswith("    input") and "snapshots/" in line]
    assert data_lines == [line for line in out if key in line]
    assert "notebooks not rerun" in out[0]
    assert (
        f"    input changed: {key}  expected {manifest['inputs']['files'][key][:12]}"
        f"  actual {_sha(csv)[:12]}"
    ) in out
    open_before = published["recommendations"]["open"]
    assert (
        f"    figures.json: recommendations.open: published {open_before}, "
        f"recomputed {open_before - 1}"
    ) in out


@pytest.mark.slow
def test_edited_notebook_output_is_caught_by_nbval(copied: tuple[Path, Path]) -> None:
    data, reports = copied
    path = reports / SEED / "notebooks" / "dara_actions.ipynb"
    notebook = json.loads(path.read_text(encoding="utf-8"))
    position, cell = next(
        (i, c)
        for i, c in enumerate(notebook["cells"], start=1)
        if "#| label: outstanding-text" in "".join(c["source"])
    )
    text = cell["outputs"][0]["data"]["text/markdown"]
    text = "".join(text) if isinstance(text, list) else text
    count = int(re.search(r"there are (\d+) outstanding", text).group(1))
    edited = text.replace(f"there are {count} outstanding", f"there are {count + 1} outstanding")
    cell["outputs"][0]["data"]["text/markdown"] = edited
    path.write_text(json.dumps(notebook, indent=1, ensure_ascii=False), encoding="utf-8")

    verdict = vf.verify_quarter(
        Quarter.parse(SEED),
        Options(data, reports, notebooks=["dara_actions"], progress=lambda _line: None),
    )

    assert not verdict.ok
    assert (verdict.notebooks.matched, verdict.notebooks.total) == (0, 1)
    problems = verdict.notebooks.problems
    assert problems[0] == (
        f"notebook dara_actions.ipynb, cell {position} (outstanding-text): Cell outputs differ"
    )
    assert "    'text/markdown' output differs" in problems
    assert any(
        p.startswith("    published: ") and f"there are {count + 1} outstand" in p for p in problems
    )
    assert any(
        p.startswith("    rerun:     ") and f"there are {count} outstand" in p for p in problems
    )
    # The edit also breaks the file's recorded hash; nothing else differs.
    assert [p.split("  ")[0] for p in verdict.outputs.problems] == [
        "output changed: notebooks/dara_actions.ipynb"
    ]
    assert not [p for p in verdict.inputs.problems if "snapshots/" in p or "settings/" in p]
    assert verdict.figures.ok


@pytest.mark.slow
def test_edited_figure_is_named_by_its_key(copied: tuple[Path, Path]) -> None:
    data, reports = copied
    path = reports / SEED / "figures.json"
    figures = json.loads(path.read_text(encoding="utf-8"))
    overdue = figures["actions"]["overdue"]
    figures["actions"]["overdue"] = overdue + 1
    path.write_text(json.dumps(figures, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")

    verdict = vf.verify_quarter(
        Quarter.parse(SEED),
        Options(data, reports, rerun_notebooks=False, progress=lambda _line: None),
    )

    assert not verdict.ok
    assert verdict.figures.problems == [
        f"figures.json: actions.overdue: published {overdue + 1}, recomputed {overdue}"
    ]
    assert [p.split("  ")[0] for p in verdict.outputs.problems] == ["output changed: figures.json"]


@pytest.mark.slow
def test_altered_pdf_is_named(copied: tuple[Path, Path]) -> None:
    data, reports = copied
    manifest = json.loads((reports / SEED / "manifest.json").read_text())
    pdf = reports / SEED / "paper.pdf"
    body = bytearray(pdf.read_bytes())
    body[len(body) // 2] ^= 0xFF
    pdf.write_bytes(bytes(body))

    verdict = vf.verify_quarter(
        Quarter.parse(SEED),
        Options(data, reports, rerun_notebooks=False, progress=lambda _line: None),
    )

    assert verdict.outputs.problems == [
        f"output changed: paper.pdf  expected {manifest['outputs']['paper.pdf'][:12]}"
        f"  actual {_sha(pdf)[:12]}"
    ]
    total = len(manifest["outputs"])
    assert (verdict.outputs.matched, verdict.outputs.total) == (total - 1, total)
    assert verdict.lines()[0].startswith(f"{SEED}  DIFFERS  ")


@pytest.mark.slow
def test_a_settings_edit_after_publication_is_a_note_and_the_quarter_still_verifies(
    copied: tuple[Path, Path],
) -> None:
    """The panel changes its rules going forward (a column map, the attention threshold): the
    published quarter is verified under the settings recorded with it, today's differences a
    note.  Under today's rules the figures would differ (tests/publishing/test_a_year.py)."""
    data, reports = copied
    assert (reports / SEED / "settings" / "settings.yml").read_bytes() == (
        data / "settings.yml"
    ).read_bytes()
    settings = data / "settings.yml"
    text = settings.read_text(encoding="utf-8")
    text = text.replace("long_overdue_days: 365", "long_overdue_days: 400")
    text = text.replace("columns: {}", "columns:\n  recommendations:\n    Reference: rec_id")
    settings.write_text(text, encoding="utf-8")

    result = _invoke(data, reports, "--no-notebooks", SEED)

    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith(f"{SEED}  VERIFIED  "), result.output
    assert lines[1:] == [
        f"    note: today's settings differ from those recorded with {SEED} in "
        "columns.recommendations, attention.long_overdue_days; verified under the recorded ones "
        "(reports/<quarter>/settings/)"
    ]

    # The record itself is what is checked: an edited recorded copy fails, named.
    recorded = reports / SEED / "settings" / "settings.yml"
    recorded.write_text(text, encoding="utf-8")
    tampered = _invoke(data, reports, "--no-notebooks", SEED)
    assert tampered.exit_code == 1
    assert "input changed: settings/settings.yml" in tampered.output
    assert "output changed: settings/settings.yml" in tampered.output


def test_a_code_change_alone_is_a_note_but_a_data_change_fails(monkeypatch, tmp_path) -> None:
    """verify proves the paper reruns the same; code may move on as long as it does."""
    recorded = {
        f"snapshots/{SEED}/recommendations.csv": "a" * 64,
        "settings/settings.yml": "b" * 64,
        "code/analysis/presentation/paper.py": "c" * 64,
        "paper/paper.qmd": "d" * 64,
    }
    manifest = {"inputs": {"files": recorded, "parameters": {"quarter": SEED}}}
    now = dict(recorded, **{"code/analysis/presentation/paper.py": "e" * 64})
    monkeypatch.setattr(vf, "current_inputs", lambda *a, **k: now)
    tally = vf.check_inputs(manifest, tmp_path, Quarter.parse(SEED), tmp_path)
    assert tally.ok and (tally.matched, tally.total) == (2, 2)
    assert len(tally.notes) == 1 and "code/analysis/presentation/paper.py" in tally.notes[0]

    now[f"snapshots/{SEED}/recommendations.csv"] = "f" * 64
    tally = vf.check_inputs(manifest, tmp_path, Quarter.parse(SEED), tmp_path)
    assert not tally.ok
    assert tally.problems == [
        f"input changed: snapshots/{SEED}/recommendations.csv  expected aaaaaaaaaaaa  actual "
        "ffffffffffff"
    ]


# --- a record rendered by Quarto, verified where only the fallback is installed ----------------
def _without_quarto(path: str) -> str:
    """PATH with every folder that holds a ``quarto`` command left out."""
    return os.pathsep.join(
        folder
        for folder in path.split(os.pathsep)
        if not (folder and os.access(os.path.join(folder, "quarto"), os.X_OK))
    )


@pytest.mark.slow
@pytest.mark.quarto
@pytest.mark.skipif(
    shutil.which("quarto") is None,
    reason="Quarto CLI not on PATH: a Quarto-rendered record is made only where Quarto is "
    "installed (conda env from environment.yml, quarto.org, or `make quarto-dev`)",
)
def test_a_record_rendered_by_quarto_verifies_and_is_reused_without_quarto(
    monkeypatch, copied: tuple[Path, Path]
) -> None:
    """The session's seed publication (``--renderer auto``) is Quarto's wherever Quarto is on
    PATH, so no run of its own is needed here."""
    data, reports = copied
    manifest = json.loads((reports / SEED / "manifest.json").read_text())
    assert manifest["renderer"]["name"] == "quarto"
    published_files = {
        str(p.relative_to(reports / SEED)) for p in (reports / SEED).rglob("*") if p.is_file()
    }
    assert published_files == {
        "figures.json",
        "manifest.json",
        "paper.docx",
        "paper.pdf",
        "paper.html",
        "settings/settings.yml",
        *(f"notebooks/{name}.ipynb" for name in PAPER_NOTEBOOKS),
    }, "Quarto's working files (.quarto/, .gitignore) are never published"

    monkeypatch.setenv("PATH", _without_quarto(os.environ["PATH"]))
    assert shutil.which("quarto") is None
    # Verify compares the published files with their hashes and recomputes figures.json; the
    # rerun of the notebooks under nbval (left out here for time, covered above) does not
    # render either, so which renderer drew the paper never matters to it.
    result = _invoke(data, reports, "--no-notebooks", SEED)
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"{SEED}  VERIFIED  "), result.output
    # An unchanged rerun with the default renderer keeps the Quarto publication as it is.
    again = run_quarter(Quarter.parse(SEED), Options(data, reports, progress=lambda _line: None))
    assert again.status == "reused", (again.status, again.reason)
    assert json.loads((reports / SEED / "manifest.json").read_text()) == manifest


def test_a_renderer_here_other_than_the_records_is_a_note(monkeypatch) -> None:
    """verify never renders, so the renderer here cannot fail it; a conda user a year on is
    told plainly when their Quarto is not the record's (issue 22)."""
    from analysis.publishing.render import quarto

    manifest = {"renderer": {"name": "quarto", "versions": {"quarto": "1.10.16"}}}
    monkeypatch.setattr(quarto, "quarto_path", lambda: "/opt/quarto/bin/quarto")
    monkeypatch.setattr(quarto, "quarto_version", lambda path: "1.10.16")
    assert vf.renderer_note(manifest) is None

    monkeypatch.setattr(quarto, "quarto_version", lambda path: "1.11.2")
    assert vf.renderer_note(manifest) == (
        "rendered with quarto 1.10.16; this machine has quarto 1.11.2 (verify does not "
        "re-render; a run with --force here would draw the paper with it)"
    )
    monkeypatch.setattr(quarto, "quarto_path", lambda: None)
    assert "this machine has quarto (not installed)" in vf.renderer_note(manifest)
