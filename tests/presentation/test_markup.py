"""Tests for analysis/presentation/markup.py: tracker text written into Markdown reads back as typed.

Each catalogue entry is escaped, placed where the paper places data (inside a sentence, at
the start of a line, in a list item, in a pipe-table cell, as a metadata value) and read back
by the very Pandoc the fallback renderer runs.  The document must come back as plain text
only (no emphasis, link, raw HTML, maths, citation, quote, heading, list or table made from
the data) and that text must be the cell's own characters.
"""

from __future__ import annotations

import json

import pypandoc
import pytest
import yaml
from markdown_it import MarkdownIt

from analysis.presentation.markup import literal, literals
from tests.helpers.hostile import CATALOGUE, flat

ORDINARY = [
    "Met Operations",
    "Frontline Policing",
    "Stop and search review",
    "2018/19",
    "Q1 19/20",
    "Custody audit \u2013 follow-up",
    "Waiting for the new IT system, then training.",
]


def _text(inlines: list[dict]) -> str:
    """Inline content as text; any element other than plain words is named in brackets."""
    out = []
    for item in inlines:
        kind = item["t"]
        if kind == "Str":
            out.append(item["c"])
        elif kind in ("Space", "SoftBreak"):
            out.append(" ")
        elif kind == "Strong":  # the list item's own bold, written by the template
            out.append(_text(item["c"]))
        else:
            out.append(f"<{kind}>")
    return "".join(out)


def _read(markdown: str) -> dict:
    return json.loads(pypandoc.convert_text(markdown, "json", format="markdown"))


def _isolated(text: str) -> str:
    return text.replace("\u2068", "").replace("\u2069", "")


@pytest.fixture(scope="module")
def read_back() -> dict[str, list[str]]:
    """Every entry in each context, read by Pandoc in one document: (key -> texts)."""
    keys = list(CATALOGUE)
    blocks = []
    for key in keys:
        shown = literal(CATALOGUE[key])
        blocks.append(f"In a sentence {shown} ends here.")
        blocks.append(shown)
        blocks.append(f"1.  **{shown}**: chosen.")
    table = ["| key | value |", "|---|---|"] + [f"| {k} | {literal(CATALOGUE[k])} |" for k in keys]
    meta = {k: literal(v) for k, v in CATALOGUE.items()}
    document = (
        "---\n"
        + yaml.safe_dump(meta, allow_unicode=True)
        + "---\n\n"
        + "\n\n".join(blocks)
        + "\n\n"
        + "\n".join(table)
        + "\n"
    )
    ast = _read(document)
    found: dict[str, list[str]] = {k: [] for k in keys}
    body = ast["blocks"]
    for i, key in enumerate(keys):
        sentence, alone, listed = body[3 * i : 3 * i + 3]
        assert sentence["t"] == "Para" and alone["t"] == "Para", (key, sentence, alone)
        assert listed["t"] == "OrderedList", (key, listed)
        found[key].append(_text(sentence["c"]))
        found[key].append(_text(alone["c"]))
        found[key].append(_text(listed["c"][1][0][0]["c"]))
    table_block = body[3 * len(keys)]
    assert table_block["t"] == "Table"
    rows = table_block["c"][4][0][3]
    for key, row in zip(keys, rows, strict=True):
        cell = row[1][1][4][0]
        assert cell["t"] in ("Plain", "Para"), (key, cell)
        found[key].append(_text(cell["c"]))
    for key in keys:
        value = ast["meta"][key]
        assert value["t"] == "MetaInlines", (key, value)
        found[key].append(_text(value["c"]))
    return found


@pytest.mark.parametrize("key", list(CATALOGUE))
def test_pandoc_reads_every_entry_back_as_typed_in_every_context(read_back, key):
    want = flat(CATALOGUE[key])
    sentence, alone, listed, cell, meta = (_isolated(t) for t in read_back[key])
    assert sentence == f"In a sentence {want} ends here."
    assert alone == want
    assert listed == want + ": chosen."
    assert cell == want
    assert meta == want


@pytest.mark.parametrize("key", list(CATALOGUE))
def test_commonmark_shows_the_entry_as_typed_in_a_notebook(key):
    """JupyterLab renders the notebooks' Markdown outputs with a CommonMark parser."""
    tokens = MarkdownIt("commonmark").parse(literal(CATALOGUE[key]))
    assert [t.type for t in tokens] == ["paragraph_open", "inline", "paragraph_close"]
    children = tokens[1].children or []
    assert {c.type for c in children} <= {"text", "softbreak"}
    assert _isolated("".join(c.content for c in children)) == flat(CATALOGUE[key])


@pytest.mark.parametrize("text", ORDINARY)
def test_ordinary_tracker_text_is_left_as_it_was(text):
    assert literal(text) == text


def test_the_issue_example_is_escaped_character_by_character():
    assert literal("£5m budget_v2 (*draft*) #3 <b>") == r"£5m budget\_v2 (\*draft\*) \#3 \<b\>"


def test_line_breaks_tabs_and_control_characters_become_one_space():
    assert literal("one\n\ntwo\tthree\r\nfour\x0bfive") == "one two three four five"


def test_a_right_to_left_override_is_isolated_so_it_cannot_run_on():
    shown = literal("abc \u202eevil")
    assert shown == "\u2068abc \u202eevil\u2069"
    assert literal("\u05e9\u05dc\u05d5\u05dd") == "\u05e9\u05dc\u05d5\u05dd"  # plain Hebrew


def test_blank_and_lists():
    assert literal(None) == ""
    assert literals(["A. Writer", "*B*"]) == [r"A\. Writer", r"\*B\*"]
