"""``panelpaper explore``: Voilà started on 127.0.0.1, its address printed, stopped cleanly by
Ctrl-C with the port free again."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from analysis.presentation import explore_server
from analysis.presentation.explore import DATA_DIR_VARIABLE

ROOT = Path(__file__).resolve().parents[2]
PANELPAPER = Path(sys.executable).with_name("panelpaper")


def test_voila_is_told_to_bind_locally_and_hide_the_code():
    command = explore_server.voila_command(8123)
    assert command[:3] == [sys.executable, "-m", "voila"]
    assert command[3].endswith("notebooks/explore.ipynb")
    assert "--port=8123" in command
    assert "--Voila.ip=127.0.0.1" in command
    assert "--strip_sources=True" in command
    assert "--no-browser" in command
    assert "--show_tracebacks=False" in command


def test_the_served_notebook_reads_the_folders_given(tmp_path):
    env = explore_server.voila_environment(tmp_path / "d", tmp_path / "r")
    assert env[DATA_DIR_VARIABLE] == str((tmp_path / "d").resolve())
    assert env[explore_server.REPORTS_DIR_VARIABLE] == str((tmp_path / "r").resolve())


def test_a_free_port_is_free_and_a_used_one_is_refused():
    port = explore_server.free_port()
    assert not explore_server.port_in_use(port)
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        used = taken.getsockname()[1]
        said: list[str] = []
        assert (
            explore_server.serve(ROOT / "data", ROOT / "reports", used, False, echo=said.append)
            == 1
        )
        assert "already in use" in said[0]


def test_a_missing_data_folder_is_refused_before_anything_starts(tmp_path):
    result = subprocess.run(
        [str(PANELPAPER), "explore", "--no-browser", "--data-dir", str(tmp_path / "none")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert "no such folder" in result.stderr


@pytest.mark.slow
def test_explore_serves_prints_its_address_and_stops_on_ctrl_c():
    port = explore_server.free_port()
    process = subprocess.Popen(
        [str(PANELPAPER), "explore", "--no-browser", "--port", str(port)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        line = ""
        deadline = time.monotonic() + 120
        while "http://" not in line and time.monotonic() < deadline:
            line = process.stdout.readline()
            assert line or process.poll() is None, "panelpaper explore ended before serving"
        assert f"http://127.0.0.1:{port}/" in line
        assert explore_server.port_in_use(port)
        started = time.monotonic()
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=30) == 0, process.stdout.read()
        assert time.monotonic() - started < 20
        assert not explore_server.port_in_use(port)
        if os.geteuid() == 0:  # the command ran as root, as it must be able to
            assert "Stopping" in process.stdout.read()
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
