"""Screening candidate query rows in numpy batches before the exact guarantee checks.

``draw`` tries candidate rows one at a time and keeps the first that meets every
guarantee; about three in four fail, and judging each one through ``rounded`` and
``meets_guarantees`` is most of a note's drawing time. ``screen`` judges a whole batch
of rows against the same keys and values at once and marks the rows that surely fail
(``draw`` skips them) and those that surely pass (``draw`` takes them without judging
them again); only the rest go through the exact checks as before. ``draw`` accepts
the very same row, and a note's problem stays the same.

"Surely" means two things. The batch's arithmetic may differ from the one-row path's
in the last bit (matrix products summed in another order), so a rounded number is
trusted only when the unrounded one is not within ``_TIE`` of a rounding boundary;
such a row is left to the exact checks. And a check counts as failed only when it
misses its bound by more than ``_SLACK``, far more than that last bit, and as kept
only when it keeps its bound by more than that.
"""
from __future__ import annotations

import math

import numpy as np

from .display import ROUNDING, shown_root
from .guarantees import _TINY, _clear_of_ties, _half_unit
from .levels import Level, WEIGHT_CEILING, WEIGHT_FLOOR

_TIE = 1e-6  # in units of the last displayed digit
_SLACK = 1e-10  # under _TINY (a sum of weights off by nothing must pass), yet thousands of ulps at these sizes


def _shown(x: np.ndarray, decimals: int) -> tuple[np.ndarray, np.ndarray]:
    """``x`` rounded to ``decimals`` as ``rounding.round_to`` rounds it, and per row whether
    any entry sat so near a rounding boundary that the result is not to be trusted."""
    scaled = x * 10.0**decimals
    near = np.abs(scaled - np.floor(scaled) - 0.5) < _TIE
    # n / 10**d is the float nearest the decimal, as round(x, d) returns it; + 0.0 drops -0.0.
    out = np.round(scaled) / 10.0**decimals + 0.0
    return out, near.any(axis=-1)


def screen(q: np.ndarray, k: np.ndarray, v: np.ndarray, lv: Level) -> tuple[np.ndarray, np.ndarray]:
    """Two flags per row of ``q`` (m, d_k), for the head of that row with ``k`` and ``v``:
    whether it surely breaks a guarantee of ``lv``, and whether it surely keeps them all.
    A row with neither flag goes to the exact checks.

    Leading dimensions are batches of key sets: ``q`` (..., m, d_k) with ``k`` and ``v``
    (..., n_keys, d_k) gives flags of shape (..., m), each row judged with its own keys."""
    d_k = q.shape[-1]
    kt = np.swapaxes(k, -1, -2)
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        scores = q @ kt
        scaled = scores / math.sqrt(d_k)
        shifted = np.exp(scaled - scaled.max(axis=-1, keepdims=True))
        weights = shifted / shifted.sum(axis=-1, keepdims=True)
        exp = np.exp(scaled)
        exp_sum = exp.sum(axis=-1, keepdims=True)
        output = weights @ v

        unsure = np.zeros(q.shape[:-1], dtype=bool)
        shown = {}
        for name, value in (("scores", scores), ("scaled", scaled), ("exp", exp), ("exp_sum", exp_sum),
                            ("weights", weights), ("output", output)):
            shown[name], near = _shown(value, ROUNDING[name])
            unsure |= near | ~np.isfinite(value).all(axis=-1)
        # consistent_at_display: each step from the displayed step before it.
        misses = [(np.abs(got - shown[step]) - _clear_of_ties(step)).max(axis=-1) for got, step in (
            (q @ kt, "scores"),
            (shown["scores"] / math.sqrt(d_k), "scaled"),
            (shown["scores"] / shown_root(d_k), "scaled"),
            (np.exp(shown["scaled"]), "exp"),
            (shown["exp"].sum(axis=-1, keepdims=True), "exp_sum"),
            (shown["exp"] / shown["exp_sum"], "weights"),
            (shown["weights"] @ v, "output"),
        )]
        fails = _breaks(shown, v, lv, misses, _SLACK)
        passes = ~_breaks(shown, v, lv, misses, -_SLACK)
    return fails & ~unsure, passes & ~unsure


def _breaks(shown: dict[str, np.ndarray], v: np.ndarray, lv: Level, misses: list[np.ndarray], slack: float) -> np.ndarray:
    """Per row: a guarantee broken with every bound moved ``slack`` in the row's favour
    (a negative ``slack``: against it). The guarantees as guarantees.py states them."""
    w = shown["weights"]
    top = np.sort(w, axis=-1)
    lead = top[..., -1] - top[..., -2]
    broken = lead < lv.margin - _TINY - slack
    if lv.max_lead is not None:
        broken |= lead > lv.max_lead + _TINY + slack
    broken |= ((w < WEIGHT_FLOOR - _TINY - slack) | (w > WEIGHT_CEILING + _TINY + slack)).any(axis=-1)
    broken |= w.max(axis=-1) == w.min(axis=-1)
    broken |= np.abs(w.sum(axis=-1) - 1.0) > _TINY + slack
    same = np.abs(shown["output"][..., :, None, :] - v[..., None, :, :]) <= _half_unit("output") - slack
    broken |= same.all(axis=-1).any(axis=-1)
    for miss in misses:
        broken |= ~(miss <= slack)  # NaN (every exponential shown as 0.000) breaks it, as in guarantees.py
    return broken
