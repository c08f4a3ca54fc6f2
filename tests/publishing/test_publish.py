"""Publishing a staged quarter in one step, and finishing a publish a crash interrupted.

The runs that publish, quarantine and file history end to end are in test_run.py and
test_faults.py; here the recovery alone, on folders laid out as a crash leaves them.
"""

from __future__ import annotations

from analysis.publishing import publish
from analysis.publishing.progress import Reporter
from tests.publishing.test_run import Q1

QUIET = Reporter(lambda line: None)


def test_an_interrupted_publish_is_finished_by_the_next_run(reports):
    # Crash after parking the old publication and before the new one was renamed in.
    parked = reports / ".staging" / "2019-20-Q1-previous-20190101T000000Z"
    (parked / "history" / "20180101T000000Z").mkdir(parents=True)
    (parked / "figures.json").write_text("old")
    publish.recover(reports, Q1, QUIET)
    assert (reports / "2019-20-Q1" / "figures.json").read_text() == "old"
    assert (reports / "2019-20-Q1" / "history" / "20180101T000000Z").is_dir()

    # Crash after the new one was renamed in and before the old one was filed under history.
    (parked / "history" / "20180101T000000Z").mkdir(parents=True)
    (parked / "figures.json").write_text("older")
    publish.recover(reports, Q1, QUIET)
    history = reports / "2019-20-Q1" / "history"
    assert (history / "20190101T000000Z" / "figures.json").read_text() == "older"
    assert sorted(p.name for p in history.iterdir()) == [
        "20180101T000000Z",
        "20180101T000000Z-1",
        "20190101T000000Z",
    ]
    assert not parked.exists()
