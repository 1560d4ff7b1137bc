"""Figures as a viewer without DejaVu Sans sees them (macOS, Windows and phones ship none).

Each lesson figure's SVG is shown in Chromium twice: as built, and with every request
for DejaVu Sans turned into a font no machine has, so Chromium falls back to its default
font, as a laptop without DejaVu would. A math label's glyphs are placed one by one for
DejaVu's metrics, so they must not depend on the viewer's fonts: inside each math label's
box the two renders must be the same pixels.
"""
from __future__ import annotations

import html

import pytest
from matplotlib.text import Text

from conftest import needs_browser
from generator.figures import registry, render
from generator.practice import attention as practice

# The lesson's figures that carry math labels, as slides/07-sequence-tools.md asks for them.
FIGURES = (
    ("rnn", {"T": "5", "pattern": "many-to-many", "view": "both"}),
    ("qkv_sources", {}),
    ("attention_head", {"problem": "worked"}),
    ("two_lifts", {"T": "5"}),
    ("vit_pipeline", {"image_size": "224", "patch": "16", "layers": "12"}),
)
EXAMPLES = {"worked": practice.worked_example(11)}  # the lesson's worked example (its seed)
MISSING = "No Such Font On Any Machine"


def _figure(name: str, params: dict[str, str]) -> tuple[str, list[str]]:
    fig = registry.draw(name, params, EXAMPLES)
    math = [t.get_gid() for t in fig.findobj(Text) if t.get_gid() and "$" in t.get_text()]
    return render.to_svg(fig).decode("utf-8"), math


def _label_pixels(page, svg: str, gids: list[str]) -> dict[str, bytes]:
    page.set_content(f"<!DOCTYPE html><html><body style='margin:0;background:#fff'>{svg}</body></html>")
    shots = {}
    for gid in gids:
        box = page.evaluate(
            "id => { const r = document.getElementById(id).getBoundingClientRect();"
            " return {x: r.x, y: r.y, width: r.width, height: r.height}; }", gid)
        assert box["width"] > 0 and box["height"] > 0, f"{gid} is not drawn"
        shots[gid] = page.screenshot(clip=box)
    return shots


@needs_browser
@pytest.mark.parametrize(("name", "params"), FIGURES, ids=[name for name, _ in FIGURES])
def test_math_labels_look_the_same_without_dejavu(name, params) -> None:
    from browser import browser_page

    svg, math = _figure(name, params)
    assert math, f"{name} has no math label to check"
    without = svg.replace("DejaVu Sans", MISSING).replace(html.escape("DejaVu Sans"), MISSING)
    assert MISSING in without  # the plain labels asked for DejaVu Sans, so the swap bites
    with browser_page(viewport=(1400, 900)) as page:
        built, fallback = _label_pixels(page, svg, math), _label_pixels(page, without, math)
    changed = [gid for gid in math if built[gid] != fallback[gid]]
    assert not changed, f"{name}: math labels drawn differently without DejaVu Sans: {changed}"
