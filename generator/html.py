"""Exporter: a RISE notebook -> one self-contained reveal.js HTML file (nbconvert)."""
from __future__ import annotations

from pathlib import Path

import nbformat
from nbconvert import SlidesExporter

from .templating import TEMPLATES, template_path


def _inline_js(text: str) -> str:
    # A literal "</script" inside inlined code would end the <script> element early.
    return text.replace("</script", "<\\/script")


def _inline_css(text: str) -> str:
    # Theme fonts are fetched through @import; offline they would be failed requests.
    return "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("@import"))


def to_html(notebook: nbformat.NotebookNode, assets: dict[str, Path]) -> str:
    exporter = SlidesExporter(template_name="reveal_offline", extra_template_basedirs=[str(TEMPLATES)])
    offline = {
        "reveal_js": _inline_js(assets["reveal_js"].read_text(encoding="utf-8")),
        "notes_js": _inline_js(assets["notes_js"].read_text(encoding="utf-8")),
        "mathjax_js": _inline_js(assets["mathjax_js"].read_text(encoding="utf-8")),
        "reveal_css": _inline_css(assets["reveal_css"].read_text(encoding="utf-8")),
        "theme_css": _inline_css(assets["theme_css"].read_text(encoding="utf-8")),
        # The same stylesheet jupyterlab-rise loads beside the notebook: one look in both outputs.
        "deck_css": template_path("deck.css").read_text(encoding="utf-8"),
        "transition": notebook.metadata.get("rise", {}).get("transition", "fade"),
        "width": 1280,
        "height": 720,
    }
    body, _ = exporter.from_notebook_node(notebook, resources={"offline": offline})
    return body
