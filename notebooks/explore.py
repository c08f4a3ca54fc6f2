# %% [markdown]
# # Exploring the snapshots
#
# This notebook is for looking around, not for the paper: nothing here is published, and the
# paper is built from its own notebooks by `panelpaper run`. It reads every quarter's snapshot
# in `data/snapshots/` up to the quarter in focus and shows how the open HMICFRS
# recommendations and the outstanding DARA audit actions have moved.
#
# **How to use it.** Change the values in the next cell and run the whole notebook
# (*Run > Run All Cells*). Leave a filter as `None` to see everything. A filter accepts one
# value or a list of values, in any case, such as `business_group = "professionalism"` or
# `risk = ["High", "Medium"]`. A name that matches nothing stops with a message listing the
# names that do exist.
#
# - `quarter`: the quarter in focus, in any accepted form (`"2019-20-Q1"`, `"Q1 19/20"`);
#   `None` means the latest snapshot.
# - `business_group`, `risk`, `audit`: narrow the **audit actions**. An audit is named by its
#   title; restricted audits all read `Restricted item` and can only be picked together.
# - `theme`: narrows the **HMICFRS recommendations** by the portal's inspection theme.
# - `subject`: narrows **both** the actions and the recommendations to one or more themes of
#   the taxonomy in `analysis/rules/theme_rules.yml` (what a finding is about, e.g.
#   `"Information management and data security"`).
# - `drill_down`: which actions the drill-down table lists: `"outstanding"`, `"overdue"`,
#   `"not_yet_due"` or `"due_in_coming"`.
#
# Every count uses the paper's own rules (see `docs/rules.md`), so with no filters a quarter's
# figures here equal that quarter's paper. Restricted text is hidden here just as in the paper.

# %% tags=["parameters"]
quarter = None
data_dir = "../data"
business_group = None
risk = None
theme = None
subject = None
audit = None
drill_down = "overdue"

# %%
from IPython.display import Markdown

from analysis import actions as act
from analysis import explore, plots, tables

plots.use_house_style()
tables.use_interactive_tables()
exploration = explore.load(data_dir, quarter)
Markdown(
    f"Quarter in focus: **{exploration.quarter.label}** (as at {exploration.as_of:%d %B %Y}). "
    f"Snapshots read: {', '.join(q.label for q in exploration.quarters)}."
)

# %% [markdown]
# ## Every quarter, no filters
#
# The panel's headline counts at each snapshot, before any filter: open recommendations,
# centrally monitored actions still outstanding, and how many of those were past their
# deadline on the snapshot's *as at* date. Each point is computed from that quarter's own
# snapshot, so a line moves only when the trackers did.

# %%
headline = explore.quarter_counts(
    exploration.actions, exploration.recommendations, exploration.quarters
)
figure = plots.lines_with_legend_beside(
    headline,
    {
        "open_recommendations": "Open recommendations",
        "outstanding": "Outstanding actions",
        "overdue": "Overdue actions",
    },
)

# %%
tables.interactive_table(headline, caption="Headline counts per quarter (no filters)")

# %% [markdown]
# ## With the filters applied
#
# The same counts for the rows that pass the filters in the parameters cell. Business group,
# risk and audit narrow the actions; theme narrows the recommendations. A quarter in which no
# row passes shows zero rather than disappearing.

# %%
actions = explore.filter_actions(
    exploration.actions, business_group=business_group, risk=risk, audit=audit, subject=subject
)
recommendations = explore.filter_recommendations(
    exploration.recommendations, theme=theme, subject=subject
)
filtered = explore.quarter_counts(actions, recommendations, exploration.quarters)
Markdown(
    explore.filters_text(
        business_group=business_group, risk=risk, audit=audit, theme=theme, subject=subject
    )
)

# %% [markdown]
# Outstanding actions split by where their deadline stood on each snapshot's *as at* date.
# Overdue plus not yet due always equals outstanding.

# %%
figure = plots.lines_with_legend_beside(
    filtered,
    {
        "outstanding": "Outstanding",
        "overdue": "Overdue",
        "not_yet_due": "Not yet due",
        "due_in_coming": "Due in the coming quarters",
    },
    ylabel="Actions",
)

# %% [markdown]
# Open recommendations and, counted apart as the paper counts them, open Areas for improvement.

# %%
figure = plots.lines_with_legend_beside(
    filtered,
    {
        "open_recommendations": "Open recommendations",
        "open_areas_for_improvement": "Open Areas for improvement",
    },
    ylabel="Recommendations",
)

# %% [markdown]
# ## Who holds the outstanding actions, quarter by quarter
#
# One line per business group, then per risk rating: the filtered outstanding actions at each
# snapshot. A line that climbs means actions are arriving faster than they are being closed.

# %%
figure = plots.category_lines(
    explore.by_quarter(actions, "business_group", exploration.quarters),
    ylabel="Outstanding actions",
)

# %%
figure = plots.category_lines(
    explore.by_quarter(actions, "risk", exploration.quarters), ylabel="Outstanding actions"
)

# %% [markdown]
# Overdue actions only, per business group.

# %%
figure = plots.category_lines(
    explore.by_quarter(act.overdue(actions), "business_group", exploration.quarters),
    ylabel="Overdue actions",
)

# %% [markdown]
# Open recommendations per inspection theme.

# %%
figure = plots.category_lines(
    explore.by_quarter(
        recommendations[recommendations["is_open_recommendation"]], "theme", exploration.quarters
    ),
    ylabel="Open recommendations",
)

# %% [markdown]
# ## Themes across quarters
#
# What the findings are about, followed over the snapshots: the filtered outstanding actions
# and open recommendations in each theme of the taxonomy (`analysis/rules/theme_rules.yml`).
# A theme with both is one where inspectors and auditors point at the same weakness.

# %%
figure = plots.category_lines(
    explore.by_quarter(actions, "subject", exploration.quarters), ylabel="Outstanding actions"
)

# %%
figure = plots.category_lines(
    explore.by_quarter(
        recommendations[recommendations["is_open_recommendation"]], "subject", exploration.quarters
    ),
    ylabel="Open recommendations",
)

# %% [markdown]
# ## The quarter in focus
#
# The filtered outstanding actions of the focus quarter per business group, with the part whose
# deadline has passed in the paper's warning colour.

# %%
now = explore.filter_actions(actions, quarter=exploration.quarter)
figure = plots.position_bars(explore.position_by(now, "business_group"), category="business_group")

# %% [markdown]
# How long the overdue ones have been overdue, and which audits hold the most outstanding
# actions (restricted audits are counted together under `Restricted item`). The audit table
# runs over several pages, so it has no total row: the total is the outstanding count above.

# %%
tables.interactive_table(
    tables.count_table(act.by_age_band(now), "How long overdue", value="Overdue actions"),
    caption="Overdue actions by time past the deadline",
)

# %%
tables.interactive_table(
    tables.count_table(act.by_audit(now), "Audit", None, value="Outstanding actions"),
    caption="Outstanding actions by audit",
)

# %% [markdown]
# ## Drill-down: the actions behind the numbers
#
# Every action counted above for the focus quarter that is in the `drill_down` group set in
# the parameters cell, the longest past its deadline first. Sort by any column or type in the
# search box to narrow it further; `source_row` is the row to open in the tracker.

# %%
tables.interactive_table(
    explore.action_details(now, drill_down),
    caption=f"{drill_down.replace('_', ' ').capitalize()} actions, {exploration.quarter.label}",
)

# %% [markdown]
# And the open recommendations behind the focus quarter's count, oldest report first.

# %%
tables.interactive_table(
    explore.recommendation_details(
        explore.filter_recommendations(recommendations, quarter=exploration.quarter), "open"
    ),
    caption=f"Open recommendations, {exploration.quarter.label}",
)
