"""Tables as the panel reads them: one helper for the paper and for exploration alike.

A breakdown leaves the analysis as a count Series (``tally``), a small frame of counts or, for
the paper, the figures record's own numbers.  Every table that ends in a total row gets it
from :func:`with_total`: the paper's tables (whose totals are the record's headline figures,
so the row reads the same number the text states), the chart-data annex and
:func:`count_table` (a tally as a display table, its total the sum of the rows shown).  The
paper then wants a table as Markdown (:func:`markdown_table`), JupyterLab as something an
analyst can sort and search (:func:`interactive_table`).

The functions here format and never count: they take what :mod:`analysis` computed (already
masked by :mod:`analysis.figures.marking`) and only change how it looks.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd
from IPython.display import HTML
from pandas.io.formats.style import Styler

from analysis.presentation.markup import literal, one_line

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
    table = with_total(
        frame, {c: frame[c].sum() for c in numeric}, label=total_label, blank=float("nan")
    )
    for column in numeric:
        if pd.api.types.is_integer_dtype(frame[column]) or frame.empty:
            table[column] = table[column].astype(int)
    return table


def with_total(
    frame: pd.DataFrame,
    totals: Mapping[str, Any],
    *,
    label: str = TOTAL,
    blank: object = "",
) -> pd.DataFrame:
    """``frame`` with its total row last: ``label`` in the first column, each column named in
    ``totals`` holding the value given there, every other column ``blank``.

    The caller gives the totals rather than this summing the rows, because the paper's total
    row restates a headline figure of the record (``recommendations.open``), which is the
    number the panel reads in the text.  This is the one place a total row is made, so every
    table says ``Total`` the same way and in the same place.
    """
    unknown = set(totals) - set(frame.columns)
    if unknown:
        raise ValueError(f"a total for columns the table does not have: {sorted(unknown)}")
    row = {column: blank for column in frame.columns} | {frame.columns[0]: label} | dict(totals)
    last = pd.DataFrame([row], columns=frame.columns)
    if frame.empty:  # nothing to stack on: the total row alone, typed by its own values
        return last
    return pd.concat([frame, last], ignore_index=True)


def _markdown_cell(value: object) -> object:
    """Text in a cell is data: written so it prints as typed (:func:`analysis.presentation.markup.literal`
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
    # Pandoc decides between natural and relative widths on the lines it reads (escapes
    # included), while the widths themselves are measured on the text as printed.
    wide = max(len(line) for line in lines[:1] + lines[2:]) > PANDOC_COLUMNS
    lines[1] = _sized_rule(_pipe_table(shown, _shown_cell, thousands), wide=wide).splitlines()[1]
    return "\n".join(lines)


def captioned_table(table: str, caption: str, label: str) -> str:
    """A pipe table from :func:`markdown_table` with its caption, for a table that shares an
    output with other blocks (so has no ``tbl-cap`` cell option of its own).

    Every table in the paper is named by a caption (a screen reader announces a table by it),
    and ``label`` (``tbl-...``) numbers it among the paper's tables: Quarto's cross-referencing
    numbers a labelled Pandoc caption inside an embedded output as it numbers a ``tbl-cap``
    cell, and the fallback does the same (:mod:`analysis.publishing.render.embeds`).  An unlabelled
    caption would not do: Quarto drops it inside an embedded output where Pandoc keeps it.
    ``caption`` is the paper's own words, never data.  The empty table ``*(none)*`` is no table
    and gets no caption."""
    if not label.startswith("tbl-") or not re.fullmatch(r"[A-Za-z0-9_-]+", label):
        raise ValueError(f"a table label is tbl- and letters, digits, - or _: {label!r}")
    if not table.lstrip().startswith("|"):
        return table
    return f"{table}\n\n: {caption} {{#{label}}}"


# The page a paper table is set on, in points: A4 less the 22 mm side margins of both the Word
# reference document and the Typst template, with the table text at 10 pt and 5 pt of cell
# padding either side (paper/make_reference_docx.py, paper/typst-template.typ).
TEXT_WIDTH_PT = (210 - 2 * 22) / 25.4 * 72
TABLE_FONT_PT = 10.0
CELL_PADDING_PT = 10.0
PANDOC_COLUMNS = 72
"""Pandoc's ``--columns`` default, which neither renderer changes: a pipe table with a longer
line gets relative column widths from its dashes, a narrower one its natural widths."""
HEADER_BOLDNESS = 1.08
"""A bold header word is about this much wider than the same word set in regular type."""

# Advance widths in ems of Arial (Word's font for the paper) by character class: wide enough
# for Libertinus Serif in the PDF too, which is narrower.  A rough measure serves: widths are
# only decided to the nearest point and every column keeps a little slack.
_NARROW = set("ijlI.,;:'|!()[]/ ")
_WIDE = set("mwMW@%")
_EM = {"narrow": 0.30, "wide": 0.86, "upper": 0.70, "digit": 0.56, "other": 0.52}


def text_width_pt(text: str, *, bold: bool = False) -> float:
    """How wide ``text`` prints on one line in a paper table, in points (see _EM)."""

    def em(char: str) -> float:
        if char in _NARROW:
            return _EM["narrow"]
        if char in _WIDE:
            return _EM["wide"]
        if char.isupper():
            return _EM["upper"]
        return _EM["digit"] if char.isdigit() else _EM["other"]

    width = sum(em(char) for char in text) * TABLE_FONT_PT
    return width * HEADER_BOLDNESS if bold else width


def column_widths_pt(header: Sequence[str], rows: Sequence[Sequence[str]]) -> list[float]:
    """Each column's width on the page, in points, so that no word (no header word, no
    number such as ``2017/18`` or ``1,204``) has to break: a column is never narrower than
    its longest word plus padding.  What the page has left over goes to the columns whose
    cells would otherwise wrap, in proportion to how much more they would need to sit on one
    line; a table narrow enough to sit on one line everywhere is spread across the page in
    proportion to its columns' widths."""
    columns = list(zip(header, *rows, strict=True)) if rows else [(h,) for h in header]
    need, want = [], []
    for title, *cells in columns:
        words = [text_width_pt(w, bold=True) for w in title.split()]
        words += [text_width_pt(w) for cell in cells for w in cell.split()]
        lines = [text_width_pt(title, bold=True)] + [text_width_pt(cell) for cell in cells]
        need.append(max(words, default=0.0) + CELL_PADDING_PT)
        want.append(max(max(lines), max(words, default=0.0)) + CELL_PADDING_PT)
    if sum(want) <= TEXT_WIDTH_PT:
        return [w * TEXT_WIDTH_PT / sum(want) for w in want]
    spare = TEXT_WIDTH_PT - sum(need)
    if spare <= 0:  # the longest words alone overfill the page: keep their proportions
        return [n * TEXT_WIDTH_PT / sum(need) for n in need]
    extra = [w - n for w, n in zip(want, need, strict=True)]
    return [n + spare * e / sum(extra) for n, e in zip(need, extra, strict=True)]


def _sized_rule(table: str, *, wide: bool | None = None) -> str:
    """Set the dashes under the header to the columns' widths on the page.

    Pandoc (and so Quarto) gives each column of a pipe table the share of the text width that
    its dashes (alignment colons included) have of the whole rule, in Word, PDF and HTML
    alike, once any line of the table is longer than PANDOC_COLUMNS characters; a table whose
    lines are all shorter is set at its natural width and left as it is.  The dashes are the
    widths of :func:`column_widths_pt`, one per point.  ``wide`` says whether Pandoc will
    read the table as one with long lines (by default: whether ``table``'s lines are long).
    """
    lines = table.splitlines()
    if wide is None:
        wide = max(len(line) for line in lines[:1] + lines[2:]) > PANDOC_COLUMNS
    if not wide:
        return table  # Pandoc sets a table this narrow at its natural width: nothing wraps
    rows = [[cell.strip() for cell in line.strip().strip("|").split(" | ")] for line in lines]
    rule = lines[1].strip().strip("|").split("|")
    header, body = rows[0], [row for row in rows[2:] if len(row) == len(rule)]
    widths = column_widths_pt([cell.replace("\\|", "|") for cell in header], body)
    sized = []
    for cell, width in zip(rule, widths, strict=True):
        left, right = cell.startswith(":"), cell.endswith(":")
        dashes = max(round(width), 3)
        sized.append((":" if left else "") + "-" * (dashes - left - right) + (":" if right else ""))
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
    """Whether the optional itables is installed (it is no dependency: imported where used)."""
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
        import itables  # optional, see has_itables

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
