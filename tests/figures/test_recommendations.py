"""Open HMICFRS recommendations, areas for improvement apart, and movement between quarters."""

from __future__ import annotations

from analysis.figures import recommendations as recs
from analysis.inputs.vocabulary import OFFICIAL_SENSITIVE, RESTRICTED_ITEM
from tests.helpers.frames import recs_frame


def test_open_means_a_recommendation_awaiting_review_or_being_progressed():
    frame = recs_frame(
        [
            {"status": "Awaiting review"},
            {"status": "Being progressed"},
            {"status": "Complete"},
            {"status": "No further action needed"},
            {"type": "Area for improvement", "status": "Being progressed"},
            {"type": "Cause of concern", "status": "Being progressed"},
        ]
    )
    assert recs.open_recommendations(frame)["rec_id"].tolist() == ["R1", "R2"]
    assert recs.open_areas_for_improvement(frame)["rec_id"].tolist() == ["R5"]


def test_open_recommendations_mask_sensitive_inspection_titles():
    frame = recs_frame([{"inspection": "Covert review", "marking": OFFICIAL_SENSITIVE}])
    assert recs.open_recommendations(frame)["inspection"].tolist() == [RESTRICTED_ITEM]


def test_open_by_theme_follows_the_portal_order_and_keeps_unknown_themes():
    frame = recs_frame(
        [
            {"theme": "Fraud"},
            {"theme": "Vulnerability"},
            {"theme": "Vulnerability"},
            {"theme": "Counter Terrorism"},
            {"theme": "PEEL", "status": "Complete"},
            {"theme": "PEEL", "type": "Area for improvement"},
        ]
    )
    assert list(recs.open_by_theme(frame).items()) == [
        ("Vulnerability", 2),
        ("Fraud", 1),
        ("Counter Terrorism", 1),
    ]


def test_open_by_programme_counts_only_open_recommendations_that_carry_one():
    frame = recs_frame(
        [
            {"theme": "Vulnerability", "programme": "NCPI"},
            {"theme": "Vulnerability", "programme": "NCPI"},
            {"theme": "Vulnerability", "programme": None},
            {"theme": "Vulnerability", "programme": "NCPI", "status": "Complete"},
            {"theme": "Vulnerability", "programme": "NCPI", "type": "Area for improvement"},
        ]
    )
    assert recs.open_by_programme(frame).to_dict() == {"NCPI": 2}


def test_movement_counts_opened_closed_vanished_reopened_and_still_open():
    previous = recs_frame(
        [
            {"rec_id": "kept", "theme": "PEEL"},
            {"rec_id": "closed", "theme": "PEEL"},
            {"rec_id": "vanished", "theme": "Fraud"},
            {"rec_id": "reopened", "theme": "PEEL", "status": "Complete"},
        ]
    )
    current = recs_frame(
        [
            {"rec_id": "kept", "theme": "PEEL"},
            {"rec_id": "closed", "theme": "PEEL", "status": "Complete"},
            {"rec_id": "reopened", "theme": "PEEL", "status": "Awaiting review"},
            {"rec_id": "new", "theme": "Vulnerability"},
            {"rec_id": "afi", "theme": "Fraud", "type": "Area for improvement"},
        ]
    )
    table = recs.movement(current, previous)
    # PEEL: reopened is opened, closed is closed, kept is still open.  Fraud: its only open
    # recommendation vanished.  Vulnerability: one new id, and a theme with nothing open before.
    assert table.loc["PEEL"].to_dict() == {
        "opened": 1,
        "closed": 1,
        "still_open": 1,
        "new_theme": False,
    }
    assert table.loc["Fraud"].to_dict() == {
        "opened": 0,
        "closed": 1,
        "still_open": 0,
        "new_theme": False,
    }
    assert table.loc["Vulnerability"].to_dict() == {
        "opened": 1,
        "closed": 0,
        "still_open": 0,
        "new_theme": True,
    }
    assert list(table.index) == ["Vulnerability", "PEEL", "Fraud"]
    # open now = open before + opened - closed (3 = 3 + 2 - 2)
    opened, closed = table["opened"].sum(), table["closed"].sum()
    assert (opened, closed) == (2, 2)
    assert len(recs.open_recommendations(current)) == 3
    assert len(recs.open_recommendations(previous)) + opened - closed == 3


def test_movement_puts_a_closed_recommendation_under_its_last_open_theme():
    previous = recs_frame([{"rec_id": "x", "theme": "PEEL"}])
    current = recs_frame([{"rec_id": "x", "theme": "Fraud", "status": "Complete"}])
    table = recs.movement(current, previous)
    assert table["closed"].to_dict() == {"PEEL": 1}


def test_movement_with_nothing_open_is_empty():
    empty = recs_frame([])
    table = recs.movement(empty, empty)
    assert table.empty
    assert list(table.columns) == ["opened", "closed", "still_open", "new_theme"]
