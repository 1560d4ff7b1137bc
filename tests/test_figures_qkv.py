"""The Q/K/V figure: what it shows, counted on the SVG and on the drawn arrows.

Expectations come from the request (n tokens give n trios of q, k, v; L regions give
L pairs of k, v and one query from the decoder state), not from the drawing code.
"""
from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

from generator.errors import ParameterError
from generator.figures import checks, qkv, registry, render
from test_figures import ids, math_source
from test_figures_layout import FLOOR_PX, display_scale, font_sizes


def boxes(fig) -> dict[str, tuple[float, float, float, float]]:
    """gid -> (x0, y0, x1, y1) of every labelled box, in slide pixels."""
    out = {}
    for p in fig.findobj(FancyBboxPatch):
        if p.get_gid():
            x, y, w, h = p.get_x(), p.get_y(), p.get_width(), p.get_height()
            out[p.get_gid()] = (x, y, x + w, y + h)
    return out


def arrows(fig) -> dict[str, tuple[tuple[float, float], tuple[float, float]]]:
    return {a.get_gid(): a._posA_posB for a in fig.findobj(FancyArrowPatch) if a.get_gid()}


def inside(point, box, slack=1.0) -> bool:
    x, y = point
    return box[0] - slack <= x <= box[2] + slack and box[1] - slack <= y <= box[3] + slack


@pytest.mark.parametrize("tokens, regions", [(2, 2), (3, 4), (4, 3)])
def test_self_attention_projects_every_token_three_ways(tokens, regions):
    fig = qkv.qkv_sources("both", tokens, regions)
    b, a = boxes(fig), arrows(fig)
    for i in range(1, tokens + 1):
        source = b[f"qkv-self-x-box-{i}"]
        for role in ("query", "key", "value"):
            start, end = a[f"qkv-self-arrow-{role}-{i}"]
            # Each of token i's q, k and v is fed by token i itself.
            assert inside(start, source), (role, i)
            assert inside(end, b[f"qkv-self-{role}-box-{i}"]), (role, i)
    root = ET.fromstring(render.to_svg(qkv.qkv_sources("both", tokens, regions)))
    assert len(ids(root, r"qkv-self-x-box-\d+")) == tokens
    for role in ("query", "key", "value"):
        assert len(ids(root, rf"qkv-self-{role}-box-\d+")) == tokens


@pytest.mark.parametrize("regions", [2, 3, 4])
def test_cross_attention_one_query_from_the_state_keys_and_values_from_regions(regions):
    fig = qkv.qkv_sources("cross", regions=regions)
    b, a = boxes(fig), arrows(fig)
    # Exactly one query, and its arrow leaves the decoder state, not a region.
    assert [g for g in b if "query" in g] == ["qkv-cross-query-box"]
    start, end = a["qkv-cross-arrow-query"]
    assert inside(start, b["qkv-cross-h-box"]) and inside(end, b["qkv-cross-query-box"])
    assert not any(inside(start, b[f"qkv-cross-region-box-{j}"]) for j in range(1, regions + 1))
    for j in range(1, regions + 1):
        for role in ("key", "value"):
            s, e = a[f"qkv-cross-arrow-{role}-{j}"]
            assert inside(s, b[f"qkv-cross-region-box-{j}"]) and inside(e, b[f"qkv-cross-{role}-box-{j}"])
    svg = render.to_svg(qkv.qkv_sources("cross", regions=regions))
    assert math_source(svg, "qkv-cross-h") == "$h_{t-1}$"
    assert math_source(svg, f"qkv-cross-key-{regions}") == f"$k_{{{regions}}}$"


def test_which_draws_one_panel_or_both():
    only_self = ET.fromstring(render.to_svg(qkv.qkv_sources("self")))
    assert ids(only_self, r"qkv-cross-.*") == [] and ids(only_self, r"qkv-self-title")
    only_cross = ET.fromstring(render.to_svg(qkv.qkv_sources("cross")))
    assert ids(only_cross, r"qkv-self-.*") == [] and ids(only_cross, r"qkv-cross-title")


CASES = [{}, {"tokens": "4", "regions": "4"}, {"tokens": "2", "regions": "2"}, {"which": "self", "tokens": "4"},
         {"which": "cross", "regions": "2"}]


@pytest.mark.parametrize("params", CASES, ids=lambda p: "&".join(f"{k}={v}" for k, v in p.items()) or "default")
def test_legible_and_laid_out(params):
    fig = registry.draw("qkv_sources", params)
    assert checks.layout_problems(fig) == []
    # No two boxes overlap (neighbouring trios stay apart at the widest setting).
    b = sorted(boxes(fig).values())
    for i, p in enumerate(b):
        for r in b[i + 1:]:
            assert p[2] <= r[0] or r[2] <= p[0] or p[3] <= r[1] or r[3] <= p[1], (p, r)
    root = ET.fromstring(render.to_svg(registry.draw("qkv_sources", params)))
    assert min(font_sizes(root)) * display_scale(root) >= FLOOR_PX


def test_the_overlap_check_can_fail():
    fig = qkv.qkv_sources("self", 4)
    moved = fig.findobj(FancyBboxPatch)[1]
    moved.set_x(fig.findobj(FancyBboxPatch)[0].get_x() + 5)
    b = sorted(boxes(fig).values())
    assert any(not (p[2] <= r[0] or r[2] <= p[0] or p[3] <= r[1] or r[3] <= p[1]) for i, p in enumerate(b) for r in b[i + 1:])


@pytest.mark.parametrize("params, message", [
    ({"tokens": "1"}, "tokens must be an integer from 2 to 4, got 1"),
    ({"regions": "5"}, "regions must be an integer from 2 to 4, got 5"),
    ({"which": "both-ways"}, "which must be one of both, self, cross"),
])
def test_parameter_errors(params, message):
    with pytest.raises(ParameterError, match=message):
        registry.prepare("qkv_sources", params)


def test_same_parameters_same_bytes():
    assert render.to_svg(qkv.qkv_sources()) == render.to_svg(qkv.qkv_sources())
