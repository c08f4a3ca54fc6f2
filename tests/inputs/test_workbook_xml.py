"""The sheet XML scan: what calamine does not show, found whatever the chunking or prefix."""

from __future__ import annotations

import pytest

from analysis.inputs.workbook_xml import _scan_xml, column_letters


def test_the_xml_scan_survives_any_chunking() -> None:
    """Chunks cut anywhere (here every 7 bytes) find the same cells as one piece."""
    xml = (
        b'<worksheet><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c></row>'
        b'<row r="2" hidden="1"><c r="B2"><f>A1</f><v></v></c>'
        b'<c r="C2" t="str"><f>IF(1,"","x")</f><v></v></c>'  # a saved empty text: fine
        b'<c r="D2"><f t="shared" si="0"/></c><c r="E2"><f>1</f><v>1</v></c></row>'
        b'<row r="3"><c r="AB3" t="e"><f>1/0</f><v>#DIV/0!</v></c></row>'
        b'<row r="4" hidden="0"/></sheetData>'
        b'<mergeCells count="2"><mergeCell ref="A5:B6"/><mergeCell ref="C7"/></mergeCells>'
        b"</worksheet>"
    )
    for size in (len(xml), 7):
        marks = _scan_xml(xml[i : i + size] for i in range(0, len(xml), size))
        assert marks.hidden_rows == [2]
        assert marks.unsaved == [(2, 1), (2, 3)]
        assert marks.errors == [(3, 27, "#DIV/0!")]
        assert marks.merges == [(5, 6, 0, 1), (7, 7, 2, 2)]
        assert marks.formulas == [
            (2, 1, "=A1"),
            (2, 2, '=IF(1,"","x")'),
            (2, 3, "(a formula shared with the cell above)"),
            (2, 4, "=1"),
            (3, 27, "=1/0"),
        ]


def test_prefixed_xml_is_scanned_too() -> None:
    xml = (
        b'<x:worksheet xmlns:x="s"><x:sheetData><x:row r="2" hidden="true">'
        b'<x:c r="A2"><x:f>B2</x:f></x:c></x:row></x:sheetData></x:worksheet>'
    )
    for size in (len(xml), 7):
        marks = _scan_xml(xml[i : i + size] for i in range(0, len(xml), size))
        assert (marks.hidden_rows, marks.unsaved) == ([2], [(2, 0)])


@pytest.mark.parametrize(("index", "letters"), [(0, "A"), (25, "Z"), (26, "AA"), (701, "ZZ")])
def test_column_letters(index: int, letters: str) -> None:
    assert column_letters(index) == letters
