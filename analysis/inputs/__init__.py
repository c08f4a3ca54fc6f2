"""Reading a quarter's snapshot and the panel's settings, checked against the data contract.

Everything here works on files and gives back canonical frames, settings and findings (file,
row, column, value); nothing here knows what the panel counts.  See docs/layout.md.
"""
