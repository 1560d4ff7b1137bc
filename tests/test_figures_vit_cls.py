"""The ViT figure's [CLS] token: a learned embedding of its own, never a projected patch.

Checked on the drawn arrows: every projection arrow ends in a patch token's box, none in
the [CLS] box, and there is one per patch token shown.
"""
from __future__ import annotations

import pytest
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

from generator.figures import vit


def _boxes(fig):
    return {p.get_gid(): p for p in fig.findobj(FancyBboxPatch) if p.get_gid()}


def _ends_in(point, patch, slack=1.0) -> bool:
    x, y = point
    return (patch.get_x() - slack <= x <= patch.get_x() + patch.get_width() + slack
            and patch.get_y() - slack <= y <= patch.get_y() + patch.get_height() + slack)


def projection_targets(fig) -> list[str]:
    boxes = _boxes(fig)
    out = []
    for a in fig.findobj(FancyArrowPatch):
        if (a.get_gid() or "").startswith("vit-proj-arrow-"):
            _, end = a._posA_posB
            out += [gid for gid, p in boxes.items() if gid.startswith(("vit-token-box-", "vit-cls-box")) and _ends_in(end, p)]
    return out


@pytest.mark.parametrize("size, patch", [(224, 16), (256, 8), (64, 32)])
def test_no_projection_arrow_into_cls(size, patch):
    fig = vit.vit_pipeline(size, patch, 12)
    targets = projection_targets(fig)
    tokens = sorted(g for g in _boxes(fig) if g.startswith("vit-token-box-"))
    assert "vit-cls-box" in _boxes(fig)
    assert "vit-cls-box" not in targets
    assert sorted(targets) == tokens  # one arrow into every patch token shown


def test_the_check_sees_an_arrow_into_cls():
    from generator.figures import style

    fig = vit.vit_pipeline()
    cls = _boxes(fig)["vit-cls-box"]
    ax = fig.axes[0]
    cx = cls.get_x() + cls.get_width() / 2
    style.arrow(ax, (cx, 120), (cx, cls.get_y()), gid="vit-proj-arrow-0")
    assert "vit-cls-box" in projection_targets(fig)


def test_projection_says_it_is_a_strided_convolution():
    fig = vit.vit_pipeline(224, 16, 12)
    labels = [t.get_text() for t in fig.findobj(lambda o: getattr(o, "get_gid", lambda: None)() == "vit-projection")]
    assert labels == ["patch projection (= 16×16 conv, stride 16)"]
