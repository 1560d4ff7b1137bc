"""A synthetic photograph, drawn as vector shapes from a seed.

The lesson needs "an image" under its patch grids and attention maps; drawing
one keeps the build free of downloaded data and licences, and vector shapes
keep the SVG small and sharp. A seed moves things around so practice variants
do not all look alike. The scene has a clear subject (a ball) that a caption
would mention, so an attention map has something to land on.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from matplotlib.axes import Axes
from matplotlib.patches import Circle, Ellipse, Polygon, Rectangle

SKY = "#CFE8F6"
GROUND = "#9CC27A"
SUN = "#F6D74A"
TRUNK = "#7A5230"
CROWN = "#3F7F3C"
BALL = "#C8432B"
BALL_STRIPE = "#F4F0E6"
HOUSE = "#E2D3B5"
ROOF = "#8E3B2F"


@dataclass(frozen=True)
class Scene:
    """Where things are, in unit coordinates of the image (0..1, y up)."""

    horizon: float
    sun: tuple[float, float]
    tree_x: float
    house_x: float
    ball: tuple[float, float]
    ball_r: float


def layout(seed: int, subject: tuple[float, float] | None = None) -> Scene:
    """The scene for ``seed``. ``subject`` pins the ball's centre (unit coordinates),
    so a figure can put the subject where its attention weights peak."""
    rng = np.random.Generator(np.random.PCG64(seed))
    horizon = float(rng.uniform(0.38, 0.5))
    left_tree = bool(rng.integers(0, 2))
    tree_x = float(rng.uniform(0.12, 0.28)) if left_tree else float(rng.uniform(0.72, 0.88))
    house_x = float(rng.uniform(0.62, 0.78)) if left_tree else float(rng.uniform(0.22, 0.38))
    sun = (float(rng.uniform(0.15, 0.85)), float(rng.uniform(0.78, 0.88)))
    ball_r = 0.09
    ball = (float(rng.uniform(0.35, 0.65)), float(rng.uniform(0.14, 0.26)))
    if subject is not None and subject[1] + ball_r < 0.62:
        # A ball must sit on the grass: raise the horizon above it. A subject
        # higher up (the sky, the sun) is left to the scene as drawn.
        ball = (float(subject[0]), float(subject[1]))
        horizon = max(horizon, ball[1] + ball_r + 0.04)
    return Scene(horizon, sun, tree_x, house_x, ball, ball_r)


def draw(ax: Axes, scene: Scene, x0: float, y0: float, side: float, gid: str = "scene") -> None:
    """Paint ``scene`` into the square with lower-left corner (x0, y0)."""

    def X(u: float) -> float:
        return x0 + u * side

    def Y(v: float) -> float:
        return y0 + v * side

    clip = Rectangle((x0, y0), side, side, facecolor="none", edgecolor="none")
    ax.add_patch(clip)
    patches = [
        Rectangle((x0, Y(scene.horizon)), side, side * (1 - scene.horizon), facecolor=SKY, edgecolor="none"),
        Rectangle((x0, y0), side, side * scene.horizon, facecolor=GROUND, edgecolor="none"),
        Circle((X(scene.sun[0]), Y(scene.sun[1])), side * 0.07, facecolor=SUN, edgecolor="none"),
        # House: walls and roof standing on the horizon.
        Rectangle((X(scene.house_x - 0.1), Y(scene.horizon - 0.04)), side * 0.2, side * 0.16, facecolor=HOUSE, edgecolor="none"),
        Polygon(
            [(X(scene.house_x - 0.13), Y(scene.horizon + 0.12)), (X(scene.house_x + 0.13), Y(scene.horizon + 0.12)), (X(scene.house_x), Y(scene.horizon + 0.24))],
            facecolor=ROOF,
            edgecolor="none",
        ),
        Rectangle((X(scene.house_x - 0.025), Y(scene.horizon - 0.04)), side * 0.05, side * 0.09, facecolor=ROOF, edgecolor="none"),
        # Tree: trunk and crown.
        Rectangle((X(scene.tree_x - 0.02), Y(scene.horizon - 0.06)), side * 0.04, side * 0.2, facecolor=TRUNK, edgecolor="none"),
        Ellipse((X(scene.tree_x), Y(scene.horizon + 0.22)), side * 0.2, side * 0.24, facecolor=CROWN, edgecolor="none"),
        # The subject: a ball with a stripe, and its shadow on the grass.
        Ellipse((X(scene.ball[0] + 0.02), Y(scene.ball[1] - scene.ball_r * 0.9)), side * scene.ball_r * 2.2, side * 0.035, facecolor="#6F8F55", edgecolor="none"),
        Circle((X(scene.ball[0]), Y(scene.ball[1])), side * scene.ball_r, facecolor=BALL, edgecolor="none"),
        Rectangle((X(scene.ball[0] - scene.ball_r), Y(scene.ball[1] - 0.015)), side * scene.ball_r * 2, side * 0.03, facecolor=BALL_STRIPE, edgecolor="none"),
    ]
    for i, p in enumerate(patches):
        p.set_gid(f"{gid}-{i}")
        ax.add_patch(p)
        p.set_clip_path(clip)  # the sun and crown may reach past the frame
    # The stripe must stay inside the ball, not cut across the grass.
    ball = patches[-2]
    patches[-1].set_clip_path(ball)
