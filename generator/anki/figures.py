"""The figures a practice note shows: SVG from ``figures.cards``, one per problem.

Drawing is the figures package's job (the layout in ``figures/cards.py``, the markup
in ``templates/figures/card_*.svg.j2``, numbers and alt text from the engine and the
figure registry); this adapter picks the figure for a problem and wraps its bytes
with a digest for the media name. Every problem of a pool, problem 0 included, goes
through it: about a millisecond and a few KB per figure, laid out for a phone.
"""
from __future__ import annotations

import hashlib
import math
import re
from dataclasses import dataclass
from typing import Any

from ..practice import attention as practice

# The smallest figure text a phone reader gets, in CSS pixels, on a 400-px screen whose
# card leaves this many pixels for a figure (style.css: 17-px text, 0.4em padding).
PHONE_TEXT_PX = 14
PHONE_FIGURE_PX = 386


def phone_min_width(svg: "Svg") -> int | None:
    """The width a figure keeps when it is wider than a phone card gives it (None when it
    fits): its text is laid out at ``figures.cards.PX``, so scaling it down to the card
    would take the text under PHONE_TEXT_PX. The card then shows it at full size inside
    a box that scrolls sideways (a map with many long labels can come out that wide)."""
    return math.ceil(svg.width) if svg.width > PHONE_FIGURE_PX else None


@dataclass(frozen=True)
class Svg:
    """A problem's card figure: SVG bytes laid out for a phone (``figures.cards``),
    its width and a digest of the bytes for its media name.

    A media file rather than markup in the field: a pool of 20 maps inline would put
    100 KB in one field, more than AnkiWeb's sync takes comfortably.
    """

    digest: str
    source: bytes
    width: float  # its design width: CSS pixels at full size, text at figures.cards.PX
    alt: str = ""  # the figure registry's alt text, for the card's <img alt>
    suffix = "svg"

    @classmethod
    def of(cls, markup: str, alt: str = "") -> "Svg":
        data = markup.encode("utf-8")
        width = float(re.match(r'<svg[^>]*\swidth="([\d.]+)"', markup).group(1))
        return cls(hashlib.sha256(data).hexdigest(), data, width, alt)


class CardSvgs:
    """The figures of every problem of a pool: an attention head's worked steps (backs
    only), a reasoning note's map (front unmarked, back with the answer's cell outlined)."""

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
            return None  # the front's map already says all the back would
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
