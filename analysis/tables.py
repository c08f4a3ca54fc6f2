"""Tables as the panel reads them: one helper for the paper and for exploration alike.

A breakdown leaves the analysis as a count Series (``tally``) or a small frame of counts.  The
paper wants it as a Markdown table with a total row, JupyterLab as something an analyst can
sort and search.  Both start from :func:`count_table`, so the total the panel reads in print is
the sum of the very rows an analyst sees on screen.

The functions here format and never count: they take what :mod:`analysis` computed (already
masked by :mod:`analysis.marking`) and only change how it looks.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd
from pandas.io.formats.style import Styler

from analysis.markup import literal, one_line

TOTAL = "Total"
COUNT = "Count"


def count_table(
    series: pd.Series | pd.DataFrame,
    label: str,
    total_label: str | None = TOTAL,
    *,
    value: str = COUNT,
    totals: Sequence[str] | None = None,
) -> pd.DataFrame:
    """A breakdown as a display frame: the categories in a column headed ``label``, then the
    counts, then a total row (left out when ``total_label`` is None).

    ``series`` is a count per category (its index); a frame of several count columns (e.g.
    overdue and not yet due per deadline quarter) keeps its columns and totals each numeric
    one, or only the columns named in ``totals`` (a median has no total).  ``value`` heads the
    count column of a Series.  The order of the rows is kept: the analysis has already put them
    in the paper's order.
    """
    frame = series.to_frame(value) if isinstance(series, pd.Series) else series.copy()
    frame.index = frame.index.astype(object).map(str)
    frame = frame.rename_axis(label).reset_index()
    if total_label is None:
        return frame
    numeric = [
        c
        for c in frame.columns[1:]
        if pd.api.types.is_numeric_dtype(frame[c]) and (totals is None or c in totals)
    ]
    total: dict[str, Any] = {label: total_label}
    total.update({c: frame[c].sum() for c in numeric})
    table = pd.concat([frame, pd.DataFrame([total])], ignore_index=True)
    for column in numeric:
        if pd.api.types.is_integer_dtype(frame[column]) or frame.empty:
            table[column] = table[column].astype(int)
    return table


def _markdown_cell(value: object) -> object:
    """Text in a cell is data: written so it prints as typed (:func:`analysis.markup.literal`
    also escapes the pipe that would end the cell and puts a line break on one line)."""
    if isinstance(value, str):
        return literal(value)
    return value


def _shown_cell(value: object) -> object:
    """A cell as the reader sees it, for measuring column widths: the escapes
    :func:`_markdown_cell` adds take no room on the page (a pipe is measured as a slash)."""
    if isinstance(value, str):
        return one_line(value).replace("|", "/")
    return value


def _pipe_table(frame: pd.DataFrame, cell: Any, thousands: bool) -> str:
    shown = frame.apply(lambda column: column.map(cell))
    shown.columns = [cell(c) for c in shown.columns]
    shown = shown.astype(object).where(shown.notna(), None)
    return shown.to_markdown(
        index=False,
        missingval="",
        intfmt="," if thousands else "",
        floatfmt="g",
    )


def markdown_table(frame: pd.DataFrame, *, index: bool = False, thousands: bool = True) -> str:
    """``frame`` as a pipe table for the paper (Pandoc and Quarto read it as a real table).

    Numbers are right-aligned and text left-aligned; whole numbers get thousands separators
    (``1,204``) unless ``thousands`` is False; blanks print as nothing rather than ``nan``.
    Every text cell and heading is data, printed as typed, never read as Markdown; columns
    are sized by the text as printed.
    """
    shown = frame.reset_index() if index else frame
    if shown.empty:
        return "*(none)*"
    lines = _pipe_table(shown, _markdown_cell, thousands).splitlines()
    lines[1] = _sized_rule(_pipe_table(shown, _shown_cell, thousands)).splitlines()[1]
    return "\n".join(lines)


MAX_COLUMN_DASHES = 30
MIN_COLUMN_DASHES = 10


def _sized_rule(table: str) -> str:
    """Resize the dashes under the header so the page can hold every column.

    Pandoc (and so Quarto) sizes the columns of a wide pipe table by those dashes; left to the
    longest cell, a long audit title squeezes a year column to a sliver in PDF and Word.  Each
    column gets between MIN and MAX dashes, by its longest cell; alignment colons are kept.
    """
    lines = table.splitlines()
    rows = [[cell.strip() for cell in line.strip().strip("|").split(" | ")] for line in lines]
    rule = lines[1].strip().strip("|").split("|")
    widths = [max(len(r[i]) for r in [rows[0], *rows[2:]] if i < len(r)) for i in range(len(rule))]
    sized = []
    for cell, longest in zip(rule, widths, strict=True):
        width = max(min(longest, MAX_COLUMN_DASHES), MIN_COLUMN_DASHES)
        left, right = cell.startswith(":"), cell.endswith(":")
        sized.append((":" if left else "") + "-" * (width - left - right) + (":" if right else ""))
    lines[1] = "|" + "|".join(sized) + "|"
    return "\n".join(lines)


def styled_table(frame: pd.DataFrame, *, caption: str | None = None) -> Styler:
    """A plain, index-free rendering for a notebook without itables: blanks stay blank and dates
    read as dates, not midnight timestamps."""
    dates = [c for c in frame.columns if pd.api.types.is_datetime64_any_dtype(frame[c])]
    formats = dict.fromkeys(dates, lambda d: "" if pd.isna(d) else d.strftime("%d %b %Y"))
    styler = frame.style.hide(axis="index").format(formats, na_rep="")
    if caption:
        styler = styler.set_caption(caption)
    return styler


def has_itables() -> bool:
    try:
        import itables  # noqa: F401
    except ImportError:
        return False
    return True


def use_interactive_tables() -> None:
    """Load the interactive-table library into the notebook once, from the installed package
    rather than the internet, so tables work offline and in an exported HTML file.  Without
    itables this does nothing and :func:`interactive_table` falls back to a styled frame."""
    if has_itables():
        import itables

        itables.init_notebook_mode(all_interactive=False, connected=False)


def _for_screen(frame: pd.DataFrame) -> pd.DataFrame:
    """Dates as ``YYYY-MM-DD`` text (still sorts in time order) and blanks as empty text, so an
    interactive table shows neither midnight timestamps nor ``NaN``."""
    shown = frame.copy()
    for column in shown.columns:
        values = shown[column]
        if pd.api.types.is_datetime64_any_dtype(values):
            shown[column] = values.dt.strftime("%Y-%m-%d").fillna("")
        elif not pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
            shown[column] = values.astype(object).where(values.notna(), "")
    return shown


def interactive_table(
    frame: pd.DataFrame, *, caption: str | None = None, page_length: int = 10
) -> Any:
    """Something JupyterLab shows as a sortable, searchable table (itables), or a styled frame
    when itables is not installed.  Call :func:`use_interactive_tables` first in the notebook."""
    if not has_itables():
        return styled_table(frame, caption=caption)
    import itables
    from IPython.display import HTML

    shown = _for_screen(frame)
    text = [i for i, c in enumerate(shown.columns) if not pd.api.types.is_numeric_dtype(shown[c])]
    options: dict[str, Any] = {
        "connected": False,
        "showIndex": False,
        "pageLength": page_length,
        "maxBytes": 0,
    }
    if text:
        options["columnDefs"] = [{"className": "dt-left", "targets": text}]
    return HTML(itables.to_html_datatable(shown, caption=caption, **options))
