"""The paper's tables and chart data: one DataFrame per labelled table or chart cell, read
from the quarter's figures record (or, for the breakdowns the record does not hold row by
row, the context's classified actions), with numbers formatted as the paper prints them.
"""

from __future__ import annotations

import pandas as pd

from analysis.figures import actions as act
from analysis.inputs.vocabulary import AGE_BANDS, OTHER_THEME, RISKS
from analysis.presentation.paper_context import PaperContext
from analysis.presentation.tables import with_total
from analysis.quarters import Quarter


def portal_table(ctx: PaperContext) -> pd.DataFrame:
    recs = ctx.figures["recommendations"]
    programmes = recs["open_by_theme_and_programme"]
    rows = []
    for theme, n in recs["open_by_theme"].items():
        within = programmes.get(theme, {})
        note = "; ".join(f"{p}: {k:,}" for p, k in within.items())
        rows.append(
            {
                "Inspection theme": theme,
                "Open recommendations": f"{n:,}",
                "Of which in a programme": note,
            }
        )
    frame = pd.DataFrame(
        rows, columns=["Inspection theme", "Open recommendations", "Of which in a programme"]
    )
    return with_total(frame, {"Open recommendations": f"{recs['open']:,}"})


def movement_table(ctx: PaperContext) -> pd.DataFrame:
    moved = ctx.figures["recommendations"]["movement"]
    if moved is None:
        return pd.DataFrame(columns=["Inspection theme", "Opened", "Closed", "Open now"])
    rows = [
        {
            "Inspection theme": theme + (" (new)" if row["new_theme"] else ""),
            "Open at previous report": f"{row['still_open'] + row['closed']:,}",
            "Opened": f"{row['opened']:,}",
            "Closed": f"{row['closed']:,}",
            "Open now": f"{row['still_open'] + row['opened']:,}",
        }
        for theme, row in moved["by_theme"].items()
    ]
    return pd.DataFrame(rows)


def risk_table(ctx: PaperContext) -> pd.DataFrame:
    acts = ctx.figures["actions"]
    rows = []
    for risk in RISKS:
        total = acts["outstanding_by_risk"].get(risk, 0)
        if not total:
            continue
        rows.append(
            {
                "Risk": risk,
                "Outstanding": f"{total:,}",
                "Overdue": f"{acts['overdue_by_risk'].get(risk, 0):,}",
                "Not yet due": f"{acts['not_yet_due_by_risk'].get(risk, 0):,}",
            }
        )
    frame = pd.DataFrame(rows, columns=["Risk", "Outstanding", "Overdue", "Not yet due"])
    return with_total(
        frame,
        {
            "Outstanding": f"{acts['outstanding']:,}",
            "Overdue": f"{acts['overdue']:,}",
            "Not yet due": f"{acts['not_yet_due']:,}",
        },
    )


def groups_chart_data(ctx: PaperContext) -> pd.DataFrame:
    """Outstanding actions per business group and area: groups largest first, areas within."""
    frame = ctx.classified.assign(business_area=act.business_area(ctx.classified))
    counts = frame.groupby(["business_group", "business_area"]).size().rename("count").reset_index()
    order = list(ctx.figures["actions"]["outstanding_by_business_group"])
    counts["business_group"] = pd.Categorical(counts["business_group"], order, ordered=True)
    return counts.sort_values(["business_group", "count"], ascending=[True, False]).astype(
        {"business_group": str}
    )


def deadline_chart_data(ctx: PaperContext) -> pd.DataFrame:
    acts = ctx.figures["actions"]
    quarters = sorted(Quarter.parse(q) for q in acts["outstanding_by_deadline_quarter"])
    return pd.DataFrame(
        {
            "label": [q.label for q in quarters],
            "overdue": [acts["overdue_by_deadline_quarter"].get(q.id, 0) for q in quarters],
            "not_yet_due": [acts["not_yet_due_by_deadline_quarter"].get(q.id, 0) for q in quarters],
        }
    )


def due_coming_table(ctx: PaperContext) -> pd.DataFrame:
    coming = act.due_in_coming(ctx.classified)
    if coming.empty:
        return pd.DataFrame(columns=["Business group", "Business area", "Audit", "Due"])
    table = (
        coming.assign(business_area=act.business_area(coming))
        .groupby(["business_group", "business_area", "audit_title"])
        .size()
        .rename("Due")
        .reset_index()
    )
    group_order = list(ctx.figures["actions"]["due_next_three_quarters_by_business_group"])
    table["rank"] = table["business_group"].map({g: i for i, g in enumerate(group_order)})
    table = table.sort_values(["rank", "Due", "audit_title"], ascending=[True, False, True])
    return (
        table.drop(columns="rank")
        .rename(
            columns={
                "business_group": "Business group",
                "business_area": "Business area",
                "audit_title": "Audit",
            }
        )
        .astype({"Due": str})
    )


def overdue_groups_table(ctx: PaperContext) -> pd.DataFrame:
    acts = ctx.figures["actions"]
    rows = []
    for group, n in acts["overdue_by_business_group"].items():
        audits = acts["overdue_by_business_group_and_audit"].get(group, {})
        audit, k = next(iter(audits.items())) if audits else ("", 0)
        rows.append(
            {
                "Business group": group,
                "Overdue": f"{n:,}",
                "Audit with most overdue": f"{audit} ({k:,})" if audit else "",
            }
        )
    frame = pd.DataFrame(rows, columns=["Business group", "Overdue", "Audit with most overdue"])
    return with_total(frame, {"Overdue": f"{acts['overdue']:,}"})


def age_band_chart_data(ctx: PaperContext) -> pd.DataFrame:
    bands = ctx.figures["actions"]["overdue_by_age_band"]
    return pd.DataFrame({"band": list(AGE_BANDS), "count": [bands.get(b, 0) for b in AGE_BANDS]})


def attention_table(ctx: PaperContext) -> pd.DataFrame:
    rows = [
        {
            "Audit": item["audit"],
            "Year": item["audit_year"],
            "Assurance": item["assurance"],
            "Business group": item["business_group"],
            "Outstanding": f"{item['outstanding']:,} ("
            + ", ".join(f"{n:,} {r}" for r, n in item["outstanding_by_risk"].items())
            + ")",
            "Overdue": f"{item['overdue']:,}",
            "Earliest deadline": item["earliest_deadline_month"],
        }
        for item in ctx.figures["attention"]
    ]
    return pd.DataFrame(rows, columns=list(ATTENTION_COLUMNS))


ATTENTION_COLUMNS = (
    "Audit",
    "Year",
    "Assurance",
    "Business group",
    "Outstanding",
    "Overdue",
    "Earliest deadline",
)


def delays_chart_data(ctx: PaperContext) -> pd.DataFrame:
    counts = ctx.figures["actions"]["overdue_by_delay_category"]
    return pd.DataFrame({"reason": list(counts), "count": list(counts.values())})


def delays_table(ctx: PaperContext) -> pd.DataFrame:
    """One row per reason, with the business groups it comes from: a reason-by-group grid
    is too wide for an A4 page once there are more than a handful of categories."""
    acts = ctx.figures["actions"]
    nested = acts["overdue_by_business_group_and_delay_category"]
    rows = []
    for reason, total in acts["overdue_by_delay_category"].items():
        groups = sorted(
            ((group, counts[reason]) for group, counts in nested.items() if counts.get(reason)),
            key=lambda item: (-item[1], item[0]),
        )
        rows.append(
            {
                "Reason for the missed deadline": reason,
                "Overdue actions": f"{total:,}",
                "Business groups": ", ".join(f"{g} ({n:,})" for g, n in groups),
            }
        )
    return pd.DataFrame(
        rows, columns=["Reason for the missed deadline", "Overdue actions", "Business groups"]
    )


def trends_chart_data(ctx: PaperContext) -> pd.DataFrame:
    return pd.DataFrame(ctx.figures["trends"])


def trends_table(ctx: PaperContext) -> pd.DataFrame:
    rows = ctx.figures["trends"]
    return pd.DataFrame(
        {
            "Quarter": [r["label"] for r in rows],
            "Open recommendations": [f"{int(r['open_recommendations']):,}" for r in rows],
            "Outstanding actions": [f"{int(r['outstanding']):,}" for r in rows],
            "Overdue": [f"{int(r['overdue']):,}" for r in rows],
            "Not yet due": [f"{int(r['not_yet_due']):,}" for r in rows],
        }
    )


def themes_table(ctx: PaperContext) -> pd.DataFrame:
    """Open recommendations and outstanding actions per theme, with a total row that equals
    the paper's headline totals."""
    f = ctx.figures
    shared = set(f["cross_cutting_themes"])
    rows = [
        {
            "Theme": name,
            "Open recommendations": f"{item['open_recommendations']:,}",
            "Outstanding actions": f"{item['outstanding_actions']:,}",
            "Of which overdue": f"{item['overdue_actions']:,}",
            "Raised by both": "Yes" if name in shared else "",
        }
        for name, item in f["themes"].items()
    ]
    return with_total(
        pd.DataFrame(rows, columns=list(THEMES_COLUMNS)),
        {
            "Open recommendations": f"{f['recommendations']['open']:,}",
            "Outstanding actions": f"{f['actions']['outstanding']:,}",
            "Of which overdue": f"{f['actions']['overdue']:,}",
        },
    )


THEMES_COLUMNS = (
    "Theme",
    "Open recommendations",
    "Outstanding actions",
    "Of which overdue",
    "Raised by both",
)


def audit_themes_chart_data(ctx: PaperContext) -> pd.DataFrame:
    """Outstanding actions per theme, deadline passed and still to come, largest first."""
    themes = ctx.figures["themes"]
    names = sorted(
        (n for n, t in themes.items() if t["outstanding_actions"]),
        key=lambda n: (-themes[n]["outstanding_actions"], list(themes).index(n)),
    )
    rows = []
    for name in names:
        t = themes[name]
        rows.append({"theme": name, "position": "Overdue", "count": t["overdue_actions"]})
        rows.append(
            {
                "theme": name,
                "position": "Not yet due",
                "count": t["outstanding_actions"] - t["overdue_actions"],
            }
        )
    return pd.DataFrame(rows, columns=["theme", "position", "count"])


def theme_trends_chart_data(
    ctx: PaperContext, measure: str = "outstanding_actions"
) -> pd.DataFrame:
    """One column per theme (taxonomy order), one row per quarter: ``measure`` at each
    snapshot, as :func:`analysis.presentation.plots.category_lines` draws it."""
    rows = ctx.figures["theme_trends"]
    names = [t["name"] for t in ctx.figures["theme_rules"]] + [OTHER_THEME]
    seen = [n for n in names if any(r["by_theme"].get(n, {}).get(measure) for r in rows)]
    return pd.DataFrame(
        [
            {
                "quarter": r["quarter"],
                "label": r["label"],
                **{n: r["by_theme"].get(n, {}).get(measure, 0) for n in seen},
            }
            for r in rows
        ]
    )
