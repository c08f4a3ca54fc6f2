"""The sample data generator: reproducible to the byte, and the committed data is what it writes.

The seed quarter's figures are checked here straight from the files with the data contract's rules
(not through the project's loader), so a broken generator is caught even while the loader changes.
The expected numbers are the seed paper's, typed from the table in the figures spec.

The generator is the package scripts/sample_data/ (one module per thing it makes) behind the
command scripts/generate_sample_data.py; the whole of data/snapshots must be what it writes.
"""

from __future__ import annotations

import datetime as dt
import importlib
import importlib.util
import itertools
import os
import re
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import grimp
import pandas as pd
import pytest
import yaml

from analysis.quarters import Quarter

REPO = Path(__file__).resolve().parents[2]
SCRIPT = REPO / "scripts" / "generate_sample_data.py"
COMMITTED = REPO / "data" / "snapshots"
FILES = [
    "audit_actions.xlsx",
    "hmicfrs_tracker.csv",
    "narrative.md",
    "recommendations.csv",
    "snapshot.yml",
]
SEED = "2019-20-Q1"


def _load_script() -> ModuleType:
    """The command, loaded by its path as nothing else imports it (it finds its package)."""
    spec = importlib.util.spec_from_file_location("generate_sample_data", SCRIPT)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def generator() -> ModuleType:
    return _load_script()


@pytest.fixture(scope="module")
def restricted_text(generator: ModuleType) -> tuple[str, ...]:
    """The canary phrases, from the package the command loaded."""
    return importlib.import_module("sample_data.restricted").RESTRICTED_TEXT


@pytest.fixture(scope="module")
def two_runs(generator: ModuleType, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """One run in this process, one as `make sample-data` runs it: the script in a process of
    its own, pointed at another folder with ``--out``."""
    first, second = tmp_path_factory.mktemp("first"), tmp_path_factory.mktemp("second")
    generator.generate(first)
    path = os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))
    subprocess.run(
        [sys.executable, str(SCRIPT), "--out", str(second)],
        env={**os.environ, "PYTHONPATH": path},
        check=True,
        capture_output=True,
        timeout=300,
    )
    return first, second


def test_each_generator_module_imports_only_those_listed_before_it(generator: ModuleType) -> None:
    """The package's docstring lists its modules in dependency order: the list is the map a
    reader goes by, so it names every module and no module imports one listed after it."""
    package = importlib.import_module("sample_data")
    order = re.findall(r"^- ``(\w+)``", package.__doc__ or "", flags=re.M)
    graph = grimp.build_graph("sample_data", cache_dir=None)
    modules = {m.removeprefix("sample_data.") for m in graph.modules} - {"sample_data"}
    assert sorted(order) == sorted(modules)
    for place, name in enumerate(order):
        for imported in graph.find_modules_directly_imported_by(f"sample_data.{name}"):
            assert order.index(imported.removeprefix("sample_data.")) < place, (name, imported)


def _tree(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()
    }


def test_two_runs_write_the_same_bytes(two_runs: tuple[Path, Path]) -> None:
    first, second = two_runs
    a, b = _tree(first), _tree(second)
    assert a.keys() == b.keys()
    assert [name for name in a if a[name] != b[name]] == []


def test_committed_snapshots_are_exactly_what_the_script_writes(
    two_runs: tuple[Path, Path],
) -> None:
    generated, committed = _tree(two_runs[0]), _tree(COMMITTED)
    assert committed.keys() == generated.keys(), "rerun: make sample-data"
    assert [n for n in generated if generated[n] != committed[n]] == [], "rerun: make sample-data"


def test_nine_consecutive_quarters_each_with_the_contract_files() -> None:
    folders = sorted(p for p in COMMITTED.iterdir() if p.is_dir())
    quarters = [Quarter.parse(p.name) for p in folders]
    assert [q.id for q in quarters] == [p.name for p in folders]
    assert len(quarters) == 9
    assert quarters[0].id == "2018-19-Q1" and quarters[-1].id == "2020-21-Q1"
    assert all(later - earlier == 1 for earlier, later in itertools.pairwise(quarters))
    for folder in folders:
        assert sorted(p.name for p in folder.iterdir()) == FILES


@pytest.mark.parametrize("quarter", ["2018-19-Q2", SEED, "2019-20-Q3"])
def test_snapshot_yml_names_the_quarter_end_and_a_later_tuesday_panel(quarter: str) -> None:
    meta = yaml.safe_load((COMMITTED / quarter / "snapshot.yml").read_text(encoding="utf-8"))
    q = Quarter.parse(quarter)
    assert meta["as_of"] == q.last_day
    assert q.next().contains(meta["panel_date"]) and meta["panel_date"].weekday() == 1
    assert meta["panel"] == "Audit Panel" and meta["marking"] == "OFFICIAL"
    assert 1 <= len(meta["authors"]) <= 2
    assert "@example.org" in meta["contact"]


def test_the_seed_quarter_panel_sat_on_the_seed_papers_date() -> None:
    meta = yaml.safe_load((COMMITTED / SEED / "snapshot.yml").read_text(encoding="utf-8"))
    assert meta["panel_date"] == dt.date(2019, 9, 24)


def test_narratives_are_prose_with_the_contract_headings() -> None:
    texts = {}
    for folder in sorted(COMMITTED.iterdir()):
        text = (folder / "narrative.md").read_text(encoding="utf-8")
        headings = re.findall(r"^## (.+)$", text, flags=re.M)
        assert headings[:2] == ["Inspection activity", "Commentary"], folder.name
        assert set(headings) <= {
            "Inspection activity",
            "Commentary",
            "Risk implications",
            "Financial implications",
        }
        assert len(re.findall(r"^### ", text, flags=re.M)) >= 3, folder.name
        assert not re.search(r"\d", text), f"{folder.name}: a figure in the narrative"
        texts[folder.name] = text
    assert len(set(texts.values())) == len(texts)


# --- the seed quarter through the contract's rules ------------------------------------------


def _norm(column: pd.Series) -> pd.Series:
    return column.astype("string").str.strip().str.lower()


@pytest.fixture(scope="module")
def seed_recs() -> pd.DataFrame:
    recs = pd.read_csv(COMMITTED / SEED / "recommendations.csv", dtype=str, keep_default_na=False)
    is_open = (_norm(recs["type"]) == "recommendation") & _norm(recs["status"]).isin(
        ["awaiting review", "being progressed"]
    )
    return recs.assign(open=is_open)


@pytest.fixture(scope="module")
def seed_actions() -> pd.DataFrame:
    actions = pd.read_excel(
        COMMITTED / SEED / "audit_actions.xlsx", sheet_name="Actions", engine="openpyxl"
    )
    risk, assurance = _norm(actions["risk"]), _norm(actions["assurance"])
    monitored = (risk == "high") | ((risk == "medium") & assurance.isin(["limited", "no"]))
    outstanding = monitored & _norm(actions["status"]).isin(["open", "in progress", "on hold"])
    overdue = outstanding & (actions["due_date"] <= pd.Timestamp("2019-06-30"))
    return actions.assign(outstanding=outstanding, overdue=overdue)


def test_seed_open_recommendations_by_theme_and_programme(seed_recs: pd.DataFrame) -> None:
    open_recs = seed_recs[seed_recs["open"]]
    assert len(open_recs) == 88
    assert open_recs["theme"].value_counts().to_dict() == {
        "Vulnerability": 53,
        "PEEL": 15,
        "Stop & Search": 1,
        "Information management": 1,
        "Undercover Policing": 17,
        "Fraud": 1,
    }
    with_programme = open_recs[open_recs["programme"] != ""]
    assert with_programme[["theme", "programme"]].value_counts().to_dict() == {
        ("Vulnerability", "NCPI"): 21
    }


def test_seed_recommendations_hold_what_the_count_leaves_out(seed_recs: pd.DataFrame) -> None:
    types = _norm(seed_recs["type"])
    statuses = _norm(seed_recs["status"])
    still_open = statuses.isin(["awaiting review", "being progressed"])
    afi = types == "area for improvement"
    assert afi.any() and not (afi & still_open).any()
    assert ((types == "recommendation") & ~still_open).any()


def test_seed_outstanding_actions(seed_actions: pd.DataFrame) -> None:
    outstanding = seed_actions[seed_actions["outstanding"]]
    assert outstanding["risk"].value_counts().to_dict() == {"High": 53, "Medium": 42}
    assert seed_actions["overdue"].sum() == 59
    overdue_deadlines = seed_actions.loc[seed_actions["overdue"], "due_date"]
    assert overdue_deadlines.min() >= pd.Timestamp("2015-10-01")  # Q3 15/16
    assert overdue_deadlines.max() <= pd.Timestamp("2019-03-31")  # Q4 18/19
    not_yet_due = outstanding[~outstanding["overdue"]]
    assert len(not_yet_due) == 36
    assert not_yet_due["due_date"].min() >= pd.Timestamp("2019-07-01")
    assert not_yet_due["due_date"].max() <= pd.Timestamp("2020-03-31")  # three quarters on
    public_order = not_yet_due[
        (not_yet_due["business_group"] == "Met Operations")
        & (not_yet_due["business_area"] == "Public Order")
    ]
    assert public_order["audit_title"].value_counts().to_dict() == {
        "Business Continuity and Return to Normality Arrangements": 24,
        "Deployment and Cost Recovery": 3,
    }


def test_seed_overdue_sits_mainly_with_the_external_training_audit(
    seed_actions: pd.DataFrame,
) -> None:
    overdue = seed_actions[seed_actions["overdue"]]
    groups = overdue["business_group"].value_counts()
    assert groups.index[0] == "Professionalism" and groups.iloc[0] > groups.iloc[1]
    audits = overdue["audit_title"].value_counts()
    assert audits.index[0] == (
        "External Training and Development \u2013 Implementation of Framework for Use of "
        "External Providers and Value for Money"
    )
    assert audits.iloc[0] > audits.iloc[1]


def test_seed_audits_the_paper_names(seed_actions: pd.DataFrame) -> None:
    outstanding = seed_actions[seed_actions["outstanding"]]

    def audit(title: str) -> pd.DataFrame:
        return outstanding[outstanding["audit_title"] == title]

    inclusion = audit("Inclusion and Diversity Strategy")
    assert len(inclusion) and set(inclusion["status"]) == {"On hold"}
    assert inclusion["delay_reason"].str.contains("Professionalism").all()

    sscl = audit("Contract/Client Relationship Management Framework \u2013 SSCL Contract")
    assert sscl["risk"].tolist() == ["Medium"] * 4
    assert set(sscl["audit_year"]) == {"2016/17"} and set(sscl["assurance"]) == {"Limited"}
    assert set(sscl["due_date"].dt.strftime("%Y-%m")) == {"2017-10"}

    end_user = audit("Management of End User Systems")
    assert end_user["risk"].value_counts().to_dict() == {"High": 2, "Medium": 2}
    assert set(end_user["audit_year"]) == {"2017/18"} and set(end_user["assurance"]) == {"Limited"}
    assert set(end_user["due_date"].dt.strftime("%Y-%m")) == {"2018-02"}


def test_seed_tracker_holds_what_the_threshold_leaves_out(seed_actions: pd.DataFrame) -> None:
    open_status = _norm(seed_actions["status"]).isin(["open", "in progress", "on hold"])
    low = seed_actions["risk"] == "Low"
    assert (open_status & low & (seed_actions["due_date"] <= pd.Timestamp("2019-06-30"))).any()
    medium_good_audit = (seed_actions["risk"] == "Medium") & seed_actions["assurance"].isin(
        ["Adequate", "Substantial"]
    )
    assert (open_status & medium_good_audit).any()
    assert {"Implemented", "Closed", "Not adopted"} <= set(seed_actions["status"])


# --- restricted rows -------------------------------------------------------------------------


def test_restricted_text_appears_only_on_sensitive_rows(restricted_text: tuple[str, ...]) -> None:
    """Each restricted phrase is a canary: a later leak check looks for it in the outputs."""
    seen = set()
    for folder in sorted(COMMITTED.iterdir()):
        recs = pd.read_csv(folder / "recommendations.csv", dtype=str, keep_default_na=False)
        actions = pd.read_excel(
            folder / "audit_actions.xlsx", sheet_name="Actions", dtype=str, engine="openpyxl"
        ).fillna("")
        narrative = (folder / "narrative.md").read_text(encoding="utf-8")
        own = pd.read_csv(folder / "hmicfrs_tracker.csv", dtype=str, keep_default_na=False)
        for frame in (recs, actions, own):
            sensitive = frame["marking"] == "OFFICIAL-SENSITIVE"
            for phrase in restricted_text:
                hits = frame.apply(lambda row, p=phrase: p in " ".join(row), axis=1)
                assert not (hits & ~sensitive).any(), (folder.name, phrase)
                if hits.any():
                    seen.add(phrase)
        for phrase in restricted_text:
            assert phrase not in narrative
    assert seen == set(restricted_text)


def test_seed_quarter_carries_a_few_sensitive_rows() -> None:
    recs = pd.read_csv(COMMITTED / SEED / "recommendations.csv", dtype=str, keep_default_na=False)
    actions = pd.read_excel(
        COMMITTED / SEED / "audit_actions.xlsx", sheet_name="Actions", engine="openpyxl"
    )
    sensitive = (recs["marking"] == "OFFICIAL-SENSITIVE").sum() + (
        actions["marking"] == "OFFICIAL-SENSITIVE"
    ).sum()
    assert 2 <= sensitive <= 3


def test_own_trackers_mostly_agree_with_the_portal_and_spare_the_seed() -> None:
    """The own tracker disagrees with the portal for some recommendations only, and the seed
    quarter's own tracker names no id the portal lacks (its warnings are the seed paper's)."""
    for folder in sorted(COMMITTED.iterdir()):
        recs = pd.read_csv(folder / "recommendations.csv", dtype=str, keep_default_na=False)
        own = pd.read_csv(folder / "hmicfrs_tracker.csv", dtype=str, keep_default_na=False)
        unknown = set(own["rec_id"]) - set(recs["rec_id"])
        assert len(unknown) == (0 if folder.name == SEED else 1), folder.name
        merged = recs.merge(own, on="rec_id")
        closed = merged["status"].str.lower().isin(["complete", "no further action needed"])
        agree = closed == merged["internal_status"].eq("Complete")
        assert 0.7 < agree.mean() < 1.0, folder.name


# --- action texts and coded themes ------------------------------------------------------------


def _tracker(quarter: str) -> pd.DataFrame:
    return pd.read_excel(
        COMMITTED / quarter / "audit_actions.xlsx",
        sheet_name="Actions",
        dtype=str,
        engine="openpyxl",
    )


def test_every_quarter_has_varied_action_texts_some_blank() -> None:
    for folder in sorted(COMMITTED.iterdir()):
        texts = _tracker(folder.name)["action"]
        assert texts.isna().any(), folder.name
        filled = texts.dropna()
        assert filled.nunique() > 30, folder.name
        assert filled.str.len().max() > 200 and filled.str.len().min() < 30, folder.name
        # Abbreviations as owners type them.
        assert filled.str.contains("mgmt|mthly|&|w/", regex=True).any(), folder.name


def test_an_action_keeps_its_text_from_quarter_to_quarter() -> None:
    first = _tracker("2018-19-Q4").set_index("action_id")["action"]
    later = _tracker("2020-21-Q1").set_index("action_id")["action"]
    shared = first.index.intersection(later.index)
    assert len(shared) > 100
    assert first[shared].fillna("").equals(later[shared].fillna(""))


def test_coded_themes_appear_from_the_seed_quarter_on_typed_by_hand() -> None:
    for folder in sorted(COMMITTED.iterdir()):
        coded = _tracker(folder.name)["theme"].dropna()
        if Quarter.parse(folder.name) < Quarter.parse(SEED):
            assert coded.empty, folder.name
        else:
            assert len(coded) > 5, folder.name
    seed = set(_tracker(SEED)["theme"].dropna())
    assert "FINANCE" in seed or "Workforce,  training and wellbeing" in seed
