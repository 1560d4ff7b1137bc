"""The handout's slides: one entry per slide, in its final state.

A slide is the cell that opens it (``slide`` or ``subslide``) and every cell
after it up to the next one: fragments and continuations are simply part of the
slide (a printout has no clicks), speaker notes are kept apart, skipped cells
are left out. Each cell's Markdown becomes typst markup through :mod:`.markup`;
an element or formula the printout cannot show is a BuildError at its line.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from ..errors import BuildError
from ..transform import Deck, RenderedCell
from .markup import MarkupError, markdown_to_typst, string


@dataclass
class Slide:
    number: int  # 1-based: slides and subslides, as reveal.js counts sections
    body: list[str] = field(default_factory=list)  # typst markup, one piece per cell
    notes: list[str] = field(default_factory=list)


def _markup(cell: RenderedCell, deck: Deck, images: dict[str, bytes]) -> str:
    if cell.kind == "code":
        return f"#raw(block: true, lang: \"python\", {string(cell.source.rstrip())})"
    try:
        result = markdown_to_typst(cell.source)
    except MarkupError as exc:
        raise BuildError(f"printout: {exc}", deck.lesson.path, cell.line + exc.line) from None
    images.update(result.images)
    return result.text


def slides(deck: Deck) -> tuple[list[Slide], dict[str, bytes]]:
    """The deck's slides as handout entries, and the figure files their markup names."""
    out: list[Slide] = []
    images: dict[str, bytes] = {}
    for cell in deck.cells:
        if cell.slide_type == "skip":
            continue
        if cell.slide_type in ("slide", "subslide") or not out:
            out.append(Slide(len(out) + 1))
        markup = _markup(cell, deck, images)
        if cell.slide_type == "notes":
            out[-1].notes.append(markup)
        else:
            out[-1].body.append(markup)
    return out, images
