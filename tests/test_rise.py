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


def _title(page) -> str:
    return page.evaluate(
        "[...document.querySelectorAll('.reveal .slides section.present')].pop().innerText.split('\\n')[0]"
    )


def _space_to(page, title: str, limit: int = 60) -> None:
    for _ in range(limit):
        if _title(page).startswith(title):
            page.wait_for_timeout(600)
            return
        page.keyboard.press("Space")
        page.wait_for_timeout(250)
    pytest.fail(f"Space never reached {title!r}")


@pytest.fixture(scope="module")
def rise_page(lab):
    from browser import browser_page

    with browser_page() as page:
        yield page


def _arrive(page, lab) -> None:
    from lab import open_rise

    open_rise(page, lab, f"slides/{LESSON}.ipynb")
    page.wait_for_timeout(1500)


@needs_jupyterlab
def test_space_advances_on_arrival_without_a_click(rise_page, lab):
    _arrive(rise_page, lab)
    assert _title(rise_page).startswith("Sequence tools for vision")
    rise_page.keyboard.press("Space")
    rise_page.wait_for_timeout(800)
    assert _title(rise_page) == "What you'll learn"


def _run_live_cell(page, click: bool = False) -> str:
    _space_to(page, "Live: compute it with numpy")
    if click:
        page.locator("section.present .jp-CodeCell").last.click()
    page.keyboard.press("Shift+Enter")
    try:
        page.wait_for_function(
            "[...document.querySelectorAll('section.present .jp-OutputArea')].some(o => o.innerText.includes('weights:'))",
            timeout=30000,
        )
    except Exception:
        return ""
    return page.evaluate("[...document.querySelectorAll('section.present .jp-OutputArea')].map(o => o.innerText).join('')")


@needs_jupyterlab
def test_live_cell_runs_with_shift_enter_and_prints_the_slides_weights(rise_page, lab, built):
    import re

    import nbformat

    _arrive(rise_page, lab)
    printed = _run_live_cell(rise_page, click=True)  # RISE's shortcuts need focus (see the xfail below)
    notebook = nbformat.read(built / "slides" / f"{LESSON}.ipynb", as_version=4)
    softmax = next(c.source for c in notebook.cells if c.cell_type == "markdown" and "**4. Softmax**" in c.source)
    shown = re.findall(r"w_\d = [\d.]+ / [\d.]+ = (\d\.\d{3})", softmax)
    assert len(shown) == 3 and f"weights: {' '.join(shown)}" in printed


@needs_jupyterlab
@pytest.mark.xfail(strict=True, reason=(
    "jupyterlab-rise focuses the notebook only on a window focus event, which fires before the "
    "slideshow starts; Shift+Enter, T and W need that focus (README, Keys). Strict: passes once fixed."))
def test_live_cell_runs_with_shift_enter_on_arrival(rise_page, lab):
    _arrive(rise_page, lab)
    assert "weights:" in _run_live_cell(rise_page)


@needs_jupyterlab
@pytest.mark.xfail(strict=True, reason=(
    "The speaker window's preview frames load the deck again; each frame's RISE starts at slide 1 "
    "and reveal's notes plugin forwards that slide change to the audience view (README, Keys). "
    "Not start_slideshow_at: 'selected' jumps the same way. Strict: passes once fixed upstream."))
def test_speaker_notes_keep_the_audience_on_its_slide(rise_page, lab):
    _arrive(rise_page, lab)
    rise_page.mouse.click(640, 360)
    _space_to(rise_page, "Three places sequences enter vision")
    rise_page.keyboard.press("t")
    rise_page.wait_for_timeout(10000)
    opened = len(rise_page.context.pages)
    for extra in rise_page.context.pages[1:]:
        extra.close()
    assert opened == 2  # the speaker window did open
    assert _title(rise_page) == "Three places sequences enter vision"
