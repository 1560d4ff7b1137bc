"""The PNGs of the figures a practice note shows, from ``generator.figures``.

Drawing is the figures package's job; this adapter only names the figure for a
problem and goes through the build's one figure cache when given it, so a
rebuild with the same seed draws nothing. Without a cache it draws the PNG
directly (no SVG, which the cards do not use).
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..practice import attention as practice

if TYPE_CHECKING:
    from ..figures.cache import FigureCache


@dataclass(frozen=True)
class Png:
    """A figure's PNG: a digest of its bytes, and where the bytes are.

    With a figure cache the bytes stay in the cache file and are read again only
    when the package is written, so a 10,000-note build does not hold every
    figure in memory at once.
    """

    digest: str
    source: bytes | Path

    @classmethod
    def of(cls, data: bytes, path: Path | None = None) -> "Png":
        return cls(hashlib.sha256(data).hexdigest(), path if path is not None and path.is_file() else data)


class Figures:
    def __init__(self, cache: "FigureCache | None" = None):
        self._cache = cache

    def _cached(self, name: str, params: dict[str, str], examples: dict[str, Any] | None = None) -> Png:
        rendered = self._cache.render(name, params, examples)
        return Png.of(rendered.png, self._cache.directory / f"{rendered.stem}.png")

    def attention_head(self, problem: practice.Problem, query: int = 0) -> Png:
        """The head figure of this very problem (its q, K, V and rounded steps)."""
        if self._cache is not None:
            return self._cached("attention_head", {"problem": "card", "query": str(query)}, {"card": problem})
        from ..figures.attention import attention_head
        from ..figures.render import to_png

        return Png.of(to_png(attention_head(problem, query)))

    def reasoning_image(self, item: Any) -> Png:
        """The attention map a reasoning note asks about.

        ``image_grid`` items get the synthetic image lit by their weights, every
        other kind its weights as a heatmap with the printed numbers. Both go
        through the figure registry, which re-derives the item from (seed, kind,
        variant) with the same engine, so the figure shows the very map the card
        asks about and a cached copy is reused.
        """
        from ..figures import registry
        from ..figures.render import to_png

        name = "attention_image" if item.kind == "image_grid" else "attention_heatmap"
        params = {"seed": str(item.seed), "variant": str(item.variant)}
        if name == "attention_heatmap":
            params["kind"] = item.kind
        if self._cache is not None:
            return self._cached(name, params)
        return Png.of(to_png(registry.draw(name, params)))
