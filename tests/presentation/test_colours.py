"""One colour per category, everywhere, and every colour readable against white."""

from __future__ import annotations

import pytest

from analysis.figures import themes
from analysis.inputs.vocabulary import KNOWN_BUSINESS_GROUPS, KNOWN_THEMES, RISKS
from analysis.presentation import colours
from analysis.presentation.colours import CATEGORY_COLOURS, colour_for

KINDS = {
    "business groups": KNOWN_BUSINESS_GROUPS,
    "risks": RISKS,
    "inspection themes": KNOWN_THEMES,
    "taxonomy themes": tuple(themes.names(themes.load_rules())),
}


@pytest.mark.parametrize("colour", sorted(set(CATEGORY_COLOURS.values()) | set(colours.PALETTE)))
def test_every_colour_has_3_to_1_contrast_against_white(colour):
    assert colours.contrast_with_white(colour) >= 3.0


def test_the_contrast_formula_is_wcags():
    assert colours.contrast_with_white("#000000") == pytest.approx(21.0)
    assert colours.contrast_with_white("#FFFFFF") == pytest.approx(1.0)
    assert colours.contrast_with_white("#767676") == pytest.approx(4.54, abs=0.01)


@pytest.mark.parametrize("kind", KINDS)
def test_every_known_category_has_its_own_colour_within_its_kind(kind):
    names = KINDS[kind]
    assert all(name in CATEGORY_COLOURS for name in names)
    assert len({colour_for(name) for name in names}) == len(names), kind


def test_a_name_keeps_its_colour_whatever_the_spacing():
    assert colour_for("Met Operations") == colour_for(" Met  Operations ")
    assert colour_for("Met Operations") != colour_for("Frontline Policing")


def test_an_unknown_category_gets_a_stable_palette_colour():
    first = colour_for("Digital Policing (new in 2021)")
    assert first in colours.PALETTE
    assert colour_for("Digital Policing (new in 2021)") == first
    spread = {colour_for(f"Group {i}") for i in range(40)}
    assert len(spread) > 3
