"""The sample quarterly snapshots under ``data/snapshots``, the same bytes on every run.

The sample data stands in for a force's real trackers, so it is built the way those trackers come
about: a *world* of inspections with their recommendations and of audits with their actions, each
with a lifecycle (published or issued on a date, statuses that change, deadlines moved, work
completed).  A snapshot is that world as it stood at one quarter's ``as_of``, exported in the
data contract's files.  Building from one world is what keeps the quarters consistent with each
other: an action outstanding in one quarter is still there in the next, with its deadline moved
or a completion date.

Quarter 2019-20-Q1 is the seed paper's quarter: the plans in ``audits.PLANNED_AUDITS`` and
``recommendations.INSPECTIONS`` are written so that its figures come out exactly as the seed
paper states them.  Everything else is invented, drawn from random generators seeded by fixed
text, so that changing one audit's plan does not reshuffle every other audit.  Nothing reads the
clock.

The modules, by what they make (each imports only those above it in this list):

- ``common``: the quarters, fates, markings, business groups, random streams and calendar;
- ``restricted``: the OFFICIAL-SENSITIVE phrases, each a canary for the leak checks;
- ``audits``: the audits and their plans, and an action's tracker line on a given day;
- ``deadlines``: deadline moves and delay reasons over each action's life;
- ``actions``: every DARA action drawn from the plans (``audit_actions.xlsx``'s rows);
- ``recommendations``: the inspections, their plans and the portal's lines (``recommendations.csv``);
- ``own_tracker``: the force's own HMICFRS tracker (``hmicfrs_tracker.csv``);
- ``action_texts``: the actions' free text and hand-coded themes;
- ``snapshot_meta``: ``snapshot.yml``, with the date the panel sits;
- ``narratives``: ``narrative.md``, prose only;
- ``snapshots``: the world on one quarter's last day, with that quarter's slips;
- ``writer``: the files in the contract's formats, byte-stable;
- ``generate``: every quarter written under one folder, and the command line.

Run it as ``scripts/generate_sample_data.py`` (``make sample-data``).
"""
