"""What the paper may show of OFFICIAL-SENSITIVE rows, and the counting helper every table uses.

Restricted rows count in every total, but their free text (an inspection or audit title, an
owner, a delay reason, a lead, an action's or a recommendation's text) must never reach the paper, a published notebook or
figures.json.  Masking therefore happens here, inside the analysis, rather than in the
notebooks: every public table function returns text that has already been through
:func:`mask_restricted` or :func:`audit_label`, so a careless notebook cannot leak it.

An audit is restricted when ANY of its rows in the snapshot is OFFICIAL-SENSITIVE.  An audit
is identified by its title, because the title is the very text being protected: one sensitive
row is enough to hide the title on every row that carries it, even rows marked OFFICIAL.  This
over-hides rather than risks a leak, which is the right way round for a public paper.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import pandas as pd

from analysis.inputs.vocabulary import OFFICIAL_SENSITIVE, RESTRICTED_ITEM

TITLE_COLUMNS = ("audit_title", "inspection")
"""Free text that names the thing itself: always replaced by ``Restricted item``."""

DETAIL_COLUMNS = ("owner", "delay_reason", "lead", "action", "title")
"""Free text that describes a row: replaced by ``Restricted item`` when present, kept blank when
blank, so that "no reason given" stays visible without the reason."""


def is_sensitive(frame: pd.DataFrame) -> pd.Series:
    """Rows marked OFFICIAL-SENSITIVE; a frame without a marking column has none."""
    if "marking" not in frame.columns:
        return pd.Series(False, index=frame.index)
    return frame["marking"].eq(OFFICIAL_SENSITIVE).fillna(False).astype(bool)


def restricted_titles(actions: pd.DataFrame) -> set[str]:
    """Titles of audits with at least one OFFICIAL-SENSITIVE row."""
    return set(actions.loc[is_sensitive(actions), "audit_title"].dropna())


def in_restricted_audit(actions: pd.DataFrame) -> pd.Series:
    """Rows that belong to a restricted audit, whatever their own marking."""
    return actions["audit_title"].isin(restricted_titles(actions))


def audit_label(actions: pd.DataFrame) -> pd.Series:
    """The audit title as the paper may print it: ``Restricted item`` for a restricted audit."""
    return actions["audit_title"].where(~in_restricted_audit(actions), RESTRICTED_ITEM)


def mask_restricted(
    frame: pd.DataFrame,
    columns: Iterable[str] | None = None,
    *,
    restricted: pd.Series | None = None,
) -> pd.DataFrame:
    """A copy of ``frame`` whose restricted free text reads ``Restricted item``.

    ``columns`` limits which free-text columns are considered (default: every title and
    detail column present).  Titles are masked on every row of a restricted audit; details
    only on the OFFICIAL-SENSITIVE rows themselves, since an OFFICIAL row's owner or reason is
    not sensitive text.  ``restricted`` marks the rows of restricted audits when ``frame`` is
    only part of its snapshot (:func:`in_restricted_audit` of the whole snapshot, since one
    sensitive row anywhere hides the title); by default it is judged from ``frame`` itself.
    """
    wanted = set(TITLE_COLUMNS + DETAIL_COLUMNS) if columns is None else set(columns)
    masked = frame.copy()
    sensitive = is_sensitive(frame)
    for column in TITLE_COLUMNS:
        if column not in wanted or column not in frame.columns:
            continue
        hide = sensitive
        if column == "audit_title":
            hide = in_restricted_audit(frame) if restricted is None else restricted
        masked[column] = _replace(frame[column], hide, keep_blank=False)
    for column in DETAIL_COLUMNS:
        if column in wanted and column in frame.columns:
            masked[column] = _replace(frame[column], sensitive, keep_blank=True)
    return masked


def _replace(values: pd.Series, hide: pd.Series, *, keep_blank: bool) -> pd.Series:
    out = values.astype(object).copy()
    target = hide & values.notna() if keep_blank else hide
    out[target] = RESTRICTED_ITEM
    return out


def tally(values: pd.Series, order: Sequence[str] | None = None) -> pd.Series:
    """Counts of each value, zero counts left out, in the paper's order.

    With ``order`` (a vocabulary: risks, age bands, themes, quarters) the known values come in
    that order and any others follow; otherwise, and for those others, the largest count comes
    first and ties go alphabetically, so the same data always gives the same order.
    """
    counts = values.dropna().astype(str).value_counts()
    counts = counts[counts > 0]
    known = [name for name in (order or ()) if name in counts.index]
    count_of = counts.to_dict()  # a dict lookup per name, not a Series lookup
    rest = sorted(
        (name for name in counts.index if name not in known), key=lambda n: (-count_of[n], n)
    )
    result = counts.reindex(known + rest).astype(int)
    result.index.name = values.name
    result.name = "count"
    return result
