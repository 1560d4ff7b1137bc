"""The one visual language every figure speaks.

Figures are laid out in *slide pixels*: each figure gets one axes covering the
whole canvas, with data coordinates equal to the pixels the figure occupies when
it is shown at its design width. Sizes below are therefore written in the unit a
reader sees, and converted to points only where matplotlib wants points.

Design size and display size agree when the figure is shown at most
``DISPLAY_WIDTH_PX`` wide and ``DISPLAY_HEIGHT_PX`` tall (a 1280x720 slide with
a title above the figure). Every canvas stays inside that box, so no text shrinks
below ``MIN_TEXT_PX`` on a projector; ``tests/test_figures_layout.py`` checks it on
the rendered SVG rather than trusting these constants.
"""
from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np

# matplotlib only where a figure is drawn: the card SVGs (figures/cards.py) read the
# colours here in the deck's stage, which then loads no matplotlib at all.
if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure
    from matplotlib.patches import FancyArrowPatch, FancyBboxPatch, Rectangle
    from matplotlib.text import Text

# --- sizes ------------------------------------------------------------------

DISPLAY_WIDTH_PX = 1100
DISPLAY_HEIGHT_PX = 600
MIN_TEXT_PX = 18

DPI = 100  # one design pixel is one PNG pixel at the default PNG resolution
PT_PER_PX = 72 / DPI

TEXT_PX = 24  # ordinary labels
SMALL_PX = 20  # numbers in dense tables and annotations; still above the floor
# Mathtext shrinks sub- and superscripts to 70 %: 28 px keeps subscripts at 19.6 px.
MATH_PX = 28
TITLE_PX = 28

# --- colour -----------------------------------------------------------------

# Okabe & Ito (2008), "Color Universal Design": distinguishable under the common
# colour-vision deficiencies, and each role keeps its colour in every figure.
OKABE_ITO = {
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
    "black": "#000000",
}

ROLES = {
    "x": OKABE_ITO["blue"],  # input
    "h": OKABE_ITO["bluish_green"],  # hidden state
    "y": OKABE_ITO["vermillion"],  # output
    "query": OKABE_ITO["reddish_purple"],
    "key": OKABE_ITO["sky_blue"],
    "value": OKABE_ITO["yellow"],
    "weights": OKABE_ITO["orange"],
    "module": "#6E6E6E",  # a network block (CNN, encoder, MLP): no data role
}

INK = "#1A1A1A"  # text
FLOW = "#333333"  # data-flow arrows
FAINT = "#9A9A9A"  # context that should recede (all-to-all links, grid lines)
PAPER = "#FFFFFF"


def mix(colour: str, other: str, amount: float) -> str:
    """``colour`` moved ``amount`` of the way towards ``other`` (sRGB, which is
    good enough for tints of a fixed palette)."""
    a = [int(colour[i : i + 2], 16) for i in (1, 3, 5)]
    b = [int(other[i : i + 2], 16) for i in (1, 3, 5)]
    mixed = [round(x + (y - x) * amount) for x, y in zip(a, b)]
    return "#" + "".join(f"{v:02X}" for v in mixed)


def mix_many(colour: str, other: str, amounts: np.ndarray) -> list[str]:
    """``[mix(colour, other, a) for a in amounts]``, the arithmetic on an array: the same
    float operations element by element, and ``rint`` rounds halves to even as ``round`` does."""
    a = np.array([int(colour[i : i + 2], 16) for i in (1, 3, 5)], dtype=np.float64)
    b = np.array([int(other[i : i + 2], 16) for i in (1, 3, 5)], dtype=np.float64)
    mixed = np.rint(a + (b - a) * np.asarray(amounts, dtype=np.float64)[:, None]).astype(np.int64)
    return ["#%02X%02X%02X" % (r, g, b) for r, g, b in mixed.tolist()]


def fill(role: str) -> str:
    """Box fill for a role: a light tint, so black text on it keeps full contrast."""
    return mix(ROLES[role], PAPER, 0.62)


def edge(role: str) -> str:
    """Box outline for a role: darker than the pure colour, so that yellow and
    sky blue still draw a visible line on white."""
    return mix(ROLES[role], "#000000", 0.25)


def strong(role: str) -> str:
    """Solid marks (bars, highlighted links) for a role."""
    return ROLES[role]


# --- canvas and primitives ---------------------------------------------------


def font(px: float) -> float:
    """Matplotlib font size (points) for a size in slide pixels."""
    return px * PT_PER_PX


def canvas(width_px: float, height_px: float) -> tuple[Figure, Axes]:
    """A blank figure whose data coordinates are slide pixels, origin bottom left.

    Uses ``Figure`` directly rather than pyplot: no global figure registry, no
    display backend, and nothing to leak between figures.
    """
    # Whole pixels: a PNG at the design dpi then has exactly the design size.
    width_px, height_px = round(width_px), round(height_px)
    if width_px > DISPLAY_WIDTH_PX or height_px > DISPLAY_HEIGHT_PX:
        # A larger canvas would be shrunk on the slide and its text with it.
        raise AssertionError(f"canvas {width_px}x{height_px} exceeds the display box")
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width_px / DPI, height_px / DPI), dpi=DPI, facecolor=PAPER)
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(0, width_px)
    ax.set_ylim(0, height_px)
    ax.set_axis_off()
    # Limits are fixed above, so artists are added with add_artist: add_patch would
    # recompute data limits for every patch, the slowest step of a drawing.
    return fig, ax


def text(
    ax: Axes,
    x: float,
    y: float,
    s: str,
    *,
    px: float = TEXT_PX,
    gid: str | None = None,
    ha: str = "center",
    va: str = "center",
    colour: str = INK,
    weight: str = "normal",
    rotation: float = 0,
) -> Text:
    px = legible_px(s, px)
    if "$" not in s:
        return ax.text(
            x, y, s, fontsize=font(px), ha=ha, va=va, color=colour, gid=gid, fontweight=weight, rotation=rotation
        )
    # Mathtext: one parse for the SVG and the PNG alike (figures/mathlabels.py).
    from .mathlabels import MathLabel

    label = MathLabel(
        x, y, s, fontsize=font(px), ha=ha, va=va, color=colour, gid=gid, fontweight=weight, rotation=rotation,
        transform=ax.transData, clip_on=False,
    )
    ax.add_artist(label)  # where ax.text puts a Text: in drawing order, unclipped
    return label


def box(
    ax: Axes,
    cx: float,
    cy: float,
    w: float,
    h: float,
    role: str,
    label: str = "",
    *,
    px: float = MATH_PX,
    gid: str | None = None,
    label_gid: str | None = None,
    rounding: float = 8,
) -> FancyBboxPatch:
    """A rounded box centred on (cx, cy) in the colours of ``role``."""
    from matplotlib.patches import FancyBboxPatch

    patch = FancyBboxPatch(
        (cx - w / 2, cy - h / 2),
        w,
        h,
        boxstyle=f"round,pad=0,rounding_size={rounding}",
        facecolor=fill(role),
        edgecolor=edge(role),
        linewidth=2,
        gid=gid,
    )
    ax.add_artist(patch)
    if label:
        text(ax, cx, cy, label, px=px, gid=label_gid)
    return patch


def cell(
    ax: Axes,
    x: float,
    y: float,
    w: float,
    h: float,
    *,
    facecolor: str,
    edgecolor: str = FAINT,
    linewidth: float = 1,
    gid: str | None = None,
    alpha: float = 1.0,
) -> Rectangle:
    """A plain rectangle with its lower left corner at (x, y): grids and heatmap cells."""
    from matplotlib.patches import Rectangle

    patch = Rectangle((x, y), w, h, facecolor=facecolor, edgecolor=edgecolor, linewidth=linewidth, gid=gid, alpha=alpha)
    ax.add_artist(patch)
    return patch


def arrow(
    ax: Axes,
    start: Sequence[float],
    end: Sequence[float],
    *,
    colour: str = FLOW,
    width: float = 2.2,
    gid: str | None = None,
    connection: str | None = None,
    head: bool = True,
) -> FancyArrowPatch:
    """The one data-flow arrow. Endpoints are exact: callers aim at box edges,
    so arrows never vanish under a box of a different size."""
    from matplotlib.patches import FancyArrowPatch

    patch = FancyArrowPatch(
        tuple(start),
        tuple(end),
        arrowstyle="-|>" if head else "-",
        mutation_scale=font(22),
        linewidth=width,
        color=colour,
        shrinkA=0,
        shrinkB=0,
        connectionstyle=connection or "arc3",
        gid=gid,
        joinstyle="miter",
    )
    ax.add_artist(patch)
    return patch


def math(symbol: str, sub: str | int | None = None) -> str:
    """Mathtext for a symbol with an optional subscript, e.g. ``$h_{3}$``."""
    if sub is None or sub == "":
        return f"${symbol}$"
    return f"${symbol}_{{{sub}}}$"


def legible_px(s: str, px: float) -> float:
    """``px``, raised to MATH_PX when ``s`` has mathtext sub- or superscripts:
    those print at 70 % and would otherwise fall below the legibility floor."""
    if "$" in s and ("_" in s or "^" in s):
        return max(px, MATH_PX)
    return px


@lru_cache(maxsize=4096)
def text_width(s: str, px: float = TEXT_PX) -> float:
    """Width of ``s`` in slide pixels, for laying out columns before drawing.

    Uses the advance widths of the font matplotlib will draw with (mathtext
    parsed as such), so a column sized with it holds its widest entry.
    """
    from matplotlib.font_manager import FontProperties
    from matplotlib.textpath import text_to_path

    if not s:
        return 0.0
    px = legible_px(s, px)
    prop = FontProperties(family=["sans-serif"], size=font(px))
    # Not mathlabels.typeset: its box is rounded up to whole points, and canvas and column
    # sizes keep matplotlib's own measure (a parse at 100 pt, scaled).
    ismath = "$" in s and s.count("$") % 2 == 0
    width, _, _ = text_to_path.get_text_width_height_descent(s, prop, ismath=ismath)
    return width / PT_PER_PX
