"""The panel's YAML files checked against the shape declared for each, in the project's words.

Each file an analyst edits (``settings.yml``, a snapshot's ``snapshot.yml``, ``delay_rules.yml``
and ``theme_rules.yml``) has its shape declared once, as a JSON Schema beside the packaged rules
(``analysis/rules/<file>.schema.json``), so the keys a file may have, the values each may take
and the message a mistake gets are read in one place rather than pieced together from code.
jsonschema is the project's one validator; its own messages ("Additional properties are not
allowed") are not what a panel analyst should read, so every constraint in these schemas
carries the project's message beside it, under ``x-messages`` (keyword -> message, ``*`` for
any keyword of that node).  A message may name:

``{value!r}``  the value found; ``{type}`` its kind (``list``); ``{key}`` the nearest key above
it (the risk whose grades are wrong); ``{unknown}`` the keys not allowed there, sorted;
``{bad}`` every item of the list that fails as this one does; ``{enum}`` / ``{enum_list}`` the
allowed values, as a tuple or a list; ``{cause}`` the reason a ``format`` check gave.

A file with several mistakes is reported by its first, where "first" is a mapping's kind, then
its missing keys, its unknown keys, then its declared keys in the schema's order, then any
other keys and list items in the file's order; a node's ``x-order`` (its keywords and keys, in
the order they are checked) says otherwise where a file's readers expect another order.  An array whose items are named entries
carries ``x-entry`` (``category``), so a message inside one says ``category 3 (Funding): ...``.

Two checks are the contract's own and are plugged in as formats: ``contract-date`` (a date as
the tables take it, :func:`analysis.inputs.schemas.parse_date`) and ``marking`` (a protective
marking, case aside).  And a whole number is a YAML integer, never ``2.0`` or ``true``.
"""

from __future__ import annotations

import hashlib
import json
import pickle
from dataclasses import dataclass
from functools import cache
from importlib import metadata
from typing import Any

from analysis.engine import cache as disk_cache
from analysis.engine.lazy import import_jsonschema
from analysis.inputs.vocabulary import MARKINGS
from analysis.paths import RULES

SCHEMA_SUFFIX = ".schema.json"

Step = str | int
"""One step into a file: a key of a mapping or a position (from 0) in a list."""


@dataclass(frozen=True)
class Problem:
    """One mistake in a file: where it is and the schema's message for it."""

    path: tuple[Step, ...]
    message: str
    """Without the file's name: the caller says which file it read."""


@cache
def load_schema(name: str) -> dict[str, Any]:
    """The declared schema of ``name``, with its references (``"$ref":
    "phrase_rules.schema.json#/$defs/entries"``, ``"#/$defs/entry"``) put in place, so that
    the tree can be walked from the top to any mistake; keys beside a ``$ref`` win.  The
    references are looked up by ``referencing`` (jsonschema's own resolver), among the
    schemas packaged in ``analysis/rules``."""
    file = f"{name}{SCHEMA_SUFFIX}"
    resolver = _registry().resolver(base_uri=file)
    return _inlined(resolver.lookup(file).contents, resolver)


@cache
def _registry() -> Any:
    """Every packaged schema, by its file name (what a ``$ref`` between them names)."""
    import_jsonschema()  # jsonschema first, without the grammar it does not need here
    # measured: referencing 25 ms idle (0.18 s loaded); every command imports this module
    from referencing import Registry
    from referencing.jsonschema import DRAFT202012

    return Registry().with_resources(
        (name, DRAFT202012.create_resource(schema)) for name, (_, schema) in _schema_texts().items()
    )


def _inlined(node: Any, resolver: Any) -> Any:
    if isinstance(node, list):
        return [_inlined(item, resolver) for item in node]
    if not isinstance(node, dict):
        return node
    ref = node.get("$ref")
    if not isinstance(ref, str):
        return {key: _inlined(value, resolver) for key, value in node.items()}
    found = resolver.lookup(ref)
    rest = {key: value for key, value in node.items() if key != "$ref"}
    return _inlined({**found.contents, **rest}, found.resolver)


def problems(instance: Any, name: str) -> list[Problem]:
    """Every mistake in ``instance`` (a file's YAML, as read) against the schema of ``name``,
    the first (as the module docstring orders them) first; empty when the file fits."""
    schema = load_schema(name)
    validator = _validator(name)
    found: dict[tuple[Any, ...], Problem] = {}
    for error in validator.iter_errors(instance):
        for path, keyword, node in _located(error):
            position, fields, prefix = _walk(schema, instance, path, keyword, validator)
            fields.update(_error_fields(error, node))
            message = prefix + _template(node, keyword, error).format(**fields)
            found.setdefault((position, message), Problem(tuple(path), message))
    return [found[key] for key in sorted(found)]


def first_problem(instance: Any, name: str) -> Problem | None:
    """The mistake a file is refused for, or None when it fits its schema.

    A file found to fit is remembered in the disk cache (:mod:`analysis.engine.cache`) by its values,
    the schemas' text, this module's code and jsonschema's version: every run and every
    notebook kernel reads the settings, and checking them again means importing jsonschema
    (0.06 s) before the run can start its kernels.  Mistakes are never cached, so every
    refusal comes from jsonschema itself."""
    verdict = _fits_key(instance, name)
    if verdict is not None and disk_cache.load("fits", verdict) is True:
        return None
    found = problems(instance, name)
    if not found:
        disk_cache.store("fits", verdict, True)
    return found[0] if found else None


def raw_schema(name: str) -> dict[str, Any]:
    """The schema of ``name`` as written, its references left unresolved: enough to read what
    it declares in place (a list of allowed values, say) without loading jsonschema."""
    return _schema_texts()[f"{name}{SCHEMA_SUFFIX}"][1]


@cache
def _schema_texts() -> dict[str, tuple[str, dict[str, Any]]]:
    return {
        path.name: (text, json.loads(text))
        for path in sorted(RULES.glob(f"*{SCHEMA_SUFFIX}"))
        for text in [path.read_text(encoding="utf-8")]
    }


def _fits_key(instance: Any, name: str) -> disk_cache.Key | None:
    """What a verdict on ``instance`` depends on; None when the values cannot be named."""
    if not disk_cache.enabled():
        return None
    try:  # pickle's default protocol: the key is only ever compared with keys of this Python
        values = hashlib.sha256(pickle.dumps(instance)).hexdigest()
    except Exception:  # a value pickle cannot write: checked every time
        return None
    schemas = [[file, text] for file, (text, _) in _schema_texts().items()]
    return disk_cache.key("fits", name, values, schemas, _jsonschema_version())


@cache
def _jsonschema_version() -> str:
    try:
        return metadata.version("jsonschema")
    except metadata.PackageNotFoundError:
        return "absent"


# --- jsonschema errors, located -----------------------------------------------------------------
def _located(error: Any) -> list[tuple[list[Step], str, dict[str, Any]]]:
    """Where an error is, as (path into the file, failing keyword, schema node with its
    messages).  A missing key is placed at the key, as if it were there and wrong (every key a
    schema requires is declared among its properties, with its message); a key a
    ``propertyNames`` refuses is placed at the key itself."""
    path = list(error.absolute_path)
    if error.validator == "required":
        missing = [key for key in error.validator_value if key not in error.instance]
        return [([*path, key], "required", error.schema["properties"][key]) for key in missing]
    if "propertyNames" in error.relative_schema_path:
        return [([*path, error.instance], "propertyNames", error.schema)]
    return [(path, error.validator, error.schema)]


def _template(node: dict[str, Any], keyword: str, error: Any) -> str:
    """The message of the failing check: every node that checks anything carries
    ``x-messages`` (``test_every_check_has_the_projects_message``)."""
    messages = node["x-messages"]
    if keyword == "propertyNames":
        keyword = error.validator
    return messages.get(keyword) or messages.get("*") or error.message


def _error_fields(error: Any, node: dict[str, Any]) -> dict[str, Any]:
    """The fields the error itself gives.  ``{cause}`` is named only by the ``contract-date``
    messages, whose check always fails with a cause; ``{unknown}`` only by
    ``additionalProperties`` messages, a check jsonschema applies to mappings only, at nodes
    that all declare their ``properties``."""
    enum = node.get("enum", ())
    fields: dict[str, Any] = {
        "enum": tuple(enum),
        "enum_list": list(enum),
        "cause": str(error.cause),
    }
    if error.validator == "additionalProperties":
        declared = set(node["properties"])
        fields["unknown"] = sorted(k for k in error.instance if k not in declared)
    return fields


# --- where in the file, and in what order -------------------------------------------------------
def _order(node: dict[str, Any]) -> list[str]:
    """The node's keywords and keys in the order their mistakes are reported (a key refused by
    ``propertyNames`` is placed before the rest by :func:`_walk` itself)."""
    return node.get("x-order") or [
        "type",
        "required",
        "additionalProperties",
        *node.get("properties", {}),
    ]


def _walk(
    schema: dict[str, Any], instance: Any, path: list[Step], keyword: str, validator: Any
) -> tuple[tuple[int, ...], dict[str, Any], str]:
    """The error's place in the reporting order, the fields its message may name (value, key,
    type, bad), and the entry it is in (``category 2 (Funding): ``).

    The place is one rank per step and one for the keyword, each compared only with the ranks
    of other mistakes of the same file at the same node: a node's declared keywords and keys
    rank by their place in :func:`_order`, the keys it does not declare and a list's items
    after them, in the file's order.  A jsonschema error path steps into a mapping by one of
    its keys (or, for a missing key, by a key the schema declares) and into a list by an index
    inside it, so every step leads to a node of the schema and a value of the file (None for a
    missing key).  ``{key}`` and ``{bad}`` are named only by messages below a mapping or a
    list, which set them."""
    node, value = schema, instance
    position: list[int] = []
    fields: dict[str, Any] = {}
    prefix = ""
    for depth, step in enumerate(path):
        order = _order(node)
        if isinstance(value, dict):
            if keyword == "required" and depth == len(path) - 1 and "required" in order:
                position.append(order.index("required"))  # missing keys, all at once
            elif step in order:
                position.append(order.index(step))
            else:
                position.append(len(order) + list(value).index(step))
            properties = node.get("properties", {})
            node = properties[step] if step in properties else node["additionalProperties"]
            fields["key"] = step
            value = value.get(step)
        else:
            position.append(len(order) + step)
            entry = node.get("x-entry")
            node = node["items"]
            fields["bad"] = [
                item for item in value if not validator.evolve(schema=node).is_valid(item)
            ]
            value = value[step]
            if entry:
                prefix = _entry_prefix(entry, step, value)
    if keyword in ("required", "propertyNames"):
        position.append(-1)  # a key missing or refused comes before what it holds
    else:
        order = _order(node)
        position.append(order.index(keyword) if keyword in order else len(order))
    fields["value"] = path[-1] if keyword == "propertyNames" else value  # the key refused
    fields["type"] = type(fields["value"]).__name__
    return tuple(position), fields, prefix


def _entry_prefix(entry: dict[str, str], index: int, item: Any) -> str:
    """``category 2: `` or, once the entry's name is known good, ``category 2 (Funding): ``.
    A good name is non-blank text, which is exactly what its schema asks (``pattern: \\S``), so
    a mistake in the name itself never shows the name."""
    where = f"{entry['word']} {index + 1}"
    title = entry.get("title")
    name = item.get(title) if isinstance(item, dict) and title else None
    if isinstance(name, str) and name.strip():
        where += f" ({name.strip()})"
    return f"{where}: "


# --- the validator --------------------------------------------------------------------------------
@cache
def _validator_class() -> Any:
    """Draft 2020-12, with YAML's whole numbers (:func:`_is_whole_number`)."""
    jsonschema = import_jsonschema()
    base = jsonschema.Draft202012Validator
    checker = base.TYPE_CHECKER.redefine("integer", _is_whole_number)
    return jsonschema.validators.extend(base, type_checker=checker)


def _is_whole_number(_checker: Any, value: object) -> bool:
    """JSON Schema's ``integer`` as YAML means it: ``2.0`` and ``true`` are not integers."""
    return isinstance(value, int) and not isinstance(value, bool)


@cache
def _format_checker() -> Any:
    """The contract's own checks, named as formats (:func:`_is_contract_date`,
    :func:`_is_marking`).  The checks are functions of their own, not built in here, so that
    ``make mutation`` mutates them: mutmut leaves decorated functions be."""
    jsonschema = import_jsonschema()
    checker = jsonschema.FormatChecker(formats=())
    checker.checks("contract-date", raises=ValueError)(_is_contract_date)
    checker.checks("marking")(_is_marking)
    return checker


def _is_contract_date(value: object) -> bool:
    """A date by the tables' date rules; the ValueError's reason becomes the message."""
    from analysis.inputs.schemas import parse_date  # measured: pandas 1 s, once a date is read

    if value is not None:
        parse_date(value)
    return True


def _is_marking(value: object) -> bool:
    """A protective marking, case and spacing at the ends aside; blank is allowed."""
    text = "" if value is None else str(value).strip()
    return not text or text.casefold() in {m.casefold() for m in MARKINGS}


@cache
def _validator(name: str) -> Any:
    """The validator of one declared schema, built once per process."""
    return _validator_class()(load_schema(name), format_checker=_format_checker())
