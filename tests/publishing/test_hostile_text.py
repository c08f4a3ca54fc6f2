"""Hostile tracker text through the whole run: the paper prints it as typed and runs none of it.

Every entry of the catalogue (tests/helpers_hostile.py) is typed into every free-text column
of both trackers, of the force's own HMICFRS tracker and of the snapshot.yml details, in rows
chosen so that each reaches the paper: an action due in the coming quarters (the due-coming table: audit, business group and
area), an action more than a year overdue with the entry as its reason (the attention list and
its quoted reason, the overdue tables, the action text and a coded theme), an open
recommendation (the portal table: theme and programme; its text) ready to close on the own
tracker (the reconciliation tables: lead and evidence), and unknown business groups and themes (the warnings annex quotes the values).
One quarter is run end to end (papermill, render by the fallback, publish) and its executed
notebooks are drawn by Quarto too where it is on PATH.  Then

* figures.json holds every entry unchanged (it holds data, never markup);
* the HTML, opened in headless Chromium, shows every entry as text, gained no element,
  attribute, link or script from one, kept its title, and its own table script still ran
  under the Content-Security-Policy;
* the PDF's and the Word file's text hold every entry's characters.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import docx
import pandas as pd
import pytest

from analysis.inputs.vocabulary import TRACKER_COLUMNS
from analysis.publishing.options import Options
from analysis.publishing.run import run_quarter
from analysis.quarters import Quarter
from tests.conftest import (
    ACTIONS,
    META,
    NEEDS_CHROMIUM,
    RECOMMENDATIONS,
    RENDERERS,
    build_snapshot,
    chromium_command,
)
from tests.helpers.hostile import CATALOGUE, flat, has_rtl, squeezed
from tests.helpers.shared import built_once

QUARTER = "2019-20-Q1"
pytestmark = pytest.mark.xdist_group("hostile")  # one build of the notebooks for both renderers
SECRET = "<b>Vault</b> review {{< meta contact >}} restricted-7731"
PDFTOTEXT = shutil.which("pdftotext")


def hostile_rows() -> tuple[list[dict], list[dict]]:
    """(actions, recommendations): two actions and one recommendation per catalogue entry."""
    actions = [dict(row) for row in ACTIONS]
    recommendations = [dict(row) for row in RECOMMENDATIONS]
    for i, text in enumerate(CATALOGUE.values()):
        common = {
            "audit_title": text,
            "audit_year": "2018/19",
            "assurance": "Limited",
            "risk": "High",
            "business_group": text,
            "business_area": text,
            "owner": text,
            "action": text,
            "theme": text,
            "status": "Open",
            "revised_due_date": None,
            "completed_date": None,
            "marking": "OFFICIAL",
        }
        actions.append(
            {
                **common,
                "action_id": f"{text} due-{i}",
                "due_date": dt.date(2019, 8, 31),
                "delay_reason": None,
                "delay_category": None,
            }
        )
        actions.append(
            {
                **common,
                "action_id": f"{text} late-{i}",
                "due_date": dt.date(2018, 3, 31),
                "delay_reason": text,
                "delay_category": None,
            }
        )
        recommendations.append(
            {
                "rec_id": f"{text} rec-{i}",
                "inspection": text,
                "title": text,
                "theme": text,
                "programme": text,
                "type": "Recommendation",
                "published": dt.date(2018, 1, 15),
                "status": "Being progressed",
                "status_date": None,
                "lead": text,
                "marking": "OFFICIAL",
            }
        )
    # A restricted row: counted, its text never shown nor written to figures.json.
    actions.append(
        {
            **actions[-1],
            "action_id": "S-1",
            "audit_title": SECRET,
            "delay_reason": SECRET,
            "owner": SECRET,
            "business_group": "Met Operations",
            "business_area": None,
            "marking": "OFFICIAL-SENSITIVE",
        }
    )
    return actions, recommendations


def hostile_tracker(recommendations: list[dict]) -> pd.DataFrame:
    """The force's own tracker: every hostile recommendation ready to close, its lead and
    evidence the entry itself, and one restricted row whose evidence must never show."""
    rows = [
        {
            "rec_id": rec["rec_id"],
            "internal_status": "Evidence submitted",
            "internal_status_date": "01/05/2019",
            "lead": rec["lead"],
            "evidence": rec["inspection"],
            "marking": "OFFICIAL",
        }
        for rec in recommendations
        if rec["rec_id"].endswith(tuple(f"rec-{i}" for i in range(len(CATALOGUE))))
    ]
    rows[0] = {**rows[0], "evidence": SECRET, "marking": "OFFICIAL-SENSITIVE"}
    return pd.DataFrame(rows, columns=list(TRACKER_COLUMNS))


HOSTILE_META = {
    **META,
    "panel": CATALOGUE["img-onerror"],
    "authors": [CATALOGUE["example"], CATALOGUE["crossref"]],
    "contact": CATALOGUE["script"] + " " + CATALOGUE["maths"],
}


def _publish_hostile(root: Path) -> None:
    """The hostile quarter run end to end by the real pipeline with the fallback renderer:
    papermill, render, publish, into ``<root>/reports``."""
    actions, recommendations = hostile_rows()
    folder = build_snapshot(
        root / "data",
        QUARTER,
        meta=HOSTILE_META,
        actions=actions,
        recommendations=recommendations,
    )
    hostile_tracker(recommendations).to_csv(folder / "hmicfrs_tracker.csv", index=False)
    lines: list[str] = []
    options = Options(root / "data", root / "reports", renderer="pandoc", progress=lines.append)
    run_quarter(Quarter.parse(QUARTER), options)
    assert (root / "reports" / QUARTER / "paper.html").is_file(), "\n".join(lines)


@pytest.fixture(scope="session", params=RENDERERS)
def published_hostile(request, tmp_path_factory) -> Path:
    """The hostile quarter's paper.{html,pdf,docx} and figures.json by one renderer, once per
    test run.  The notebooks are executed once, by the fallback's publication; Quarto draws
    those same executed notebooks (what a run does after papermill: the notebooks do not
    depend on the renderer), so the hostile quarter's kernels run once, not once per
    renderer.  Both builds are one unit of work under `make test` (the module's
    ``xdist_group``), so no worker waits on the other's build."""
    from analysis.publishing.render.paper import render_paper

    published = built_once(tmp_path_factory, "hostile-pandoc", _publish_hostile) / "reports"
    if request.param == "pandoc":
        return published / QUARTER

    def draw(root: Path) -> None:
        staging = root / QUARTER
        staging.mkdir()
        shutil.copytree(published / QUARTER / "notebooks", staging / "notebooks")
        shutil.copy2(published / QUARTER / "figures.json", staging / "figures.json")
        render_paper(staging, renderer=request.param)

    return built_once(tmp_path_factory, f"hostile-{request.param}", draw) / QUARTER


def _strings(value) -> list[str]:
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in (k, *_strings(v))]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return [value] if isinstance(value, str) else []


def _shown(text: str) -> str:
    """Text as the paper shows it: one line, and without the bidi isolates it may add."""
    return flat(text.replace("\u2068", "").replace("\u2069", ""))


@pytest.mark.slow
def test_figures_json_holds_every_entry_unchanged(published_hostile):
    figures = json.loads((published_hostile / "figures.json").read_text(encoding="utf-8"))
    strings = set(_strings(figures))
    for key, text in CATALOGUE.items():
        assert text.strip() in strings, key
    assert "restricted-7731" not in (published_hostile / "figures.json").read_text(encoding="utf-8")


class Page(HTMLParser):
    """Elements, attributes and text of a page after its scripts ran."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self._in: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._in.append(tag)

    def handle_endtag(self, tag):
        if tag in self._in:
            while self._in and self._in.pop() != tag:
                pass

    def handle_data(self, data):
        if not self._in or self._in[-1] not in ("script", "style", "title"):
            self.text.append(data)


def _page(markup: str) -> Page:
    page = Page()
    page.feed(markup)
    return page


def _chromium(page: Path, profile: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        chromium_command(profile, "--virtual-time-budget=3000", "--dump-dom", page.as_uri()),
        capture_output=True,
        text=True,
        timeout=180,
    )


@pytest.mark.slow
@NEEDS_CHROMIUM
def test_html_shows_every_entry_as_text_and_runs_none_of_it(published_hostile, tmp_path):
    source = (published_hostile / "paper.html").read_text(encoding="utf-8")
    title = re.search(r"<title>(.*?)</title>", source, re.S)
    assert title is not None
    result = _chromium(published_hostile / "paper.html", tmp_path / "profile")
    dom = _page(result.stdout)
    assert dom.tags, result.stderr[-2000:]
    # The title the page was written with, untouched by any script.
    titles = re.findall(r"<title>(.*?)</title>", result.stdout, re.S)
    assert titles == [title.group(1)]
    assert "PWNED" not in result.stdout.split("</head>")[0].split("<title>")[-1]
    # No element, attribute or link came out of the data.
    assert not [attrs for _, attrs in dom.tags for name in attrs if name.startswith("on")]
    assert not [t for t, a in dom.tags if t == "img" and a.get("src") == "x"]
    assert not [t for t, _ in dom.tags if t in ("svg", "b", "iframe", "object", "embed")]
    links = [a.get("href") or "" for t, a in dom.tags if t == "a"]
    assert not [h for h in links if h.lower().startswith(("javascript:", "data:", "http"))]
    assert result.stdout.count("<script") == source.count("<script")
    # Nothing was refused because nothing tried to run; the page's own script did run.
    assert "Uncaught" not in result.stderr, result.stderr[-2000:]
    assert "Content Security Policy" not in result.stderr, result.stderr[-2000:]
    assert 'class="panel-table-filter"' in result.stdout
    # Every entry reads as typed.
    text = _shown(" ".join(dom.text))
    for key, value in CATALOGUE.items():
        assert _shown(value) in text, key
    assert "restricted-7731" not in result.stdout


def _pdf_holds(text: str, value: str) -> bool:
    if not has_rtl(value):
        return squeezed(_shown(value)) in text
    # A text layer gives right-to-left runs in visual order: each word, either way round.
    return all(
        squeezed(word) in text or squeezed(word)[::-1] in text for word in _shown(value).split()
    )


@pytest.mark.slow
@pytest.mark.skipif(PDFTOTEXT is None, reason="pdftotext (poppler-utils) not installed")
def test_pdf_text_holds_every_entry(published_hostile):
    result = subprocess.run(
        [PDFTOTEXT, "-enc", "UTF-8", str(published_hostile / "paper.pdf"), "-"],
        capture_output=True,
        text=True,
        check=True,
    )
    text = squeezed(result.stdout)
    missing = [key for key, value in CATALOGUE.items() if not _pdf_holds(text, value)]
    assert missing == []
    assert "restricted-7731" not in text


def _docx_text(path: Path) -> str:
    document = docx.Document(str(path))
    parts = []
    for block in document.element.body.iter():
        if block.tag.endswith("}t"):
            parts.append(block.text or "")
        elif block.tag.endswith(("}p", "}tab", "}br")):
            parts.append(" ")
    return "".join(parts)


@pytest.mark.slow
def test_docx_text_holds_every_entry(published_hostile):
    text = _shown(_docx_text(published_hostile / "paper.docx"))
    missing = [key for key, value in CATALOGUE.items() if _shown(value) not in text]
    assert missing == []
    assert "restricted-7731" not in text
