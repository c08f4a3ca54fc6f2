"""The paper's sentences read naturally whatever the quarter holds.

Each case builds a tiny quarter by hand, so the expected sentence is worked out here from
the rows, not from a run of the code.
"""

from __future__ import annotations

import datetime as dt
import re

from analysis.inputs.vocabulary import OFFICIAL_SENSITIVE
from analysis.paths import NOTEBOOKS
from analysis.presentation import paper, paper_context, paper_summary
from tests.helpers.frames import AS_OF, SETTINGS, days_before, snapshot


def test_every_name_the_notebooks_call_is_the_paper_modules_interface():
    """The notebooks (whose source is in every published notebook) say ``paper.<name>``
    after ``from analysis import paper``: each name must stay an attribute of
    ``analysis.presentation.paper``, wherever its code lives, and be listed in ``__all__``."""
    called = set()
    for source in NOTEBOOKS.glob("*.py"):
        called |= set(re.findall(r"\bpaper\.([a-z_]+)\(", source.read_text(encoding="utf-8")))
    assert len(called) > 30
    assert called == set(paper.__all__)
    assert all(callable(getattr(paper, name)) for name in called)


def ctx_for(actions=(), recommendations=(), previous=None, **kw):
    current = snapshot(actions=actions, recommendations=recommendations, **kw)
    history = [previous, current] if previous is not None else [current]
    return paper_context.context_from(current, history, SETTINGS)


def test_no_actions_at_all() -> None:
    ctx = ctx_for()
    assert paper.outstanding_text(ctx) == (
        "At 30 June 2019 no audit action meeting the threshold is outstanding."
    )
    assert paper.overdue_text(ctx) == "No outstanding action has passed its deadline."
    assert paper.due_coming_text(ctx).startswith("No outstanding action falls due")
    assert paper.delays_text(ctx).startswith("No action is overdue")
    assert paper.attention_text(ctx).startswith("No audit meets the rules")
    assert "No audit action meeting the threshold is outstanding." in (
        paper.summary_considerations(ctx)
    )


def test_one_overdue_action_reads_in_the_singular() -> None:
    ctx = ctx_for(actions=[{"due_date": days_before(AS_OF, 10), "delay_reason": None}])
    text = paper.outstanding_text(ctx)
    assert "there is 1 outstanding action meeting the threshold: 1 High-risk." in text
    assert "It is past its deadline." in text
    assert paper.overdue_text(ctx).startswith("1 action is still open past its deadline.")
    assert "1 action of the 1 outstanding has passed its deadline." in (
        paper.summary_considerations(ctx)
    )
    assert "1 action has no reason recorded." in paper.delays_text(ctx)


def test_nothing_overdue_says_so() -> None:
    ctx = ctx_for(actions=[{"due_date": "2019-08-15"}, {"due_date": "2019-09-30"}])
    assert paper.outstanding_text(ctx).endswith(
        "None has passed its deadline. Deadlines fall in Q2 19/20."
    )
    assert paper.overdue_text(ctx) == "No outstanding action has passed its deadline."
    assert "None of the outstanding actions has passed its deadline." in (
        paper.summary_considerations(ctx)
    )
    assert paper.due_coming_text(ctx).startswith(
        "Of the 2 outstanding actions, 2 actions fall due in the coming three quarters"
    )


def test_a_theme_new_this_quarter_is_named() -> None:
    previous = snapshot("2018-19-Q4", recommendations=[{"rec_id": "R1", "theme": "PEEL"}])
    ctx = ctx_for(
        recommendations=[
            {"rec_id": "R1", "theme": "PEEL"},
            {"rec_id": "R2", "theme": "Custody"},
        ],
        previous=previous,
    )
    text = paper.movement_text(ctx)
    assert text.startswith(
        "Since the Q4 18/19 snapshot, one recommendation has been added to the open list and "
        "no recommendations have been closed; one recommendation open then remains open."
    )
    assert "Custody is a theme with open recommendations this quarter and none at Q4 18/19." in text
    table = paper.movement_table(ctx)
    assert table.loc[table["Inspection theme"] == "Custody (new)", "Open now"].item() == "1"


def test_first_snapshot_has_no_movement_to_report() -> None:
    ctx = ctx_for(recommendations=[{"theme": "PEEL"}])
    assert "first quarter in the snapshots" in paper.movement_text(ctx)
    assert paper.trends_text(ctx).startswith("Only one quarter's snapshot is available")


def test_portal_text_counts_programmes_and_keeps_areas_for_improvement_apart() -> None:
    ctx = ctx_for(
        recommendations=[
            {"theme": "Vulnerability", "programme": "NCPI"},
            {"theme": "Vulnerability"},
            {"theme": "PEEL"},
            {"theme": "PEEL", "type": "Area for improvement"},
        ]
    )
    assert paper.portal_text(ctx) == (
        "At 30 June 2019 the HMICFRS Monitoring Portal shows 3 open recommendations across two "
        "inspection themes. The largest share, 2, sit under Vulnerability, including 1 from the "
        "NCPI programme. Areas for improvement are tracked separately: one area for improvement "
        "is open and not included in these counts."
    )
    table = paper.portal_table(ctx)
    assert table.to_dict("records")[-1] == {
        "Inspection theme": "Total",
        "Open recommendations": "3",
        "Of which in a programme": "",
    }


def test_restricted_audit_never_named_in_attention_text_or_tables() -> None:
    secret = "Covert premises key ledger"
    ctx = ctx_for(
        actions=[
            {
                "audit_title": secret,
                "marking": OFFICIAL_SENSITIVE,
                "due_date": days_before(AS_OF, 400),
                "delay_reason": "Vault re-accreditation pending",
            }
        ]
    )
    everything = "\n".join(
        [
            paper.attention_text(ctx),
            paper.markdown_table(paper.attention_table(ctx)),
            paper.overdue_text(ctx),
            paper.markdown_table(paper.overdue_groups_table(ctx)),
            paper.markdown_table(paper.due_coming_table(ctx)),
        ]
    )
    assert secret not in everything and "Vault" not in everything
    assert "Restricted item" in paper.attention_text(ctx)


def test_markdown_table_sizes_widths_to_the_page_and_right_aligns_numbers() -> None:
    import pandas as pd

    from analysis.presentation import tables

    title = "Management of the end user systems and their review " * 2
    frame = pd.DataFrame({"Audit": [title.strip(), "Short"], "Overdue": [12, 3]})
    lines = paper.markdown_table(frame).splitlines()
    # Dashes: one per point of the page; the long titles get what "Overdue" does not need.
    audit, overdue = lines[1].strip("|").split("|")
    assert audit.startswith(":") and overdue.endswith(":") and not overdue.startswith(":")
    assert abs(len(audit) + len(overdue) - tables.TEXT_WIDTH_PT) <= 1
    need = tables.text_width_pt("Overdue", bold=True) + tables.CELL_PADDING_PT
    assert len(overdue) >= round(need)  # dashes are whole points
    assert len(audit) > 3 * len(overdue)
    assert lines[2].split("|")[1].strip() == title.strip()
    assert paper.markdown_table(frame.iloc[0:0]) == "*(none)*"


def test_contact_text_uses_snapshot_details() -> None:
    ctx = ctx_for(meta={"authors": ["A. Writer"], "contact": "Team (team@example.org)"})
    assert paper.contact_text(ctx) == (
        "Report author: A\\. Writer\n\nContact: Team (team\\@example.org)"
    )


def test_authored_sections_fall_back_to_standard_wording() -> None:
    current = snapshot()
    current.narrative = {"Legal implications": "Counsel has advised on one matter."}
    ctx = paper_context.context_from(current, [current], SETTINGS)
    assert paper.authored_section(ctx, "Legal implications") == (
        "Counsel has advised on one matter."
    )
    assert (
        paper.authored_section(ctx, "Financial implications")
        == (paper_summary.DEFAULT_TEXT["Financial implications"])
    )
    assert paper.inspection_activity(ctx) == paper.NO_NARRATIVE


def test_authored_headings_sit_under_the_papers_section() -> None:
    current = snapshot()
    current.narrative = {"Inspection activity": "# PEEL\ntext\n## Detail\nmore"}
    ctx = paper_context.context_from(current, [current], SETTINGS)
    assert paper.inspection_activity(ctx) == "### PEEL\ntext\n#### Detail\nmore"


def test_dates_are_written_in_the_panels_style() -> None:
    ctx = ctx_for(as_of=dt.date(2019, 6, 30))
    assert paper.header_block(ctx).startswith("Position as at 30 June 2019 (Q1 19/20)")


def test_delays_table_has_a_row_per_reason_with_its_business_groups() -> None:
    overdue = days_before(AS_OF, 30)
    ctx = ctx_for(
        actions=[
            {"due_date": overdue, "delay_category": "Funding", "business_group": "Met HQ"},
            {"due_date": overdue, "delay_category": "Funding", "business_group": "Met HQ"},
            {"due_date": overdue, "delay_category": "Funding", "business_group": "Professionalism"},
            {"due_date": overdue, "business_group": "Professionalism"},
        ]
    )
    assert paper.delays_table(ctx).to_dict("records") == [
        {
            "Reason for the missed deadline": "Funding",
            "Overdue actions": "3",
            "Business groups": "Met HQ (2), Professionalism (1)",
        },
        {
            "Reason for the missed deadline": "No reason given",
            "Overdue actions": "1",
            "Business groups": "Professionalism (1)",
        },
    ]


def test_tracker_text_reaches_every_sentence_as_typed_and_never_as_markup() -> None:
    """The sentence builders escape what the trackers say; Pandoc reads it back as words."""
    import json

    import pypandoc

    from analysis.presentation.markup import literal

    title, group, reason = "**Audit** <b>x</b>", "$g$ @fig-groups", "{{< meta contact >}} it's"
    theme, programme = "[t](javascript:x)", "# P"
    ctx = ctx_for(
        actions=[
            {
                "audit_title": title,
                "business_group": group,
                "business_area": group,
                "due_date": days_before(AS_OF, 400),
                "delay_reason": reason,
            },
            {"audit_title": title, "business_group": group, "due_date": "2019-08-31"},
            {"audit_title": title, "business_group": group, "due_date": "2019-09-30"},
        ],
        recommendations=[{"theme": theme, "programme": programme}],
    )
    sentences = {
        "attention": paper.attention_text(ctx),
        "overdue": paper.overdue_text(ctx),
        "due": paper.due_coming_text(ctx),
        "portal": paper.portal_text(ctx),
    }
    assert literal(title) in sentences["attention"] and literal(reason) in sentences["attention"]
    assert literal(group) in sentences["overdue"] and literal(group) in sentences["due"]
    assert literal(theme) in sentences["portal"] and literal(programme) in sentences["portal"]
    allowed = {"Para", "Plain", "OrderedList", "Decimal", "Period", "Str", "Space", "Strong"}
    for name, text in sentences.items():
        own = text.replace("@tbl-attention gives", "The table gives")  # the template's reference
        ast = json.loads(pypandoc.convert_text(own, "json", format="markdown"))
        assert _node_types(ast["blocks"]) <= allowed | {"SoftBreak"}, name


def _node_types(value) -> set[str]:
    if isinstance(value, list):
        return set().union(*(_node_types(v) for v in value)) if value else set()
    if isinstance(value, dict) and "t" in value:
        return {value["t"]} | _node_types(value.get("c", []))
    return set()


# --- themes -------------------------------------------------------------------------------------
def test_nothing_cross_cutting_is_said_plainly() -> None:
    ctx = ctx_for(
        actions=[{"action": "Fuel card checks"}],
        recommendations=[{"inspection": "Missing children"}],
    )
    text = paper.summary_interdependencies(ctx)
    assert text.startswith("No theme holds both open HMICFRS recommendations")
    table = paper.themes_table(ctx)
    assert table["Theme"].tolist() == ["Vulnerability and safeguarding", "Finance", "Total"]
    assert table["Raised by both"].tolist() == ["", "", ""]


def test_cross_cutting_themes_are_named_with_their_counts_and_holders() -> None:
    ctx = ctx_for(
        actions=[
            {"action": "Vetting renewals", "business_group": "Professionalism"},
            {"action": "Vetting renewals", "business_group": "Met HQ", "due_date": "2019-12-31"},
        ],
        recommendations=[{"inspection": "Vetting and counter-corruption"}],
    )
    text = paper.summary_interdependencies(ctx)
    assert "both have open findings in one theme" in text
    assert (
        "- **Vetting, integrity and professional standards**: 1 open recommendation and "
        "2 outstanding actions (1 overdue), the actions held by Met HQ (1) and "
        "Professionalism (1)." in text
    )
    table = paper.themes_table(ctx)
    assert table.iloc[-1].tolist() == ["Total", "1", "2", "1", ""]
    audits = paper.audit_themes_text(ctx)
    assert audits.startswith("The 2 outstanding actions fall into one theme.")


def test_authored_interdependencies_follow_the_facts() -> None:
    ctx = ctx_for(actions=[{"action": "Vetting renewals"}])
    ctx.snapshot.narrative["Interdependencies"] = "Our own words."
    assert paper.summary_interdependencies(ctx).endswith("\n\nOur own words.")


def test_the_method_annex_sets_nothing_as_code() -> None:
    """No code typeface in the paper (one typeface across text and charts): the quarter's
    folder name and the rule files are named in plain text, not as Markdown code."""
    annex = paper.annex_method(ctx_for(as_of=dt.date(2019, 6, 30)))
    assert "`" not in annex
    assert "the snapshot for Q1 19/20 (2019-20-Q1)." in annex
