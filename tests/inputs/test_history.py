"""The history: every snapshot up to a quarter, validated, earlier ones loaded only when used."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from analysis.inputs.findings import SnapshotError
from analysis.inputs.history import Earlier, History, load_history
from analysis.inputs.settings import Settings
from analysis.inputs.snapshots import load_snapshot
from analysis.quarters import Quarter

Q1 = Quarter(2019, 1)
XLSX = "snapshots/2019-20-Q1/audit_actions.xlsx"
DEFAULTS = Settings()


def test_load_history_is_oldest_first_and_stops_at_up_to(data_dir: Path, make_snapshot) -> None:
    make_snapshot("2019-20-Q1")
    make_snapshot("2018-19-Q4", meta={"as_of": "2019-03-31"})
    make_snapshot("2019-20-Q2", meta={"as_of": "2019-09-30"})
    history = load_history(data_dir, Q1, DEFAULTS)
    assert [s.quarter.id for s in history] == ["2018-19-Q4", "2019-20-Q1"]
    assert [s.as_of for s in history] == [dt.date(2019, 3, 31), dt.date(2019, 6, 30)]


def test_load_history_raises_with_every_error(data_dir: Path, make_snapshot) -> None:
    make_snapshot("2019-20-Q1", action_cells={("A1", "risk"): "Huge"})
    make_snapshot("2018-19-Q4", meta={"as_of": "2019-03-31"}, rec_cells={("R1", "type"): "?"})
    with pytest.raises(SnapshotError) as caught:
        load_history(data_dir, Q1, DEFAULTS)
    assert {f.file for f in caught.value.findings} == {
        "snapshots/2018-19-Q4/recommendations.csv",
        XLSX,
    }


def test_earlier_snapshots_are_held_as_keys_and_loaded_when_used(
    data_dir: Path, make_snapshot
) -> None:
    make_snapshot("2018-19-Q4", meta={"as_of": "2019-03-31"})
    make_snapshot("2019-20-Q1")
    load_history(data_dir, Q1, DEFAULTS)  # the cache now holds both
    history = load_history(data_dir, Q1, DEFAULTS)
    assert history.quarters == [Quarter(2018, 4), Q1]
    assert all(history.source_keys)
    earlier = history[0]
    assert earlier.source_key == history.source_keys[0]
    assert len(earlier.actions) == len(load_snapshot(data_dir, Quarter(2018, 4), DEFAULTS).actions)
    earlier.actions["scratch"] = 1  # a caller's column stays the caller's
    assert "scratch" not in history[0].actions.columns


def test_up_to_orders_the_earlier_quarters_and_ends_with_the_given_snapshot(
    data_dir: Path, make_snapshot
) -> None:
    for quarter, as_of in (("2018-19-Q3", "2018-12-31"), ("2018-19-Q4", "2019-03-31")):
        make_snapshot(quarter, meta={"as_of": as_of})
    make_snapshot("2019-20-Q1")
    history = load_history(data_dir, Q1, DEFAULTS)
    shuffled = History([history[2], history[0], history[1]])
    latest = load_snapshot(data_dir, Q1, DEFAULTS)
    assert shuffled.up_to(latest).quarters == [Quarter(2018, 3), Quarter(2018, 4), Q1]
    assert shuffled.up_to(history[1]).quarters == [Quarter(2018, 3), Quarter(2018, 4)]


def test_a_slice_or_an_up_to_reads_no_earlier_snapshot_its_history_has_read(
    data_dir: Path, make_snapshot, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With the disk cache off (as under ``verify``) the trends cut the history once per
    quarter; an earlier snapshot is read from its files once, whichever cut asks first."""
    monkeypatch.setenv("PANELPAPER_NO_CACHE", "1")
    for quarter, as_of in (("2018-19-Q3", "2018-12-31"), ("2018-19-Q4", "2019-03-31")):
        make_snapshot(quarter, meta={"as_of": as_of})
    make_snapshot("2019-20-Q1")
    history = History(load_history(data_dir, Q1, DEFAULTS)._entries)  # nothing held yet
    read: list[Quarter] = []
    earlier_load = Earlier.load
    monkeypatch.setattr(
        Earlier, "load", lambda self: read.append(self.quarter) or earlier_load(self)
    )

    for end in range(1, len(history) + 1):
        assert [s.quarter for s in history[:end]] == history.quarters[:end]
    assert [s.quarter for s in history.up_to(history[-1])] == history.quarters
    assert history[0].actions.equals(history[:1][0].actions)

    assert read == [Quarter(2018, 3), Quarter(2018, 4)]
