"""A synthetic photograph, drawn as vector shapes from a seed.

The lesson needs "an image" under its patch grids and attention maps; drawing
one keeps the build free of downloaded data and licences, and vector shapes
keep the SVG small and sharp. A seed moves things around so practice variants
do not all look alike. The scene has a clear subject (a ball, a kite, or a
labelled marker for things the code does not draw) that a caption would
mention, so an attention map has something to land on.
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


SUBJECT_SHAPES = ("ball", "kite", "marker")


@dataclass(frozen=True)
class Scene:
    """Where things are, in unit coordinates of the image (0..1, y up)."""

    horizon: float
    sun: tuple[float, float]
    tree_x: float
    house_x: float
    subject: tuple[float, float]  # centre of the one thing a caption would name
    subject_r: float
    shape: str = "ball"  # one of SUBJECT_SHAPES


# Landmarks stand at one of these x positions, two apart from each other.
_SLOTS = (0.13, 0.37, 0.63, 0.87)


def layout(
    seed: int,
    subject: tuple[float, float] | None = None,
    *,
    subject_r: float = 0.09,
    shape: str | None = None,
    horizon: float | None = None,
) -> Scene:
    """The scene for ``seed``.

    ``subject`` pins the subject's centre, so a figure can put it where its
    attention weights peak; ``horizon`` pins the line between sky and ground (a
    practice item may say which rows are sky). ``shape`` defaults to a ball on
    the ground and a kite in the sky. The tree, the house and the sun are kept out
    of the subject's column, so the subject is the one thing in its patch.
    """
    rng = np.random.Generator(np.random.PCG64(seed))
    h = float(rng.uniform(0.38, 0.5)) if horizon is None else float(horizon)
    order = [int(i) for i in rng.permutation(len(_SLOTS))]
    sun = (float(rng.uniform(0.15, 0.85)), float(rng.uniform(0.78, 0.88)))
    default = (float(rng.uniform(0.35, 0.65)), float(rng.uniform(0.14, 0.26)))
    x, y = default if subject is None else (float(subject[0]), float(subject[1]))
    if shape is None:
        shape = "kite" if y > h else "ball"
    if subject is not None and horizon is None and shape == "ball":
        h = max(h, min(y + subject_r + 0.04, 0.75))  # a ball rests on the grass
    free = [_SLOTS[i] for i in order if abs(_SLOTS[i] - x) >= subject_r + 0.14] or [_SLOTS[order[0]]]
    tree_x = free[0]
    house_x = next((s for s in free[1:] if abs(s - tree_x) > 0.2), 1.0 - tree_x)
    if abs(sun[0] - x) < subject_r + 0.1:
        sun = (0.85 if x < 0.5 else 0.15, sun[1])
    return Scene(h, sun, tree_x, house_x, (x, y), subject_r, shape)


def draw(ax: Axes, scene: Scene, x0: float, y0: float, side: float, gid: str = "scene") -> None:
    """Paint ``scene`` into the square with lower-left corner (x0, y0)."""

    def X(u: float) -> float:
        return x0 + u * side

    def Y(v: float) -> float:
        return y0 + v * side

    clip = Rectangle((x0, y0), side, side, facecolor="none", edgecolor="none")
    ax.add_artist(clip)
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
    ]
    patches += {"ball": _ball, "kite": _kite, "marker": _marker}[scene.shape](X, Y, side, scene)
    for i, p in enumerate(patches):
        p.set_gid(f"{gid}-{i}")
        ax.add_artist(p)
        p.set_clip_path(clip)  # the sun and crown may reach past the frame
    if scene.shape == "ball":
        # The stripe must stay inside the ball, not cut across the grass.
        patches[-1].set_clip_path(patches[-2])


def _ball(X, Y, side: float, scene: Scene) -> list:
    """A striped ball and its shadow on the grass."""
    (x, y), r = scene.subject, scene.subject_r
    return [
        Ellipse((X(x + 0.02), Y(y - r * 0.9)), side * r * 2.2, side * 0.035, facecolor="#6F8F55", edgecolor="none"),
        Circle((X(x), Y(y)), side * r, facecolor=BALL, edgecolor="none"),
        Rectangle((X(x - r), Y(y - 0.015)), side * r * 2, side * 0.03, facecolor=BALL_STRIPE, edgecolor="none"),
    ]


def _kite(X, Y, side: float, scene: Scene) -> list:
    """A diamond kite with a tail: what a subject high in the sky is."""
    (x, y), r = scene.subject, scene.subject_r
    tail = [(X(x + dx), Y(y - r * 1.2 - dy)) for dx, dy in ((0, 0), (0.03, 0.05), (-0.02, 0.09), (0.02, 0.13))]
    return [
        Polygon(tail, closed=False, fill=False, edgecolor="#555555", linewidth=1.5),
        Polygon([(X(x), Y(y + r * 1.2)), (X(x + r * 0.8), Y(y)), (X(x), Y(y - r * 1.2)), (X(x - r * 0.8), Y(y))], facecolor=BALL, edgecolor="none"),
        Polygon([(X(x), Y(y + r * 1.2)), (X(x + r * 0.8), Y(y)), (X(x), Y(y))], facecolor="#E07A5F", edgecolor="none"),
    ]


def _marker(X, Y, side: float, scene: Scene) -> list:
    """A neutral stand-in for a subject the code does not draw (a dog, a boat):
    a round target, so the picture does not pretend to be something it is not."""
    (x, y), r = scene.subject, scene.subject_r
    return [
        Circle((X(x), Y(y)), side * r, facecolor=BALL, edgecolor=BALL_STRIPE, linewidth=2),
        Circle((X(x), Y(y)), side * r * 0.45, facecolor=BALL_STRIPE, edgecolor="none"),
    ]
