"""scripts/install_quarto.sh, as .ci/run and `make quarto-dev` use it: it installs the offline
Quarto bundle into a prefix outside the clone and prints its bin folder, says plainly when
there is no bundle (exit 3) or the install failed (exit 1, with the installer's last lines),
and never writes into the repository.  A stand-in install.sh plays the bundle's installer."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "install_quarto.sh"

WORKING_INSTALLER = """#!/usr/bin/env bash
set -e
mkdir -p "$1/bin"
printf '#!/bin/sh\\necho 1.10.16\\n' > "$1/bin/quarto"
chmod +x "$1/bin/quarto"
echo "[stand-in] installed into $1" >&2
echo "$1/bin"
"""

FAILING_INSTALLER = """#!/usr/bin/env bash
echo "[stand-in] pip: could not reach PyPI" >&2
exit 1
"""


def _run(shared: Path, prefix: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "QUARTO_SHARED": str(shared), "QUARTO_PREFIX": str(prefix)}
    return subprocess.run(["bash", str(SCRIPT)], capture_output=True, text=True, env=env)


def _bundle(tmp_path: Path, installer: str) -> Path:
    shared = tmp_path / "shared" / "quarto"
    shared.mkdir(parents=True)
    (shared / "install.sh").write_text(installer)
    (shared / "install.sh").chmod(0o555)
    return shared


def test_installs_outside_the_clone_and_prints_the_bin_folder(tmp_path):
    shared = _bundle(tmp_path, WORKING_INSTALLER)
    done = _run(shared, tmp_path / "prefix")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == str(tmp_path / "prefix" / "bin")
    assert "1.10.16 ready" in done.stderr
    assert "[stand-in] installed" in (tmp_path / "prefix.log").read_text()


def test_without_a_bundle_it_says_so_and_exits_3(tmp_path):
    done = _run(tmp_path / "nowhere", tmp_path / "prefix")
    assert done.returncode == 3
    assert done.stdout == ""
    assert "no offline bundle" in done.stderr


def test_a_failed_install_exits_1_with_the_installers_last_lines(tmp_path):
    shared = _bundle(tmp_path, FAILING_INSTALLER)
    done = _run(shared, tmp_path / "prefix")
    assert done.returncode == 1
    assert done.stdout == ""
    assert "the install failed" in done.stderr
    assert "could not reach PyPI" in done.stderr


def test_ci_runs_the_quarto_tests_only_through_this_script():
    ci = (ROOT / ".ci" / "run").read_text()
    assert "scripts/install_quarto.sh" in ci
    assert ci.index("scripts/install_quarto.sh") < ci.index("make test")
