"""The deferred imports: a lazily imported module costs nothing until one of its names is used,
and then it is the module itself (a name replaced in it is seen); the CLI loads no command's
modules (nor pandas) before a command runs."""

from __future__ import annotations

import subprocess
import sys

import pytest

from analysis.engine import lazy

_DEFERRED = (
    "import sys\n"
    "from analysis.engine.lazy import lazy_import\n"
    "module = lazy_import('analysis.inputs.new_quarter')\n"
    "before = 'analysis.inputs.new_quarter' in sys.modules\n"
    "module.EXPORTS\n"
    "print(before, 'analysis.inputs.new_quarter' in sys.modules)\n"
)


def test_a_lazy_module_is_imported_when_a_name_is_first_used() -> None:
    done = subprocess.run(
        [sys.executable, "-c", _DEFERRED], capture_output=True, text=True, check=True
    )
    assert done.stdout.split() == ["False", "True"]


def test_a_lazy_module_gives_the_names_of_the_module_itself(monkeypatch) -> None:
    from analysis.inputs import new_quarter

    module = lazy.lazy_import("analysis.inputs.new_quarter")
    assert module.start_quarter is new_quarter.start_quarter
    monkeypatch.setattr(new_quarter, "EXPORTS", "replaced")
    assert module.EXPORTS == "replaced"
    assert module.load() is new_quarter


def test_a_misspelt_module_fails_at_once() -> None:
    with pytest.raises(ModuleNotFoundError, match=r"analysis\.inputs\.nowhere"):
        lazy.lazy_import("analysis.inputs.nowhere")


_CLI = (
    "import sys\n"
    "import analysis.cli\n"
    "print(sorted(m for m in ('pandas', 'papermill', 'jupyter_client', 'openpyxl', "
    "'analysis.publishing.run', 'analysis.inputs.snapshots') if m in sys.modules))\n"
)


def test_the_cli_imports_no_commands_modules_before_a_command_runs() -> None:
    done = subprocess.run([sys.executable, "-c", _CLI], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
