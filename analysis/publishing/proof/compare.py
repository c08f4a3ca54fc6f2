"""Comparing a rerun notebook's outputs with its archived ones, under nbval's rules.

``panelpaper verify`` must accept exactly what nbval (``pytest --nbval``) would accept, so a
verification means the same as the reference-notebook tests; but nbval is a pytest plugin, and
verify runs in the command's own process without pytest, a subprocess or another process's
report to scrape.  So its rules are written out here: streams joined, the sanitising rules of
``notebooks/nbval-sanitize.cfg`` applied (run times, memory addresses and absolute paths
blanked), images and metadata left out since their bytes depend on the font and library
build, nbval's ``nbval-*`` cell tags and ``# NBVAL_*`` comments honoured.  The reasons given
for a difference are nbval's own, with the cell named as a reader finds it.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from typing import Any

from analysis.paths import NOTEBOOKS

SANITIZE_FILE = NOTEBOOKS / "nbval-sanitize.cfg"

FALLBACK_SANITIZE = r"""
# Used only when notebooks/nbval-sanitize.cfg is missing: the run-dependent parts of outputs.
[iso-times]
regex: \d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:?\d{2})?
replace: <TIME>

[memory-addresses]
regex: 0x[0-9a-fA-F]{6,}
replace: 0xADDRESS

[posix-absolute-paths]
regex: (?<![\w.])/(?:[\w.@+-]+/)+[\w.@+-]*
replace: <PATH>

[windows-absolute-paths]
regex: [A-Za-z]:\\(?:[^\\\s'"]+\\)*[^\\\s'"]*
replace: <PATH>
"""

MAX_CELL_LINES = 12


# --- comparing outputs, by nbval's rules ---------------------------------------------------------
SKIP_COMPARE = frozenset(
    {
        "metadata",
        "traceback",
        "prompt_number",
        "output_type",
        "name",
        "execution_count",
        "application/vnd.jupyter.widget-view+json",  # widget model ids are random
        "image/png",  # image bytes depend on the font and library build
        "image/jpeg",
    }
)
"""What nbval leaves out of a comparison by default (images included, as without ``--nbdime``)."""

_CARRIAGE_RETURN = re.compile(r"^.*\r(?=[^\n])", re.MULTILINE)
_OPTION_TAGS = {
    "nbval-check-output": ("check", True),
    "nbval-ignore-output": ("check", False),
    "nbval-skip": ("skip", True),
    "raises-exception": ("check_exception", True),
    "nbval-raises-exception": ("check_exception", True),
}
_OPTION_COMMENTS = {
    "# NBVAL_CHECK_OUTPUT": ("check", True),
    "# NBVAL_IGNORE_OUTPUT": ("check", False),
    "# NBVAL_SKIP": ("skip", True),
    "# NBVAL_RAISES_EXCEPTION": ("check_exception", True),
}


def read_sanitize_rules(text: str) -> list[tuple[str, str]]:
    """(regex, replacement) pairs from an nbval sanitize file, in order, as nbval reads them."""
    return re.findall(r"^regex: (.*)$\n^replace: (.*)$", text, flags=re.MULTILINE)


def sanitize_rules() -> list[tuple[str, str]]:
    """The project's rules (notebooks/nbval-sanitize.cfg), or this module's minimal set."""
    text = SANITIZE_FILE.read_text(encoding="utf-8") if SANITIZE_FILE.is_file() else None
    return read_sanitize_rules(text if text is not None else FALLBACK_SANITIZE)


def cell_options(cell: dict) -> dict[str, bool]:
    """nbval's per-cell switches, from the cell's tags and then its ``# NBVAL_*`` comments."""
    options = {"check": True, "skip": False, "check_exception": False}
    for tag in cell.get("metadata", {}).get("tags", []):
        if tag in _OPTION_TAGS:
            key, value = _OPTION_TAGS[tag]
            options[key] = value
    for line in cell_source(cell).splitlines():
        if line.strip() in _OPTION_COMMENTS:
            key, value = _OPTION_COMMENTS[line.strip()]
            options[key] = value
    return options


def cell_source(cell: dict) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else source


def coalesce_streams(outputs: Sequence[dict]) -> list[dict]:
    """One output per stream name, its pieces joined and text overwritten by ``\\r`` dropped
    (as nbval does), so how the kernel happened to split its printing never counts."""
    merged: list[dict] = []
    streams: dict[str, dict] = {}
    for output in outputs:
        output = dict(output)
        if output.get("output_type") == "stream":
            text = cell_source({"source": output.get("text", "")})
            if output.get("name") in streams:
                streams[output["name"]]["text"] += text
                continue
            output["text"] = text
            streams[output.get("name", "")] = output
        merged.append(output)
    for output in streams.values():  # (nbval's backspace pass never changes anything)
        output["text"] = _CARRIAGE_RETURN.sub("", output["text"])
    return merged


def _flatten(outputs: Sequence[dict], rules: Sequence[tuple[str, str]]) -> dict[str, list]:
    """nbval's shape for comparing: each key (a stream's name, each MIME type of ``data``, and
    the other fields) with the list of its sanitised values over the cell's outputs, so that
    outputs of different kinds may come in any order but those of one kind may not."""

    def clean(value: Any) -> Any:
        value = "".join(value) if isinstance(value, list) else value
        if not isinstance(value, str):
            return value
        for regex, replace in rules:
            value = re.sub(regex, replace, value)
        return value

    flat: dict[str, list] = {}
    for output in coalesce_streams(outputs):
        if output.get("output_type") == "stream":
            output = {"output_type": "stream", output.get("name", ""): output.get("text", "")}
        for key, value in output.items():
            if key in SKIP_COMPARE:
                continue
            if key == "data":
                for mime, data in value.items():
                    if mime not in SKIP_COMPARE:
                        flat.setdefault(mime, []).append(clean(data))
            else:
                flat.setdefault(key, []).append(clean(value))
    return flat


def _text_diff(published: Any, rerun: Any) -> list[str]:
    """Line by line, ``published:`` for the archive's lines and ``rerun:`` for the new ones."""
    if not (isinstance(published, str) and isinstance(rerun, str)):
        return [f"published: {published!r}", f"rerun:     {rerun!r}"]
    lines = []
    for line in difflib.ndiff(published.splitlines(), rerun.splitlines()):
        tag, text = line[:2], line[2:]
        if tag == "- ":
            lines.append(f"published: {text}")
        elif tag == "+ ":
            lines.append(f"rerun:     {text}")
        elif tag == "? ":
            lines.append(f"           {text.rstrip()}")
    return lines or [f"published: {published!r}", f"rerun:     {rerun!r}"]


def compare_outputs(
    rerun: Sequence[dict], published: Sequence[dict], rules: Sequence[tuple[str, str]]
) -> list[str]:
    """Nothing when a cell's fresh outputs match its archived ones under nbval's rules; else
    why not, first line first (nbval's own reasons)."""
    new, old = _flatten(rerun, rules), _flatten(published, rules)
    if set(old) - set(new):
        return [f"Missing output fields from running code: {set(old) - set(new)}"]
    if set(new) - set(old):
        return [f"Unexpected output fields from running code: {set(new) - set(old)}"]
    for key, values in old.items():
        if len(values) != len(new[key]):
            return [f'dissimilar number of outputs for key "{key}"']
        for before, after in zip(values, new[key], strict=True):
            if before != after:
                return [f"'{key}' output differs", *_text_diff(before, after)]
    return []


def compare_notebooks(
    name: str,
    archived: dict,
    rerun: dict,
    rules: Sequence[tuple[str, str]],
    failure: Any = None,
) -> tuple[int, list[str]]:
    """(code cells checked, difference lines) for one notebook, code cell by code cell.

    ``failure`` is papermill's error when the rerun stopped at a cell: that cell is reported
    with its exception (unless it is tagged to raise) and the cells after it count as not
    rerun."""
    old = [c for c in archived.get("cells", []) if c.get("cell_type") == "code"]
    new = [c for c in rerun.get("cells", []) if c.get("cell_type") == "code"]
    stopped = getattr(failure, "exec_count", None) if failure is not None else None
    checked, problems = 0, []
    for index, cell in enumerate(old):
        options = cell_options(cell)
        if options["skip"]:
            continue
        checked += 1
        where = f"notebook {name}, {_cell_title(archived, index)}"
        fresh = new[index] if index < len(new) else {}
        if failure is not None and fresh.get("execution_count") in (None, stopped):
            if fresh.get("execution_count") == stopped and stopped is not None:
                problems += [
                    f"{where}: Cell execution caused an exception",
                    f"    {failure.ename}: {failure.evalue}",
                ]
            else:
                problems.append(f"{where}: not rerun (an earlier cell failed)")
            if fresh.get("execution_count") is None:
                break
            continue
        if cell.get("execution_count") is None:
            if cell.get("outputs"):
                problems.append(f"{where}: Unrun reference cell has outputs")
            continue
        if not options["check"]:
            continue
        reasons = compare_outputs(fresh.get("outputs", []), cell.get("outputs", []), rules)
        if reasons:
            problems.append(f"{where}: Cell outputs differ")
            problems += [f"    {line}" for line in reasons[: MAX_CELL_LINES + 1]]
    return checked, problems


def _cell_title(notebook: dict, code_index: int) -> str:
    """nbval counts code cells from 0; a reader counts every cell from 1 and knows the label."""
    code = -1
    for position, cell in enumerate(notebook.get("cells", []), start=1):
        if cell.get("cell_type") != "code":
            continue
        code += 1
        if code == code_index:
            lines = [ln.strip() for ln in cell_source(cell).splitlines() if ln.strip()]
            label = next(
                (ln.split(":", 1)[1].strip() for ln in lines if ln.startswith("#| label:")), None
            )
            name = label or (lines[0] if lines else "empty cell")
            return f"cell {position} ({name})"
    return f"code cell {code_index}"
