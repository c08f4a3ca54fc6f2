"""How hard a hypothesis property of the panel's rules tries.

In the suite each property tries its own number of examples, drawn at random.  Under
``make mutation`` every property runs once for each mutant of the code it reaches (hundreds of
times), so the Makefile sets ``PANELPAPER_PROPERTY_EXAMPLES``: each property then tries at most
that many examples, derandomized (the same examples on every run, no example database), so a
mutant's verdict is the same each time it is run and the properties stay in the mutation run at
a price it can afford.
"""

from __future__ import annotations

import os
from typing import Any

from hypothesis import settings

ENV = "PANELPAPER_PROPERTY_EXAMPLES"


def examples(count: int, **options: Any) -> settings:
    """The settings for a property that tries ``count`` examples in the suite (``options`` are
    passed on to :class:`hypothesis.settings`); capped and derandomized under ``ENV``."""
    cap = os.environ.get(ENV, "").strip()
    if not cap:
        return settings(max_examples=count, deadline=None, **options)
    return settings(
        max_examples=min(count, int(cap)), deadline=None, derandomize=True, database=None, **options
    )
