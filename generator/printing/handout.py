"""The handout's slides: one entry per slide, in its final state.

A slide is the cell that opens it (``slide`` or ``subslide``) and every cell
after it up to the next one: fragments and continuations are simply part of the
slide (a printout has no clicks), speaker notes are kept apart, skipped cells
are left out. Each cell's Markdown becomes typst markup through :mod:`.markup`;
an element or formula the printout cannot show is a BuildError at its line. A
code cell prints its code and, when the build ran it, the output it gave (as the
offline HTML shows it): its text, or its image.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from ..errors import BuildError
from ..transform import Deck, RenderedCell
from .markup import MarkupError, markdown_to_typst, string
from .outputs import output_markup


@dataclass
class Slide:
    number: int  # 1-based: slides and subslides, as reveal.js counts sections
    body: list[str] = field(default_factory=list)  # typst markup, one piece per cell
    notes: list[str] = field(default_factory=list)


def _markup(cell: RenderedCell, deck: Deck, images: dict[str, bytes], outputs: list[dict]) -> str:
    if cell.kind == "code":
        shown = [m for m in (output_markup(o, images) for o in outputs) if m]
        return "\n\n".join([f"#raw(block: true, lang: \"python\", {string(cell.source.rstrip())})", *shown])
    try:
        result = markdown_to_typst(cell.source)
    except MarkupError as exc:
        raise BuildError(f"printout: {exc}", deck.lesson.path, cell.line + exc.line) from None
    images.update(result.images)
    return result.text


def slides(deck: Deck, outputs: list[list[dict]] | None = None) -> tuple[list[Slide], dict[str, bytes]]:
    """The deck's slides as handout entries, and the figure files their markup names.

    ``outputs``: each code cell's outputs in order (generator.execute), or None when the
    build did not run them (--no-execute): then the code prints alone.
    """
    out: list[Slide] = []
    images: dict[str, bytes] = {}
    code = iter(outputs or [])
    for cell in deck.cells:
        shown = next(code, []) if cell.kind == "code" else []
        if cell.slide_type == "skip":
            continue
        if cell.slide_type in ("slide", "subslide") or not out:
            out.append(Slide(len(out) + 1))
        markup = _markup(cell, deck, images, shown)
        if cell.slide_type == "notes":
            out[-1].notes.append(markup)
        else:
            out[-1].body.append(markup)
    return out, images
