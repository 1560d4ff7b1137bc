"""Cards on a phone: every card of a built deck, as the official ``anki`` library renders
it, laid out in headless Chromium with the note type's own CSS at 400 px wide.

Measured, not assumed: each figure's smallest text in CSS pixels is its displayed scale
(rendered width / the SVG's own width) times the smallest font size the SVG's markup
sets (read from its font-size attributes here, and checked against what the figure
records in ``data-min-text-px``); the page must not be wider than the screen once
MathJax has typeset the maths. Screenshots of one card per note type and kind, at
400 and 800 px, light and night, go to test-artifacts/anki/ for people to look at.
"""
from __future__ import annotations

import html
import json
import os
import re
from pathlib import Path

import pytest

from conftest import needs_browser
from test_anki_fronts import collection  # noqa: F401  (the module-scoped deck fixture)

pytestmark = [
    needs_browser,
    pytest.mark.skipif(not os.environ.get("RUN_ANKI_TESTS"), reason="set RUN_ANKI_TESTS=1"),
]

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts" / "anki"
PHONE, DESKTOP = 400, 800
MIN_TEXT_CSS_PX = 14.0
MATHJAX_CONFIG = (
    "window.MathJax = {tex: {inlineMath: [['\\\\(', '\\\\)']], displayMath: [['\\\\[', '\\\\]']]},"
    " startup: {typeset: true}};"
)
MEASURE = """() => ({
  width: document.documentElement.scrollWidth,
  // Images hidden by the card's CSS (the unmarked map on a reasoning back) are not seen.
  images: [...document.images].filter(i => i.getClientRects().length > 0).map(i => ({src: i.getAttribute('src'), shown: i.getBoundingClientRect().width,
                                          natural: i.naturalWidth}))
})"""


def page_html(body: str, night: bool, mathjax: Path) -> str:
    classes = "card nightMode night_mode" if night else "card"
    return (
        '<!doctype html><html><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<script>{MATHJAX_CONFIG}</script><script src=\"{mathjax.as_uri()}\"></script>"
        f'</head><body class="{classes}">{body}</body></html>'
    )


def min_text_px(svg: Path) -> float | None:
    """The smallest font size an SVG card figure sets, in its own pixels; None when it
    sets none or its record (``data-min-text-px``) says otherwise."""
    markup = svg.read_text(encoding="utf-8")
    sizes = [float(x) for x in re.findall(r'font-size[=:]\s*"?([\d.]+)', markup)]
    recorded = re.match(r'<svg[^>]*\sdata-min-text-px="([\d.]+)"', markup)
    if not sizes or recorded is None or float(recorded.group(1)) != min(sizes):
        return None
    return min(sizes)


# One standing page with MathJax loaded once (a load parses megabytes of script); each
# side is swapped into it, its scripts run again, and MathJax typesets it afresh, as
# Anki's desktop reviewer shows one card after another.
SWAP = """async ([body, classes]) => {
  document.body.className = classes;
  MathJax.typesetClear();
  document.body.innerHTML = body;
  for (const old of [...document.body.querySelectorAll('script')]) {
    const script = document.createElement('script');
    script.text = old.text;
    old.replaceWith(script);
  }
  await MathJax.typesetPromise();
}"""


def show(page, media: Path, body: str, night: bool, mathjax: Path) -> dict:
    target = media / "_phone_test.html"
    if page.url != target.as_uri():
        target.write_text(page_html("", night, mathjax), encoding="utf-8")
        page.goto(target.as_uri())
        page.wait_for_function("() => window.MathJax && MathJax.startup && MathJax.startup.promise")
        page.evaluate("() => MathJax.startup.promise")
    page.evaluate(SWAP, [body, "card nightMode night_mode" if night else "card"])
    page.wait_for_function("() => [...document.images].every(i => i.complete)")
    return page.evaluate(MEASURE)


def sample_key(card, note, kind: str) -> str:
    name = kind.split(": ")[-1].replace(" ", "-")
    if "Data" in note:
        data = json.loads(html.unescape(note["Data"]))
        name += "-" + data.get("kind", data.get("key", ""))
        if "regime" in data:  # one RNN card per regime: their backs say different things
            name += "-" + data["regime"]
    return f"{name}-c{card.ord + 1}"


def test_phone_width_figure_text_and_card_width(collection):  # noqa: F811
    from browser import browser_page
    from generator.vendor import ensure_assets

    mathjax = ensure_assets()["mathjax_js"]
    media = Path(collection.media.dir())
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    cards = [collection.get_card(cid) for cid in collection.find_cards("")]
    problems, measured, smallest = [], 0, float("inf")
    shots = {}
    for card in cards:
        shots.setdefault(sample_key(card, card.note(), card.note_type()["name"]), card)
    with browser_page((PHONE, 800)) as page:
        for card in cards:
            kind = card.note_type()["name"]
            for side, body in (("front", card.question()), ("back", card.answer())):
                got = show(page, media, body, False, mathjax)
                if got["width"] > PHONE:
                    problems.append(f"{kind} c{card.ord + 1} {side}: page {got['width']} px wide")
                for image in got["images"]:
                    text_px = min_text_px(media / image["src"])
                    if text_px is None:
                        problems.append(f"{kind} {side}: {image['src']} sets no text size, or records another")
                        continue
                    css_px = image["shown"] / image["natural"] * text_px
                    smallest = min(smallest, css_px)
                    measured += 1
                    if css_px < MIN_TEXT_CSS_PX - 0.05:
                        problems.append(f"{kind} {side}: {image['src']} text {css_px:.1f} CSS px")
        # Screenshots for people: one card per note type and kind, both widths, both modes.
        for width in (PHONE, DESKTOP):
            page.set_viewport_size({"width": width, "height": 800})
            for key, card in sorted(shots.items()):
                for night in (False, True):
                    for side, body in (("front", card.question()), ("back", card.answer())):
                        got = show(page, media, body, night, mathjax)
                        if got["width"] > width:
                            problems.append(f"{key} {side} at {width}: page {got['width']} px wide")
                        mode = "night" if night else "light"
                        page.screenshot(path=str(ARTIFACTS / f"{key}-{side}-{width}-{mode}.png"), full_page=True)
    print(f"\nphone: {measured} figures measured at {PHONE} px, smallest figure text {smallest:.1f} CSS px")
    assert measured >= 10
    assert not problems, "\n".join(problems)


def test_text_size_check_can_fail(tmp_path):
    # A figure with smaller text than it records is caught; one that records it honestly
    # gives a size the test above would reject at full width.
    svg = tmp_path / "x.svg"
    svg.write_text('<svg width="300" data-min-text-px="15" font-size="15"><text font-size="9">1</text></svg>')
    assert min_text_px(svg) is None
    svg.write_text('<svg width="300" data-min-text-px="9" font-size="15"><text font-size="9">1</text></svg>')
    assert min_text_px(svg) == 9 < MIN_TEXT_CSS_PX
