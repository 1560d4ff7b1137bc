"""Exporter: a Deck -> a RISE notebook (nbformat 4) that presents in jupyterlab-rise."""
from __future__ import annotations

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from .transform import Deck

# Chosen for projection: long slides scroll instead of clipping, numbers help
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
    "auto_select": "none",
}

KERNELSPEC = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}


def to_notebook(deck: Deck) -> nbformat.NotebookNode:
    cells = []
    for cell in deck.cells:
        metadata = {"slideshow": {"slide_type": cell.slide_type}}
        if cell.kind == "code":
            nb_cell = new_code_cell(cell.source, metadata=metadata)
        else:
            nb_cell = new_markdown_cell(cell.source, metadata=metadata)
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
