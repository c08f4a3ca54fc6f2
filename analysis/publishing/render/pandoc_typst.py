"""The fallback renderer: Pandoc and Typst draw the paper where Quarto is not installed.

It does for this paper what Quarto adds to Pandoc: :mod:`analysis.publishing.render.embeds` resolves
the embed and meta shortcodes and the cross-references, then the bundled Pandoc
(pypandoc-binary) writes the three formats with the same reference.docx, CSS, table script and
Typst partials Quarto uses, and the ``typst`` package compiles the PDF.  Format options (page
size, margins, numbering, filters) are read from the staged ``_quarto.yml``, so the two
renderers cannot drift apart on them.
"""

from __future__ import annotations

import json
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pypandoc
import typst
import yaml

from analysis.publishing.render.embeds import FALLBACK_DIR, resolve_paper
from analysis.publishing.render.paper_sources import (
    META_FILE,
    RenderError,
    as_list,
    quarto_config,
    reproducible_env,
)


def _run_pandoc(staging: Path, args: list[str]) -> None:
    result = subprocess.run(
        [pypandoc.get_pandoc_path(), *args],
        cwd=staging,
        capture_output=True,
        text=True,
        env=reproducible_env(staging),
    )
    if result.returncode != 0:
        raise RenderError(f"pandoc {' '.join(args)} failed ({result.returncode}):\n{result.stderr}")


def _typst_with_alt_text(source: str, alt_texts: dict[str, str]) -> str:
    """Pandoc's Typst writer drops alt text; put each figure's back on its image."""
    for path, alt in alt_texts.items():
        quoted = json.dumps(alt, ensure_ascii=False)
        source = source.replace(f'image("{path}")', f'image("{path}", alt: {quoted})')
    return source


def compile_pdf(typ: Path, staging: Path, options: dict[str, Any]) -> Path:
    """Typst draws ``staging/paper.pdf`` from ``typ`` with the typst format's ``options`` from
    _quarto.yml, as Quarto passes them: its font folders (the charts' DejaVu Sans) and its
    PDF standards.  PDF/UA-1 makes Typst check the paper's accessibility as it compiles (alt
    text on every image, a document title...) and fail the render on what it finds."""
    output = staging / "paper.pdf"
    try:
        typst.compile(
            str(typ),
            output=str(output),
            root=str(staging),
            font_paths=[str(staging / path) for path in as_list(options.get("font-paths"))],
            ignore_system_fonts=True,
            pdf_standards=[str(name) for name in as_list(options.get("pdf-standard"))],
        )
    except Exception as exc:  # typst.TypstError and friends carry the compiler's report
        raise RenderError(f"typst compile {typ} failed:\n{exc}") from exc
    return output


def own_filters(options: dict[str, Any]) -> list[str]:
    """The Lua filters _quarto.yml gives a format, less Quarto's own and those written for
    Quarto's output (paper/quarto-*.lua), which have nothing to act on here."""
    return [
        name
        for name in as_list(options.get("filters", []))
        if isinstance(name, str) and name != "quarto" and not Path(name).name.startswith("quarto-")
    ]


def render_with_pandoc(staging: Path) -> list[str]:
    """The fallback renderer: same sources, same assets, Pandoc and Typst instead of Quarto."""
    config = quarto_config(staging)
    formats = config.get("format", {})
    crossref = config.get("crossref", {})
    titles = {"fig": crossref.get("fig-title", "Figure"), "tbl": crossref.get("tbl-title", "Table")}
    meta = yaml.safe_load((staging / META_FILE).read_text(encoding="utf-8"))
    paper = resolve_paper(
        (staging / "paper.qmd").read_text(encoding="utf-8"), staging, meta, titles
    )

    work = staging / FALLBACK_DIR
    work.mkdir(exist_ok=True)
    (work / "paper.md").write_text(paper.markdown, encoding="utf-8")
    common_meta = {"lang": config.get("lang", "en-GB"), **paper.front_matter}
    common = ["paper_files/paper.md", "--from=markdown", f"--metadata-file={META_FILE}"]
    numbered = ["--number-sections"] if config.get("number-sections", True) else []

    def meta_file(name: str, values: dict[str, Any]) -> str:
        path = work / f"{name}-meta.yml"
        path.write_text(yaml.safe_dump({**common_meta, **values}, allow_unicode=True))
        return f"--metadata-file={path.relative_to(staging).as_posix()}"

    docx = formats.get("docx", {})
    docx_args = [
        *common,
        meta_file("docx", {}),
        "--to=docx",
        *[f"--lua-filter={name}" for name in own_filters(docx)],
        f"--reference-doc={docx.get('reference-doc', 'paper/reference.docx')}",
        *numbered,
        *(["--toc"] if docx.get("toc") else []),
        "--output=paper.docx",
    ]

    page = formats.get("html", {})
    after_body = page.get("include-after-body", [])
    after_body = [after_body] if isinstance(after_body, str) else list(after_body)
    css = page.get("css", [])
    css = [css] if isinstance(css, str) else list(css)
    html_args = [
        *common,
        meta_file("html", {"toc-title": page.get("toc-title", "Contents")}),
        "--to=html5",
        "--standalone",
        "--embed-resources",
        *[f"--css={sheet}" for sheet in css],
        *[f"--include-after-body={part}" for part in after_body],
        *numbered,
        *(["--toc", f"--toc-depth={page.get('toc-depth', 3)}"] if page.get("toc") else []),
        "--output=paper.html",
    ]

    pdf = formats.get("typst", {})
    typst_options = {
        key: pdf[key]
        for key in ("papersize", "margin", "fontsize", "section-numbering")
        if key in pdf
    }
    typ = staging / "paper.typ"
    typst_args = [
        *common,
        meta_file("typst", typst_options),
        "--to=typst",
        "--template=paper/pandoc-typst.typ",
        *[f"--lua-filter={name}" for name in own_filters(pdf)],
        *numbered,
        f"--output={typ.name}",
    ]

    def pdf_from_typst() -> None:
        _run_pandoc(staging, typst_args)
        typ.write_text(_typst_with_alt_text(typ.read_text(encoding="utf-8"), paper.alt_texts))
        compile_pdf(typ, staging, pdf)
        typ.unlink()

    # The three formats are independent processes over the same sources: run them side by
    # side (the PDF, Pandoc then Typst, is the longest), and report the first failure.
    with ThreadPoolExecutor(3, thread_name_prefix="render") as formats_pool:
        done = [
            formats_pool.submit(_run_pandoc, staging, docx_args),
            formats_pool.submit(_run_pandoc, staging, html_args),
            formats_pool.submit(pdf_from_typst),
        ]
    for future in done:
        future.result()
    return list(paper.warnings)
