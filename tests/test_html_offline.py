"""The standalone reveal.js HTML presents from file:// with the network blocked."""
from __future__ import annotations

import json
import re
from pathlib import Path

from conftest import LESSON, needs_browser

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"


def expected_sections(notebook_path: Path) -> tuple[int, int]:
    cells = json.loads(notebook_path.read_text())["cells"]
    types = [c["metadata"]["slideshow"]["slide_type"] for c in cells]
    return types.count("slide"), types.count("slide") + types.count("subslide")


def test_html_loads_nothing_from_outside(built):
    html = (built / "slides" / f"{LESSON}.html").read_text()
    # Inlined libraries mention URLs in their code; the markup itself must fetch nothing.
    markup = re.sub(r"<(script|style)\b[^>]*>.*?</\1>", "", html, flags=re.S)
    assert "<script src" not in markup and "<link" not in markup
    # Every src/href must be inline (data:) or an in-page anchor: nothing to fetch.
    for url in re.findall(r'(?:src|href)\s*=\s*"([^"]*)"', markup):
        assert url.startswith(("data:", "#")) or url == "", url


@needs_browser
def test_html_presents_offline(built):
    from browser import browser_page

    path = built / "slides" / f"{LESSON}.html"
    horizontal, total = expected_sections(built / "slides" / f"{LESSON}.ipynb")
    outside, failed, errors = [], [], []
    with browser_page() as page:
        def guard(route):
            url = route.request.url
            if url.startswith(("file://", "data:", "blob:")):
                route.continue_()
            else:
                outside.append(url)
                route.abort()

        page.route("**/*", guard)
        page.on("requestfailed", lambda r: failed.append(r.url))
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(path.as_uri())
        page.wait_for_function("window.Reveal && Reveal.isReady()", timeout=30000)
        page.wait_for_function("document.body.dataset.mathjax === 'done'", timeout=60000)
        page.evaluate("document.fonts.ready")
        counts = page.evaluate(
            "[Reveal.getHorizontalSlides().length, Reveal.getTotalSlides(),"
            " document.querySelectorAll('mjx-container').length]"
        )
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "html-title.png"))
        text = page.evaluate("document.querySelector('.reveal .slides').innerText")
        # find the worked-example slide and photograph it too
        index = page.evaluate(
            "Reveal.getSlides().findIndex(s => s.innerText.includes('Worked example'))"
        )
        assert index >= 0
        page.evaluate(f"Reveal.slide(...Object.values(Reveal.getIndices(Reveal.getSlides()[{index}])))")
        page.wait_for_timeout(600)
        page.screenshot(path=str(ARTIFACTS / "html-worked-example.png"))
    assert outside == [] and failed == [] and errors == []
    assert counts[0] == horizontal and counts[1] == total
    assert counts[2] >= 10  # the formulas of the lesson were typeset
    # no TeX left raw: every $...$ and $$...$$ became an mjx-container
    assert "$$" not in text and not re.search(r"\$[^$\s][^$]*\$", text)
    assert "\\frac" not in text and "\\tanh" not in text


def test_spliced_page_is_what_nbconvert_renders(built):
    """The payloads spliced in after nbconvert, and the notebook validated once rather than
    after every preprocessor (generator/html.py), give the very page that nbconvert renders
    as configured by default with the payloads in place: same bytes, every figure and library
    included."""
    import nbformat

    from generator.html import to_html
    from generator.vendor import ensure_assets

    notebook = nbformat.read(built / "slides" / f"{LESSON}.ipynb", as_version=4)
    assets = ensure_assets()
    direct = to_html(notebook, assets, splice=False)
    spliced = to_html(notebook, assets)
    assert spliced.count("data:image/svg+xml;base64,") >= 8 and "seqvisionsplice" not in spliced
    # Not `spliced == direct`: pytest's diff of two 3 MB strings takes minutes.
    first = next((i for i, (a, b) in enumerate(zip(spliced, direct)) if a != b), min(len(spliced), len(direct)))
    assert len(spliced) == len(direct) and first == len(direct), f"pages differ from character {first}"


def test_page_still_validates_its_notebook():
    """Validated once, after nbconvert's last preprocessor (html.to_html): a notebook that
    breaks the schema is refused as nbconvert's default refuses it."""
    import nbformat
    import pytest
    from nbformat.v4 import new_markdown_cell, new_notebook

    from generator.html import to_html
    from generator.vendor import ensure_assets

    notebook = new_notebook(cells=[new_markdown_cell("# A slide")])
    notebook.cells[0]["id"] = "not a cell id!"  # ids are letters, digits, - and _
    for splice in (True, False):
        with pytest.raises(nbformat.ValidationError, match="not a cell id"):
            to_html(notebook, ensure_assets(), splice=splice)
