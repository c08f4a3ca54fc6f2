"""Editable rules files of plain phrases: the language ``delay_rules.yml`` and
``theme_rules.yml`` share.

An analyst edits these files, not a programmer, so a pattern is a word or phrase matched as
whole words and case aside (``IT system`` never matches inside "audit system"), with ``*`` at
its end for any ending (``recruit*``).  Each file is an ordered list of named entries; the
first entry whose phrases match wins.  One loader checks every file the same way, so the two
kinds of rules cannot drift apart in what they accept or in how they report a mistake.

A file's shape (its list of entries, each a name, a description and at least one pattern) is
declared once, as JSON Schema (``analysis/rules/delay_rules.schema.json`` and
``theme_rules.schema.json``, whose entries are ``phrase_rules.schema.json``'s), and checked
through :mod:`analysis.inputs.declared`.  What a schema cannot say is checked here: a name the
code keeps for itself (``Other``) and a name used twice, both case and spacing aside.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from analysis.inputs import declared


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

    schema: str
    """The declared shape (``delay_rules`` for ``analysis/rules/delay_rules.schema.json``)."""
    title: str
    """What the file is called in a message (``the delay rules``)."""
    reserved: tuple[str, ...]
    """Names the code gives itself (``Other``): an entry may not take one."""
    reserved_for: str
    """Why a reserved name is reserved, for the message (``reasons no rule matches``)."""
    error: type[Exception]

    @property
    def list_key(self) -> str:
        """The top-level key holding the entries (``categories``, ``themes``)."""
        (key,) = declared.load_schema(self.schema)["required"]
        return str(key)

    @property
    def entry(self) -> str:
        """What one entry is called in a message (``category``, ``theme``)."""
        entries = declared.load_schema(self.schema)["properties"][self.list_key]
        return str(entries["x-entry"]["word"])


@lru_cache(maxsize=1024)
def compile_phrase(pattern: str) -> re.Pattern[str]:
    """:func:`phrase_expression`, compiled once per pattern."""
    return re.compile(phrase_expression(pattern), re.IGNORECASE)


def phrase_expression(pattern: str) -> str:
    """A plain pattern as a whole-word regular expression (matched case aside).  Kept apart
    from the cached :func:`compile_phrase` so that ``make mutation`` mutates it: mutmut
    leaves decorated functions be."""
    text = pattern.strip()
    run_on = text.endswith("*")
    words = text.rstrip("*").split()
    body = r"\s+".join(re.escape(w) for w in words)
    if run_on:
        body += r"\w*"
    return rf"(?<!\w){body}(?!\w)"


@lru_cache(maxsize=256)
def _combined(patterns: tuple[str, ...]) -> re.Pattern[str]:
    """An entry's patterns as one expression: a national tracker holds tens of thousands of
    distinct texts, each tried against every entry."""
    return re.compile("|".join(f"(?:{phrase_expression(p)})" for p in patterns), re.IGNORECASE)


def name_key(text: str) -> str:
    """A name as compared: case and spacing aside."""
    return " ".join(text.split()).casefold()


def load_phrase_rules(path: Path, kind: RulesFile) -> list[PhraseRule]:
    """The ordered entries in ``path``, checked entry by entry; any mistake is ``kind.error``
    naming the file and the entry."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise kind.error(f"{path}: cannot read {kind.title}: {exc}") from exc
    return list(_remembered(text, str(path), kind))


@lru_cache(maxsize=64)
def _remembered(text: str, path: str, kind: RulesFile) -> tuple[PhraseRule, ...]:
    """:func:`parse_phrase_rules`, remembered by the file's text: every figure, table and chart
    that sorts reasons or themes asks for the rules, and parsing the YAML and checking it
    against its schema cost a fiftieth of a second each time.  Keyed on the text itself, so an
    analyst's edit is read at the next call.  (The parsing stays in a function of its own,
    undecorated, so that ``make mutation`` mutates it: mutmut leaves decorated functions be.)"""
    return tuple(parse_phrase_rules(text, path, kind))


def parse_phrase_rules(text: str, path: str, kind: RulesFile) -> list[PhraseRule]:
    """The ordered entries in ``text``, the contents of ``path``, checked entry by entry."""
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise kind.error(f"{path}: not valid YAML: {exc}") from exc
    problem = declared.first_problem(raw, kind.schema)
    if problem is not None:
        raise kind.error(f"{path}: {problem.message}")
    rules: list[PhraseRule] = []
    seen: set[str] = set()
    for number, entry in enumerate(raw[kind.list_key], start=1):
        name = entry["name"]
        where = f"{path}: {kind.entry} {number} ({name.strip()})"
        if name_key(name) in {name_key(r) for r in kind.reserved}:
            raise kind.error(f"{where}: {name!r} is reserved for {kind.reserved_for}")
        if name_key(name) in seen:
            raise kind.error(f"{where}: name used twice")
        seen.add(name_key(name))
        rules.append(_rule(entry))
    return rules


def _rule(entry: dict[str, Any]) -> PhraseRule:
    """One entry that fits its schema, tidied: spacing in the name, ends of the texts."""
    return PhraseRule(
        name=" ".join(entry["name"].split()),
        description=entry["description"].strip(),
        patterns=tuple(p.strip() for p in entry["patterns"]),
    )
