"""The suite's own machinery: tests sharing a publication form one unit of work, and a
publication is built once per run however many times it is asked for."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest

from tests.conftest import shared_keys
from tests.helpers.scheduling import units
from tests.helpers.shared import DONE, built_once


def test_tests_sharing_a_key_directly_or_through_others_form_one_unit() -> None:
    groups = {
        "a.py::seed": ["published_seed"],
        "b.py::nine": ["published_quarters", "published_seed"],
        "c.py::nine_only": ["published_quarters"],
        "d.py::hostile[pandoc]": ["published_hostile[pandoc]"],
        "d.py::hostile[quarto]": ["published_hostile[quarto]"],
        "e.py::alone": [],
    }
    unit = units(groups)
    assert unit["a.py::seed"] == unit["b.py::nine"] == unit["c.py::nine_only"]
    assert (
        len({unit["a.py::seed"], unit["d.py::hostile[pandoc]"], unit["d.py::hostile[quarto]"]}) == 3
    )
    assert "e.py::alone" not in unit  # dealt out on its own


def test_a_test_is_keyed_by_its_expensive_fixtures_and_their_parameter() -> None:
    class Item:
        fixturenames = ("tmp_path", "published_hostile", "rendered")
        callspec = type("Spec", (), {"params": {"published_hostile": "quarto"}})()
        path = Path("tests/publishing/render/test_render.py")

        def iter_markers(self, name):
            return iter([SimpleNamespace(args=("extra",), kwargs={})])

    assert shared_keys(Item()) == ["extra", "published_hostile[quarto]", "test_render.py::rendered"]


def test_a_build_runs_once_and_a_failed_one_leaves_no_mark(tmp_path_factory) -> None:
    calls: list[Path] = []

    def build(folder: Path) -> None:
        calls.append(folder)
        (folder / "paper.pdf").write_text("x")

    first = built_once(tmp_path_factory, "probe-build", build)
    again = built_once(tmp_path_factory, "probe-build", build)
    assert first == again and len(calls) == 1 and (first / DONE).is_file()

    def broken(folder: Path) -> None:
        raise RuntimeError("render failed")

    with pytest.raises(RuntimeError):
        built_once(tmp_path_factory, "probe-broken", broken)
    with pytest.raises(RuntimeError):  # asked again, it builds again rather than read half
        built_once(tmp_path_factory, "probe-broken", broken)
