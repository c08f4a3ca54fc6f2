# %% [markdown]
# # Trends across quarters
#
# The headline counts at every snapshot up to this quarter: open recommendations,
# outstanding actions and those overdue. Each point equals that quarter's own figures.

# %% tags=["parameters"]
quarter = "2019-20-Q1"
data_dir = "../data"

# %%
from IPython.display import Markdown, display

from analysis import charts, paper, plots

ctx = paper.context(data_dir, quarter)
plots.use_house_style()

# %%
#| label: trends-text
display(Markdown(paper.trends_text(ctx)))

# %%
#| label: fig-trends
#| fig-cap: "Open recommendations, outstanding actions and overdue actions at each quarter"
plots.show(*charts.trends(ctx))

# %% [markdown]
# The same numbers as a table, for reading off values.

# %%
#| label: tbl-trends
#| tbl-cap: "Headline counts at each quarter"
display(Markdown(paper.markdown_table(paper.trends_table(ctx))))

# %% [markdown]
# ## Deadlines moved and work awaiting verification across quarters
#
# At each quarter: outstanding actions whose deadline had been moved, those moved only after the
# deadline had passed, and implemented actions awaiting internal audit's verification (blank
# before the tracker recorded verification).

# %%
#| label: fig-deadline-trends
#| fig-cap: "Moved deadlines and actions awaiting verification at each quarter"
#| fig-alt: "Line chart with one line each for outstanding actions with a moved deadline, those moved after the deadline had passed, and implemented actions awaiting verification, across the quarters up to this report."
fig = plots.trend_lines(
    paper.deadline_trends_chart_data(ctx),
    {
        "moved": "Deadline moved",
        "moved_after_passing": "Moved after it had passed",
        "awaiting_verification": "Awaiting verification",
    },
)

# %%
#| label: tbl-deadline-trends
#| tbl-cap: "Moved deadlines and actions awaiting verification at each quarter"
display(Markdown(paper.markdown_table(paper.deadline_trends_table(ctx))))

# %% [markdown]
# ## Themes across quarters
#
# Each theme of `analysis/rules/theme_rules.yml` followed over the snapshots: outstanding
# actions, then open recommendations.

# %%
#| label: fig-theme-trends
#| fig-cap: "Outstanding actions in each theme at each quarter"
plots.show(*charts.theme_trends(ctx, "outstanding_actions"))

# %%
#| label: fig-theme-trends-recommendations
#| fig-cap: "Open recommendations in each theme at each quarter"
plots.show(*charts.theme_trends(ctx, "open_recommendations"))

# %% [markdown]
# ## Chart data
#
# The numbers behind the theme charts, for the paper's chart-data annex.

# %%
#| label: tbl-theme-trends-data
#| tbl-cap: "Data of the chart of outstanding actions in each theme at each quarter"
display(
    Markdown(
        paper.markdown_table(
            paper.category_trends_data_table(
                paper.theme_trends_chart_data(ctx, "outstanding_actions")
            )
        )
    )
)
