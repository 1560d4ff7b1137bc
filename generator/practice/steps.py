"""The worked steps of one attention head, one query at a time: what every view prints.

The slides (``templates/lesson/head.md.j2``), the practice cards
(``anki/practice.py``), the ``practice`` command and the head figure all lay
out a head from this view, so they show the same steps, in the same order,
under the same numbers, with the same digits. The numbering is the lesson's:

    1 scores, 2 scaled, 3 exponentials (and their sum), 4 softmax, 5 weighted sum.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from .attention import ROOT_DECIMALS, Display, Problem, fmt, rounded, shown_root

# (name, title) in the order a learner computes them; a step's number is its place here.
# Names are the engine's ROUNDING steps, so each step's digits follow its rounding.
STEPS: tuple[tuple[str, str], ...] = (
    ("scores", "Scores"),
    ("scaled", "Scaled"),
    ("exp", "Exponentials"),
    ("weights", "Softmax"),
    ("output", "Weighted sum"),
)


@dataclass(frozen=True)
class Step:
    number: int  # 1 to 5, as on the slides
    name: str  # "scores", "scaled", "exp", "weights" or "output"
    title: str
    cells: tuple[str, ...]  # one per key (output: one per component), as printed
    total: str | None = None  # the exponentials' sum, as printed


@dataclass(frozen=True)
class QuerySteps:
    """One query's head: inputs and the five steps, every number as printed."""

    index: int  # 0-based query number
    n_queries: int
    d_k: int
    sqrt_d_k: str  # sqrt(d_k) to ROOT_DECIMALS, as a learner may divide by it
    query: tuple[str, ...]
    keys: tuple[tuple[str, ...], ...]
    values: tuple[tuple[str, ...], ...]
    steps: tuple[Step, ...]
    weights: tuple[float, ...]  # the displayed weights as numbers (bar lengths)
    most_attended: tuple[int, ...]  # 0-based keys holding the largest weight
    # What lesson templates may call (the sandbox refuses any other method).
    template_methods: ClassVar[frozenset[str]] = frozenset({"step"})

    def step(self, name: str) -> Step:
        return next(s for s in self.steps if s.name == name)

    @property
    def text(self) -> dict[str, object]:
        """The printed numbers by step name, as a lesson template writes them:
        ``worked.text['weights'][0]`` is the first weight."""
        out: dict[str, object] = {"query": list(self.query), "keys": [list(k) for k in self.keys],
                                  "values": [list(v) for v in self.values]}
        out.update({s.name: list(s.cells) for s in self.steps})
        out["exp_sum"] = self.step("exp").total
        return out


def worked_steps(problem: Problem) -> tuple[QuerySteps, ...]:
    """The problem's worked steps, one view per query.

    Kept on the problem after the first call, as ``rounded`` keeps its display: a card's
    fields and its figure both ask for them."""
    memo = problem.__dict__.get("_steps")
    if memo is None:
        memo = _worked_steps(problem)
        object.__setattr__(problem, "_steps", memo)  # a memo, not a field: eq, repr and data ignore it
    return memo


def _worked_steps(problem: Problem) -> tuple[QuerySteps, ...]:
    return steps_of(rounded(problem))


def steps_of(shown: Display) -> tuple[QuerySteps, ...]:
    """The worked steps of any Display: the practice command lays out a typed head's hand
    chain (``attention.hand_chain``) with this, as ``worked_steps`` lays out a drawn one."""
    text = shown.text
    keys = tuple(tuple(row) for row in text["keys"])
    values = tuple(tuple(row) for row in text["values"])
    n_queries = len(shown.query)
    views = []
    for j in range(n_queries):
        steps = tuple(
            Step(n, name, title, tuple(text[name][j]), text["exp_sum"][j] if name == "exp" else None)
            for n, (name, title) in enumerate(STEPS, start=1)
        )
        views.append(
            QuerySteps(
                index=j, n_queries=n_queries, d_k=shown.d_k, sqrt_d_k=fmt(shown_root(shown.d_k), ROOT_DECIMALS),
                query=tuple(text["query"][j]), keys=keys, values=values, steps=steps,
                weights=tuple(shown.weights[j]), most_attended=tuple(shown.most_attended[j]),
            )
        )
    return tuple(views)
