"""The one colour of every category: accessible against white, distinct within each family,
and stable for a category nobody has listed."""

from __future__ import annotations

import subprocess
import sys

import pytest
import yaml

from analysis.inputs.vocabulary import KNOWN_BUSINESS_GROUPS, KNOWN_THEMES, OTHER_THEME, RISKS
from analysis.paths import RULES
from analysis.presentation import colours, explore_deadlines
from analysis.presentation.colours import CATEGORY_COLOURS, colour_for, contrast_ratio

TAXONOMY = [
    rule["name"] for rule in yaml.safe_load((RULES / "theme_rules.yml").read_text())["themes"]
]
FAMILIES = {
    "business groups": list(KNOWN_BUSINESS_GROUPS),
    "risk ratings": list(RISKS),
    "themes": [*TAXONOMY, OTHER_THEME],
    "inspection themes": list(KNOWN_THEMES),
    "trend series": ["Open recommendations", "Outstanding actions", "Overdue actions"],
    "deadline positions": ["Deadline passed", "Deadline still to come"],
    "deadline series": list(explore_deadlines.series_names(2).values()),
}


@pytest.mark.parametrize(
    ("colour", "expected"),
    [("#FFFFFF", 1.0), ("#000000", 21.0), ("#767676", 4.54), ("#E69F00", 2.25)],
)
def test_contrast_is_computed_as_wcag_defines_it(colour: str, expected: float) -> None:
    assert contrast_ratio(colour) == pytest.approx(expected, abs=0.01)


def test_every_colour_has_three_to_one_contrast_against_white() -> None:
    every = set(CATEGORY_COLOURS.values()) | set(colours.FALLBACK_COLOURS)
    every.add(colours.DEFAULT_COLOUR)
    assert {c: round(contrast_ratio(c), 2) for c in every if contrast_ratio(c) < 3} == {}


@pytest.mark.parametrize("family", FAMILIES)
def test_every_known_category_is_listed_with_a_colour_of_its_own(family: str) -> None:
    names = FAMILIES[family]
    assert [n for n in names if n not in CATEGORY_COLOURS] == []
    assert len({colour_for(n) for n in names}) == len(names)


@pytest.mark.parametrize("limit", [1, 2, 3, 9])
def test_moved_more_than_the_limit_has_one_colour_whatever_the_limit(limit: int) -> None:
    name = explore_deadlines.series_names(limit)["moved_more_than_limit"]
    assert name in CATEGORY_COLOURS
    assert colour_for(name) == colour_for("Moved more than twice")


def test_a_theme_the_portal_and_the_taxonomy_share_has_one_colour() -> None:
    assert colour_for("Vulnerability") == colour_for("Vulnerability and safeguarding")
    assert colour_for("Information management") == colour_for(
        "Information management and data security"
    )


def test_an_unlisted_category_gets_a_fallback_colour_that_never_changes() -> None:
    name = "Digital, Data and Technology"
    assert name not in CATEGORY_COLOURS
    assert colour_for(name) in colours.FALLBACK_COLOURS
    # The same in another interpreter (Python's own str hash differs from process to process).
    other = subprocess.run(
        [
            sys.executable,
            "-c",
            f"from analysis.presentation.colours import colour_for; print(colour_for({name!r}))",
        ],
        capture_output=True,
        text=True,
        check=True,
        env={"PYTHONHASHSEED": "12345", "PYTHONDONTWRITEBYTECODE": "1"},
    )
    assert other.stdout.strip() == colour_for(name)
    # Different names spread over the list rather than all landing on one colour.
    assert len({colour_for(f"Group {i}") for i in range(40)}) == len(colours.FALLBACK_COLOURS)


def test_colours_are_hex_and_a_bad_one_is_refused() -> None:
    assert all(c.startswith("#") and len(c) == 7 for c in CATEGORY_COLOURS.values())
    with pytest.raises(ValueError, match="RRGGBB"):
        contrast_ratio("red")
