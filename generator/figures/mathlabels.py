"""Math labels typeset once, however many formats draw them.

A matplotlib ``Text`` lays its mathtext out again for every renderer: the SVG writer parses a
label twice (at 100 pt to measure it, at its own size to place the glyphs) and Agg once more at
the PNG's dpi. A parse is a few milliseconds of pyparsing; lesson 7's figures carry 57 labels,
which took 228 parses (``benchmarks/figures_bench.py --split``), now 66.

A ``MathLabel`` is a ``Text`` that asks once: ``typeset`` parses a label at its size with
matplotlib's public ``MathTextParser`` (72 dpi, unhinted: the parse the SVG writer draws
from, so an SVG's glyphs keep their places relative to each other), and the label is drawn
through ``_OneParse``, a renderer that answers Text's two mathtext questions from that parse:
the label's width, height and depth (for Text's own alignment and rotation, unchanged), and
its glyphs, each drawn as a one-character plain text in the font mathtext chose, where
mathtext put it. An SVG keeps them as text; Agg renders them with its usual hinting.

Not byte-identical, and why: mathtext rounds a parse's box up to whole output units, which
matplotlib measured in hundredths of a point (SVG) or in PNG pixels, and which are points
here, so a label's alignment can move by up to half a point. Over the lesson's and the
gallery's figures glyphs moved at most 0.63 pt in an SVG and 0.8 px in a PNG; the figures'
sizes are unchanged (``style.text_width`` still measures with matplotlib's own parse).
A label with rules (fraction bars, roots), or whose glyphs would not come back in their own
font when named by family and style, is left to matplotlib.
"""
from __future__ import annotations

import contextlib
import math
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from matplotlib.text import Text

if TYPE_CHECKING:
    from matplotlib.font_manager import FontProperties
    from matplotlib.mathtext import MathTextParser


@dataclass(frozen=True)
class Glyph:
    char: str
    x: float  # points right of the label's origin on its baseline
    y: float  # points above it
    font: FontProperties  # the face mathtext chose, by name, at the glyph's size


@dataclass(frozen=True)
class Typeset:
    width: float  # points
    height: float  # ascent plus depth, points
    depth: float
    glyphs: tuple[Glyph, ...]
    plain: bool  # no rules, every glyph's font found again by name: drawn from this parse


def typeset(s: str, prop: FontProperties) -> Typeset:
    """The mathtext ``s`` laid out at ``prop``'s size, one parse per label and font."""
    return _typeset(s, prop.copy())  # a copy: the cache must not key on a font that changes


@lru_cache(maxsize=None)
def _typeset(s: str, prop: FontProperties) -> Typeset:
    from matplotlib import font_manager
    from matplotlib.font_manager import FontProperties

    parse = _parser().parse(s, 72, prop)
    glyphs, plain = [], not parse.rects
    for face, size, code, _index, x, y in parse.glyphs:
        if chr(code).isspace():
            continue
        entry = font_manager.ttfFontProperty(face)
        font = FontProperties(
            family=entry.name, style=entry.style, variant=entry.variant, weight=entry.weight,
            stretch=entry.stretch, size=size, math_fontfamily=prop.get_math_fontfamily(),
        )
        plain = plain and _found(font) == face.fname
        glyphs.append(Glyph(chr(code), x, y, font))
    return Typeset(parse.width, parse.height, parse.depth, tuple(glyphs), plain)


def _found(font: FontProperties) -> str | None:
    from matplotlib import font_manager

    try:
        return font_manager.findfont(font, fallback_to_default=False)
    except ValueError:
        return None


@lru_cache(maxsize=1)
def _parser() -> MathTextParser:
    from matplotlib.mathtext import MathTextParser

    return MathTextParser("path")


class MathLabel(Text):
    """A Text whose mathtext is parsed once (``typeset``) for every renderer it meets."""

    def draw(self, renderer) -> None:
        super().draw(_OneParse(renderer))

    def get_window_extent(self, renderer=None, dpi=None):
        return super().get_window_extent(None if renderer is None else _OneParse(renderer), dpi)


class _OneParse:
    """A renderer that answers mathtext from ``typeset`` and passes everything else on."""

    def __init__(self, renderer: Any):
        self._renderer = renderer

    def __getattr__(self, name: str) -> Any:
        return getattr(self._renderer, name)

    def get_text_width_height_descent(self, s: str, prop: FontProperties, ismath: Any):
        label = typeset(s, prop) if ismath is True else None
        if label is None or not label.plain:
            return self._renderer.get_text_width_height_descent(s, prop, ismath)
        scale = self._renderer.points_to_pixels(1.0)
        return label.width * scale, label.height * scale, label.depth * scale

    def draw_text(
        self, gc, x: float, y: float, s: str, prop: FontProperties, angle: float, ismath: Any = False, mtext=None
    ):
        label = typeset(s, prop) if ismath is True else None
        if label is None or not label.plain:
            return self._renderer.draw_text(gc, x, y, s, prop, angle, ismath=ismath, mtext=mtext)
        # (x, y) is the label's origin on its baseline in display units, y pointing down where
        # the renderer's flipy() is true (Text flipped it, as for SVG and Agg).
        scale = self._renderer.points_to_pixels(1.0)
        up = -1.0 if self._renderer.flipy() else 1.0
        cos, sin = math.cos(math.radians(angle)), math.sin(math.radians(angle))
        with _outlined():
            for glyph in label.glyphs:
                dx, dy = glyph.x * scale, glyph.y * scale
                gx, gy = x + dx * cos - dy * sin, y + up * (dx * sin + dy * cos)
                self._renderer.draw_text(gc, gx, gy, glyph.char, glyph.font, angle, ismath=False)


@contextlib.contextmanager
def _outlined() -> Iterator[None]:
    """In an SVG, a label's glyphs drawn as their outlines (matplotlib's own ``svg.fonttype``
    "path": each glyph defined once, then placed), not as text; other renderers ignore it.

    Each glyph sits where mathtext put it for DejaVu's metrics. As text, a viewer without
    DejaVu Sans (macOS, Windows and phones ship none) sets it in its own default font, a
    serif of other widths: "key k_i" reads "ke y k i", and typst's handout did the same. As
    outlines the label looks the same everywhere; plain labels stay text, in a font list that
    falls back to Arial and Helvetica. matplotlib writes each glyph's character in a comment
    beside its outline, so the label can still be read back from the file.
    """
    import matplotlib

    # One key set and put back (rc_context would copy every setting, per label).
    before = matplotlib.rcParams["svg.fonttype"]
    matplotlib.rcParams["svg.fonttype"] = "path"
    try:
        yield
    finally:
        matplotlib.rcParams["svg.fonttype"] = before
