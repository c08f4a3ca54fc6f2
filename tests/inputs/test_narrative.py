"""narrative.md split on its level-2 headings."""

from __future__ import annotations

from analysis.inputs.narrative import split_narrative


def test_split_narrative() -> None:
    text = (
        "# Title\n\nIntro.\n\n## First ##\n\nOne.\n\n```\n## not a heading\n```\n"
        "## Second\nTwo.\n## First\nMore.\n"
    )
    assert split_narrative(text) == {
        "": "# Title\n\nIntro.",
        "First": "One.\n\n```\n## not a heading\n```\n\nMore.",
        "Second": "Two.",
    }
    assert split_narrative("") == {}
