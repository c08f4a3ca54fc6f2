"""The paper's reconciliation: sentences and tables that add up, masked text, nothing without one."""

from __future__ import annotations

import dataclasses

from analysis.inputs.vocabulary import RESTRICTED_ITEM
from analysis.presentation import reconciliation_text as rt
from analysis.presentation.paper_context import context_from
from tests.figures.test_reconciliation import tracker_frame
from tests.helpers.frames import SETTINGS, snapshot

RECS = [
    {"rec_id": "A", "status": "Being progressed", "inspection": "Custody review"},
    {
        "rec_id": "B",
        "status": "Awaiting review",
        "inspection": "Heron safeguards",
        "marking": "OFFICIAL-SENSITIVE",
    },
    {"rec_id": "C", "status": "Being progressed", "inspection": "Vetting"},
    {"rec_id": "D", "status": "Being progressed", "inspection": "Fraud"},
    {"rec_id": "E", "status": "Complete", "inspection": "Stalking"},
]
OWN = [
    {
        "rec_id": "A",
        "internal_status": "Complete",
        "evidence": "Policy **signed** off",
        "internal_status_date": "2019-05-02",
    },
    {"rec_id": "B", "internal_status": "Evidence submitted", "evidence": "Heron covert board"},
    {
        "rec_id": "C",
        "internal_status": "Evidence submitted",
        "evidence": "Vetting pack",
        "marking": "OFFICIAL-SENSITIVE",
    },
    {"rec_id": "E", "internal_status": "In progress"},
    {"rec_id": "X-1", "internal_status": "Not started"},
]


def ctx(tracker=OWN):
    shot = snapshot(recommendations=RECS)
    if tracker is not None:
        shot = dataclasses.replace(shot, tracker=tracker_frame(tracker))
    return context_from(shot, [shot], SETTINGS)


def test_without_an_own_tracker_the_paper_says_nothing() -> None:
    plain = ctx(None)
    assert rt.reconciliation_blocks(plain) == []
    assert rt.reconciliation_markdown(plain) == ""
    assert rt.reconciliation_text(plain) == ""
    assert rt.reconciliation_table(plain).empty
    assert rt.ready_to_close_table(plain).empty


def test_the_sentences_give_every_group() -> None:
    text = rt.reconciliation_text(ctx())
    assert "Of the four open recommendations on the portal, three recommendations have" in text
    assert "no recommendations are being worked on in both records" in text
    assert "one recommendation is not yet on the force's own tracker" in text
    assert "One recommendation closed on the portal is not complete internally (E)" in text
    assert "One entry of the own tracker (X-1) does not appear in the portal export" in text


def test_the_table_adds_up_to_the_open_total() -> None:
    c = ctx()
    table = rt.reconciliation_table(c).set_index("Group")["Recommendations"]
    open_rows = [rt.GROUP_LABELS[name] for name in rt.rc.OPEN_GROUPS]
    assert table[open_rows].sum() == table[rt.OPEN_TOTAL] == c.figures["recommendations"]["open"]
    assert table[rt.GROUP_LABELS[rt.rc.NOT_ON_PORTAL]] == 1


def test_restricted_rows_show_no_free_text_in_the_ready_to_close_table() -> None:
    table = rt.ready_to_close_table(ctx()).set_index("Portal reference")
    assert table.loc["A", "Inspection"] == "Custody review"
    assert table.loc["A", "Evidence"] == "Policy **signed** off"
    # Sensitive on the portal (B) or in the own tracker (C): both texts hidden.
    for rec in ("B", "C"):
        assert table.loc[rec, "Inspection"] == RESTRICTED_ITEM
        assert table.loc[rec, "Evidence"] == RESTRICTED_ITEM
    shown = "\n".join(rt.reconciliation_blocks(ctx()))
    for secret in ("Heron", "Vetting pack", "Vetting"):
        assert secret not in shown


def test_the_blocks_open_with_the_section_heading() -> None:
    blocks = rt.reconciliation_blocks(ctx())
    assert blocks[0].startswith(rt.HEADING + "\n\n")
    assert len(blocks) == 4
    assert blocks[3].splitlines()[2].startswith("| A ")
    assert rt.reconciliation_markdown(ctx()) == "\n\n".join(blocks)
