"""Ctrl-C and SIGTERM while reports are made: taken at a safe point, and never cutting the clean-up short.

Ctrl-C and SIGTERM stop a run within seconds: every kernel and browser is shut down,
their temporary files removed, nothing half-written is left (each report folder is
written all or nothing), and the caller writes the index of what finished.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from helpers.publishing.kernel import event_loop


class Terminated(KeyboardInterrupt):
    """SIGTERM: stop as Ctrl-C does (the command then exits 143, not 130)."""


class _Stop:
    """Ctrl-C and SIGTERM, taken at a safe point.

    An exception raised from a signal handler can land anywhere, in the middle of a library
    sending a message to the browser or the kernel, and leave it half-done. So while the event
    loop runs (papermill's cells, the browser's printing), a signal only stops the loop: the
    work in flight stays intact for the clean-up to close, and the caller turns the loop's
    "stopped" error into the interrupt. In our own code, between steps, it is raised at once.
    """

    signum: int | None = None

    def handler(self, signum: int, frame: Any) -> None:
        if self.signum is None:
            self.signum = signum
        loop = event_loop()
        if loop.is_running():
            loop.call_soon_threadsafe(loop.stop)
        else:
            raise self.exception()

    def exception(self) -> KeyboardInterrupt:
        return Terminated() if self.signum == signal.SIGTERM else KeyboardInterrupt()

    def raise_if_stopped(self) -> None:
        """Raise the interrupt if a signal came and was lost: raised inside a callback Python cannot raise from
        (a weak reference's, a finaliser's), it was only printed as "Exception ignored"."""
        if self.signum is not None:
            raise self.exception()

    def check(self, err: BaseException) -> None:
        """Re-raise `err` as the interrupt if it is the loop stopped by a signal (or the interrupt itself)."""
        if self.signum is not None and not isinstance(err, KeyboardInterrupt):
            raise self.exception() from None


STOP = _Stop()  # one per process: the command's, and each worker's (helpers.publishing.workers)


@contextlib.contextmanager
def stopping_on_signals(signals: tuple[int, ...] = (signal.SIGINT, signal.SIGTERM)) -> Iterator[None]:
    """In this block Ctrl-C and SIGTERM stop the run at a safe point, as KeyboardInterrupt or Terminated."""
    STOP.signum = None
    before = {s: signal.signal(s, STOP.handler) for s in signals}
    hook = sys.unraisablehook
    sys.unraisablehook = lambda unraisable: _quiet_when_ours(unraisable, hook)
    try:
        yield
    finally:
        for s, handler in before.items():
            signal.signal(s, handler)
        sys.unraisablehook = hook
        STOP.signum = None


def _quiet_when_ours(unraisable: Any, hook: Any) -> None:
    """Python prints an exception raised where it cannot be raised ("Exception ignored in ..."). Ours, the
    interrupt, is not lost (STOP keeps the signal and the run stops at its next check): say nothing of it."""
    if isinstance(unraisable.exc_value, KeyboardInterrupt) and STOP.signum is not None:
        return
    hook(unraisable)


@contextlib.contextmanager
def no_more_interrupts() -> Iterator[None]:
    """While cleaning up after a stop, a second Ctrl-C or SIGTERM must not cut the clean-up short."""
    before = {s: signal.signal(s, signal.SIG_IGN) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for s, handler in before.items():
            signal.signal(s, handler)


def stop_strays(workroot: Path) -> None:
    """Kill any process still running from the run's temporary folder (a kernel or browser whose owner was
    interrupted between starting it and recording it). Linux only: elsewhere there is nothing to scan."""
    needle = str(workroot).encode()
    for entry in Path("/proc").glob("[0-9]*") if Path("/proc").is_dir() else []:
        with contextlib.suppress(OSError, ValueError):
            if int(entry.name) != os.getpid() and needle in (entry / "cmdline").read_bytes():
                os.kill(int(entry.name), signal.SIGKILL)
