"""One attention head solved exactly: every intermediate step kept.

Moved unchanged from the former ``practice/attention.py``; see the package docstring."""
from __future__ import annotations

from collections.abc import Sequence
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
    *steps, weights, output = _steps(q, k, v)
    most = [np.flatnonzero(row).tolist() for row in close_to_max(weights)]
    return Solution(*steps, weights, output, most)


def solve_many(query: np.ndarray, keys: np.ndarray, values: np.ndarray) -> list[Solution]:
    """``solve`` for a stack of heads of one shape, (n, n_queries, d_k) and (n, n_keys, d_k):
    the same arithmetic on the stacked arrays (element by element, and a product per head),
    one Solution per head."""
    steps = _steps(query, keys, values)
    most = [[[j for j, top in enumerate(row) if top] for row in head] for head in close_to_max(steps[4]).tolist()]
    return [Solution(*(a[i] for a in steps), most[i]) for i in range(len(query))]


def _steps(q: np.ndarray, k: np.ndarray, v: np.ndarray) -> tuple[np.ndarray, ...]:
    """scores, scaled, exp, exp_sum, weights, output; leading dimensions are heads."""
    d_k = q.shape[-1]
    scores = q @ np.swapaxes(k, -1, -2)
    scaled = scores / np.sqrt(d_k)
    # Shift only for the stable softmax; the displayed exponentials stay unshifted.
    shifted = np.exp(scaled - scaled.max(axis=-1, keepdims=True))
    weights = shifted / shifted.sum(axis=-1, keepdims=True)
    exp = np.exp(scaled)
    output = weights @ v
    return scores, scaled, exp, exp.sum(axis=-1), weights, output


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


def by_shape(problems: Sequence[Problem], memo: str) -> list[list[Problem]]:
    """The problems that lack ``memo`` yet, grouped by the shapes of their query, keys and
    values: each group stacks into arrays (a deck's bulk paths work a group at a time)."""
    groups: dict[tuple, list[Problem]] = {}
    for p in problems:
        if memo not in p.__dict__:
            groups.setdefault((p.query.shape, p.keys.shape, p.values.shape), []).append(p)
    return list(groups.values())
