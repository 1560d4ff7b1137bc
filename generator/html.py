"""Exporter: a RISE notebook -> one self-contained reveal.js HTML file (nbconvert).

nbconvert's HTML exporter runs every markdown cell through mistune and then parses
and re-serializes the whole page with BeautifulSoup. Both are slow on large
payloads that they pass through unchanged: mistune scans each figure's base64 data
URI character by character as a link target, and BeautifulSoup parses the inlined
reveal.js and MathJax (about 3 MB). So nbconvert renders the page around short
placeholders, and the payloads are spliced in afterwards. Placeholders are plain
letters and digits, which both tools copy verbatim, so the page is byte for byte
what a direct render gives (tests/test_html_offline.py compares the two). The notebook is
validated once, after nbconvert's last preprocessor, instead of after each of them.
"""
from __future__ import annotations

import copy
import re
import secrets
from pathlib import Path

import nbformat
from nbconvert import SlidesExporter

from .templating import TEMPLATES, template_path

# A base64 payload of a data URI in markdown, as inline_figures writes them.
_DATA_URI = re.compile(r"(?<=;base64,)[A-Za-z0-9+/]+=*")
_SPLICE_MIN = 1024  # payloads shorter than this are left in place: splicing them saves nothing


def _inline_js(text: str) -> str:
    # A literal "</script" inside inlined code would end the <script> element early.
    return text.replace("</script", "<\\/script")


def _inline_css(text: str) -> str:
    # Theme fonts are fetched through @import; offline they would be failed requests.
    return "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("@import"))


class _Splices:
    """Payloads taken out of the page before nbconvert renders it, to be put back after."""

    def __init__(self) -> None:
        self._tag = f"seqvisionsplice{secrets.token_hex(8)}x"
        self.payloads: dict[str, str] = {}

    def hold(self, payload: str) -> str:
        token = f"{self._tag}{len(self.payloads)}x"
        self.payloads[token] = payload
        return token

    def markdown(self, source: str) -> str:
        return _DATA_URI.sub(lambda m: self.hold(m.group()) if len(m.group()) >= _SPLICE_MIN else m.group(), source)

    def restore(self, page: str) -> str:
        if not self.payloads:
            return page
        pattern = re.compile(re.escape(self._tag) + r"\d+x")
        found = 0

        def put(match: re.Match[str]) -> str:
            nonlocal found
            found += 1
            return self.payloads[match.group()]

        page = pattern.sub(put, page)
        if found != len(self.payloads):  # a placeholder lost or copied: never ship a half-spliced page
            raise RuntimeError(f"HTML splice: {found} placeholders found for {len(self.payloads)} payloads")
        return page


def _offline(notebook: nbformat.NotebookNode, assets: dict[str, Path]) -> dict[str, object]:
    return {
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


_ASSETS = ("reveal_js", "notes_js", "mathjax_js", "reveal_css", "theme_css")


def _exporter(**settings: object) -> SlidesExporter:
    return SlidesExporter(template_name="reveal_offline", extra_template_basedirs=[str(TEMPLATES)], **settings)


def to_html(notebook: nbformat.NotebookNode, assets: dict[str, Path], *, splice: bool = True) -> str:
    """The page; ``splice=False`` renders it as nbconvert does by default, payloads in place
    and the notebook validated after every preprocessor (the reference the tests hold this to)."""
    offline = _offline(notebook, assets)
    if not splice:
        body, _ = _exporter().from_notebook_node(notebook, resources={"offline": offline})
        return body
    # Validated once, after the last of its preprocessors (nbconvert's optimistic_validation),
    # rather than after each of the 13: the same check of the same final notebook, 13 -> 1.
    exporter = _exporter(optimistic_validation=True)
    splices = _Splices()
    for name in _ASSETS:
        offline[name] = splices.hold(offline[name])  # type: ignore[arg-type]
    held = copy.deepcopy(notebook)
    for cell in held.cells:
        if cell.cell_type == "markdown":
            cell.source = splices.markdown(cell.source)
    body, _ = exporter.from_notebook_node(held, resources={"offline": offline})
    return splices.restore(body)
