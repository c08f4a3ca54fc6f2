"""``--dist loadgroup`` that works: every test reading the same expensive fixture runs on one
worker, so the fixture is built once and the other worker never sits waiting for it.

pytest-xdist 3.8 marks a group by appending ``@group`` to each test's node id, which pytest
9.2 no longer lets a plugin change (pytest-dev/pytest-xdist#1386): the marks are silently
ignored and the tests are dealt out one by one.  So the groups travel on their own channel:
each worker writes ``{node id: [keys]}`` to a file the controller named for it
(``pytest_configure_node``), and the controller's scheduler (``pytest_xdist_make_scheduler``)
joins every test that shares a key with another into one unit of work.  A test's keys are its
``xdist_group`` marks and the expensive fixtures it reads (see ``tests/conftest.py``); tests
with no key are dealt out singly, as by ``--dist load``.  The units are sent biggest first, so
the long builds start at once and the single tests fill in around them.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path

import pytest

GROUPS_DIR = "panelpaper_groups_dir"
"""The ``workerinput`` key naming the folder where the workers write their groups."""

KeysOf = Callable[[pytest.Item], Iterable[str]]


def write_worker_groups(config: pytest.Config, items: list[pytest.Item], keys_of: KeysOf) -> None:
    """On a worker under ``--dist loadgroup``: write each grouped test's keys for the
    controller."""
    workerinput = getattr(config, "workerinput", None)
    if workerinput is None or GROUPS_DIR not in workerinput:
        return
    groups = {item.nodeid: sorted(set(keys_of(item))) for item in items}
    path = Path(workerinput[GROUPS_DIR]) / f"{workerinput['workerid']}.json"
    path.write_text(json.dumps({k: v for k, v in groups.items() if v}), encoding="utf-8")


def units(groups: dict[str, list[str]]) -> dict[str, str]:
    """Node id -> the unit it belongs to: tests sharing a key, directly or through other
    tests, form one unit (named by its alphabetically first key)."""
    parent: dict[str, str] = {}

    def root(key: str) -> str:
        while parent.setdefault(key, key) != key:
            parent[key] = parent[parent[key]]
            key = parent[key]
        return key

    for keys in groups.values():
        for key in keys[1:]:
            first, other = root(keys[0]), root(key)
            if first != other:
                parent[max(first, other)] = min(first, other)
    return {nodeid: f"@{root(keys[0])}" for nodeid, keys in groups.items() if keys}


def make_scheduler(config: pytest.Config, log):
    """The scheduler for ``--dist loadgroup``: xdist's load-by-scope with our units as scopes."""
    from xdist.scheduler.loadscope import LoadScopeScheduling

    groups_dir = Path(config.stash[_GROUPS_KEY])

    class SharedFixtureScheduling(LoadScopeScheduling):
        unit_of: dict[str, str] | None = None

        def schedule(self) -> None:
            if self.unit_of is None:
                groups: dict[str, list[str]] = {}
                for path in sorted(groups_dir.glob("*.json")):
                    groups.update(json.loads(path.read_text(encoding="utf-8")))
                self.unit_of = units(groups)
            super().schedule()

        def _split_scope(self, nodeid: str) -> str:
            return (self.unit_of or {}).get(nodeid, nodeid)

    return SharedFixtureScheduling(config, log)


_GROUPS_KEY = pytest.StashKey[str]()


def start(config: pytest.Config) -> None:
    """On the controller under ``--dist loadgroup``: a folder for the workers' groups."""
    if (
        getattr(config, "workerinput", None) is None
        and config.getoption("dist", None) == "loadgroup"
    ):
        config.stash[_GROUPS_KEY] = tempfile.mkdtemp(prefix="panelpaper-groups-")


def active(config: pytest.Config) -> bool:
    return _GROUPS_KEY in config.stash


def configure_node(node) -> None:  # node: xdist's WorkerController
    if active(node.config):
        node.workerinput[GROUPS_DIR] = node.config.stash[_GROUPS_KEY]


def finish(config: pytest.Config) -> None:
    if active(config):
        shutil.rmtree(config.stash[_GROUPS_KEY], ignore_errors=True)
