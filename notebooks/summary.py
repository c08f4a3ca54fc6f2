# %% [markdown]
# # The paper's framing: summary, implications, contact and annexes
#
# The parts of the paper that frame the analysis: the header, the report summary, the
# authored implications sections (from `narrative.md`, with standard wording when a quarter
# has none), contact details from `snapshot.yml`, the method annex and the data-quality
# warnings.

# %% tags=["parameters"]
quarter = "2019-20-Q1"
data_dir = "../data"

# %%
from IPython.display import Markdown, display

from analysis import paper

ctx = paper.context(data_dir, quarter)

# %%
#| label: header-block
display(Markdown(paper.header_block(ctx)))

# %%
#| label: summary-purpose
display(Markdown(paper.summary_purpose(ctx)))

# %%
#| label: summary-considerations
display(Markdown(paper.summary_considerations(ctx)))

# %%
#| label: summary-interdependencies
display(Markdown(paper.summary_interdependencies(ctx)))

# %%
#| label: tbl-themes
#| tbl-cap: "Open recommendations and outstanding actions by theme"
display(Markdown(paper.markdown_table(paper.themes_table(ctx))))

# %%
#| label: summary-recommendation
display(Markdown(paper.summary_recommendation(ctx)))

# %%
#| label: equality-text
display(Markdown(paper.authored_section(ctx, "Equality and diversity impact")))

# %%
#| label: financial-text
display(Markdown(paper.authored_section(ctx, "Financial implications")))

# %%
#| label: legal-text
display(Markdown(paper.authored_section(ctx, "Legal implications")))

# %%
#| label: risk-text
display(Markdown(paper.authored_section(ctx, "Risk implications")))

# %%
#| label: contact-text
display(Markdown(paper.contact_text(ctx)))

# %%
#| label: annex-method
display(Markdown(paper.annex_method(ctx)))

# %%
#| label: annex-warnings
display(Markdown(paper.annex_warnings(ctx)))
