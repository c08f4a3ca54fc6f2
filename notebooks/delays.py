# %% [markdown]
# # Reasons for missed deadlines
#
# Why overdue actions are late: the tracker's coded category where the owner gave one,
# otherwise a category derived from the owner's words by the rules in
# `analysis/rules/delay_rules.yml` (which an analyst can extend).

# %% tags=["parameters"]
quarter = "2019-20-Q1"
data_dir = "../data"

# %%
from IPython.display import Markdown, display

from analysis import charts, paper, plots

ctx = paper.context(data_dir, quarter)
plots.use_house_style()

# %%
#| label: delays-text
display(Markdown(paper.delays_text(ctx)))

# %%
#| label: fig-delays
#| fig-cap: "Overdue actions by the reason given for the missed deadline"
plots.show(*charts.delay_reasons(ctx))

# %%
#| label: tbl-delays
#| tbl-cap: "Overdue actions by the reason for the missed deadline, and the business groups they sit in"
display(Markdown(paper.markdown_table(paper.delays_table(ctx))))

# %% [markdown]
# ## Deadlines that move
#
# From the quarterly snapshots: how often each outstanding action's deadline has been moved
# (each new revised date is one move), whether a move came only after the earlier deadline had
# passed, and how far the deadline now lies from the one first agreed (the rules are in
# `analysis/figures/deadlines.py` and docs/rules.md).

# %%
#| label: moved-text
display(Markdown(paper.moved_text(ctx)))

# %%
#| label: tbl-moved-groups
#| tbl-cap: "Outstanding actions whose deadline has been moved, by business group"
display(Markdown(paper.markdown_table(paper.moved_groups_table(ctx))))

# %%
#| label: moved-over-limit
display(Markdown(paper.moved_over_limit_markdown(ctx)))

# %%
#| label: fig-slip
#| fig-cap: "Moved actions by how far their deadline has slipped since first agreed"
plots.show(*charts.slip(ctx))

# %% [markdown]
# ## Implemented, awaiting verification
#
# An action reported Implemented is done only once internal audit has verified it
# (`verified_date`); only a tracker with that column says so.

# %%
#| label: verification
display(Markdown(paper.verification_markdown(ctx)))
