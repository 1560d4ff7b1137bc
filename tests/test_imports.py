"""generator/imports.py: the import it skips is one nbformat never needed."""
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
