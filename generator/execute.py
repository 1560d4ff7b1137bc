"""Exporter stage: run a deck's code cells once, so the offline HTML and the handout show their output.

The RISE notebook stays unexecuted (the presenter runs its cells live); the HTML,
which has no kernel, gets a copy with the outputs, and the handout prints them under
their code (read back from the cache, :func:`cached`). Outputs are cached by content:
the key covers every code cell's source, the kernel and the Python version, so a
rebuild with the same code starts no kernel at all.
"""
from __future__ import annotations

import copy
import hashlib
import json
import subprocess
import sys
from pathlib import Path

import nbformat

from .errors import BuildError
from .files import write_atomic
from .transform import Deck

KERNEL = "python3"
TIMEOUT_S = 120
SHUTDOWN = "immediate"  # nbclient's choice for the kernel once the cells have run ("graceful" asks it)
# Bump to invalidate every cached output (e.g. if what is stored changes shape).
CACHE_VERSION = 2  # 2: entries carry the sha256 of their outputs


def cache_key(sources: list[str]) -> str:
    digest = hashlib.sha256()
    digest.update(json.dumps([CACHE_VERSION, KERNEL, sys.version, sources]).encode("utf-8"))
    return digest.hexdigest()[:24]


def _run(notebook: nbformat.NotebookNode, deck: Deck) -> list[list[dict]]:
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    # Timing metadata would make every build's bytes differ. Every output is in once the last
    # cell has replied, so the kernel is then stopped (its process group killed and reaped,
    # its connection file removed) rather than asked to shut down: its own way out cost
    # 0.05-0.17 s of CPU, and now and then 3 s of waiting.
    client = NotebookClient(notebook, timeout=TIMEOUT_S, kernel_name=KERNEL, record_timing=False,
                            shutdown_kernel=SHUTDOWN, resources={"metadata": {"path": str(deck.lesson.path.parent)}})
    try:
        # The kernel's own log lines (e.g. its TCP notice) are not the build's output.
        client.execute(stderr=subprocess.DEVNULL)
    except CellExecutionError as exc:
        lines = [c.line for c in deck.cells if c.kind == "code"]
        failed = [i for i, c in enumerate(_code_cells(notebook)) if any(o.get("output_type") == "error" for o in c.outputs)]
        line = lines[failed[0]] if failed and failed[0] < len(lines) else None
        ename = getattr(exc, "ename", "error")
        evalue = getattr(exc, "evalue", "")
        raise BuildError(f"code cell failed at build time: {ename}: {evalue} (build with --no-execute to skip running it)",
                         deck.lesson.path, line) from None
    except Exception as exc:  # no kernel, kernel died, timeout: one line, not a traceback
        raise BuildError(f"could not run the code cells ({type(exc).__name__}: {exc}); build with --no-execute to skip them",
                         deck.lesson.path) from None
    return [[dict(o) for o in cell.outputs] for cell in _code_cells(notebook)]


def _code_cells(notebook: nbformat.NotebookNode) -> list[nbformat.NotebookNode]:
    return [c for c in notebook.cells if c.cell_type == "code"]


def _canonical(outputs: list) -> str:
    return json.dumps(outputs, sort_keys=True, separators=(",", ":"))


def _read_verified(path: Path, n_cells: int) -> list | None:
    """The cached outputs if the entry's digest matches its content, else None.

    A damaged entry (cut short, or edited so it still parses) is run again, and the build
    says so, as it does for a damaged figure.
    """
    try:
        entry = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError):
        entry = None
    ok = (
        isinstance(entry, dict)
        and isinstance(entry.get("outputs"), list)
        and len(entry["outputs"]) == n_cells
        and entry.get("sha256") == hashlib.sha256(_canonical(entry["outputs"]).encode("utf-8")).hexdigest()
    )
    if not ok:
        print(f"warning: {path}: damaged execution cache entry, cells run again", file=sys.stderr)
        return None
    return entry["outputs"]


def _entry(sources: list[str], cache_dir: Path) -> Path:
    return Path(cache_dir) / f"{cache_key(sources)}.json"


def cached(deck: Deck, cache_dir: Path) -> list[list[dict]] | None:
    """The code cells' outputs as a run of this very code left them in the cache, or None.

    The handout reads them here: the HTML's exporter, earlier in the same build, has run
    the cells (or found them cached), so the printout starts no kernel of its own.
    """
    sources = [c.source for c in deck.cells if c.kind == "code"]
    if not sources:
        return []
    return _read_verified(_entry(sources, cache_dir), len(sources))


def outputs(notebook: nbformat.NotebookNode, deck: Deck, cache_dir: Path) -> list[list[dict]]:
    """Every code cell's outputs, from the cache when it has them, else run once and cached."""
    cells = _code_cells(notebook)
    if not cells:
        return []
    entry = _entry([c.source for c in cells], cache_dir)
    found = _read_verified(entry, len(cells))
    if found is None:
        found = _run(copy.deepcopy(notebook), deck)
        body = _canonical(found)
        record = {"sha256": hashlib.sha256(body.encode("utf-8")).hexdigest(), "outputs": found}
        write_atomic(entry, json.dumps(record, sort_keys=True, indent=1).encode("utf-8"))
    return found


def executed(notebook: nbformat.NotebookNode, deck: Deck, cache_dir: Path) -> nbformat.NotebookNode:
    """A copy of ``notebook`` with every code cell's outputs, from the cache when it has them."""
    result = copy.deepcopy(notebook)
    cells = _code_cells(result)
    for n, (cell, cell_outputs) in enumerate(zip(cells, outputs(result, deck, cache_dir)), start=1):
        cell.outputs = [nbformat.from_dict(o) for o in cell_outputs]
        cell.execution_count = n
    return result
