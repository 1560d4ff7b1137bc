"""Rendered figures on disk, keyed by everything that can change their pixels.

The key covers the figure name, its normalized parameters, the numbers it shows
(a lesson example's q, K, V and rounded steps; engine weights), the source of
this package and the matplotlib version. A rebuild in which none of those
changed reads the files back and draws nothing; changing slide text never
touches a figure. Each entry carries the sha256 of its two files: an entry that
does not match (truncated, edited, half-written) is drawn again, with a warning.
"""
from __future__ import annotations

import hashlib
import json
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from .. import collector
from ..files import write_atomic
from . import registry

KEY_LENGTH = 16  # hex digits: 64 bits, plenty for one lesson's few dozen figures


# Modules that draw no cached figure: the card SVGs (written per note, never cached) and
# the gallery page. An edit to them must not rename every slide figure.
NOT_DRAWING = frozenset({"cards.py", "gallery.py"})


@lru_cache(maxsize=1)
def code_hash() -> str:
    """Hash of every Python file in this package that draws a cached figure: a code change
    invalidates the cache."""
    return tree_hash(Path(__file__).resolve().parent)


def tree_hash(root: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*.py")):
        if path.relative_to(root).as_posix() in NOT_DRAWING:
            continue
        digest.update(path.relative_to(root).as_posix().encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()


def figure_key(prepared: registry.Prepared) -> str:
    import matplotlib  # here, not at the top: reading a cache entry back needs no matplotlib

    payload = {
        "figure": prepared.name,
        "params": prepared.params,
        "data": prepared.data,
        "code": code_hash(),
        "matplotlib": matplotlib.__version__,
    }
    # repr of floats round-trips exactly, so equal numbers give equal keys.
    text = json.dumps(payload, sort_keys=True, separators=(",", ":"), default=repr)
    return hashlib.sha256(text.encode()).hexdigest()[:KEY_LENGTH]


@dataclass(frozen=True)
class Rendered:
    name: str
    params: dict[str, Any]  # normalized: typed, every parameter present
    key: str
    svg: bytes
    png: bytes
    cached: bool  # True when read back from disk without drawing
    alt: str = ""  # i12b: generated alt text (registry.alt_text), for slides, gallery and cards

    @property
    def stem(self) -> str:
        """File name without extension, as the pipeline and the gallery write it."""
        return f"{self.name}-{self.key}"


def _stderr(line: str) -> None:
    print(line, file=sys.stderr)


class FigureCache:
    """``render()`` returns a figure's SVG and PNG, drawing only on a cache miss."""

    def __init__(self, directory: Path, png_dpi: float | None = None, warn: Callable[[str], None] = _stderr):
        self.directory = Path(directory)
        self.png_dpi = png_dpi  # None: figures.style.DPI (one design pixel, one PNG pixel)
        self.drawn = 0  # figures drawn by this cache object: the benchmark reports it
        self.repaired = 0  # damaged entries found and drawn again
        self.warn = warn

    def render(
        self, name: str, params: Mapping[str, str] | None = None, examples: registry.Examples | None = None
    ) -> Rendered:
        prepared = registry.prepare(name, params, examples)
        key = figure_key(prepared)
        if self.png_dpi is not None:
            key = hashlib.sha256(f"{key}@{self.png_dpi}".encode()).hexdigest()[:KEY_LENGTH]
        svg_path = self.directory / f"{name}-{key}.svg"
        png_path = self.directory / f"{name}-{key}.png"
        sum_path = self.directory / f"{name}-{key}.sha256"
        cached = _verified(svg_path, png_path, sum_path)
        if cached is not None:
            return Rendered(name, prepared.params, key, *cached, True, registry.alt_text(prepared))
        if svg_path.exists() or png_path.exists():
            self.repaired += 1
            self.warn(f"warning: {svg_path.with_suffix('')}: damaged figure cache entry, drawn again")
        from . import render  # matplotlib: only a cache miss draws

        # The figure's cycles are freed by the one collection at the end, so it needs no
        # close() (whose clear() rebuilds every Axes); closed when a caller paused the collector.
        with collector.paused(collect=True) as collected:
            svg, png = render.to_svg_and_png(prepared.draw(), dpi=self.png_dpi or render.style.DPI, close=not collected)
        self.drawn += 1
        write_atomic(png_path, png)
        write_atomic(svg_path, svg)
        # Written last: an entry without its digests (a killed build) is drawn again.
        write_atomic(sum_path, _digests(svg, png).encode())
        return Rendered(name, prepared.params, key, svg, png, False, registry.alt_text(prepared))


def _digests(svg: bytes, png: bytes) -> str:
    return f"{hashlib.sha256(svg).hexdigest()} svg\n{hashlib.sha256(png).hexdigest()} png\n"


def _verified(svg_path: Path, png_path: Path, sum_path: Path) -> tuple[bytes, bytes] | None:
    """The entry's SVG and PNG if both match the digests written with them, else None."""
    try:
        svg, png, sums = svg_path.read_bytes(), png_path.read_bytes(), sum_path.read_bytes()
    except OSError:
        return None
    return (svg, png) if sums == _digests(svg, png).encode() else None
