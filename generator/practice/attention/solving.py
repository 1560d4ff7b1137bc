"""One attention head solved exactly: every intermediate step kept.

Moved unchanged from the former ``practice/attention.py``; see the package docstring."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Solution:
    """Every intermediate step of one head, one row per query."""

    scores: np.ndarray  # (n_queries, n_keys): q . k_i
    scaled: np.ndarray  # (n_queries, n_keys): scores / sqrt(d_k)
    exp: np.ndarray  # (n_queries, n_keys): exp(scaled), unshifted as a learner computes it
    exp_sum: np.ndarray  # (n_queries,)
    weights: np.ndarray  # (n_queries, n_keys): softmax of scaled
    output: np.ndarray  # (n_queries, d_v): sum_i w_i v_i
    most_attended: list[list[int]]  # per query, every key index holding the largest weight


def solve(query: np.ndarray, keys: np.ndarray, values: np.ndarray) -> Solution:
    """Solve one head exactly (float64). ``query`` is (d_k,) or (n_queries, d_k)."""
    q = np.atleast_2d(np.asarray(query, dtype=np.float64))
    k = np.asarray(keys, dtype=np.float64)
    v = np.asarray(values, dtype=np.float64)
    d_k = q.shape[1]
    scores = q @ k.T
    scaled = scores / np.sqrt(d_k)
    # Shift only for the stable softmax; the displayed exponentials stay unshifted.
    shifted = np.exp(scaled - scaled.max(axis=1, keepdims=True))
    weights = shifted / shifted.sum(axis=1, keepdims=True)
    exp = np.exp(scaled)
    output = weights @ v
    most = [np.flatnonzero(row).tolist() for row in close_to_max(weights)]
    return Solution(scores, scaled, exp, exp.sum(axis=1), weights, output, most)


def close_to_max(x: np.ndarray) -> np.ndarray:
    """Per row, the entries within 1e-12 of the row's largest: what
    ``np.isclose(x, max, rtol=0, atol=1e-12)`` gives (equal infinities included), without
    its overhead, which a deck pays twice per note."""
    top = x.max(axis=-1, keepdims=True)
    with np.errstate(invalid="ignore"):
        return (np.abs(x - top) <= 1e-12) | (x == top)


@dataclass(frozen=True)
class Problem:
    """A drawn (or given) head with its solution and where it came from."""

    query: np.ndarray  # (n_queries, d_k)
    keys: np.ndarray  # (n_keys, d_k)
    values: np.ndarray  # (n_keys, d_v)
    solution: Solution
    seed: int | None = None  # None for a head given by hand
    key: str = ""  # exercise key the variant was derived from
    variant: int = 0
    difficulty: str = ""

    @classmethod
    def given(cls, query, keys, values) -> "Problem":
        q = np.atleast_2d(np.asarray(query, dtype=np.float64))
        k = np.asarray(keys, dtype=np.float64)
        v = np.asarray(values, dtype=np.float64)
        return cls(q, k, v, solve(q, k, v))
