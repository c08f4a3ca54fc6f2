"""``panelpaper new QUARTER``: the next quarter's snapshot folder, started from the latest one.

Each quarter the analyst copies last quarter's details and headings and then edits them; doing
it by hand is where a stale ``as_of`` or last quarter's prose slips into a new paper.  So the
folder is started here: ``snapshot.yml`` with ``as_of`` set to the quarter's last day,
``panel_date`` left as :data:`~analysis.inputs.snapshot_meta.PANEL_DATE_PLACEHOLDER` and every
other key carried from the latest quarter for editing, and ``narrative.md`` with the latest
quarter's headings, each followed by :data:`PLACEHOLDER`.  ``panelpaper check`` reports every
placeholder as an error until it is replaced, so an unedited narrative or last quarter's
meeting date cannot reach a paper.  The panel date is not computed: the panel sets its own
meetings (the sample panel met 71 to 87 days after a quarter's end), and a guessed date that
looks right is the one nobody checks.  The exports themselves are dropped in as downloaded.

A quarter that already has a folder is refused: a snapshot, once started, is the analyst's.
So is a quarter that would leave a gap after the latest earlier snapshot (``new 2021-22-Q3``
when the latest is 2020-21-Q1), unless the gap is asked for (``allow_gap``, the command's
``--allow-gap``): the quarters skipped are named, with the command that starts each.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from analysis.inputs.narrative import PLACEHOLDER
from analysis.inputs.snapshot_cache import snapshots_dir
from analysis.inputs.snapshot_meta import PANEL_DATE_PLACEHOLDER
from analysis.inputs.snapshots import (
    ACTIONS_XLSX,
    NARRATIVE_MD,
    RECOMMENDATIONS_CSV,
    SNAPSHOT_YML,
    TRACKER_CSV,
    list_quarters,
    snapshot_folder,
)
from analysis.inputs.vocabulary import ACTIONS_SHEET
from analysis.quarters import Quarter, quarter_range

DEFAULT_HEADINGS = ("## Inspection activity", "## Commentary")

EXPORTS = (
    f"drop in {RECOMMENDATIONS_CSV} (the HMICFRS Monitoring Portal export), {ACTIONS_XLSX} "
    f"(the DARA action tracker, sheet {ACTIONS_SHEET!r}) and, if the force keeps one, "
    f"{TRACKER_CSV} (its own HMICFRS tracker), exactly as downloaded"
)

_HEADING = re.compile(r"^#{2,6}[ \t]+\S")
_FENCE = re.compile(r"^[ \t]{0,3}(```|~~~)")


class NewQuarterError(ValueError):
    """The folder cannot be started (it exists, the data folder has no snapshots/, or quarters
    would be skipped without ``allow_gap``)."""


@dataclass(frozen=True)
class NewQuarter:
    quarter: Quarter
    folder: Path
    carried_from: Quarter | None
    files: tuple[Path, ...]
    skipped: tuple[Quarter, ...] = ()
    """Quarters between ``carried_from`` and ``quarter`` that have no snapshot folder."""


def skipped_quarters(source: Quarter | None, quarter: Quarter) -> tuple[Quarter, ...]:
    """The quarters strictly between the latest earlier snapshot and the new quarter."""
    if source is None or quarter - source <= 1:
        return ()
    return tuple(quarter_range(source.next(), quarter.previous()))


def skipped_text(skipped: tuple[Quarter, ...]) -> str:
    """'2020-21-Q2, 2020-21-Q3 (2 quarters)': the skipped quarters, named."""
    count = f"{len(skipped)} quarter{'s' if len(skipped) != 1 else ''}"
    return f"{', '.join(q.id for q in skipped)} ({count})"


def headings(narrative: str) -> list[str]:
    """The level-2 and deeper Markdown headings of a narrative, in order (fences skipped)."""
    found, fenced = [], False
    for line in narrative.splitlines():
        if _FENCE.match(line):
            fenced = not fenced
        elif not fenced and _HEADING.match(line):
            found.append(line.rstrip())
    return found


def gap_refusal(quarter: Quarter, source: Quarter, skipped: tuple[Quarter, ...]) -> str:
    """Why a quarter that skips others is not started, and the commands that start them."""
    first = f"panelpaper new {skipped[0].id}"
    how = (
        f"start it first ({first})"
        if len(skipped) == 1
        else f"start them in order first ({first}, and so on to {skipped[-1].id})"
    )
    return (
        f"{quarter.id} would skip {skipped_text(skipped)} after the latest snapshot before it, "
        f"{source.id}: {how}, or give --allow-gap if the panel has no paper for "
        f"{'it' if len(skipped) == 1 else 'them'}"
    )


def narrative_template(previous: str | None) -> str:
    """The latest quarter's headings, each with the placeholder under it."""
    heads = headings(previous or "") or list(DEFAULT_HEADINGS)
    return "\n\n".join(f"{head}\n\n{PLACEHOLDER}" for head in heads) + "\n"


def snapshot_template(quarter: Quarter, previous: str | None, source: Quarter | None) -> str:
    """snapshot.yml: as_of at the quarter's end, the latest quarter's other keys as written."""
    carried: dict[str, object] = {}
    if previous:
        loaded = yaml.load(previous, Loader=yaml.BaseLoader)  # values kept as written
        if isinstance(loaded, dict):
            carried = {str(k): v for k, v in loaded.items()}
    carried.pop("as_of", None)
    carried.pop("panel_date", None)
    meta = {
        "as_of": quarter.last_day.isoformat(),
        "panel_date": f"{PANEL_DATE_PLACEHOLDER}, on or after {quarter.last_day.isoformat()}",
        **carried,
    }
    head = (
        f"# {quarter.id}: started by panelpaper new"
        + (f" from {source.id}; check every key below" if source else "")
        + " (panel_date, authors, contact).\n"
        + "# panel_date: write the meeting's date (check refuses this placeholder), or delete\n"
        + "# the line for the paper to say 'date to be confirmed'.\n"
    )
    return head + yaml.safe_dump(meta, sort_keys=False, allow_unicode=True, width=200)


def start_quarter(data_dir: Path, quarter: Quarter, *, allow_gap: bool = False) -> NewQuarter:
    """Write the new quarter's folder; refuses one that exists, and one that would skip
    quarters after the latest earlier snapshot unless ``allow_gap``."""
    data_dir = Path(data_dir)
    if not snapshots_dir(data_dir).is_dir():
        raise NewQuarterError(f"{data_dir}: has no snapshots/ folder")
    folder = snapshot_folder(data_dir, quarter)
    if folder.exists():
        raise NewQuarterError(
            f"snapshots/{quarter.id} already exists; a started quarter is never overwritten"
        )
    earlier = [q for q in list_quarters(data_dir) if q < quarter]
    source = earlier[-1] if earlier else None
    skipped = skipped_quarters(source, quarter)
    if skipped and not allow_gap:
        assert source is not None
        raise NewQuarterError(gap_refusal(quarter, source, skipped))
    source_folder = snapshot_folder(data_dir, source) if source else None

    def previous(name: str) -> str | None:
        path = None if source_folder is None else source_folder / name
        return path.read_text(encoding="utf-8-sig") if path and path.is_file() else None

    meta = snapshot_template(quarter, previous(SNAPSHOT_YML), source)
    narrative = narrative_template(previous(NARRATIVE_MD))
    folder.mkdir(parents=True)
    written = (folder / SNAPSHOT_YML, folder / NARRATIVE_MD)
    written[0].write_text(meta, encoding="utf-8")
    written[1].write_text(narrative, encoding="utf-8")
    return NewQuarter(quarter, folder, source, written, skipped)
