"""Backtest: the rendered seed-quarter paper states the seed paper's figures, in the right place.

The ground truth is the seed paper's own figures (the September 2019 panel paper, as the
project's original specification tabulated them).  The expected values below are typed from
that table, not from a run of this code;
the sentences around them are ours, so each check names the words that carry the figure.
Runs against whichever renderer this machine has (Quarto if on PATH, else the fallback).
"""

from __future__ import annotations

import json
import re
import subprocess
from itertools import pairwise
from pathlib import Path

import docx
import pytest
from pypdf import PdfReader

from analysis.inputs import snapshots
from analysis.inputs.vocabulary import OFFICIAL_SENSITIVE
from analysis.quarters import Quarter
from tests.conftest import CHROMIUM, chromium_command
from tests.helpers.marking import leaks, output_texts, restricted_strings

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"

# (section heading the text must sit under, words that must appear there)
SEED_STATEMENTS = [
    ("HMICFRS update", "88 open recommendations"),
    ("HMICFRS update", "21 from the NCPI programme"),
    ("DARA update", "95 outstanding actions"),
    ("DARA update", "53 High-risk and 42 Medium-risk"),
    ("DARA update", "59 actions are past the deadline and 36 are not yet due"),
    ("DARA update", "36 actions fall due in the coming three quarters"),
    (
        "DARA update",
        "27, belong to Met Operations, in the Public Order business area: 24 from the Business "
        "Continuity and Return to Normality Arrangements audit and 3 from the Deployment and "
        "Cost Recovery audit",
    ),
    ("DARA update", "Most of them sit within Professionalism"),
    (
        "DARA update",
        "External Training and Development – Implementation of Framework for Use of External "
        "Providers and Value for Money audit",
    ),
    ("DARA update", "Inclusion and Diversity Strategy"),
    ("DARA update", "all of its outstanding actions are on hold"),
]
# Portal table rows: theme -> open recommendations (seed table; "Uncover" in the seed is a typo).
SEED_THEMES = {
    "Vulnerability": "53",
    "PEEL": "15",
    "Stop & Search": "1",
    "Information management": "1",
    "Undercover Policing": "17",
    "Fraud": "1",
}
# Attention table rows: audit -> (outstanding cell, earliest deadline cell).
SEED_AUDITS = {
    "Contract/Client Relationship Management Framework – SSCL Contract": (
        "4 (4 Medium)",
        "October 2017",
    ),
    "Management of End User Systems": ("4 (2 High, 2 Medium)", "February 2018"),
}
SECTIONS = (
    "Report Summary",
    "HMICFRS update",
    "DARA update",
    "Equality and diversity impact",
    "Financial implications",
    "Legal implications",
    "Risk implications",
    "Contact details",
    "Annex A: Method",
    "Annex B: Data-quality warnings",
)


def normalise(text: str) -> str:
    """Text as a reader sees it: typographic quotes plain, no line breaks inside a phrase
    (PDF extraction and HTML wrapping break lines; Typst hyphenates at a hyphen)."""
    for fancy, plain in (("\u2019", "'"), ("\u2018", "'"), ("\u201c", '"'), ("\u201d", '"')):
        text = text.replace(fancy, plain)
    text = " ".join(text.replace("\xa0", " ").split())
    return re.sub(r"-\s+(?=[a-z])", "-", text)


def _section_of(heading: str) -> str | None:
    for name in SECTIONS:
        if heading.endswith(name):
            return name
    return None


def docx_sections(path: Path) -> tuple[dict[str, str], list[docx.table.Table]]:
    """The DOCX's text by top-level section, in body order (paragraphs and tables)."""
    document = docx.Document(str(path))
    sections: dict[str, list[str]] = {}
    current = "front"
    body = document.element.body
    for child in body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            paragraph = docx.text.paragraph.Paragraph(child, document)
            if paragraph.style.name == "Heading 1":
                current = _section_of(paragraph.text.strip()) or paragraph.text.strip()
            sections.setdefault(current, []).append(paragraph.text)
        elif tag == "tbl":
            table = docx.table.Table(child, document)
            for row in table.rows:
                sections.setdefault(current, []).append(" | ".join(c.text for c in row.cells))
    return {k: normalise("\n".join(v)) for k, v in sections.items()}, document.tables


def table_rows(tables: list[docx.table.Table]) -> list[list[str]]:
    return [[c.text.strip() for c in row.cells] for t in tables for row in t.rows]


def test_published_quarter_holds_the_paper_notebooks_figures_and_manifest(published_seed):
    names = {p.relative_to(published_seed).as_posix() for p in published_seed.rglob("*")}
    for expected in (
        "paper.docx",
        "paper.pdf",
        "paper.html",
        "figures.json",
        "manifest.json",
        "notebooks/hmicfrs.ipynb",
        "notebooks/dara_actions.ipynb",
        "notebooks/delays.ipynb",
        "notebooks/trends.ipynb",
        "notebooks/summary.ipynb",
    ):
        assert expected in names
    manifest = json.loads((published_seed / "manifest.json").read_text())
    assert manifest["quarter"] == "2019-20-Q1"
    assert manifest["renderer"]["name"] in ("quarto", "pandoc")


def test_docx_states_every_seed_figure_in_its_section(published_seed):
    sections, tables = docx_sections(published_seed / "paper.docx")
    for section, words in SEED_STATEMENTS:
        assert words in sections.get(section, ""), f"{words!r} not under {section!r}"
    rows = table_rows(tables)
    for theme, n in SEED_THEMES.items():
        assert any(r[0] == theme and r[1] == n for r in rows), f"portal row {theme} {n}"
    assert any(r[0] == "Vulnerability" and "NCPI: 21" in r[2] for r in rows)
    assert any(r[0] == "Total" and r[1] == "88" for r in rows)
    for audit, (outstanding, deadline) in SEED_AUDITS.items():
        assert any(r[0] == audit and outstanding in r and deadline in r for r in rows), audit
    # The order of the paper follows the seed's.
    order = [s for s in sections if s in SECTIONS]
    assert order == list(SECTIONS)


def test_docx_contact_and_method_come_from_the_snapshot_and_settings(published_seed):
    sections, _ = docx_sections(published_seed / "paper.docx")
    assert "Harriet Osei and Daniel Whitcombe" in sections["Contact details"]
    method = sections["Annex A: Method"]
    assert "30 June 2019" in method
    assert "High-risk actions whatever the audit's assurance" in method
    assert "original implementation date" in method


def test_pdf_is_a4_with_the_marking_on_every_page_and_the_seed_figures(published_seed):
    reader = PdfReader(str(published_seed / "paper.pdf"))
    assert len(reader.pages) >= 5
    text = []
    for number, page in enumerate(reader.pages, start=1):
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        assert abs(width - 595.3) < 1.5 and abs(height - 841.9) < 1.5, (number, width, height)
        page_text = page.extract_text()
        assert page_text.count("OFFICIAL") >= 2, f"page {number} lacks the marking twice"
        text.append(page_text)
    flat = normalise(" ".join(text))
    pages = [_body(page) for page in text]
    for _, words in SEED_STATEMENTS:
        assert words in flat or _across_a_page_break(words, pages), words


def _body(page_text: str) -> str:
    """A page's text without its furniture (the marking and the page number), normalised."""
    lines = [
        line
        for line in page_text.splitlines()
        if line.strip() != "OFFICIAL" and not re.fullmatch(r"\s*Page \d+ of \d+\s*", line)
    ]
    return normalise(" ".join(lines))


def _across_a_page_break(words: str, pages: list[str]) -> bool:
    """Whether a sentence runs to the foot of one page and goes on in the next: a figure that
    floats to the top of the next page may stand between its two halves, as on paper."""
    for this, following in pairwise(pages):
        for cut in range(1, len(words)):
            head, tail = words[:cut].rstrip(), words[cut:].lstrip()
            if head and tail and this.endswith(head) and tail in following:
                return True
    return False


def test_html_is_one_file_that_chromium_opens_without_errors(published_seed, tmp_path):
    html = normalise((published_seed / "paper.html").read_text(encoding="utf-8"))
    assert "88 open recommendations" in html
    if CHROMIUM is None:
        pytest.skip("chromium not installed (apt-get install chromium): HTML not opened")
    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / "seed-paper-html.png"
    shot.unlink(missing_ok=True)
    result = subprocess.run(
        chromium_command(
            tmp_path / "profile",
            "--window-size=1200,2400",
            f"--screenshot={shot}",
            (published_seed / "paper.html").as_uri(),
        ),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert shot.is_file() and shot.stat().st_size > 10_000, result.stderr[-2000:]
    console = [line for line in result.stderr.splitlines() if "CONSOLE" in line]
    assert not [line for line in console if "Uncaught" in line or "Error" in line], console


def test_no_restricted_text_reaches_any_published_file(published_seed):
    restricted = restricted_strings(ROOT / "data")
    assert restricted, "the sample data should hold OFFICIAL-SENSITIVE rows to test against"
    texts = output_texts(published_seed)
    assert {"paper.docx", "paper.pdf", "paper.html", "figures.json", "manifest.json"} <= set(texts)
    assert leaks(texts, restricted) == []


def test_the_restricted_recommendation_still_counts(published_seed):
    """Undercover Policing's 17 include the restricted one (sample data, seed quarter)."""
    snap = snapshots.load_snapshot(ROOT / "data", Quarter.parse("2019-20-Q1"))
    recs = snap.recommendations
    restricted_open = recs[
        (recs["marking"] == OFFICIAL_SENSITIVE)
        & (recs["type"] == "Recommendation")
        & recs["status"].isin(["Awaiting review", "Being progressed"])
    ]
    assert len(restricted_open) >= 1
    figures = json.loads((published_seed / "figures.json").read_text())
    assert figures["recommendations"]["open"] == 88
    assert figures["recommendations"]["open_by_theme"]["Undercover Policing"] == 17
