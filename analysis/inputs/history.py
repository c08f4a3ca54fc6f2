"""Every snapshot up to a quarter, oldest first, without holding forty national trackers at once.

The trends, extensions and theme trends read every snapshot since records began, but forty
quarters of national data would not fit in memory together.  So a :class:`History` validates
every snapshot when it is made (an error in any of them stops the run, as before) but keeps only
what is small of the earlier ones (:class:`Earlier`: the quarter, ``as_of`` and the key of the
files they were read from) and loads an earlier snapshot in full only when one is asked for,
from the disk cache or, without it, from its files.  The newest snapshot is held in full.

The keys alone are what a warm run needs: a trend row or a figures record cached under them is
found without a single frame being read (:attr:`History.source_keys`).  The last few snapshots
loaded are kept (up to :data:`HELD_ROWS` rows of frames), since the figures walk the history
several times over.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import OrderedDict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import overload

import pandas as pd

from analysis.engine import cache
from analysis.inputs.findings import Finding, SnapshotError
from analysis.inputs.settings import Settings, load_settings
from analysis.inputs.snapshot import Snapshot
from analysis.inputs.snapshots import cached_head, check_snapshot, list_quarters
from analysis.quarters import Quarter

HELD_ROWS = 400_000
"""Rows of earlier snapshots' frames a history keeps once loaded: a few national-size
snapshots, never a whole history."""


@dataclass(frozen=True)
class Earlier:
    """An earlier quarter's snapshot, validated, with its frames left where they are."""

    quarter: Quarter
    as_of: dt.date
    source_key: str | None
    data_dir: Path
    settings: Settings

    def load(self) -> Snapshot:
        """The snapshot in full, as :func:`check_snapshot` gives it now."""
        snapshot, findings = check_snapshot(self.data_dir, self.quarter, self.settings)
        if snapshot is None:
            raise SnapshotError(findings)
        return snapshot


class History(Sequence[Snapshot]):
    """Snapshots oldest first; indexing or iterating gives each in full, loading earlier ones
    on demand (a caller may add columns to the frames it is given without changing what the
    history holds)."""

    def __init__(self, entries: Sequence[Snapshot | Earlier], held: Held | None = None) -> None:
        self._entries = list(entries)
        self._held = Held() if held is None else held
        self.quarters: list[Quarter] = [e.quarter for e in self._entries]
        self.source_keys: list[str | None] = [e.source_key for e in self._entries]
        """Each snapshot's :attr:`Snapshot.source_key`, known without loading any frame."""
        self.as_ofs: list[dt.date] = [e.as_of for e in self._entries]
        """Each snapshot's ``as_of``, known without loading any frame."""

    @classmethod
    def of(cls, snapshots: Sequence[Snapshot]) -> History:
        """``snapshots`` as a history (itself when it already is one)."""
        return snapshots if isinstance(snapshots, History) else cls(list(snapshots))

    def __len__(self) -> int:
        return len(self._entries)

    @overload
    def __getitem__(self, index: int) -> Snapshot: ...

    @overload
    def __getitem__(self, index: slice) -> History: ...

    def __getitem__(self, index: int | slice) -> Snapshot | History:
        if isinstance(index, slice):
            return History(self._entries[index], self._held)
        entry = self._entries[index]
        if isinstance(entry, Snapshot):
            return _shallow_copy(entry)
        held = self._held.get(entry)
        if held is None:
            held = self._held.keep(entry, entry.load())
        return _shallow_copy(held)

    def __iter__(self) -> Iterator[Snapshot]:
        return (self[i] for i in range(len(self)))

    def up_to(self, snapshot: Snapshot) -> History:
        """The snapshots of quarters before ``snapshot``'s, oldest first, then ``snapshot``."""
        earlier = sorted(
            (i for i, q in enumerate(self.quarters) if q < snapshot.quarter),
            key=lambda i: self.quarters[i],
        )
        return History([*(self._entries[i] for i in earlier), snapshot], self._held)


class Held:
    """The earlier snapshots loaded so far by a history and by every history cut from it (a
    slice, :meth:`History.up_to`), least recently used first, up to :data:`HELD_ROWS` rows.

    Shared rather than copied: the trends read the history once per quarter through a slice
    ending at that quarter, and with the disk cache off (``verify``, ``PANELPAPER_NO_CACHE``)
    a slice that started empty read every earlier snapshot's files again, nearly three times
    per snapshot over a year.  An entry is known by identity, and kept with its snapshot so
    that the identity stays its own.
    """

    def __init__(self) -> None:
        self._by_entry: OrderedDict[int, tuple[Earlier, Snapshot]] = OrderedDict()

    def get(self, entry: Earlier) -> Snapshot | None:
        found = self._by_entry.get(id(entry))
        if found is None:
            return None
        self._by_entry.move_to_end(id(entry))
        return found[1]

    def keep(self, entry: Earlier, snapshot: Snapshot) -> Snapshot:
        """Keep ``snapshot``, dropping the least recently used beyond :data:`HELD_ROWS`."""
        self._by_entry[id(entry)] = (entry, snapshot)
        self._by_entry.move_to_end(id(entry))
        total = sum(_rows(s) for _, s in self._by_entry.values())
        while len(self._by_entry) > 1 and total > HELD_ROWS:
            _, (_, dropped) = self._by_entry.popitem(last=False)
            total -= _rows(dropped)
        return snapshot


def _rows(snapshot: Snapshot) -> int:
    return len(snapshot.recommendations) + len(snapshot.actions)


def _shallow_copy(snapshot: Snapshot) -> Snapshot:
    copied = dataclasses.replace(
        snapshot,
        recommendations=snapshot.recommendations.copy(deep=False),
        actions=snapshot.actions.copy(deep=False),
        tracker=None if snapshot.tracker is None else snapshot.tracker.copy(deep=False),
    )
    copied.source_key = snapshot.source_key
    return copied


def load_history(data_dir: Path, up_to: Quarter, settings: Settings | None = None) -> History:
    """Every snapshot up to and including ``up_to``, oldest first; SnapshotError listing the
    errors of every snapshot that fails validation."""
    data_dir = Path(data_dir)
    settings = load_settings(data_dir) if settings is None else settings
    quarters = [q for q in list_quarters(data_dir) if q <= up_to]
    entries: list[Snapshot | Earlier] = []
    loaded: list[tuple[Earlier, Snapshot]] = []
    errors: list[Finding] = []
    for position, quarter in enumerate(quarters):
        latest = position == len(quarters) - 1
        head = None if latest else cached_head(data_dir, quarter, settings)
        snapshot, findings = head or check_snapshot(data_dir, quarter, settings)
        if snapshot is None:
            errors.extend(f for f in findings if f.severity == "error")
        elif latest:
            entries.append(snapshot)
        else:
            earlier = Earlier(quarter, snapshot.as_of, snapshot.source_key, data_dir, settings)
            entries.append(earlier)
            if head is None:  # read in full just now: keep it rather than read it again
                loaded.append((earlier, snapshot))
    if errors:
        raise SnapshotError(errors)
    held = Held()
    for earlier, snapshot in loaded:
        held.keep(earlier, snapshot)
    return History(entries, held)


def revised_deadlines(history: Sequence[Snapshot]) -> list[pd.DataFrame]:
    """Each snapshot's actions that carry a revised deadline (``action_id``,
    ``revised_due_date``): all that counting extensions across the history needs, since an
    action never revised counts zero either way.  Small enough to keep in the disk cache for
    every past quarter, so that, once cached, no earlier snapshot's frames are read for them."""
    history = History.of(history)

    def revised(position: int) -> pd.DataFrame:
        actions = history[position].actions
        return actions.loc[actions["revised_due_date"].notna(), ["action_id", "revised_due_date"]]

    return [
        cache.remembered(
            "revisions",
            cache.derived_key("revisions", [source], None),
            lambda p=position: revised(p),
        )
        for position, source in enumerate(history.source_keys)
    ]


DEADLINE_COLUMNS = ("action_id", "due_date", "revised_due_date")


def deadline_columns(history: Sequence[Snapshot]) -> list[pd.DataFrame]:
    """Each snapshot's actions with their dates agreed (``action_id``, ``due_date``,
    ``revised_due_date``): what an action's deadline history needs
    (:mod:`analysis.figures.deadlines`).  Kept in the disk cache per snapshot, like
    :func:`revised_deadlines`, so that a warm run reads no earlier snapshot's frames."""
    history = History.of(history)

    def columns(position: int) -> pd.DataFrame:
        return history[position].actions[list(DEADLINE_COLUMNS)].copy()

    return [
        cache.remembered(
            "revisions",  # kept with the revised deadlines; the key's kind tells them apart
            cache.derived_key("deadline-columns", [source], None),
            lambda p=position: columns(p),
        )
        for position, source in enumerate(history.source_keys)
    ]
