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

from analysis import charts, paper, plots

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
# Each bar is a business area, under the heading of the business group it belongs to (in that
# group's colour). The chart's alt text and the table in the paper's chart-data annex give the
# same numbers in words.

# %%
#| label: fig-groups
#| fig-cap: "Outstanding actions by business group and business area"
plots.show(*charts.groups(ctx))

# %% [markdown]
# ## Deadlines by quarter
#
# Orange, solid: the deadline has passed (overdue). Blue, hatched: the deadline is still to come.

# %%
#| label: fig-deadlines
#| fig-cap: "Outstanding actions by the quarter of their deadline, passed and still to come"
plots.show(*charts.deadlines(ctx))

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
plots.show(*charts.age_bands(ctx))

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
plots.show(*charts.audit_themes(ctx))

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

# %% [markdown]
# ## Chart data
#
# The numbers behind the charts above that no other table gives, for the paper's chart-data
# annex: a reader who cannot see a chart, or wants to reuse its numbers, reads them here.

# %%
#| label: tbl-groups-data
#| tbl-cap: "Data of the chart of outstanding actions by business group and business area"
display(Markdown(paper.markdown_table(paper.groups_data_table(paper.groups_chart_data(ctx)))))

# %%
#| label: tbl-deadlines-data
#| tbl-cap: "Data of the chart of outstanding actions by the quarter of their deadline"
display(Markdown(paper.markdown_table(paper.deadlines_data_table(paper.deadline_chart_data(ctx)))))

# %%
#| label: tbl-age-bands-data
#| tbl-cap: "Data of the chart of overdue actions by time past their deadline"
display(Markdown(paper.markdown_table(paper.age_bands_data_table(paper.age_band_chart_data(ctx)))))
