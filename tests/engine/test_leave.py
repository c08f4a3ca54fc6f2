"""The process leaves without Python's teardown: the exit status is still the one the command
chose, what it printed is flushed first, and an unexpected error still ends with its traceback."""

from __future__ import annotations

import os

import pytest

from analysis.engine import leave


@pytest.mark.parametrize(
    ("raised", "status", "printed"),
    [(None, 0, ""), (0, 0, ""), (2, 2, ""), ("a message", 1, "a message\n")],
)
def test_it_leaves_with_the_status_main_chose(monkeypatch, capsys, raised, status, printed):
    def main() -> None:
        print("said before leaving")
        raise SystemExit(raised)

    left: list[int] = []
    monkeypatch.setattr(os, "_exit", left.append)
    leave.run_then_leave(main)
    assert left == [status]
    out, err = capsys.readouterr()
    assert out == "said before leaving\n"
    assert err == printed


def test_a_main_that_returns_leaves_with_success(monkeypatch):
    left: list[int] = []
    monkeypatch.setattr(os, "_exit", left.append)
    leave.run_then_leave(lambda: None)
    assert left == [0]


def test_an_unexpected_error_ends_the_usual_way(monkeypatch):
    def main() -> None:
        raise RuntimeError("a bug")

    monkeypatch.setattr(os, "_exit", lambda status: pytest.fail("left without a traceback"))
    with pytest.raises(RuntimeError, match="a bug"):
        leave.run_then_leave(main)
