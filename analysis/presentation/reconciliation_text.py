"""The paper's words and tables on the portal lined up against the force's own tracker.

Only a quarter whose snapshot holds ``hmicfrs_tracker`` has a ``reconciliation`` in its figures;
for any other quarter every function here gives nothing at all (no heading, no sentence, no
table), so the paper of a force without its own tracker reads exactly as before.  Counts and
rec ids come from figures.json; the detail table's free text (inspection, evidence) is masked
for OFFICIAL-SENSITIVE rows on either side.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pandas as pd

from analysis.figures import reconciliation as rc
from analysis.inputs.vocabulary import OFFICIAL_SENSITIVE, RESTRICTED_ITEM
from analysis.presentation.markup import literal
from analysis.presentation.tables import captioned_table, markdown_table
from analysis.presentation.wording import count, join_and, verb
from analysis.quarters import long_date

if TYPE_CHECKING:
    from analysis.presentation.paper_context import PaperContext

HEADING = "## The portal and the force's own tracker"
GROUPS_CAPTION = "Open recommendations on the portal against the force's own tracker, by group"
GROUPS_LABEL = "tbl-reconciliation"
READY_CAPTION = "Recommendations to put to the inspectorate for closing, by portal reference"
READY_LABEL = "tbl-ready-to-close"

GROUP_LABELS = {
    rc.READY_TO_CLOSE: "Ready to close: evidence submitted or complete internally",
    rc.IN_PROGRESS: "Being worked on in both records",
    rc.NOT_TRACKED: "Not yet on the own tracker (no owner)",
    rc.CLOSED_ON_PORTAL: "Closed on the portal, not complete internally (to check)",
    rc.NOT_ON_PORTAL: "On the own tracker, not in the portal export",
}
OPEN_TOTAL = "Open on the portal (total)"


def _figures(ctx: PaperContext) -> dict[str, Any] | None:
    return ctx.figures.get("reconciliation")


def reconciliation_text(ctx: PaperContext) -> str:
    """The reconciliation in sentences; empty when the quarter has no own tracker."""
    groups = _figures(ctx)
    if groups is None:
        return ""
    n = {name: groups[name]["count"] for name in rc.GROUPS}
    total = sum(n[name] for name in rc.OPEN_GROUPS)
    text = (
        f"The force keeps its own record of progress on each recommendation, updated every "
        f"quarter, and it has been set against the portal as at {long_date(ctx.figures['as_of'])}. "
        f"Of the {count(total, 'open recommendation')} on the portal, "
        f"{count(n[rc.READY_TO_CLOSE], 'recommendation')} "
        f"{verb(n[rc.READY_TO_CLOSE], 'has', 'have')} evidence submitted or "
        f"{verb(n[rc.READY_TO_CLOSE], 'is', 'are')} complete internally, so the inspectorate "
        f"will be asked to close {'it' if n[rc.READY_TO_CLOSE] == 1 else 'them'}; "
        f"{count(n[rc.IN_PROGRESS], 'recommendation')} "
        f"{verb(n[rc.IN_PROGRESS], 'is', 'are')} being worked on in both records; and "
        f"{count(n[rc.NOT_TRACKED], 'recommendation')} "
        f"{verb(n[rc.NOT_TRACKED], 'is', 'are')} not yet on the force's own tracker, so "
        f"{verb(n[rc.NOT_TRACKED], 'has', 'have')} no owner recorded."
    )
    closed, absent = n[rc.CLOSED_ON_PORTAL], n[rc.NOT_ON_PORTAL]
    if closed:
        text += (
            f" {count(closed, 'recommendation').capitalize()} closed on the portal "
            f"{verb(closed, 'is', 'are')} not complete internally "
            f"({join_and(literal(i) for i in groups[rc.CLOSED_ON_PORTAL]['rec_ids'])}); the two records will be "
            "checked against each other."
        )
    if absent:
        text += (
            f" {count(absent, 'entry', 'entries').capitalize()} of the own tracker "
            f"({join_and(literal(i) for i in groups[rc.NOT_ON_PORTAL]['rec_ids'])}) "
            f"{verb(absent, 'does', 'do')} not appear in the portal export; "
            f"{'it is' if absent == 1 else 'they are'} listed in the data-quality annex."
        )
    return text


def reconciliation_table(ctx: PaperContext) -> pd.DataFrame:
    """Each group with its count and rec ids; the open groups first, then their total (the
    portal's open count), then the two groups outside it.  Empty without an own tracker."""
    groups = _figures(ctx)
    columns = ["Group", "Recommendations", "Rec ids"]
    if groups is None:
        return pd.DataFrame(columns=columns)

    def row(name: str) -> dict[str, object]:
        ids = groups[name]["rec_ids"]
        shown = "" if name == rc.IN_PROGRESS else ", ".join(ids)
        return {
            "Group": GROUP_LABELS[name],
            "Recommendations": groups[name]["count"],
            "Rec ids": shown,
        }

    rows = [row(name) for name in rc.OPEN_GROUPS]
    total = sum(groups[name]["count"] for name in rc.OPEN_GROUPS)
    rows.append({"Group": OPEN_TOTAL, "Recommendations": total, "Rec ids": ""})
    rows += [row(name) for name in (rc.CLOSED_ON_PORTAL, rc.NOT_ON_PORTAL)]
    return pd.DataFrame(rows, columns=columns)


def ready_to_close_table(ctx: PaperContext) -> pd.DataFrame:
    """The recommendations to put to the inspectorate for closing, with what the force has
    recorded; the inspection and evidence read ``Restricted item`` where either record marks
    the row OFFICIAL-SENSITIVE.  Empty without an own tracker."""
    columns = ["Portal reference", "Inspection", "Internal status", "Since", "Evidence"]
    snapshot = ctx.snapshot
    if snapshot.tracker is None or _figures(ctx) is None:
        return pd.DataFrame(columns=columns)
    reconciled = rc.reconcile(snapshot.recommendations, snapshot.tracker)
    ready = reconciled[reconciled["group"].eq(rc.READY_TO_CLOSE)]
    hide = ready["marking"].eq(OFFICIAL_SENSITIVE) | ready["tracker_marking"].eq(OFFICIAL_SENSITIVE)
    hide = hide.fillna(False).astype(bool)
    inspection = ready["inspection"].astype(object).where(~hide, RESTRICTED_ITEM)
    evidence = ready["evidence"].astype(object)
    evidence = evidence.where(~(hide & evidence.notna()), RESTRICTED_ITEM)
    return pd.DataFrame(
        {
            "Portal reference": ready["rec_id"].astype(str).to_numpy(),
            "Inspection": inspection.to_numpy(),
            "Internal status": ready["internal_status"].to_numpy(),
            "Since": [long_date(d) if pd.notna(d) else "" for d in ready["internal_status_date"]],
            "Evidence": evidence.to_numpy(),
        },
        columns=columns,
    )


def reconciliation_markdown(ctx: PaperContext) -> str:
    """The whole section as one Markdown output: the blocks below, or the empty string when the
    quarter has no own tracker.  Quarto refuses to embed a cell with no output at all, so the
    cell always outputs, and an empty Markdown output adds nothing to the paper in either
    renderer (no heading, no paragraph, no table number)."""
    return "\n\n".join(reconciliation_blocks(ctx))


def reconciliation_blocks(ctx: PaperContext) -> list[str]:
    """The section's Markdown blocks: the heading and sentences, the group table, the
    ready-to-close table; none when the quarter has no own tracker."""
    if _figures(ctx) is None:
        return []
    # Each table named by a labelled caption, which both renderers number among the paper's
    # tables (analysis.presentation.tables.captioned_table).
    blocks = [
        f"{HEADING}\n\n{reconciliation_text(ctx)} The table below sets out each group.",
        captioned_table(markdown_table(reconciliation_table(ctx)), GROUPS_CAPTION, GROUPS_LABEL),
    ]
    ready = ready_to_close_table(ctx)
    if not ready.empty:
        blocks.append(
            "The recommendations to put to the inspectorate for closing, with the force's own "
            "record of what was done:"
        )
        blocks.append(captioned_table(markdown_table(ready), READY_CAPTION, READY_LABEL))
    return blocks
