"""Typst source to PDF bytes, cached by content.

The key covers the typst version, the main source, every file it may read and
the timestamp, so a rebuild in which none of them changed reads the PDF back
instead of typesetting again. Only typst's embedded fonts are used (system fonts
ignored): the same input gives the same bytes on every machine.
"""
from __future__ import annotations

import hashlib
import pickle
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from ..files import write_atomic
from .typst_worker import REFUSED

WORKER = Path(__file__).with_name("typst_worker.py")

MAIN = "main.typ"


class TypesetError(RuntimeError):
    """typst refused the source (typst's first line of complaint)."""


def _version() -> str:
    from importlib.metadata import version

    return version("typst")


def print_key(main: str, files: dict[str, bytes], timestamp: int) -> str:
    digest = hashlib.sha256()
    for part in (_version(), str(timestamp), main):
        digest.update(part.encode("utf-8") + b"\0")
    for name in sorted(files):
        digest.update(name.encode("utf-8") + b"\0" + hashlib.sha256(files[name]).digest())
    return digest.hexdigest()[:16]


@dataclass
class PrintCache:
    directory: Path
    typeset_count: int = field(default=0)  # documents typeset (not read back): the benchmark reports it

    def pdf(self, main: str, files: dict[str, bytes], timestamp: int) -> bytes:
        path = self.directory / f"{print_key(main, files, timestamp)}.pdf"
        if path.is_file():
            return path.read_bytes()
        sources: dict[str, bytes] = {MAIN: main.encode("utf-8"), **files}
        data = _compile(sources, timestamp)
        self.typeset_count += 1
        write_atomic(path, data)
        return data


def _compile(sources: dict[str, bytes], timestamp: int) -> bytes:
    """The PDF, typeset by typst in a fresh interpreter (typst_worker.py): typst's memory
    leaves with it, and the build's process never starts typst's thread pool."""
    done = subprocess.run([sys.executable, "-I", str(WORKER)], input=pickle.dumps((sources, timestamp)),
                          capture_output=True, check=False)
    if done.returncode == REFUSED:
        complaint = done.stderr.decode("utf-8", "replace")
        raise TypesetError(complaint.splitlines()[0] if complaint.strip() else "typst refused the source")
    if done.returncode != 0:
        last = (done.stderr.decode("utf-8", "replace").strip().splitlines() or ["no message"])[-1]
        raise RuntimeError(f"typst's process failed (exit status {done.returncode}): {last}")
    return done.stdout
