"""Where queries, keys and values come from, in the lesson's two settings.

Left, self-attention as in the ViT: every token x_i is projected three ways by the
same learned matrices, so queries, keys and values all come from one set of tokens.
Right, cross-attention as in Show, Attend and Tell's captioner: the one query comes
from the decoder's state, the keys and values from the image's region features.
Every box and arrow carries a gid naming its role and index, so a test can check
that each arrow leaves the box it should.
"""
from __future__ import annotations

from matplotlib.axes import Axes
from matplotlib.figure import Figure

from . import style
from .params import QKV_REGIONS_RANGE as REGIONS_RANGE, QKV_TOKENS_RANGE as TOKENS_RANGE, QKV_WHICH as WHICH, check_choice, check_int


BOX_W, BOX_H = 40.0, 44.0
SRC_Y, PROJ_Y = 80.0, 190.0  # centre heights of the source row and the q/k/v row
GAP = 4.0


def _trio(ax: Axes, cx: float, sx: float, roles: tuple[str, ...], symbols: tuple[str, ...], index: int, tag: str) -> None:
    """Boxes for ``roles`` side by side above (cx, PROJ_Y), each fed from the source at sx."""
    width = len(roles) * BOX_W + (len(roles) - 1) * GAP
    for n, (role, symbol) in enumerate(zip(roles, symbols)):
        bx = cx - width / 2 + BOX_W / 2 + n * (BOX_W + GAP)
        style.box(ax, bx, PROJ_Y, BOX_W, BOX_H, role, style.math(symbol, index),
                  gid=f"qkv-{tag}-{role}-box-{index}", label_gid=f"qkv-{tag}-{role}-{index}")
        style.arrow(ax, (sx, SRC_Y + BOX_H / 2), (bx, PROJ_Y - BOX_H / 2), gid=f"qkv-{tag}-arrow-{role}-{index}")


def _sources(ax: Axes, left: float, width: float, n: int, symbol: str, name: str, roles: tuple[str, ...], tag: str) -> None:
    """A row of n source boxes (input role), each feeding its own boxes for ``roles``."""
    letters = {"query": "q", "key": "k", "value": "v"}
    pitch = width / n
    for i in range(1, n + 1):
        cx = left + pitch * (i - 0.5)
        style.box(ax, cx, SRC_Y, 60, BOX_H, "x", style.math(symbol, i), gid=f"qkv-{name}-box-{i}", label_gid=f"qkv-{name}-{i}")
        _trio(ax, cx, cx, roles, tuple(letters[r] for r in roles), i, tag)


def _self(ax: Axes, left: float, width: float, n: int) -> None:
    style.text(ax, left + width / 2, 375, "Self-attention (ViT)", px=style.TITLE_PX, weight="bold", gid="qkv-self-title")
    _sources(ax, left, width, n, "x", "self-x", ("query", "key", "value"), "self")
    style.text(ax, left + width / 2, 312, r"$q_i = W_Q x_i,\ k_i = W_K x_i,\ v_i = W_V x_i$", px=style.MATH_PX, gid="qkv-self-formula")
    style.text(ax, left + width / 2, 268, "the same learned matrices for every token", px=style.SMALL_PX, gid="qkv-self-shared")
    style.text(ax, left + width / 2, 22, "queries, keys, values: all from the tokens", px=style.SMALL_PX, gid="qkv-self-summary")


def _cross(ax: Axes, left: float, width: float, regions: int) -> None:
    style.text(ax, left + width / 2, 375, "Cross-attention (captioning)", px=style.TITLE_PX, weight="bold", gid="qkv-cross-title")
    _sources(ax, left, width, regions, "a", "cross-region", ("key", "value"), "cross")
    # The one query: from the decoder state, not from any region.
    hx, qx, y = left + 70, left + width - 70, 305.0
    style.box(ax, hx, y, 84, BOX_H, "h", style.math("h", "t-1"), gid="qkv-cross-h-box", label_gid="qkv-cross-h")
    style.box(ax, qx, y, BOX_W, BOX_H, "query", "$q$", gid="qkv-cross-query-box", label_gid="qkv-cross-query")
    style.arrow(ax, (hx + 42, y), (qx - BOX_W / 2, y), gid="qkv-cross-arrow-query")
    style.text(ax, (hx + qx) / 2, y + 22, "$W_Q$", px=style.MATH_PX, gid="qkv-cross-wq")
    style.text(ax, (hx + qx) / 2, y - 42, "decoder state → query", px=style.SMALL_PX, gid="qkv-cross-state")
    style.text(ax, left + width / 2, 22, "query: the state; keys, values: the regions", px=style.SMALL_PX, gid="qkv-cross-summary")


def qkv_sources(which: str = "both", tokens: int = 3, regions: int = 4) -> Figure:
    """Self-attention's q, k, v from the same tokens beside cross-attention's q from the
    decoder state and k, v from the region features (``which`` picks one or both)."""
    check_choice("which", which, WHICH)
    check_int("tokens", tokens, *TOKENS_RANGE)
    check_int("regions", regions, *REGIONS_RANGE)
    if which == "both":
        fig, ax = style.canvas(1100, 400)
        _self(ax, 20.0, 560.0, tokens)
        ax.plot([600, 600], [10, 390], color="#DDDDDD", linewidth=1.5, gid="qkv-divider")
        _cross(ax, 620.0, 460.0, regions)
    elif which == "self":
        fig, ax = style.canvas(600, 400)
        _self(ax, 20.0, 560.0, tokens)
    else:
        fig, ax = style.canvas(500, 400)
        _cross(ax, 20.0, 460.0, regions)
    return fig
