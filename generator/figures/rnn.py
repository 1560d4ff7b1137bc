"""A vanilla RNN, folded (one cell with a loop) and unrolled over T steps.

The point of the unrolled picture is that every step uses the *same* three
matrices, so each arrow carries its matrix's label in the same pill at every
step; the tests count those labels.
"""
from __future__ import annotations

from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.path import Path as MplPath
from matplotlib.patches import FancyArrowPatch

from . import style
from .params import RNN_PATTERNS as PATTERNS, RNN_T_MAX_BOTH as T_MAX_BOTH, RNN_T_RANGE as T_RANGE, RNN_VIEWS as VIEWS
from .params import check_choice, check_int


HEIGHT = 560
ROW_Y = {"y": 460, "h": 285, "x": 110}  # box centres, output on top as in CS231n
BOX_H = 60
MIN_GAP = 34  # between neighbouring h boxes: room for the recurrence arrowhead
WEIGHT_PILL = "#EFEFEF"

_WHAT = {
    "one-to-many": "one input, an output at every step (captioning)",
    "many-to-one": "an input at every step, one output (video classification)",
    "many-to-many": "an input and an output at every step",
}


def _weight(ax: Axes, x: float, y: float, name: str, gid: str, ha: str = "center") -> None:
    """A shared-matrix label, always in the same grey pill: same pill, same matrix."""
    t = style.text(ax, x, y, style.math("W", name), px=style.MATH_PX, gid=gid, ha=ha)
    t.set_bbox({"boxstyle": "round,pad=0.15", "facecolor": WEIGHT_PILL, "edgecolor": "none"})


def _vertical(ax: Axes, cx: float, y0: float, y1: float, name: str, gid: str, side: str) -> None:
    style.arrow(ax, (cx, y0), (cx, y1), gid=f"{gid}-arrow")
    # Up the arrow from the middle: keeps W_hy clear of the W_hh pill that sits
    # just above the h row in the unrolled view.
    y = y0 + (y1 - y0) * 0.6
    if side == "right":
        _weight(ax, cx + 8, y, name, gid, ha="left")
    else:
        _weight(ax, cx - 8, y, name, gid, ha="right")


def _unrolled(ax: Axes, left: float, right: float, T: int, pattern: str) -> None:
    pitch = min(170.0, (right - left) / (T + 1))
    left += ((right - left) - pitch * (T + 1)) / 2  # centre a short chain under its caption
    bw = min(110.0, pitch - MIN_GAP)
    centre = [left + pitch * (i + 0.5) for i in range(T + 1)]  # column 0 is h_0
    hy, xy, yy = ROW_Y["h"], ROW_Y["x"], ROW_Y["y"]
    style.box(ax, centre[0], hy, bw, BOX_H, "h", style.math("h", 0), gid="rnn-h0-box", label_gid="rnn-h0")
    for t in range(1, T + 1):
        c = centre[t]
        style.box(ax, c, hy, bw, BOX_H, "h", style.math("h", t), gid=f"rnn-h-box-{t}", label_gid=f"rnn-h-{t}")
        # Recurrence: h_{t-1} -> h_t, labelled above the arrow since the gap is narrow.
        x0, x1 = centre[t - 1] + bw / 2, c - bw / 2
        style.arrow(ax, (x0, hy), (x1, hy), gid=f"rnn-whh-{t}-arrow")
        _weight(ax, (x0 + x1) / 2, hy + BOX_H / 2 + 24, "hh", f"rnn-whh-{t}")
        if pattern != "one-to-many" or t == 1:
            style.box(ax, c, xy, bw, BOX_H, "x", style.math("x", t), gid=f"rnn-x-box-{t}", label_gid=f"rnn-x-{t}")
            _vertical(ax, c, xy + BOX_H / 2, hy - BOX_H / 2, "xh", f"rnn-wxh-{t}", "right")
        if pattern != "many-to-one" or t == T:
            style.box(ax, c, yy, bw, BOX_H, "y", style.math("y", t), gid=f"rnn-y-box-{t}", label_gid=f"rnn-y-{t}")
            _vertical(ax, c, hy + BOX_H / 2, yy - BOX_H / 2, "hy", f"rnn-why-{t}", "right")


def _folded(ax: Axes, cx: float, T: int) -> None:
    bw = 96
    hy, xy, yy = ROW_Y["h"], ROW_Y["x"], ROW_Y["y"]
    style.box(ax, cx, xy, bw, BOX_H, "x", style.math("x", "t"), label_gid="rnn-folded-x")
    style.box(ax, cx, hy, bw, BOX_H, "h", style.math("h", "t"), label_gid="rnn-folded-h")
    style.box(ax, cx, yy, bw, BOX_H, "y", style.math("y", "t"), label_gid="rnn-folded-y")
    _vertical(ax, cx, xy + BOX_H / 2, hy - BOX_H / 2, "xh", "rnn-folded-wxh", "left")
    _vertical(ax, cx, hy + BOX_H / 2, yy - BOX_H / 2, "hy", "rnn-folded-why", "left")
    # The loop leaves h_t and comes back into it: the state feeds the next step.
    r, top = cx + bw / 2, hy + BOX_H / 2
    loop = MplPath(
        [(cx + bw / 4, top), (cx + bw / 4, top + 36), (r + 44, top + 36), (r + 44, hy), (r, hy)],
        [MplPath.MOVETO] + [MplPath.LINETO] * 4,
    )
    ax.add_artist(
        FancyArrowPatch(
            path=loop,
            arrowstyle="-|>",
            mutation_scale=style.font(22),
            linewidth=2.2,
            color=style.FLOW,
            gid="rnn-folded-whh-arrow",
            joinstyle="miter",
        )
    )
    _weight(ax, r + 54, hy + 18, "hh", "rnn-folded-whh", ha="left")
    style.text(ax, cx, 30, "t = 1" if T == 1 else f"t = 1 … {T}", gid="rnn-folded-steps")


def rnn(T: int = 4, pattern: str = "many-to-many", view: str = "unrolled") -> Figure:
    """A vanilla RNN over ``T`` steps.

    ``view``: "unrolled" (every step drawn), "folded" (one cell and its loop) or
    "both" side by side. ``pattern`` decides where inputs and outputs attach.
    """
    view = check_choice("view", view, VIEWS)
    pattern = check_choice("pattern", pattern, PATTERNS)
    high = T_MAX_BOTH if view == "both" else T_RANGE[1]
    qualifier = " when view is 'both'" if view == "both" else ""
    try:
        check_int("T", T, T_RANGE[0], high)
    except ValueError as exc:
        raise type(exc)(f"{exc}{qualifier}") from None

    if view == "folded":
        fig, ax = style.canvas(420, HEIGHT)
        _folded(ax, 170, T)
        return fig
    if view == "unrolled":
        # Wide enough for the chain and for the caption under it, whichever is wider.
        width = min(style.DISPLAY_WIDTH_PX, max(60 + 170 * (T + 1), style.text_width(_WHAT[pattern]) + 60))
        fig, ax = style.canvas(width, HEIGHT)
        _unrolled(ax, 30, width - 30, T, pattern)
        caption_x = width / 2
    else:
        fig, ax = style.canvas(style.DISPLAY_WIDTH_PX, HEIGHT)
        _folded(ax, 135, T)
        style.text(ax, 345, ROW_Y["h"], "=", px=40, gid="rnn-equals")
        _unrolled(ax, 370, style.DISPLAY_WIDTH_PX - 20, T, pattern)
        caption_x = (370 + style.DISPLAY_WIDTH_PX - 20) / 2  # under the chain, clear of "t = 1 ... T"
    style.text(ax, caption_x, 30, _WHAT[pattern], gid="rnn-pattern")
    return fig
