"""The built RISE notebook: structure, RISE settings, notes, and the worked example's numbers."""
from __future__ import annotations

import base64
import json
import math
import re
from xml.etree import ElementTree

import nbformat
import pytest

from conftest import LESSON

SECTIONS = [
    "What you'll learn",
    "Where this fits",
    "Three places sequences enter vision",
    "Recurrence",
    "Two structural limits",
    "Attention",
    "Worked example",
    "Two lifts",
    "Sequences in vision systems",
    "The Vision Transformer",
    "Why one lesson",
    "Practice",
    "Summary",
]


@pytest.fixture(scope="module")
def notebook(built):
    return nbformat.read(built / "slides" / f"{LESSON}.ipynb", as_version=4)


def slides_of(notebook):
    """Group cells into slides (slide or subslide starts one), as RISE does."""
    slides = []
    for cell in notebook.cells:
        kind = cell.metadata["slideshow"]["slide_type"]
        if kind in ("slide", "subslide") or not slides:
            slides.append([])
        slides[-1].append(cell)
    return slides


def test_notebook_is_valid_and_presents_in_rise(notebook):
    nbformat.validate(notebook)
    rise = notebook.metadata["rise"]
    assert rise["scroll"] is True and rise["slideNumber"] and rise["theme"] == "white"
    assert notebook.metadata["kernelspec"]["name"] == "python3"
    for cell in notebook.cells:
        assert cell.metadata["slideshow"]["slide_type"] in {"slide", "subslide", "fragment", "-", "notes", "skip"}


def test_every_section_of_the_outline_is_a_slide(notebook):
    headings = [c.source.split("\n")[0] for c in notebook.cells if c.metadata["slideshow"]["slide_type"] == "slide"]
    assert headings[0].startswith("# Sequence tools for vision")
    for section in SECTIONS:
        assert any(h.startswith("## ") and section in h for h in headings), section


def test_every_content_slide_has_speaker_notes(notebook):
    for slide in slides_of(notebook):
        title = slide[0].source.split("\n")[0]
        kinds = [c.metadata["slideshow"]["slide_type"] for c in slide]
        assert "notes" in kinds, f"no speaker notes on {title!r}"


def test_lesson_has_a_live_code_demo(notebook):
    code = [c for c in notebook.cells if c.cell_type == "code"]
    assert code and "np." in code[0].source


def test_figures_are_embedded_in_the_notebook(notebook):
    """Figures travel inside the .ipynb as SVG data URIs (JupyterLab renders no SVG attachments)."""
    seen = 0
    for cell in notebook.cells:
        for data in re.findall(r"\]\(data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)(?: \"[^\"]*\")?\)", cell.source):
            root = ElementTree.fromstring(base64.b64decode(data))
            assert root.tag.endswith("svg")
            seen += 1
        assert "figure:" not in cell.source and "attachment:" not in cell.source
    assert seen >= 6


def _softmax_by_hand(q, keys):
    """Reference: dot products by loops, log-sum-exp softmax."""
    d = len(q)
    scaled = [sum(a * b for a, b in zip(q, k)) / math.sqrt(d) for k in keys]
    top = max(scaled)
    log_z = top + math.log(sum(math.exp(s - top) for s in scaled))
    return [math.exp(s - log_z) for s in scaled]


def test_worked_example_numbers_agree_with_a_recomputation(notebook):
    code = next(c.source for c in notebook.cells if c.cell_type == "code")
    q = json.loads(re.search(r"q = np.array\((.*)\)", code).group(1))
    keys = json.loads(re.search(r"K = np.array\((.*)\)", code).group(1))
    values = json.loads(re.search(r"V = np.array\((.*)\)", code).group(1))
    assert len(q) == 2 and len(keys) == 3 and len(values) == 3
    weights = _softmax_by_hand(q, keys)
    output = [sum(w * v[j] for w, v in zip(weights, values)) for j in range(len(values[0]))]
    text = "\n".join(c.source for c in notebook.cells if c.cell_type == "markdown")
    worked = text[text.index("Worked example"):text.index("Two lifts")]
    for i, w in enumerate(weights, start=1):
        assert re.search(rf"w_{i} = [0-9.]+ / [0-9.]+ = {w:.3f}", worked), (i, w)
    for j, o in enumerate(output):
        shown = f"{o:.2f}"
        assert shown.lstrip("-") in worked, (j, shown)
    dots = [sum(a * b for a, b in zip(q, k)) for k in keys]
    for i, s in enumerate(dots, start=1):
        assert re.search(rf"s_{i} = [^$]* = {s:.2f}\$", worked), (i, s)
