"""Tests for analysis/publishing/render/page_structure.py: the HTML paper's landmarks, headings and
table names, on pages shaped as each renderer writes them (no render: these are fast).

The rendered papers themselves are checked in a browser by test_html_accessibility.py."""

from __future__ import annotations

import re

import pytest

from analysis.publishing.render.page_structure import accessible_page, name_tables, shift_headings
from analysis.publishing.render.paper_sources import notebook_links
from analysis.publishing.render.renderer import RenderError

MARKING = '<p><span class="marking">OFFICIAL-SENSITIVE</span> · Restricted paper</p>'


def page(body: str, renderer: str = "pandoc") -> str:
    """A page as the renderers lay it out: title block, contents, the paper, our links."""
    toc = '<nav id="TOC" role="doc-toc">\n<h2 id="toc-title">Contents</h2>\n<ul></ul>\n</nav>'
    return (
        '<!DOCTYPE html>\n<html lang="en-GB">\n<head>\n<meta charset="utf-8" />\n'
        "<title>T</title>\n</head>\n<body>\n"
        '<header id="title-block-header">\n<h1 class="title">The paper</h1>\n</header>\n'
        f"{toc}\n"
        f'<div class="paper-header">\n{MARKING}\n<p>Audit Panel</p>\n</div>\n'
        f"{body}\n"
        "<!-- the table script -->\n<script>var x = 1;</script>\n"
        f"{notebook_links(('notebooks/a.ipynb',))}\n</body>\n</html>\n"
    )


PANDOC_TABLE = (
    '<table id="tbl-risk">\n<caption>Table 4: Outstanding actions by risk</caption>\n'
    "<thead><tr><th>Risk</th></tr></thead><tbody><tr><td>High</td></tr></tbody>\n</table>"
)
QUARTO_TABLE = (
    '<div id="tbl-risk" class="quarto-float quarto-figure">\n'
    '<figure class="quarto-float quarto-float-tbl">\n'
    '<figcaption class="quarto-float-caption-top" id="tbl-risk-caption-0ceaefa1">\n'
    "Table 4: Outstanding actions by risk\n</figcaption>\n"
    '<div aria-describedby="tbl-risk-caption-0ceaefa1">\n<table class="caption-top">\n'
    "<thead><tr><th>Risk</th></tr></thead><tbody><tr><td>High</td></tr></tbody>\n</table>\n"
    "</div>\n</figure>\n</div>"
)


def body_of(markup: str) -> str:
    return re.search(r"<body>(.*)</body>", markup, re.S)[1]


def test_the_page_gets_banner_contents_main_and_footer_in_that_order() -> None:
    shaped = body_of(accessible_page(page("<h1>1 HMICFRS update</h1>\n<p>Text.</p>")))
    order = [
        shaped.index('<header id="title-block-header">'),
        shaped.index('<nav id="TOC"'),
        shaped.index('<main id="paper">'),
        shaped.index("</main>"),
        shaped.index('<nav class="notebook-links"'),
        shaped.index('<footer class="paper-footer">'),
    ]
    assert order == sorted(order)
    assert shaped.count("<main") == shaped.count("<footer") == shaped.count("<header") == 1
    assert 'aria-labelledby="toc-title"' in shaped


def test_the_marking_opens_and_closes_the_page() -> None:
    shaped = body_of(accessible_page(page("<p>Text.</p>")))
    banner = shaped[: shaped.index("</header>")]
    assert banner.index(MARKING) < banner.index("<h1")  # before the title
    footer = shaped[shaped.index("<footer") :]
    assert MARKING in footer
    assert shaped.count(MARKING) == 2  # moved into the banner, copied into the footer


def test_only_the_title_is_an_h1_and_the_paper_keeps_its_heading_order() -> None:
    body = '<h1 id="a">1 A</h1><h2 id="b">1.1 B</h2><h3>x</h3><h1 class="unnumbered">Annex</h1>'
    shaped = accessible_page(page(body))
    assert re.findall(r"<h1\b", shaped) == ["<h1"]
    main = shaped[shaped.index("<main") : shaped.index("</main>")]
    assert re.findall(r"<(h\d)\b", main) == ["h2", "h3", "h4", "h2"]
    assert re.findall(r"</(h\d)>", main) == ["h2", "h3", "h4", "h2"]


def test_shift_headings_leaves_h6_and_lookalike_tags_alone() -> None:
    assert shift_headings("<h5>a</h5><h6>b</h6><header>c</header><hr>") == (
        "<h6>a</h6><h6>b</h6><header>c</header><hr>"
    )


def test_a_pandoc_table_is_named_by_its_caption_in_a_scroll_region() -> None:
    shaped = name_tables(PANDOC_TABLE)
    assert "<caption" not in shaped
    assert (
        '<figcaption id="tbl-risk-caption">Table 4: Outstanding actions by risk</figcaption>'
        in (shaped)
    )
    region = re.search(r'<div class="table-scroll"([^>]*)>', shaped)[1]
    assert 'role="region"' in region and 'tabindex="0"' in region
    assert 'aria-labelledby="tbl-risk-caption"' in region
    assert '<table id="tbl-risk" aria-labelledby="tbl-risk-caption">' in shaped
    assert shaped.index("<figcaption") < shaped.index('<div class="table-scroll"')


def test_a_quarto_table_is_named_by_its_float_caption() -> None:
    shaped = name_tables(QUARTO_TABLE)
    assert '<table class="caption-top" aria-labelledby="tbl-risk-caption-0ceaefa1">' in shaped
    assert 'role="region" tabindex="0" aria-labelledby="tbl-risk-caption-0ceaefa1"' in shaped


def test_a_figure_caption_never_names_the_table_after_it() -> None:
    figure = (
        '<figure><img alt="x"><figcaption id="fig-a-caption-1">Figure 1: A</figcaption></figure>'
    )
    table = "<table><tbody><tr><td>1</td></tr></tbody></table>"
    shaped = name_tables(figure + table)
    assert "<table>" in shaped  # left unnamed: the browser tests catch a bare table
    assert 'aria-label="Table"' in shaped


def test_each_table_takes_the_caption_before_it_not_an_earlier_one() -> None:
    second = QUARTO_TABLE.replace("tbl-risk", "tbl-due")
    shaped = name_tables(QUARTO_TABLE + "\n" + second)
    assert re.findall(r'<table[^>]*aria-labelledby="([^"]+)"', shaped) == [
        "tbl-risk-caption-0ceaefa1",
        "tbl-due-caption-0ceaefa1",
    ]


@pytest.mark.parametrize(
    ("removed", "named"),
    [
        (
            '<header id="title-block-header">\n<h1 class="title">The paper</h1>\n</header>\n',
            "title",
        ),
        ('<div class="paper-header">', "paper's header"),
        ('<nav class="notebook-links"', "notebooks' links"),
    ],
)
def test_a_page_without_its_markers_is_refused(removed: str, named: str) -> None:
    with pytest.raises(RenderError, match=named):
        accessible_page(page("<p>Text.</p>").replace(removed, ""))
