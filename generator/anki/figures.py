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

    def attention_image(self, seed: int, variant: int, weights: Any) -> bytes:
        """The synthetic image lit by the weights of reasoning item (seed, variant).

        Through the cache the registry re-derives the weights from (seed, variant)
        with the same engine, so they are the ones the card asks about.
        """
        if self._cache is not None and 0 <= seed <= _REGISTRY_SEED_MAX:
            return self._cache.render("attention_image", {"seed": str(seed), "variant": str(variant)}).png
        from ..figures.attention import attention_image
        from ..figures.render import to_png

        return to_png(attention_image(weights, seed=seed % 2**32))
