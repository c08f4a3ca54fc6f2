"""Finding restricted free text in published files and in frames, for the marking tests.

A leak can hide behind an encoding: JSON may write an en dash as ``\\u2013``, HTML and the DOCX
XML write ``&`` as ``&amp;``, and PDF extraction breaks a phrase over lines (Typst may also
hyphenate a word at a line end).  Each file is therefore read into several texts, and a
restricted string is looked for in each of them, as written and with its spacing flattened.
"""

from __future__ import annotations

import html
import json
import re
import zipfile
from collections.abc import Iterable, Iterator
from pathlib import Path

import docx
import pandas as pd
from pypdf import PdfReader

from analysis.inputs import snapshots
from analysis.inputs.vocabulary import OFFICIAL_SENSITIVE

RESTRICTED_COLUMNS = {
    "recommendations": ("inspection", "lead"),
    "actions": ("audit_title", "owner", "delay_reason"),
}
"""The contract's free text: what an OFFICIAL-SENSITIVE row may never show."""


def restricted_strings(data_dir: Path) -> set[str]:
    """Every free-text value of an OFFICIAL-SENSITIVE row in every snapshot of ``data_dir``."""
    found: set[str] = set()
    for quarter in snapshots.list_quarters(data_dir):
        snap = snapshots.load_snapshot(data_dir, quarter)
        for name, columns in RESTRICTED_COLUMNS.items():
            frame = getattr(snap, name)
            sensitive = frame[frame["marking"] == OFFICIAL_SENSITIVE]
            for column in columns:
                found.update(str(v) for v in sensitive[column].dropna() if str(v).strip())
    return found


def _json_strings(value: object) -> Iterator[str]:
    """Every string in a parsed JSON document, keys included."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield str(key)
            yield from _json_strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _json_strings(item)


def _docx_text(path: Path) -> str:
    """Every XML part (body, headers, footers, comments, properties) and python-docx's text."""
    with zipfile.ZipFile(path) as archive:
        xml = " ".join(
            archive.read(n).decode("utf-8", "replace")
            for n in archive.namelist()
            if n.endswith((".xml", ".rels"))
        )
    document = docx.Document(str(path))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        parts.extend(cell.text for row in table.rows for cell in row.cells)
    for section in document.sections:
        for block in (section.header, section.footer, section.first_page_header):
            parts.extend(p.text for p in block.paragraphs)
    return "\n".join([xml, html.unescape(xml), *parts])


def output_texts(folder: Path) -> dict[str, str]:
    """Each file under ``folder`` as text a search can trust, by path relative to ``folder``."""
    texts = {}
    for path in sorted(folder.rglob("*")):
        if not path.is_file():
            continue
        name = path.relative_to(folder).as_posix()
        if path.suffix == ".docx":
            texts[name] = _docx_text(path)
        elif path.suffix == ".pdf":
            texts[name] = "\n".join(p.extract_text() for p in PdfReader(str(path)).pages)
        else:
            raw = path.read_text(encoding="utf-8", errors="replace")
            extra = [html.unescape(raw)]
            if path.suffix in (".json", ".ipynb"):
                extra.extend(_json_strings(json.loads(raw)))
            texts[name] = "\n".join([raw, *extra])
    return texts


def _variants(text: str) -> tuple[str, ...]:
    flat = " ".join(text.split())
    unhyphenated = " ".join(re.sub(r"(?<=\w)-\s*\n\s*(?=\w)", "", text).split())
    return text, flat, unhyphenated


def leaks(texts: dict[str, str], restricted: Iterable[str]) -> list[tuple[str, str]]:
    """(file, restricted string) for every restricted string found in a file's text."""
    wanted = [(s, " ".join(s.split())) for s in restricted]
    found = []
    for name, text in texts.items():
        variants = _variants(text)
        for secret, flat_secret in wanted:
            if any(secret in v or flat_secret in v for v in variants):
                found.append((name, secret))
    return found


def frame_leaks(frame: pd.DataFrame, restricted: Iterable[str]) -> list[tuple[str, str]]:
    """(column, restricted string) for every cell of ``frame`` that contains one."""
    found = []
    secrets = list(restricted)
    for column in frame.columns:
        values = {str(v) for v in frame[column].dropna()}
        for secret in secrets:
            if any(secret in value for value in values):
                found.append((str(column), secret))
    return found
