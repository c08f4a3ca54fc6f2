"""OFFICIAL-SENSITIVE free text never reaches a public table; counts keep a fixed order."""

from __future__ import annotations

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.figures import actions as act
from analysis.figures.marking import (
    audit_label,
    in_restricted_audit,
    is_sensitive,
    mask_restricted,
    restricted_titles,
    tally,
)
from analysis.inputs.vocabulary import OFFICIAL, OFFICIAL_SENSITIVE, RESTRICTED_ITEM
from tests.helpers.frames import AS_OF, Q1_1920, SETTINGS, actions_frame, recs_frame


def test_an_audit_is_restricted_when_any_of_its_rows_is_sensitive():
    frame = actions_frame(
        [
            {"audit_title": "Covert Funds", "marking": OFFICIAL},
            {"audit_title": "Covert Funds", "marking": OFFICIAL_SENSITIVE, "status": "Closed"},
            {"audit_title": "Fleet", "marking": OFFICIAL},
        ]
    )
    assert is_sensitive(frame).tolist() == [False, True, False]
    assert restricted_titles(frame) == {"Covert Funds"}
    assert in_restricted_audit(frame).tolist() == [True, True, False]
    assert audit_label(frame).tolist() == [RESTRICTED_ITEM, RESTRICTED_ITEM, "Fleet"]


def test_mask_hides_titles_on_every_row_and_details_on_sensitive_rows_only():
    frame = actions_frame(
        [
            {"audit_title": "Covert Funds", "owner": "DI Jones", "delay_reason": "Vacancies"},
            {
                "audit_title": "Covert Funds",
                "owner": "DS Patel",
                "delay_reason": "Informant handling review",
                "marking": OFFICIAL_SENSITIVE,
            },
            {"audit_title": "Covert Funds", "marking": OFFICIAL_SENSITIVE},
            {"audit_title": "Fleet", "owner": "Mr Brown"},
        ]
    )
    masked = mask_restricted(frame)
    assert masked["audit_title"].tolist() == [RESTRICTED_ITEM] * 3 + ["Fleet"]
    assert masked["owner"].tolist()[:2] == ["DI Jones", RESTRICTED_ITEM]
    assert masked["delay_reason"].tolist()[:2] == ["Vacancies", RESTRICTED_ITEM]
    # a blank detail stays blank, so "no reason given" is still visible
    assert pd.isna(masked["delay_reason"].iloc[2])
    assert masked["owner"].iloc[3] == "Mr Brown"
    # the input is left as it was
    assert frame["audit_title"].iloc[0] == "Covert Funds"


def test_mask_can_be_limited_to_some_columns():
    frame = actions_frame(
        [{"audit_title": "Covert Funds", "owner": "DS Patel", "marking": OFFICIAL_SENSITIVE}]
    )
    masked = mask_restricted(frame, columns=["owner"])
    assert masked["audit_title"].tolist() == ["Covert Funds"]
    assert masked["owner"].tolist() == [RESTRICTED_ITEM]


def test_mask_hides_inspection_title_and_lead_of_sensitive_recommendations():
    frame = recs_frame(
        [
            {"inspection": "Undercover review", "lead": "DCS Grey", "marking": OFFICIAL_SENSITIVE},
            {"inspection": "PEEL 2018", "lead": "AC White"},
        ]
    )
    masked = mask_restricted(frame)
    assert masked["inspection"].tolist() == [RESTRICTED_ITEM, "PEEL 2018"]
    assert masked["lead"].tolist() == [RESTRICTED_ITEM, "AC White"]
    assert masked["theme"].tolist() == ["PEEL", "PEEL"]  # a coded value, still shown


def test_tally_puts_vocabulary_first_then_largest_then_alphabetical():
    values = pd.Series(["Zeta", "Low", "High", "Alpha", "Zeta", "Beta", "Beta", None])
    counts = tally(values, order=("High", "Medium", "Low"))
    assert list(counts.items()) == [("High", 1), ("Low", 1), ("Beta", 2), ("Zeta", 2), ("Alpha", 1)]
    assert "Medium" not in counts.index  # zero counts are left out


def test_tally_of_nothing_is_empty():
    assert tally(pd.Series([], dtype=object)).empty


# --- property: no restricted string gets through ------------------------------------------------
secret = st.text(alphabet="ABCDEFGHJKLMNPQRSTUVWXYZ", min_size=6, max_size=10).map(
    lambda s: f"S3CRET-{s}"
)
row = st.fixed_dictionaries(
    {
        "sensitive": st.booleans(),
        "title": st.integers(0, 3),
        "status": st.sampled_from(["Open", "Closed", "On hold"]),
        "risk": st.sampled_from(["High", "Medium", "Low"]),
        "secret": secret,
    }
)


@settings(max_examples=60, deadline=None)
@given(rows=st.lists(row, min_size=1, max_size=15))
def test_masking_never_lets_a_restricted_string_through(rows):
    records = []
    for r in rows:
        title = f"Audit {r['title']}"
        if r["sensitive"]:
            title = f"{r['secret']} audit"
        records.append(
            {
                "audit_title": title,
                "owner": r["secret"] if r["sensitive"] else "Named owner",
                "delay_reason": f"because {r['secret']}" if r["sensitive"] else "Vacancies",
                "marking": OFFICIAL_SENSITIVE if r["sensitive"] else OFFICIAL,
                "status": r["status"],
                "risk": r["risk"],
            }
        )
    # a sensitive title also appears on an OFFICIAL row of the same audit
    extra = [
        {**rec, "marking": OFFICIAL, "owner": "x", "delay_reason": "y"}
        for rec in records
        if rec["marking"] == OFFICIAL_SENSITIVE
    ]
    frame = actions_frame(records + extra)
    secrets = {r["secret"] for r in rows if r["sensitive"]}
    tables = [
        mask_restricted(frame),
        act.monitored(frame, SETTINGS),
        act.outstanding(frame, SETTINGS),
        act.classify(frame, AS_OF, Q1_1920, SETTINGS),
    ]
    for table in tables:
        leaks = table.map(lambda cell: any(s in str(cell) for s in secrets))
        assert not leaks.to_numpy().any()
