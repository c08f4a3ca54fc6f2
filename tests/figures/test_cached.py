"""figures.json from the cache without pandas: the same bytes as the record built in full, and
only when the entry belongs to exactly these files, settings and code."""

from __future__ import annotations

import pickle
import subprocess
import sys
from pathlib import Path

import pytest

from analysis.engine import cache
from analysis.figures.cached import cached_record_text
from analysis.figures.record import figures_for_quarter, to_json
from analysis.quarters import Quarter

Q1, Q2 = Quarter(2019, 1), Quarter(2019, 2)


pytestmark = pytest.mark.usefixtures("own_cache")


@pytest.fixture
def two_quarters(make_snapshot) -> None:
    make_snapshot("2019-20-Q1")
    make_snapshot("2019-20-Q2", meta={"as_of": "2019-09-30"})


def test_no_record_is_read_before_one_is_built(data_dir, two_quarters):
    assert cached_record_text(data_dir, Q2) is None


def test_the_cached_record_is_the_built_record_byte_for_byte(data_dir, two_quarters):
    built = to_json(figures_for_quarter(data_dir, Q2))
    assert cached_record_text(data_dir, Q2) == built
    # Each quarter has its own record: Q1's is not built yet.
    assert cached_record_text(data_dir, Q1) is None


def test_a_changed_earlier_snapshot_retires_the_record(data_dir, two_quarters):
    to_json(figures_for_quarter(data_dir, Q2))
    narrative = data_dir / "snapshots" / "2019-20-Q1" / "narrative.md"
    narrative.write_text(narrative.read_text(encoding="utf-8") + "\nAdded.\n", encoding="utf-8")
    assert cached_record_text(data_dir, Q2) is None


def test_changed_settings_retire_the_record(data_dir, two_quarters):
    to_json(figures_for_quarter(data_dir, Q2))
    (data_dir / "settings.yml").write_text("coming_quarters: 2\n", encoding="utf-8")
    assert cached_record_text(data_dir, Q2) is None


def test_a_later_snapshot_does_not_change_an_earlier_quarters_record(data_dir, make_snapshot):
    make_snapshot("2019-20-Q1")
    built = to_json(figures_for_quarter(data_dir, Q1))
    make_snapshot("2019-20-Q2", meta={"as_of": "2019-09-30"})
    assert cached_record_text(data_dir, Q1) == built


def test_an_entry_whose_text_was_not_checked_is_not_trusted(data_dir, two_quarters):
    to_json(figures_for_quarter(data_dir, Q2))
    (entry,) = (Path(cache.cache_dir()) / "figures").glob("*.pkl")
    stored = pickle.loads(entry.read_bytes())
    stored[3]["figures"]["quarter"] = "edited"
    entry.write_bytes(pickle.dumps(stored))
    assert cached_record_text(data_dir, Q2) is None


def test_nothing_is_read_with_the_cache_off(data_dir, two_quarters, monkeypatch):
    to_json(figures_for_quarter(data_dir, Q2))
    monkeypatch.setenv(cache.ENV_OFF, "1")
    assert cached_record_text(data_dir, Q2) is None


def test_the_record_is_read_without_pandas(data_dir, two_quarters):
    built = to_json(figures_for_quarter(data_dir, Q2))
    code = (
        "import sys\n"
        "from analysis.figures.cached import cached_record_text\n"
        "from analysis.quarters import Quarter\n"
        f"text = cached_record_text({str(data_dir)!r}, Quarter(2019, 2))\n"
        "sys.stdout.write(text)\n"
        "sys.stderr.write(str(('pandas' in sys.modules, 'jsonschema' in sys.modules)))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout == built
    assert done.stderr == "(False, False)"
