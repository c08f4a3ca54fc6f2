"""The tracker owner's summary of the leads' returns: what to change in the tracker, and what
is still unconfirmed.

It lists the changes each lead asks for, the actions not yet confirmed (answered No, left
blank, or in a list not returned) and, per group, how many were confirmed.  It carries the
lists' free text, so it is marked like the most sensitive list, and it is written only from
returns that checked clean (:func:`analysis.followup.returns.read_returns`).
"""

from __future__ import annotations

import os
import tempfile
import textwrap
from pathlib import Path

import pandas as pd

from analysis.followup.lists import NO, YES
from analysis.followup.returns import Answer, Returns, cell_text


def _date(value: object) -> str:
    return "none" if value is None or pd.isna(value) else pd.Timestamp(value).strftime("%d/%m/%Y")


def changes(returns: Returns) -> list[tuple[Answer, list[str]]]:
    """The answers that ask for a change to the tracker, each with its changes in words."""
    found = []
    for answer in returns.answers:
        sent = returns.sent[answer.group].set_index("action_id").loc[answer.action_id]
        asked = []
        if answer.proposed_status and answer.proposed_status != sent["status"]:
            asked.append(f"status {sent['status']} -> {answer.proposed_status}")
        revised = sent["revised_due_date"]
        if answer.proposed_date and (pd.isna(revised) or answer.proposed_date != revised.date()):
            asked.append(
                f"revised date {_date(revised)} -> {answer.proposed_date.strftime('%d/%m/%Y')}"
            )
        if answer.reason and answer.reason != cell_text(sent["delay_reason"]):
            asked.append(f"reason: {answer.reason!r}")
        if asked:
            found.append((answer, asked))
    return found


def summary(returns: Returns) -> str:
    """The tracker owner's summary: confirmed per group, changes asked for, not yet confirmed,
    and any comment a lead left on an action confirmed without a change."""
    answered = {(a.group, a.action_id): a for a in returns.answers}
    lines = [
        returns.marking,
        f"Follow-up returns for {returns.quarter.id} ({returns.quarter.label}), as at "
        f"{returns.as_of.strftime('%d/%m/%Y')}: {len(returns.returned)} of "
        f"{len(returns.sent)} lists returned ({returns.folder})",
        "",
        "Confirmed, per business group",
        f"  {'business group':<26} {'sent':>5} {'returned':>9} {'confirmed':>10} {'No':>4} "
        f"{'blank':>6}",
    ]
    totals = [0, 0, 0, 0, 0]
    not_confirmed: list[str] = []
    waiting = 0
    for group, sent in returns.sent.items():
        counts = [len(sent), 0, 0, 0, 0]
        if group not in returns.returned:
            waiting += len(sent)
            ids = ", ".join(sent["action_id"])
            not_confirmed += textwrap.wrap(
                f"{group}: no return ({len(sent)} action{'' if len(sent) == 1 else 's'}: {ids})",
                width=96,
                initial_indent="  ",
                subsequent_indent="      ",
                break_on_hyphens=False,
            )
        for action_id in sent["action_id"] if group in returns.returned else ():
            answer = answered.get((group, action_id))
            if answer is None:
                why = "row missing from return"
            else:
                counts[1] += 1
                if answer.confirmed == YES:
                    counts[2] += 1
                    continue
                counts[3 if answer.confirmed == NO else 4] += 1
                why = "answered No" if answer.confirmed == NO else "left blank"
                if answer.comment:
                    why += f"; comment: {answer.comment!r}"
            waiting += 1
            not_confirmed.append(f"  {action_id:<12} {group:<26} {why}")
        totals = [t + c for t, c in zip(totals, counts, strict=True)]
        lines.append(
            f"  {group:<26} {counts[0]:>5} {counts[1]:>9} {counts[2]:>10} {counts[3]:>4} "
            f"{counts[4]:>6}"
        )
    lines.append(
        f"  {'Total':<26} {totals[0]:>5} {totals[1]:>9} {totals[2]:>10} {totals[3]:>4} "
        f"{totals[4]:>6}"
    )
    asked = changes(returns)
    lines += ["", f"Changes asked for ({len(asked)})"]
    for answer, what in asked:
        comment = f"; comment: {answer.comment!r}" if answer.comment else ""
        lines.append(f"  {answer.action_id:<12} {answer.group:<26} {'; '.join(what)}{comment}")
    if not asked:
        lines.append("  none")
    lines += ["", f"Not yet confirmed ({waiting})"]
    lines += not_confirmed or ["  none"]
    changed = {id(answer) for answer, _ in asked}
    remarks = [
        f"  {a.action_id:<12} {a.group:<26} {a.comment!r}"
        for a in returns.answers
        if a.confirmed == YES and a.comment and id(a) not in changed
    ]
    if remarks:
        lines += ["", f"Comments on confirmed actions ({len(remarks)})", *remarks]
    return "\n".join(lines) + "\n"


def summary_path(returns: Returns) -> Path:
    """Where the summary is written: beside the returns, marked in its name."""
    return returns.folder / f"{returns.quarter.id}_returns-summary_{returns.marking}.txt"


def write_summary(returns: Returns) -> Path:
    """Write the summary in one step (a temporary file renamed into place); refuses when any
    error remains, so nothing is written from returns that did not check clean."""
    if not returns.ok:
        raise ValueError("the returns have errors; nothing is written")
    target = summary_path(returns)
    handle, temporary = tempfile.mkstemp(prefix=".summary-", dir=returns.folder)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(summary(returns))
        os.replace(temporary, target)
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)
    return target
