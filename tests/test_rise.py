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


def test_seqvision_rise_is_installed_with_the_package():
    """pip installs every file of our RISE extension where JupyterLab looks (pyproject's
    data-files), and its package.json loads a file that exists."""
    import tomllib

    from conftest import ROOT

    folder = ROOT / "share" / "jupyter" / "labextensions" / "seqvision-rise"
    shipped = {p.relative_to(ROOT).as_posix() for p in folder.rglob("*") if p.is_file()}
    data_files = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["data-files"]
    installed = {f"{target}/{Path(source).name}": source for target, sources in data_files.items() for source in sources}
    assert installed == {path: path for path in shipped}  # each file lands where it sits in the repo
    build = json.loads((folder / "package.json").read_text())["jupyterlab"]["_build"]
    assert (folder / build["load"]).is_file() and build["extension"] == "./extension"


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
def test_space_and_w_work_on_arrival_without_a_click(rise_page, lab):
    _arrive(rise_page, lab)
    assert _title(rise_page).startswith("Sequence tools for vision")
    rise_page.keyboard.press("Space")
    rise_page.wait_for_timeout(800)
    assert _title(rise_page) == "What you'll learn"
    # W is one of RISE's own shortcuts, which need the focus in the notebook (seqvision-rise)
    rise_page.keyboard.press("w")
    rise_page.wait_for_timeout(800)
    assert "overview" in rise_page.locator(".reveal").get_attribute("class")
    rise_page.keyboard.press("w")
    rise_page.wait_for_timeout(800)
    assert "overview" not in rise_page.locator(".reveal").get_attribute("class")
    assert _title(rise_page) == "What you'll learn"


def _run_live_cell(page) -> str:
    _space_to(page, "Live: compute it with numpy")
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
def test_live_cell_runs_with_shift_enter_on_arrival_and_prints_the_slides_weights(rise_page, lab, built):
    """No click: the focus has to survive walking past seven slides (reveal.js hides them)."""
    import re

    import nbformat

    _arrive(rise_page, lab)
    printed = _run_live_cell(rise_page)
    notebook = nbformat.read(built / "slides" / f"{LESSON}.ipynb", as_version=4)
    softmax = next(c.source for c in notebook.cells if c.cell_type == "markdown" and "**4. Softmax**" in c.source)
    shown = re.findall(r"w_\d = [\d.]+ / [\d.]+ = (\d\.\d{3})", softmax)
    assert len(shown) == 3 and f"weights: {' '.join(shown)}" in printed
    # the focus RISE needs is given by code, so no focus ring is drawn on the slide
    ring = rise_page.evaluate("getComputedStyle(document.activeElement).boxShadow")
    ARTIFACTS.mkdir(exist_ok=True)
    rise_page.screenshot(path=str(ARTIFACTS / "rise-live-cell.png"))
    assert ring == "none", ring


def _notes_after(built: Path, title: str) -> str:
    """The first words of the notes cell that follows the slide titled ``title``."""
    cells = json.loads((built / "slides" / f"{LESSON}.ipynb").read_text(encoding="utf-8"))["cells"]
    at = next(i for i, c in enumerate(cells) if f"# {title}" in "".join(c["source"]))
    notes = next(c for c in cells[at:] if c["metadata"]["slideshow"]["slide_type"] == "notes")
    return "".join(notes["source"])[:30]


@needs_jupyterlab
def test_speaker_notes_keep_the_audience_on_its_slide(rise_page, lab, built):
    """T opens RISE's speaker window; its preview frames start their own slideshows, which
    must not move the audience view (README, Presenting)."""
    title = "Three places sequences enter vision"
    _arrive(rise_page, lab)
    _space_to(rise_page, title)
    with rise_page.context.expect_page(timeout=20000) as opened:
        rise_page.keyboard.press("t")  # no click first: the focus came with the slideshow
    speaker = opened.value
    try:
        rise_page.wait_for_timeout(10000)
        assert _title(rise_page) == title
        # The speaker window connects once its preview frames have started (their RISE is
        # what used to move the audience): wait for its notes, then look again.
        speaker.wait_for_function(
            "text => document.querySelector('.speaker-controls-notes').innerText.includes(text)",
            arg=_notes_after(built, title), timeout=60000,
        )
        rise_page.wait_for_timeout(1500)  # past the speaker window's 500 ms debounce
        assert _title(rise_page) == title
        frame = speaker.frame_locator("#current-slide iframe")
        assert frame.locator("section.present").last.inner_text().startswith(title)
        rise_page.bring_to_front()
        _space_to(rise_page, "The three pipelines")
        speaker.wait_for_timeout(3000)
        assert frame.locator("section.present").last.inner_text().startswith("The three pipelines")
        assert _notes_after(built, "The three pipelines") in speaker.locator(".speaker-controls-notes").inner_text()
        ARTIFACTS.mkdir(exist_ok=True)
        speaker.screenshot(path=str(ARTIFACTS / "rise-speaker-view.png"))
        rise_page.screenshot(path=str(ARTIFACTS / "rise-audience-with-speaker-view.png"))
    finally:
        speaker.close()
