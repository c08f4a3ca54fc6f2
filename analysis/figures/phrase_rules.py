"""Editable rules files of plain phrases: the language ``delay_rules.yml`` and
``theme_rules.yml`` share.

An analyst edits these files, not a programmer, so a pattern is a word or phrase matched as
whole words and case aside (``IT system`` never matches inside "audit system"), with ``*`` at
its end for any ending (``recruit*``).  Each file is an ordered list of named entries; the
first entry whose phrases match wins.  One loader checks every file the same way, so the two
kinds of rules cannot drift apart in what they accept or in how they report a mistake.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml


@dataclass(frozen=True)
class PhraseRule:
    """One named entry (a delay category, a theme) and the phrases that place text in it."""

    name: str
    description: str
    patterns: tuple[str, ...]

    def matches(self, text: str) -> bool:
        return _combined(self.patterns).search(text) is not None


@dataclass(frozen=True)
class RulesFile:
    """What tells one kind of rules file from another, for the loader and its messages."""

    list_key: str
    """The top-level key holding the entries (``categories``, ``themes``)."""
    entry: str
    """What one entry is called in a message (``category``, ``theme``)."""
    title: str
    """What the file is called in a message (``the delay rules``)."""
    reserved: tuple[str, ...]
    """Names the code gives itself (``Other``): an entry may not take one."""
    reserved_for: str
    """Why a reserved name is reserved, for the message (``reasons no rule matches``)."""
    error: type[Exception]


@lru_cache(maxsize=1024)
def compile_phrase(pattern: str) -> re.Pattern[str]:
    """Turn a plain pattern into a whole-word, case-insensitive regular expression."""
    text = pattern.strip()
    run_on = text.endswith("*")
    words = text.rstrip("*").split()
    body = r"\s+".join(re.escape(w) for w in words)
    if run_on:
        body += r"\w*"
    return re.compile(rf"(?<!\w){body}(?!\w)", re.IGNORECASE)


@lru_cache(maxsize=256)
def _combined(patterns: tuple[str, ...]) -> re.Pattern[str]:
    """An entry's patterns as one expression: a national tracker holds tens of thousands of
    distinct texts, each tried against every entry."""
    return re.compile("|".join(f"(?:{compile_phrase(p).pattern})" for p in patterns), re.IGNORECASE)


def name_key(text: str) -> str:
    """A name as compared: case and spacing aside."""
    return " ".join(text.split()).casefold()


def load_phrase_rules(path: Path, kind: RulesFile) -> list[PhraseRule]:
    """The ordered entries in ``path``, checked entry by entry; any mistake is ``kind.error``
    naming the file and the entry."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise kind.error(f"{path}: cannot read {kind.title}: {exc}") from exc
    except yaml.YAMLError as exc:
        raise kind.error(f"{path}: not valid YAML: {exc}") from exc
    if not isinstance(raw, dict) or not isinstance(raw.get(kind.list_key), list):
        raise kind.error(f"{path}: expected a mapping with a list under '{kind.list_key}'")
    unknown = set(raw) - {kind.list_key}
    if unknown:
        raise kind.error(f"{path}: unknown top-level key(s) {sorted(unknown)}")
    rules: list[PhraseRule] = []
    seen: set[str] = set()
    for number, entry in enumerate(raw[kind.list_key], start=1):
        rule = _parse_rule(entry, f"{path}: {kind.entry} {number}", kind)
        if name_key(rule.name) in seen:
            raise kind.error(f"{path}: {kind.entry} {number} ({rule.name}): name used twice")
        seen.add(name_key(rule.name))
        rules.append(rule)
    return rules


def _parse_rule(entry: Any, where: str, kind: RulesFile) -> PhraseRule:
    if not isinstance(entry, dict):
        raise kind.error(f"{where}: expected name, description and patterns")
    name = entry.get("name")
    if not isinstance(name, str) or not name.strip():
        raise kind.error(f"{where}: 'name' must be non-empty text")
    where = f"{where} ({name.strip()})"
    unknown = set(entry) - {"name", "description", "patterns"}
    if unknown:
        raise kind.error(f"{where}: unknown key(s) {sorted(unknown)}")
    if name_key(name) in {name_key(r) for r in kind.reserved}:
        raise kind.error(f"{where}: {name!r} is reserved for {kind.reserved_for}")
    description = entry.get("description")
    if not isinstance(description, str) or not description.strip():
        raise kind.error(f"{where}: 'description' must be non-empty text")
    patterns = entry.get("patterns")
    if not isinstance(patterns, list) or not patterns:
        raise kind.error(f"{where}: 'patterns' must be a list of at least one pattern")
    for pattern in patterns:
        if not isinstance(pattern, str) or not pattern.strip().rstrip("*").strip():
            raise kind.error(f"{where}: pattern {pattern!r} must be a word or phrase")
        if "*" in pattern.strip()[:-1]:
            raise kind.error(f"{where}: pattern {pattern!r} may have '*' only at its end")
    return PhraseRule(
        name=" ".join(name.split()),
        description=description.strip(),
        patterns=tuple(p.strip() for p in patterns),
    )
