"""The paper's words, tables and chart data, written from the quarter's figures.

Every sentence with a number in it is produced here from the figures dictionary that
``figures.json`` is written from, so the paper cannot state a number the record does not
hold.  Each public function serves one labelled cell of the paper notebooks and returns
Markdown (text) or a DataFrame (tables and charts); the notebooks only display what they get.
Sentences are built to read naturally whatever the quarter holds: nothing overdue, a single
action, a theme new this quarter, no previous snapshot to compare with.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from analysis.figures import actions as act
from analysis.figures import delays
from analysis.figures.record import build_figures, remembered_figures
from analysis.inputs.history import load_history
from analysis.inputs.settings import Settings, load_settings
from analysis.inputs.snapshots import Snapshot
from analysis.inputs.vocabulary import AGE_BANDS, OTHER_THEME, RISKS
from analysis.presentation.markup import literal, literals
from analysis.presentation.tables import markdown_table
from analysis.presentation.wording import count, figure, join_and, number, sentence, verb
from analysis.quarters import Quarter, long_date

NO_NARRATIVE = "No narrative was supplied with this quarter's data."

# Authored sections of narrative.md the paper uses, and what it says when one is absent.
DEFAULT_TEXT = {
    "Interdependencies": (
        "Audit and inspection findings cut across business groups: an action owned by one "
        "group often depends on work in another, and the same weakness can be raised by both "
        "HMICFRS and DARA. The trackers are therefore reviewed together."
    ),
    "Equality and diversity impact": (
        "This paper reports on the progress of audit and inspection work and has no direct "
        "equality or diversity impact. Programmes of work set up to implement recommendations "
        "carry their own equality impact assessments."
    ),
    "Financial implications": (
        "There are no direct financial implications arising from this paper. Where closing a "
        "finding needs investment, it goes through the usual investment process."
    ),
    "Legal implications": "There are no direct legal implications arising from this paper.",
    "Risk implications": (
        "Inspection and audit findings can point to significant corporate risks. Those risks "
        "are assessed by the planning and risk team and, where they meet the criteria, are "
        "recorded in the force's risk management framework. There are no direct health and "
        "safety implications."
    ),
}


@dataclass(frozen=True)
class PaperContext:
    """Everything one quarter's notebooks draw on, computed once per notebook."""

    snapshot: Snapshot
    history: list[Snapshot]
    settings: Settings
    figures: dict[str, Any]
    classified: pd.DataFrame
    """Outstanding monitored actions with deadlines, ageing and delay categories, masked."""


def context(data_dir: str | Path, quarter: str | Quarter) -> PaperContext:
    """Load the quarter, with the very figures record ``panelpaper figures`` prints (shared
    through the disk cache, so the five notebooks of a run do not each rebuild it)."""
    data_dir = Path(data_dir)
    quarter = Quarter.parse(quarter)
    settings = load_settings(data_dir)
    history = load_history(data_dir, quarter, settings)
    figures = remembered_figures(history[-1], history, settings)
    return context_from(history[-1], history, settings, figures=figures)


def context_from(
    snapshot: Snapshot,
    history: list[Snapshot],
    settings: Settings,
    *,
    figures: dict[str, Any] | None = None,
) -> PaperContext:
    """The context for snapshots already in hand (tests, exploration of what-ifs); the figures
    are built from them unless given."""
    if figures is None:
        figures = build_figures(snapshot, history, settings)
    rules = delays.rules_for(settings)
    classified = act.classify(snapshot.actions, snapshot.as_of, snapshot.quarter, settings)
    classified = delays.with_reasons(classified, snapshot.actions, rules)
    return PaperContext(snapshot, history, settings, figures, classified)


# --- small helpers --------------------------------------------------------------------------------
def _as_of(figures: dict[str, Any]) -> str:
    return long_date(figures["as_of"])


def _narrative(snapshot: Snapshot, heading: str) -> str | None:
    """A section of narrative.md by heading, matched loosely (case, '&' for 'and')."""
    want = _heading_key(heading)
    for title, body in snapshot.narrative.items():
        if _heading_key(title) == want and body.strip():
            return body.strip()
    return None


def _heading_key(text: str) -> str:
    return re.sub(r"[^a-z]+", " ", text.lower().replace("&", "and")).strip()


def _headings_from(markdown: str, level: int) -> str:
    """Shift authored headings so the highest of them sits at ``level``, under the paper's
    own section heading, whatever level the analyst wrote them at."""
    found = [len(m) for m in re.findall(r"^(#{1,6})\s", markdown, flags=re.M)]
    if not found:
        return markdown
    shift = level - min(found)
    return re.sub(
        r"^(#{1,6})(\s)",
        lambda m: "#" * min(6, max(1, len(m[1]) + shift)) + m[2],
        markdown,
        flags=re.M,
    )


def _counts_table(counts: dict[str, int], name: str, value: str) -> pd.DataFrame:
    table = pd.DataFrame({name: list(counts), value: list(counts.values())})
    total = pd.DataFrame({name: ["Total"], value: [sum(counts.values())]})
    return pd.concat([table, total], ignore_index=True)


# --- header and summary ------------------------------------------------------------------------
def header_block(ctx: PaperContext) -> str:
    f = ctx.figures
    return (
        f"Position as at {_as_of(f)} ({f['quarter_label']}), the end of the quarter this "
        "paper reports on."
    )


def summary_purpose(ctx: PaperContext) -> str:
    f = ctx.figures
    recs, acts = f["recommendations"], f["actions"]
    return (
        f"This paper updates the Panel on HMICFRS inspection activity in {f['quarter_label']} "
        f"and on the {figure(recs['open'], 'recommendation')} that the HMICFRS Monitoring "
        f"Portal still shows as open. It then sets out the position of the "
        f"{figure(acts['outstanding'], 'outstanding DARA audit action')} that meet the "
        f"threshold for central monitoring, as at {_as_of(f)}."
    )


def summary_considerations(ctx: PaperContext) -> str:
    f = ctx.figures
    acts = f["actions"]
    points = [
        _overdue_headline(acts),
        f"{figure(acts['due_next_three_quarters'], 'action')} "
        f"{verb(acts['due_next_three_quarters'], 'falls', 'fall')} due in the coming "
        f"three quarters ({f['coming_quarters']['first_label']} to "
        f"{f['coming_quarters']['last_label']}).",
    ]
    if f["attention"]:
        points.append(
            f"{count(len(f['attention']), 'audit')} {verb(len(f['attention']), 'is', 'are')} "
            "brought to the Panel's attention under the rules set out in Annex A."
        )
    authored = _narrative(ctx.snapshot, "Key considerations")
    text = "\n".join(f"- {p}" for p in points)
    if authored:
        text = authored + "\n\n" + text
    else:
        text = (
            "The Panel should consider the breadth of current inspection activity and the "
            "actions that have passed their deadline:\n\n" + text
        )
    return text


def _overdue_headline(acts: dict[str, Any]) -> str:
    overdue, outstanding = acts["overdue"], acts["outstanding"]
    if outstanding == 0:
        return "No audit action meeting the threshold is outstanding."
    if overdue == 0:
        return "None of the outstanding actions has passed its deadline."
    return (
        f"{figure(overdue, 'action')} of the {outstanding:,} outstanding "
        f"{verb(overdue, 'has', 'have')} passed {verb(overdue, 'its', 'their')} deadline."
    )


def summary_interdependencies(ctx: PaperContext) -> str:
    """Where inspectors and auditors point at the same weakness (the cross-cutting themes),
    then the quarter's own words on interdependencies when narrative.md has them."""
    text = cross_cutting_text(ctx)
    authored = _narrative(ctx.snapshot, "Interdependencies")
    return f"{text}\n\n{authored}" if authored else text


def summary_recommendation(ctx: PaperContext) -> str:
    return _narrative(ctx.snapshot, "Recommendation") or (
        "The Audit Panel is recommended to note current and forthcoming HMICFRS activity, and "
        "the progress made in tracking centrally the audit actions that meet the agreed "
        "threshold."
    )


def authored_section(ctx: PaperContext, heading: str) -> str:
    """Sections 3 to 6: the quarter's own text when narrative.md has it, else the default."""
    return _narrative(ctx.snapshot, heading) or DEFAULT_TEXT[heading]


def contact_text(ctx: PaperContext) -> str:
    paper = ctx.figures["paper"]
    lines = []
    if paper["authors"]:
        lines.append(
            f"Report {'authors' if len(paper['authors']) > 1 else 'author'}: "
            f"{join_and(literals(paper['authors']))}"
        )
    if paper["contact"]:
        lines.append(f"Contact: {literal(paper['contact'])}")
    return "\n\n".join(lines) or "Contact details were not supplied with this quarter's data."


# --- annexes ----------------------------------------------------------------------------------
def annex_method(ctx: PaperContext) -> str:
    f = ctx.figures
    basis = (
        "the original implementation date agreed in the audit report"
        if f["deadline_basis"] == "original"
        else "the latest agreed (revised) implementation date where there is one, otherwise "
        "the original date"
    )
    rules = "; ".join(
        f"({chr(97 + i)}) {text}" for i, text in enumerate(f["attention_rules"].values())
    )
    categories = join_and(literal(c["name"]) for c in f["delay_categories"])
    theme_names = "; ".join(literal(t["name"]) for t in f["theme_rules"])
    lines = [
        f"- **Data as at:** {_as_of(f)}, the snapshot for {f['quarter_label']} (`{f['quarter']}`).",
        f"- **Actions monitored centrally:** {f['threshold']}. Low-risk actions are left to "
        "local leaders and are not counted.",
        "- **Outstanding:** a monitored action whose status is Open, In progress or On hold.",
        f"- **Deadline:** {basis}. An action is overdue when its deadline is on or before "
        "the as-at date.",
        f"- **Coming three quarters:** deadlines after the as-at date and no later than "
        f"{long_date(f['coming_quarters']['last_day'])}.",
        "- **Ageing bands:** whole days past the deadline: up to 91 days, 92 to 182, 183 to "
        "365, 366 to 730, and more than 730.",
        "- **Open recommendations:** portal items of type Recommendation awaiting review or "
        "being progressed; areas for improvement are counted apart.",
        f"- **Reasons for missed deadlines:** the tracker's coded category where the owner "
        f"gave one; otherwise derived from the owner's text by the project's delay-reason "
        f"rules ({categories}); Other when no rule matches and No reason given when both "
        "are blank.",
        f"- **Audits brought to the Panel's attention:** {_attention_rules_text(f, rules)}",
        f"- **Themes:** each open recommendation and each outstanding action is placed in one "
        f"theme ({theme_names}; or Other) by the project's theme rules (theme_rules.yml): "
        "for an action the tracker's coded theme when it names one of these, otherwise the "
        "first theme matched by the action text, then by the audit title; for a "
        "recommendation, by its text where the portal export has it, then the inspection "
        "title, then the portal's theme. A theme is cross-cutting when it holds both open "
        "recommendations and outstanding actions.",
        "- **Protective marking:** OFFICIAL-SENSITIVE rows count in every figure, but their "
        "titles, owners, reasons and action texts are shown as Restricted item or left out.",
    ]
    return "\n".join(lines)


def _attention_rules_text(f: dict[str, Any], rules: str) -> str:
    """The attention rules and the panel's settings for them, for the method annex."""
    if not rules:
        return "no rule is applied, so no audit is listed."
    text = f"any audit meeting one of these rules: {rules}."
    chosen = f["attention_settings"]
    if chosen["limit"] is not None:
        text += (
            f" At most {count(chosen['limit'], 'audit')} {verb(chosen['limit'], 'is', 'are')} "
            f"listed, the audit with the most overdue actions first and then "
            f"{chosen['order_text']}."
        )
    elif chosen["order"] != "most_overdue_actions":
        text += (
            f" The audit with the most overdue actions comes first, then {chosen['order_text']}."
        )
    return text


def annex_warnings(ctx: PaperContext) -> str:
    warnings = ctx.snapshot.warnings
    if not warnings:
        return "The data for this quarter raised no data-quality warnings."
    intro = (
        f"The checks on this quarter's data raised {count(len(warnings), 'warning')}. None "
        "changes a figure in this paper; each points to a tracker entry worth correcting at "
        "source.\n\n"
    )
    rows = pd.DataFrame(
        {
            "File": [Path(w.file).name for w in warnings],
            "Row": ["" if w.row is None else str(w.row) for w in warnings],
            "Column": [w.column or "" for w in warnings],
            "Warning": [w.message for w in warnings],
        }
    )
    return intro + markdown_table(rows)


# --- 1 HMICFRS ----------------------------------------------------------------------------------
def inspection_activity(ctx: PaperContext) -> str:
    body = _narrative(ctx.snapshot, "Inspection activity")
    return _headings_from(body, 3) if body else NO_NARRATIVE


def portal_text(ctx: PaperContext) -> str:
    f = ctx.figures
    recs = f["recommendations"]
    themes = recs["open_by_theme"]
    text = (
        f"At {_as_of(f)} the HMICFRS Monitoring Portal shows "
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
    rows.append(
        {
            "Inspection theme": "Total",
            "Open recommendations": f"{recs['open']:,}",
            "Of which in a programme": "",
        }
    )
    return pd.DataFrame(rows)


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


# --- 2 DARA -----------------------------------------------------------------------------------
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
        return f"At {_as_of(f)} no audit action meeting the threshold is outstanding."
    by_risk = acts["outstanding_by_risk"]
    risk_parts = join_and(f"{k:,} {risk}-risk" for risk, k in by_risk.items())
    text = (
        f"At {_as_of(f)} there {verb(n, 'is', 'are')} {figure(n, 'outstanding action')} "
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
    rows.append(
        {
            "Risk": "Total",
            "Outstanding": f"{acts['outstanding']:,}",
            "Overdue": f"{acts['overdue']:,}",
            "Not yet due": f"{acts['not_yet_due']:,}",
        }
    )
    return pd.DataFrame(rows)


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
    rows.append(
        {
            "Business group": "Total",
            "Overdue": f"{acts['overdue']:,}",
            "Audit with most overdue": "",
        }
    )
    return pd.DataFrame(rows)


def age_band_chart_data(ctx: PaperContext) -> pd.DataFrame:
    bands = ctx.figures["actions"]["overdue_by_age_band"]
    return pd.DataFrame({"band": list(AGE_BANDS), "count": [bands.get(b, 0) for b in AGE_BANDS]})


def _risk_words(by_risk: dict[str, int]) -> str:
    return join_and(f"{n:,} {risk}" for risk, n in by_risk.items())


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


# --- themes: what the findings are about, and where inspectors and auditors agree -------------
def _holders(groups: dict[str, int]) -> str:
    return join_and(f"{literal(group)} ({n:,})" for group, n in groups.items())


def cross_cutting_text(ctx: PaperContext) -> str:
    """The cross-cutting themes in sentences: which themes both HMICFRS and DARA point at,
    how many findings each holds, and which business groups hold the actions."""
    f = ctx.figures
    themes, shared = f["themes"], f["cross_cutting_themes"]
    if not shared:
        return (
            "No theme holds both open HMICFRS recommendations and outstanding DARA actions "
            "this quarter, so no weakness is being raised by inspectors and auditors at once. "
            "@tbl-themes shows where the open findings of each lie."
        )
    lines = [
        f"HMICFRS inspectors and DARA auditors both have open findings in "
        f"{count(len(shared), 'theme')}, where the same weakness is being raised by both; "
        "@tbl-themes places every open finding in a theme (Annex A gives the rules).",
        "",
    ]
    for name in shared:
        item = themes[name]
        recs, acts = item["open_recommendations"], item["outstanding_actions"]
        line = (
            f"- **{literal(name)}**: {figure(recs, 'open recommendation')} and "
            f"{figure(acts, 'outstanding action')}"
        )
        if item["overdue_actions"]:
            line += f" ({item['overdue_actions']:,} overdue)"
        line += f", the actions held by {_holders(item['outstanding_by_business_group'])}."
        lines.append(line)
    return "\n".join(lines)


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
    rows.append(
        {
            "Theme": "Total",
            "Open recommendations": f"{f['recommendations']['open']:,}",
            "Outstanding actions": f"{f['actions']['outstanding']:,}",
            "Of which overdue": f"{f['actions']['overdue']:,}",
            "Raised by both": "",
        }
    )
    return pd.DataFrame(rows, columns=list(THEMES_COLUMNS))


THEMES_COLUMNS = (
    "Theme",
    "Open recommendations",
    "Outstanding actions",
    "Of which overdue",
    "Raised by both",
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
