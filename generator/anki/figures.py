"""PNG bytes of the figures a practice note shows, from ``generator.figures``.

Drawing is the figures package's job; this adapter only names the figure for a
problem and goes through the figure cache when the pipeline gives one, so a
rebuild with the same seed draws nothing. Without a cache it draws the PNG
directly (no SVG, which the cards do not use).
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from ..practice import attention as practice

# The figure registry takes seeds below 2**31; larger build seeds are drawn uncached.
_REGISTRY_SEED_MAX = 2**31 - 1


class Figures:
    def __init__(self, cache_dir: Path | None = None):
        self._cache: Any = None
        if cache_dir is not None:
            from ..figures.cache import FigureCache

            self._cache = FigureCache(Path(cache_dir))

    def attention_head(self, problem: practice.Problem, query: int = 0) -> bytes:
        """The head figure of this very problem (its q, K, V and rounded steps)."""
        if self._cache is not None:
            return self._cache.render("attention_head", {"problem": "card", "query": str(query)}, {"card": problem}).png
        from ..figures.attention import attention_head
        from ..figures.render import to_png

        return to_png(attention_head(problem, query))

    def reasoning_image(self, item: Any) -> bytes:
        """The attention map a reasoning note asks about.

        ``image_grid`` items get the synthetic image lit by their weights (through
        the cache the registry re-derives the weights from the item's seed and
        variant with the same engine, so they are the ones the card asks about);
        every other kind gets its weights as a heatmap with the printed numbers.
        """
        from ..figures.render import to_png

        if item.kind == "image_grid":
            if self._cache is not None and 0 <= item.seed <= _REGISTRY_SEED_MAX:
                return self._cache.render("attention_image", {"seed": str(item.seed), "variant": str(item.variant)}).png
            from ..figures.attention import attention_image

            return to_png(attention_image(item.weights, seed=item.seed % 2**32))
        from ..figures.attention import attention_heatmap

        return to_png(
            attention_heatmap(item.weights, list(item.row_labels), list(item.col_labels), cell_text=item.cell_text)
        )
