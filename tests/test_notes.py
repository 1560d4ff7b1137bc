"""Speaker notes are paragraphs: the source's line wrapping is not the presenter's."""
from __future__ import annotations

from generator.notes import as_paragraphs


def test_wrapped_lines_join_and_blocks_stay():
    source = "Give the room one minute\nto compute.\n\nCommon slips:\n- one\n  wrapped\n- two\n1. a\n2. b\n```\nx = 1\ny = 2\n```"
    assert as_paragraphs(source).split("\n") == [
        "Give the room one minute to compute.",
        "",
        "Common slips:",
        "- one wrapped",
        "- two",
        "1. a",
        "2. b",
        "```",
        "x = 1",
        "y = 2",
        "```",
    ]


def test_built_notes_have_no_wrapped_sentences(built):
    import nbformat

    from conftest import LESSON

    notebook = nbformat.read(built / "slides" / f"{LESSON}.ipynb", as_version=4)
    notes = [c.source for c in notebook.cells if c.metadata["slideshow"]["slide_type"] == "notes"]
    assert notes
    for text in notes:
        for line in text.split("\n"):
            assert not line or line.rstrip().endswith((".", ":", "?", "!", ")", ";")) or line.lstrip().startswith(("-", "*")), line
    welcome = next(t for t in notes if t.startswith("Welcome."))
    assert "\n" not in welcome  # the source wraps it over six lines
