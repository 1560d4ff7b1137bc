"""Figure -> bytes, the same bytes every time for the same figure.

Matplotlib stamps SVGs with a date and derives element ids from a random salt; both are
pinned here. PNGs are encoded here from Agg's pixels, with no version string. Settings go
through ``rc_context`` so a render never leaves global state behind for another caller.
"""
from __future__ import annotations

import io
from typing import TYPE_CHECKING

import matplotlib
from matplotlib.figure import Figure

from . import style

if TYPE_CHECKING:
    import numpy as np

_SVG_RC = {
    "svg.hashsalt": "seqvision-figures",
    # Text stays text: searchable, selectable and sharp at any zoom. Mathtext is
    # written glyph by glyph with explicit positions, so it lands where matplotlib
    # put it even when the viewer substitutes a font.
    "svg.fonttype": "none",
    "svg.image_inline": True,
}
_SVG_METADATA = {"Date": None}
# zlib level 1: on these flat-colour figures (as RGB) about half the encoding time of
# savefig's RGBA at zlib's default level 6, and still slightly smaller files.
_PNG_ZLIB_LEVEL = 1


def to_svg(fig: Figure, *, close: bool = True) -> bytes:
    """The figure as SVG bytes; ``close`` releases its memory afterwards."""
    buffer = io.BytesIO()
    with matplotlib.rc_context(_SVG_RC):
        fig.savefig(buffer, format="svg", metadata=_SVG_METADATA)
    if close:
        _close(fig)
    return buffer.getvalue()


def set_marks(fig: Figure, marks: list[str]) -> None:
    """Record what a figure marks as an answer (outlined cells, winners, "largest" labels),
    written into its PNG as the text chunk "Marks" ("none" when nothing is marked). A card
    front may only show figures that record "none"; tests read the chunk back."""
    fig._seqvision_marks = "; ".join(marks) or "none"  # type: ignore[attr-defined]


def min_text_pt(fig: Figure) -> float:
    """The size in points of the smallest visible text of a figure (0 when it has none).

    Walks the artists as ``findobj`` does, but not into the x and y axis of an Axes whose
    axis is off (ours all are): a draw skips them, and asking an axis for its children makes
    its ticks first, which was most of this walk's time.
    """
    from matplotlib.axis import Axis
    from matplotlib.text import Text

    sizes, todo = [], [fig]
    while todo:
        artist = todo.pop()
        if isinstance(artist, Text) and artist.get_visible() and artist.get_text().strip():
            sizes.append(artist.get_fontsize())
        todo.extend(child for child in artist.get_children() if not (isinstance(child, Axis) and not child.axes.axison))
    return min(sizes, default=0.0)


def marks(png: bytes) -> str | None:
    """The "Marks" a PNG records, or None when its figure never said."""
    from PIL import Image

    with Image.open(io.BytesIO(png)) as image:
        return image.text.get("Marks")


def to_png(fig: Figure, dpi: float = style.DPI, *, close: bool = True) -> bytes:
    """The figure as PNG bytes. At the default dpi one design pixel is one PNG pixel.

    Encoded here from the pixels savefig would write: figures are drawn on opaque paper, so
    they go out as RGB rather than with an alpha channel that is 255 everywhere (a figure
    with a see-through pixel keeps it).
    """
    from PIL import Image, PngImagePlugin

    metadata = {}
    if hasattr(fig, "_seqvision_marks"):
        # Card figures also say the size of their smallest text in PNG pixels, so a phone
        # test can turn the displayed scale into CSS pixels.
        metadata["Marks"] = fig._seqvision_marks
        metadata["MinTextPx"] = f"{min_text_pt(fig) * dpi / 72:.1f}"
    pixels = _agg_pixels(fig, dpi)
    if close:
        _close(fig)
    image = Image.frombuffer("RGBA", (pixels.shape[1], pixels.shape[0]), pixels, "raw", "RGBA", 0, 1)
    if image.getextrema()[3] == (255, 255):  # opaque everywhere
        image = image.convert("RGB")
    del pixels  # an opaque figure's RGBA buffer goes before the encoding (memory: not both at once)
    info = PngImagePlugin.PngInfo()
    for key, value in metadata.items():
        info.add_text(key, value)
    out = io.BytesIO()
    image.save(out, format="png", pnginfo=info, dpi=(dpi, dpi), compress_level=_PNG_ZLIB_LEVEL)
    return out.getvalue()


def _agg_pixels(fig: Figure, dpi: float) -> np.ndarray:
    """The figure drawn by Agg at ``dpi``: an (height, width, 4) uint8 RGBA array, the
    pixels savefig would encode."""
    import numpy as np
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    design_dpi, own_canvas = fig.get_dpi(), fig.canvas
    if dpi != design_dpi:
        fig.set_dpi(dpi)
    try:
        canvas = FigureCanvasAgg(fig)
        canvas.draw()
        return np.asarray(canvas.buffer_rgba())
    finally:
        # As savefig does: the figure keeps no Agg canvas, whose pixels would otherwise live
        # as long as the figure (until a cycle collection, figures being cyclic).
        fig.set_canvas(own_canvas)
        if dpi != design_dpi:
            fig.set_dpi(design_dpi)


def to_svg_and_png(fig: Figure, dpi: float = style.DPI, *, close: bool = True) -> tuple[bytes, bytes]:
    """Both formats from one drawing; ``close`` releases the figure's memory once at the end."""
    try:
        return to_svg(fig, close=False), to_png(fig, dpi=dpi, close=False)
    finally:
        if close:
            _close(fig)


def _close(fig: Figure) -> None:
    # Figures built with Figure() are not in pyplot's registry; dropping the
    # artists is what frees the memory (a build draws dozens).
    fig.clear()
