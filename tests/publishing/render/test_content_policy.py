"""Tests for analysis/publishing/render/content_policy.py: the HTML paper runs its own scripts and no other.

The Chromium test is the second wall on its own: a page into which markup has been injected
(as if escaping had failed) keeps its title, while the paper's own script still runs.
"""

from __future__ import annotations

import base64
import re
import subprocess

from analysis.paths import PROJECT_ROOT
from analysis.publishing.render.content_policy import (
    policy,
    script_hash,
    script_texts,
    with_content_policy,
)
from tests.conftest import NEEDS_CHROMIUM, chromium_command

OWN = "document.body.dataset.own = 'ran'; document.getElementById('js').click();"
RENDERER = "window.rendererRan = true;"
MODULE = "document.documentElement.dataset.module = 'ran';"
INJECTED = (
    "<img src=x onerror=\"document.title='PWNED'\">"
    "<script>document.title='PWNED2'</script>"
    "<a id=js href=\"javascript:document.title='PWNED3'\">x</a>"
    "<svg onload=\"document.title='PWNED4'\"></svg>"
)


def _page() -> str:
    module = base64.b64encode(MODULE.encode()).decode()
    return (
        '<!DOCTYPE html>\n<html><head>\n<meta charset="utf-8">\n<title>Paper</title>\n'
        f"<script>{RENDERER}</script>\n"
        f'<script src="data:application/javascript;base64,{module}" type="module"></script>\n'
        f"</head><body><main><p>Audit {INJECTED}</p></main>\n<script>{OWN}</script>\n"
        "</body></html>\n"
    )


def test_the_policy_names_the_renderers_and_the_projects_scripts_only():
    page, text = policy(_page(), [OWN])
    assert f'<script type="module">{MODULE}</script>' in page  # data: script made inline
    scripts = re.search(r"script-src ([^;]+)", text)
    assert scripts is not None
    assert sorted(scripts.group(1).split()) == sorted(
        [script_hash(RENDERER), script_hash(MODULE), script_hash(OWN)]
    )
    assert script_hash("document.title='PWNED2'") not in text
    assert "unsafe-inline' data:" in text and "'unsafe-hashes'" not in text
    assert "script-src 'unsafe-inline'" not in text and "default-src 'none'" in text


def test_a_page_without_scripts_allows_none():
    _, text = policy("<html><head></head><body><p>x</p></body></html>", [])
    assert "script-src 'none'" in text


def test_the_policy_comes_first_in_the_head_after_the_character_set():
    page = with_content_policy(_page(), [OWN])
    head = page.split("</head>")[0]
    assert head.index('<meta charset="utf-8">') < head.index("Content-Security-Policy")
    assert head.index("Content-Security-Policy") < head.index("<title>")


def test_the_projects_table_script_is_found_in_its_include():
    texts = script_texts((PROJECT_ROOT / "paper" / "interactive-tables.html").read_text())
    assert len(texts) == 1 and "panel-table-filter" in texts[0]


@NEEDS_CHROMIUM
def test_chromium_runs_the_papers_scripts_and_refuses_injected_ones(tmp_path):
    path = tmp_path / "paper.html"
    path.write_text(with_content_policy(_page(), [OWN]), encoding="utf-8")
    result = subprocess.run(
        chromium_command(
            tmp_path / "profile", "--virtual-time-budget=2000", "--dump-dom", path.as_uri()
        ),
        capture_output=True,
        text=True,
        timeout=120,
    )
    dom = result.stdout
    assert "<title>Paper</title>" in dom, result.stderr[-2000:]
    assert "PWNED" not in dom.split("<body")[0]
    assert 'data-own="ran"' in dom  # the paper's own script ran (and clicked the link)
    assert 'data-module="ran"' in dom  # the renderer's module script ran
    assert "Content Security Policy" in result.stderr  # and the injected ones were refused
