"""The RISE deck presents in JupyterLab with jupyterlab-rise (a real server, a real browser)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import LESSON, needs_jupyterlab
from lab import TOKEN, lab_server

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
# Console noise RISE makes on its own, checked against a list rather than ignored.
ALLOWED_CONSOLE = ("rise.css", f"{LESSON}.css", "RangeError: Maximum call stack size exceeded", "favicon")


@pytest.fixture(scope="module")
def lab(built):
    with lab_server(built) as base:
        yield base


def walk_until(page, key: str, text: str, limit: int) -> None:
    for _ in range(limit * 3):
        if text in page.locator("section.present").last.inner_text():
            page.wait_for_timeout(400)
            page.evaluate("document.fonts.ready")
            return
        page.keyboard.press(key)
        page.wait_for_timeout(150)
    pytest.fail(f"never reached the slide with {text!r}")


@needs_jupyterlab
def test_deck_presents_in_rise(lab, built):
    from browser import browser_page

    cells = json.loads((built / "slides" / f"{LESSON}.ipynb").read_text())["cells"]
    types = [c["metadata"]["slideshow"]["slide_type"] for c in cells]
    leaves = types.count("slide") + types.count("subslide")
    console = []
    ARTIFACTS.mkdir(exist_ok=True)
    with browser_page() as page:
        page.on("console", lambda m: m.type == "error" and console.append(m.text))
        page.goto(f"{lab}/rise/slides/{LESSON}.ipynb?token={TOKEN}")
        page.wait_for_selector("body.rise-enabled .reveal.ready .slides > section", timeout=90000)
        page.wait_for_selector("mjx-container", state="attached", timeout=60000)
        page.wait_for_load_state("networkidle")
        page.evaluate("document.fonts.ready")
        assert page.locator(".jp-Dialog").count() == 0  # no "Select Kernel" dialog over the slides
        counted = page.evaluate(
            "[...document.querySelectorAll('.reveal .slides section')]"
            ".filter(s => !s.querySelector('section')).length"
        )
        assert counted == leaves
        page.screenshot(path=str(ARTIFACTS / "rise-title.png"))
        assert "Sequence tools for vision" in page.locator("section.present").last.inner_text()
        # ArrowRight walks the top-level slides; the worked example's steps are
        # subslides below it, reached with PageDown (RISE leaves ArrowDown to the notebook).
        walk_until(page, "ArrowRight", "Worked example", leaves)
        page.screenshot(path=str(ARTIFACTS / "rise-worked-example.png"))
        walk_until(page, "PageDown", "drawn from its numbers", leaves)
        page.wait_for_function(
            "[...document.querySelectorAll('section.present:not(.stack) .jp-RenderedMarkdown img')].some(i => i.complete && i.naturalWidth > 0)",
            timeout=20000,
        )
        page.screenshot(path=str(ARTIFACTS / "rise-attention-figure.png"))
        shown = page.evaluate("[...document.querySelectorAll('section.present:not(.stack) .jp-RenderedMarkdown img')].map(i => i.naturalWidth)")
    assert shown and all(w > 300 for w in shown)
    unexpected = [m for m in console if not any(a in m for a in ALLOWED_CONSOLE)]
    assert unexpected == []
