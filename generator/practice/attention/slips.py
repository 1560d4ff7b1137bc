"""The named slips and the answers a learner reaches with them.

Moved unchanged from the former ``practice/attention.py``; see the package docstring."""
from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np

from .solving import Problem, close_to_max
from .display import ROUNDING, _rows, fmt


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
        return {"weights": [[fmt(x, "weights") for x in row] for row in self.weights],
                "output": [[fmt(x, "output") for x in row] for row in self.output]}


SLIP_EXPLANATIONS = {
    "no_scaling": "The scores went into the softmax without dividing by sqrt(d_k), so the weights come out too peaked.",
    "divide_by_dk": "The scores were divided by d_k instead of sqrt(d_k), so they shrank too much and the weights come out too flat.",
    "argmax": "The largest score took all the weight (a hard argmax, ties shared) instead of a softmax, so the output is just that key's value.",
}


def _softmax_rows(x: np.ndarray) -> np.ndarray:
    e = np.exp(x - x.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def mistakes(problem: Problem) -> dict[str, Slip]:
    """The named slips ("no_scaling", "divide_by_dk", "argmax") and where each one leads."""
    scores = problem.solution.scores
    d_k = problem.query.shape[1]
    top = close_to_max(scores)
    slip_weights = {
        "no_scaling": _softmax_rows(scores),
        "divide_by_dk": _softmax_rows(scores / d_k),
        "argmax": top / top.sum(axis=1, keepdims=True),
    }
    right = _rows(problem.solution.output, ROUNDING["output"])
    out: dict[str, Slip] = {}
    for name, w in slip_weights.items():
        shown_out = _rows(w @ problem.values, ROUNDING["output"])
        out[name] = Slip(
            name=name,
            weights=_rows(w, ROUNDING["weights"]),
            output=shown_out,
            explanation=SLIP_EXPLANATIONS[name],
            differs=shown_out != right,
        )
    return out
