"""Exporter: a Deck -> a RISE notebook (nbformat 4) that presents in jupyterlab-rise."""
from __future__ import annotations

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from .notes import as_paragraphs
from .transform import Deck

# Chosen for projection: scroll is only a safety net (every slide is built and tested
# to fit 1280x720 and 1024x768 without it), numbers help
# the audience ask about "slide 12", and `white` loads no web fonts offline.
RISE_SETTINGS = {
    "theme": "white",
    "transition": "fade",
    "scroll": True,
    "slideNumber": "c/t",
    "start_slideshow_at": "beginning",
    "center": False,
    "width": "100%",
    "height": "100%",
    "enable_chalkboard": False,
    # RISE's default: on every slide change the slide's first code cell becomes the active
    # cell, so Shift+Enter runs the live cell on the slide in view (not the cell last run).
    "auto_select": "code",
    # Driven from the keyboard; reveal's arrows also hinted at subslides that did not exist.
    "controls": False,
    "progress": True,
    "margin": 0,  # the stylesheet keeps the margins, the same in both outputs
}

KERNELSPEC = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}


def to_notebook(deck: Deck) -> nbformat.NotebookNode:
    cells = []
    for cell in deck.cells:
        metadata = {"slideshow": {"slide_type": cell.slide_type}}
        if cell.kind == "code":
            nb_cell = new_code_cell(cell.source, metadata=metadata)
        else:
            # The notes panel keeps line breaks: a wrapped source line would break mid-sentence.
            text = as_paragraphs(cell.source) if cell.slide_type == "notes" else cell.source
            nb_cell = new_markdown_cell(text, metadata=metadata)
        # ids from position keep rebuilds byte-identical (nbformat draws random ones)
        nb_cell["id"] = f"cell-{len(cells):03d}"
        cells.append(nb_cell)
    metadata = {
        "kernelspec": KERNELSPEC,
        "language_info": {"name": "python"},
        "rise": RISE_SETTINGS,
        "title": deck.lesson.title,
        "lesson": {"name": deck.lesson.name, **deck.lesson.metadata},
    }
    notebook = new_notebook(cells=cells, metadata=metadata)
    nbformat.validate(notebook)
    return notebook


def notebook_bytes(notebook: nbformat.NotebookNode) -> bytes:
    return (nbformat.writes(notebook) + "\n").encode("utf-8")
