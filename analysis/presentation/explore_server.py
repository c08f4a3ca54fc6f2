"""``panelpaper explore``: the exploration notebook served as a web page by Voilà.

Voilà runs ``notebooks/explore.ipynb`` in a fresh kernel for each visitor and shows only its
outputs (the controls, counts, charts and tables), never its code.  It runs here as a child
process in its own session, so that Ctrl-C in the terminal reaches this command alone, which
then stops Voilà (and with it the kernels it started) and waits for it, and the port is free
again when the command returns.

The page binds to 127.0.0.1 unless told otherwise: the exploration shows the trackers' own text,
which stays on the analyst's machine.  Voilà, unlike JupyterLab, does not refuse to run as root,
so the command works in a container too.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import webbrowser
from collections.abc import Callable
from pathlib import Path

from analysis.paths import NOTEBOOKS
from analysis.presentation.explore import DATA_DIR_VARIABLE, REPORTS_DIR_VARIABLE

NOTEBOOK = NOTEBOOKS / "explore.ipynb"
LOCALHOST = "127.0.0.1"
STARTUP_SECONDS = 120.0
STOP_SECONDS = 15.0


def free_port(host: str = LOCALHOST) -> int:
    """A port nothing listens on now (the system's choice), for when none is asked for."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((host, 0))
        return int(probe.getsockname()[1])


def port_in_use(port: int, host: str = LOCALHOST) -> bool:
    """Whether something accepts connections on ``host:port``."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.settimeout(0.5)
        return probe.connect_ex((host, port)) == 0


def url(port: int, host: str = LOCALHOST) -> str:
    return f"http://{host}:{port}/"


def voila_command(port: int, host: str = LOCALHOST, notebook: Path = NOTEBOOK) -> list[str]:
    """Voilà on ``notebook``: no browser of its own, sources stripped, tracebacks not shown
    (a failing cell says so without printing the code), on ``host:port``."""
    return [
        sys.executable,
        "-m",
        "voila",
        str(notebook),
        f"--port={port}",
        "--no-browser",
        f"--Voila.ip={host}",
        "--strip_sources=True",
        "--show_tracebacks=False",
        "--theme=light",
        f"--Voila.root_dir={notebook.parent}",
    ]


def voila_environment(data_dir: Path, reports_dir: Path) -> dict[str, str]:
    """This process's environment plus the folders the served notebook reads."""
    return {
        **os.environ,
        DATA_DIR_VARIABLE: str(data_dir.resolve()),
        REPORTS_DIR_VARIABLE: str(reports_dir.resolve()),
        "MPLBACKEND": "Agg",
    }


def _stop(process: subprocess.Popen[bytes]) -> None:
    """Stop Voilà and what it started: SIGTERM to its session (Voilà shuts its kernels down),
    then SIGKILL to whatever is left after :data:`STOP_SECONDS`."""
    if process.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(STOP_SECONDS)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def serve(
    data_dir: Path,
    reports_dir: Path,
    port: int | None = None,
    open_browser: bool = True,
    host: str = LOCALHOST,
    echo: Callable[[str], None] = print,
) -> int:
    """Serve the exploration until Ctrl-C (or SIGTERM); the exit status: 0 after a clean stop,
    1 when Voilà could not start or stopped by itself."""
    port = free_port(host) if port is None else port
    if port_in_use(port, host):
        echo(f"port {port} is already in use on {host}: choose another with --port")
        return 1
    address = url(port, host)
    process = subprocess.Popen(
        voila_command(port, host),
        env=voila_environment(data_dir, reports_dir),
        cwd=NOTEBOOK.parent,
        start_new_session=True,
        stdin=subprocess.DEVNULL,
    )

    def interrupted(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    # Both set here, not inherited: a shell starting this in the background ignores SIGINT in
    # it, and Python then never raises KeyboardInterrupt.
    previous = {sig: signal.signal(sig, interrupted) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while not port_in_use(port, host):
            if process.poll() is not None:
                echo(f"Voilà stopped before serving (exit status {process.returncode})")
                return 1
            if time.monotonic() > deadline:
                echo(f"Voilà did not start listening on {address} within {STARTUP_SECONDS:.0f} s")
                return 1
            time.sleep(0.2)
        echo(f"Exploring {data_dir} at {address}  (Ctrl-C to stop)")
        if open_browser:
            webbrowser.open(address)
        status = process.wait()
        echo(f"Voilà stopped by itself (exit status {status})")
        return 1
    except KeyboardInterrupt:
        echo("Stopping the exploration ...")
        return 0
    finally:
        _stop(process)
        for sig, handler in previous.items():
            signal.signal(sig, handler)
