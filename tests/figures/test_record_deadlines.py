"""figures.json's ``deadlines`` and ``verification``: built over a history, as docs/rules.md says."""

from __future__ import annotations

from dataclasses import replace

from analysis.figures import record as fig
from analysis.inputs.settings import AttentionSettings
from analysis.inputs.vocabulary import OFFICIAL_SENSITIVE, RESTRICTED_ITEM
from tests.helpers.frames import SETTINGS, snapshot

SENSITIVE = {
    "audit_title": "Operation Nightjar",
    "business_group": "Met HQ",
    "marking": OFFICIAL_SENSITIVE,
    "owner": "DCI Secret",
}


def history(verified: bool = False):
    """Three quarters: "thrice" moved three times (the last after passing), "once" moved
    once before its deadline, "never" never moved, a restricted action moved three times."""

    def rows(revised_thrice, revised_once, revised_secret, extra=()):
        return [
            {
                "action_id": "thrice",
                "due_date": "2018-11-30",
                "revised_due_date": revised_thrice,
                "business_group": "Professionalism",
                "audit_title": "Training",
            },
            {
                "action_id": "once",
                "due_date": "2019-12-31",
                "revised_due_date": revised_once,
                "business_group": "Met Operations",
                "audit_title": "Continuity",
            },
            {"action_id": "never", "due_date": "2019-09-30", "audit_title": "Estates"},
            {
                "action_id": "secret",
                "due_date": "2018-10-31",
                "revised_due_date": revised_secret,
                **SENSITIVE,
            },
            *extra,
        ]

    q3 = snapshot("2018-19-Q3", actions=rows("2019-01-31", None, "2018-12-31"))
    q4 = snapshot("2018-19-Q4", actions=rows("2019-02-28", None, "2019-01-31"))
    implemented = [
        {
            "action_id": "done",
            "status": "Implemented",
            "completed_date": "2019-01-15",
            "audit_title": "Training",
            "business_group": "Professionalism",
            **({"verified_date": None} if verified else {}),
        },
        {
            "action_id": "checked",
            "status": "Implemented",
            "completed_date": "2019-05-15",
            **({"verified_date": "2019-06-20"} if verified else {}),
        },
    ]
    q1 = snapshot("2019-20-Q1", actions=rows("2019-05-31", "2020-03-31", "2019-08-31", implemented))
    return [q3, q4, q1]


def test_deadlines_keys_and_values():
    quarters = history()
    figures = fig.build_figures(quarters[-1], quarters, SETTINGS)
    d = figures["deadlines"]
    assert d["limit"] == 2
    assert d["moved"] == 3
    assert d["moved_more_than_limit"] == 2  # thrice and the restricted one
    # thrice: 28 Feb had passed at 31 Mar; secret: 31 Dec had passed at 31 Dec
    assert d["moved_after_passing"] == 2
    slips = sorted([182, 91, 304])  # thrice 30 Nov->31 May, once 31 Dec->31 Mar, secret
    assert d["median_slip_days"] == slips[1]
    assert d["by_business_group"] == {
        "Met HQ": {"moved": 1, "moved_more_than_limit": 1, "moved_after_passing": 1},
        "Met Operations": {"moved": 1},
        "Professionalism": {"moved": 1, "moved_more_than_limit": 1, "moved_after_passing": 1},
    }
    listed = d["moved_more_than_limit_actions"]
    assert [(a["audit"], a["moves"]) for a in listed] == [(RESTRICTED_ITEM, 3), ("Training", 3)]
    assert listed[1]["original_due_date"] == "2018-11-30"
    assert listed[1]["current_deadline"] == "2019-05-31"
    assert "Nightjar" not in str(figures) and "DCI Secret" not in str(figures)
    assert "verification" not in figures  # the tracker has no verified_date column


def test_verification_only_when_the_tracker_records_it():
    quarters = history(verified=True)
    figures = fig.build_figures(quarters[-1], quarters, SETTINGS)
    assert figures["verification"] == {
        "implemented_this_quarter": 1,
        "awaiting_verification": 1,
        "awaiting_verification_over_90_days": 1,
        "by_business_group": {"Professionalism": 1},
        "over_90_days_by_business_group": {"Professionalism": 1},
        "oldest_days_awaiting": 166,
    }


def test_optional_attention_rules_are_off_by_default_and_select_when_on():
    quarters = history(verified=True)
    default = fig.build_figures(quarters[-1], quarters, SETTINGS)
    assert all(
        "moved_more_than_limit" not in item["rules"]
        and "awaiting_verification_over_90_days" not in item["rules"]
        for item in default["attention"]
    )
    on = replace(
        SETTINGS,
        attention=AttentionSettings(
            rules=("moved_more_than_limit", "awaiting_verification_over_90_days")
        ),
    )
    figures = fig.build_figures(quarters[-1], quarters, on)
    rules = {item["audit"]: item["rules"] for item in figures["attention"]}
    assert rules == {
        "Training": ["moved_more_than_limit", "awaiting_verification_over_90_days"],
        RESTRICTED_ITEM: ["moved_more_than_limit"],
    }
    assert "moved more than twice" in figures["attention_rules"]["moved_more_than_limit"]
