"""A catalogue of hostile tracker text: what anyone with edit rights on a tracker could type.

Each entry is markup of one kind or another (HTML, links, Markdown, shortcodes, references,
maths, Typst and LaTeX, awkward characters).  The paper must print every one as typed.  The
unit tests in tests/presentation/test_markup.py read each back through Pandoc and CommonMark; the
end-to-end tests in tests/publishing/test_hostile_text.py put them in every text column of both
trackers and in snapshot.yml, run the whole pipeline and read the HTML, PDF and DOCX.
"""

from __future__ import annotations

import re
import unicodedata

CATALOGUE: dict[str, str] = {
    "img-onerror": "External <img src=x onerror=\"document.title='PWNED'\"> Training",
    "script": '<script>document.title="PWNED2"</script> Custody review',
    "svg-onload": "<svg onload=\"document.title='PWNED3'\"></svg> Vetting",
    "javascript-link": "[click me](javascript:document.title='PWNED4') Fleet",
    "data-link": '[see](data:text/html;base64,PHNjcmlwdD4=) and <a href="data:text/html,x">a</a>',
    "autolink": "<javascript:alert(1)> and <https://evil.example/x>",
    "example": "£5m budget_v2 (*draft*) #3 <b>",
    "emphasis": "**bold** __strong__ _it_ ~~gone~~ ^sup^ ~sub~ `code` ==mark==",
    "heading": "# Heading at the start",
    "setext": "Title\n=====",
    "bullet": "- first bullet",
    "ordered": "1. first item",
    "fancy-list": "iv) roman (a) letter",
    "blockquote": "> quoted block",
    "pipe-table": "| a | b |\n|---|---|",
    "grid-table": "+---+---+ grid",
    "fenced-div": "::: {.callout-warning} divided :::",
    "code-fence": "```{=html} raw ``` fence",
    "raw-attribute": '`<b>x</b>`{=html} [span]{style="color:red"}',
    "meta-shortcode": "{{< meta contact >}}",
    "include-shortcode": "{{< include narrative.md >}}",
    "embed-shortcode": "{{< embed notebooks/summary.ipynb#contact-text >}}",
    "other-shortcodes": "{{< var x >}} {{< env HOME >}} {{< pagebreak >}} {{{< meta title >}}}",
    "crossref": "@fig-groups and [@tbl-attention] and -@fig-trends",
    "citation": "[@smith2020, p. 3] and @doe99",
    "footnote": "^[an inline note] and [^1]",
    "maths": "$x^2$ and $$y$$ and \\(z\\) and \\[w\\]",
    "typst-code": "#set page(fill: red) #text(red)[pwn] = Heading // comment <label>",
    "typst-shorthand": "a -- b --- c ... -1 -? ~ d",
    "latex": "\\textbf{x} \\input{/etc/passwd} % & ~ ^ \\\\",
    "backslashes": "C:\\Users\\x\\ and \\* and \\\\ and \\",
    "quotes": "it's \"quoted\" and 'single'",
    "entities": "&lt;b&gt; &amp; &#65; &copy;",
    "emoji": ":smile: :+1:",
    "newlines-tabs": "line one\nline two\t\ttabbed\r\n# not a heading",
    "right-to-left": "Team \u05e9\u05dc\u05d5\u05dd and \u0645\u0631\u062d\u0628\u0627 \u202eRLO\u202c done",
    "zero-width": "zero\u200bwidth\u200d joiner {\u200b{< meta contact >}}",
    "long": " ".join(["Long audit title"] * 60),
}


def flat(text: str) -> str:
    """What a cell reads as in the paper: stripped as the loader strips it, each run of line
    breaks, tabs and spaces one space (a cell is one line of a sentence or a table)."""
    return re.sub(r"[\s\x00-\x1f]+", " ", text).strip()


BIDI = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def squeezed(text: str) -> str:
    """Text compared where a PDF's text layer breaks lines anywhere: no whitespace, no
    invisible bidi controls (a viewer's text layer reorders right-to-left runs)."""
    text = unicodedata.normalize("NFC", text)
    return BIDI.sub("", re.sub(r"\s+", "", text))


def has_rtl(text: str) -> bool:
    return any(unicodedata.bidirectional(ch) in ("R", "AL", "RLO") for ch in text) or bool(
        BIDI.search(text)
    )
