"""The panel's rules (outstanding, overdue, themes, delays, attention, trends) and figures.json,
the record of every number the paper states.  Built on :mod:`analysis.inputs`; nothing here
writes a sentence.  See docs/layout.md.
"""
