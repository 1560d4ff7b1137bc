"""The hand chain: a head worked as on the slides, each step from the printed numbers of
the step before.

A drawn head is drawn so that this chain and the exact head, rounded, print the same
digits (``consistent_at_display``). A head typed in by hand keeps no such promise: rounding
each exact step on its own can print a sum its printed terms do not add up to. So the
practice command prints this chain for typed heads, and its closing note names every
step that lands on or near a rounding half.

Every step is worked in decimal from the printed digits (``rounded(problem).text`` for the
inputs): scores exactly from the printed query and keys; scaled scores as printed score
/ sqrt(d_k); exponentials of the printed scaled scores; their sum exactly; weights as
printed exponential / printed sum; the output exactly from the printed weights and
values. Each is rounded to its ROUNDING decimals, halves to even (drawn heads never meet a
half, so the rule only matters for typed ones, and the note says where it did).
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Context, Decimal

from .display import ROOT_DECIMALS, ROUNDING, Display, fmt, rounded, shown_root
from .guarantees import NEAR_TIE
from .solving import Problem

# Enough digits for exp() of the largest scaled score that passes the command's overflow
# check (about 709.78: 309 digits before the point) with its decimals and many to spare,
# and for sums of products of typed numbers to stay exact.
_CONTEXT = Context(prec=420, rounding=ROUND_HALF_EVEN)


class Unworkable(ValueError):
    """The chain cannot go on from its printed numbers (every exponential prints as 0)."""


@dataclass(frozen=True)
class Near:
    """A step whose unrounded value lies on, or within NEAR_TIE of a unit of, a rounding
    half: a learner may write the neighbouring digit there."""

    query: int  # 0-based
    step: str  # a ROUNDING step name ("exp_sum" never: the sum of printed terms is exact)
    index: int  # 0-based key, or output component
    values: tuple[Decimal, ...]  # unrounded; two for "scaled" (by sqrt(d_k), by the printed root)
    printed: str


@dataclass(frozen=True)
class HandChain:
    display: Display  # the printed numbers, text and all, as worked_steps reads them
    near: tuple[Near, ...]


def _quantum(step: str) -> Decimal:
    return Decimal(1).scaleb(-ROUNDING[step])


def _round(x: Decimal, step: str) -> Decimal:
    out = x.quantize(_quantum(step), context=_CONTEXT)
    return out.copy_abs() if out.is_zero() else out  # never "-0.00"


def _near(values: tuple[Decimal, ...], printed: Decimal, step: str) -> bool:
    # Farther from the printed number than (0.5 - NEAR_TIE) of a unit is on or near the half.
    limit = (Decimal("0.5") - Decimal(str(NEAR_TIE))) * _quantum(step)
    return any(_CONTEXT.abs(_CONTEXT.subtract(x, printed)) > limit for x in values)


def _text(x: Decimal) -> str:
    return format(x, "f")


def _dot(a: list[Decimal], b: list[Decimal]) -> Decimal:
    total = Decimal(0)
    for x, y in zip(a, b):
        total = _CONTEXT.add(total, _CONTEXT.multiply(x, y))
    return total


def hand_chain(problem: Problem) -> HandChain:
    """The head worked from its printed numbers, step by step (module docstring).

    Raises Unworkable when every exponential of a query prints as 0.000: no weights
    follow from a sum of 0."""
    shown = rounded(problem)
    inputs = shown.text
    keys = [[Decimal(x) for x in row] for row in inputs["keys"]]
    values = [[Decimal(x) for x in row] for row in inputs["values"]]
    d_k = len(keys[0])
    roots = (_CONTEXT.sqrt(Decimal(d_k)), Decimal(fmt(shown_root(d_k), ROOT_DECIMALS)))
    steps: dict[str, list] = {name: [] for name in ROUNDING}
    near: list[Near] = []

    def step(j: int, name: str, index: int, exact: tuple[Decimal, ...]) -> Decimal:
        printed = _round(exact[0], name)
        if _near(exact, printed, name):
            near.append(Near(j, name, index, exact, _text(printed)))
        return printed

    for j, row in enumerate(inputs["query"]):
        q = [Decimal(x) for x in row]
        scores = [step(j, "scores", i, (_dot(q, k),)) for i, k in enumerate(keys)]
        scaled = [step(j, "scaled", i, tuple(_CONTEXT.divide(s, r) for r in roots)) for i, s in enumerate(scores)]
        exps = [step(j, "exp", i, (_CONTEXT.exp(x),)) for i, x in enumerate(scaled)]
        total = sum(exps, Decimal(0))  # printed terms of three decimals: exact
        if total.is_zero():
            raise Unworkable(
                f"query {j + 1}: every exponential prints as {fmt(0, 'exp')} (every scaled score is below about "
                "-7.6), so no weights follow from their sum; use numbers nearer 0, or --json for the unrounded head"
            )
        weights = [step(j, "weights", i, (_CONTEXT.divide(e, total),)) for i, e in enumerate(exps)]
        output = [step(j, "output", c, (_dot(weights, [v[c] for v in values]),)) for c in range(len(values[0]))]
        for name, got in (("scores", scores), ("scaled", scaled), ("exp", exps), ("exp_sum", total),
                          ("weights", weights), ("output", output)):
            steps[name].append(got)

    top = [max(w) for w in steps["weights"]]
    display = Display(
        query=shown.query, keys=shown.keys, values=shown.values,
        **{name: [float(x) if name == "exp_sum" else [float(y) for y in x] for x in rows]
           for name, rows in steps.items()},
        most_attended=[[i for i, w in enumerate(row) if w == t] for row, t in zip(steps["weights"], top)],
        d_k=shown.d_k, input_decimals=shown.input_decimals, value_decimals=shown.value_decimals,
    )
    text = {name: inputs[name] for name in ("query", "keys", "values")}
    text.update({name: [_text(x) if name == "exp_sum" else [_text(y) for y in x] for x in rows]
                 for name, rows in steps.items()})
    display.__dict__["text"] = text  # the cached property, filled with the chain's own digits
    return HandChain(display, tuple(near))
