"""The Vision Transformer as a pipeline: patches become tokens, tokens go through
an encoder, the [CLS] token's output is classified.

The patch grid on the image has every one of its (image_size / patch)^2 cells,
each with its own gid, because "196 patches" is the number a learner should be
able to count on the picture; the token strip below shows only a few of them.
"""
from __future__ import annotations

from matplotlib.figure import Figure

from . import scenes, style
from .attention import check_grid
from .params import VIT_LAYERS_RANGE as LAYERS_RANGE, check_int

GRID_RANGE = (2, 32)


def vit_pipeline(image_size: int = 224, patch: int = 16, layers: int = 12, seed: int = 0) -> Figure:
    """image -> patch grid -> linear projection (the same as a patch x patch convolution
    with stride patch) + position embeddings, beside a separately learned [CLS] token ->
    Transformer encoder (x layers) -> MLP head -> class."""
    n = check_grid(image_size, patch, *GRID_RANGE)
    check_int("layers", layers, *LAYERS_RANGE)
    check_int("seed", seed, 0, 2**32 - 1)
    count = n * n

    fig, ax = style.canvas(1100, 560)

    # --- the image and its grid --------------------------------------------------
    side, ix, iy = 270.0, 30.0, 150.0
    scenes.draw(ax, scenes.layout(seed), ix, iy, side, gid="vit-scene")
    cell = side / n
    line = (style.PAPER, 1.2) if n <= 16 else (style.PAPER, 0.6)
    for r in range(n):
        for c in range(n):
            style.cell(ax, ix + c * cell, iy + side - (r + 1) * cell, cell, cell, facecolor="none", edgecolor=line[0], linewidth=line[1], gid=f"vit-patch-{r}-{c}")
    style.text(ax, ix + side / 2, iy + side + 28, f"image {image_size}×{image_size}", gid="vit-image-caption")
    style.text(ax, ix + side / 2, iy - 30, f"{n}×{n} = {count} patches", gid="vit-grid-caption")
    style.text(ax, ix + side / 2, iy - 62, f"of {patch}×{patch} pixels", gid="vit-patch-caption")

    # --- tokens: [CLS] plus a few patches, each with its position embedding ------
    token_y, token_h = 200.0, 50.0
    # Sized for the longest labels, so "1024" and "[CLS]" keep a margin in their boxes.
    pos_w = max(40.0, style.text_width(str(count), style.SMALL_PX) + 12)
    token_w = max(style.text_width("[CLS]", style.SMALL_PX), style.text_width(style.math("p", count), style.MATH_PX)) + 16
    left, right = 370.0, 1085.0
    # As many leading patches as fit with a clear gap between neighbouring pairs.
    for shown in ([1, 2, 3, None, count], [1, 2, None, count], [1, None, count]):
        if count <= len(shown):
            shown = list(range(1, count + 1))
        tokens: list[int | None] = [0] + shown  # 0 is [CLS]
        pitch = (right - left) / len(tokens)
        if pitch >= pos_w + token_w + 12:
            break
    centres = [left + pitch * (i + 0.5) for i in range(len(tokens))]
    for i, (cx, t) in enumerate(zip(centres, tokens)):
        if t is None:
            style.text(ax, cx, token_y, "…", px=style.MATH_PX, gid="vit-token-ellipsis")
            continue
        # Position embedding on the left, the token itself on the right: added, not concatenated.
        pos_cx = cx - token_w / 2 + 2
        tok_cx = cx + pos_w / 2 + 2
        style.box(ax, pos_cx, token_y, pos_w, token_h, "module", str(t), px=style.SMALL_PX, gid=f"vit-pos-box-{t}", label_gid=f"vit-pos-{t}")
        if t == 0:
            style.box(ax, tok_cx, token_y, token_w, token_h, "h", "[CLS]", px=style.SMALL_PX, gid="vit-cls-box", label_gid="vit-cls")
        else:
            style.box(ax, tok_cx, token_y, token_w, token_h, "x", style.math("p", t), gid=f"vit-token-box-{t}", label_gid=f"vit-token-{t}")
        # Projection up into each patch token; [CLS] is a learned embedding of its own,
        # not a projected patch, so nothing from the projection feeds it.
        if t != 0:
            style.arrow(ax, (tok_cx, 120), (tok_cx, token_y - token_h / 2), gid=f"vit-proj-arrow-{i}")
        style.arrow(ax, (tok_cx, token_y + token_h / 2), (tok_cx, 300), gid=f"vit-enc-arrow-{i}")

    # --- projection, encoder, head --------------------------------------------------
    # The projection starts right of the [CLS] column, so no arrow could be read as feeding it.
    span_l, span_r = left + 10, right - 15
    proj_l = left + pitch
    label = f"patch projection (= {patch}×{patch} conv, stride {patch})"
    if style.text_width(label, style.SMALL_PX) > span_r - proj_l - 16:
        label = "linear patch projection"
    style.box(ax, (proj_l + span_r) / 2, 90, span_r - proj_l, 60, "module", label, px=style.SMALL_PX, gid="vit-projection-box", label_gid="vit-projection")
    style.arrow(ax, (ix + side + 12, 90), (proj_l, 90), gid="vit-image-arrow")
    style.arrow(ax, (ix + side, iy + side / 2), (ix + side + 12, iy + side / 2), head=False, gid="vit-image-arrow-stub")
    ax.plot([ix + side + 12, ix + side + 12], [iy + side / 2, 90], color=style.FLOW, linewidth=2.2, gid="vit-image-arrow-bend")
    style.box(ax, (span_l + span_r) / 2, 340, span_r - span_l, 80, "module", f"Transformer encoder  × {layers}", px=style.TEXT_PX, gid="vit-encoder-box", label_gid="vit-encoder")

    cls_x = left + pitch * 0.5 + pos_w / 2 + 2
    style.arrow(ax, (cls_x, 380), (cls_x, 450), gid="vit-cls-arrow")
    style.text(ax, cls_x + 12, 415, "[CLS] output", px=style.SMALL_PX, ha="left", gid="vit-cls-output")
    head_w = 160.0
    style.box(ax, cls_x, 482, head_w, 60, "module", "MLP head", px=style.TEXT_PX, gid="vit-head-box", label_gid="vit-head")
    style.arrow(ax, (cls_x + head_w / 2, 482), (cls_x + head_w / 2 + 80, 482), gid="vit-class-arrow")
    style.box(ax, cls_x + head_w / 2 + 80 + 70, 482, 140, 60, "y", "class", px=style.TEXT_PX, gid="vit-class-box", label_gid="vit-class")

    # Legend in the free corner: what the grey numbers and the [CLS] token are.
    lx, ly = 830.0, 500.0
    style.box(ax, lx, ly, 40, 40, "module", "n", px=style.SMALL_PX, gid="vit-legend-pos-box", label_gid="vit-legend-pos-n")
    style.text(ax, lx + 32, ly, "position embedding", px=style.SMALL_PX, ha="left", gid="vit-legend-pos")
    style.box(ax, lx, ly - 52, 40, 40, "h", "", gid="vit-legend-cls-box")
    style.text(ax, lx + 32, ly - 52, "learned [CLS] token", px=style.SMALL_PX, ha="left", gid="vit-legend-cls")
    return fig
