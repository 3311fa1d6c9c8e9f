"""Ctrl-C and SIGTERM stop a report or a backfill cleanly: one line, exit 130 or 143, no kernel or browser left
running, no temporary file left, nothing half-written, and the index lists what finished."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from conftest import PROJECT

pytestmark = pytest.mark.slow  # interrupted report runs: `make check` leaves it out, `make test` runs it

STOPPED = "interrupted: reports finished so far are kept and listed in the index"


def _wait_for(condition, proc: subprocess.Popen, seconds: float = 240) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert proc.poll() is None, f"the command ended first: {proc.communicate()[1][-2000:]}"
        assert time.monotonic() < deadline, "the run never reached the point to interrupt"
        time.sleep(0.1)


@pytest.mark.parametrize("backfill", [False, True], ids=["one-quarter", "backfill-2-jobs"])
@pytest.mark.parametrize("how, code", [("ctrl-c", 130), ("sigterm", 143)])
def test_a_stopped_run_leaves_nothing_running_nothing_half_written(tmp_path: Path, how, code, backfill):
    reports, runtime = tmp_path / "reports", tmp_path / "runtime"
    tmp = Path(tempfile.mkdtemp(prefix="stop-", dir="/tmp"))  # short: kernel and browser sockets live here
    runtime.mkdir()
    env = dict(os.environ, PEER_REVIEW_REPORTS=str(reports), TMPDIR=str(tmp), JUPYTER_RUNTIME_DIR=str(runtime))
    args = ["--all", "--jobs", "2"] if backfill else ["--quarter", "2023/24 Q4"]  # with the PDF, if Chromium is here
    # The browser keeps its profile and sockets in a short folder of its own, /tmp/prt-* (helpers.publishing.pdf).
    browser_folders_before = set(Path("/tmp").glob("prt-*"))
    browser: list[Path] = []

    def browser_started() -> bool:
        browser[:] = [
            d for d in set(Path("/tmp").glob("prt-*")) - browser_folders_before if list(d.glob("playwright*"))
        ]
        return bool(browser)

    proc = subprocess.Popen(
        [sys.executable, "-m", "helpers.publishing.report", *args],
        cwd=PROJECT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own process group, as a command typed at a terminal
    )
    try:
        if backfill:  # some quarters written, others under way in both jobs
            _wait_for(lambda: list(reports.glob("*/*/report.html")), proc)
        elif Path("/usr/bin/chromium").exists():  # the browser started while the kernel runs the notebook
            _wait_for(browser_started, proc)
            time.sleep(0.5)
        else:
            _wait_for(lambda: list(tmp.glob("peer-review-report-*/job-0/kernel/kernel.json")), proc)
            time.sleep(3)
        if how == "ctrl-c":
            os.killpg(proc.pid, signal.SIGINT)  # a terminal sends it to the whole foreground group
        else:
            proc.send_signal(signal.SIGTERM)  # to the command only, as `kill` or a scheduler does
        sent = time.monotonic()
        _, stderr = proc.communicate(timeout=60)
        stopped_in = time.monotonic() - sent
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    assert proc.returncode == code, stderr
    said = [ln for ln in stderr.splitlines() if ln.strip() and not ln.startswith("Reports:")]  # progress bar
    assert said == [STOPPED], stderr
    assert stopped_in < 20, stopped_in
    watched = (tmp_path, tmp, *browser)

    def running() -> list[list[str]]:
        return [subprocess.run(["pgrep", "-f", str(d)], capture_output=True, text=True).stdout.split() for d in watched]

    # Chromium's helper processes (zygote, renderers) end a moment after the browser they belong to; on a busy
    # machine that moment can pass half a second. A browser left running would still be there after ten.
    deadline = time.monotonic() + 10
    while any(running()) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert running() == [[] for _ in watched], "kernels or browsers still running"
    assert not [d for d in browser if d.exists()], "the browser's own folder is left behind"
    assert list(tmp.iterdir()) == [] and list(runtime.rglob("*.json")) == []
    tmp.rmdir()
    finished = sorted(p.parent.relative_to(reports).as_posix() for p in reports.glob("*/*/report.html"))
    assert list(reports.rglob(".*")) == []  # no temporary or half-written file
    for name in finished:  # each report folder whole: the page, its notebook and its summary written together
        assert {"report.ipynb", "summary.json"} <= {p.name for p in (reports / name).iterdir()}
    time.sleep(2)
    assert sorted(p.parent.relative_to(reports).as_posix() for p in reports.glob("*/*/report.html")) == finished
    index = (reports / "index.html").read_text(encoding="utf-8") if finished else ""
    assert index.count('/report.html"') == len(finished)
    for name in finished:
        assert f'href="{name}/report.html"' in index
    if backfill:
        from helpers.publishing.report import runs

        assert 0 < len(finished) < len(runs(None, True, None, reports))  # stopped part-way


def test_an_interrupt_python_could_not_raise_is_not_printed_and_is_taken_at_the_next_check():
    import gc
    import weakref

    from helpers.publishing.interrupts import STOP, Terminated, stopping_on_signals

    printed: list[object] = []
    before = sys.unraisablehook
    sys.unraisablehook = printed.append  # stands for Python's own printing of "Exception ignored in ..."

    class Held:
        pass

    try:
        with stopping_on_signals():
            held = Held()
            # A SIGTERM's interrupt raised from inside a weak reference's callback, as the signal handler does
            # when the signal lands there: Python cannot raise it, and hands it to sys.unraisablehook.
            watcher = weakref.ref(held, lambda _: STOP.handler(signal.SIGTERM, None))
            del held
            gc.collect()
            assert watcher() is None and STOP.signum == signal.SIGTERM  # the callback ran, the signal kept
            assert printed == []  # ours: not printed
            with pytest.raises(Terminated):
                STOP.raise_if_stopped()  # and not lost
        # Outside the block, another unraisable exception is printed as before.
        sys.unraisablehook(type("U", (), {"exc_value": KeyboardInterrupt()})())
        assert len(printed) == 1
    finally:
        sys.unraisablehook = before
