"""The run's progress lines: one formatter, the columns people and tests read.

The expected strings are written out as ``panelpaper run`` printed them before the formatter
existed, so a change to the layout shows here."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

from analysis.publishing.progress import Reporter, summary_table
from analysis.quarters import Quarter

Q1 = Quarter(2019, 1)
Q2 = Quarter(2019, 2)


def lines_of(all_quarters: bool = False) -> tuple[Reporter, list[str]]:
    said: list[str] = []
    return Reporter(said.append, all_quarters=all_quarters), said


def test_step_lines_keep_their_columns_for_one_quarter() -> None:
    report, said = lines_of()
    report.step("hmicfrs.ipynb", "ok", quarter=Q1, seconds=1.234)
    report.step("raises.ipynb", "failed", quarter=Q1, seconds=0.5, error="cell 3: ValueError: x")
    report.step("render (pandoc)", "ok", quarter=Q1, seconds=0.61, detail="paper.docx, paper.pdf")
    report.step("render", "failed", quarter=Q1, seconds=2.0)
    report.step("publish", "ok", quarter=Q1, detail="/r/2019-20-Q1 (previous publication moved)")
    report.step("kernel 1 (warm-up)", "ok", seconds=2.5)
    assert said == [
        "  hmicfrs.ipynb            ok        1.2 s",
        "  raises.ipynb             failed    0.5 s\n      cell 3: ValueError: x",
        "  render (pandoc)          ok        0.6 s  paper.docx, paper.pdf",
        "  render                   failed    2.0 s",
        "  publish                  ok      /r/2019-20-Q1 (previous publication moved)",
        "  kernel 1 (warm-up)       ok        2.5 s",
    ]


def test_with_all_quarters_steps_name_their_quarter_and_kernels_do_not() -> None:
    report, said = lines_of(all_quarters=True)
    report.step("delays.ipynb", "skipped", quarter=Q2, seconds=0.0, error="interrupted")
    report.step("kernel 2 (warm-up)", "ok", seconds=3.0)
    assert said == [
        "  2019-20-Q2  delays.ipynb             skipped   0.0 s\n  2019-20-Q2      interrupted",
        "  kernel 2 (warm-up)       ok        3.0 s",
    ]


def test_the_paper_is_listed_for_one_quarter_only(tmp_path: Path) -> None:
    for name in ("paper.html", "paper.docx"):
        (tmp_path / name).write_text("x")
    report, said = lines_of()
    report.quarter(Q1, "published to somewhere in 5.4 s")
    report.paper(tmp_path)
    assert said == [
        "2019-20-Q1: published to somewhere in 5.4 s",
        f"  {tmp_path / 'paper.docx'}",
        f"  {tmp_path / 'paper.html'}",
    ]
    report, said = lines_of(all_quarters=True)
    report.paper(tmp_path)
    assert said == []


def test_the_summary_table() -> None:
    results = [
        SimpleNamespace(quarter=Q1, status="reused", seconds=0.12, ok=True),
        SimpleNamespace(quarter=Q2, status="failed", seconds=7.0, ok=False),
    ]
    assert summary_table(results, 7.5).splitlines() == [
        "quarter      status      seconds",
        "2019-20-Q1   reused          0.1",
        "2019-20-Q2   failed          7.0",
        "2 quarter(s), 1 not published, 7.5 s in all",
    ]
