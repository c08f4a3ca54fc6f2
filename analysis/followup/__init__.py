"""The follow-up with business group leads: each lead's list of actions to confirm, and their
answers read back and checked.  See docs/followup.md.
"""
