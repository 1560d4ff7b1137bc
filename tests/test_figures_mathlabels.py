"""Math labels typeset once (generator/figures/mathlabels.py) against matplotlib's own Text.

The reference is matplotlib drawing the same label with its ordinary ``ax.text`` (three
parses); ours must put the same ink in the same place, to within the rounding mathtext
applies to a label's box (whole points), and parse each label once for SVG and PNG together.
"""
from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET

import matplotlib
import numpy as np
import pytest
from matplotlib.mathtext import MathTextParser
from PIL import Image

from generator.figures import render, style

LABELS = [
    r"$x_{t}$", r"$h_{t-1}$", r"$W_{hh}$", r"$q_i = W_Q x_i,\ k_i = W_K x_i,\ v_i = W_V x_i$", r"softmax $w_i$",
    r"$\Sigma_i\ w_i\,v_i$",
]
PLACES = [("center", "center", 0), ("left", "baseline", 0), ("right", "top", 0), ("center", "bottom", 90), ("left", "center", 30)]


def _ink(label: str, ha: str, va: str, rotation: float, ours: bool) -> np.ndarray:
    """Darkness (0..1) of each PNG pixel of one label alone on a canvas."""
    fig, ax = style.canvas(700, 400)
    if ours:
        style.text(ax, 350, 200, label, ha=ha, va=va, rotation=rotation, px=style.MATH_PX)
    else:  # matplotlib's plain Text at the very size and colour style.text gives the label
        ax.text(350, 200, label, fontsize=style.font(style.MATH_PX), ha=ha, va=va, rotation=rotation, color=style.INK)
    with Image.open(io.BytesIO(render.to_png(fig))) as image:
        return 1 - np.asarray(image.convert("L"), dtype=float) / 255


@pytest.mark.parametrize("ha,va,rotation", PLACES)
@pytest.mark.parametrize("label", LABELS)
def test_a_label_puts_its_ink_where_matplotlib_does(label: str, ha: str, va: str, rotation: float) -> None:
    theirs, ours = _ink(label, ha, va, rotation, False), _ink(label, ha, va, rotation, True)
    assert theirs.sum() > 50, "the reference drew the label"
    # The same glyphs at the same size: the same amount of ink (antialiasing moves a little).
    assert ours.sum() == pytest.approx(theirs.sum(), rel=0.02)
    # In the same place: centre of the ink and its extent within a pixel (mathtext rounds
    # a box up to whole points, 1.4 px at 100 dpi, and alignment takes half of that).
    ys, xs = np.indices(theirs.shape)
    for axis in (xs, ys):
        assert abs((axis * ours).sum() / ours.sum() - (axis * theirs).sum() / theirs.sum()) < 1.0
    for image_a, image_b in ((ours, theirs), (theirs, ours)):
        rows, cols = np.nonzero(image_a > 0.5)
        rows_b, cols_b = np.nonzero(image_b > 0.5)
        assert abs(rows.min() - rows_b.min()) <= 1 and abs(rows.max() - rows_b.max()) <= 1
        assert abs(cols.min() - cols_b.min()) <= 1 and abs(cols.max() - cols_b.max()) <= 1


def test_svg_glyphs_are_outlines_of_the_glyphs_mathtext_chose() -> None:
    """The SVG draws each glyph as the outline of the very glyph, in the very face and at the
    size, that matplotlib's own mathtext draws (read from matplotlib's SVG of the same label
    with its glyphs as outlines, ``svg.fonttype`` "path"), and keeps no glyph as text."""
    def glyphs(ours: bool) -> list[str]:
        fig, ax = style.canvas(700, 200)
        if ours:
            style.text(ax, 350, 100, r"$h_{t-1}$", gid="label")
            svg = render.to_svg(fig)
        else:
            ax.text(
                350, 100, r"$h_{t-1}$", fontsize=style.font(style.MATH_PX), ha="center", va="center", color=style.INK,
                gid="label",
            )
            buffer = io.BytesIO()
            with matplotlib.rc_context({"svg.fonttype": "path"}):
                fig.savefig(buffer, format="svg")
            svg = buffer.getvalue()
        group = next(e for e in ET.fromstring(svg).iter() if e.get("id") == "label")
        assert not list(group.iter("{http://www.w3.org/2000/svg}text"))
        # An outline's id names its face and glyph (e.g. DejaVuSans-Oblique-4b).
        return [e.get("{http://www.w3.org/1999/xlink}href") for e in group.iter("{http://www.w3.org/2000/svg}use")]

    theirs, ours = glyphs(False), glyphs(True)
    assert len(theirs) == 4 and ours == theirs


def test_each_label_is_parsed_once_for_svg_and_png() -> None:
    """matplotlib's Text parses a label three times (SVG measure and draw, Agg); ours once."""
    labels = [rf"$z_{{{n}}}$" for n in range(900, 905)]  # parsed by no other test
    parses = MathTextParser._parse_cached.cache_info  # the one cache every parse goes through

    def misses(ours: bool) -> int:
        fig, ax = style.canvas(700, 200)
        for i, label in enumerate(labels):
            if ours:
                style.text(ax, 60 + 120 * i, 100, label)
            else:
                ax.text(60 + 120 * i, 100, label, fontsize=style.font(style.MATH_PX))
        before = parses().misses
        render.to_svg_and_png(fig)
        return parses().misses - before

    assert misses(False) == 3 * len(labels)  # the reference, so the count is the right one
    assert misses(True) == len(labels)
