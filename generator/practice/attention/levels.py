"""Difficulty levels and the checked parameter ranges of drawn problems.

Moved unchanged from the former ``practice/attention.py``; see the package docstring."""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from generator.errors import ParameterError


# ---------------------------------------------------------------------------
# Drawn problems: difficulty levels, display rounding, guarantees, draw().
# ---------------------------------------------------------------------------

DIFFICULTIES = ("standard", "challenge")


# Checked parameter ranges, both ends included. They are sized for hand work (the
# lesson's head is d_k = 2, three keys, one query) and so that every combination
# meets the guarantees well within MAX_TRIES (the slowest corner, standard with
# d_k = 3, four keys and three queries, needs under a tenth of the budget at worst
# over 300 seeds). d_k = 1 is excluded: dividing by sqrt(1) does nothing, so the
# scaling step and the scaling slips would vanish from the exercise.
D_K_RANGE = (2, 4)
N_KEYS_RANGE = (2, 4)
N_QUERIES_RANGE = (1, 3)
# Budget of candidate query rows per draw, and how many rows one set of keys and
# values gets per query before it is replaced.
MAX_TRIES = 20000
ROW_TRIES = 100

# No displayed weight may fall outside this band, so none reads as 0.00 or 1.00
# even when a card shows weights to two decimals only.
WEIGHT_FLOOR = 0.01
WEIGHT_CEILING = 0.99


@dataclass(frozen=True)
class Level:
    """How a difficulty draws its numbers and how far the leading key must be ahead."""

    name: str
    decimals: int  # decimals in query and key entries: 0 (integers) or 1
    span: float  # query and key entries lie in [-span, span] on that grid
    value_span: int  # value entries are integers in [-value_span, value_span]
    margin: float  # displayed top weight minus displayed runner-up, at least
    max_lead: float | None = None  # ... and at most this (a close race), None for no cap


LEVELS: dict[str, Level] = {
    # One decimal in [-2, 2] and a clear winner. Integer entries gave scores whose gaps
    # were small integers, so 100 seeds drew only 13 distinct weight sets; tenths give a
    # spread of gaps (leads from 0.15 to over 0.8) and exponentials that rarely repeat,
    # still two products and a sum per score (benchmarks/practice_bench.py reports the rate).
    "standard": Level("standard", decimals=1, span=2, value_span=3, margin=0.15),
    # One decimal, wider values, and a close race between the top two keys.
    "challenge": Level("challenge", decimals=1, span=1.5, value_span=5, margin=0.05, max_lead=0.35),
}

# The lesson's board example keeps the integer grid its seed was picked on (scores 3, 2,
# 0): small whole numbers are what a class follows on a board. It prints as "standard".
BOARD_LEVEL = Level("standard", decimals=0, span=2, value_span=3, margin=0.15)


def check_level(level: Level, d_k: int) -> Level:
    """Raise ParameterError when a level can never produce a problem meeting the guarantees."""
    if level.decimals not in (0, 1):
        raise ParameterError(f"decimals must be 0 or 1, got {level.decimals!r}")
    grid = level.span * 10**level.decimals
    if not level.span > 0 or abs(grid - round(grid)) > 1e-9:
        raise ParameterError(
            f"span must be a positive multiple of {10.0**-level.decimals:g}, got {level.span!r}"
        )
    if isinstance(level.value_span, bool) or not isinstance(level.value_span, int) or level.value_span < 1:
        # With every value zero the output always equals a value vector.
        raise ParameterError(f"value_span must be an integer >= 1, got {level.value_span!r}")
    if not 0 < level.margin < WEIGHT_CEILING - WEIGHT_FLOOR:
        raise ParameterError(
            f"margin must be in (0, {WEIGHT_CEILING - WEIGHT_FLOOR:.2f}), got {level.margin!r}"
        )
    if level.max_lead is not None and not level.margin < level.max_lead <= 1:
        raise ParameterError(f"max_lead must be in ({level.margin}, 1] or None, got {level.max_lead!r}")
    # The leader's weight is at most WEIGHT_CEILING and the runner-up's is the leader's
    # times exp(-gap), so the lead needs a scaled-score gap of at least -ln(1 - margin/ceiling).
    # The widest gap the range allows is 2 * span^2 * d_k / sqrt(d_k).
    needed_gap = -math.log(1 - level.margin / WEIGHT_CEILING)
    min_span = math.sqrt(needed_gap / (2 * math.sqrt(d_k)))
    if 2 * level.span**2 * math.sqrt(d_k) < needed_gap:
        raise ParameterError(
            f"span must be at least {min_span:.3f} to reach margin {level.margin} with d_k={d_k} "
            f"(allowed: span >= {min_span:.3f}), got {level.span!r}"
        )
    return level
