"""Comparing rerun outputs with archived ones under nbval's rules, in process (no pytest, no
subprocess): what nbval would accept matches, what it would refuse gives its reason."""

from __future__ import annotations

import pytest

from analysis.publishing.proof import compare as cmp

RULES = cmp.read_sanitize_rules(cmp.SANITIZE_FILE.read_text(encoding="utf-8"))


def _stream(text: str, name: str = "stdout") -> dict:
    return {"output_type": "stream", "name": name, "text": text}


def _display(**data: str) -> dict:
    return {"output_type": "display_data", "metadata": {"width": 1}, "data": data}


def test_the_project_sanitize_rules_are_read_in_order() -> None:
    assert [regex for regex, _ in RULES][:1] == [
        r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:?\d{2})?"
    ]
    assert [replace for _, replace in RULES] == ["TIMESTAMP", "0xADDRESS", r"PATH/\2", "SVG-IMAGE"]


@pytest.mark.parametrize(
    ("rerun", "published"),
    [
        ([_stream("a"), _stream("b\n")], [_stream("ab\n")]),  # however the kernel split it
        ([_stream("50%\r100%\n")], [_stream("100%\n")]),  # progress overwritten by \r
        (
            [_display(**{"text/plain": "x", "image/png": "AAAA"})],
            [_display(**{"text/plain": "x", "image/png": "BBBB"})],
        ),  # image bytes depend on the build
        (
            [
                _display(
                    **{
                        "text/plain": "alt",
                        "image/svg+xml": '<?xml version="1.0"?>\n<svg a="1"></svg>\n',
                    }
                )
            ],
            [
                _display(
                    **{
                        "text/plain": "alt",
                        "image/svg+xml": '<?xml version="1.0"?>\n<svg a="2"></svg>\n',
                    }
                )
            ],
        ),  # a chart's SVG depends on fonts and Matplotlib, as its PNG does
        ([_stream("at 0x7f00deadbeef\n")], [_stream("at 0x7f00cafebabe\n")]),
        ([_stream("/home/a/data\n")], [_stream("/srv/b/data\n")]),
        ([_stream("2024-01-02 03:04:05\n")], [_stream("2025-06-07T08:09:10Z\n")]),
        (
            [_display(**{"text/plain": "t"}), _stream("s")],
            [_stream("s"), _display(**{"text/plain": "t"})],
        ),  # kinds may come in any order
    ],
)
def test_outputs_nbval_would_accept_match(rerun: list, published: list) -> None:
    assert cmp.compare_outputs(rerun, published, RULES) == []


def test_a_changed_value_is_shown_on_both_sides() -> None:
    found = cmp.compare_outputs(
        [_display(**{"text/markdown": "there are 4 outstanding"})],
        [_display(**{"text/markdown": "there are 5 outstanding"})],
        RULES,
    )
    assert found[0] == "'text/markdown' output differs"
    assert "published: there are 5 outstanding" in found
    assert "rerun:     there are 4 outstanding" in found


def test_a_chart_whose_numbers_changed_differs_by_its_alt_text() -> None:
    svg = '<?xml version="1.0"?>\n<svg></svg>\n'
    found = cmp.compare_outputs(
        [_display(**{"text/plain": "Overdue actions rose from 38 to 60.", "image/svg+xml": svg})],
        [_display(**{"text/plain": "Overdue actions rose from 38 to 59.", "image/svg+xml": svg})],
        RULES,
    )
    assert found[0] == "'text/plain' output differs"


@pytest.mark.parametrize(
    ("rerun", "published", "reason"),
    [
        ([], [_stream("x")], "Missing output fields from running code: {'stdout'}"),
        ([_stream("x", "stderr")], [], "Unexpected output fields from running code: {'stderr'}"),
        (
            [_display(**{"text/plain": "a"}), _display(**{"text/plain": "b"})],
            [_display(**{"text/plain": "a"})],
            'dissimilar number of outputs for key "text/plain"',
        ),
    ],
)
def test_outputs_nbval_would_refuse_give_its_reason(
    rerun: list, published: list, reason: str
) -> None:
    assert cmp.compare_outputs(rerun, published, RULES)[0] == reason


def _code(source: str, outputs: list, count: int | None = 1, tags: list | None = None) -> dict:
    return {
        "cell_type": "code",
        "metadata": {"tags": tags or []},
        "source": source,
        "outputs": outputs,
        "execution_count": count,
    }


def test_cell_tags_and_comments_switch_checks_as_in_nbval() -> None:
    archived = {
        "cells": [
            _code("print(1)", [_stream("1\n")], tags=["nbval-ignore-output"]),
            _code("# NBVAL_SKIP\nprint(2)", [_stream("2\n")]),
            _code("print(3)", [_stream("3\n")]),
            _code("x = 1", [], count=None),
        ]
    }
    rerun = {
        "cells": [
            _code("", [_stream("one\n")]),
            _code("", []),
            _code("", [_stream("three\n")]),
            _code("", []),
        ]
    }
    checked, problems = cmp.compare_notebooks("n.ipynb", archived, rerun, RULES)
    assert checked == 3  # the skipped cell is not counted
    assert problems[0] == "notebook n.ipynb, cell 3 (print(3)): Cell outputs differ"
    assert len([p for p in problems if not p.startswith("    ")]) == 1


def test_a_cell_that_fails_on_rerun_is_named_with_its_exception() -> None:
    class Failure:
        exec_count, ename, evalue = 2, "KeyError", "'quarter'"

    archived = {"cells": [_code("a", [], 1), _code("b", [], 2), _code("c", [], 3)]}
    rerun = {"cells": [_code("a", [], 1), _code("b", [], 2), _code("c", [], None)]}
    checked, problems = cmp.compare_notebooks("n.ipynb", archived, rerun, RULES, Failure())
    assert checked == 3
    assert problems == [
        "notebook n.ipynb, cell 2 (b): Cell execution caused an exception",
        "    KeyError: 'quarter'",
        "notebook n.ipynb, cell 3 (c): not rerun (an earlier cell failed)",
    ]
