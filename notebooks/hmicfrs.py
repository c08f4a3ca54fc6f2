# %% [markdown]
# # HMICFRS inspections and recommendations
#
# The quarter's inspection activity, as the analysts wrote it in `narrative.md`, and the
# recommendations the HMICFRS Monitoring Portal still shows as open: by inspection theme,
# with sub-programmes such as NCPI, and how the list moved since the previous snapshot.
# Every number comes from `analysis` (the same computation as `figures.json`).

# %% tags=["parameters"]
quarter = "2019-20-Q1"
data_dir = "../data"

# %%
from IPython.display import Markdown, display

from analysis import paper, reconciliation_text

ctx = paper.context(data_dir, quarter)

# %% [markdown]
# ## Inspection activity this quarter

# %%
#| label: inspection-activity
display(Markdown(paper.inspection_activity(ctx)))

# %% [markdown]
# ## Open recommendations on the Monitoring Portal
#
# Only items of type *Recommendation* that are awaiting review or being progressed count as
# open; areas for improvement are counted apart.

# %%
#| label: portal-text
display(Markdown(paper.portal_text(ctx)))

# %%
#| label: tbl-portal
#| tbl-cap: "Open recommendations on the HMICFRS Monitoring Portal, by inspection theme"
display(Markdown(paper.markdown_table(paper.portal_table(ctx))))

# %% [markdown]
# ## Movement since the previous snapshot
#
# Recommendations are matched by their portal id: *opened* are open now but were not open
# before, *closed* were open before and are not now.

# %%
#| label: movement-text
display(Markdown(paper.movement_text(ctx)))

# %%
#| label: tbl-movement
#| tbl-cap: "Open recommendations by theme: movement since the previous report"
display(Markdown(paper.markdown_table(paper.movement_table(ctx))))

# %% [markdown]
# ## The portal and the force's own tracker
#
# Only when the snapshot holds the force's own tracker (`hmicfrs_tracker`): each open
# recommendation is ready to close, being worked on, or not yet owned; closed items not complete
# internally and tracker entries missing from the portal follow. Without one, the output is empty.

# %%
#| label: reconciliation
display(Markdown(reconciliation_text.reconciliation_markdown(ctx)))
