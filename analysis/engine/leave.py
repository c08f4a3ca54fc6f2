"""How the ``panelpaper`` process lets go: straight out, without Python's teardown.

When a command returns, everything it wrote is closed and its kernels are stopped.  What remains
is Python's own teardown, which frees the objects of every module loaded (pandas, matplotlib,
jupyter_client, ...) one by one: measured at a fifth of a second of each run
(benchmarks/RENDERERS_RESULTS.md).  So the console script flushes the output streams and logging
and leaves with the exit status the command chose.  An exception other than an exit still ends
the usual way, with its traceback; ``python -m analysis.cli`` and tests calling the command's
``main`` keep the normal exit.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sys
from collections.abc import Callable
from typing import NoReturn


def run_then_leave(main: Callable[[], object]) -> NoReturn:
    """Call ``main`` (which ends by ``sys.exit``, or returns for success), then leave the process
    at once with its exit status."""
    try:
        main()
        status = 0
    except SystemExit as exc:
        status = exit_status(exc.code)
    logging.shutdown()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()
    os._exit(status)


def exit_status(code: object) -> int:
    """What ``sys.exit(code)`` would make the process's status (a message is printed, then 1)."""
    if code is None:
        return 0
    if isinstance(code, int):
        return code
    print(code, file=sys.stderr)
    return 1
