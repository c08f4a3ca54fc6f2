"""The HTML paper's Content-Security-Policy: only the scripts the paper was built with run.

Tracker text is escaped before it reaches the paper (:mod:`analysis.presentation.markup`), so it cannot
add a script.  The policy is the second wall: should anything ever slip through, the browser
still refuses to run it.  It allows by hash exactly

* the scripts of the project's own templates (``paper/interactive-tables.html``, the
  sortable tables), matched by their text, and
* the renderer's own scripts, which sit where no document text ever goes: in the page's
  ``<head>`` and, in Quarto's pages, after the ``<main>`` element that holds the document.
  Quarto embeds some of its scripts as ``data:`` URLs; those are written inline so that a
  hash can name them, since allowing ``data:`` scripts would allow any.

Nothing else runs: no other inline script, no inline event handler (``onerror=``) and no
``javascript:`` URL, because the policy has neither ``'unsafe-inline'`` nor
``'unsafe-hashes'``.  Styles may be inline (Pandoc and Quarto write ``style=`` attributes) and
images, fonts and style sheets may come from ``data:`` URLs, which is how a self-contained
page carries them; nothing may be fetched from anywhere, and there are no forms, plugins or
base URL to redirect.
"""

from __future__ import annotations

import base64
import hashlib
import html
import re
from collections.abc import Iterable

SCRIPT = re.compile(r"<script\b(?P<attributes>[^>]*)>(?P<text>.*?)</script\s*>", re.I | re.S)
DATA_SCRIPT = re.compile(
    r"""<script\b(?P<before>[^>]*?)\s+src=(?P<quote>["'])data:(?:application|text)/javascript;"""
    r"""base64,(?P<data>[A-Za-z0-9+/=]+)(?P=quote)(?P<after>[^>]*)>\s*</script\s*>""",
    re.I,
)
HEAD_END = re.compile(r"</head\s*>", re.I)
MAIN_END = re.compile(r"</main\s*>", re.I)
HEAD_START = re.compile(r"<head\b[^>]*>(?:\s*<meta\s+charset=[^>]*>)?", re.I)

FIXED_DIRECTIVES = (
    "default-src 'none'",
    "style-src 'unsafe-inline' data:",
    "img-src data:",
    "font-src data:",
    "base-uri 'none'",
    "form-action 'none'",
    "object-src 'none'",
)


def script_texts(markup: str) -> list[str]:
    """The text of every inline ``<script>`` in ``markup``."""
    return [m["text"] for m in SCRIPT.finditer(markup) if "src=" not in m["attributes"].lower()]


def script_hash(text: str) -> str:
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode('ascii')}'"


def _inline_data_scripts(head: str) -> str:
    def inline(match: re.Match[str]) -> str:
        text = base64.b64decode(match["data"]).decode("utf-8")
        if re.search(r"</script", text, re.I):
            return match[0]  # cannot be written inline; stays a data: URL, which is refused
        return f"<script{match['before']}{match['after']}>{text}</script>"

    return DATA_SCRIPT.sub(inline, head)


def policy(page: str, own_scripts: Iterable[str]) -> tuple[str, str]:
    """(page with Quarto's ``data:`` scripts inlined, the policy for it)."""
    head_end = HEAD_END.search(page)
    if head_end is None:
        raise ValueError("the page has no </head>")
    page = _inline_data_scripts(page[: head_end.start()]) + page[head_end.start() :]
    head_end = HEAD_END.search(page)
    assert head_end is not None
    main_ends = list(MAIN_END.finditer(page))
    after_main = main_ends[-1].end() if main_ends else None
    own = set(own_scripts)
    allowed: dict[str, None] = {}
    for match in SCRIPT.finditer(page):
        if "src=" in match["attributes"].lower():
            continue
        renderer_own = match.end() <= head_end.start() or (
            after_main is not None and match.start() >= after_main
        )
        if renderer_own or match["text"] in own:
            allowed[script_hash(match["text"])] = None
    scripts = " ".join(allowed) or "'none'"
    directives = (*FIXED_DIRECTIVES[:1], f"script-src {scripts}", *FIXED_DIRECTIVES[1:])
    return page, "; ".join(directives)


def with_content_policy(page: str, own_scripts: Iterable[str]) -> str:
    """``page`` with its Content-Security-Policy as the first element of its ``<head>``
    (after the character set), so it governs every script that follows."""
    page, text = policy(page, own_scripts)
    start = HEAD_START.search(page)
    if start is None:
        raise ValueError("the page has no <head>")
    meta = f'\n<meta http-equiv="Content-Security-Policy" content="{html.escape(text)}">'
    return page[: start.end()] + meta + page[start.end() :]
