"""Attention drawn from numbers: one head step by step, and weight heatmaps.

Every number on the head figure comes from ``practice.steps.worked_steps``, the
same rounding the slide text and the cards use, so the three never disagree by
a digit.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from matplotlib.colors import LinearSegmentedColormap, to_rgb
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from .. import limits
from ..errors import ParameterError
from ..practice import attention as practice
from ..practice.steps import worked_steps
from . import render, scenes, style
from .params import IMAGE_SIZE_RANGE, check_int

ROW_H = 58


def _vector(entries: Sequence[str]) -> str:
    # Round brackets, as the slides and cards write a vector: (1, 2).
    return "(" + ", ".join(entries) + ")"


@dataclass(frozen=True)
class _Mode:
    """One way to lay the table out; tried in order until the table fits the slide."""

    px: float  # size of the numbers
    with_exp: bool  # show the exponentials column
    bar_max: float  # pixels a weight of 1 fills
    pad: float  # horizontal padding per column
    output_column: bool  # write the output as a column vector (narrow, tall)


_MODES = (
    _Mode(style.TEXT_PX, True, 110, 20, False),
    _Mode(style.TEXT_PX, True, 130, 22, True),
    _Mode(style.SMALL_PX, True, 120, 20, True),
    _Mode(style.SMALL_PX, True, 80, 12, True),  # every step still shown, shorter bars
    _Mode(style.SMALL_PX, False, 110, 18, True),
    _Mode(style.SMALL_PX, False, 90, 12, True),
)


@dataclass
class _Column:
    name: str
    header: str  # mathtext allowed
    cells: list[str]
    width: float = 0.0
    centre: float = 0.0


def attention_head(problem: practice.Problem, query: int = 0) -> Figure:
    """One head for one query: keys, scores, scaled scores, exponentials, softmax
    weights as bars, values, and their weighted sum, all as the learner computes them."""
    n_q, n_k = problem.query.shape[0], problem.keys.shape[0]
    check_int("query", query, 0, n_q - 1)
    if not 1 <= n_k <= 6:
        raise ParameterError(f"the head figure shows 1 to 6 keys, got {n_k}")
    view = worked_steps(problem)[query]
    q_text = view.query
    weights = list(view.weights)
    weight_text = view.step("weights").cells
    most = set(view.most_attended)
    output_entries = list(view.step("output").cells)
    d_k = view.d_k
    # The root as the cards and the practice command print it (six decimals): a learner who
    # divides the scores by it lands on the scaled column, as they would not with 1.414.
    root = practice.fmt(practice.shown_root(d_k), practice.ROOT_DECIMALS) if d_k not in (1, 4) else str(int(np.sqrt(d_k)))
    # Radicals are written as the plain "√" character: mathtext's \sqrt draws its
    # sign from a STIX font a browser will not have, at a size below the floor.

    def columns(mode: _Mode) -> list[_Column]:
        cols = [
            _Column("label", "", [f"$k_{{{i + 1}}}$" for i in range(n_k)]),
            _Column("keys", "key $k_i$", [_vector(row) for row in view.keys]),
            _Column("scores", r"$q\cdot k_i$", list(view.step("scores").cells)),
            _Column("scaled", f"÷ √{d_k}", list(view.step("scaled").cells)),
        ]
        if mode.with_exp:
            cols.append(_Column("exp", "exp", list(view.step("exp").cells)))
        cols.append(_Column("weights", "softmax $w_i$", []))
        cols.append(_Column("values", "value $v_i$", [_vector(row) for row in view.values]))
        for c in cols:
            px = style.MATH_PX if c.name == "label" else mode.px
            widest = max([style.text_width(s, px) for s in c.cells] or [0.0])
            if c.name == "weights":
                widest = mode.bar_max + 10 + max(style.text_width(w, mode.px) for w in weight_text)
            boxed = 24 if c.name in ("keys", "values") else 0  # room between text and box outline
            c.width = max(widest + boxed, style.text_width(c.header, style.MATH_PX)) + mode.pad
        return cols

    sum_label = r"$\Sigma_i\ w_i\,v_i$"
    arrow_gap = 50.0
    for mode in _MODES:
        cols = columns(mode)
        output = "\n".join(output_entries) if mode.output_column else _vector(output_entries)
        output_w = max(
            max(style.text_width(line, mode.px) for line in output.split("\n")),
            style.text_width(sum_label, style.MATH_PX),
            style.text_width("output"),
        ) + 2 * mode.pad
        total = 20 + sum(c.width for c in cols) + arrow_gap + output_w + 20
        if total <= style.DISPLAY_WIDTH_PX:
            break
    else:  # pragma: no cover - every problem draw() can make fits the last mode
        raise ParameterError(f"the head figure cannot fit vectors of length {d_k}")

    output_lines = output.count("\n") + 1
    output_h = 60 if output_lines == 1 else output_lines * mode.px * 1.25 + 24
    query_band, header_band = 80, 60
    table_h = n_k * ROW_H
    body_h = max(table_h, output_h + 90)  # the output's two header lines sit above its box
    height = query_band + header_band + body_h + 20
    fig, ax = style.canvas(total, height)

    x = 20.0
    for c in cols:
        c.centre = x + c.width / 2
        x += c.width
    table_top = height - query_band - header_band
    header_y = table_top + header_band / 2
    row_y = [table_top - ROW_H * (i + 0.5) for i in range(n_k)]

    # The query, stated once above the table it is multiplied into.
    q_label = f"query  q = {_vector(q_text)}"
    q_w = style.text_width(q_label) + 40
    qy = height - query_band / 2
    style.box(ax, 20 + q_w / 2, qy, q_w, 48, "query", q_label, px=style.TEXT_PX, gid="head-query", label_gid="head-query-text")
    style.text(ax, 20 + q_w + 24, qy, f"$d_k$ = {d_k},  √$d_k$ = {root}", px=style.MATH_PX, ha="left", gid="head-dk")

    for c in cols:
        if c.header:
            style.text(ax, c.centre, header_y, c.header, px=style.MATH_PX, gid=f"head-header-{c.name}")
    for i, y in enumerate(row_y):
        for c in cols:
            gid = f"head-{c.name}-{i + 1}"
            if c.name == "label":
                style.text(ax, c.centre, y, c.cells[i], px=style.MATH_PX, gid=gid)
            elif c.name in ("keys", "values"):
                role = "key" if c.name == "keys" else "value"
                style.box(ax, c.centre, y, c.width - 12, ROW_H - 14, role, c.cells[i], px=mode.px, label_gid=gid)
            elif c.name == "weights":
                left = c.centre - c.width / 2 + mode.pad / 2
                bar = max(weights[i] * mode.bar_max, 1.5)  # a hairline still shows a tiny weight exists
                style.cell(ax, left, y - 14, bar, 28, facecolor=style.strong("weights"), edgecolor=style.edge("weights"), gid=f"head-bar-{i + 1}")
                bold = "bold" if i in most else "normal"
                style.text(ax, left + bar + 8, y, weight_text[i], px=mode.px, ha="left", gid=gid, weight=bold)
            else:
                style.text(ax, c.centre, y, c.cells[i], px=mode.px, gid=gid)

    # Light rules between steps: the eye reads across a row, the rules group columns.
    for c in cols[1:]:
        left = c.centre - c.width / 2
        ax.plot([left, left], [row_y[-1] - ROW_H / 2, table_top + 6], color="#DDDDDD", linewidth=1, gid=f"head-rule-{c.name}")

    values = cols[-1]
    out_cx = values.centre + values.width / 2 + arrow_gap + output_w / 2
    out_cy = min((row_y[0] + row_y[-1]) / 2, table_top - 90 - output_h / 2)
    style.box(ax, out_cx, out_cy, output_w, output_h, "y", output, px=mode.px, gid="head-output", label_gid="head-output-text")
    if output_lines > 1:
        _brackets(ax, out_cx, out_cy, max(style.text_width(line, mode.px) for line in output_entries) + 16, output_h - 16)
    style.text(ax, out_cx, out_cy + output_h / 2 + 24, sum_label, px=style.MATH_PX, gid="head-output-sum")
    style.text(ax, out_cx, out_cy + output_h / 2 + 62, "output", gid="head-output-header")
    start_x = values.centre + (values.width - 12) / 2
    for i, y in enumerate(row_y):
        # Arrow width follows the weight: the sum is dominated by the thick ones.
        end = (out_cx - output_w / 2, out_cy + (y - out_cy) * min(0.25, output_h / max(table_h, 1)))
        style.arrow(ax, (start_x, y), end, gid=f"head-sum-arrow-{i + 1}", width=1.2 + 3 * weights[i])
    render.set_marks(fig, ["every step and the output"])  # an answer figure: card backs only
    return fig


def _brackets(ax, cx: float, cy: float, w: float, h: float) -> None:
    """Round brackets around a column vector, so it reads as one vector written as the
    slides write a row one, (1, 2)."""
    t = np.linspace(-1.0, 1.0, 25)
    for side in (-1, 1):
        # Each bracket's ends sit on the box's edge and its middle bows 7 px outwards.
        x = cx + side * (w / 2 + 7 * (1 - t**2))
        ax.plot(x, cy + t * h / 2, color=style.INK, linewidth=1.5, solid_capstyle="round",
                gid=f"head-output-bracket-{'left' if side < 0 else 'right'}")


# --- heatmaps -----------------------------------------------------------------

HEATMAP_MAX = 12  # rows and columns; more cells cannot hold a legible number each


def weights_cmap() -> LinearSegmentedColormap:
    """White to the weights colour to a dark shade of it: one hue, ordered by lightness,
    so the map reads the same in greyscale and to colour-blind viewers."""
    return LinearSegmentedColormap.from_list(
        "weights", [style.PAPER, style.strong("weights"), style.mix(style.strong("weights"), "#000000", 0.55)]
    )


def ink_on(colour: tuple[float, float, float]) -> str:
    """Black or white text, whichever contrasts more with ``colour`` (WCAG luminance)."""

    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in colour)
    luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b
    return style.INK if (luminance + 0.05) / 0.05 > 1.05 / (luminance + 0.05) else style.PAPER


def check_weights(weights: object, name: str = "weights", max_side: int = HEATMAP_MAX) -> np.ndarray:
    w = np.asarray(weights, dtype=np.float64)
    if w.ndim != 2 or not (1 <= w.shape[0] <= max_side and 1 <= w.shape[1] <= max_side):
        raise ParameterError(f"{name} must be a 2-D array with 1 to {max_side} rows and columns, got shape {w.shape}")
    if not np.all(np.isfinite(w)) or np.any(w < 0):
        raise ParameterError(f"{name} must be finite and non-negative")
    return w


def attention_heatmap(
    weights: object,
    row_labels: Sequence[str],
    col_labels: Sequence[str],
    title: str | None = None,
    *,
    decimals: int = 2,
    cell_text: Sequence[Sequence[str]] | None = None,
    row_title: str | None = None,
    col_title: str | None = None,
    mark: tuple[int, int] | None = None,
    compact: bool = False,
) -> Figure:
    """Weights as a grid of cells, each with its number written in it.

    Colour runs from white (0) to the darkest shade at the largest weight shown,
    so a flat map still shows its structure; the numbers carry absolute values.
    ``cell_text`` replaces the formatted numbers (pass a Display's strings so the
    figure prints the slide's digits). ``mark`` outlines one (row, column) cell: an
    answer, for the back of a card; the figure records what it marks (``render.marks``).
    ``compact`` makes each cell just wider than its number, so a card figure shown on a
    400-px phone keeps its text at 14 CSS px or more.
    """
    w = check_weights(weights)
    rows, cols = w.shape
    if len(row_labels) != rows or len(col_labels) != cols:
        raise ParameterError(
            f"row_labels and col_labels must match weights of shape {w.shape}, got {len(row_labels)} and {len(col_labels)}"
        )
    check_int("decimals", decimals, 0, 4)
    texts = [[f"{v:.{decimals}f}" for v in row] for row in w] if cell_text is None else [list(r) for r in cell_text]
    if [len(r) for r in texts] != [cols] * rows:
        raise ParameterError(f"cell_text must have the shape of weights {w.shape}")

    px = style.TEXT_PX if cols <= 8 else style.SMALL_PX
    widest_number = max(style.text_width(s, px) for r in texts for s in r)
    row_label_w = max(style.text_width(s) for s in row_labels) + 24
    col_label_w = max(style.text_width(s) for s in col_labels)
    title_h = 56 if title else 0
    side_title_w = 40 if row_title else 0
    avail_w = style.DISPLAY_WIDTH_PX - row_label_w - side_title_w - 40
    cell_w = min(120.0, avail_w / cols, widest_number + 10 if compact else 120.0)
    gap, margin = (8, 16) if compact else (20, 40)  # left of the cells, and both sides together
    if cell_w < widest_number + 10:
        raise ParameterError(f"{cols} columns of numbers do not fit; show at most {int(avail_w // (widest_number + 10))}")
    # Column labels wider than their cell are turned on end instead of overlapping.
    rotate = col_label_w > cell_w - 8
    col_band = (col_label_w + 20 if rotate else 44) + (36 if col_title else 0)
    avail_h = style.DISPLAY_HEIGHT_PX - title_h - col_band - 30
    cell_h = min(64.0, avail_h / rows)
    if cell_h < px * 1.3:
        raise ParameterError(f"{rows} rows do not fit at a legible size")
    width = side_title_w + row_label_w + cols * cell_w + margin
    height = title_h + col_band + rows * cell_h + 30
    fig, ax = style.canvas(width, height)
    x0 = side_title_w + row_label_w + gap
    y_top = height - title_h - col_band

    cmap = weights_cmap()
    peak = float(w.max()) if w.max() > 0 else 1.0
    # Row labels shrink with short rows so neighbours never touch.
    label_px = style.TEXT_PX if cell_h >= 40 else style.SMALL_PX
    for r in range(rows):
        y = y_top - (r + 1) * cell_h
        style.text(ax, x0 - 12, y + cell_h / 2, row_labels[r], px=label_px, ha="right", gid=f"heatmap-row-{r}")
        for c in range(cols):
            colour = cmap(w[r, c] / peak)
            style.cell(ax, x0 + c * cell_w, y, cell_w, cell_h, facecolor=colour, edgecolor=style.PAPER, linewidth=2, gid=f"heatmap-cell-{r}-{c}")
            style.text(ax, x0 + (c + 0.5) * cell_w, y + cell_h / 2, texts[r][c], px=px, colour=ink_on(to_rgb(colour)), gid=f"heatmap-value-{r}-{c}")
    for c in range(cols):
        cx = x0 + (c + 0.5) * cell_w
        if rotate:
            style.text(ax, cx, y_top + 10, col_labels[c], ha="center", va="bottom", rotation=90, gid=f"heatmap-col-{c}")
        else:
            style.text(ax, cx, y_top + 22, col_labels[c], gid=f"heatmap-col-{c}")
    if col_title:
        style.text(ax, x0 + cols * cell_w / 2, height - title_h - 20, col_title, gid="heatmap-col-title")
    if row_title:
        style.text(ax, 24, y_top - rows * cell_h / 2, row_title, rotation=90, gid="heatmap-row-title")
    if title:
        style.text(ax, width / 2, height - title_h / 2, title, px=style.TITLE_PX, gid="heatmap-title")
    if mark is not None:
        r, c = mark
        if not (0 <= r < rows and 0 <= c < cols):
            raise ParameterError(f"mark must be a cell of the {rows} x {cols} map, got {mark!r}")
        # Dark outside, light inside: the frame stands out on pale and dark cells alike.
        for colour, width, gid in ((style.INK, 7, "heatmap-mark"), (style.PAPER, 2.5, "heatmap-mark-inner")):
            ax.add_artist(Rectangle(
                (x0 + c * cell_w, y_top - (r + 1) * cell_h), cell_w, cell_h,
                facecolor="none", edgecolor=colour, linewidth=width, gid=f"{gid}-{r}-{c}",
            ))
    render.set_marks(fig, [] if mark is None else [f"cell {mark[0]},{mark[1]}"])
    return fig


# --- attention over an image ----------------------------------------------------

GRID_RANGE = (2, 16)  # patches per side on the attention map


def check_grid(image_size: int, patch: int, low: int, high: int) -> int:
    """Patches per side; the patch must tile the image exactly."""
    check_int("image_size", image_size, *IMAGE_SIZE_RANGE)
    check_int("patch", patch, 1, image_size)
    if image_size % patch:
        divisors = [d for d in range(1, image_size + 1) if image_size % d == 0 and low <= image_size // d <= high]
        raise ParameterError(
            f"patch must divide image_size {image_size} exactly, got {patch} "
            f"(allowed here: {', '.join(map(str, divisors))})"
        )
    n = image_size // patch
    if not low <= n <= high:
        raise ParameterError(
            f"image_size / patch must be from {low} to {high} patches per side, got {image_size} / {patch} = {n}"
        )
    return n


def _peak_centre(w: np.ndarray) -> tuple[float, float]:
    """Unit image coordinates (x right, y up) of the strongest cell's centre."""
    r, c = np.unravel_index(int(np.argmax(w)), w.shape)
    rows, cols = w.shape
    return (c + 0.5) / cols, 1 - (r + 0.5) / rows


def attention_image(
    weights: object,
    image_size: int = 224,
    patch: int | None = None,
    seed: int = 0,
    *,
    word: str | None = None,
    sky_rows: int | None = None,
    subject_at_peak: bool = True,
    title: str | None = None,
) -> Figure:
    """A synthetic image cut into patches, beside the same image lit by attention.

    ``weights`` has one entry per patch (row 0 at the top). ``patch`` defaults to
    what the grid implies. With ``subject_at_peak`` the scene's subject is drawn
    under the strongest patch, so the map looks where a captioner would. ``word``
    names what the query was looking for (the caption word): a ball or a kite is
    drawn as one, anything else as a marker labelled with the word. ``sky_rows``
    puts the horizon below that many rows of patches. Numbers are printed as the
    practice cards print weights.
    """
    w = check_weights(weights, max_side=GRID_RANGE[1])
    rows, cols = w.shape
    if rows != cols:
        raise ParameterError(f"weights must be a square grid of patches, got shape {w.shape}")
    check_int("image_size", image_size, *IMAGE_SIZE_RANGE)
    if patch is None:
        if image_size % cols:
            raise ParameterError(f"image_size {image_size} cannot be cut into {cols} equal patches per side")
        patch = image_size // cols
    n = check_grid(image_size, patch, *GRID_RANGE)
    if n != cols:
        raise ParameterError(f"weights have {cols} patches per side but image_size / patch gives {n}")
    check_int("seed", seed, *limits.SEED)

    side = 430.0
    fig, ax = style.canvas(1000, 540)
    left_x, right_x, y0 = 40.0, 530.0, 40.0
    if sky_rows is not None:
        check_int("sky_rows", sky_rows, 0, n)
    shape = None if word is None else word if word in ("ball", "kite") else "marker"
    scene = scenes.layout(
        seed,
        _peak_centre(w) if subject_at_peak else None,
        subject_r=min(0.09, 0.4 / n),  # the subject fits inside its own patch
        shape=shape,
        horizon=None if sky_rows is None else 1 - sky_rows / n,
    )
    cell_side = side / n
    peak = float(w.max()) if w.max() > 0 else 1.0
    show_numbers = cell_side >= 64
    # Fine grids get quieter lines, or the lines become the picture.
    grid_colour, grid_width = (style.PAPER, 1.0) if n <= 8 else ("#FFFFFFAA", 0.6)
    for panel_x, tag in ((left_x, "image"), (right_x, "attention")):
        scenes.draw(ax, scene, panel_x, y0, side, gid=f"{tag}-scene")
        for r in range(n):
            for c in range(n):
                x, y = panel_x + c * cell_side, y0 + side - (r + 1) * cell_side
                if tag == "attention":
                    # Dim what is ignored rather than tint what is seen: the attended
                    # patch keeps the image's own colours, as in Show, Attend and Tell.
                    # At most 60 % black: an ignored patch stays recognisable on a projector.
                    style.cell(ax, x, y, cell_side, cell_side, facecolor="#000000", edgecolor="none", alpha=0.6 * (1 - w[r, c] / peak), gid=f"attention-shade-{r}-{c}")
                style.cell(ax, x, y, cell_side, cell_side, facecolor="none", edgecolor=grid_colour, linewidth=grid_width, gid=f"{tag}-patch-{r}-{c}")
                if tag == "attention" and show_numbers:
                    t = style.text(ax, x + cell_side / 2, y + cell_side / 2, practice.fmt(w[r, c], "weights"), px=style.SMALL_PX, colour=style.PAPER, gid=f"attention-value-{r}-{c}")
                    # A nearly opaque box: white digits keep >= 4.5:1 contrast over any
                    # part of the scene, the white stripe of a ball included.
                    t.set_bbox({"boxstyle": "round,pad=0.15", "facecolor": "#000000", "alpha": 0.8, "edgecolor": "none"})
    if scene.shape == "marker" and word:
        # The marker stands in for something not drawn: say what it is, on the plain image only.
        sx, sy = scene.subject
        below = sy > 0.25
        ty = y0 + side * (sy - scene.subject_r) - 18 if below else y0 + side * (sy + scene.subject_r) + 18
        tx = min(max(left_x + side * sx, left_x + 50), left_x + side - 50)
        t = style.text(ax, tx, ty, word, px=style.SMALL_PX, gid="image-subject-label")
        t.set_bbox({"boxstyle": "round,pad=0.2", "facecolor": style.PAPER, "edgecolor": style.INK, "linewidth": 1})
    r, c = np.unravel_index(int(np.argmax(w)), w.shape)
    ax.add_artist(
        Rectangle(
            (right_x + c * cell_side, y0 + side - (r + 1) * cell_side), cell_side, cell_side,
            facecolor="none", edgecolor=style.strong("weights"), linewidth=3, gid=f"attention-peak-{r}-{c}",
        )
    )
    style.text(ax, left_x + side / 2, y0 + side + 34, f"image {image_size}×{image_size}, {n}×{n} patches of {patch}", gid="image-caption")
    largest = practice.fmt(w.max(), "weights")
    default = f"attention for “{word}” (largest {largest})" if word else f"attention weights (largest {largest})"
    style.text(ax, right_x + side / 2, y0 + side + 34, title or default, gid="attention-caption")
    marks = [f"peak {r},{c}", "largest weight in caption"]
    render.set_marks(fig, marks + (["subject drawn at the peak"] if subject_at_peak else []))
    return fig
