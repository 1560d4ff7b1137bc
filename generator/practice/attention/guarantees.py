"""The guarantees a drawn problem keeps, judged on the displayed numbers.

Moved unchanged from the former ``practice/attention.py``; see the package docstring."""
from __future__ import annotations

import math
from typing import Callable

import numpy as np

from .solving import Problem
from .levels import LEVELS, Level, WEIGHT_CEILING, WEIGHT_FLOOR
from .display import Display, ROUNDING, rounded, shown_root


# --- guarantees ------------------------------------------------------------
# Each takes what the learner sees (a Display; a Problem is rounded first) and says
# whether the promise holds. draw() redraws until all of them do.

_TINY = 1e-9  # float slack on comparisons of already-rounded numbers


def _shown(p: Problem | Display) -> Display:
    return p if isinstance(p, Display) else rounded(p)


def _half_unit(step: str) -> float:
    return 0.5 * 10.0 ** -ROUNDING[step] + _TINY


# How far from a rounding tie a learner's number must stay, in units of the last
# displayed digit. Outputs of 3-decimal weights times whole values end exactly in 5 at
# the third decimal in about one drawn head in five; a learner who rounds that half up
# and one who rounds it to even then disagree, and one of them disagrees with the card.
# A hundredth of a unit also keeps a 10-digit calculator's last digit from tipping the
# continuous steps (scaled scores, exponentials, weights) across a tie.
NEAR_TIE = 0.01


def _clear_of_ties(step: str) -> float:
    """The largest distance, learner's number to displayed number, that still rounds to
    the displayed number under any rule for halves, with NEAR_TIE to spare."""
    return (0.5 - NEAR_TIE) * 10.0 ** -ROUNDING[step]


def all_finite(p: Problem | Display) -> bool:
    """No NaN or infinity anywhere a learner looks."""
    d = _shown(p)
    return all(np.isfinite(d.rows(n)).all() for n in ("scores", "scaled", "exp", "exp_sum", "weights", "output"))


def unique_leader(p: Problem | Display, margin: float, max_lead: float | None = None) -> bool:
    """For every query the top displayed weight leads the runner-up by at least ``margin``
    (and by at most ``max_lead`` when set), so "which key wins" has one clear answer."""
    w = np.sort(_shown(p).rows("weights"), axis=1)
    lead = w[:, -1] - w[:, -2]
    ok = bool((lead >= margin - _TINY).all())
    if max_lead is not None:
        ok = ok and bool((lead <= max_lead + _TINY).all())
    return ok


def no_extreme_weights(p: Problem | Display) -> bool:
    """Every displayed weight lies in [0.01, 0.99] (none reads as 0.00 or 1.00), and the
    weights of a query are not all equal."""
    w = _shown(p).rows("weights")
    in_band = bool(((w >= WEIGHT_FLOOR - _TINY) & (w <= WEIGHT_CEILING + _TINY)).all())
    return in_band and bool((w.max(axis=1) > w.min(axis=1)).all())


def weights_sum_to_one(p: Problem | Display) -> bool:
    """The displayed weights of each query add up to exactly 1 at display precision,
    so the learner's usual sanity check passes."""
    w = _shown(p).rows("weights")
    return bool((np.abs(w.sum(axis=1) - 1.0) < _TINY).all())


def output_not_a_value(p: Problem | Display) -> bool:
    """No displayed output equals a value vector: the answer is a real blend."""
    d = _shown(p)
    out, values = d.rows("output"), np.asarray(d.values, dtype=np.float64)
    same = np.abs(out[:, None, :] - values[None, :, :]) <= _half_unit("output")
    return not bool(same.all(axis=2).any())


def consistent_at_display(p: Problem | Display) -> bool:
    """A learner who takes each displayed step and computes the next one gets a number
    that rounds to the displayed next step whatever rule they use for halves: it lies
    within half a unit in the last displayed place of it, and at least NEAR_TIE of a
    unit away from the tie on either side.

    Steps: q, K exactly -> scores -> scores / sqrt(d_k) -> exp -> sum -> exp / sum ->
    sum_i w_i v_i, each starting from the numbers printed for the step before; the scaled
    scores both with the exact sqrt(d_k) and with the printed one (ROOT_DECIMALS).
    """
    d = _shown(p)
    q, k, v = d.rows("query"), np.asarray(d.keys), np.asarray(d.values)
    scores, scaled, exp = d.rows("scores"), d.rows("scaled"), d.rows("exp")
    exp_sum, weights, output = d.rows("exp_sum"), d.rows("weights"), d.rows("output")
    with np.errstate(over="ignore", invalid="ignore"):
        checks = (
            (q @ k.T, scores, "scores"),
            (scores / math.sqrt(d.d_k), scaled, "scaled"),
            (scores / shown_root(d.d_k), scaled, "scaled"),  # by the root as the step prints it
            (np.exp(scaled), exp, "exp"),
            (exp.sum(axis=1, keepdims=True), exp_sum, "exp_sum"),
            (exp / exp_sum, weights, "weights"),
            (weights @ v, output, "output"),
        )
        return all(bool((np.abs(got - shown) <= _clear_of_ties(step)).all()) for got, shown, step in checks)


def _checks(d: Display, lv: Level) -> dict[str, Callable[[], bool]]:
    # Cheapest and most often failing first, for the early exit in draw().
    return {
        "unique_leader": lambda: unique_leader(d, lv.margin, lv.max_lead),
        "no_extreme_weights": lambda: no_extreme_weights(d),
        "weights_sum_to_one": lambda: weights_sum_to_one(d),
        "output_not_a_value": lambda: output_not_a_value(d),
        "all_finite": lambda: all_finite(d),
        "consistent_at_display": lambda: consistent_at_display(d),
    }


def broken_guarantees(p: Problem | Display, level: Level | str = "standard") -> list[str]:
    """Names of the guarantees ``p`` breaks under ``level`` (empty when it is a valid drawn problem)."""
    lv = LEVELS[level] if isinstance(level, str) else level
    return [name for name, ok in _checks(_shown(p), lv).items() if not ok()]


def meets_guarantees(p: Problem | Display, level: Level | str = "standard") -> bool:
    """True when ``p`` keeps every guarantee under ``level``; stops at the first broken one."""
    lv = LEVELS[level] if isinstance(level, str) else level
    return all(ok() for ok in _checks(_shown(p), lv).values())


GUARANTEES = ("unique_leader", "no_extreme_weights", "weights_sum_to_one", "output_not_a_value",
              "all_finite", "consistent_at_display")
