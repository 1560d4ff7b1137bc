"""Test hook: make a build fail at a named point, as a crash or a full disk would.

``SEQVISION_FAULT_AT=<point>[:<what>]`` where ``<what>`` is ``INT`` (default:
the build sends itself SIGINT, as Ctrl-C does), ``KILL`` (SIGKILL: no cleanup
runs at all) or ``ENOSPC`` / ``EROFS`` / ``EACCES`` (the write call at that
point raises that OSError). Points are named where :func:`fault` is called:

* ``imports`` (the command line is read, the pipeline not yet imported);
* ``lesson`` (a lesson source was read), ``export:<name>`` (before an exporter
  of generator/exporters runs on that lesson), ``deck`` (before the package is made);
* ``write:<n>`` (before the n-th staged file is written, from 1);
* ``commit`` (the journal is on disk, nothing moved yet);
* ``move:<n>`` (after the n-th output was moved into place);
* ``moved`` (everything moved, the journal not yet removed).

Unset, :func:`fault` does nothing. Tests in tests/test_hostile_faults.py use it.
"""
from __future__ import annotations

import errno
import os
import signal
from typing import Callable

VARIABLE = "SEQVISION_FAULT_AT"


observer: Callable[[str], None] | None = None  # tests set it to list the points a build passes


def fault(point: str) -> None:
    if observer is not None:
        observer(point)
    spec = os.environ.get(VARIABLE)
    if not spec:
        return
    # "move:3" is a point; "move:3:KILL" a point and what to do there.
    where, _, what = spec.rpartition(":")
    if not what.isupper():
        where, what = spec, "INT"
    if where != point:
        return
    if what in ("INT", "KILL"):
        os.kill(os.getpid(), signal.SIGINT if what == "INT" else signal.SIGKILL)
        return
    code = getattr(errno, what)
    raise OSError(code, os.strerror(code))
