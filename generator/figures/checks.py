"""Layout checks a figure must pass: no text outside the canvas, no text on text.

Looking at every PNG catches most layout bugs once; these checks keep catching
them when a parameter (a longer label, more steps, wider vectors) moves things.
"""
from __future__ import annotations

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.text import Text
from matplotlib.transforms import Bbox

# Extents are in display pixels; touching within this many pixels is not an overlap
# (glyph extents include side bearings, so neighbours in a row nearly touch).
TOLERANCE = 1.0


def _laid_out(fig: Figure):
    """An Agg renderer for ``fig`` after a layout pass. Pills and arrows settle
    their positions at draw time; drawing without rasterizing is enough for that."""
    FigureCanvasAgg(fig)
    fig.draw_without_rendering()
    return fig.canvas.get_renderer()


def _texts(fig: Figure) -> list[Text]:
    return [t for t in fig.findobj(Text) if t.get_visible() and t.get_text().strip()]


def _describe(t: Text) -> str:
    gid = t.get_gid()
    return f"{t.get_text()!r}" + (f" (gid {gid})" if gid else "")


def _extent(t: Text, renderer) -> Bbox:
    # A label drawn in a pill occupies the pill, not just its glyphs.
    patch = t.get_bbox_patch()
    box = t.get_window_extent(renderer)
    if patch is not None:
        t.update_bbox_position_size(renderer)
        box = Bbox.union([box, patch.get_window_extent(renderer)])
    return box


def layout_problems(fig: Figure) -> list[str]:
    """Human-readable descriptions of clipped, overlapping or spilling text; empty when clean."""
    renderer = _laid_out(fig)
    return _clipped_or_overlapping(fig, renderer) + overflowing_labels(fig, renderer)


def _clipped_or_overlapping(fig: Figure, renderer) -> list[str]:
    width, height = fig.bbox.width, fig.bbox.height
    texts = _texts(fig)
    boxes = [_extent(t, renderer) for t in texts]
    problems: list[str] = []
    for t, b in zip(texts, boxes):
        if b.x0 < -TOLERANCE or b.y0 < -TOLERANCE or b.x1 > width + TOLERANCE or b.y1 > height + TOLERANCE:
            problems.append(f"{_describe(t)} is clipped: {b.bounds} outside {width:.0f}x{height:.0f}")
    for i in range(len(texts)):
        for j in range(i + 1, len(texts)):
            a, b = boxes[i], boxes[j]
            dx = min(a.x1, b.x1) - max(a.x0, b.x0)
            dy = min(a.y1, b.y1) - max(a.y0, b.y0)
            if dx > TOLERANCE and dy > TOLERANCE:
                problems.append(f"{_describe(texts[i])} overlaps {_describe(texts[j])}")
    return problems


def overflowing_labels(fig: Figure, renderer=None) -> list[str]:
    """Text centred in a box but wider or taller than it: a label spilling out."""
    from matplotlib.patches import FancyBboxPatch

    renderer = renderer or _laid_out(fig)
    boxes = [p.get_window_extent(renderer) for p in fig.findobj(FancyBboxPatch) if p.get_visible()]
    problems = []
    for t in _texts(fig):
        if t.get_bbox_patch() is not None:
            continue  # a pill is its own box
        e = t.get_window_extent(renderer)
        cx, cy = (e.x0 + e.x1) / 2, (e.y0 + e.y1) / 2
        for b in boxes:
            if b.x0 < cx < b.x1 and b.y0 < cy < b.y1:
                if e.x0 < b.x0 + 2 or e.x1 > b.x1 - 2 or e.y0 < b.y0 or e.y1 > b.y1:
                    problems.append(f"{_describe(t)} spills out of its box {tuple(round(v) for v in b.bounds)}")
    return problems
