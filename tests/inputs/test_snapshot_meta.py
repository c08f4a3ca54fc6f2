"""snapshot.yml read on its own: defaults for every key, the loose forms an analyst writes,
and every mistake collected, each naming the file, the key and the value."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from analysis.inputs.findings import Finding
from analysis.inputs.schemas import parse_date
from analysis.inputs.snapshot_meta import read_meta
from analysis.quarters import Quarter

Q1 = Quarter(2019, 1)
FILE = "snapshots/2019-20-Q1/snapshot.yml"


def read(tmp_path: Path, text: str) -> tuple[dict[str, object] | None, list[Finding]]:
    path = tmp_path / "snapshot.yml"
    path.write_text(text, encoding="utf-8")
    findings: list[Finding] = []
    return read_meta(path, Q1, FILE, findings), findings


def test_an_empty_file_takes_every_default(tmp_path: Path) -> None:
    meta, findings = read(tmp_path, "")
    assert findings == []
    assert meta == {
        "as_of": dt.date(2019, 6, 30),
        "panel_date": None,
        "panel": "Audit Panel",
        "marking": "OFFICIAL",
        "authors": [],
        "contact": "",
    }


def test_loose_forms_are_read_and_extra_keys_kept(tmp_path: Path) -> None:
    meta, findings = read(
        tmp_path,
        "as_of: 15/06/2019\npanel: ' Audit Committee '\nmarking: official-sensitive\n"
        "authors: [A. Analyst, 2, ' ']\ncontact: [liaison, null, x@example.org]\nsponsor: Z\n",
    )
    assert findings == []
    assert meta is not None
    assert (meta["as_of"], meta["panel"], meta["marking"]) == (
        dt.date(2019, 6, 15),
        "Audit Committee",
        "OFFICIAL-SENSITIVE",
    )
    assert meta["authors"] == ["A. Analyst", "2"]
    assert meta["contact"] == "liaison, x@example.org"
    assert meta["sponsor"] == "Z"


def test_every_mistake_is_reported_in_the_files_key_order(tmp_path: Path) -> None:
    meta, findings = read(
        tmp_path, "authors: {a: 1}\nmarking: SECRET\npanel_date: soon\nas_of: 2019-03-31\n"
    )
    assert meta is None
    assert [(f.severity, f.file, f.column, f.value) for f in findings] == [
        ("error", FILE, "as_of", "2019-03-31"),
        ("error", FILE, "panel_date", "soon"),
        ("error", FILE, "marking", "SECRET"),
        ("error", FILE, "authors", "{'a': 1}"),
    ]
    assert [f.message for f in findings] == [
        "before the first day of 2019-20-Q1 (2019-04-01)",
        _date_reason("soon"),
        "unknown marking; expected one of OFFICIAL, OFFICIAL-SENSITIVE",
        "authors must be a name or a list of names",
    ]


def _date_reason(value: object) -> str:
    with pytest.raises(ValueError) as reason:
        parse_date(value)
    return str(reason.value)


@pytest.mark.parametrize(
    ("text", "value"),
    [("2019-06-31", "2019-06-31"), ("06/30/2019", "06/30/2019"), ("''", ""), ("[2019]", [2019])],
)
def test_a_date_is_judged_by_the_tables_rules(tmp_path: Path, text: str, value: object) -> None:
    meta, findings = read(tmp_path, f"as_of: {text}\n")
    assert meta is None
    (finding,) = findings
    assert (finding.column, finding.message) == ("as_of", _date_reason(value))


def test_as_of_after_the_quarter_is_only_a_warning(tmp_path: Path) -> None:
    meta, findings = read(tmp_path, "as_of: 2019-07-02\n")
    assert meta is not None and meta["as_of"] == dt.date(2019, 7, 2)
    assert [(f.severity, f.column, f.value) for f in findings] == [
        ("warning", "as_of", "2019-07-02")
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("- a\n- b\n", "expected a mapping of keys (as_of: ...), got list"),
        ("as_of: [2019\n", "not valid YAML at line 2"),
    ],
)
def test_a_file_that_cannot_be_read_is_one_error(tmp_path: Path, text: str, message: str) -> None:
    meta, findings = read(tmp_path, text)
    assert meta is None
    (finding,) = findings
    assert (finding.severity, finding.file, finding.column) == ("error", FILE, None)
    assert finding.message.startswith(message)


@pytest.mark.parametrize(
    ("text", "as_of"),
    [
        ("as_of: 2019-06-15\npanel_date: 2019-06-14\n", "2019-06-15 (as_of)"),
        ("panel_date: 29/06/2019\n", "2019-06-30 (as_of's default, the last day of 2019-20-Q1)"),
    ],
)
def test_a_panel_date_before_as_of_is_an_error(tmp_path: Path, text: str, as_of: str) -> None:
    meta, findings = read(tmp_path, text)
    assert meta is None
    [finding] = findings
    value = text.split("panel_date: ")[1].strip()
    assert (finding.severity, finding.file, finding.column, finding.value) == (
        "error",
        FILE,
        "panel_date",
        value,
    )
    assert finding.message.startswith(f"before the data's as-at date {as_of}:")
    assert str(finding) == f"ERROR: {FILE}, column panel_date: {finding.message} (value: {value!r})"


def test_a_panel_date_on_as_of_or_later_is_read(tmp_path: Path) -> None:
    for text, day in [
        ("as_of: 2019-06-15\npanel_date: 2019-06-15\n", dt.date(2019, 6, 15)),
        ("panel_date: 2019-06-30\n", dt.date(2019, 6, 30)),
        ("as_of: 2019-06-15\npanel_date: 24/09/2019\n", dt.date(2019, 9, 24)),
    ]:
        meta, findings = read(tmp_path, text)
        assert findings == []
        assert meta is not None and meta["panel_date"] == day


def test_the_panel_date_placeholder_is_an_error_until_replaced(tmp_path: Path) -> None:
    from analysis.inputs.snapshot_meta import PANEL_DATE_PLACEHOLDER

    value = f"{PANEL_DATE_PLACEHOLDER}, on or after 2019-06-30"
    meta, findings = read(tmp_path, f'as_of: 2019-06-30\npanel_date: "{value}"\n')
    assert meta is None
    assert [(f.severity, f.column, f.value) for f in findings] == [("error", "panel_date", value)]
    assert findings[0].message == (
        "still the placeholder panelpaper new wrote: write the date the panel meets "
        "(YYYY-MM-DD or DD/MM/YYYY), on or after 2019-06-30 (as_of), or delete the line for "
        "the paper to say 'date to be confirmed'"
    )
