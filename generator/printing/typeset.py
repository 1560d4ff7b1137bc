"""Typst source to PDF bytes, cached by content.

The key covers the typst version, the main source, every file it may read, the
fonts and the timestamp, so a rebuild in which none of them changed reads the PDF
back instead of typesetting again. System fonts are ignored: typst's embedded fonts
set the text, and matplotlib's own DejaVu Sans (the faces the figures were laid out
in, shipped in its mpl-data) sets the figures' labels, so the same input gives the
same bytes on every machine with the same matplotlib.
"""
from __future__ import annotations

import hashlib
import importlib.util
import pickle
import subprocess
import sys
from dataclasses import dataclass, field
from functools import lru_cache
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


# The faces matplotlib's SVGs name ('DejaVu Sans', regular, bold, oblique). Each glyph of a
# mathtext label is placed by its advance in DejaVu Sans; set in another font (typst has no
# DejaVu Sans of its own, and fell back to DejaVu Sans Mono) the letters drift apart.
FIGURE_FONTS = ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf", "DejaVuSans-Oblique.ttf", "DejaVuSans-BoldOblique.ttf")


def figure_fonts() -> tuple[Path, ...]:
    """matplotlib's DejaVu Sans files, found without importing matplotlib (find_spec only locates it)."""
    spec = importlib.util.find_spec("matplotlib")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("matplotlib is not installed: the printouts take the figures' font from it")
    folder = Path(next(iter(spec.submodule_search_locations))) / "mpl-data" / "fonts" / "ttf"
    return tuple(folder / name for name in FIGURE_FONTS)


@lru_cache(maxsize=1)
def _fonts_digest(paths: tuple[Path, ...]) -> bytes:
    digest = hashlib.sha256()
    for path in paths:
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.digest()


def print_key(main: str, files: dict[str, bytes], timestamp: int) -> str:
    digest = hashlib.sha256()
    for part in (_version(), str(timestamp), main):
        digest.update(part.encode("utf-8") + b"\0")
    digest.update(_fonts_digest(figure_fonts()))
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
    job = (sources, timestamp, [str(path) for path in figure_fonts()])
    done = subprocess.run([sys.executable, "-I", str(WORKER)], input=pickle.dumps(job), capture_output=True,
                          check=False)
    if done.returncode == REFUSED:
        complaint = done.stderr.decode("utf-8", "replace")
        raise TypesetError(complaint.splitlines()[0] if complaint.strip() else "typst refused the source")
    if done.returncode != 0:
        last = (done.stderr.decode("utf-8", "replace").strip().splitlines() or ["no message"])[-1]
        raise RuntimeError(f"typst's process failed (exit status {done.returncode}): {last}")
    return done.stdout
