"""Every slide, at every fragment step, fits the screen: offline HTML and RISE, 1280x720 and 1024x768.

Each output is walked with Space from the title to the end and every step is measured
in the browser (tests/fit.py): nothing past the bottom or right edge, no scrolling,
figure text at least 18 px as rendered at 1280x720, the answer label of a figure at
least 4.5:1 against what is painted under it. A fixture deck with a slide too tall,
one too wide, a figure too small and an answer too faint shows each check can fail.
"""
from __future__ import annotations

import base64
import shutil
from pathlib import Path

import pytest

from conftest import LESSON, needs_browser, needs_jupyterlab, run_build

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts" / "fit"
VIEWPORTS = [(1280, 720), (1024, 768)]
MIN_FIGURE_PX = 18
MIN_CONTRAST = 4.5


def _svg(body: str) -> str:
    svg = f'<svg xmlns="http://www.w3.org/2000/svg" width="600" height="200" viewBox="0 0 600 200">{body}</svg>'
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


# Labels a figure would draw too small, and an answer in white over a near-white patch
# (the ids are the ones attention_image gives its peak patch and its number).
SMALL_FIGURE = _svg('<rect width="600" height="200" fill="#fff"/><text x="20" y="100" font-size="10">tiny label</text>')
FAINT_ANSWER = _svg(
    '<rect width="600" height="200" fill="#fff"/><g id="attention-peak-1-2"><rect x="200" y="50" width="200" height="100" fill="#eee"/></g>'
    '<g id="attention-value-1-2"><text x="230" y="110" font-size="40" fill="#ffffff">0.728</text></g>'
)
WIDE = "a" * 160

OVERSIZED = f"""\
---
jupyter:
  kernelspec: {{name: python3, display_name: Python 3, language: python}}
  lesson: {{title: Oversized}}
---

# Oversized

A deck of slides that do not fit.

## Too tall

<!-- fragment -->
{chr(10).join(f"- item {i}" for i in range(30))}

## Too wide

| {WIDE} | {WIDE} |
|---|---|
| x | y |

## Too small

<img src="{SMALL_FIGURE}" alt="small" style="width:300px">

## Too faint

<img src="{FAINT_ANSWER}" alt="faint">
"""


def problems_of(steps: list[dict], figures: bool) -> list[str]:
    found = []
    for step in steps:
        where = f"{step['title']!r} step {step['shown']}"
        found += [f"{where}: {p}" for p in step["problems"]]
        for fig in step.get("figures", []) if figures else []:
            if fig["smallestPx"] < MIN_FIGURE_PX:
                found.append(f"{where}: figure {fig['alt']!r} text {fig['smallestText']!r} at {fig['smallestPx']:.1f}px")
            if fig["contrast"] is not None and fig["contrast"] < MIN_CONTRAST:
                found.append(f"{where}: figure {fig['alt']!r} answer {fig['answer']} at contrast {fig['contrast']:.2f}:1")
    return found


@pytest.fixture(scope="module")
def decks(built, tmp_path_factory) -> Path:
    """The real lesson's slides and the oversized fixture's, under one folder."""
    root = tmp_path_factory.mktemp("fit")
    shutil.copytree(built / "slides", root / "real" / "slides")
    sources = tmp_path_factory.mktemp("oversized-src")
    (sources / "99-oversized.md").write_text(OVERSIZED)
    done = run_build("--out", str(root / "oversized"), "--seed", "1", "--no-cards", "--no-pdf", "--slides-dir", str(sources))
    assert done.returncode == 0, done.stderr
    return root


@pytest.fixture(scope="module")
def page():
    from browser import browser_page

    with browser_page() as page:
        yield page


def walk_html(page, path: Path, viewport, figures: bool, shots: str | None):
    from fit import walk

    page.set_viewport_size({"width": viewport[0], "height": viewport[1]})
    page.goto(path.as_uri())
    page.wait_for_function("window.Reveal && Reveal.isReady()", timeout=30000)
    page.wait_for_function("document.body.dataset.mathjax === 'done'", timeout=60000)
    page.evaluate("Reveal.configure({transition: 'none'})")
    return walk(page, press_wait_ms=250, figures=figures, shoot=_shooter(page, shots))


def _shooter(page, prefix: str | None):
    if prefix is None:
        return None
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return lambda n, state: page.screenshot(path=str(ARTIFACTS / f"{prefix}-{n:02d}.png"))


@needs_browser
@pytest.mark.parametrize("viewport", VIEWPORTS, ids=lambda v: f"{v[0]}x{v[1]}")
def test_every_html_slide_fits(page, decks, viewport):
    figures = viewport == (1280, 720)
    steps = walk_html(page, decks / "real" / "slides" / f"{LESSON}.html", viewport, figures, f"html-{viewport[0]}x{viewport[1]}")
    assert len(steps) > 30
    assert problems_of(steps, figures) == []
    if figures:
        measured = [f for s in steps for f in s["figures"]]
        assert len({f["alt"] for f in measured}) >= 7 and any(f["contrast"] for f in measured)


@needs_browser
def test_html_fit_checks_catch_an_oversized_deck(page, decks):
    steps = walk_html(page, decks / "oversized" / "slides" / "99-oversized.html", (1280, 720), True, None)
    assert_oversized_caught(problems_of(steps, True))


def assert_oversized_caught(found: list[str]) -> None:
    text = "\n".join(found)
    assert "'Too tall' step 1: section scrolls" in text
    assert "'Too tall' step 1:" in text and "below the bottom edge" in text
    assert not [p for p in found if p.startswith("'Too tall' step 0:") and "edge" in p]  # a pending fragment is off screen
    assert "'Too wide' step 0:" in text and "past the right edge" in text
    assert "'Too small' step 0: figure 'small' text 'tiny label'" in text
    assert f"'Too faint' step 0: figure 'faint' answer 0.728 at contrast {wcag_contrast('ffffff', 'eeeeee'):.2f}:1" in text


def wcag_contrast(a: str, b: str) -> float:
    """WCAG 2 contrast ratio of two hex colours, computed here from the definition."""
    def luminance(hex_colour: str) -> float:
        channels = [int(hex_colour[i:i + 2], 16) / 255 for i in (0, 2, 4)]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


@pytest.fixture(scope="module")
def lab(decks):
    from lab import lab_server

    with lab_server(decks) as base:
        yield base


def walk_rise(page, base, notebook: str, viewport, figures: bool, shots: str | None):
    from fit import walk
    from lab import open_rise

    page.set_viewport_size({"width": viewport[0], "height": viewport[1]})
    open_rise(page, base, notebook)
    page.wait_for_timeout(1000)
    return walk(page, press_wait_ms=700, figures=figures, shoot=_shooter(page, shots))


@needs_jupyterlab
@pytest.mark.parametrize("viewport", VIEWPORTS, ids=lambda v: f"{v[0]}x{v[1]}")
def test_every_rise_slide_fits(page, lab, viewport):
    figures = viewport == (1280, 720)
    steps = walk_rise(page, lab, f"real/slides/{LESSON}.ipynb", viewport, figures, f"rise-{viewport[0]}x{viewport[1]}")
    assert len(steps) > 30
    assert problems_of(steps, figures) == []


@needs_jupyterlab
def test_rise_fit_checks_catch_an_oversized_deck(page, lab):
    steps = walk_rise(page, lab, "oversized/slides/99-oversized.ipynb", (1280, 720), True, None)
    assert_oversized_caught(problems_of(steps, True))
