"""Run one build stage in a forked child process, so the memory it takes leaves with it.

Issue 13 (peak memory): matplotlib (drawing the figures), nbconvert with its kernel
client (the offline HTML) and genanki each add to a process, and a Python process never
gives imported modules back. Run in one process, a build held all of them at once
(typst, for the printouts, now runs in a fresh interpreter: printing/typeset.py). Each of those stages runs here instead: the build's
process forks, the child does the stage and sends its result back through a pipe
(pickled), then exits. The stages run one after another, never side by side, and the
parent stays small (it imports none of those libraries), so the machine's real peak
is the parent plus one stage, not the sum of the stages. Forking copies nothing up
front: the child starts with the parent's modules already imported, so the only
extra CPU is the pickling of the result (milliseconds).

What a child prints (warnings) is replayed by the parent on its own stdout and
stderr, in order; the fault points it passes (``faults.observer``) are replayed too.
An exception in the child is raised again in the parent, with the child's traceback
attached as a note (the crash file shows where it happened). A child killed by a
signal (SIGKILL, the OOM killer) takes the build down the same way, as if the stage
had run in-process; Ctrl-C reaches the whole process group, and the parent reaps the
child before it unwinds.

A stage runs in-process instead when its libraries (``loads``) are already imported
here: forking would save no memory, and a library that has started threads of its own
here (typst's thread pool) can deadlock in a forked child that uses it. It also runs
in-process when Python threads are running (a lock one holds would stay locked in
the child) or when the variable ``SEQVISION_IN_PROCESS=1`` is set (for profiling the
whole build with cProfile in one process). ``python build.py`` imports none of them
in its own process, so there every such stage runs apart.

:func:`alongside` uses the same child for another end: two halves of one piece of work
(a large practice deck's notes) side by side on two cores, the child's half coming back
through the pipe while this process does the other.
"""
from __future__ import annotations

import contextlib
import gc
import io
import os
import pickle
import signal
import sys
import threading
import traceback
from collections.abc import Callable
from typing import Generic, TypeVar

from . import faults

T = TypeVar("T")
A = TypeVar("A")
B = TypeVar("B")
IN_PROCESS = "SEQVISION_IN_PROCESS"


def enabled() -> bool:
    return hasattr(os, "fork") and not os.environ.get(IN_PROCESS) and threading.active_count() == 1


def isolated(stage: Callable[[], T], loads: tuple[str, ...] = ()) -> T:
    """``stage()``, run in a forked child when :func:`enabled` and not every module named
    in ``loads`` (the libraries the stage imports) is imported here already; else here."""
    if not enabled() or (loads and all(name in sys.modules for name in loads)):
        return stage()
    return _Child(stage).join()


def alongside(here: Callable[[], A], there: Callable[[], B]) -> tuple[A, B]:
    """``(here(), there())``, with ``there`` run in a forked child while ``here`` runs in
    this process (two cores, half the wall time for two halves of one job); one after
    the other here when forking is not :func:`enabled`.

    The child is a stage as :func:`isolated` runs one: what it prints is replayed after
    ``here`` has run (the order of a run in one process), its exception is raised here,
    a signal that kills it kills this process. An exception in ``here`` (Ctrl-C
    included) wins, as it would in one process: the child is killed and reaped first.
    """
    if not enabled():
        return here(), there()
    child = _Child(there)
    try:
        mine = here()
    except BaseException:
        child.kill()
        raise
    return mine, child.join()


class _Child(Generic[T]):
    """``stage`` running in a forked child; :meth:`join` waits for its result."""

    def __init__(self, stage: Callable[[], T]) -> None:
        sys.stdout.flush()
        sys.stderr.flush()
        read_end, write_end = os.pipe()
        parent = os.getpid()
        # The parent's objects out of the collector's sight while the child runs: a collection
        # in the child would otherwise write to every page of them (copy-on-write: CPU time).
        gc.freeze()
        # Ctrl-C held back until this process knows its child's pid: a KeyboardInterrupt
        # raised between the fork and that would leave the child running, never reaped.
        mask = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
        try:
            pid = os.fork()
        except BaseException:
            signal.pthread_sigmask(signal.SIG_SETMASK, mask)
            raise
        finally:
            if os.getpid() == parent:
                gc.unfreeze()
        if pid == 0:  # the child: never returns into the caller's stack
            os.close(read_end)
            try:
                _child(stage, write_end, mask)
            finally:
                os._exit(0)
        os.close(write_end)
        self.pid = pid
        self.read_end: int | None = read_end
        try:
            signal.pthread_sigmask(signal.SIG_SETMASK, mask)  # a Ctrl-C held back is raised here
        except BaseException:
            self.kill()
            raise

    def kill(self) -> None:
        """End the child and reap it: it must not outlive the caller."""
        if self.read_end is not None:
            os.close(self.read_end)
            self.read_end = None
        with contextlib.suppress(OSError):
            os.kill(self.pid, signal.SIGKILL)
            os.waitpid(self.pid, 0)

    def join(self) -> T:
        assert self.read_end is not None, "joined twice"
        pipe, self.read_end = os.fdopen(self.read_end, "rb"), None
        try:
            with pipe:
                payload = pipe.read()
            _, status = os.waitpid(self.pid, 0)
        except BaseException:  # Ctrl-C or an error while the child works
            self.kill()
            raise
        if os.WIFSIGNALED(status):
            # The stage was killed (a fault point's SIGKILL, the OOM killer): so is the build.
            os.kill(os.getpid(), os.WTERMSIG(status))
        if not payload:
            raise RuntimeError(f"a build stage ended without a result (exit status {os.waitstatus_to_exitcode(status)})")
        ok, value, out, err, points, where = pickle.loads(payload)
        sys.stdout.write(out)
        sys.stderr.write(err)
        if faults.observer is not None:
            for point in points:
                faults.observer(point)
        if not ok:
            if hasattr(value, "add_note"):  # Python 3.11+: the crash file then shows the child's traceback
                value.add_note(f"in a build stage's child process:\n{where}")
            raise value
        return value


def _child(stage: Callable[[], T], write_end: int, mask: set[signal.Signals]) -> None:
    out, err = io.StringIO(), io.StringIO()
    points: list[str] = []
    if faults.observer is not None:
        faults.observer = points.append  # replayed by the parent, which owns the real observer
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            signal.pthread_sigmask(signal.SIG_SETMASK, mask)  # Ctrl-C as the parent had it, sent back if it came
            result = (True, stage(), "")
    except BaseException as exc:  # KeyboardInterrupt included: the parent raises it again
        result = (False, exc, traceback.format_exc())
    try:
        payload = pickle.dumps((result[0], result[1], out.getvalue(), err.getvalue(), points, result[2]))
    except Exception as exc:  # an exception that does not pickle: its type and message do
        failure = RuntimeError(f"{type(result[1]).__name__}: {result[1]}" if not result[0] else f"unpicklable result: {exc}")
        payload = pickle.dumps((False, failure, out.getvalue(), err.getvalue(), points, result[2] or traceback.format_exc()))
    with os.fdopen(write_end, "wb") as pipe:
        pipe.write(payload)
