"""Input and output hashes: what decides reuse and what a later check compares."""

from __future__ import annotations

import hashlib
from pathlib import Path

from analysis.publishing.record import manifest as mf
from analysis.quarters import Quarter

Q1 = Quarter(2019, 1)


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def make_data(root: Path) -> Path:
    for qid, text in (("2019-20-Q1", b"one"), ("2019-20-Q2", b"two"), ("2018-19-Q4", b"zero")):
        folder = root / "snapshots" / qid
        folder.mkdir(parents=True)
        (folder / "actions.csv").write_bytes(text)
    (root / "snapshots" / "2019-20-Q1" / "~$actions.xlsx").write_bytes(b"office lock")
    (root / "snapshots" / "2019-20-Q1" / ".DS_Store").write_bytes(b"finder")
    (root / "snapshots" / "scratch").mkdir()
    (root / "snapshots" / "scratch" / "notes.txt").write_bytes(b"not a quarter")
    (root / "delay_rules.yml").write_bytes(b"rules: []\n")
    return root


def make_package(root: Path) -> Path:
    package = root / "analysis"
    (package / "rules").mkdir(parents=True)
    (package / "figures" / "__pycache__").mkdir(parents=True)
    (package / "figures" / "record.py").write_bytes(b"X = 1\n")
    (package / "rules" / "settings.yml").write_bytes(b"coming_quarters: 3\n")
    (package / "figures" / "__pycache__" / "record.cpython-311.pyc").write_bytes(b"\0")
    return package


def test_inputs_are_this_and_earlier_snapshots_settings_notebooks_and_code(tmp_path):
    data = make_data(tmp_path / "data")
    package = make_package(tmp_path)
    notebook = tmp_path / "nb" / "hmicfrs.ipynb"
    notebook.parent.mkdir()
    notebook.write_bytes(b"{}")

    files = mf.collect_inputs(data, Q1, [notebook], package_dir=package, paper_root=None)

    assert files == {
        "snapshots/2018-19-Q4/actions.csv": sha(b"zero"),
        "snapshots/2019-20-Q1/actions.csv": sha(b"one"),
        "settings/delay_rules.yml": sha(b"rules: []\n"),
        "notebooks/hmicfrs.ipynb": sha(b"{}"),
        "code/analysis/figures/record.py": sha(b"X = 1\n"),
        "code/analysis/rules/settings.yml": sha(b"coming_quarters: 3\n"),
    }


def test_changes_name_each_file_added_removed_or_changed():
    old = {"a.csv": "1", "b.csv": "2", "c.csv": "3"}
    new = {"a.csv": "1", "b.csv": "9", "d.csv": "4"}
    changes = mf.diff_hashes(old, new)
    assert (changes.added, changes.removed, changes.changed) == (["d.csv"], ["c.csv"], ["b.csv"])
    assert changes.lines() == ["changed: b.csv", "added:   d.csv", "removed: c.csv"]
    assert not mf.diff_hashes(old, dict(old))


def test_renderer_counts_only_when_named_and_different():
    manifest = {
        "schema": mf.SCHEMA,
        "inputs": {"files": {"a": "1"}, "parameters": {"quarter": "2019-20-Q1"}},
        "renderer": {"name": "quarto"},
    }
    params = {"quarter": "2019-20-Q1"}
    assert not mf.compare_inputs(manifest, {"a": "1"}, params, "auto")
    assert not mf.compare_inputs(manifest, {"a": "1"}, params, "quarto")
    assert mf.compare_inputs(manifest, {"a": "1"}, params, "pandoc").other == [
        "renderer: 'quarto' -> 'pandoc'"
    ]
    moved = mf.compare_inputs(manifest, {"a": "1"}, {"quarter": "2019-20-Q2"}, "auto")
    assert moved.other == ["parameter quarter: '2019-20-Q1' -> '2019-20-Q2'"]
    assert mf.compare_inputs({**manifest, "schema": 0}, {"a": "1"}, params, "auto")


def test_outputs_leave_out_the_manifest_and_history_and_verify_spots_an_edit(tmp_path):
    (tmp_path / "notebooks").mkdir()
    (tmp_path / "notebooks" / "x.ipynb").write_bytes(b"nb")
    (tmp_path / "paper.pdf").write_bytes(b"pdf")
    (tmp_path / "history" / "20190101T000000Z").mkdir(parents=True)
    (tmp_path / "history" / "20190101T000000Z" / "paper.pdf").write_bytes(b"old")
    outputs = mf.output_hashes(tmp_path)
    assert outputs == {"notebooks/x.ipynb": sha(b"nb"), "paper.pdf": sha(b"pdf")}

    mf.write_manifest(tmp_path, {"schema": mf.SCHEMA, "outputs": outputs})
    assert mf.output_hashes(tmp_path) == outputs
    assert not mf.verify_outputs(tmp_path)
    (tmp_path / "paper.pdf").write_bytes(b"edited by hand")
    assert mf.verify_outputs(tmp_path).changed == ["paper.pdf"]


def test_combined_hash_ignores_order_but_not_content():
    a = mf.combined_hash({"x": "1", "y": "2"})
    assert a == mf.combined_hash({"y": "2", "x": "1"})
    assert a != mf.combined_hash({"x": "1", "y": "3"})


def test_an_unreadable_manifest_reads_as_none(tmp_path):
    assert mf.read_manifest(tmp_path) is None
    (tmp_path / "manifest.json").write_text("{not json")
    assert mf.read_manifest(tmp_path) is None


def test_git_state_outside_a_repository_is_unknown(tmp_path):
    assert mf.git_state(tmp_path) == {"commit": None, "dirty": None}


def test_the_quarto_sources_count_as_inputs(tmp_path):
    """An edit to the paper's template changes the paper, so it must stop a silent reuse."""
    data, package = make_data(tmp_path), make_package(tmp_path)
    root = tmp_path / "project"
    (root / "paper").mkdir(parents=True)
    (root / "_quarto.yml").write_bytes(b"project: {}\n")
    (root / "paper.qmd").write_bytes(b"# Paper\n")
    (root / "paper" / "paper.css").write_bytes(b"body {}\n")
    before = mf.collect_inputs(data, Q1, [], package_dir=package, paper_root=root)
    assert before["paper/_quarto.yml"] == sha(b"project: {}\n")
    assert before["paper/paper/paper.css"] == sha(b"body {}\n")
    assert "paper/paper.qmd" in before

    (root / "paper" / "paper.css").write_bytes(b"body { color: red }\n")
    after = mf.collect_inputs(data, Q1, [], package_dir=package, paper_root=root)
    assert [k for k in after if after[k] != before[k]] == ["paper/paper/paper.css"]
