"""Every figure the lesson can ask for, checked as it will be projected.

Legibility is measured on the SVG, not on the style constants: every font size
in the file, scaled the way a browser shows the SVG on the slide, must be at
least 18 px. Layout is measured on the drawn figure: no text outside the
canvas, on other text, or spilling out of its box.
"""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest
from matplotlib.textpath import TextToPath

from generator.figures import checks, registry, render, style
from generator.practice import attention as practice

# The slide is 1280x720; with a title above it, a figure gets at most this box.
BOX_W, BOX_H = 1100, 600
CSS_PX_PER_PT = 96 / 72  # an SVG sized in pt is shown at 4/3 px per pt
FLOOR_PX = 18
SVG_NS = "{http://www.w3.org/2000/svg}"

EXAMPLES = {
    "worked": practice.Problem.given([1, 0], [[-2, -2], [-2, -2], [2, 2]], [[0, 1], [-1, 2], [-2, 0]]),
    # Wider than the engine draws today (6 keys, d_k 4, decimals everywhere): the
    # figure must still fit if the ranges grow or an author types a head by hand.
    "wide": practice.Problem.given(
        [-1.5, 0.3, -1.2, 0.7],
        [[1.5, -0.4, 1.1, -0.5], [-0.6, 0.3, -0.4, -1.1], [0.1, 0.1, -1.3, 0.1], [1.5, 0.4, 1.3, -0.3], [-1.1, -1.3, 1.2, -0.1], [-0.4, -0.6, 1.3, -1.3]],
        [[1.5, -5.5, 5.5, 4.5], [-1.5, -4.5, 0.5, -4.5], [5.5, 3.5, -3.5, 0.5], [-3.5, -2.5, -3.5, -4.5], [-2.5, -3.5, 4.5, 2.5], [3.5, 2.5, 2.5, -3.5]],
    ),
}

# The lesson's own requests plus the extremes of every range.
EXTREMES: tuple[tuple[str, dict[str, str]], ...] = (
    ("rnn", {"T": "1"}),
    ("rnn", {"T": "1", "pattern": "many-to-one"}),
    ("rnn", {"T": "10", "pattern": "one-to-many"}),
    ("rnn", {"T": "10", "pattern": "many-to-one"}),
    ("rnn", {"T": "6", "view": "both", "pattern": "one-to-many"}),
    ("rnn", {"T": "1", "view": "both"}),
    ("attention_head", {"problem": "wide"}),
    ("attention_heatmap", {"problem": "wide", "title": "six keys"}),
    ("attention_head", {"seed": "4", "n_keys": str(practice.N_KEYS_RANGE[0]), "d_k": str(practice.D_K_RANGE[0])}),
    ("attention_head", {"seed": "9", "difficulty": "challenge", "d_k": "3", "n_keys": "3", "query": "1"}),
    ("attention_heatmap", {"seed": "2", "n_queries": "3", "n_keys": str(practice.N_KEYS_RANGE[1]), "difficulty": "challenge", "title": "three queries"}),
    ("attention_image", {"seed": "1", "image_size": "448"}),
    ("vit_pipeline", {"image_size": "256", "patch": "8", "layers": "48"}),
    ("vit_pipeline", {"image_size": "64", "patch": "32", "layers": "1"}),
    ("vision_pipelines", {"which": "attention-captioning"}),
    ("vision_pipelines", {"which": "video", "seed": "5"}),
    ("two_lifts", {"T": "2"}),
    ("two_lifts", {"T": "7"}),
)
CASES = registry.SAMPLES + EXTREMES


def case_id(case: tuple[str, dict[str, str]]) -> str:
    name, params = case
    return name + ("?" + "&".join(f"{k}={v}" for k, v in params.items()) if params else "")


def display_scale(root: ET.Element) -> float:
    """CSS px per SVG user unit when the figure is shown at its own size, or
    shrunk to fit the box (never enlarged: that would flatter small text)."""
    _, _, w, h = (float(v) for v in root.get("viewBox").split())
    return min(CSS_PX_PER_PT, BOX_W / w, BOX_H / h)


def font_sizes(root: ET.Element) -> list[float]:
    """The size of every text in the file: text kept as text by its font-size, and each
    glyph drawn as an outline (math labels) by the scale matplotlib gives the outline,
    which is the font size over TextToPath.FONT_SCALE."""
    sizes = []
    for e in root.iter():
        m = re.search(r"font-size:\s*([\d.]+)px", e.get("style") or "")
        if m:
            sizes.append(float(m.group(1)))
        outline = re.search(r"scale\(([\d.]+) -([\d.]+)\)", e.get("transform") or "")
        if outline and e.find(f"{SVG_NS}use") is not None:
            sizes.append(float(outline.group(1)) * TextToPath.FONT_SCALE)
    return sizes


def _measure(case) -> tuple[bytes, list[str]]:
    # One drawing serves both checks: the layout check renders it with Agg, then
    # the same figure is written as SVG.
    fig = registry.draw(case[0], case[1], EXAMPLES)
    problems = checks.layout_problems(fig)
    return render.to_svg(fig), problems


@pytest.fixture(scope="module")
def measured() -> dict[str, tuple[bytes, list[str]]]:
    return {case_id(c): _measure(c) for c in CASES}


@pytest.fixture(scope="module")
def svgs(measured) -> dict[str, bytes]:
    return {k: v[0] for k, v in measured.items()}


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_no_text_below_18px_on_the_slide(case, svgs) -> None:
    root = ET.fromstring(svgs[case_id(case)])
    sizes = font_sizes(root)
    assert sizes, "no text found: was it rendered as paths?"
    smallest = min(sizes) * display_scale(root)
    assert smallest >= FLOOR_PX, f"smallest text is {smallest:.1f} px on the slide"


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_text_uses_only_the_one_font(case, svgs) -> None:
    """Text kept as text renders the same only in a font the viewer is asked for
    first; mathtext can switch to STIX or Computer Modern glyphs, which would not."""
    families = set(re.findall(r"font-family:\s*'([^']+)'", svgs[case_id(case)].decode()))
    assert families == {"DejaVu Sans"}


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_no_clipped_overlapping_or_spilling_text(case, measured) -> None:
    assert measured[case_id(case)][1] == []


def test_the_font_check_can_fail() -> None:
    fig, ax = style.canvas(1100, 300)
    ax.text(10, 10, "tiny", fontsize=10)  # 10 pt: 13 px on the slide
    root = ET.fromstring(render.to_svg(fig))
    assert min(font_sizes(root)) * display_scale(root) < FLOOR_PX


def test_the_layout_check_can_fail() -> None:
    fig, ax = style.canvas(400, 200)
    style.text(ax, 100, 100, "one label")
    style.text(ax, 110, 104, "another label")  # on top of the first
    style.text(ax, 395, 20, "off the edge", ha="left")
    style.box(ax, 200, 150, 40, 40, "x", "wide label")
    problems = checks.layout_problems(fig)
    assert any("overlaps" in p for p in problems)
    assert any("clipped" in p for p in problems)
    assert any("spills out" in p for p in problems)


def test_every_figure_stays_inside_the_display_box(svgs) -> None:
    for case, svg in svgs.items():
        _, _, w, h = (float(v) for v in ET.fromstring(svg).get("viewBox").split())
        # viewBox is in pt; the design box is 1100x600 px at 72/100 pt per px.
        assert w <= BOX_W * style.PT_PER_PX + 0.01 and h <= BOX_H * style.PT_PER_PX + 0.01, case
