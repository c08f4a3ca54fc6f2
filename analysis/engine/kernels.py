"""Warm Jupyter kernels shared by the notebooks of a run.

Starting a kernel and importing pandas, seaborn and ``analysis`` into it costs a few seconds,
and a quarter runs five notebooks.  So each worker thread of a run keeps one kernel: started
when the thread first needs it, given the heavy imports once (``warm_up``), then lent to one
notebook after another.  Before each notebook the kernel's namespace, output history,
execution counter and open figures are reset, so every notebook starts as it would in a new
kernel: the same cells see the same names and number from ``In [1]``.  A notebook that fails,
times out or kills its kernel takes that kernel with it; the thread starts a fresh one for its
next notebook, so a broken state is never passed on.

papermill stays the executor: :class:`WarmEngine` is a papermill engine (papermill's own
``nbclient`` engine, given a running kernel and its client instead of creating and shutting
down new ones).

Each kernel talks over IPC sockets in the run's private ``kernel_dir`` (no TCP ports, so none
of papermill's port races between kernels starting at once), and its connection file is there
too, so an interrupted run can find and stop exactly its own kernels by command line.
"""

from __future__ import annotations

import contextlib
import functools
import os
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from queue import Empty
from typing import Any

from analysis.engine.lazy import lazy_import

# measured: jupyter_client 0.2-0.3 s and jupyter_core.utils 0.06 s (the factory imports the
# former), which a run that reuses its publication, importing this module, never starts.
jupyter_client = lazy_import("jupyter_client")
jupyter_utils = lazy_import("jupyter_core.utils")
kernel_factory = lazy_import("analysis.engine.kernel_factory")

RESET = (
    "import matplotlib.pyplot\n"
    "matplotlib.pyplot.close('all')\n"
    "get_ipython().reset(new_session=True)\n"
)
"""Run silently before each notebook: close figures, then clear the user namespace, ``In`` /
``Out`` history and execution counter (IPython's ``reset`` with a new session).  Imported
modules stay loaded, which is the point of a warm kernel."""

STARTUP_TIMEOUT = 60.0
HISTORY_IN_MEMORY = "--HistoryManager.hist_file=:memory:"
"""As nbclient does for the kernels it starts: no SQLite history file shared between kernels."""


class KernelStartError(RuntimeError):
    """A kernel could not be started or did not answer."""


@dataclass
class WarmKernel:
    """A running kernel and the client its owner thread talks to it through."""

    km: Any
    kc: Any
    name: str

    def shutdown(self) -> None:
        """Stop the kernel at once: a run's kernels hold nothing worth a graceful shutdown.

        The provisioner kills the kernel's process group and the process is reaped here, before
        jupyter_client's ``shutdown_kernel(now=True)``: left to itself, that polls the dead
        process every 0.1 s, so every run would wait a tenth of a second for nothing."""
        with contextlib.suppress(Exception):
            self.kc.stop_channels()
        provisioner = getattr(self.km, "provisioner", None)
        process = getattr(provisioner, "process", None)
        if provisioner is not None and process is not None:
            with contextlib.suppress(Exception):
                jupyter_utils.run_sync(provisioner.kill)()
                process.wait(timeout=5)
        with contextlib.suppress(Exception):
            self.km.shutdown_kernel(now=True)
        with contextlib.suppress(Exception):
            self.km.cleanup_resources()


async def _until_ready(kc: Any, timeout: float) -> None:
    """Wait until the kernel answers on its shell channel and its IOPub channel is connected.

    jupyter_client's ``wait_for_ready`` does the same, then waits until IOPub has been silent
    for 0.2 s, which every kernel start paid in full (the start's whole critical path was 0.5 s;
    see benchmarks/RENDERERS_RESULTS.md).  Nothing needs that silence: the warm-up and the
    notebooks' clients only read the replies to their own requests.  As there, a kernel_info
    reply that comes before any IOPub message means IOPub is not connected yet (its first
    messages are lost), so the request is sent again."""
    deadline = time.monotonic() + timeout
    while True:
        msg_id = kc.kernel_info()
        try:
            reply = await kc.get_shell_msg(timeout=1)
        except Empty:
            reply = None
        if reply is not None and reply["parent_header"].get("msg_id") == msg_id:
            try:
                await kc.get_iopub_msg(timeout=0.2)  # ipykernel's welcome, or kernel_info's status
            except Empty:
                pass
            else:
                major = int(reply["content"]["protocol_version"].split(".")[0])
                if major != jupyter_client.protocol_version_info[0]:  # as jupyter_client does
                    kc.session.adapt_version = major
                return
        if not await kc.is_alive():
            raise KernelStartError("the kernel died before it answered")
        if time.monotonic() > deadline:
            raise KernelStartError(f"the kernel did not answer in {timeout:.0f} s")


async def _silently(kc: Any, code: str, timeout: float) -> dict[str, Any]:
    """Run ``code`` without history or displayed output; its reply's content.

    Waits in short steps and checks the kernel between them, so that a kernel killed meanwhile
    (Ctrl-C ends a run's kernels) is noticed at once rather than after ``timeout``."""
    msg_id = kc.execute(code, silent=True, store_history=False, reply=False)
    deadline = time.monotonic() + timeout
    while True:
        try:
            reply = await kc.get_shell_msg(timeout=0.25)
        except Empty:
            if not await kc.is_alive():
                raise KernelStartError("the kernel died") from None
            if time.monotonic() > deadline:
                raise KernelStartError(f"the kernel did not answer in {timeout:.0f} s") from None
            continue
        if reply["parent_header"].get("msg_id") == msg_id:
            return reply["content"]


class KernelPool:
    """One warm kernel per worker thread that asks for one (see the module docstring).

    Thread-safe: each thread uses only its own kernel, and its asyncio loop is the one
    nbclient uses in that thread, so a client's sockets never cross threads or loops.
    """

    def __init__(
        self,
        kernel_dir: Path,
        cwd: Path,
        *,
        kernel_name: str = "python3",
        warm_up: str = "",
        preload: str = "",
        on_ready: Callable[[int, float], None] | None = None,
        env: dict[str, str] | None = None,
    ) -> None:
        self.kernel_dir = Path(kernel_dir)
        self.cwd = Path(cwd)
        self.kernel_name = kernel_name
        self.warm_up = warm_up
        self.preload = preload
        """Imports run once, in the factory the kernels are forked from (see
        :mod:`analysis.engine.kernel_factory`), before any kernel exists."""
        self._factory: Any = None
        self.on_ready = on_ready
        self.env = env
        """The kernels' whole environment (default: this process's), so a caller can change a
        kernel's settings without touching ``os.environ`` while other threads run."""
        """Told each kernel's number and how long it took to start and warm up."""
        self.started = 0
        """How many kernels this pool has started (tests and the benchmark read it)."""
        self._local = threading.local()
        self._lock = threading.Lock()
        self._live: list[WarmKernel] = []
        self._closed = False

    # --- one thread's kernel ------------------------------------------------------------------
    def _start(self) -> WarmKernel:
        with self._lock:
            if self._closed:
                raise KernelStartError("the run is ending; no new kernel is started")
            self.started += 1
            number = self.started
        began = time.perf_counter()
        name = f"k{uuid.uuid4().hex[:12]}"
        km = jupyter_client.KernelManager(
            kernel_name=self.kernel_name,
            transport="ipc",
            ip=str(self.kernel_dir / name),
            connection_file=str(self.kernel_dir / f"{name}.json"),
            client_class="jupyter_client.asynchronous.AsyncKernelClient",
        )
        self._fork_from_factory(km)
        try:
            options: dict[str, Any] = {"env": dict(self.env)} if self.env is not None else {}
            km.start_kernel(cwd=str(self.cwd), extra_arguments=[HISTORY_IN_MEMORY], **options)
            kc = km.client()
            kc.start_channels()
            kc.allow_stdin = False
            jupyter_utils.run_sync(_until_ready)(kc, STARTUP_TIMEOUT)
        except Exception as exc:
            with contextlib.suppress(Exception):
                km.shutdown_kernel(now=True)
            raise KernelStartError(f"kernel {self.kernel_name!r} did not start: {exc}") from exc
        kernel = WarmKernel(km, kc, name)
        with self._lock:
            self._live.append(kernel)
        if self.warm_up:
            # A failing warm-up is not fatal: the notebook's own import cell will then fail
            # the same way and be reported with its cell and exception.
            with contextlib.suppress(Exception):
                jupyter_utils.run_sync(_silently)(kc, self.warm_up, STARTUP_TIMEOUT)
        if self.on_ready is not None:
            self.on_ready(number, time.perf_counter() - began)
        return kernel

    def _fork_from_factory(self, km: Any) -> None:
        """Have ``km``'s kernel forked by the pool's factory, started on first need (see
        :mod:`analysis.engine.kernel_factory`); left as it is where forking is not possible."""
        if not kernel_factory.forking_possible():
            return
        with self._lock:
            if self._factory is None:
                env = dict(self.env) if self.env is not None else dict(os.environ)
                self._factory = kernel_factory.KernelFactory(
                    self.kernel_dir, self.cwd, self.preload, env
                )
        km.kernel_factory = self._factory
        km.kernel_id = str(uuid.uuid4())
        km.provisioner = kernel_factory.ForkedProvisioner(
            kernel_id=km.kernel_id, kernel_spec=km.kernel_spec, parent=km
        )

    def _discard(self, kernel: WarmKernel) -> None:
        with self._lock:
            if kernel in self._live:
                self._live.remove(kernel)
        kernel.shutdown()
        if getattr(self._local, "kernel", None) is kernel:
            self._local.kernel = None

    def _reset(self, kernel: WarmKernel) -> None:
        reply = jupyter_utils.run_sync(_silently)(kernel.kc, RESET, STARTUP_TIMEOUT)
        if reply.get("status") != "ok":
            raise KernelStartError(f"kernel reset failed: {reply.get('evalue', reply)}")

    def _thread_kernel(self) -> WarmKernel:
        kernel: WarmKernel | None = getattr(self._local, "kernel", None)
        if kernel is not None and not kernel.km.is_alive():
            self._discard(kernel)
            kernel = None
        if kernel is None:
            kernel = self._local.kernel = self._start()
        return kernel

    def start_in(self, threads: ThreadPoolExecutor, count: int) -> None:
        """Have ``count`` of the executor's threads start their kernels now, in the background,
        so that start-up and imports overlap whatever the caller does next instead of waiting
        for the first notebook.  Each task occupies its thread for the kernel's start, so the
        executor spreads them over ``count`` threads."""
        jupyter_client.load()  # whole, here, before its threads race to import it

        for _ in range(count):
            threads.submit(self._prestart)

    def _prestart(self) -> None:
        with contextlib.suppress(KernelStartError):  # the notebook will report it
            self._thread_kernel()

    @contextlib.contextmanager
    def lease(self) -> Iterator[WarmKernel]:
        """This thread's kernel, reset for a new notebook.  If the body raises, the kernel is
        discarded (its state is unknown) and the exception goes on."""
        kernel = self._thread_kernel()
        try:
            self._reset(kernel)
        except Exception:
            # A kernel that cannot be reset is replaced once; a second failure is real.
            self._discard(kernel)
            kernel = self._thread_kernel()
            try:
                self._reset(kernel)
            except Exception:
                self._discard(kernel)
                raise
        try:
            yield kernel
        except BaseException:
            self._discard(kernel)
            raise

    # --- the whole pool ------------------------------------------------------------------------
    def close(self) -> None:
        """Start no more kernels (Ctrl-C): a thread finishing its notebook must not start a
        replacement while the run is being stopped."""
        with self._lock:
            self._closed = True

    def shutdown(self) -> None:
        """Stop every kernel the pool started; call once the threads that used them are done."""
        with self._lock:
            self._closed = True
            live, self._live = self._live, []
        # Side by side: each shutdown waits for its process to exit.
        stoppers = [threading.Thread(target=kernel.shutdown) for kernel in live]
        for stopper in stoppers:
            stopper.start()
        for stopper in stoppers:
            stopper.join()
        with self._lock:
            factory, self._factory = self._factory, None
        if factory is not None:
            factory.stop()

    def __enter__(self) -> KernelPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.shutdown()


_ENGINE = "panelpaper-warm"
"""The name pyproject.toml registers :class:`WarmEngine` under, in papermill's documented
``papermill.engine`` entry-point group; papermill loads it when it is imported."""


class EngineMissing(RuntimeError):
    """papermill does not know the warm engine: the package is not installed (``make venv``)."""


def engine_name() -> str:
    """The warm engine's name, once papermill has loaded it from the entry point."""
    from papermill.engines import papermill_engines  # measured: papermill 0.6-2 s, see below

    try:
        papermill_engines.get_engine(_ENGINE)
    except Exception as exc:
        raise EngineMissing(
            f"papermill has no engine {_ENGINE!r}: install the project (`make venv`), "
            "whose pyproject.toml declares it"
        ) from exc
    return _ENGINE


@functools.cache
def _engine_class() -> type:
    return _warm_engine()


def __getattr__(name: str) -> Any:
    """``WarmEngine``, built on first use so that importing this module does not import
    papermill (the entry point names ``analysis.engine.kernels:WarmEngine``)."""
    if name == "WarmEngine":
        return _engine_class()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _warm_engine() -> type:
    # papermill (measured: 0.6-2 s, of a run that reuses its publication nothing) is imported
    # only when a notebook is executed, and the engine is a subclass of its NBClientEngine.
    from papermill.clientwrap import PapermillNotebookClient
    from papermill.engines import NBClientEngine
    from papermill.iorw import write_ipynb
    from papermill.log import logger
    from papermill.utils import remove_args

    class WarmEngine(NBClientEngine):
        """papermill's nbclient engine on a kernel that is already running.

        nbclient leaves a kernel it did not start running, and uses a client it is given; both
        stay with the pool for the next notebook.  ``failure_output``: where to write the
        notebook if execution stops with an exception."""

        @classmethod
        def execute_managed_notebook(
            cls,
            nb_man: Any,
            kernel_name: str,
            log_output: bool = False,
            stdout_file: Any = None,
            stderr_file: Any = None,
            start_timeout: float = 60,
            execution_timeout: float | None = None,
            **kwargs: Any,
        ) -> Any:
            kernel: WarmKernel = kwargs.pop("warm_kernel")
            failure_output: str | None = kwargs.pop("failure_output", None)
            kwargs = remove_args(["input_path", "timeout", "startup_timeout"], **kwargs)
            client = PapermillNotebookClient(
                nb_man,
                log=logger,
                km=kernel.km,
                timeout=execution_timeout,
                startup_timeout=start_timeout,
                kernel_name=kernel_name,
                log_output=log_output,
                stdout_file=stdout_file,
                stderr_file=stderr_file,
                **kwargs,
            )
            client.kc = kernel.kc
            try:
                return client.execute()
            except BaseException:
                # Run without papermill's save after every cell (two writes of the whole
                # notebook per cell), the notebook as far as it got is written here instead,
                # with its last cell stamped as started: where a dying kernel was.
                if failure_output:
                    with contextlib.suppress(Exception):
                        write_ipynb(nb_man.nb, failure_output)
                raise

    return WarmEngine
