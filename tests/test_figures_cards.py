"""The card figures' fast paths give exactly what their plain definitions give: colours mixed
on arrays (figures/cards.weight_colours, style.mix_many) against one ``mix`` at a time, and
the heatmap's SVG against its template rendered plainly (stencil.plain)."""
from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest

from generator.figures import cards, style


def shares() -> np.ndarray:
    rng = np.random.default_rng(13)
    # Ties: amounts where a channel lands on k + 1/2 exactly (round and rint go to even,
    # floor(x + 0.5) does not), found with exact fractions, plus the scale's ends and
    # the break at a half, and shares outside [0, 1] (clipped).
    ties = []
    paper, strong = style.PAPER, style.strong("weights")
    dark = style.mix(strong, "#000000", 0.55)
    for lo, hi, to_share in ((paper, strong, lambda a: a / 2), (strong, dark, lambda a: (a + 1) / 2)):
        for i in (1, 3, 5):
            x, y = int(lo[i:i + 2], 16), int(hi[i:i + 2], 16)
            for k in range(min(x, y), max(x, y)):
                amount = float(Fraction(2 * k + 1, 2) - x) / (y - x)
                if x + (y - x) * amount == k + 0.5:
                    ties.append(to_share(amount))
    assert len(ties) > 50
    return np.concatenate([ties, [0.0, 0.5, np.nextafter(0.5, 1), 1.0, -0.2, 1.7, 1e-12],
                           rng.random(3000), rng.integers(0, 1000, 500) / 1000])


def test_weight_colours_in_bulk_are_weight_colour_one_at_a_time():
    s = shares()
    assert cards.weight_colours(s) == [cards.weight_colour(float(v)) for v in s]


@pytest.mark.parametrize("amounts", [[], [0.0], [0.25, 0.5, 1.0], list(np.linspace(0, 1, 257))])
def test_mix_many_is_mix(amounts):
    for a, b in ((style.PAPER, "#E69F00"), ("#56B4E9", "#000000"), ("#0072B2", "#FFFFFF")):
        assert style.mix_many(a, b, np.array(amounts)) == [style.mix(a, b, x) for x in amounts]
