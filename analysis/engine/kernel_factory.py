"""Kernels forked from one process that has already imported what the notebooks use.

Each kernel of a run imports pandas, seaborn, matplotlib and ``analysis`` before its first
notebook: over half a second of CPU per kernel, paid by every kernel at once on a machine with
as many cores as kernels, and more than the papermill floor's whole kernel start-up.  The
factory pays it once: a Python process (``python -m analysis.engine.kernel_factory``)
imports ipykernel and the preload, freezes what they loaded (:func:`gc.freeze`), and then forks
one child per kernel the pool asks for.  Each child becomes an ordinary ipykernel with the
connection file, arguments, working folder and environment jupyter_client prepared for it,
exactly as ``python -m ipykernel_launcher`` would start, in a session of its own.  The
imported modules are shared copy-on-write, so the second kernel costs next to nothing.

jupyter_client still manages the kernel: :class:`ForkedProvisioner` is its own local
provisioner (connection file, ports, signals, kill and wait), except that the process is
asked of the factory instead of started with ``Popen``; :class:`ForkedProcess` stands for the
child, which is the factory's, not this process's.  Where the factory cannot be used (any
system but Linux, see :func:`forking_possible`; a kernel spec that is not
``ipykernel_launcher`` on this Python; ``PANELPAPER_FORK_KERNELS=0``; or a factory that failed),
the kernel is started the usual way.

Only the factory forks, and only before any thread or ZeroMQ context exists in it: it imports
modules and reads requests, nothing else.  Its command line names the run's kernel folder, as
the kernels' connection files do, so Ctrl-C's clean-up (:mod:`analysis.engine.interrupt`)
finds the factory and its kernels alike.
"""

from __future__ import annotations

import contextlib
import gc
import importlib.util
import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import psutil
from jupyter_client.provisioning import LocalProvisioner

ENV_SWITCH = "PANELPAPER_FORK_KERNELS"
"""Set to 0 to start every kernel with its own ``python -m ipykernel_launcher``."""

LAUNCHER = "ipykernel_launcher"


def forking_possible() -> bool:
    """Whether kernels are forked here: on Linux, unless switched off.  Windows cannot fork, and
    on macOS a process that has loaded the system's numerical libraries (Accelerate, under
    numpy) is not safe to fork, so both start each kernel the usual way."""
    return sys.platform.startswith("linux") and os.environ.get(ENV_SWITCH) != "0"


# --- this process's side -----------------------------------------------------------------------
class KernelFactory:
    """The factory process of one kernel pool, and the one conversation with it."""

    def __init__(self, kernel_dir: Path, cwd: Path, preload: str, env: dict[str, str]) -> None:
        self._lock = threading.Lock()
        self._process = subprocess.Popen(
            [sys.executable, "-m", __name__, str(kernel_dir)],
            cwd=cwd,
            env={**env, "JPY_PARENT_PID": str(os.getpid())},
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            start_new_session=True,  # like the kernels: a terminal's Ctrl-C is the run's to handle
        )
        assert self._process.stdin is not None
        # Sent at once, so the imports start while this process goes on with its own work.
        self._process.stdin.write(json.dumps({"preload": preload}) + "\n")
        self._process.stdin.flush()

    def fork(self, argv: list[str], cwd: str | None, env: dict[str, str]) -> int:
        """A new kernel process running ``ipykernel_launcher`` with ``argv``; its pid."""
        request = {"argv": argv, "cwd": cwd, "env": env}
        with self._lock:
            process = self._process
            assert process.stdin is not None and process.stdout is not None
            try:
                process.stdin.write(json.dumps(request) + "\n")
                process.stdin.flush()
                answer = process.stdout.readline()
            except (OSError, ValueError) as exc:
                raise RuntimeError(f"the kernel factory is gone: {exc}") from exc
        if not answer.strip().isdigit():
            raise RuntimeError(f"the kernel factory could not fork a kernel: {answer.strip()!r}")
        return int(answer)

    def stop(self) -> None:
        """End the factory (its kernels are the pool's to stop, and are stopped first)."""
        with contextlib.suppress(Exception):
            assert self._process.stdin is not None
            self._process.stdin.close()
        with contextlib.suppress(Exception):
            self._process.kill()
            self._process.wait(timeout=5)
        with contextlib.suppress(Exception):
            assert self._process.stdout is not None
            self._process.stdout.close()


def kernel_argv(cmd: list[str]) -> list[str] | None:
    """The arguments ``ipykernel_launcher`` gets in ``cmd`` (the kernel spec's command, as
    jupyter_client formatted it), when it runs ipykernel on this very Python; else None."""
    if LAUNCHER not in cmd or not cmd:
        return None
    with contextlib.suppress(OSError):
        if Path(cmd[0]).resolve() != Path(sys.executable).resolve():
            return None
    index = cmd.index(LAUNCHER)
    if cmd[index - 1] != "-m":
        return None
    return [LAUNCHER, *cmd[index + 1 :]]


class ForkedProcess:
    """A forked kernel as ``subprocess.Popen`` would show it to jupyter_client.

    The kernel is the factory's child, so it is watched by its pid (the factory reaps it as soon
    as it ends; until then a zombie counts as ended) and signalled as a session leader."""

    stdin = stdout = stderr = None

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.returncode: int | None = None
        try:
            # Held by its start time too, so that a later process given the same pid is
            # never taken for this kernel.
            self._process: Any = psutil.Process(pid)
        except psutil.Error:
            self._process = None

    def poll(self) -> int | None:
        if self.returncode is None and not self._running():
            self.returncode = -signal.SIGKILL
        return self.returncode

    def _running(self) -> bool:
        try:
            return (
                self._process is not None
                and self._process.is_running()
                and self._process.status() != psutil.STATUS_ZOMBIE
            )
        except psutil.Error:
            return False

    def wait(self, timeout: float | None = None) -> int:
        deadline = None if timeout is None else time.monotonic() + timeout
        while self.poll() is None:
            if deadline is not None and time.monotonic() > deadline:
                raise subprocess.TimeoutExpired(f"kernel {self.pid}", timeout or 0)
            time.sleep(0.01)
        assert self.returncode is not None
        return self.returncode

    def send_signal(self, signum: int) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.pid, signum)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)


class ForkedProvisioner(LocalProvisioner):  # type: ignore[misc]
    """jupyter_client's local provisioner, with the kernel forked by the pool's factory
    (``kernel_factory`` on the kernel manager) when there is one that can start it."""

    async def launch_kernel(self, cmd: list[str], **kwargs: Any) -> Any:
        factory: KernelFactory | None = getattr(self.parent, "kernel_factory", None)
        argv = kernel_argv(cmd) if factory is not None else None
        if factory is None or argv is None:
            return await super().launch_kernel(cmd, **kwargs)
        env = dict(kwargs.get("env") or os.environ)
        env["JPY_PARENT_PID"] = str(os.getpid())  # as jupyter_client's launcher sets it
        cwd = kwargs.get("cwd")
        try:
            pid = factory.fork(argv, str(cwd) if cwd is not None else None, env)
        except RuntimeError:
            return await super().launch_kernel(cmd, **kwargs)
        self.process = ForkedProcess(pid)
        self.pid = self.pgid = pid  # a session leader: its group is its pid
        self.cwd = cwd or Path.cwd()
        return self.connection_info


# --- the factory process -----------------------------------------------------------------------
def _reap(*_: Any) -> None:
    """Collect every child that has ended, so none lingers as a zombie."""
    with contextlib.suppress(ChildProcessError):
        while os.waitpid(-1, os.WNOHANG)[0]:
            pass


def _become_kernel(request: dict[str, Any], answer: int) -> None:
    """In the forked child: leave the factory's session, streams and signals behind and run
    ipykernel as ``python -m ipykernel_launcher`` would."""
    try:
        os.setsid()
        for signum in (signal.SIGCHLD, signal.SIGTERM):
            signal.signal(signum, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        null = os.open(os.devnull, os.O_RDWR)
        os.dup2(null, 0)
        os.dup2(2, 1)  # the factory's stdout is its answer pipe; a kernel writes to stderr
        os.close(null)
        os.close(answer)
        if request.get("cwd"):
            os.chdir(request["cwd"])
        os.environ.clear()
        os.environ.update(request["env"])
        if sys.path and sys.path[0] in ("", os.getcwd()):
            del sys.path[0]  # as ipykernel_launcher does; the kernel adds it back
        # ipykernel ends a kernel whose parent has gone: here the factory, which itself ends
        # when the run's end of its pipe closes, so no kernel outlives the run.
        sys.argv = [*request["argv"], f"--IPKernelApp.parent_handle={os.getppid()}"]
        sys.argv[0] = importlib.util.find_spec(LAUNCHER).origin or LAUNCHER  # as with -m
        from ipykernel import kernelapp  # loaded by main(): see there

        kernelapp.launch_new_instance()
    finally:
        os._exit(0)


def main() -> None:
    """Serve one pool: read the preload, then one request per line, answering with a pid."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    answer = os.dup(1)
    first = json.loads(sys.stdin.readline() or "{}")
    gc.disable()
    try:
        # Here, not at the top: the run's process imports this module for its provisioner and
        # never needs ipykernel (measured: 0.1-0.4 s), and the factory imports it with the
        # collector off and then frozen (analysis.engine.execute.WARM_UP says what that saves).
        import ipykernel.ipkernel
        import ipykernel.kernelapp  # noqa: F401

        exec(compile(first.get("preload", ""), "<preload>", "exec"), {})
    finally:
        gc.enable()
        gc.freeze()
    signal.signal(signal.SIGCHLD, _reap)
    for line in sys.stdin:
        request = json.loads(line)
        sys.stdout.flush()
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:
            _become_kernel(request, answer)
        os.write(answer, f"{pid}\n".encode())


if __name__ == "__main__":
    main()
