"""A quarter's figures record read straight from the disk cache, without pandas.

The record is a function of the snapshots' files, the settings and the code alone, and is
stored under a key built from those (:func:`analysis.engine.cache.figures_key`) by whichever comes
first of ``panelpaper figures``, a run's figures.json and the quarter's notebooks
(:func:`analysis.figures.record.remembered_figures`).  The key needs no frame: each snapshot
is named by the key of its folder's content (:func:`analysis.inputs.snapshot_cache.source_key`).
So a run whose record is already cached writes figures.json without importing pandas or
reading a frame, and leaves the machine's cores to the kernels warming up beside it.

When anything is missing (no cache, a snapshot never validated, a folder that is not a quarter,
a record never built) the answer is None and the caller builds the record as usual, which
also reports any error properly.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from analysis.engine import cache
from analysis.inputs.settings import load_settings
from analysis.inputs.snapshot_cache import snapshot_folder, snapshot_quarters, source_key
from analysis.quarters import Quarter


def record_text(figures: dict[str, Any]) -> str:
    """The bytes figures.json holds for a record: indented UTF-8 JSON, one final newline."""
    return json.dumps(figures, indent=2, ensure_ascii=False) + "\n"


def text_digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def cached_record_text(data_dir: Path, quarter: Quarter) -> str | None:
    """figures.json's text for ``quarter`` from the cache, or None (see the module docstring).

    The stored entry also holds the digest of the text as it was checked against the figures
    schema when it was built; text that does not match it is not trusted."""
    data_dir = Path(data_dir)
    quarters = snapshot_quarters(data_dir)
    if not quarters or quarter not in quarters:
        return None
    settings = load_settings(data_dir)
    history = [q for q in quarters if q <= quarter]
    keys = [source_key(snapshot_folder(data_dir, q), settings) for q in history]
    # As remembered_figures names them: every snapshot of the history, then the quarter's own.
    built = cache.load("figures", cache.figures_key([*keys, keys[-1]], settings))
    if not isinstance(built, dict) or "figures" not in built:
        return None
    text = record_text(built["figures"])
    return text if text_digest(text) == built.get("checked") else None
