"""The read stage: conventions -> slide types, and bad sources -> file:line errors."""
from __future__ import annotations

import textwrap
from pathlib import Path

import jupytext
import pytest

from generator.errors import BuildError
from generator.model import SLIDE_TYPES
from generator.source import read_lesson

HEADER = """\
---
jupyter:
  kernelspec: {name: python3, display_name: Python 3, language: python}
  lesson: {title: Demo}
---
"""


def write(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "demo.md"
    path.write_text(HEADER + textwrap.dedent(body), encoding="utf-8")
    return path


def line_of(path: Path, needle: str) -> int:
    return next(i for i, t in enumerate(path.read_text().split("\n"), 1) if needle in t)


def test_every_rise_slide_type_is_reachable(tmp_path):
    path = write(tmp_path, """
        # Title

        <!-- notes -->
        spoken words
        <!-- /notes -->

        ## Second
        <!-- fragment -->
        revealed later
        <!-- continue -->
        same slide, new cell

        ### Deeper
        <!-- skip -->
        not shown
        <!-- /skip -->
        <!-- fragment -->

        ```python
        x = 1
        ```
        """)
    cells = read_lesson(path).cells
    got = [(c.kind, c.slide_type, c.source.split("\n")[0]) for c in cells]
    assert got == [
        ("markdown", "slide", "# Title"),
        ("markdown", "notes", "spoken words"),
        ("markdown", "slide", "## Second"),
        ("markdown", "fragment", "revealed later"),
        ("markdown", "-", "same slide, new cell"),
        ("markdown", "subslide", "### Deeper"),
        ("markdown", "skip", "not shown"),
        ("code", "fragment", "x = 1"),
    ]
    assert {c.slide_type for c in cells} == set(SLIDE_TYPES)


def test_cells_remember_their_source_lines(tmp_path):
    path = write(tmp_path, """
        # Title

        ## Second
        <!-- fragment -->
        revealed later

        ```python
        y = 2
        ```
        """)
    cells = read_lesson(path).cells
    assert cells[1].line == line_of(path, "## Second")
    assert cells[2].line == line_of(path, "revealed later")
    assert cells[3].line == line_of(path, "y = 2")


def test_headings_inside_code_fences_do_not_open_slides(tmp_path):
    path = write(tmp_path, """
        # Title

        ```text
        ## not a slide
        ```
        """)
    assert [c.slide_type for c in read_lesson(path).cells] == ["slide"]


def test_free_comments_pass_through(tmp_path):
    path = write(tmp_path, """
        # Title

        <!-- a remark for other authors, not a marker -->
        """)
    assert "a remark" in read_lesson(path).cells[0].source


@pytest.mark.parametrize(
    "body, needle, words",
    [
        ("# T\n\n<!-- fragmnet -->\ntext\n", "fragmnet", "unknown marker"),
        ("# T\n\n<!-- notes\ntext\n", "<!-- notes", "malformed marker"),
        ("# T\n\n<!-- notes -->\ntext\n", "<!-- notes -->", "never closed"),
        ("# T\n\n<!-- /skip -->\n", "/skip", "without an open"),
        ("# T\n\n<!-- notes -->\n<!-- fragment -->\n<!-- /notes -->\n", "<!-- fragment -->", "inside the notes block"),
        ("# T\n\n<!-- skip -->\nx\n\n```python\n1\n```\n", "<!-- skip -->", "not closed before the code cell"),
        ("# T\n\ntext\n<!-- fragment -->\n", "<!-- fragment -->", "nothing after it"),
    ],
)
def test_bad_markers_name_file_and_line(tmp_path, body, needle, words):
    path = write(tmp_path, "\n" + body)
    with pytest.raises(BuildError) as info:
        read_lesson(path)
    err = info.value
    assert err.path == path and err.line == line_of(path, needle)
    assert words in err.message
    assert str(err).startswith(f"{path}:{err.line}: ") and "\n" not in str(err)


def test_bad_front_matter_is_a_located_error(tmp_path):
    path = tmp_path / "bad.md"
    path.write_text("---\njupyter:\n  lesson: [unclosed\n---\n\n# T\n", encoding="utf-8")
    with pytest.raises(BuildError) as info:
        read_lesson(path)
    assert info.value.path == path and info.value.line is not None


def test_real_lesson_reads_as_jupytext_notebook():
    """The source opens as a notebook in JupyterLab+jupytext, and our reader keeps all its text."""
    path = Path(__file__).resolve().parent.parent / "slides" / "07-sequence-tools.md"
    notebook = jupytext.read(path)
    lesson = read_lesson(path)
    code = [c.source for c in notebook.cells if c.cell_type == "code"]
    assert code and code == [c.source for c in lesson.cells if c.kind == "code"]
    ours = "".join(c.source for c in lesson.cells if c.kind == "markdown")
    for cell in notebook.cells:
        for text_line in cell.source.split("\n"):
            if text_line.strip() and not text_line.strip().startswith("<!--") and cell.cell_type == "markdown":
                assert text_line in ours
