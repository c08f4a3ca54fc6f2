"""The paper's section on deadlines that move and on work awaiting verification.

Audit committees press on whose deadlines keep moving, which were moved only after they had
passed, and what has been reported done but not yet confirmed by internal audit.  Every number
here is read from the quarter's figures record (``deadlines`` and ``verification``, computed by
:mod:`analysis.figures.deadlines` and :mod:`analysis.figures.verification`); restricted audits
arrive there already reading ``Restricted item``.
"""

from __future__ import annotations

import pandas as pd

from analysis.figures.deadlines import SLIP_BANDS, SLIP_OVER
from analysis.figures.verification import OVER_DAYS
from analysis.presentation.paper_context import PaperContext
from analysis.presentation.tables import markdown_table, with_total
from analysis.presentation.wording import count, figure, join_and, number, verb
from analysis.quarters import long_date

TIMES = {1: "once", 2: "twice"}


def times(n: int) -> str:
    """ "once", "twice", "three times"."""
    return TIMES.get(n, f"{number(n)} times")


def moved_text(ctx: PaperContext) -> str:
    """How many outstanding actions have had their deadline moved, how many more than the
    limit and how many after the deadline had passed, and how far they have slipped."""
    f = ctx.figures
    d = f["deadlines"]
    outstanding = f["actions"]["outstanding"]
    first = f["trends"][0]["label"]
    limit = times(d["limit"])
    if outstanding == 0:
        return "No action meeting the threshold is outstanding, so no moved deadlines are reported."
    since = (
        f"in the quarterly snapshots since {first}"
        if first != f["quarter_label"]
        else "in this quarter's snapshot (the first held)"
    )
    if d["moved"] == 0:
        return (
            f"None of the {figure(outstanding, 'outstanding action')} has had its deadline "
            f"moved {since}."
        )
    by_count = d["moved_by_count"]
    how_often = join_and(f"{number(n)} {times(int(k))}" for k, n in by_count.items())
    text = (
        f"Of the {figure(outstanding, 'outstanding action')}, {d['moved']:,} "
        f"{verb(d['moved'], 'has', 'have')} had {'its' if d['moved'] == 1 else 'their'} "
        f"deadline moved {since}: {how_often}."
    )
    over = d["moved_more_than_limit"]
    if over:
        text += (
            f" {count(over, 'action').capitalize()} {verb(over, 'has', 'have')} been moved more "
            f"than {limit}, the limit the Panel has set; {'it is' if over == 1 else 'they are'} "
            "listed below."
        )
    else:
        text += f" None has been moved more than {limit}, the limit the Panel has set."
    late = d["moved_after_passing"]
    if late:
        text += (
            f" Of the moved actions, {number(late)} {verb(late, 'was', 'were')} moved only after "
            "the earlier deadline had passed."
        )
    else:
        text += " Every move was agreed before the earlier deadline had passed."
    slip = d["median_slip_days"]
    text += (
        f" Half of the moved actions now fall due {slip:,} days or more after the date first "
        "agreed (the median slip)."
        if slip and slip > 0
        else ""
    )
    return text


def moved_groups_table(ctx: PaperContext) -> pd.DataFrame:
    """Per business group: moved, moved more than the limit, moved after passing."""
    d = ctx.figures["deadlines"]
    limit = times(d["limit"])
    columns = [
        "Business group",
        "Deadline moved",
        f"Moved more than {limit}",
        "Moved after it had passed",
    ]
    rows = [
        [
            group,
            counts.get("moved", 0),
            counts.get("moved_more_than_limit", 0),
            counts.get("moved_after_passing", 0),
        ]
        for group, counts in d["by_business_group"].items()
    ]
    frame = pd.DataFrame(rows, columns=columns)
    if not rows:
        return frame
    moved, over_limit, after_passing = columns[1:]
    return with_total(
        frame,
        {
            moved: d["moved"],
            over_limit: d["moved_more_than_limit"],
            after_passing: d["moved_after_passing"],
        },
    )


def moved_over_limit_table(ctx: PaperContext) -> pd.DataFrame:
    """The actions moved more than the limit, most moves first."""
    columns = [
        "Audit",
        "Business group",
        "Original deadline",
        "Current deadline",
        "Times moved",
    ]
    rows = [
        [
            item["audit"],
            item["business_group"],
            long_date(item["original_due_date"]),
            long_date(item["current_deadline"]),
            item["moves"],
        ]
        for item in ctx.figures["deadlines"]["moved_more_than_limit_actions"]
    ]
    return pd.DataFrame(rows, columns=columns)


def moved_over_limit_markdown(ctx: PaperContext) -> str:
    """A lead-in and the table of actions moved more than the limit; empty when there are
    none (Quarto needs an output to embed; an empty Markdown output adds nothing)."""
    table = moved_over_limit_table(ctx)
    if table.empty:
        return ""
    limit = times(ctx.figures["deadlines"]["limit"])
    return (
        f"The actions whose deadline has been moved more than {limit}, with the deadline "
        "first agreed and the one now agreed:\n\n" + markdown_table(table)
    )


def slip_chart_data(ctx: PaperContext) -> pd.DataFrame:
    """Moved actions per band of slip (current deadline less the one first agreed), every
    band from the first to the last holding an action, in order."""
    counts = ctx.figures["deadlines"]["slip_by_band"]
    bands = [*SLIP_BANDS, SLIP_OVER]
    held = [i for i, band in enumerate(bands) if counts.get(band)]
    shown = bands[held[0] : held[-1] + 1] if held else []
    return pd.DataFrame({"slip": shown, "count": [counts.get(b, 0) for b in shown]})


# --- verification -------------------------------------------------------------------------------
def verification_text(ctx: PaperContext) -> str:
    """The paragraph on implemented actions awaiting internal audit's verification."""
    v = ctx.figures.get("verification")
    if v is None:
        return (
            "The action tracker does not yet record when internal audit verified an action "
            "reported implemented, so none is reported as awaiting verification."
        )
    done, waiting, over = (
        v["implemented_this_quarter"],
        v["awaiting_verification"],
        v["awaiting_verification_over_90_days"],
    )
    label = ctx.figures["quarter_label"]
    text = (
        f"An action reported implemented is done only once internal audit has verified it. "
        f"In {label} owners reported {count(done, 'monitored action')} implemented."
    )
    if waiting == 0:
        return text + " Internal audit has verified every action reported implemented."
    text += (
        f" Of the actions reported implemented, {number(waiting)} "
        f"{verb(waiting, 'awaits', 'await')} verification"
    )
    oldest = v.get("oldest_days_awaiting")
    before = f"more than {OVER_DAYS} days before {long_date(ctx.figures['as_of'])}"
    if over and waiting == 1 and oldest:
        text += f"; it was reported implemented {oldest:,} days before {long_date(ctx.figures['as_of'])}"
    elif over and waiting == 1:
        text += f"; it was reported implemented {before}"
    elif over:
        text += f", {number(over)} of them reported implemented {before}"
        text += f" (the longest {oldest:,} days before)" if oldest else ""
    return text + "."


def verification_table(ctx: PaperContext) -> pd.DataFrame:
    """Actions awaiting verification per business group, and those waiting over 90 days."""
    columns = ["Business group", "Awaiting verification", f"Of which over {OVER_DAYS} days"]
    v = ctx.figures.get("verification")
    if v is None or not v["awaiting_verification"]:
        return pd.DataFrame(columns=columns)
    over = v["over_90_days_by_business_group"]
    rows = [[g, n, over.get(g, 0)] for g, n in v["by_business_group"].items()]
    frame = pd.DataFrame(rows, columns=columns)
    awaiting, over_days = columns[1:]
    return with_total(
        frame,
        {awaiting: v["awaiting_verification"], over_days: v["awaiting_verification_over_90_days"]},
    )


def verification_markdown(ctx: PaperContext) -> str:
    """The paragraph, and the table by business group when anything awaits verification."""
    text = verification_text(ctx)
    table = verification_table(ctx)
    if table.empty:
        return text
    return f"{text} By business group:\n\n{markdown_table(table)}"


# --- across quarters ----------------------------------------------------------------------------
DEADLINE_TREND_COLUMNS = ("moved", "moved_after_passing", "awaiting_verification")
"""The counts the trends notebook draws a line for."""


def deadline_trends_chart_data(ctx: PaperContext) -> pd.DataFrame:
    """``deadline_trends`` as a frame, a quarter that did not record verification blank."""
    frame = pd.DataFrame(ctx.figures["deadline_trends"])
    for column in DEADLINE_TREND_COLUMNS:
        frame[column] = pd.to_numeric(frame[column], errors="coerce").astype(float)
    return frame


def deadline_trends_table(ctx: PaperContext) -> pd.DataFrame:
    """The same counts per quarter, awaiting verification blank where not recorded."""
    rows = ctx.figures["deadline_trends"]
    limit = times(ctx.figures["deadlines"]["limit"])
    return pd.DataFrame(
        {
            "Quarter": [r["label"] for r in rows],
            "Deadline moved": [r["moved"] for r in rows],
            f"Moved more than {limit}": [r["moved_more_than_limit"] for r in rows],
            "Moved after it had passed": [r["moved_after_passing"] for r in rows],
            "Awaiting verification": [
                "" if r["awaiting_verification"] is None else r["awaiting_verification"]
                for r in rows
            ],
        }
    )
