"""The paper's words, written from the quarter's figures: the notebooks' one entry module.

Every sentence with a number in it is produced from the figures dictionary that
``figures.json`` is written from, so the paper cannot state a number the record does not
hold.  Each public function serves one labelled cell of the paper notebooks and returns
Markdown (text) or a DataFrame (tables and charts); the notebooks only display what they get.
Sentences are built to read naturally whatever the quarter holds: nothing overdue, a single
action, a theme new this quarter, no previous snapshot to compare with.

The findings sections' sentences (1 HMICFRS, 2 DARA) are written here.  The notebooks say
``paper.<name>(ctx)`` for every cell, so the names they call from the modules beside this one
(the context, the summary and annexes, the tables and charts) are imported here and listed in
``__all__``: that list is the notebooks' interface, and the published notebooks' source
depends on it.  The charts with their alt text are drawn by :mod:`analysis.presentation.paper_charts`
(``charts.<name>(ctx)``); the chart-data and alt-text names that notebooks of earlier
publications call stay importable here (:data:`EARLIER_NOTEBOOKS`), since ``verify`` reruns
those notebooks as they were published.
"""

from __future__ import annotations

from analysis.figures import actions as act
from analysis.figures import delays
from analysis.inputs.vocabulary import AGE_BANDS, OTHER_THEME
from analysis.presentation.chart_tables import (
    age_bands_data_table,
    category_trends_data_table,
    deadlines_data_table,
    groups_data_table,
)
from analysis.presentation.chart_text import (
    category_trends_alt,
    counts_alt,
    deadlines_alt,
    groups_alt,
    stacked_alt,
    trends_alt,
)
from analysis.presentation.markup import literal, literals
from analysis.presentation.paper_context import (
    PaperContext,
    as_of_text,
    context,
    headings_from,
    narrative,
)
from analysis.presentation.paper_deadlines import (
    deadline_trends_chart_data,
    deadline_trends_table,
    moved_groups_table,
    moved_over_limit_markdown,
    moved_text,
    slip_chart_data,
    verification_markdown,
)
from analysis.presentation.paper_summary import (
    annex_method,
    annex_warnings,
    authored_section,
    contact_text,
    header_block,
    summary_considerations,
    summary_interdependencies,
    summary_purpose,
    summary_recommendation,
)
from analysis.presentation.paper_tables import (
    age_band_chart_data,
    attention_table,
    audit_themes_chart_data,
    deadline_chart_data,
    delays_chart_data,
    delays_table,
    due_coming_table,
    groups_chart_data,
    movement_table,
    overdue_groups_table,
    portal_table,
    risk_table,
    theme_trends_chart_data,
    themes_table,
    trends_chart_data,
    trends_table,
)
from analysis.presentation.tables import markdown_table
from analysis.presentation.wording import count, figure, join_and, number, sentence, verb

__all__ = [
    "age_band_chart_data",
    "age_bands_data_table",
    "annex_method",
    "annex_warnings",
    "attention_table",
    "attention_text",
    "audit_themes_text",
    "authored_section",
    "category_trends_data_table",
    "contact_text",
    "context",
    "deadline_chart_data",
    "deadline_trends_chart_data",
    "deadline_trends_table",
    "deadlines_data_table",
    "delays_table",
    "delays_text",
    "due_coming_table",
    "due_coming_text",
    "groups_chart_data",
    "groups_data_table",
    "header_block",
    "inspection_activity",
    "markdown_table",
    "moved_groups_table",
    "moved_over_limit_markdown",
    "moved_text",
    "movement_table",
    "movement_text",
    "outstanding_text",
    "overdue_groups_table",
    "overdue_text",
    "portal_table",
    "portal_text",
    "risk_table",
    "summary_considerations",
    "summary_interdependencies",
    "summary_purpose",
    "summary_recommendation",
    "theme_trends_chart_data",
    "themes_table",
    "threshold_text",
    "trends_table",
    "trends_text",
    "verification_markdown",
]

EARLIER_NOTEBOOKS = (
    audit_themes_chart_data,
    category_trends_alt,
    counts_alt,
    deadlines_alt,
    delays_chart_data,
    groups_alt,
    slip_chart_data,
    stacked_alt,
    trends_alt,
    trends_chart_data,
)
"""Names archived paper notebooks call as ``paper.<name>``: kept as attributes of this module,
not part of today's notebooks' interface (``__all__``)."""
"""Every name the notebooks call as ``paper.<name>``."""

NO_NARRATIVE = "No narrative was supplied with this quarter's data."


def inspection_activity(ctx: PaperContext) -> str:
    body = narrative(ctx.snapshot, "Inspection activity")
    return headings_from(body, 3) if body else NO_NARRATIVE


def portal_text(ctx: PaperContext) -> str:
    f = ctx.figures
    recs = f["recommendations"]
    themes = recs["open_by_theme"]
    text = (
        f"At {as_of_text(f)} the HMICFRS Monitoring Portal shows "
        f"{figure(recs['open'], 'open recommendation')}"
    )
    if themes:
        text += f" across {count(len(themes), 'inspection theme')}"
    text += "."
    largest = next(iter(themes), None)
    if largest and recs["open"]:
        text += (
            f" The largest share, {themes[largest]:,}, "
            f"{verb(themes[largest], 'sits', 'sit')} under {literal(largest)}"
        )
        programmes = recs["open_by_theme_and_programme"].get(largest, {})
        if programmes:
            parts = join_and(
                f"{n:,} from the {literal(p)} programme" for p, n in programmes.items()
            )
            text += f", including {parts}"
        text += "."
    afi = recs["open_areas_for_improvement"]
    text += (
        f" Areas for improvement are tracked separately: {count(afi, 'area')} for improvement "
        f"{verb(afi, 'is', 'are')} open and not included in these counts."
        if afi
        else " No area for improvement is open; areas for improvement are never included in "
        "the recommendation count."
    )
    return text


def movement_text(ctx: PaperContext) -> str:
    moved = ctx.figures["recommendations"]["movement"]
    if moved is None:
        return (
            "This is the first quarter in the snapshots, so there is no earlier position to "
            "compare with."
        )
    text = (
        f"Since the {moved['previous_quarter_label']} snapshot, "
        f"{count(moved['opened'], 'recommendation')} {verb(moved['opened'], 'has', 'have')} "
        f"been added to the open list and {count(moved['closed'], 'recommendation')} "
        f"{verb(moved['closed'], 'has', 'have')} been closed; "
        f"{count(moved['still_open'], 'recommendation')} open then "
        f"{verb(moved['still_open'], 'remains', 'remain')} open."
    )
    new = moved["new_themes"]
    if new:
        text += (
            f" {join_and(literals(new))} {verb(len(new), 'is a theme', 'are themes')} with open "
            f"recommendations this quarter and none at {moved['previous_quarter_label']}."
        )
    return text


def threshold_text(ctx: PaperContext) -> str:
    return (
        "Corporate Services monitors centrally the DARA audit actions that meet the threshold "
        f"agreed with DARA: {ctx.figures['threshold']}. Lower-risk actions are implemented "
        "and monitored by leaders locally and are not counted in this paper."
    )


def outstanding_text(ctx: PaperContext) -> str:
    f = ctx.figures
    acts = f["actions"]
    n = acts["outstanding"]
    if n == 0:
        return f"At {as_of_text(f)} no audit action meeting the threshold is outstanding."
    by_risk = acts["outstanding_by_risk"]
    risk_parts = join_and(f"{k:,} {risk}-risk" for risk, k in by_risk.items())
    text = (
        f"At {as_of_text(f)} there {verb(n, 'is', 'are')} {figure(n, 'outstanding action')} "
        f"meeting the threshold: {risk_parts}. "
    )
    overdue, not_yet = acts["overdue"], acts["not_yet_due"]
    if overdue and not_yet:
        text += (
            f"{figure(overdue, 'action')} {verb(overdue, 'is', 'are')} past the deadline "
            f"and {not_yet:,} {verb(not_yet, 'is', 'are')} not yet due."
        )
    elif overdue:
        text += f"All {n:,} are past their deadline." if n > 1 else "It is past its deadline."
    else:
        text += "None has passed its deadline."
    ranges = deadline_ranges_text(ctx)
    return f"{text} {ranges}" if ranges else text


def deadline_ranges_text(ctx: PaperContext) -> str:
    """The span of deadline quarters on either side of the as-at date, as the chart shows."""
    spans = ctx.figures["actions"]["deadline_quarters"]

    def span(key: str, subject: str) -> str | None:
        found = spans.get(key)
        if not found:
            return None
        if found["first"] == found["last"]:
            return f"{subject} fall in {found['first_label']}"
        return f"{subject} run from {found['first_label']} to {found['last_label']}"

    parts = [
        p
        for p in (
            span("passed", "deadlines already passed"),
            span("future", "those still to come" if spans.get("passed") else "deadlines"),
        )
        if p
    ]
    return sentence("; ".join(parts)) if parts else ""


def due_coming_text(ctx: PaperContext) -> str:
    f = ctx.figures
    acts = f["actions"]
    due = acts["due_next_three_quarters"]
    window = f"{f['coming_quarters']['first_label']} to {f['coming_quarters']['last_label']}"
    if due == 0:
        return f"No outstanding action falls due in the coming three quarters ({window})."
    text = (
        f"Of the {acts['outstanding']:,} outstanding actions, {figure(due, 'action')} "
        f"{verb(due, 'falls', 'fall')} due in the coming three quarters ({window})."
    )
    largest = acts["due_next_three_quarters_largest_area"]
    if largest and due > 1:
        audits = largest["by_audit"]
        group, area = literal(largest["business_group"]), literal(largest["business_area"])
        where = (
            group
            if largest["business_area"] == act.NO_BUSINESS_AREA
            else f"{group}, in the {area} business area"
        )
        text += f" The largest number, {largest['count']:,}, {verb(largest['count'], 'belongs', 'belong')} to {where}"
        if len(audits) == 1:
            text += f", all from the {literal(next(iter(audits)))} audit."
        else:
            text += (
                ": " + join_and(f"{n:,} from the {literal(a)} audit" for a, n in audits.items())
            ) + "."
    return text


def overdue_text(ctx: PaperContext) -> str:
    f = ctx.figures
    acts = f["actions"]
    overdue = acts["overdue"]
    if overdue == 0:
        return "No outstanding action has passed its deadline."
    text = (
        f"{figure(overdue, 'action')} {verb(overdue, 'is', 'are')} still open past "
        f"{verb(overdue, 'its', 'their')} deadline."
    )
    groups = acts["overdue_by_business_group"]
    group, n_group = next(iter(groups.items()))
    tied = [g for g, n in groups.items() if n == n_group]
    if len(tied) == 1:
        text += f" Most of them sit within {literal(group)} ({n_group:,})"
        audits = acts["overdue_by_business_group_and_audit"].get(group, {})
        if audits:
            audit, n_audit = next(iter(audits.items()))
            text += (
                f", and the largest number there relate to the {literal(audit)} audit ({n_audit:,})"
                if n_audit > 1
                else ""
            )
        text += "."
    else:
        text += f" {join_and(literals(tied))} hold the most, {n_group:,} each."
    median = acts["median_days_past_deadline"]
    if median is not None:
        text += f" The median overdue action is {count(round(median), 'day')} past its deadline"
        over_year = sum(acts["overdue_by_age_band"].get(b, 0) for b in AGE_BANDS[3:])
        text += (
            f", and {figure(over_year, 'action')} {verb(over_year, 'is', 'are')} more than a "
            "year late."
            if over_year
            else "."
        )
    reasons = (
        acts["overdue_by_business_group_and_delay_category"].get(group, {})
        if len(tied) == 1
        else {}
    )
    if reasons:
        top = next(iter(reasons))
        text += f" In {literal(group)} the reason most often given is {literal(top.lower())}."
    return text


def attention_text(ctx: PaperContext) -> str:
    items = ctx.figures["attention"]
    if not items:
        return "No audit meets the rules for bringing it to the Panel's attention this quarter."
    selected = ctx.figures["attention_settings"]["selected"]
    if selected > len(items):
        opening = (
            f"The rules in Annex A select {count(selected, 'audit')}; the Panel's settings list "
            f"the first {number(len(items))} of them"
        )
    else:
        opening = (
            f"The rules in Annex A bring {count(len(items), 'audit')} to the Panel's attention"
        )
    lines = [
        f"{opening}; @tbl-attention gives their figures. Why each was selected, and what its "
        "owners say stands in the way:",
        "",
    ]
    for i, item in enumerate(items, start=1):
        why = join_and(ctx.figures["attention_rules"][r] for r in item["rules"])
        line = f"{i}. **{literal(item['audit'])}**: {why}."
        if item["reason_categories"]:
            line += f" Reasons: {join_and(literal(c.lower()) for c in item['reason_categories'])}."
        if item["common_reason"]:
            line += f" \u201c{literal(item['common_reason'])}\u201d"
        lines.append(line)
    return "\n".join(lines)


def delays_text(ctx: PaperContext) -> str:
    acts = ctx.figures["actions"]
    overdue = acts["overdue"]
    if overdue == 0:
        return "No action is overdue, so no reasons for missed deadlines are reported."
    by_category = acts["overdue_by_delay_category"]
    none_given = by_category.get(delays.NO_REASON, 0)
    given = overdue - none_given
    text = (
        f"Owners recorded a reason for {given:,} of the {figure(overdue, 'overdue action')}"
        if given
        else f"No reason was recorded for any of the {figure(overdue, 'overdue action')}"
    )
    text += "."
    named = {k: v for k, v in by_category.items() if k != delays.NO_REASON}
    if named:
        top = list(named.items())[:3]
        text += (
            " The reasons fall most often under "
            + join_and(f"{literal(name.lower())} ({n:,})" for name, n in top)
            + "."
        )
    if none_given:
        text += (
            f" {figure(none_given, 'action')} {verb(none_given, 'has', 'have')} no reason recorded."
        )
    return text


def trends_text(ctx: PaperContext) -> str:
    rows = ctx.figures["trends"]
    if len(rows) < 2:
        return "Only one quarter's snapshot is available, so there is no trend to show yet."
    first, last = rows[0], rows[-1]

    def move(key: str, noun: str) -> str:
        a, b = int(first[key]), int(last[key])
        if a == b:
            return f"{noun} stayed at {a:,}"
        return f"{noun} {'rose' if b > a else 'fell'} from {a:,} to {b:,}"

    return sentence(
        f"over the {len(rows)} quarters from {first['label']} to {last['label']}, "
        + join_and(
            [
                move("open_recommendations", "open recommendations"),
                move("outstanding", "outstanding actions"),
                move("overdue", "overdue actions"),
            ]
        )
    )


def audit_themes_text(ctx: PaperContext) -> str:
    """The key themes coming out of the audits: what the outstanding actions are about, the
    themes with most overdue, and where each of the largest sits."""
    f = ctx.figures
    acts = {n: t for n, t in f["themes"].items() if t["outstanding_actions"]}
    if not acts:
        return "No action meeting the threshold is outstanding, so no audit themes are reported."
    ranked = sorted(acts, key=lambda n: (-acts[n]["outstanding_actions"], list(acts).index(n)))
    top = ranked[:3]
    sizes = {n: acts[n]["outstanding_actions"] for n in top}
    text = (
        f"The {figure(f['actions']['outstanding'], 'outstanding action')} "
        f"{verb(f['actions']['outstanding'], 'falls', 'fall')} into "
        f"{count(len(acts), 'theme')}. The largest "
        + (
            f"are {join_and(f'{literal(n)} ({sizes[n]:,})' for n in top)}."
            if len(top) > 1
            else f"is {literal(top[0])} ({sizes[top[0]]:,})."
        )
    )
    for name in top:
        groups = acts[name]["outstanding_by_business_group"]
        group, n = next(iter(groups.items()))
        share = "all" if n == acts[name]["outstanding_actions"] else f"{n:,}"
        text += f" In {literal(name)}, {share} of them sit in {literal(group)}."
    late = {n: t["overdue_actions"] for n, t in acts.items() if t["overdue_actions"]}
    if late:
        most = max(late.values())
        worst = [n for n in acts if late.get(n) == most]
        text += (
            f" The most overdue actions are in {join_and(literal(n) for n in worst)} "
            f"({number(most)}{' each' if len(worst) > 1 else ''})."
        )
    other = acts.get(OTHER_THEME)
    if other:
        text += (
            f" {figure(other['outstanding_actions'], 'action')} "
            f"{verb(other['outstanding_actions'], 'matches', 'match')} no theme and "
            f"{verb(other['outstanding_actions'], 'is', 'are')} shown as Other."
        )
    return text
