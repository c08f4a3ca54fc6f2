"""The method annex states the column and value maps the quarter was read through, as typed."""

from __future__ import annotations

import json
from dataclasses import replace

import pypandoc

from analysis.presentation import paper, paper_context
from analysis.presentation.markup import literal
from tests.helpers.frames import SETTINGS, snapshot

LINE = "- **Column and value maps:** "


def annex(settings=SETTINGS, meta=None) -> str:
    current = snapshot(meta=meta)
    return paper.annex_method(paper_context.context_from(current, [current], settings))


def maps_line(text: str) -> str:
    (line,) = [line for line in text.splitlines() if line.startswith(LINE)]
    return line.removeprefix(LINE)


def test_no_map_no_line() -> None:
    assert LINE not in annex()


def test_the_maps_in_force_are_stated_with_the_quarters_own_winning() -> None:
    settings = replace(
        SETTINGS,
        columns={"audit_actions": {"Target date": "due_date"}},
        values={"audit_actions": {"risk": {"Red": "High", "Amber": "Medium"}}},
    )
    meta = {
        "columns": {"recommendations": {"Reference": "rec_id", "Status": "status"}},
        "values": {"audit_actions": {"risk": {"Amber": "High"}}},
    }
    assert maps_line(annex(settings, meta)) == (
        "the exports' own headers and words were read as the data contract's, by the panel's "
        "maps (settings.yml, and the quarter's own snapshot.yml, which wins for its quarter): "
        f"recommendations headers \u2018Reference\u2019 as {literal('rec_id')} and "
        f"\u2018Status\u2019 as status; audit{literal('_')}actions header "
        f"\u2018Target date\u2019 as due{literal('_')}date; audit{literal('_')}actions risk: "
        "\u2018Red\u2019 as High and \u2018Amber\u2019 as High."
    )


def test_the_words_are_shown_as_typed_never_as_markup() -> None:
    word, header = "**Red** <b>x</b> $y$", "@fig-x {{< meta a >}}"
    settings = replace(
        SETTINGS,
        columns={"recommendations": {header: "rec_id"}},
        values={"audit_actions": {"risk": {word: "High"}}},
    )
    line = maps_line(annex(settings))
    assert literal(word) in line and literal(header) in line
    ast = json.loads(pypandoc.convert_text(line, "json", format="markdown"))
    text = pypandoc.convert_text(line, "plain", format="markdown", extra_args=["--wrap=none"])
    assert f"\u2018{word}\u2019 as High" in text
    assert f"\u2018{header}\u2019 as rec_id" in text
    assert _node_types(ast["blocks"]) <= {"Para", "Plain", "Str", "Space", "SoftBreak"}


def _node_types(value) -> set[str]:
    if isinstance(value, list):
        return set().union(*(_node_types(v) for v in value)) if value else set()
    if isinstance(value, dict) and "t" in value:
        return {value["t"]} | _node_types(value.get("c", []))
    return set()
