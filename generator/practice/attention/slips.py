"""The named slips and the answers a learner reaches with them.

Moved unchanged from the former ``practice/attention.py``; see the package docstring."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from .solving import Problem, by_shape, close_to_max
from ..rounding import fixed_many
from .display import ROUNDING, _round_many, _rows


# --- named mistakes ----------------------------------------------------------


@dataclass(frozen=True)
class Slip:
    """The answer a learner reaches with one common slip, rounded like the real answer.

    ``weights`` and ``output`` have one row per query, as in ``Display``;
    ``text`` holds them as printed strings. ``differs`` is False when the slip lands on
    the displayed correct output anyway (e.g. a head whose scores are all zero), in which
    case a card should not claim "if you got X, you made this slip".
    """

    name: str
    weights: list
    output: list
    explanation: str
    differs: bool

    @cached_property
    def text(self) -> dict[str, list]:
        return {"weights": [fixed_many(row, ROUNDING["weights"]) for row in self.weights],
                "output": [fixed_many(row, ROUNDING["output"]) for row in self.output]}


SLIP_EXPLANATIONS = {
    "no_scaling": "The scores went into the softmax without dividing by sqrt(d_k), so the weights come out too peaked.",
    "divide_by_dk": "The scores were divided by d_k instead of sqrt(d_k), so they shrank too much and the weights come out too flat.",
    "argmax": "The largest score took all the weight (a hard argmax, ties shared) instead of a softmax, so the output is just that key's value.",
}


def _softmax_rows(x: np.ndarray) -> np.ndarray:
    e = np.exp(x - x.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def _slip_weights(scores: np.ndarray, d_k: int) -> dict[str, np.ndarray]:
    """Each slip's weights from the scores, one row per query (leading dimensions: problems)."""
    top = close_to_max(scores)
    return {
        "no_scaling": _softmax_rows(scores),
        "divide_by_dk": _softmax_rows(scores / d_k),
        "argmax": top / top.sum(axis=-1, keepdims=True),
    }


def mistakes(problem: Problem) -> dict[str, Slip]:
    """The named slips ("no_scaling", "divide_by_dk", "argmax") and where each one leads.

    Kept on the problem once worked out (``mistakes_many`` works out a deck's at once)."""
    memo = problem.__dict__.get("_slips")
    if memo is None:
        right = _rows(problem.solution.output, ROUNDING["output"])
        memo = {}
        for name, w in _slip_weights(problem.solution.scores, problem.query.shape[1]).items():
            shown_out = _rows(w @ problem.values, ROUNDING["output"])
            memo[name] = Slip(name, _rows(w, ROUNDING["weights"]), shown_out, SLIP_EXPLANATIONS[name], shown_out != right)
        object.__setattr__(problem, "_slips", memo)  # a memo, not a field: eq, repr and data ignore it
    return dict(memo)


def mistakes_many(problems: Sequence[Problem]) -> None:
    """``mistakes`` for many problems at once, a shape at a time: the same arithmetic on
    stacked arrays (element by element, and a product per problem), rounded by
    ``display._round_many`` (which rounds as ``round_to`` does); each problem keeps its slips."""
    for group in by_shape(problems, "_slips"):
        values = np.stack([p.values for p in group])
        scores = np.stack([p.solution.scores for p in group])
        right = _round_many(np.stack([p.solution.output for p in group]), ROUNDING["output"]).tolist()
        slips = {}
        for name, w in _slip_weights(scores, group[0].query.shape[1]).items():
            slips[name] = (_round_many(w, ROUNDING["weights"]).tolist(),
                           _round_many(w @ values, ROUNDING["output"]).tolist())
        for i, p in enumerate(group):
            memo = {name: Slip(name, weights[i], output[i], SLIP_EXPLANATIONS[name], output[i] != right[i])
                    for name, (weights, output) in slips.items()}
            object.__setattr__(p, "_slips", memo)
