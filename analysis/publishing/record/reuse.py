"""Whether a quarter's publication can be kept as it is: reuse, refuse or run.

Decided before anything heavy is imported, so an unchanged rerun takes a fraction of a second
and starts no kernel.  The run hashes every input (this and all earlier snapshots, the data
folder's settings, the paper notebooks, every file of the ``analysis`` package and the Quarto
sources, see :func:`analysis.publishing.record.manifest.collect_inputs`) and compares the hashes and
the quarter parameter with the published ``manifest.json``:

- nothing changed: the publication is **reused**.  ``--renderer auto`` accepts whatever
  renderer the publication used; naming a different one counts as a change;
- only the data folder's settings changed, and the publication recorded the ones it was made
  under (:mod:`analysis.publishing.record.recorded_settings`): the publication is **reused** too, since
  it belongs to its own rules; the run says which of today's settings differ and that
  ``--force`` would republish under them;
- something else changed and no ``--force``: the run is **refused** (exit status 1), naming
  each changed file, once the snapshot has been validated (bad data is reported first, see
  :func:`analysis.publishing.run.run_quarter`).  The refusal protects a paper that may
  already have gone to the panel;
- nothing published yet, or ``--force``: the quarter is **run** (with ``--force`` the old
  publication moves to ``history/``, see :mod:`analysis.publishing.record.publish`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from analysis.publishing.record import manifest as mf
from analysis.publishing.record import recorded_settings as rs
from analysis.quarters import Quarter

REUSE, REFUSE, RUN = "reuse", "refuse", "run"


@dataclass
class Plan:
    """A quarter's inputs as hashed now, and what to do about its publication."""

    quarter: Quarter
    files: dict[str, str]
    parameters: dict[str, str]
    decision: str = RUN  # reuse, refuse, run
    changes: mf.Changes | None = None
    published: dict | None = None
    """The publication's manifest, when it has a readable one."""
    data_dir: Path | None = None
    settings_differ: list[str] | None = None
    """When reused although today's settings differ from the recorded ones: which."""

    def published_when(self) -> str:
        """When the publication being reused was finished, as its manifest says."""
        return (self.published or {}).get("volatile", {}).get("finished_utc", "an earlier run")

    def refusal(self, folder: Path) -> str:
        """Why the run stops, naming each changed input, and how to publish anew."""
        lines = self.changes.lines() if self.changes else []
        predates = ""
        if self.published is not None and not rs.is_recorded(self.published):
            predates = (
                "\n(published before a quarter's settings were recorded with it, so a settings"
                " change cannot be told apart from the rules it was made under)"
            )
        return (
            f"refused: {folder} was published from different inputs:\n"
            + "\n".join(f"  {line}" for line in lines)
            + predates
            + "\nRun again with --force to publish anew; the current publication then moves to"
            f" {folder / mf.HISTORY_DIR}/."
        )

    def settings_note(self) -> str | None:
        """The one line a reuse says when today's settings are not the quarter's."""
        if not self.settings_differ:
            return None
        return (
            f"today's settings differ from those recorded with it in "
            f"{', '.join(self.settings_differ)}; `panelpaper run {self.quarter.id} --force` "
            "would republish it under them"
        )


def plan_quarter(
    data_dir: Path,
    reports_dir: Path,
    quarter: Quarter,
    notebooks: Sequence[Path],
    *,
    renderer: str,
    force: bool,
) -> Plan:
    """Hash the quarter's inputs and decide.  Only the paper notebooks themselves are hashed
    from ``notebooks/``: their .py pairs hold the same cells, logic lives in ``analysis/``
    (hashed as code), and the exploration notebook never reaches the paper."""
    files = mf.collect_inputs(data_dir, quarter, list(notebooks))
    plan = Plan(quarter, files, {"quarter": quarter.id}, data_dir=Path(data_dir))
    decide(plan, reports_dir, renderer=renderer, force=force)
    return plan


def decide(plan: Plan, reports_dir: Path, *, renderer: str, force: bool) -> None:
    """Set ``plan.decision`` from the publication as it is now.  Called again under the
    quarter's lock: another run may have published while this one waited."""
    folder = reports_dir / plan.quarter.id
    plan.published = mf.read_manifest(folder)
    if not folder.exists():
        plan.decision, plan.changes = RUN, None
        return
    if plan.published is None:
        changes = mf.Changes(other=["the published folder has no readable manifest.json"])
    else:
        changes = mf.compare_inputs(plan.published, plan.files, plan.parameters, renderer)
    plan.changes = changes
    plan.settings_differ = None
    if not changes:
        plan.decision = REUSE
    elif not force and settings_only(changes) and rs.is_recorded(plan.published):
        plan.decision = REUSE
        recorded = rs.recorded_files(folder, plan.published or {})
        today = rs.rule_files(plan.data_dir) if plan.data_dir is not None else {}
        plan.settings_differ = rs.differences(recorded, today) or ["settings"]
    elif force:
        plan.decision = RUN
    else:
        plan.decision = REFUSE


def settings_only(changes: mf.Changes) -> bool:
    """Whether only the data folder's rule files differ from the publication's inputs."""
    names = changes.added + changes.removed + changes.changed
    return bool(names) and not changes.other and all(n.startswith(rs.INPUT_PREFIX) for n in names)
