"""The Monitoring Portal's own status words are the contract's statuses, with no warning."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.inputs import schemas
from analysis.inputs.snapshots import check_snapshot
from analysis.quarters import Quarter

FORMS = {
    "awaiting-review": "Awaiting review",
    "Awaiting Review": "Awaiting review",
    "being progressed": "Being progressed",
    "being-progressed": "Being progressed",
    "BEING_PROGRESSED": "Being progressed",
    " being  -  progressed ": "Being progressed",
    "complete": "Complete",
    "no-further-action-needed": "No further action needed",
    "No Further Action Needed": "No further action needed",
}


def frame(statuses: list[str]) -> pd.DataFrame:
    n = len(statuses)
    return pd.DataFrame(
        {
            "rec_id": [f"R{i}" for i in range(n)],
            "inspection": ["PEEL"] * n,
            "theme": ["PEEL"] * n,
            "type": ["Recommendation"] * n,
            "published": ["2019-01-01"] * n,
            "status": statuses,
            "source_row": list(range(2, n + 2)),
        }
    )


def test_every_portal_form_reads_as_the_contract_status() -> None:
    text = frame(list(FORMS))
    assert schemas.validate(text, schemas.RECOMMENDATIONS, "recommendations.csv") == []
    loaded = schemas.canonical(text, schemas.RECOMMENDATIONS)
    assert loaded["status"].tolist() == list(FORMS.values())


@pytest.mark.parametrize("word", ["being-progresed", "closed", "awaiting review pending"])
def test_other_words_are_still_refused(word: str) -> None:
    (finding,) = schemas.validate(frame([word]), schemas.RECOMMENDATIONS, "recommendations.csv")
    assert finding.column == "status" and finding.value == word
    assert "expected one of Awaiting review, Being progressed" in finding.message


def test_loose_matching_is_for_status_alone() -> None:
    text = frame(["complete"]).assign(type=["area-for-improvement"])
    (finding,) = schemas.validate(text, schemas.RECOMMENDATIONS, "recommendations.csv")
    assert finding.column == "type"


def test_a_snapshot_in_portal_words_loads_with_no_warning(data_dir, make_snapshot) -> None:
    from tests.conftest import RECOMMENDATIONS

    words = ["being-progressed", "awaiting-review", "complete", "no-further-action-needed"]
    rows = [{**row, "status": w} for row, w in zip(RECOMMENDATIONS, words, strict=True)]
    make_snapshot(recommendations=rows)
    snapshot, findings = check_snapshot(data_dir, Quarter(2019, 1))
    assert findings == []
    assert snapshot.recommendations["status"].tolist() == [
        "Being progressed",
        "Awaiting review",
        "Complete",
        "No further action needed",
    ]


def test_a_portal_export_with_long_quoted_texts_and_its_own_words(data_dir, make_snapshot) -> None:
    """As the portal writes it: a recommendation text over several lines with bullets, curly
    quotes and en dashes in an extra column, and the portal's hyphenated statuses."""
    from tests.conftest import REC_COLUMNS, RECOMMENDATIONS, write_csv

    text = (
        "By 31 March 2020, the force should:\n"
        "\N{BULLET} review its \N{LEFT DOUBLE QUOTATION MARK}risk-led\N{RIGHT DOUBLE QUOTATION MARK}"
        " approach \N{EN DASH} including custody;\n\N{BULLET} report \N{LEFT SINGLE QUOTATION MARK}"
        "quarterly\N{RIGHT SINGLE QUOTATION MARK}, "
    )
    words = ["being-progressed", "awaiting-review", "complete", "no-further-action-needed"]
    rows = [
        {**row, "status": w, "title": text * (n + 1)}
        for n, (row, w) in enumerate(zip(RECOMMENDATIONS, words, strict=True))
    ]
    folder = make_snapshot()
    write_csv(folder / "recommendations.csv", list(REC_COLUMNS), rows)
    snapshot, findings = check_snapshot(data_dir, Quarter(2019, 1))
    assert findings == []
    assert snapshot.recommendations["status"].tolist()[:2] == [
        "Being progressed",
        "Awaiting review",
    ]
    assert snapshot.recommendations["source_row"].tolist() == [2, 3, 4, 5]
