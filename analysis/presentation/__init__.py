"""The paper's sentences, tables and charts, and the analyst's exploration, written from the
figures; nothing here computes a number of its own.  See docs/layout.md.
"""
