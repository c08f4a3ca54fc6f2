"""The disk cache of validated snapshots: a hit gives what a fresh read gives, and nothing that
could change the result (file content, settings, a damaged entry, the switch) is ever served
from it.

Each test gets its own empty cache folder, so a hit can only come from an entry the test
itself wrote (the loader keeps nothing in memory between calls).  ``reads`` counts how often the loader really opened the
files, which is how a test tells a hit from a miss.
"""

from __future__ import annotations

import dataclasses
import os
import pickle
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from analysis.engine import cache
from analysis.figures.record import figures_for_quarter, to_json
from analysis.figures.trends import trends
from analysis.inputs import snapshots
from analysis.inputs.history import load_history
from analysis.inputs.settings import Settings
from analysis.inputs.snapshot import Snapshot
from analysis.inputs.snapshots import check_snapshot, load_snapshot
from analysis.inputs.vocabulary import ASSURANCES
from analysis.inputs.workbooks import MAX_XLSX_MB_VARIABLE
from analysis.quarters import Quarter

Q1, Q2 = Quarter(2019, 1), Quarter(2019, 2)
DEFAULTS = Settings()


@pytest.fixture(autouse=True)
def cache_folder(own_cache: Path) -> Path:
    return own_cache


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Quarter ids the loader read from their files, in order."""
    seen: list[str] = []
    real = snapshots._check

    def spy(data_dir, quarter, settings):
        seen.append(quarter.id)
        return real(data_dir, quarter, settings)

    monkeypatch.setattr(snapshots, "_check", spy)
    return seen


def fresh_process() -> None:
    """What a new run starts with: the disk cache as left (the loader keeps nothing in memory
    between calls, so there is nothing else to forget)."""


class _no_cache:
    """PANELPAPER_NO_CACHE=1 for the length of a with-block."""

    def __enter__(self) -> None:
        self.before = os.environ.get(cache.ENV_OFF)
        os.environ[cache.ENV_OFF] = "1"

    def __exit__(self, *exc: object) -> None:
        if self.before is None:
            del os.environ[cache.ENV_OFF]
        else:
            os.environ[cache.ENV_OFF] = self.before


def entries(folder: Path, kind: str) -> list[Path]:
    return sorted((folder / kind).glob("*.pkl"))


def assert_same_snapshot(cached: Snapshot, fresh: Snapshot) -> None:
    pd.testing.assert_frame_equal(cached.recommendations, fresh.recommendations)
    pd.testing.assert_frame_equal(cached.actions, fresh.actions)
    assert cached.warnings == fresh.warnings
    assert cached.meta == fresh.meta
    assert cached.narrative == fresh.narrative
    assert cached.files == fresh.files
    assert (cached.quarter, cached.as_of, cached.folder) == (
        fresh.quarter,
        fresh.as_of,
        fresh.folder,
    )


# --- hits --------------------------------------------------------------------------------------
def test_a_hit_gives_the_frames_a_fresh_read_gives(
    data_dir: Path, make_snapshot, cache_folder: Path, reads: list[str]
) -> None:
    # A completed_date after as_of gives the snapshot a warning the cache must carry too.
    make_snapshot(action_cells={("A4", "completed_date"): "2019-07-15"})
    first = load_snapshot(data_dir, Q1, DEFAULTS)
    fresh_process()
    second = load_snapshot(data_dir, Q1, DEFAULTS)
    assert reads == ["2019-20-Q1"]
    assert len(entries(cache_folder, "head")) == len(entries(cache_folder, "frames")) == 1
    assert [w.column for w in second.warnings] == ["completed_date"]
    assert_same_snapshot(second, first)
    with _no_cache():
        fresh_process()
        assert_same_snapshot(second, load_snapshot(data_dir, Q1, DEFAULTS))


def test_a_snapshot_with_errors_is_cached_with_the_same_findings(
    data_dir: Path, make_snapshot, reads: list[str]
) -> None:
    make_snapshot(action_cells={("A2", "risk"): "Severe"})
    snapshot, first = check_snapshot(data_dir, Q1, DEFAULTS)
    fresh_process()
    again, second = check_snapshot(data_dir, Q1, DEFAULTS)
    assert snapshot is None and again is None
    assert reads == ["2019-20-Q1"]
    assert second == first
    assert [(f.row, f.column, f.value) for f in second] == [(3, "risk", "Severe")]


# --- misses ------------------------------------------------------------------------------------
def test_changed_content_with_the_same_size_and_mtime_misses(
    data_dir: Path, make_snapshot, cache_folder: Path, reads: list[str]
) -> None:
    folder = make_snapshot()
    csv = folder / "recommendations.csv"
    assert load_snapshot(data_dir, Q1, DEFAULTS).recommendations.loc[0, "lead"] == "DCS Example"
    before = csv.stat()
    csv.write_bytes(csv.read_bytes().replace(b"DCS Example", b"DCS Exampla"))
    os.utime(csv, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert (csv.stat().st_size, csv.stat().st_mtime_ns) == (before.st_size, before.st_mtime_ns)
    fresh_process()
    assert load_snapshot(data_dir, Q1, DEFAULTS).recommendations.loc[0, "lead"] == "DCS Exampla"
    assert reads == ["2019-20-Q1", "2019-20-Q1"]
    assert len(entries(cache_folder, "head")) == 2


def test_other_settings_miss(data_dir: Path, make_snapshot, reads: list[str]) -> None:
    # A2 is Medium risk in an Adequate audit, overdue with no delay_reason: monitored (and so
    # warned about) only when the threshold takes Medium risk in every audit.
    make_snapshot()
    wider = Settings(threshold={"High": ASSURANCES, "Medium": ASSURANCES, "Low": ()})
    assert load_snapshot(data_dir, Q1, DEFAULTS).warnings == []
    fresh_process()
    warned = load_snapshot(data_dir, Q1, wider).warnings
    assert [(w.row, w.column) for w in warned] == [(3, "delay_reason")]
    assert reads == ["2019-20-Q1", "2019-20-Q1"]


def test_an_added_file_misses(data_dir: Path, make_snapshot, reads: list[str]) -> None:
    make_snapshot()
    assert check_snapshot(data_dir, Q1, DEFAULTS)[0] is not None
    make_snapshot(actions_format="both")  # a stray CSV beside the workbook is an error
    fresh_process()
    snapshot, findings = check_snapshot(data_dir, Q1, DEFAULTS)
    assert snapshot is None
    assert "ambiguous" in findings[0].message
    assert reads == ["2019-20-Q1", "2019-20-Q1"]


# --- damaged entries ---------------------------------------------------------------------------
@pytest.mark.parametrize("kind", ["head", "frames"])
@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda path: path.write_bytes(b"not a pickle at all"), id="garbage"),
        pytest.param(lambda path: path.write_bytes(path.read_bytes()[:40]), id="truncated"),
        pytest.param(
            lambda path: path.write_bytes(
                pickle.dumps((cache.FORMAT, "head", "0" * 64, {"ok": False, "findings": []}))
            ),
            id="another-key",
        ),
    ],
)
def test_a_damaged_entry_is_ignored_and_rewritten(
    data_dir: Path, make_snapshot, cache_folder: Path, reads: list[str], kind: str, damage
) -> None:
    make_snapshot()
    fresh = load_snapshot(data_dir, Q1, DEFAULTS)
    (entry,) = entries(cache_folder, kind)
    damage(entry)
    fresh_process()
    assert_same_snapshot(load_snapshot(data_dir, Q1, DEFAULTS), fresh)
    assert reads == ["2019-20-Q1", "2019-20-Q1"]
    fresh_process()
    assert_same_snapshot(load_snapshot(data_dir, Q1, DEFAULTS), fresh)
    assert reads == ["2019-20-Q1", "2019-20-Q1"]  # the rewritten entry is good again


# --- the switch and the place ------------------------------------------------------------------
def test_no_cache_neither_reads_nor_writes_entries(
    data_dir: Path, make_snapshot, cache_folder: Path, reads: list[str], monkeypatch
) -> None:
    make_snapshot()
    load_snapshot(data_dir, Q1, DEFAULTS)
    written = entries(cache_folder, "head") + entries(cache_folder, "frames")
    monkeypatch.setenv(cache.ENV_OFF, "1")
    for _ in range(2):
        fresh_process()
        load_snapshot(data_dir, Q1, DEFAULTS)
    assert reads == ["2019-20-Q1"] * 3
    assert entries(cache_folder, "head") + entries(cache_folder, "frames") == written
    monkeypatch.setenv(cache.ENV_OFF, "0")
    fresh_process()
    load_snapshot(data_dir, Q1, DEFAULTS)
    assert reads == ["2019-20-Q1"] * 3


def test_where_the_cache_lives(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(cache.ENV_DIR, str(tmp_path / "mine"))
    assert cache.cache_dir() == tmp_path / "mine"
    monkeypatch.delenv(cache.ENV_DIR)
    monkeypatch.setattr(cache.sys, "platform", "linux")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache.cache_dir() == tmp_path / "xdg" / "panelpaper"


def test_the_cache_stays_out_of_the_data_folder(
    data_dir: Path, make_snapshot, cache_folder: Path
) -> None:
    make_snapshot()
    before = sorted(p.relative_to(data_dir) for p in data_dir.rglob("*"))
    load_snapshot(data_dir, Q1, DEFAULTS)
    assert sorted(p.relative_to(data_dir) for p in data_dir.rglob("*")) == before
    assert entries(cache_folder, "head")


def test_pruning_drops_the_least_recently_used(
    data_dir: Path, make_snapshot, cache_folder: Path
) -> None:
    make_snapshot()
    load_snapshot(data_dir, Q1, DEFAULTS)
    (head,) = entries(cache_folder, "head")
    (frames,) = entries(cache_folder, "frames")
    os.utime(frames, ns=(0, 0))  # long unused
    cache.prune(max_bytes=head.stat().st_size)
    assert (head.exists(), frames.exists()) == (True, False)


# --- history, trends and figures ---------------------------------------------------------------
def two_quarters(make_snapshot) -> None:
    make_snapshot("2019-20-Q1")
    make_snapshot(
        "2019-20-Q2",
        meta={"as_of": "2019-09-30"},
        action_cells={("A3", "status"): "Implemented", ("A3", "completed_date"): "2019-08-01"},
        rec_cells={("R2", "status"): "Complete"},
    )


def test_history_from_the_cache_equals_a_fresh_history(
    data_dir: Path, make_snapshot, reads: list[str]
) -> None:
    two_quarters(make_snapshot)
    with _no_cache():
        fresh = load_history(data_dir, Q2, DEFAULTS)
    fresh_process()
    load_history(data_dir, Q2, DEFAULTS)  # fills the cache
    fresh_process()
    del reads[:]
    cached = load_history(data_dir, Q2, DEFAULTS)
    assert reads == []
    assert [s.quarter for s in cached] == [Q1, Q2]
    for got, want in zip(cached, fresh, strict=True):
        assert_same_snapshot(got, want)


def test_trends_from_cached_rows_equal_trends_computed_afresh(
    data_dir: Path, make_snapshot, cache_folder: Path
) -> None:
    two_quarters(make_snapshot)
    with _no_cache():
        expected = trends(load_history(data_dir, Q2, DEFAULTS), DEFAULTS)
    fresh_process()
    history = load_history(data_dir, Q2, DEFAULTS)
    pd.testing.assert_frame_equal(trends(history, DEFAULTS), expected)  # rows computed, stored
    assert len(entries(cache_folder, "trend")) == 2
    pd.testing.assert_frame_equal(trends(history, DEFAULTS), expected)  # rows from the cache
    assert expected.loc[1, "recommendations_opened"] == 0  # the flows were really compared
    assert expected.loc[1, "open_areas_for_improvement"] == 0


def test_a_snapshot_changed_in_code_is_never_served_cached_rows(
    data_dir: Path, make_snapshot
) -> None:
    make_snapshot()
    snapshot = load_snapshot(data_dir, Q1, DEFAULTS)
    assert snapshot.source_key is not None
    changed = dataclasses.replace(snapshot, actions=snapshot.actions.iloc[:0])
    assert changed.source_key is None
    assert cache.derived_key("trend", [changed.source_key], DEFAULTS) is None


def test_figures_are_the_same_cold_warm_and_without_the_cache(
    data_dir: Path, make_snapshot, monkeypatch: pytest.MonkeyPatch
) -> None:
    two_quarters(make_snapshot)
    cold = to_json(figures_for_quarter(data_dir, Q2))
    fresh_process()
    warm = to_json(figures_for_quarter(data_dir, Q2))
    monkeypatch.setenv(cache.ENV_OFF, "1")
    fresh_process()
    raw = to_json(figures_for_quarter(data_dir, Q2))
    assert cold == warm == raw


def test_a_new_quarter_on_a_cached_history_gives_the_same_figures(
    data_dir: Path, make_snapshot, monkeypatch: pytest.MonkeyPatch, reads: list[str]
) -> None:
    two_quarters(make_snapshot)
    figures_for_quarter(data_dir, Q1)  # last quarter's run filled the cache for Q1
    fresh_process()
    cached = to_json(figures_for_quarter(data_dir, Q2))
    assert reads == ["2019-20-Q1", "2019-20-Q2"]
    monkeypatch.setenv(cache.ENV_OFF, "1")
    fresh_process()
    assert to_json(figures_for_quarter(data_dir, Q2)) == cached


def test_changed_delay_rules_miss_the_figures_record(
    data_dir: Path, make_snapshot, reads: list[str]
) -> None:
    make_snapshot()
    packaged = Path(cache.PACKAGE / "rules" / "delay_rules.yml").read_text(encoding="utf-8")
    rules = data_dir / "delay_rules.yml"
    rules.write_text(packaged, encoding="utf-8")
    before = figures_for_quarter(data_dir, Q1)["delay_categories"]
    rules.write_text(packaged.replace("Pandemic", "Pandemics"), encoding="utf-8")
    fresh_process()
    after = figures_for_quarter(data_dir, Q1)["delay_categories"]
    assert before[0]["name"] == "Pandemic" and after[0]["name"] == "Pandemics"
    assert reads == ["2019-20-Q1"]  # the snapshot itself was still served from the cache


def test_a_kernel_reading_the_data_through_another_path_hits_the_runs_entries(
    data_dir: Path, make_snapshot, reads: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # The run loads settings and snapshots through `data`; each notebook kernel, working in
    # notebooks/, through `../data`.  Same files, so the kernel must read what the run stored.
    make_snapshot()
    (data_dir / "settings.yml").write_text("coming_quarters: 2\n", encoding="utf-8")
    notebooks = data_dir.parent / "notebooks"
    notebooks.mkdir()
    before = figures_for_quarter(data_dir, Q1)
    fresh_process()
    monkeypatch.chdir(notebooks)
    after = figures_for_quarter(Path("..") / "data", Q1)
    assert to_json(after) == to_json(before)
    assert reads == ["2019-20-Q1"]


def test_settings_count_in_a_key_by_content_not_by_where_they_were_read(tmp_path: Path) -> None:
    rules = tmp_path / "delay_rules.yml"
    rules.write_text("categories: []\n", encoding="utf-8")
    here = Settings(source="data/settings.yml", delay_rules_path=rules)
    there = Settings(source="../data/settings.yml", delay_rules_path=tmp_path / "." / rules.name)
    before = cache.settings_part(here)
    assert before == cache.settings_part(there)
    assert before != cache.settings_part(dataclasses.replace(here, coming_quarters=2))
    rules.write_text("categories: [x]\n", encoding="utf-8")
    assert cache.settings_part(here) != before


def test_the_size_limit_in_the_environment_is_part_of_the_key(
    data_dir: Path, make_snapshot, reads: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # The same bytes validated under the default limit must not be served under a lower one.
    make_snapshot()
    assert check_snapshot(data_dir, Q1, DEFAULTS)[0] is not None
    monkeypatch.setenv(MAX_XLSX_MB_VARIABLE, "0.002")
    snapshot, findings = check_snapshot(data_dir, Q1, DEFAULTS)
    assert snapshot is None and "0.002 MB limit" in findings[0].message
    monkeypatch.delenv(MAX_XLSX_MB_VARIABLE)
    assert check_snapshot(data_dir, Q1, DEFAULTS)[0] is not None
    assert reads == ["2019-20-Q1", "2019-20-Q1"]  # the first result was still good to reuse


def test_the_source_key_is_a_real_field() -> None:
    fields = {f.name: f for f in dataclasses.fields(Snapshot)}
    assert not fields["source_key"].init and not fields["source_key"].compare
    assert "_source_key" not in vars(Snapshot)


# --- the code part of the keys -----------------------------------------------------------------
@pytest.fixture
def package_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the package's source that the key is computed from, and a fresh process's
    memory of it (the key is computed once per process)."""
    copy = tmp_path / "checkout" / "analysis"
    shutil.copytree(cache.PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    monkeypatch.setattr(cache, "PACKAGE", copy)
    cache.source_version.cache_clear()
    yield copy
    cache.source_version.cache_clear()


def _key_of(package: Path) -> str:
    cache.source_version.cache_clear()
    return cache.key("head", "the same parts")


def test_an_unchanged_tree_gives_the_same_key_wherever_it_lives(
    package_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = _key_of(package_copy)
    assert _key_of(package_copy) == first
    elsewhere = tmp_path / "another" / "place" / "analysis"
    shutil.copytree(package_copy, elsewhere)
    monkeypatch.setattr(cache, "PACKAGE", elsewhere)
    assert _key_of(elsewhere) == first  # a kernel or another checkout of the same code hits


def test_editing_any_source_file_of_the_package_changes_the_key(
    package_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cache, "LIBRARIES", ())  # their versions are the slow part, unchanged here
    before = _key_of(package_copy)
    sources = sorted(package_copy.rglob("*.py")) + sorted((package_copy / "rules").iterdir())
    assert len(sources) > 50 and any(p.suffix == ".yml" for p in sources)
    unchanged = []
    for path in sources:
        text = path.read_bytes()
        path.write_bytes(text + b"\n")
        if _key_of(package_copy) == before:
            unchanged.append(path.relative_to(package_copy).as_posix())
        path.write_bytes(text)
    assert unchanged == []
    assert _key_of(package_copy) == before


def test_a_module_added_renamed_or_moved_changes_the_key(package_copy: Path) -> None:
    before = _key_of(package_copy)
    added = package_copy / "figures" / "new_figure.py"
    added.write_text("")
    assert _key_of(package_copy) != before
    added.unlink()
    assert _key_of(package_copy) == before
    (package_copy / "inputs" / "row_warnings.py").rename(package_copy / "row_warnings.py")
    assert _key_of(package_copy) != before


def test_compiled_files_and_other_files_beside_the_code_do_not_count(package_copy: Path) -> None:
    before = _key_of(package_copy)
    (package_copy / "inputs" / "__pycache__").mkdir()
    (package_copy / "inputs" / "__pycache__" / "snapshots.cpython-311.pyc").write_bytes(b"x")
    (package_copy / "inputs" / "notes.txt").write_text("a scratch file")
    assert _key_of(package_copy) == before


def test_the_key_is_computed_once_per_process(package_copy: Path) -> None:
    """Hashing the package costs milliseconds: done once, not on every key.  So code edited
    under a running process keeps that process's key (its modules are already loaded)."""
    before = _key_of(package_copy)
    (package_copy / "quarters.py").write_text("# edited while the process runs\n")
    assert cache.key("head", "the same parts") == before
    assert _key_of(package_copy) != before


def test_an_entry_written_by_other_code_is_never_served(
    data_dir: Path, make_snapshot, reads: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    make_snapshot()
    check_snapshot(data_dir, Q1, DEFAULTS)
    check_snapshot(data_dir, Q1, DEFAULTS)
    assert reads == ["2019-20-Q1"]
    monkeypatch.setattr(cache, "source_version", lambda: "the package after an edit")
    check_snapshot(data_dir, Q1, DEFAULTS)
    assert reads == ["2019-20-Q1", "2019-20-Q1"]


def test_the_library_versions_count_in_the_key(monkeypatch: pytest.MonkeyPatch) -> None:
    cache.source_version.cache_clear()
    before = cache.key("head", "the same parts")
    real = cache.metadata.version
    monkeypatch.setattr(
        cache.metadata, "version", lambda name: "0.0" if name == "pandas" else real(name)
    )
    cache.source_version.cache_clear()
    try:
        assert cache.key("head", "the same parts") != before
    finally:
        monkeypatch.undo()
        cache.source_version.cache_clear()


_KEY_IN_A_PROCESS = (
    "from analysis.engine import cache\nprint(cache.key('head', 'the same parts'))\n"
)


def _key_in_a_process(root: Path) -> str:
    env = {**os.environ, "PYTHONPATH": str(root), "PYTHONDONTWRITEBYTECODE": "1"}
    done = subprocess.run(
        [sys.executable, "-c", _KEY_IN_A_PROCESS],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.strip()


def test_a_process_importing_an_edited_checkout_computes_another_key(package_copy: Path) -> None:
    """What a real run sees: two processes of the same checkout agree, and an edit of a module
    the loader does not even import (the follow-up lists) retires the entries."""
    root = package_copy.parent
    before = _key_in_a_process(root)
    assert _key_in_a_process(root) == before
    lists = package_copy / "followup" / "lists.py"
    lists.write_text(lists.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    assert _key_in_a_process(root) != before
