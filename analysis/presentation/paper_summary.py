"""The paper's front and back: the header, the summary, the authored sections (3 to 6), the
contact lines and the annexes (method, data-quality warnings).

The summary restates the findings sections' headline numbers from the same figures record,
and where the quarter's narrative.md has its own words for a section they are used, else the
standing text in :data:`DEFAULT_TEXT`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from analysis.presentation.markup import literal, literals
from analysis.presentation.paper_context import PaperContext, as_of_text, narrative
from analysis.presentation.tables import captioned_table, markdown_table
from analysis.presentation.wording import count, figure, join_and, verb
from analysis.quarters import long_date

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


def header_block(ctx: PaperContext) -> str:
    f = ctx.figures
    return (
        f"Position as at {as_of_text(f)} ({f['quarter_label']}), the end of the quarter this "
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
        f"threshold for central monitoring, as at {as_of_text(f)}."
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
    authored = narrative(ctx.snapshot, "Key considerations")
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
    authored = narrative(ctx.snapshot, "Interdependencies")
    return f"{text}\n\n{authored}" if authored else text


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


def _holders(groups: dict[str, int]) -> str:
    return join_and(f"{literal(group)} ({n:,})" for group, n in groups.items())


def summary_recommendation(ctx: PaperContext) -> str:
    return narrative(ctx.snapshot, "Recommendation") or (
        "The Audit Panel is recommended to note current and forthcoming HMICFRS activity, and "
        "the progress made in tracking centrally the audit actions that meet the agreed "
        "threshold."
    )


def authored_section(ctx: PaperContext, heading: str) -> str:
    """Sections 3 to 6: the quarter's own text when narrative.md has it, else the default."""
    return narrative(ctx.snapshot, heading) or DEFAULT_TEXT[heading]


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
        f"- **Data as at:** {as_of_text(f)}, the snapshot for {f['quarter_label']} ({literal(f['quarter'])}).",
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
        _moves_method(f),
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
    maps = _input_maps_text(f.get("input_maps") or {})
    if maps:
        lines.append(f"- **Column and value maps:** {maps}")
    return "\n".join(lines)


def _quoted(text: str) -> str:
    """Text from the settings or a snapshot.yml, in quotes, as typed."""
    return f"\u2018{literal(text)}\u2019"


def _input_maps_text(maps: dict[str, Any]) -> str:
    """The column and value maps the quarter was read through (``figures.json``'s
    ``input_maps``), for the method annex; '' when the exports use the contract's own names and
    words.  Every header and word is the settings' or snapshot.yml's text, shown as typed."""
    parts = []
    for table, headers in maps.get("columns", {}).items():
        entries = [f"{_quoted(header)} as {literal(column)}" for header, column in headers.items()]
        noun = "header" if len(entries) == 1 else "headers"
        parts.append(f"{literal(table)} {noun} {join_and(entries)}")
    for table, columns in maps.get("values", {}).items():
        for column, words in columns.items():
            entries = [f"{_quoted(word)} as {literal(target)}" for word, target in words.items()]
            parts.append(f"{literal(table)} {literal(column)}: {join_and(entries)}")
    if not parts:
        return ""
    return (
        "the exports' own headers and words were read as the data contract's, by the panel's "
        "maps (settings.yml, and the quarter's own snapshot.yml, which wins for its quarter): "
        + "; ".join(parts)
        + "."
    )


def _moves_method(f: dict[str, Any]) -> str:
    """How moved deadlines and verification are counted, for the method annex."""
    limit = f["deadlines"]["limit"]
    return (
        "- **Deadlines that move:** an action's deadline in each quarterly snapshot is its "
        "revised date where there is one, otherwise its original date; each new revised date "
        f"is one move, and the Panel's limit is {count(limit, 'move')}. A move counts as made "
        "after the deadline had passed when the earlier snapshot showed a deadline on or "
        "before its as-at date. Slip is the current deadline less the date first agreed. "
        "**Awaiting verification:** a monitored action marked Implemented with no date of "
        "verification by internal audit on or before the as-at date."
    )


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


WARNINGS_CAPTION = "Data-quality warnings on this quarter's data, by file, row and column"
WARNINGS_LABEL = "tbl-warnings"


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
    return intro + captioned_table(markdown_table(rows), WARNINGS_CAPTION, WARNINGS_LABEL)
