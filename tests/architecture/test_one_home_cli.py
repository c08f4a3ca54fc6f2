"""The command line's shared options, the run's options and the snapshot folders each have one
home, and a second copy is caught here.

* An option that more than one command takes (``--data-dir``, ``--reports-dir``, ``--all``,
  ``--jobs``) is declared once, as an ``Annotated`` alias in :mod:`analysis.cli`, with its help,
  its default and its check; every command takes that alias.  An option declared inline in a
  second command is a second declaration, free to drift (``--reports-dir`` was checked in
  ``run`` and not in ``verify``).  Positional arguments may describe themselves per command
  (QUARTER is "the quarter to start" for ``new``), but two with the same name and help are one
  alias too.
* The public :class:`analysis.publishing.options.Options` holds what a caller may choose, no
  stand-in step for tests.
* Which folders of ``snapshots/`` (and of the reports folder) are a quarter's is decided in
  :mod:`analysis.inputs.snapshot_cache` alone: a folder name parsed into a quarter, a quarter's
  id compared with a folder's name, or ``/ "snapshots"`` joined to a path anywhere else in the
  package restates that rule.
"""

from __future__ import annotations

import ast
import dataclasses
import typing
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

import pytest
import typer
from typer.models import ArgumentInfo, OptionInfo, ParameterInfo

from analysis import cli
from analysis.paths import PACKAGE
from analysis.publishing.options import Options

RULE_HOME = PACKAGE / "inputs" / "snapshot_cache.py"


# --- the command line -----------------------------------------------------------------------------
def declarations() -> Iterator[tuple[str, typer.core.click.Parameter, ParameterInfo]]:
    """(command, the parameter as the user meets it, the declaration it was made from) for every
    parameter of every command of ``panelpaper``."""
    group = typer.main.get_command(cli.app)
    for registered in cli.app.registered_commands:
        name = registered.name or registered.callback.__name__
        command = group.commands[name]
        hints = typing.get_type_hints(registered.callback, include_extras=True)
        for param in command.params:
            declared = [m for m in hints[param.name].__metadata__ if isinstance(m, ParameterInfo)]
            assert len(declared) == 1, (name, param.name)
            yield name, param, declared[0]


def shared_options() -> dict[str, list[tuple[str, typer.core.click.Parameter, OptionInfo]]]:
    """Each option flag taken by more than one command, with every command's declaration."""
    by_flag = defaultdict(list)
    for command, param, declared in declarations():
        if isinstance(declared, OptionInfo):
            by_flag[tuple(param.opts)].append((command, param, declared))
    return {" ".join(flag): found for flag, found in by_flag.items() if len(found) > 1}


def test_the_options_several_commands_take_are_the_ones_aliased() -> None:
    """Not vacuous: the aliases are taken where they are meant to be."""
    commands = {flag: sorted(c for c, _, _ in found) for flag, found in shared_options().items()}
    assert set(commands) == {"--data-dir", "--reports-dir", "--all", "--jobs"}
    assert commands["--reports-dir"] == ["explore", "figures", "run", "verify"]
    assert commands["--all"] == ["check", "run", "verify"]
    assert commands["--jobs"] == ["run", "verify"]


@pytest.mark.parametrize("flag", sorted(shared_options()))
def test_a_shared_option_is_declared_once(flag: str) -> None:
    found = shared_options()[flag]
    declared = {id(info) for _, _, info in found}
    assert len(declared) == 1, (
        f"{flag} is declared separately in {', '.join(c for c, _, _ in found)}: "
        "declare it once as an Annotated alias in analysis/cli.py and take that in each command"
    )
    # What the user meets is then the same everywhere: help, default and check.
    assert len({param.help for _, param, _ in found}) == 1
    assert len({repr(param.default) for _, param, _ in found}) == 1
    assert len({info.callback for _, _, info in found}) == 1


@pytest.mark.parametrize("alias", [cli.DataDir, cli.ReportsDir])
def test_a_folder_option_carries_its_check(alias) -> None:
    """The folder options are checked by their alias, so no command taking them can forget."""
    (info,) = [m for m in alias.__metadata__ if isinstance(m, OptionInfo)]
    assert info.callback is not None


def test_arguments_described_alike_are_one_alias() -> None:
    by_description = defaultdict(list)
    for command, param, declared in declarations():
        if isinstance(declared, ArgumentInfo):
            by_description[(param.name, param.help)].append((command, declared))
    for (name, _), found in by_description.items():
        assert len({id(info) for _, info in found}) == 1, (
            f"argument {name} is declared separately in {', '.join(c for c, _ in found)}"
        )
    # QUARTER defaulting to the latest snapshot is taken by three commands, from one alias.
    (latest,) = [m for m in cli.QuarterArg.__metadata__ if isinstance(m, ArgumentInfo)]
    commands = sorted(c for c, _ in by_description[("quarter", latest.help)])
    assert commands == ["check", "figures", "run"]


# --- the options run and verify take --------------------------------------------------------------
def test_the_public_options_hold_no_test_hook() -> None:
    """Tests replace a run's steps with monkeypatch (tests/publishing/test_run.py ``stand_ins``);
    the options a caller builds hold only choices.  ``progress`` is where lines are said."""
    callables = [
        f.name for f in dataclasses.fields(Options) if callable(f.default) and f.name != "progress"
    ]
    assert callables == []
    assert not {"render", "stage", "figures", "check"} & {
        f.name for f in dataclasses.fields(Options)
    }


# --- the snapshot folders -------------------------------------------------------------------------
def _is_attribute(node: ast.AST, attr: str) -> bool:
    return isinstance(node, ast.Attribute) and node.attr == attr


def restatements(source: str) -> list[tuple[int, str]]:
    """Where ``source`` restates the rule of a quarter's folder: (line, what).  A message that
    names the folder (``f"... {data_dir / 'snapshots'}"``) says where it was looked for and is
    left alone."""
    tree = ast.parse(source)
    in_messages = {
        id(inner)
        for node in ast.walk(tree)
        if isinstance(node, ast.JoinedStr)
        for inner in ast.walk(node)
    }
    found = []
    for node in ast.walk(tree):
        if id(node) in in_messages:
            continue
        if isinstance(node, ast.Compare) and len(node.comparators) == 1:
            sides = (node.left, node.comparators[0])
            if any(
                _is_attribute(a, "id") and _is_attribute(b, "name") for a, b in (sides, sides[::-1])
            ):
                found.append((node.lineno, "a quarter's id compared with a folder's name"))
        if (
            isinstance(node, ast.Call)
            and _is_attribute(node.func, "parse")
            and node.args
            and _is_attribute(node.args[0], "name")
        ):
            found.append((node.lineno, "a folder's name parsed into a quarter"))
        if (
            isinstance(node, ast.BinOp)
            and isinstance(node.op, ast.Div)
            and isinstance(node.right, ast.Constant)
            and node.right.value == "snapshots"
        ):
            found.append((node.lineno, '"snapshots" joined to a path'))
    return found


def test_the_rule_check_finds_the_copies_it_replaced() -> None:
    """The copies this home replaced (manifest.py's and verify.py's) are caught: the check can
    fail."""
    manifest_copy = (
        "root = Path(data_dir) / 'snapshots'\n"
        "for child in root.iterdir():\n"
        "    quarter = Quarter.parse(child.name)\n"
        "    if quarter.id == child.name and quarter <= up_to:\n"
        "        found.append(quarter)\n"
    )
    assert [line for line, _ in restatements(manifest_copy)] == [1, 3, 4]


def test_the_snapshot_folder_rule_has_one_home() -> None:
    found = [
        f"{path.relative_to(PACKAGE.parent)}:{line}: {what}"
        for path in sorted(PACKAGE.rglob("*.py"))
        if path != RULE_HOME
        for line, what in restatements(path.read_text(encoding="utf-8"))
    ]
    assert found == [], (
        "use analysis.inputs.snapshot_cache (snapshots_dir, snapshot_folder, folder_entries, "
        "named_quarters, snapshot_quarters) instead:\n" + "\n".join(found)
    )
    assert restatements(Path(RULE_HOME).read_text(encoding="utf-8")), "the home states the rule"
