# %% [markdown]
# # Exploring the snapshots
#
# This page is for looking around, not for the paper: nothing here is published, and the paper
# is built from its own notebooks by `panelpaper run`. It reads every quarter's snapshot in
# `data/snapshots/` and shows how the open HMICFRS recommendations and the outstanding DARA
# audit actions have moved up to the quarter in focus.
#
# **How to use it.** Pick a quarter, a business group, a risk, an audit, a theme or an
# inspection theme with the controls below: the counts, charts and tables redraw at once. Hover
# a point or bar to read its quarter, series and value; click a legend entry to isolate its
# series (shift-click to add another, click elsewhere to show all again); click a business
# group's bar to list only its actions in the tables at the bottom.
#
# - **Business group**, **risk**, **audit** narrow the audit actions. Restricted audits all read
#   `Restricted item` and can only be picked together.
# - **Theme** is a theme of the project's taxonomy (`analysis/rules/theme_rules.yml`: what a
#   finding is about) and narrows **both** the actions and the recommendations.
# - **Inspection theme** is the portal's own theme and narrows the recommendations only.
# - **Drill-down** says which of the focus quarter's actions the table lists.
# - **Deadlines that move**, at the foot of the page, follows the outstanding actions whose
#   deadline moved (more than the panel's limit, after it had passed) and the implemented actions
#   awaiting verification, and lists the focus quarter's actions moved more than the limit.
#
# Every count uses the paper's own rules (see `docs/rules.md`), so with no filters a quarter's
# figures here equal that quarter's paper; restricted text is hidden here just as in the paper.
# `panelpaper explore` serves this page without its code; in JupyterLab the next cell sets the
# controls' starting values (papermill sets them with the same names, see `docs/exploring.md`).

# %% tags=["parameters"]
quarter = None
data_dir = "../data"
reports_dir = "../reports"
business_group = None
risk = None
audit = None
theme = None
inspection_theme = None
drill_down = "overdue"
subject = None

# %%
from analysis.presentation import explore_app

app = explore_app.start(
    data_dir,
    quarter,
    drill_down,
    reports_dir,
    business_group=business_group,
    risk=risk,
    audit=audit,
    theme=theme,
    inspection_theme=inspection_theme,
    subject=subject,
)
app
