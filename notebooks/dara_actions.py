# %% [markdown]
# # DARA audit actions: outstanding, deadlines and ageing
#
# The actions that meet the panel's monitoring threshold and are still open, in progress or
# on hold: where they sit, when they fall due, which have passed their deadline and by how
# long, and the audits the written rules bring to the panel's attention.

# %% tags=["parameters"]
quarter = "2019-20-Q1"
data_dir = "../data"

# %%
from IPython.display import Markdown, display

from analysis import paper, plots

ctx = paper.context(data_dir, quarter)
plots.use_house_style()

# %% [markdown]
# ## The threshold and the outstanding actions

# %%
#| label: threshold-text
display(Markdown(paper.threshold_text(ctx)))

# %%
#| label: outstanding-text
display(Markdown(paper.outstanding_text(ctx)))

# %%
#| label: tbl-risk
#| tbl-cap: "Outstanding actions meeting the threshold, by risk rating"
display(Markdown(paper.markdown_table(paper.risk_table(ctx))))

# %% [markdown]
# ## Where the outstanding actions sit
#
# Each bar is a business area; its colour is the business group it belongs to.

# %%
#| label: fig-groups
#| fig-cap: "Outstanding actions by business group and business area"
#| fig-alt: "Horizontal bar chart with one bar per business area, grouped and coloured by business group (largest group first), each labelled with its count of outstanding actions."
fig = plots.grouped_counts(
    paper.groups_chart_data(ctx),
    group="business_group",
    item="business_area",
    xlabel="Outstanding actions",
)

# %% [markdown]
# ## Deadlines by quarter
#
# Red: the deadline has passed (overdue). Blue: the deadline is still to come.

# %%
#| label: fig-deadlines
#| fig-cap: "Outstanding actions by the quarter of their deadline, passed and still to come"
#| fig-alt: "Stacked column chart of outstanding actions per deadline quarter in time order; quarters before the as-at date are red (deadline passed), later ones blue (still to come)."
fig = plots.deadline_quarters(paper.deadline_chart_data(ctx))

# %% [markdown]
# ## Due in the coming three quarters

# %%
#| label: due-coming-text
display(Markdown(paper.due_coming_text(ctx)))

# %%
#| label: tbl-due-coming
#| tbl-cap: "Actions falling due in the coming three quarters, by business group, area and audit"
display(Markdown(paper.markdown_table(paper.due_coming_table(ctx))))

# %% [markdown]
# ## Overdue actions and how long they have been overdue
#
# Age bands count whole days past the deadline at the as-at date.

# %%
#| label: overdue-text
display(Markdown(paper.overdue_text(ctx)))

# %%
#| label: tbl-overdue-groups
#| tbl-cap: "Overdue actions by business group, with the audit holding most of them"
display(Markdown(paper.markdown_table(paper.overdue_groups_table(ctx))))

# %%
#| label: fig-age-bands
#| fig-cap: "Overdue actions by time past their deadline"
#| fig-alt: "Horizontal bar chart of overdue actions in five bands of time past the deadline, from up to three months to more than two years."
fig = plots.horizontal_counts(
    paper.age_band_chart_data(ctx), category="band", xlabel="Overdue actions"
)

# %% [markdown]
# ## Key themes coming out of the audits
#
# What the outstanding actions are about: each placed in one theme by the rules in
# `analysis/rules/theme_rules.yml` (listed in the paper's method annex).

# %%
#| label: audit-themes-text
display(Markdown(paper.audit_themes_text(ctx)))

# %%
#| label: fig-audit-themes
#| fig-cap: "Outstanding actions by theme, deadline passed and still to come"
#| fig-alt: "Horizontal stacked bar chart with one bar per theme, largest first: overdue actions in red, actions not yet due in blue."
fig = plots.horizontal_counts(
    paper.audit_themes_chart_data(ctx),
    category="theme",
    hue="position",
    hue_order=["Overdue", "Not yet due"],
    colours=[plots.PASSED, plots.FUTURE],
    xlabel="Outstanding actions",
)

# %% [markdown]
# ## Audits brought to the panel's attention
#
# Chosen by the rules in `analysis/attention.py` (listed in the paper's method annex), never
# by hand.

# %%
#| label: attention-text
display(Markdown(paper.attention_text(ctx)))

# %%
#| label: tbl-attention
#| tbl-cap: "Audits brought to the Panel's attention"
display(Markdown(paper.markdown_table(paper.attention_table(ctx))))
