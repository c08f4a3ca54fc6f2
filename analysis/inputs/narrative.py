"""narrative.md: the quarter's prose, split on its level-2 headings.

The narrative holds no figures, so it is only split and checked for the placeholder lines that
``panelpaper new`` writes (an unedited narrative must never reach a paper).
"""

from __future__ import annotations

import re

from analysis.inputs.findings import Finding

PLACEHOLDER = "TODO (panelpaper new): replace this line with this quarter's text."
"""The line ``panelpaper new`` writes under each heading of a new narrative.md; ``check``
reports each one left as an error, so an unedited narrative never reaches a paper."""

_HEADING = re.compile(r"^##[ \t]+(.*?)[ \t]*#*[ \t]*$")
_FENCE = re.compile(r"^[ \t]{0,3}(```|~~~)")


def split_narrative(text: str) -> dict[str, str]:
    """narrative.md split on its level-2 headings (``## ...``), ignoring any inside code
    fences.  A heading used twice keeps both bodies, in order."""
    sections: dict[str, list[str]] = {"": []}
    current = ""
    fenced = False
    for line in text.splitlines():
        if _FENCE.match(line):
            fenced = not fenced
        match = None if fenced else _HEADING.match(line)
        if match:
            current = match.group(1).strip()
            sections.setdefault(current, [])
            if sections[current]:
                sections[current].append("")
            continue
        sections[current].append(line)
    bodies = {heading: "\n".join(lines).strip("\n").rstrip() for heading, lines in sections.items()}
    if not bodies[""].strip():
        del bodies[""]
    return bodies


def placeholder_errors(text: str, file: str) -> list[Finding]:
    """Each line still holding :data:`PLACEHOLDER`, by its line number (shown as the row)."""
    return [
        Finding(
            "error",
            file,
            "still the placeholder written by panelpaper new: replace it with this quarter's text",
            row=number,
            value=line.strip(),
        )
        for number, line in enumerate(text.splitlines(), start=1)
        if PLACEHOLDER in line
    ]
