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

from analysis import paper, plots

ctx = paper.context(data_dir, quarter)
plots.use_house_style()

# %%
#| label: delays-text
display(Markdown(paper.delays_text(ctx)))

# %%
#| label: fig-delays
#| fig-cap: "Overdue actions by the reason given for the missed deadline"
reasons = paper.delays_chart_data(ctx)
plots.show(
    plots.horizontal_counts(reasons, category="reason", xlabel="Overdue actions"),
    paper.counts_alt(reasons, category="reason", subject="overdue actions by reason for the delay"),
)

# %%
#| label: tbl-delays
#| tbl-cap: "Overdue actions by the reason for the missed deadline, and the business groups they sit in"
display(Markdown(paper.markdown_table(paper.delays_table(ctx))))
