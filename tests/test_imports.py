"""generator/imports.py: the imports it skips are ones nbformat and jupytext never needed."""
from __future__ import annotations

import subprocess
import sys

from conftest import ROOT

PROBE = """
import sys
from generator.imports import skip_unused
skip_unused()
import nbformat
from nbformat.v4 import new_markdown_cell, new_notebook
nb = new_notebook(cells=[new_markdown_cell("x")])
nbformat.validate(nb)
broken = new_notebook(cells=[new_markdown_cell("x")])
broken.cells[0]["cell_type"] = "nonsense"
try:
    nbformat.validate(broken)
except nbformat.ValidationError:
    print("still validates")
print(sorted(m for m in sys.modules if m.startswith("rfc3987_syntax") and sys.modules[m] is not None))
"""


def test_nbformat_validates_without_rfc3987_syntax():
    done = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split("\n")[:2] == ["still validates", "[]"]


JUPYTEXT_PROBE = """
import sys
from generator.imports import skip_unused
skip_unused()
from generator.source import read_lesson
from pathlib import Path
lesson = read_lesson(Path("slides/07-sequence-tools.md"))
print(len(lesson.cells) > 10, sorted(m.split(".")[0] for m in sys.modules
      if m.split(".")[0] in ("jupyter_server", "tornado", "prometheus_client") and sys.modules[m] is not None)[:1])
"""


def test_lessons_read_without_jupytext_contents_managers():
    """jupytext reads a lesson with its contents managers marked absent, and so imports no
    Jupyter server (nor tornado, nor prometheus_client); without skip_unused() it imports them."""
    done = subprocess.run([sys.executable, "-c", JUPYTEXT_PROBE], capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split("\n")[0] == "True []"
    without = subprocess.run([sys.executable, "-c", JUPYTEXT_PROBE.replace("skip_unused()\n", "")],
                             capture_output=True, text=True, cwd=ROOT)
    assert without.returncode == 0, without.stderr
    assert without.stdout.split("\n")[0] != "True []"  # the check can fail: the full import loads them


DECK_PROBE = """
import sys
from pathlib import Path
from generator import anki
from generator.source import read_lesson
lesson = read_lesson(Path("slides/07-sequence-tools.md"))
data, report = anki.package_lesson(lesson, Path("cards"), 5, 1790000000, Path("no-such-previous.apkg"))
print(len(data) > 10_000, report.total_notes > 20, "matplotlib" in sys.modules, "genanki" in sys.modules)
"""


def test_the_deck_is_built_without_matplotlib():
    """Every card figure is a templated SVG (figures/cards.py), so the deck's stage, a child
    process of its own (exporters: apart=("genanki",)), must not pay for matplotlib."""
    done = subprocess.run([sys.executable, "-c", DECK_PROBE], capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["True", "True", "False", "True"]
