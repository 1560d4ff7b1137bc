"""The two lifts attention buys from one change: parallel steps and short paths.

Left, recurrence: h_t needs h_{t-1}, so T updates run one after another and the
first input reaches the last state through T links. Path length, as the lesson and
its cards define it: the number of links from x_1 to the last position's output
(x_1 -> h_1, then T - 1 recurrent links; for attention the one link x_1 -> z_T). Right, attention: every
output looks at every input directly, all at once, so that path is one link.
The highlighted path is drawn link by link with gids, so a test can count it.
"""
from __future__ import annotations

from matplotlib.axes import Axes
from matplotlib.figure import Figure

from . import style
from .params import LIFTS_T_RANGE as T_RANGE, check_int

PANEL_W = 520.0
BOX_H = 52
LOW, HIGH = 135.0, 285.0  # centre heights of the input and output rows
PATH = style.strong("weights")


def _boxes(ax: Axes, left: float, T: int, bottom: str, top: str, top_role: str, tag: str) -> list[float]:
    pitch = PANEL_W / T
    bw = max(48.0, min(80.0, pitch - 36))  # a subscripted label needs 48 px
    centres = [left + pitch * (i + 0.5) for i in range(T)]
    for t, cx in enumerate(centres, start=1):
        style.box(ax, cx, LOW, bw, BOX_H, "x", style.math(bottom, t), gid=f"lifts-{tag}-x-box-{t}", label_gid=f"lifts-{tag}-x-{t}")
        style.box(ax, cx, HIGH, bw, BOX_H, top_role, style.math(top, t), gid=f"lifts-{tag}-top-box-{t}", label_gid=f"lifts-{tag}-top-{t}")
    return centres


def two_lifts(T: int = 5) -> Figure:
    """Recurrence's chain (T sequential steps, path length T from x_1 to h_T)
    beside attention's all-to-all links (one parallel step, path length 1)."""
    check_int("T", T, *T_RANGE)
    fig, ax = style.canvas(1100, 440)
    pitch = PANEL_W / T
    bw = max(48.0, min(80.0, pitch - 36))  # a subscripted label needs 48 px

    # --- recurrence -------------------------------------------------------------
    left = 20.0
    style.text(ax, left + PANEL_W / 2, 415, "Recurrence", px=style.TITLE_PX, weight="bold", gid="lifts-rnn-title")
    xs = _boxes(ax, left, T, "x", "h", "h", "rnn")
    for t, cx in enumerate(xs, start=1):
        on_path = t == 1
        style.arrow(ax, (cx, LOW + BOX_H / 2), (cx, HIGH - BOX_H / 2), colour=PATH if on_path else style.FLOW, width=4 if on_path else 2.2, gid="lifts-rnn-path-0" if on_path else f"lifts-rnn-input-{t}")
        if t > 1:
            # Every recurrence link is on the path from x_1 to h_T.
            style.arrow(ax, (xs[t - 2] + bw / 2, HIGH), (cx - bw / 2, HIGH), colour=PATH, width=4, gid=f"lifts-rnn-path-{t - 1}")
        style.text(ax, cx, HIGH + BOX_H / 2 + 22, f"{t}", px=style.SMALL_PX, colour=style.edge("h"), gid=f"lifts-rnn-step-{t}")
    style.text(ax, left + PANEL_W / 2, HIGH + BOX_H / 2 + 58, f"step order: {T} updates, one after another", px=style.SMALL_PX, gid="lifts-rnn-order")
    style.text(ax, left + PANEL_W / 2, 62, f"sequential: {T} steps", gid="lifts-rnn-steps")
    style.text(ax, left + PANEL_W / 2, 24, f"path length, $x_1$ to $h_{{{T}}}$: {T} links", gid="lifts-rnn-path")

    # --- attention ----------------------------------------------------------------
    left = 20.0 + PANEL_W + 40
    ax.plot([left - 20, left - 20], [15, 430], color="#DDDDDD", linewidth=1.5, gid="lifts-divider")
    style.text(ax, left + PANEL_W / 2, 415, "Attention", px=style.TITLE_PX, weight="bold", gid="lifts-attn-title")
    zs = _boxes(ax, left, T, "x", "z", "y", "attn")
    for i, xi in enumerate(zs, start=1):
        for j, zj in enumerate(zs, start=1):
            if (i, j) == (1, T):
                continue  # drawn last, on top, as the highlighted path
            style.arrow(ax, (xi, LOW + BOX_H / 2), (zj, HIGH - BOX_H / 2), colour=style.FAINT, width=1.2, head=False, gid=f"lifts-attn-link-{i}-{j}")
    style.arrow(ax, (zs[0], LOW + BOX_H / 2), (zs[-1], HIGH - BOX_H / 2), colour=PATH, width=4, gid="lifts-attn-path-0")
    style.text(ax, left + PANEL_W / 2, HIGH + BOX_H / 2 + 58, f"all {T} outputs in one step, in parallel", px=style.SMALL_PX, gid="lifts-attn-order")
    style.text(ax, left + PANEL_W / 2, 62, "parallel: 1 step", gid="lifts-attn-steps")
    style.text(ax, left + PANEL_W / 2, 24, f"path length, $x_1$ to $z_{{{T}}}$: 1 link", gid="lifts-attn-path")
    return fig
