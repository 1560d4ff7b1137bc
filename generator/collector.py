"""Python's cyclic garbage collector, paused around work that makes many objects at once.

The collector runs every 700 allocations and scans every object still alive in the
generations it collects. A deck build allocates hundreds of thousands of small objects
that hold no cycles (numbers, strings, notes): each collection scanned them all again
(10-20% of a 1,000-note deck's time). A figure is a web of cycles (figure and canvas,
axes and artists) that lives only until it is rendered: the collector scanned its live
objects again and again and moved them to older generations, where only a full
collection (which also scans everything matplotlib's import made) found them once they
were garbage (lesson 7's figures: collections 0.105 -> 0.055 s of CPU, and a lower peak).
"""
from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused(*, collect: bool = False) -> Iterator[bool]:
    """No cyclic collection inside; with ``collect``, one collection of the youngest
    generation at the end, which frees what the work left in cycles (everything it
    allocated stayed there). Yields whether this call paused the collector: a caller that
    had paused it keeps it paused (and gets False, so nothing is collected for it)."""
    if not gc.isenabled():
        yield False
        return
    gc.disable()
    try:
        yield True
    finally:
        gc.enable()
        if collect:
            gc.collect(0)
