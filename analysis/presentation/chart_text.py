"""What each chart of the paper shows, in words: its alt text.

The Analysis Function's guidance asks alt text to give a chart's message and its main
numbers, not to describe the kind of chart ("Overdue actions rose from 38 to 59 over five
quarters", not "a line chart of overdue actions").  Each function here takes the very
DataFrame a chart in :mod:`analysis.presentation.plots` is drawn from (built from the quarter's
figures record by :mod:`analysis.presentation.paper_tables`), so every number in the alt text
is one the chart shows and ``figures.json`` holds.  Names from the data are written as typed:
alt text is an attribute, never read as Markdown.
"""

from __future__ import annotations

import pandas as pd

from analysis.presentation.wording import join_and, number


def _n(value: float) -> str:
    return f"{int(value):,}"


def _movement(name: str, first: float, last: float) -> str:
    """'overdue actions rose from 38 to 59' / 'fell from …' / 'stayed at 12'."""
    if last > first:
        return f"{name} rose from {_n(first)} to {_n(last)}"
    if last < first:
        return f"{name} fell from {_n(first)} to {_n(last)}"
    return f"{name} stayed at {_n(last)}"


def _span(labels: list[str]) -> str:
    quarters = f"{number(len(labels))} quarters" if len(labels) != 1 else "one quarter"
    return f"over {quarters}, {labels[0]} to {labels[-1]}" if len(labels) > 1 else f"in {labels[0]}"


def groups_alt(counts: pd.DataFrame, *, group: str, item: str, value: str = "count") -> str:
    """Figure 'by business group and business area': each group's total, largest first, and
    the largest area."""
    if counts.empty:
        return "No outstanding actions to show by business group."
    totals = counts.groupby(group, sort=False)[value].sum()
    largest = counts.loc[counts[value].idxmax()]
    parts = [f"{name} {_n(total)}" for name, total in totals.items()]
    return (
        f"{_n(totals.sum())} outstanding actions by business group: {join_and(parts)}. "
        f"The business area with the most is {largest[item]} ({largest[group]}), "
        f"with {_n(largest[value])}."
    )


def deadlines_alt(by_quarter: pd.DataFrame) -> str:
    """Figure 'by the quarter of their deadline': passed and still to come, with their spans
    and the busiest quarter."""
    if by_quarter.empty:
        return "No outstanding actions to show by the quarter of their deadline."
    overdue = int(by_quarter["overdue"].sum())
    future = int(by_quarter["not_yet_due"].sum())
    totals = by_quarter["overdue"] + by_quarter["not_yet_due"]
    busiest = by_quarter.loc[totals.idxmax(), "label"]
    sentences = [
        f"Of {_n(overdue + future)} outstanding actions, {_n(overdue)} have passed "
        f"their deadline and {_n(future)} have it still to come."
    ]
    passed = by_quarter.loc[by_quarter["overdue"] > 0, "label"].tolist()
    coming = by_quarter.loc[by_quarter["not_yet_due"] > 0, "label"].tolist()
    if passed:
        sentences.append(f"Passed deadlines run from {passed[0]} to {passed[-1]}.")
    if coming:
        sentences.append(f"Deadlines to come run from {coming[0]} to {coming[-1]}.")
    sentences.append(f"The most in one quarter is {_n(totals.max())}, in {busiest}.")
    return " ".join(sentences)


def counts_alt(counts: pd.DataFrame, *, category: str, subject: str, value: str = "count") -> str:
    """A one-series bar chart: every bar's count, in the chart's order."""
    if counts.empty or int(counts[value].sum()) == 0:
        return f"No {subject} to show."
    parts = [f"{name}: {_n(v)}" for name, v in zip(counts[category], counts[value], strict=True)]
    return f"{_n(counts[value].sum())} {subject}. {'; '.join(parts)}."


def stacked_alt(
    counts: pd.DataFrame, *, category: str, hue: str, first: str, subject: str, value: str = "count"
) -> str:
    """A stacked bar chart: each bar's total and its first part (e.g. how many overdue)."""
    if counts.empty:
        return f"No {subject} to show."
    table = counts.pivot_table(
        index=category, columns=hue, values=value, aggfunc="sum", fill_value=0, sort=False
    )
    parts = [
        f"{name} {_n(row.sum())} ({_n(row.get(first, 0))} {first.lower()})"
        for name, row in table.iterrows()
    ]
    return f"{_n(table.to_numpy().sum())} {subject}: {join_and(parts)}."


def trends_alt(trends: pd.DataFrame, series: dict[str, str]) -> str:
    """The trend chart: how each series moved from the first quarter shown to the last."""
    if trends.empty:
        return "No quarters to show."
    labels = trends["label"].tolist()
    moves = [
        _movement(name.lower(), trends[column].iloc[0], trends[column].iloc[-1])
        for column, name in series.items()
    ]
    span = _span(labels)
    return f"{span[:1].upper()}{span[1:]}: {join_and(moves)}."


def category_trends_alt(table: pd.DataFrame, *, subject: str) -> str:
    """One line (or small chart) per category: how each moved, largest now first."""
    columns = [c for c in table.columns if c not in ("quarter", "label")]
    if table.empty or not columns:
        return f"No {subject} to show."
    labels = table["label"].tolist()
    ordered = sorted(columns, key=lambda c: (-table[c].iloc[-1], columns.index(c)))
    moves = [_movement(str(c), table[c].iloc[0], table[c].iloc[-1]) for c in ordered]
    return f"{subject.capitalize()} in each theme {_span(labels)}: {'; '.join(moves)}."
