"""Card text to the HTML Anki stores in a field.

Card sources are plain text so that ``a < b`` in prose or ``<`` in a formula
cannot break the card; we escape everything and add back only the few forms a
card needs: paragraphs, bulleted lists and ``**bold**``. MathJax (``\\( \\)``,
``\\[ \\]``) passes through untouched: escaping ``<``/``&`` inside it is what
Anki's own editor does too, and MathJax reads the entities correctly.
"""
from __future__ import annotations

import html
import re

_BOLD = re.compile(r"\*\*(.+?)\*\*")


def _inline(text: str) -> str:
    return _BOLD.sub(r"<b>\1</b>", html.escape(text, quote=False))


def to_html(text: str) -> str:
    """Blank-line separated paragraphs; runs of ``- `` lines become a list.

    A field that is a single line of prose stays bare (no ``<p>``), so short
    answers do not gain paragraph margins.
    """
    pieces: list[tuple[str, str]] = []  # ("p" | "ul", html)
    for paragraph in re.split(r"\n\s*\n", text.strip()):
        prose: list[str] = []
        items: list[str] = []
        for line in (line.strip() for line in paragraph.splitlines()):
            if not line:
                continue
            if line.startswith("- "):
                if prose:
                    pieces.append(("p", _inline(" ".join(prose))))
                    prose = []
                items.append(line[2:].strip())
            elif items:
                items[-1] += " " + line  # a wrapped list item
            else:
                prose.append(line)
        if prose:
            pieces.append(("p", _inline(" ".join(prose))))
        if items:
            pieces.append(("ul", "<ul>" + "".join(f"<li>{_inline(item)}</li>" for item in items) + "</ul>"))
    if len(pieces) == 1 and pieces[0][0] == "p":
        return pieces[0][1]
    return "".join(f"<p>{body}</p>" if kind == "p" else body for kind, body in pieces)
