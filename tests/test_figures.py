"""Figures: what each one shows, counted on the SVG text; parameter errors; determinism.

Expectations are computed here, independently of the drawing code: the softmax
is redone with ``math.exp``, grid sizes come from the arithmetic of the request.
"""
from __future__ import annotations

import hashlib
import math
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from matplotlib.text import Text

from generator.errors import ParameterError
from generator.figures import attention, lifts, pipelines, registry, render, rnn, vit
from generator.practice import attention as practice

ROOT = Path(__file__).resolve().parent.parent
SVG = "{http://www.w3.org/2000/svg}"


def svg_tree(fig) -> ET.Element:
    return ET.fromstring(render.to_svg(fig))


def ids(root: ET.Element, pattern: str) -> list[str]:
    rx = re.compile(pattern)
    return [e.get("id") for e in root.iter() if e.get("id") and rx.fullmatch(e.get("id"))]


def group(root: ET.Element, gid: str) -> ET.Element:
    found = [e for e in root.iter() if e.get("id") == gid]
    assert len(found) == 1, f"expected one element with id {gid}, found {len(found)}"
    return found[0]


def plain_text(root: ET.Element, gid: str) -> str:
    """The characters of a plain (non-math) label, as the SVG stores them."""
    return "".join(group(root, gid).itertext()).strip()


def math_glyphs(svg: bytes, gid: str) -> list[tuple[str, float, float, float]]:
    """The glyphs of a mathtext label as (character, size, x, y), in drawing order.

    A math label is drawn glyph by glyph as outlines (figures/mathlabels.py): matplotlib
    writes each glyph's character in a comment, then a group that places the glyph's outline
    (``translate(x y) scale(s -s)``, s proportional to the font size). Mathtext's minus
    sign reads as '-'."""
    parser = ET.XMLParser(target=ET.TreeBuilder(insert_comments=True))
    root = ET.fromstring(svg, parser=parser)
    found = [e for e in root.iter() if e.get("id") == gid]
    assert len(found) == 1, f"expected one element with id {gid}, found {len(found)}"
    children = list(found[0])
    assert not list(found[0].iter(f"{SVG}text")), f"{gid}: a math label's glyphs are outlines, not text"
    glyphs = []
    for comment, placed in zip(children, children[1:]):
        if comment.tag is not ET.Comment:
            continue
        move = re.fullmatch(r"translate\(([-\d.]+) ([-\d.]+)\) scale\(([\d.]+) -([\d.]+)\)", placed.get("transform"))
        assert move and placed.find(f"{SVG}use") is not None, f"{gid}: a glyph comment without its outline"
        x, y, size, _ = (float(v) for v in move.groups())
        glyphs.append((comment.text.strip().replace("\u2212", "-"), size, x, y))
    return glyphs


def math_source(svg: bytes, gid: str) -> str:
    """A symbol-with-subscript mathtext label read back from its glyphs, as ``$h_{0}$``:
    the full-size glyphs spell the symbol, the smaller ones its subscript, which must sit
    lower (SVG's y grows downwards) and to the right."""
    glyphs = math_glyphs(svg, gid)
    assert glyphs, f"no glyphs in {gid}"
    full = max(size for _, size, _, _ in glyphs)
    symbol = [g for g in glyphs if g[1] == full]
    sub = [g for g in glyphs if g[1] < full]
    if sub:
        assert min(g[1] for g in sub) <= 0.75 * full, "a subscript prints smaller"
        assert min(g[3] for g in sub) > max(g[3] for g in symbol), "a subscript sits lower"
        assert min(g[2] for g in sub) > max(g[2] for g in symbol), "and after its symbol"
        return f"${''.join(g[0] for g in symbol)}_{{{''.join(g[0] for g in sub)}}}$"
    return f"${''.join(g[0] for g in symbol)}$"


# --- RNN ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def rnn5() -> bytes:
    return render.to_svg(rnn.rnn(T=5, pattern="many-to-many", view="unrolled"))


def test_unrolled_rnn_has_five_of_each_label_and_h0(rnn5: bytes) -> None:
    root = ET.fromstring(rnn5)
    for role in ("x", "h", "y"):
        found = ids(root, rf"rnn-{role}-\d+")
        assert sorted(found) == [f"rnn-{role}-{t}" for t in range(1, 6)]
        for t in range(1, 6):
            assert math_source(rnn5, f"rnn-{role}-{t}") == f"${role}_{{{t}}}$"
    assert ids(root, r"rnn-h0") == ["rnn-h0"] and math_source(rnn5, "rnn-h0") == "$h_{0}$"


def test_unrolled_rnn_marks_shared_weights_at_every_step(rnn5: bytes) -> None:
    root = ET.fromstring(rnn5)
    for name in ("xh", "hh", "hy"):
        found = ids(root, rf"rnn-w{name}-\d+")
        assert sorted(found) == [f"rnn-w{name}-{t}" for t in range(1, 6)]
        assert {math_source(rnn5, g) for g in found} == {f"$W_{{{name}}}$"}, "one matrix, one label"
        assert len(ids(root, rf"rnn-w{name}-\d+-arrow")) == 5


@pytest.mark.parametrize(
    "pattern, xs, ys, wxh, why",
    [("one-to-many", [1], [1, 2, 3], [1], [1, 2, 3]), ("many-to-one", [1, 2, 3], [3], [1, 2, 3], [3])],
)
def test_rnn_patterns_attach_inputs_and_outputs(pattern, xs, ys, wxh, why) -> None:
    root = svg_tree(rnn.rnn(T=3, pattern=pattern))
    number = lambda gid: int(gid.rsplit("-", 1)[1])  # noqa: E731
    assert sorted(map(number, ids(root, r"rnn-x-\d+"))) == xs
    assert sorted(map(number, ids(root, r"rnn-y-\d+"))) == ys
    assert sorted(map(number, ids(root, r"rnn-wxh-\d+"))) == wxh
    assert sorted(map(number, ids(root, r"rnn-why-\d+"))) == why
    assert len(ids(root, r"rnn-h-\d+")) == len(ids(root, r"rnn-whh-\d+")) == 3


def test_folded_and_both_views() -> None:
    folded = svg_tree(rnn.rnn(T=5, view="folded"))
    assert ids(folded, r"rnn-h-\d+") == [] and len(ids(folded, r"rnn-folded-w(xh|hh|hy)")) == 3
    assert plain_text(folded, "rnn-folded-steps") == "t = 1 … 5"
    both = svg_tree(rnn.rnn(T=4, view="both"))
    assert len(ids(both, r"rnn-h-\d+")) == 4 and len(ids(both, r"rnn-folded-w(xh|hh|hy)")) == 3


# --- attention head -----------------------------------------------------------------------


def softmax_strings(q, K, decimals: int) -> list[str]:
    """Weights of one query, computed and rounded here from scratch."""
    d_k = len(q)
    scaled = [sum(a * b for a, b in zip(q, k)) / math.sqrt(d_k) for k in K]
    exps = [math.exp(s) for s in scaled]
    return [f"{e / sum(exps):.{decimals}f}" for e in exps]


def test_head_prints_exactly_the_rounded_weights_of_its_problem() -> None:
    q, K, V = [1.0, 2.0], [[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]], [[2.0, 0.0], [0.0, 2.0], [1.0, -1.0]]
    expected = softmax_strings(q, K, practice.ROUNDING["weights"])
    assert expected == ["0.140", "0.284", "0.576"]  # e^0.7071, e^1.4142, e^2.1213 over their sum, by hand
    root = svg_tree(attention.attention_head(practice.Problem.given(q, K, V)))
    assert [plain_text(root, f"head-weights-{i}") for i in (1, 2, 3)] == expected
    everything = [t for t in (("".join(e.itertext())).strip() for e in root.iter(f"{SVG}text")) if t]
    for s in expected:
        assert everything.count(s) == 1, f"weight {s} printed {everything.count(s)} times"
    # ... and the weighted sum it feeds, rounded the same way.
    weights = [float(s) for s in softmax_strings(q, K, 12)]
    out = [sum(w * v[j] for w, v in zip(weights, V)) for j in range(2)]
    decimals = practice.ROUNDING["output"]
    assert plain_text(root, "head-output-text") == "(" + ", ".join(f"{x:.{decimals}f}" for x in out) + ")"


def test_head_prints_a_root_the_scaled_column_follows_from() -> None:
    """A learner divides the printed scores by the printed root: the scaled column must be
    what they get (at 1.414, 2.00 / 1.414 gives 1.4144, not the column's 1.4142)."""
    from decimal import ROUND_HALF_EVEN, Decimal

    for problem in [practice.worked_example(11), *(practice.draw(seed) for seed in range(40))]:
        fig = attention.attention_head(problem)
        svg = render.to_svg(fig)
        root = ET.fromstring(svg)
        n = len(problem.keys)
        printed = "".join(c for c, *_ in math_glyphs(svg, "head-dk"))
        shown = Decimal(printed.rsplit("=", 1)[1])
        for i in range(1, n + 1):
            score = Decimal(plain_text(root, f"head-scores-{i}").replace("\u2212", "-"))
            scaled = plain_text(root, f"head-scaled-{i}").replace("\u2212", "-")
            places = Decimal(1).scaleb(-len(scaled.split(".")[1]))
            assert str((score / shown).quantize(places, ROUND_HALF_EVEN)) == scaled, (printed, score, scaled)


def test_head_of_a_drawn_problem_shows_the_chosen_query() -> None:
    problem = practice.draw(21, difficulty="challenge", d_k=3, n_keys=4, n_queries=2)
    for query in (0, 1):
        root = svg_tree(attention.attention_head(problem, query=query))
        expected = softmax_strings(problem.query[query].tolist(), problem.keys.tolist(), practice.ROUNDING["weights"])
        assert [plain_text(root, f"head-weights-{i}") for i in range(1, 5)] == expected
        assert len(ids(root, r"head-bar-\d+")) == 4


def test_heatmap_writes_every_cell() -> None:
    w = [[0.1, 0.2, 0.7], [0.5, 0.25, 0.25]]
    root = svg_tree(attention.attention_heatmap(w, ["a", "b"], ["x", "y", "z"], "t"))
    assert len(ids(root, r"heatmap-cell-\d+-\d+")) == 6
    assert [plain_text(root, f"heatmap-value-1-{c}") for c in range(3)] == ["0.50", "0.25", "0.25"]


# --- image grids ------------------------------------------------------------------------------


@pytest.mark.parametrize("image_size, patch", [(224, 16), (256, 8), (64, 32), (96, 12)])
def test_vit_patch_grid_has_one_cell_per_patch(image_size: int, patch: int) -> None:
    root = svg_tree(vit.vit_pipeline(image_size=image_size, patch=patch, layers=6))
    cells = ids(root, r"vit-patch-\d+-\d+")
    assert len(cells) == len(set(cells)) == (image_size // patch) ** 2
    assert plain_text(root, "vit-encoder") == "Transformer encoder  × 6"


def test_vit_default_is_the_paper_setting() -> None:
    root = svg_tree(vit.vit_pipeline())
    assert len(ids(root, r"vit-patch-\d+-\d+")) == 196
    assert plain_text(root, "vit-grid-caption") == "14×14 = 196 patches"
    assert math_source(render.to_svg(vit.vit_pipeline()), "vit-token-196") == "$p_{196}$"


def test_attention_image_overlays_every_patch() -> None:
    w = [[0.0] * 4 for _ in range(4)]
    w[3][1] = 1.0
    root = svg_tree(attention.attention_image(w, image_size=128, seed=3))
    assert len(ids(root, r"image-patch-\d+-\d+")) == len(ids(root, r"attention-shade-\d+-\d+")) == 16
    assert plain_text(root, "attention-value-3-1") == f"{1:.{practice.ROUNDING['weights']}f}"
    assert plain_text(root, "image-caption") == "image 128×128, 4×4 patches of 32"


def test_maps_from_the_reasoning_engine_print_the_cards_numbers() -> None:
    from generator.practice import reasoning

    # A 4x4 image_grid item: small enough for a number in every patch.
    seed = next(s for s in range(50) if reasoning.draw(s, kind="image_grid").weights.shape == (4, 4))
    item = reasoning.draw(seed, kind="image_grid")
    root = svg_tree(registry.draw("attention_image", {"seed": str(seed)}))
    printed = [[plain_text(root, f"attention-value-{r}-{c}") for c in range(4)] for r in range(4)]
    assert printed == [list(row) for row in item.cell_text]
    assert f"“{item.numbers['word']}”" in plain_text(root, "attention-caption")
    top = item.numbers["top"]  # 1-based: the patch the card's answer names
    assert ids(root, r"attention-peak-\d+-\d+") == [f"attention-peak-{top['row'] - 1}-{top['col'] - 1}"]

    words = reasoning.draw(seed, kind="caption_words")
    root = svg_tree(registry.draw("attention_heatmap", {"kind": "caption_words", "seed": str(seed)}))
    rows, cols = words.weights.shape
    assert [[plain_text(root, f"heatmap-value-{r}-{c}") for c in range(cols)] for r in range(rows)] == [list(r) for r in words.cell_text]
    assert [plain_text(root, f"heatmap-col-{c}") for c in range(cols)] == list(words.col_labels)


# --- pipelines and lifts -----------------------------------------------------------------------


def test_three_pipelines_and_only_the_middle_one_attends() -> None:
    root = svg_tree(pipelines.vision_pipelines())
    titles = [plain_text(root, f"pipeline-{k}-title") for k in pipelines.ROWS]
    assert titles[0].startswith("1  Captioning") and "attention" in titles[1] and "Video" in titles[2]
    assert ids(root, r"pipeline-(captioning|attention-captioning|video)-attention") == ["pipeline-attention-captioning-attention"]
    assert len(ids(root, r"pipeline-video-frame-\d+-0")) == 3
    single = svg_tree(pipelines.vision_pipelines(which="video"))
    assert ids(single, r"pipeline-.*-title") == ["pipeline-video-title"]


@pytest.mark.parametrize("T", [2, 5, 7])
def test_two_lifts_path_lengths(T: int) -> None:
    root = svg_tree(lifts.two_lifts(T))
    assert len(ids(root, r"lifts-rnn-path-\d+")) == T  # x_1 -> h_1, then T-1 recurrences
    assert len(ids(root, r"lifts-attn-path-\d+")) == 1
    assert len(ids(root, r"lifts-attn-link-\d+-\d+")) == T * T - 1  # all-to-all, minus the highlighted one
    assert len(ids(root, r"lifts-rnn-step-\d+")) == T


# --- parameters ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name, params, message",
    [
        ("rnn", {"T": "0"}, "T must be an integer from 1 to 10, got 0"),
        ("rnn", {"T": "200"}, "T must be an integer from 1 to 10, got 200"),
        ("rnn", {"T": "five"}, "T must be an integer from 1 to 10, got 'five'"),
        ("rnn", {"T": "5.0"}, "T must be an integer from 1 to 10, got '5.0'"),
        ("rnn", {"pattern": "many"}, "pattern must be one of many-to-many, one-to-many, many-to-one, got 'many'"),
        ("rnn", {"T": "8", "view": "both"}, "T must be an integer from 1 to 6, got 8 when view is 'both'"),
        ("rnn", {"colour": "red"}, "unknown parameter 'colour' for figure 'rnn' (known: T, pattern, view)"),
        ("vit_pipeline", {"patch": "15"}, "patch must divide image_size 224 exactly, got 15"),
        ("vit_pipeline", {"image_size": "100", "patch": "3"}, "patch must divide image_size 100 exactly, got 3"),
        ("vit_pipeline", {"image_size": "64", "patch": "1"}, "must be from 2 to 32 patches per side"),
        ("two_lifts", {"T": "1"}, "T must be an integer from 2 to 7, got 1"),
        ("attention_head", {"problem": "nope"}, "problem must name a lesson example (known: worked), got 'nope'"),
        ("attention_head", {"problem": "worked", "seed": "3"}, "give either problem=<name> or seed=N, not both"),
        ("attention_head", {"seed": "-1"}, "seed must be an integer from 0 to"),
        ("attention_heatmap", {"kind": "caption_words"}, "give seed=N"),
    ],
)
def test_bad_parameters_say_what_is_allowed(name: str, params: dict[str, str], message: str) -> None:
    examples = {"worked": practice.Problem.given([1, 0], [[1, 0], [0, 1]], [[1, 1], [2, 2]])}
    with pytest.raises(ParameterError) as caught:
        registry.draw(name, params, examples)
    assert message in str(caught.value)


def test_unknown_figure_lists_the_known_ones() -> None:
    with pytest.raises(ParameterError) as caught:
        registry.draw("xyz", {})
    assert str(caught.value) == f"unknown figure 'xyz' (known: {', '.join(registry.FIGURES)})"
    assert {"rnn", "attention_head", "attention_heatmap", "attention_image", "vit_pipeline", "vision_pipelines", "two_lifts"} <= set(registry.FIGURES)


def test_drawing_functions_check_their_own_arguments() -> None:
    with pytest.raises(ParameterError, match="T must be an integer from 1 to 10, got 0"):
        rnn.rnn(T=0)
    with pytest.raises(ParameterError, match="T must be an integer from 1 to 10, got True"):
        rnn.rnn(T=True)
    with pytest.raises(ParameterError, match="patch must divide image_size 224 exactly, got 15"):
        vit.vit_pipeline(patch=15)
    with pytest.raises(ParameterError, match="weights have 4 patches per side but image_size / patch gives 7"):
        attention.attention_image([[0.1] * 4] * 4, image_size=224, patch=32)
    with pytest.raises(ParameterError, match="query must be an integer from 0 to 0, got 1"):
        attention.attention_head(practice.Problem.given([1, 0], [[1, 0], [0, 1]], [[1, 1], [2, 2]]), query=1)


def test_parameters_are_normalized_with_defaults() -> None:
    a = registry.prepare("rnn", {})
    b = registry.prepare("rnn", {"T": "4", "pattern": "many-to-many"})
    assert a.params == b.params == {"T": 4, "pattern": "many-to-many", "view": "unrolled"}


# --- determinism -----------------------------------------------------------------------------------

_SCRIPT = """
import hashlib, sys
sys.path.insert(0, {root!r})
from generator.figures import registry, render
from generator.practice import attention as practice
ex = {{"worked": practice.Problem.given([1, 0], [[1, 0], [0, 1], [1, 1]], [[1, 2], [3, 4], [5, 6]])}}
for name, params in [("rnn", {{"T": "5"}}), ("attention_head", {{"problem": "worked"}}), ("attention_image", {{"seed": "7"}})]:
    svg = render.to_svg(registry.draw(name, params, ex)); png = render.to_png(registry.draw(name, params, ex))
    print(hashlib.sha256(svg).hexdigest(), hashlib.sha256(png).hexdigest())
"""


def test_rendering_is_byte_identical_within_and_across_processes() -> None:
    ex = {"worked": practice.Problem.given([1, 0], [[1, 0], [0, 1], [1, 1]], [[1, 2], [3, 4], [5, 6]])}
    here = []
    for name, params in [("rnn", {"T": "5"}), ("attention_head", {"problem": "worked"}), ("attention_image", {"seed": "7"})]:
        svg1, svg2 = (render.to_svg(registry.draw(name, params, ex)) for _ in range(2))
        png1, png2 = (render.to_png(registry.draw(name, params, ex)) for _ in range(2))
        assert svg1 == svg2 and png1 == png2, name
        assert b"<dc:date>" not in svg1 and b"Software" not in png1
        here.append(f"{hashlib.sha256(svg1).hexdigest()} {hashlib.sha256(png1).hexdigest()}")
    # A fresh interpreter has a different hash seed and different object ids.
    script = _SCRIPT.format(root=str(ROOT))
    env = {"PYTHONHASHSEED": "12345", "PATH": "/usr/bin:/bin", "MPLBACKEND": "Agg"}
    there = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True, env=env)
    assert there.stdout.split("\n")[:3] == here


def test_svg_keeps_plain_text_as_text_and_outlines_math() -> None:
    """Plain labels stay text (a font list that falls back to Arial or Helvetica); a math
    label's glyphs, placed one by one for DejaVu's metrics, are outlines, so a viewer
    without DejaVu Sans cannot set them in a font of other widths."""
    fig = rnn.rnn(T=2)
    labels = [t for t in fig.findobj(Text) if t.get_gid() and t.get_text()]
    svg = render.to_svg(fig)
    assert ">an input and an output at every step<" in svg.decode()
    math = [t for t in labels if "$" in t.get_text()]
    plain = [t for t in labels if "$" not in t.get_text()]
    assert math and plain
    root = ET.fromstring(svg)
    for t in plain:
        assert "".join(group(root, t.get_gid()).itertext()).strip() == t.get_text()
    for t in math:
        glyphs = math_glyphs(svg, t.get_gid())
        letters = re.sub(r"[^A-Za-z0-9]", "", t.get_text().replace("\\mathrm", ""))
        assert "".join(c for c, *_ in glyphs if c.isalnum()) == letters, t.get_text()


@pytest.mark.parametrize("dpi", [100, 150])
def test_png_holds_the_pixels_savefig_writes(dpi: int) -> None:
    """to_png encodes Agg's pixels itself (RGB when every pixel is opaque, at zlib level 1):
    decoded, they must be the pixels of matplotlib's own PNG writer, alpha 255 everywhere,
    and the marks a figure records must be in the file."""
    import io

    import numpy as np
    from PIL import Image

    for name, params in [("attention_heatmap", {"kind": "caption_words", "seed": "5", "focus": "answer"}), ("rnn", {"T": "5", "view": "both"})]:
        fig = registry.draw(name, params)
        reference = io.BytesIO()
        fig.savefig(reference, format="png", dpi=dpi)
        ours = render.to_png(fig, dpi=dpi)
        with Image.open(reference) as theirs, Image.open(io.BytesIO(ours)) as mine:
            expected = np.asarray(theirs.convert("RGBA"))
            assert (expected[:, :, 3] == 255).all(), "the figures are drawn on opaque paper"
            assert mine.mode == "RGB" and mine.size == theirs.size
            assert np.array_equal(np.asarray(mine), expected[:, :, :3]), name
            assert mine.text.get("Marks") == getattr(fig, "_seqvision_marks", None)


def test_png_keeps_alpha_where_a_figure_is_see_through() -> None:
    import io

    import numpy as np
    from PIL import Image

    from generator.figures import style

    fig, ax = style.canvas(200, 100)
    fig.patch.set_alpha(0.25)  # the paper itself, so every pixel but the cell is see-through
    style.cell(ax, 50, 25, 100, 50, facecolor="#0072B2")
    with Image.open(io.BytesIO(render.to_png(fig))) as image:
        assert image.mode == "RGBA"
        alpha = np.asarray(image)[:, :, 3]
    assert alpha[5, 5] == round(0.25 * 255) and alpha[50, 100] == 255


def test_smallest_text_is_the_one_findobj_finds() -> None:
    """render.min_text_pt (a PNG's MinTextPx) skips the axes' hidden x and y axis, whose ticks
    it would otherwise make: over every gallery sample and the lesson's figures it must give
    what matplotlib's own findobj walk gives over every artist."""
    from matplotlib.text import Text

    from generator.figures import style

    def everywhere(fig) -> float:
        return min((t.get_fontsize() for t in fig.findobj(Text) if t.get_visible() and t.get_text().strip()), default=0.0)

    lesson = [("attention_heatmap", {"kind": "caption_words", "seed": "5", "focus": "answer"}), ("rnn", {"T": "5", "view": "both"})]
    examples = {"worked": practice.worked_example(11)}
    sizes = set()
    for name, params in [*registry.SAMPLES, *lesson]:
        fig = registry.draw(name, params, examples)
        assert render.min_text_pt(fig) == everywhere(fig) > 0, (name, params)
        sizes.add(render.min_text_pt(fig))
    assert len(sizes) > 1  # the figures' smallest texts differ: a constant answer would not pass
    fig, ax = style.canvas(200, 100)
    ax.set_axis_on()  # an axis that is drawn: its tick labels count
    ax.tick_params(labelsize=3)
    render.to_svg(fig, close=False)  # a draw gives the tick labels their text
    assert render.min_text_pt(fig) == everywhere(fig) == 3


def test_figures_are_drawn_with_the_collector_paused_then_collected() -> None:
    """collector.paused(collect=True), around every figure the figure cache draws: the same bytes as
    with the collector running, no collection while the figure is drawn and rendered, the
    figure freed by the one collection at the end without being closed, and the collector
    left as found."""
    import gc
    import weakref

    from generator import collector

    plain = render.to_svg_and_png(registry.draw("rnn", {"T": "5"}))
    starts: list[int] = []

    def count(phase: str, info: dict) -> None:
        if phase == "start":
            starts.append(info["generation"])

    gc.callbacks.append(count)
    try:
        with collector.paused(collect=True) as collected:
            fig = registry.draw("rnn", {"T": "5"})
            figure, texts = weakref.ref(fig), [weakref.ref(t) for t in fig.axes[0].texts]
            paused = render.to_svg_and_png(fig, close=False)
            del fig
            during = len(starts)
    finally:
        gc.callbacks.remove(count)
    assert paused == plain and collected
    assert during == 0 and starts == [0]  # one collection, of the youngest generation, at the end
    assert figure() is None and texts and not any(t() for t in texts)
    assert gc.isenabled()
    gc.disable()
    try:
        with collector.paused(collect=True) as collected:
            pass
        assert not gc.isenabled() and not collected  # a caller's pause is kept: close the figure
    finally:
        gc.enable()
