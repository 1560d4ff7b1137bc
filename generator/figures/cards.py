"""Card figures as small SVG, for every problem of a practice note's pool.

A card carries up to a few dozen problems, each with its own figure; drawing each
with matplotlib (about 0.24 s and 60 KB of PNG apiece) would cost a build seconds
and a deck megabytes. These figures are laid out here in plain numbers and written
by jinja2 templates (``templates/figures/card_*.svg.j2``): about a millisecond and a
few KB each. They speak the slides' visual language (``style.py``: the role colours,
the weights' white-to-orange scale, ink and paper, the answer's dark-and-light frame)
at phone size: laid out at most ``WIDTH`` pixels wide, so a 400-px phone shows them at
full size, with no text under ``PX``. Every number is the engine's printed number;
nothing is computed for display.

Each SVG says what it marks (``data-marks``: "none" on anything a front may show)
and its smallest text (``data-min-text-px``) on its root element, for the tests.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any

import jinja2
import numpy as np

from .. import stencil
from ..templating import environment
from . import style

WIDTH = 386  # what a 400-px phone card leaves a figure (anki/figures.PHONE_FIGURE_PX)
PX = 15  # the smallest text; 14 CSS px is the floor on a phone
# Advance widths in em of DejaVu Sans (the figures' font): digits 0.636, narrow marks
# about half that; 0.64 is safe for the rest of the short labels used here.
NARROW = {".": 0.32, ",": 0.32, " ": 0.32, "-": 0.36, "i": 0.28, "l": 0.28, "j": 0.28, "t": 0.4, "f": 0.36,
          "r": 0.42, "<": 0.84, ">": 0.84, "m": 0.98, "w": 0.82}
CHAR_EM = 0.64
BASELINE = 0.35  # from a line's middle down to its baseline, in em (no dominant-baseline: not inherited everywhere)


@cache  # looked up once per process: a deck renders the same two templates hundreds of times
def _template(name: str) -> jinja2.Template:
    # Package files that never change during a build: no stat of the file per render.
    env = environment("figures", autoescape=True, trim_blocks=True, lstrip_blocks=True, auto_reload=False)
    return env.get_template(name)


def _render(template: str, **context: Any) -> str:
    # Figures of one layout differ only in their numbers and coordinates: one render per
    # layout, each figure filled in (``stencil``).
    return stencil.render(f"figures/{template}", _plain(template), context)[0]


def _filled(template: str, layout: Any, texts: list[str], context: Callable[[], dict[str, Any]]) -> str:
    """``_render(template, **context())`` from the context's texts (``stencil.fill``)."""
    return stencil.fill(f"figures/{template}", _plain(template), layout, texts, context)[0]


@cache
def _plain(template: str) -> Callable[[dict[str, Any]], tuple[str]]:
    def plain(context: dict[str, Any]) -> tuple[str]:
        svg = _template(template).render(px=PX, min_px=PX, ink=style.INK, paper=style.PAPER, **context)
        return ("".join(line.strip() for line in svg.splitlines()),)

    return plain


@cache  # a deck's figures print the same few hundred numbers over and over
def _width(text: str, px: float = PX) -> float:
    return sum(NARROW.get(ch, CHAR_EM) for ch in text) * px


def _hex(colour: str) -> tuple[int, int, int]:
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


def weight_colour(share: float) -> str:
    """The heatmaps' scale (``attention.weights_cmap``): white at 0, the weights colour at
    half, a dark shade of it at the largest weight shown."""
    strong = style.strong("weights")
    dark = style.mix(strong, "#000000", 0.55)
    share = min(max(share, 0.0), 1.0)
    return style.mix(style.PAPER, strong, share * 2) if share <= 0.5 else style.mix(strong, dark, share * 2 - 1)


def weight_colours(shares: np.ndarray) -> list[str]:
    """``[weight_colour(s) for s in shares]``, mixed on arrays (a deck colours thousands of cells)."""
    strong = style.strong("weights")
    dark = style.mix(strong, "#000000", 0.55)
    shares = np.clip(np.asarray(shares, dtype=np.float64), 0.0, 1.0)
    low = shares <= 0.5
    out = np.empty(len(shares), dtype=object)
    out[low] = style.mix_many(style.PAPER, strong, shares[low] * 2)
    out[~low] = style.mix_many(strong, dark, shares[~low] * 2 - 1)
    return out.tolist()


@cache  # a few hundred colours at most: the scale's steps
def ink_on(colour: str) -> str:
    """Black or white text, whichever contrasts more (WCAG luminance), as the heatmaps do."""
    def channel(c: int) -> float:
        c = c / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in _hex(colour))
    luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b
    return style.INK if (luminance + 0.05) / 0.05 > 1.05 / (luminance + 0.05) else style.PAPER


def heatmap(weights: Any, row_labels: tuple[str, ...], col_labels: tuple[str, ...],
            cell_text: tuple[tuple[str, ...], ...], mark: tuple[int, int] | None, alt: str) -> str:
    """A weight grid with its printed number in each cell; ``mark`` outlines one cell
    (an answer: backs only)."""
    rows, cols = len(row_labels), len(col_labels)
    peak = max(max(float(x) for x in row) for row in weights) or 1.0
    label_w = max(_width(t) for t in row_labels) + 6
    number_w = max(_width(t) for row in cell_text for t in row)
    # Room around each number: 10 px, or as much as a phone's width leaves (at least 4).
    cell_w = max(min(number_w + 10, (WIDTH - label_w - 6) / cols), number_w + 4, 40.0)
    cell_h = 30.0
    rotate = max(_width(t) for t in col_labels) > cell_w - 6
    band = (max(_width(t) for t in col_labels) + 10) if rotate else PX + 12
    x0, y0 = label_w + 4, band + 2
    fills = weight_colours(np.array(weights, dtype=np.float64).ravel() / peak)
    cells = []
    for r in range(rows):
        for c in range(cols):
            fill = fills[r * cols + c]
            x, y = x0 + c * cell_w, y0 + r * cell_h
            cells.append({"x": _n(x), "y": _n(y), "cx": _n(x + cell_w / 2), "ty": _n(y + cell_h / 2 + BASELINE * PX),
                          "fill": fill, "ink": ink_on(fill), "text": cell_text[r][c]})
    col = [{"x": _n(x0 + (c + 0.5) * cell_w + (BASELINE * PX if rotate else 0)), "y": _n(band - 6), "text": t}
           for c, t in enumerate(col_labels)]
    row = [{"x": _n(label_w), "y": _n(y0 + (r + 0.5) * cell_h + BASELINE * PX), "text": t} for r, t in enumerate(row_labels)]
    box = None if mark is None else {"x": _n(x0 + mark[1] * cell_w), "y": _n(y0 + mark[0] * cell_h)}
    width, height = x0 + cols * cell_w + 2, y0 + rows * cell_h + 2
    return _render("card_heatmap.svg.j2", width=_n(width), height=_n(height), cells=cells, col_labels=col,
                   row_labels=row, rotate=rotate, cell_w=_n(cell_w), cell_h=_n(cell_h), mark=box,
                   mark_outer=style.INK, marks="none" if mark is None else f"cell {mark[0] + 1},{mark[1] + 1}", alt=alt)


def head(labels: tuple[str, ...], columns: tuple[tuple[str, tuple[str, ...]], ...], weights: tuple[str, ...],
         shares: tuple[float, ...], best: tuple[int, ...], output: tuple[str, ...], alt: str) -> str:
    """One query's head, a row per key: its printed steps (``columns``: a heading and one
    number per key), the weight as a bar and number, the output below. An answer figure
    (it prints every step and marks the most attended key): backs only."""
    titles = tuple(title for title, _ in columns)
    widths = tuple(max(_width(t) for t in (title, *cells)) + 12 for title, cells in columns)
    frame = _head_frame(labels, titles, widths)
    bars = [max(frame.bar_room * share, 1.0) for share in shares]
    bar_text = [_n(bar) for bar in bars]
    weight_x = [_n(frame.bar_x + bar + 6) for bar in bars]
    output_text = ", ".join(output)

    def context() -> dict[str, Any]:
        rows = [{"y": y, "cy": cy, "label": label, "weight": weights[i], "best": i in best, "bar": bar_text[i],
                 "bar_y": bar_y, "weight_x": weight_x[i],
                 "cells": [{"x": x, "text": cells[i]} for x, (_, cells) in zip(frame.ends, columns)]}
                for i, (label, y, cy, bar_y) in enumerate(zip(labels, frame.y, frame.cy, frame.bar_y))]
        return dict(width=WIDTH, height=frame.height, headers=[dict(h) for h in frame.headers], header_y=frame.header_y,
                    rows=rows, output_y=frame.output_y, label_x=frame.label_x, label_w=frame.label_w,
                    label_cx=frame.label_cx, row_h=frame.row_h, bar_x=frame.bar_x_text, bar_h=frame.row_h - 8,
                    bar=style.strong("weights"), key_fill=style.fill("key"), key_edge=style.edge("key"),
                    muted=style.FAINT, output=output_text, marks="every step and the output", alt=alt)

    # The same texts in the order ``stencil`` reads them from the context above: the
    # frame's (the same for every head of its labels and column widths) around each row's.
    texts = list(frame.head_texts)
    for i, label in enumerate(labels):
        texts += (frame.y[i], frame.cy[i], label, weights[i], bar_text[i], frame.bar_y[i], weight_x[i])
        for x, (_, cells) in zip(frame.ends, columns):
            texts += (x, cells[i])
    texts += frame.middle_texts
    texts += (output_text, "every step and the output", alt)
    return _filled("card_head.svg.j2", (labels, titles, widths, tuple(i in best for i in range(len(labels)))), texts,
                   context)


@dataclass(frozen=True)
class _HeadFrame:
    """What a head figure's layout fixes for every head of the same labels and column widths."""

    headers: tuple[tuple[tuple[str, str], ...], ...]
    ends: tuple[str, ...]  # each column's right edge
    y: tuple[str, ...]
    cy: tuple[str, ...]
    bar_y: tuple[str, ...]
    height: str
    header_y: str
    output_y: str
    label_x: float
    label_w: str
    label_cx: str
    row_h: float
    bar_x: float
    bar_x_text: str
    bar_room: float
    head_texts: tuple[str, ...]  # the context's texts before its rows
    middle_texts: tuple[str, ...]  # after its rows, up to the output


@lru_cache(maxsize=256)  # a deck's heads come in a few dozen frames
def _head_frame(labels: tuple[str, ...], titles: tuple[str, ...], widths: tuple[float, ...]) -> _HeadFrame:
    row_h, gap = 26.0, 6.0
    label_x, label_w = 2.0, max(_width(t) for t in labels) + 12
    x = label_x + label_w + 6
    headers, ends = [], []
    for title, w in zip(titles, widths):
        x += w
        ends.append(_n(x))
        headers.append((("x", _n(x)), ("anchor", "end"), ("text", title)))
    bar_x = x + 10
    bar_room = WIDTH - bar_x - _width("0.000") - 10
    headers.append((("x", _n(bar_x)), ("anchor", "start"), ("text", "weight")))
    header_y = PX + 2
    ys = [header_y + 8 + i * (row_h + gap) for i in range(len(labels))]
    output_y = header_y + 8 + len(labels) * (row_h + gap) + PX
    height = _n(output_y + PX)
    texts = (height, *(value for header in headers for _, value in header), _n(header_y))
    middle = (_n(output_y), _n(label_w), _n(label_x + label_w / 2), _n(bar_x),
              style.strong("weights"), style.fill("key"), style.edge("key"), style.FAINT)
    return _HeadFrame(tuple(headers), tuple(ends), tuple(_n(y) for y in ys), tuple(_n(y + row_h / 2) for y in ys),
                      tuple(_n(y + 4) for y in ys), height, _n(header_y), _n(output_y), label_x, _n(label_w),
                      _n(label_x + label_w / 2), row_h, bar_x, _n(bar_x), bar_room, texts, middle)


def _n(x: float) -> str:
    # Two decimals are finer than a pixel and keep the files short and stable.
    return f"{x:.2f}".rstrip("0").rstrip(".")
