"""A Jupyter kernel kept for several notebooks: started early, warmed up once, reset before each notebook.

The report command starts one per job while it checks its input (the kernel boots in
its own process meanwhile), and our papermill engine (helpers.publishing.engine) runs each
quarter's notebook in it. Reset between notebooks leaves nothing one quarter did
to change the next: an empty namespace and history, no figures, fresh rcParams,
and our modules imported afresh. A kernel that will not start says why in one line.
"""

from __future__ import annotations

import asyncio
import contextlib
import queue
import re
import sys
from pathlib import Path
from typing import Any

KERNEL_NAME = "python3"
START_TIMEOUT = 120  # seconds for a new kernel to answer, and as long again for its warm-up
_LOG = "kernel.log"  # the kernel's own stdout and stderr: the cause when it will not start

# The modules every report imports: imported once a kernel starts, to warm their third-party imports
# (pandera), and again before each later notebook, so each starts with them fresh.
_OUR_MODULES = (
    "helpers.tracking.workspace, helpers.committee.front_matter, helpers.committee.summary, "
    "helpers.committee.action_tables, helpers.committee.changes_section, helpers.committee.decision_tables, "
    "helpers.committee.status_charts, helpers.committee.workload_chart, helpers.committee.theme_charts, "
    "helpers.plans.themes, helpers.committee.parameters"
)

# Run once in each new kernel: the imports every report needs, and the matplotlib state to go
# back to before each notebook. Not seaborn: no report uses it, and its import (scipy.stats)
# would delay every command's first report by a second. What is imported is then frozen out of
# the garbage collector's passes (gc.freeze), which otherwise walk it again and again while a
# notebook runs (about a tenth of a report's time).
_WARM_UP = f"""
import gc, sys, types
import pandas, matplotlib, matplotlib.pyplot
matplotlib.pyplot.figure(); matplotlib.pyplot.close("all")  # load the inline backend and its settings
_state = types.ModuleType("_report_runner_state"); _state.rc = matplotlib.rcParams.copy()
sys.modules[_state.__name__] = _state
try:
    import {_OUR_MODULES}
except Exception:
    pass  # the notebook will show the error where it happens
del _state
gc.freeze()
"""

# Run before each notebook, so nothing an earlier one did can change this one: an empty
# namespace and history (execution counts from 1 again), no figures, the rcParams of a fresh
# kernel, and (once a notebook has run) our modules imported afresh, what the earlier notebook
# left collected, and the rest frozen again; before the first notebook the warm-up's modules
# are untouched.
_RESET = f"""
import sys, matplotlib, matplotlib.pyplot
matplotlib.pyplot.close("all")
matplotlib.rcParams.update(sys.modules["_report_runner_state"].rc)
if {{used}}:
    import gc
    gc.unfreeze()
    for _name in [m for m in sys.modules if m == "helpers" or m.startswith("helpers.")]:
        del sys.modules[_name]
    try:
        import {_OUR_MODULES}
    except Exception:
        pass
get_ipython().reset(new_session=True)
if {{used}}:
    __import__("gc").collect()
    __import__("gc").freeze()
"""


class KernelFailed(Exception):
    """The Jupyter kernel would not start; the message says why, in one line."""


def event_loop() -> asyncio.AbstractEventLoop:
    """This thread's event loop: the one nbclient (through papermill) runs its cells on."""
    from jupyter_core.utils import ensure_event_loop

    return ensure_event_loop()


class Kernel:
    """One Jupyter kernel, kept for several notebooks; its files (connection, sockets, log) live in `workdir`."""

    def __init__(self, workdir: Path, kernel_name: str = KERNEL_NAME, cwd: Path | None = None):
        self.workdir, self.kernel_name, self.cwd = Path(workdir), kernel_name, cwd or Path.cwd()
        self.km: Any = None
        self.kc: Any = None
        self.language_info: dict[str, Any] = {}
        self._warm_up: str | None = None  # msg_id of the warm-up, until its reply is read
        self._used = False  # a notebook has run since the warm-up
        self._log: Any = None

    # --- synchronous API, on this thread's event loop ---------------------------------------

    def launch(self) -> None:
        """Start the kernel process and queue its warm-up; returns at once, while the kernel boots."""
        if self.km is None:
            event_loop().run_until_complete(self._launch())

    def prepare(self, timeout: float = START_TIMEOUT) -> None:
        """Wait until the kernel is warmed up (launching it if need be), then give it a clean namespace."""
        event_loop().run_until_complete(self._prepare(timeout))

    def shutdown(self) -> None:
        """Stop the kernel process and close its channels (safe to call twice, or before a launch)."""
        event_loop().run_until_complete(self._shutdown())

    # --- the work ---------------------------------------------------------------------------

    async def _launch(self) -> None:
        from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel
        from jupyter_client.manager import AsyncKernelManager
        from jupyter_core.paths import jupyter_path

        self.workdir.mkdir(parents=True, exist_ok=True)
        # IPC sockets, not TCP: kernel and client share this machine, and ipykernel warns on
        # every start over unencrypted TCP. A socket path has at most 107 bytes: under a very
        # long TMPDIR, fall back to TCP on localhost.
        ipc = self.workdir / "ipc"
        transport = {"transport": "ipc", "ip": str(ipc)} if len(str(ipc).encode()) <= 96 else {"ip": "127.0.0.1"}
        self.km = AsyncKernelManager(
            kernel_name=self.kernel_name,
            connection_file=str(self.workdir / "kernel.json"),
            # Jupyter's kernel folders only: the default also looks in IPython's legacy folder, which
            # imports all of IPython (0.4 s) before the kernel can be launched.
            kernel_spec_manager=KernelSpecManager(kernel_dirs=jupyter_path("kernels")),
            **transport,
        )
        self._log = (self.workdir / _LOG).open("wb")
        try:
            await self.km.start_kernel(
                cwd=str(self.cwd),
                stdout=self._log,
                stderr=self._log,
                # As nbclient does: history in memory, so kernels never share (or wait on) one history file.
                extra_arguments=["--HistoryManager.hist_file=:memory:"],
            )
        except NoSuchKernel:
            await self._shutdown()
            raise KernelFailed(
                f"no Jupyter kernel named '{self.kernel_name}' is installed in this environment "
                f"({sys.executable}); `make venv` installs it"
            ) from None
        except OSError as err:
            await self._shutdown()
            raise KernelFailed(
                f"the Jupyter kernel '{self.kernel_name}' could not be launched: {err.strerror}"
            ) from None
        self.kc = self.km.client()
        # No heartbeat: its thread is not needed (a dead kernel is seen by polling its process).
        self.kc.start_channels(hb=False)
        # Sent now and queued by the channel: the kernel imports while this process does other work.
        self._warm_up = self.kc.execute(_WARM_UP, silent=True, store_history=False)

    async def _prepare(self, timeout: float) -> None:
        if self.km is not None and self._warm_up is None and not await self.km.is_alive():
            await self._shutdown()  # it died since the last notebook (that notebook has said so): start again
        if self.km is None:
            await self._launch()
        if self._warm_up is not None:
            reply = await self._reply(self._warm_up, timeout, starting=True)
            self._warm_up = None
            if reply["content"]["status"] != "ok":
                raise KernelFailed(
                    f"the Jupyter kernel '{self.kernel_name}' started but cannot import what the reports need: "
                    f"{reply['content'].get('evalue')}"
                )
            info = await self._reply(self.kc.kernel_info(), timeout, starting=True)
            self.language_info = info["content"].get("language_info", {})
        # Waits for the kernel to go idle on IOPub too, so its output channel is known to be connected.
        reply = await self.kc.execute_interactive(
            _RESET.format(used=self._used),
            silent=True,
            store_history=False,
            timeout=timeout,
            output_hook=lambda msg: None,
        )
        self._used = True
        if reply["content"]["status"] != "ok":
            raise KernelFailed(f"the Jupyter kernel could not be reset: {reply['content'].get('evalue')}")

    async def _reply(self, msg_id: str, timeout: float, starting: bool) -> dict:
        """The shell reply to `msg_id`; KernelFailed, saying why, if the kernel dies or stays silent."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            try:
                msg = await self.kc.get_shell_msg(timeout=0.5)
            except queue.Empty:
                if not await self.km.is_alive():
                    raise KernelFailed(self._why_stopped(starting)) from None
                if loop.time() > deadline:
                    raise KernelFailed(
                        f"the Jupyter kernel '{self.kernel_name}' did not answer within {timeout:.0f} s "
                        "(the machine may be too busy)"
                    ) from None
                continue
            if msg.get("parent_header", {}).get("msg_id") == msg_id:
                return msg

    def _why_stopped(self, starting: bool) -> str:
        """One line: the kernel's exit status and its last message, without Python's exception names."""
        status = None
        with contextlib.suppress(Exception):
            status = self.km.provisioner.process.poll()
        when = "while starting" if starting else "while running"
        said = _last_message(self.workdir / _LOG)
        code = f" (exit status {status})" if status is not None else ""
        command = " ".join(Path(a).name if i == 0 else a for i, a in enumerate(self.km.kernel_spec.argv[:3]))
        return f"the Jupyter kernel '{self.kernel_name}' (`{command}`) stopped {when}{code}" + (
            f": {said}" if said else ", with no message"
        )

    async def _shutdown(self) -> None:
        kc, km, self.kc, self.km, self._warm_up, self._used = self.kc, self.km, None, None, None, False
        if kc is not None:
            kc.stop_channels()
        if km is not None:
            if km.has_kernel:
                with contextlib.suppress(Exception):
                    await km.shutdown_kernel(now=True)
            with contextlib.suppress(Exception):
                await km.cleanup_resources()
        if self._log is not None:
            self._log.close()
            self._log = None


def _last_message(log: Path) -> str:
    """The last line a kernel wrote, with any "SomeError: " prefix dropped ("No module named 'x'")."""
    try:
        lines = [ln.strip() for ln in log.read_text(encoding="utf-8", errors="replace").splitlines() if ln.strip()]
    except OSError:
        return ""
    if not lines:
        return ""
    return re.sub(r"^[A-Za-z_][\w.]*(?:Error|Exception|Exit|Interrupt): ", "", lines[-1])[:300]
