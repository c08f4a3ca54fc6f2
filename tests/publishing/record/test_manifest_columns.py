"""The manifest records the column map in force, and a changed map is a changed input."""

from __future__ import annotations

import yaml

from analysis.inputs.settings import load_settings
from analysis.publishing.record import manifest as mf
from analysis.quarters import Quarter

Q1 = Quarter(2019, 1)


def document(column_map):
    return mf.build_manifest(
        quarter=Q1,
        files={"settings/settings.yml": "0" * 64},
        parameters={"quarter": Q1.id},
        notebooks=[],
        renderer="pandoc",
        renderer_versions={},
        outputs={},
        volatile={},
        column_map=column_map,
    )


def test_the_map_in_force_is_recorded_with_the_inputs(data_dir) -> None:
    (data_dir / "settings.yml").write_text(
        yaml.safe_dump({"columns": {"recommendations": {"Reference": "rec_id"}}}), "utf-8"
    )
    recorded = document(load_settings(data_dir).columns)
    assert recorded["inputs"]["columns"] == {"recommendations": {"Reference": "rec_id"}}


def test_no_map_records_nothing() -> None:
    assert "columns" not in document({})["inputs"]


def test_a_changed_map_changes_the_settings_input(data_dir, make_snapshot) -> None:
    make_snapshot()
    settings = data_dir / "settings.yml"
    settings.write_text(yaml.safe_dump({"columns": {"recommendations": {"Ref": "rec_id"}}}))
    before = mf.collect_inputs(data_dir, Q1, [], paper_root=None)
    settings.write_text(yaml.safe_dump({"columns": {"recommendations": {"Ref No": "rec_id"}}}))
    after = mf.collect_inputs(data_dir, Q1, [], paper_root=None)
    assert mf.diff_hashes(before, after).changed == ["settings/settings.yml"]
