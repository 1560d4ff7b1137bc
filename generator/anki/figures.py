"""The PNGs of the figures a practice note shows, from ``generator.figures``.

Drawing is the figures package's job; this adapter only names the figure for a
problem and goes through the build's one figure cache when given it, so a
rebuild with the same seed draws nothing. Without a cache it draws the PNG
directly (no SVG, which the cards do not use).
"""
from __future__ import annotations

import hashlib
import io
import math
import re
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
    alt: str = ""  # the figure registry's alt text, for the card's <img alt>
    suffix = "png"

    @classmethod
    def of(cls, data: bytes, path: Path | None = None, alt: str = "") -> "Png":
        return cls(hashlib.sha256(data).hexdigest(), path if path is not None and path.is_file() else data, alt)


# The smallest figure text a phone reader gets, in CSS pixels, on a 400-px screen whose
# card leaves this many pixels for a figure (style.css: 17-px text, 0.4em padding).
PHONE_TEXT_PX = 14
PHONE_FIGURE_PX = 386


def phone_min_width(png: "Png | Svg") -> int | None:
    """The CSS width below which ``png``'s smallest text would drop under PHONE_TEXT_PX,
    when that is wider than a phone card gives it (None otherwise). The card then shows
    the figure at this width inside a box that scrolls sideways."""
    from PIL import Image

    if isinstance(png, Svg):
        # Laid out for a phone with text at 15 px (figures.cards); a map with many long
        # labels can still come out wider, and then keeps its size and scrolls.
        return math.ceil(png.width) if png.width > PHONE_FIGURE_PX else None

    source = png.source if isinstance(png.source, Path) else io.BytesIO(png.source)
    with Image.open(source) as image:
        width, text_px = image.size[0], float(image.text.get("MinTextPx", "0"))
    if not text_px:
        return None
    needed = math.ceil(width * PHONE_TEXT_PX / text_px)
    return needed if needed > PHONE_FIGURE_PX else None


class Figures:
    def __init__(self, cache: "FigureCache | None" = None):
        self._cache = cache

    def _cached(self, name: str, params: dict[str, str], examples: dict[str, Any] | None = None) -> Png:
        rendered = self._cache.render(name, params, examples)
        return Png.of(rendered.png, self._cache.directory / f"{rendered.stem}.png", rendered.alt)

    def attention_head(self, problem: practice.Problem, query: int = 0) -> Png:
        """The head figure of this very problem (its q, K, V and rounded steps)."""
        if self._cache is not None:
            return self._cached("attention_head", {"problem": "card", "query": str(query)}, {"card": problem})
        from ..figures import registry
        from ..figures.render import to_png

        prepared = registry.prepare("attention_head", {"problem": "card", "query": str(query)}, {"card": problem})
        return Png.of(to_png(prepared.draw()), alt=registry.alt_text(prepared))

    def reasoning_image(self, item: Any) -> Png:
        """The attention map a reasoning note asks about, for its front: the weights as a
        phone-sized heatmap with the printed numbers, nothing outlined, no "largest" label.

        It goes through the figure registry, which re-derives the item from (seed, kind,
        variant) with the same engine, so the figure shows the very map the card asks
        about and a cached copy is reused.
        """
        return self._reasoning_map(item, "front")

    def reasoning_answer_image(self, item: Any) -> Png | None:
        """The back's figure: the map with the cell the answer names outlined; or, when
        the front has no map (the weights are what the question asks for), the map itself.
        None when the front's map already says all the back would."""
        if item.answer_cell is None and item.map_given:
            return None
        return self._reasoning_map(item, "back")

    def _reasoning_map(self, item: Any, side: str) -> Png:
        from ..figures import registry
        from ..figures.render import to_png

        params = {"seed": str(item.seed), "variant": str(item.variant), "kind": item.kind, "card": side}
        if self._cache is not None:
            return self._cached("attention_heatmap", params)
        prepared = registry.prepare("attention_heatmap", params)
        return Png.of(to_png(prepared.draw()), alt=registry.alt_text(prepared))


@dataclass(frozen=True)
class Svg:
    """A pooled problem's card figure: SVG bytes laid out for a phone (``figures.cards``),
    its width and a digest of the bytes for its media name.

    A media file rather than markup in the field: a pool of 20 maps inline would put
    100 KB in one field, more than AnkiWeb's sync takes comfortably.
    """

    digest: str
    source: bytes
    width: float  # its design width: CSS pixels at full size, text at figures.cards.PX
    alt: str = ""  # for the card's <img alt>, as the PNG figures carry theirs
    suffix = "svg"

    @classmethod
    def of(cls, markup: str, alt: str = "") -> "Svg":
        data = markup.encode("utf-8")
        width = float(re.match(r'<svg[^>]*\swidth="([\d.]+)"', markup).group(1))
        return cls(hashlib.sha256(data).hexdigest(), data, width, alt)


class CardSvgs:
    """The figures of pooled problems (entry 1 on), with the methods of :class:`Figures`:
    SVG from ``figures.cards`` instead of matplotlib PNGs, at a millisecond each."""

    def attention_head(self, problem: practice.Problem, query: int = 0) -> Svg:
        from ..figures import cards
        from ..practice.steps import worked_steps

        view = worked_steps(problem)[query]
        n = len(view.keys)
        columns = tuple((title, view.step(name).cells) for name, title in
                        (("scores", "score"), ("scaled", "scaled"), ("exp", "exp")))
        from ..figures.registry import head_alt

        alt = head_alt(list(view.step("weights").cells), list(view.step("output").cells), list(view.most_attended))
        return Svg.of(cards.head(tuple(f"k{i + 1}" for i in range(n)), columns, view.step("weights").cells,
                                 view.weights, view.most_attended, view.step("output").cells, alt), alt)

    def reasoning_image(self, item: Any) -> Svg:
        return self._map(item, None, "front")

    def reasoning_answer_image(self, item: Any) -> Svg | None:
        if item.answer_cell is None and item.map_given:
            return None  # as Figures: the front's map already says all the back would
        return self._map(item, item.answer_cell, "back")

    @staticmethod
    def _map(item: Any, mark: tuple[int, int] | None, side: str) -> Svg:
        from ..figures import cards
        from ..figures.registry import map_alt

        cells = [list(row) for row in item.cell_text]
        alt = map_alt(item.kind, side, item.weights.tolist(), cells, list(item.row_labels), list(item.col_labels),
                      item.answer_cell)
        return Svg.of(cards.heatmap(item.weights.tolist(), item.row_labels, item.col_labels, item.cell_text,
                                    None if mark is None else tuple(mark), alt), alt)
