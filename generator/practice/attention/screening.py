"""Screening candidate query rows in numpy batches before the exact guarantee checks.

``draw`` tries candidate rows one at a time and keeps the first that meets every
guarantee; about three in four fail, and judging each one through ``rounded`` and
``meets_guarantees`` is most of a note's drawing time. ``certain_failures`` judges a
whole batch of rows against the same keys and values at once and marks only the rows
that surely fail, so ``draw`` skips them and sends the rest through the exact checks
as before: it accepts the very same row, and a note's problem stays the same.

"Surely" means two things. The batch's arithmetic may differ from the one-row path's
in the last bit (matrix products summed in another order), so a rounded number is
trusted only when the unrounded one is not within ``_TIE`` of a rounding boundary;
such a row is left to the exact checks. And a check counts as failed only when it
misses its bound by more than ``_SLACK``, far more than that last bit.
"""
from __future__ import annotations

import math

import numpy as np

from .display import ROUNDING
from .guarantees import _TINY, _half_unit
from .levels import Level, WEIGHT_CEILING, WEIGHT_FLOOR

_TIE = 1e-6  # in units of the last displayed digit
_SLACK = 1e-7


def _shown(x: np.ndarray, decimals: int) -> tuple[np.ndarray, np.ndarray]:
    """``x`` rounded to ``decimals`` as ``rounding.round_to`` rounds it, and per row whether
    any entry sat so near a rounding boundary that the result is not to be trusted."""
    scaled = x * 10.0**decimals
    near = np.abs(scaled - np.floor(scaled) - 0.5) < _TIE
    # n / 10**d is the float nearest the decimal, as round(x, d) returns it; + 0.0 drops -0.0.
    out = np.round(scaled) / 10.0**decimals + 0.0
    return out, near.reshape(len(x), -1).any(axis=1)


def certain_failures(q: np.ndarray, k: np.ndarray, v: np.ndarray, lv: Level) -> np.ndarray:
    """One flag per row of ``q`` (m, d_k): True when the head (that row, ``k``, ``v``)
    surely breaks a guarantee of ``lv``; False when the exact checks must decide."""
    m, d_k = q.shape
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        scores = q @ k.T
        scaled = scores / math.sqrt(d_k)
        shifted = np.exp(scaled - scaled.max(axis=1, keepdims=True))
        weights = shifted / shifted.sum(axis=1, keepdims=True)
        exp = np.exp(scaled)
        exp_sum = exp.sum(axis=1, keepdims=True)
        output = weights @ v

        unsure = np.zeros(m, dtype=bool)
        shown = {}
        for name, value in (("scores", scores), ("scaled", scaled), ("exp", exp), ("exp_sum", exp_sum),
                            ("weights", weights), ("output", output)):
            shown[name], near = _shown(value, ROUNDING[name])
            unsure |= near | ~np.isfinite(value).all(axis=1)
        w = shown["weights"]

        fails = np.zeros(m, dtype=bool)
        top = np.sort(w, axis=1)
        lead = top[:, -1] - top[:, -2]
        fails |= lead < lv.margin - _TINY - _SLACK
        if lv.max_lead is not None:
            fails |= lead > lv.max_lead + _TINY + _SLACK
        fails |= ((w < WEIGHT_FLOOR - _TINY - _SLACK) | (w > WEIGHT_CEILING + _TINY + _SLACK)).any(axis=1)
        fails |= w.max(axis=1) == w.min(axis=1)
        fails |= np.abs(w.sum(axis=1) - 1.0) > _TINY + _SLACK
        same = np.abs(shown["output"][:, None, :] - v[None, :, :]) <= _half_unit("output") - _SLACK
        fails |= same.all(axis=2).any(axis=1)
        # consistent_at_display: each step from the displayed step before it.
        for got, step in (
            (q @ k.T, "scores"),
            (shown["scores"] / math.sqrt(d_k), "scaled"),
            (np.exp(shown["scaled"]), "exp"),
            (shown["exp"].sum(axis=1, keepdims=True), "exp_sum"),
            (shown["exp"] / shown["exp_sum"], "weights"),
            (w @ v, "output"),
        ):
            fails |= (np.abs(got - shown[step]) > _half_unit(step) + _SLACK).any(axis=1)
    return fails & ~unsure
