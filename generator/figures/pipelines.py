"""The three places sequence tools meet a CNN, drawn on one shared column grid.

Keeping the CNN, attention and RNN stages in the same columns on every row
makes the difference the lesson is about visible at a glance: the second row is
the first with an attention stage spliced in, the third swaps the single image
for a stack of frames.
"""
from __future__ import annotations

import dataclasses

from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import FancyArrowPatch

from . import scenes, style
from .params import PIPELINE_ROWS as ROWS, PIPELINE_WHICH as WHICH, check_choice, check_int


# Column centres (x) and widths shared by every row.
COLUMNS = {"input": (75, 100), "cnn": (215, 90), "features": (355, 110), "attention": (510, 130), "rnn": (665, 90), "output": (900, 290)}
BOX_H = 64

_TITLES = {
    "captioning": "Captioning: CNN → RNN",
    "attention-captioning": "Captioning with attention: CNN grid → attention → RNN",
    "video": "Video classification: CNN on every frame → RNN",
}


def _edge(name: str, side: int) -> float:
    cx, w = COLUMNS[name]
    return cx + side * w / 2


def _link(ax: Axes, a: str, b: str, y: float, gid: str) -> None:
    style.arrow(ax, (_edge(a, 1) + 4, y), (_edge(b, -1) - 4, y), gid=gid)


def _row(ax: Axes, kind: str, y: float, seed: int, index: int) -> None:
    prefix = f"pipeline-{kind}"
    style.text(ax, 20, y + BOX_H / 2 + 38, f"{index}  {_TITLES[kind]}", ha="left", weight="bold", gid=f"{prefix}-title")
    side = 84.0
    ix = COLUMNS["input"][0]
    if kind == "video":
        # Three frames, offset like a stack, with the ball rolling across them.
        # Drawn back to front: the latest frame ends up on top, lower right. Only
        # the ball moves between frames; the landscape stays put.
        still = scenes.layout(seed, (0.3, 0.2))
        for k, bx in enumerate((0.3, 0.5, 0.7)):
            off = k * 9
            frame = dataclasses.replace(still, subject=(bx, 0.2))
            scenes.draw(ax, frame, ix - side / 2 + off - 4, y + side / 2 - (side - 18) - off + 4, side - 18, gid=f"{prefix}-frame-{k}")
        style.text(ax, ix, y - side / 2 - 20, "frames", px=style.SMALL_PX, gid=f"{prefix}-input-label")
    else:
        scenes.draw(ax, scenes.layout(seed), ix - side / 2, y - side / 2, side, gid=f"{prefix}-image")
        style.text(ax, ix, y - side / 2 - 20, "image", px=style.SMALL_PX, gid=f"{prefix}-input-label")
    # The input column is wider than the picture: start the first arrow at the picture.
    style.arrow(ax, (ix + side / 2 + 4, y), (_edge("cnn", -1) - 4, y), gid=f"{prefix}-arrow-input")

    style.box(ax, COLUMNS["cnn"][0], y, COLUMNS["cnn"][1], BOX_H, "module", "CNN", px=style.TEXT_PX, gid=f"{prefix}-cnn", label_gid=f"{prefix}-cnn-label")
    if kind == "video":
        style.text(ax, COLUMNS["cnn"][0], y - BOX_H / 2 - 16, "each frame", px=style.SMALL_PX, gid=f"{prefix}-cnn-note")
    fx, fw = COLUMNS["features"]
    cell = 18.0  # side of one square of the feature grid
    grid_left = fx - 1.5 * cell if kind == "attention-captioning" else _edge("features", -1)
    style.arrow(ax, (_edge("cnn", 1) + 4, y), (grid_left - 4, y), gid=f"{prefix}-arrow-cnn")

    if kind == "attention-captioning":
        # A 3x3 grid of feature vectors: the places attention can look.
        for r in range(3):
            for c in range(3):
                style.cell(ax, fx - 1.5 * cell + c * cell, y + 0.5 * cell - r * cell, cell, cell, facecolor=style.fill("key"), edgecolor=style.edge("key"), linewidth=1.5, gid=f"{prefix}-grid-{r}-{c}")
        style.text(ax, fx, y - BOX_H / 2 - 16, "feature grid", px=style.SMALL_PX, gid=f"{prefix}-features-label")
        ax.add_artist(
            FancyArrowPatch((fx + 1.5 * cell + 4, y), (_edge("attention", -1) - 4, y), arrowstyle="-|>", mutation_scale=style.font(22), linewidth=2.2, color=style.FLOW, shrinkA=0, shrinkB=0, gid=f"{prefix}-arrow-features")
        )
        style.box(ax, COLUMNS["attention"][0], y, COLUMNS["attention"][1], BOX_H, "weights", "attention", px=style.TEXT_PX, gid=f"{prefix}-attention", label_gid=f"{prefix}-attention-label")
        _link(ax, "attention", "rnn", y, f"{prefix}-arrow-attention")
        # The RNN's state asks where to look next: a query back into attention.
        rx = COLUMNS["rnn"][0]
        ax_ = COLUMNS["attention"][0]
        style.arrow(ax, (rx, y - BOX_H / 2), (ax_, y - BOX_H / 2), connection="arc3,rad=-0.3", colour=style.strong("query"), gid=f"{prefix}-query-arrow")
        style.text(ax, (rx + ax_) / 2, y - BOX_H / 2 - 44, "RNN state as query", px=style.SMALL_PX, colour=style.edge("query"), gid=f"{prefix}-query-label")
    else:
        style.box(ax, fx, y, fw, BOX_H, "x", "features", px=style.SMALL_PX, gid=f"{prefix}-features", label_gid=f"{prefix}-features-label")
        if kind == "video":
            style.text(ax, fx, y - BOX_H / 2 - 16, "per frame", px=style.SMALL_PX, gid=f"{prefix}-features-note")
        _link(ax, "features", "rnn", y, f"{prefix}-arrow-features")

    style.box(ax, COLUMNS["rnn"][0], y, COLUMNS["rnn"][1], BOX_H, "h", "RNN", px=style.TEXT_PX, gid=f"{prefix}-rnn", label_gid=f"{prefix}-rnn-label")
    _link(ax, "rnn", "output", y, f"{prefix}-arrow-rnn")
    output = "label: “ball rolling”" if kind == "video" else "“a ball on the grass”"
    style.box(ax, COLUMNS["output"][0], y, COLUMNS["output"][1], BOX_H, "y", output, px=style.TEXT_PX, gid=f"{prefix}-output", label_gid=f"{prefix}-output-label")
    note = "one label per clip" if kind == "video" else "one word per step"
    style.text(ax, COLUMNS["output"][0], y - BOX_H / 2 - 18, note, px=style.SMALL_PX, gid=f"{prefix}-output-note")


def vision_pipelines(which: str = "all", seed: int = 0) -> Figure:
    """CNN -> RNN captioning; CNN feature grid -> attention -> RNN captioning;
    per-frame CNN -> RNN video classification. ``which`` draws one row alone."""
    which = check_choice("which", which, WHICH)
    check_int("seed", seed, 0, 2**32 - 1)
    kinds = ROWS if which == "all" else (which,)
    row_h = 193.0
    height = row_h * len(kinds) + 10
    fig, ax = style.canvas(1100, height)
    for i, kind in enumerate(kinds):
        y = height - row_h * i - 100  # the title sits above the boxes, the query arc below
        _row(ax, kind, y, seed, ROWS.index(kind) + 1)
    return fig
