"""Display rounding: every step as the learner sees it, and the JSON-able data.

Moved unchanged from the former ``practice/attention.py``; see the package docstring."""
from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np

from ..rounding import fixed, fixed_many, round_to
from .solving import Problem, by_shape


# Decimals shown for each step (see "Display rounding" in the module docstring).
ROUNDING: dict[str, int] = {
    "scores": 2,
    "scaled": 4,
    "exp": 3,
    "exp_sum": 3,
    "weights": 3,
    "output": 2,
}

# Decimals of sqrt(d_k) where a step shows it ("divide by sqrt(2) ~ 1.414214"). A learner
# may divide by the printed root rather than the exact one, and ``consistent_at_display``
# holds for both. At four decimals (1.4142) the two quotients disagreed in the scaled
# scores' last digit for about a quarter of drawn heads at d_k = 2 and two thirds at
# d_k = 3; at six they differ by at most 0.02 of that digit (|score| <= 8 at d_k = 2),
# so few draws are lost to it.
ROOT_DECIMALS = 6


def shown_root(d_k: int) -> float:
    """sqrt(d_k) as a step prints it, to ROOT_DECIMALS."""
    return round_to(math.sqrt(d_k), ROOT_DECIMALS)


# --- display ---------------------------------------------------------------


_round = round_to


def fmt(value: float, decimals: int | str) -> str:
    """Format ``value`` with a number of decimals, or with the decimals of a ROUNDING step.

    ``fmt(x, "weights")`` is what every slide, card and figure prints for a weight.
    """
    return fixed(value, ROUNDING[decimals] if isinstance(decimals, str) else decimals)


def _input_texts(row: list[float], decimals: int | None) -> list[str]:
    """``_input_text`` of each number of ``row``."""
    return [_input_text(x, None) for x in row] if decimals is None else fixed_many(row, decimals)


def _input_text(x: float, decimals: int | None) -> str:
    if decimals is None:  # a head given by hand: show the number as typed
        text = format(float(x), ".10g")
        return "0" if text == "-0" else text
    return fmt(x, decimals)


def _rows(a: np.ndarray, decimals: int) -> list[list[float]]:
    return [[_round(x, decimals) for x in row] for row in np.atleast_2d(a).tolist()]


def _grid_decimals(a: np.ndarray) -> int | None:
    """0 if every entry is an integer, 1 if every entry has one decimal, else None.

    Read off the numbers rather than the difficulty name, so a custom Level or a head
    typed by hand is printed the way it was written.
    """
    for d in (0, 1):
        scaled = a * 10**d
        if np.all(np.abs(scaled - np.round(scaled)) < 1e-9):
            return d
    return None


@dataclass(frozen=True)
class Display:
    """Every step of a problem as the learner sees it, rounded by ROUNDING.

    Numbers are plain Python floats in plain lists. Every per-query field has one
    entry per query, however many there are: ``query``, ``scores``, ``scaled``,
    ``exp``, ``weights``, ``output`` and ``most_attended`` are lists of rows and
    ``exp_sum`` a list of floats. ``keys`` and ``values`` are lists of rows. What
    a slide, card, figure or the CLI prints comes from ``steps.worked_steps``, a
    view of one query built on this.

    ``text`` holds the same fields as strings with the exact digits to print (use it,
    or ``fmt``, and never format the floats yourself: ``str(2.0)`` is "2.0", not "2.000").
    ``most_attended`` holds 0-based key indices.
    """

    query: list[list[float]]
    keys: list[list[float]]
    values: list[list[float]]
    scores: list[list[float]]
    scaled: list[list[float]]
    exp: list[list[float]]
    exp_sum: list[float]
    weights: list[list[float]]
    output: list[list[float]]
    most_attended: list[list[int]]
    d_k: int
    input_decimals: int | None  # decimals of query and key entries (0 or 1), None if finer
    value_decimals: int | None  # the same for the values (drawn values are integers: 0)

    @cached_property
    def text(self) -> dict[str, Any]:
        """Every field as strings with the digits to print, in the same shapes.

        Built on first use: draw() rounds hundreds of candidates and prints one.
        """
        def strings(value: Any, step: str) -> Any:
            if isinstance(value, list):
                return [strings(x, step) for x in value]
            return self.fmt(value, step)

        out = {name: strings(getattr(self, name), name) for name in ("query", "keys", "values")}
        out.update({name: strings(getattr(self, name), name) for name in ROUNDING})
        return out

    @property
    def n_queries(self) -> int:
        return len(self.rows("query"))

    def rows(self, name: str) -> np.ndarray:
        """A field as a 2-D array with one row per query (exp_sum as a column).

        Returns a cached read-only array: the guarantees ask for the same fields many times.
        """
        return self._arrays[name]

    @cached_property
    def _arrays(self) -> dict[str, np.ndarray]:
        out = {}
        for name in ("query", "keys", "values", *ROUNDING):
            a = np.asarray(getattr(self, name), dtype=np.float64)
            a = a.reshape(-1, 1) if name == "exp_sum" else np.atleast_2d(a)
            a.setflags(write=False)
            out[name] = a
        return out

    def fmt(self, value: float, step: str) -> str:
        """Format one number the way this display prints ``step``: a ROUNDING step, or
        "query", "keys", "values" for the inputs."""
        if step in ("query", "keys"):
            return _input_text(value, self.input_decimals)
        if step == "values":
            return _input_text(value, self.value_decimals)
        return fmt(value, step)


def rounded(problem: Problem) -> Display:
    """The problem at display precision (see the module docstring for the rule).

    Kept on the problem after the first call: a card asks for it from its fields, its
    figure, its slips and its data, and a Problem never changes once drawn."""
    memo = problem.__dict__.get("_display")
    if memo is None:
        memo = _rounded(problem)
        object.__setattr__(problem, "_display", memo)  # a memo, not a field: eq, repr and data ignore it
    return memo


def rounded_many(problems: Sequence[Problem]) -> None:
    """``rounded`` for many problems at once (a deck's): each keeps, as its memo, the very
    Display ``rounded`` would make, with its ``text``. Numbers are rounded in numpy, a shape
    at a time; an entry within a millionth of a last digit of a rounding boundary (where the
    batch's ``x * 10**d`` could land on the other side), or too large, is rounded by
    ``round_to`` itself."""
    for group in by_shape(problems, "_display"):
        for p, display in zip(group, _rounded_group(group)):
            object.__setattr__(p, "_display", display)


_TIE = 1e-6  # in units of the last digit: far above the error of x * 10**d under 1e9


def _round_many(x: np.ndarray, decimals: int) -> np.ndarray:
    # n / 10**d is the float nearest the decimal n * 10**-d, which is what round() returns.
    scaled = x * 10.0**decimals
    out = np.round(scaled) / 10.0**decimals + 0.0
    # Left to round_to: near a tie, too large for x * 10**d to keep its fraction (a head
    # typed by hand), NaN and infinities.
    with np.errstate(invalid="ignore"):
        near = ~((np.abs(scaled - np.floor(scaled) - 0.5) >= _TIE) & (np.abs(scaled) < 1e9))
    for index in zip(*np.nonzero(near)):
        out[index] = _round(x[index], decimals)
    return out


def _grid_decimals_many(a: np.ndarray) -> list[int | None]:
    """``_grid_decimals`` of each row of ``a``."""
    fits = [np.all(np.abs(a * 10**d - np.round(a * 10**d)) < 1e-9, axis=1) for d in (0, 1)]
    return [0 if zero else 1 if one else None for zero, one in zip(fits[0].tolist(), fits[1].tolist())]


def _rounded_group(group: list[Problem]) -> list[Display]:
    n = len(group)
    q, k, v = (np.stack([getattr(p, name) for p in group]) for name in ("query", "keys", "values"))
    decs = _grid_decimals_many(np.concatenate([q.reshape(n, -1), k.reshape(n, -1)], axis=1))
    vdecs = _grid_decimals_many(v.reshape(n, -1))
    shown = {name: _round_many(np.stack([getattr(p.solution, name) for p in group]), places).tolist()
             for name, places in ROUNDING.items()}
    inputs = {}
    for name, a, places in (("query", q, decs), ("keys", k, decs), ("values", v, vdecs)):
        on_grid = {d: _round_many(a, d).tolist() for d in set(places) if d is not None}
        exact = a.tolist()
        inputs[name] = [exact[i] if d is None else on_grid[d][i] for i, d in enumerate(places)]
    out = []
    for i, p in enumerate(group):
        sol = p.solution
        d = Display(
            query=inputs["query"][i], keys=inputs["keys"][i], values=inputs["values"][i],
            scores=shown["scores"][i], scaled=shown["scaled"][i], exp=shown["exp"][i], exp_sum=shown["exp_sum"][i],
            weights=shown["weights"][i], output=shown["output"][i],
            most_attended=[list(m) for m in sol.most_attended], d_k=int(p.query.shape[1]),
            input_decimals=decs[i], value_decimals=vdecs[i],
        )
        text = {name: [_input_texts(row, places) for row in getattr(d, name)]
                for name, places in (("query", d.input_decimals), ("keys", d.input_decimals),
                                     ("values", d.value_decimals))}
        for name, places in ROUNDING.items():
            value = getattr(d, name)
            text[name] = fixed_many(value, places) if name == "exp_sum" else [fixed_many(row, places) for row in value]
        d.__dict__["text"] = text  # the cached property, filled in
        out.append(d)
    return out


def _rounded(problem: Problem) -> Display:
    sol = problem.solution
    dec = _grid_decimals(np.concatenate([problem.query.ravel(), problem.keys.ravel()]))
    vdec = _grid_decimals(problem.values.ravel())
    shown = {name: _rows(getattr(sol, name), ROUNDING[name]) for name in ("scores", "scaled", "exp", "weights", "output")}
    exp_sum = [_round(x, ROUNDING["exp_sum"]) for x in sol.exp_sum]
    # Inputs on a decimal grid are rounded to it, which removes binary noise (1.3 is
    # stored as 1.30000000000000004); anything finer is kept as typed.
    inputs = {
        name: [[float(x) if places is None else _round(x, places) for x in row] for row in arr]
        for name, arr, places in (
            ("query", problem.query, dec), ("keys", problem.keys, dec), ("values", problem.values, vdec)
        )
    }
    return Display(
        query=inputs["query"],
        keys=inputs["keys"],
        values=inputs["values"],
        scores=shown["scores"],
        scaled=shown["scaled"],
        exp=shown["exp"],
        exp_sum=exp_sum,
        weights=shown["weights"],
        output=shown["output"],
        most_attended=[list(m) for m in sol.most_attended],
        d_k=int(problem.query.shape[1]),
        input_decimals=dec,
        value_decimals=vdec,
    )


# --- data for templates and JSON ---------------------------------------------


def to_data(problem: Problem) -> dict[str, Any]:
    """A JSON-able dict of the problem.

    Top-level numbers are the *displayed* ones (rounded by ROUNDING, as in ``rounded``),
    so anything printed from this dict matches the slides; ``text`` has the strings to
    print and ``exact`` the full-precision floats. With one query, ``query``, ``scores``,
    ``scaled``, ``exp``, ``weights``, ``output`` and ``most_attended`` are flat lists and
    ``exp_sum`` is a number; with several queries each gains an outer list, one entry per
    query. ``keys`` and ``values`` are always lists of rows. ``most_attended`` holds
    0-based key indices.
    """
    d = rounded(problem)
    sol = problem.solution
    # The frozen shape of the practice notes' Data field: the lesson's single query
    # is stored flat. This is the one place per-query rows are flattened.
    single = problem.query.shape[0] == 1

    def flat(rows: list) -> Any:
        return rows[0] if single else rows

    def exact(a: np.ndarray) -> list:
        return flat(np.atleast_2d(a).tolist())

    text = d.text
    return {
        "seed": problem.seed,
        "key": problem.key,
        "variant": problem.variant,
        "difficulty": problem.difficulty,
        "d_k": d.d_k,
        "n_keys": int(problem.keys.shape[0]),
        "n_queries": int(problem.query.shape[0]),
        "query": flat(d.query),
        "keys": d.keys,
        "values": d.values,
        "scores": flat(d.scores),
        "scaled": flat(d.scaled),
        "exp": flat(d.exp),
        "exp_sum": flat(d.exp_sum),
        "weights": flat(d.weights),
        "output": flat(d.output),
        "most_attended": flat(d.most_attended),
        "rounding": dict(ROUNDING),
        "text": {name: value if name in ("keys", "values") else flat(value) for name, value in text.items()},
        "exact": {
            "scores": exact(sol.scores),
            "scaled": exact(sol.scaled),
            "exp": exact(sol.exp),
            "exp_sum": float(sol.exp_sum[0]) if single else sol.exp_sum.tolist(),
            "weights": exact(sol.weights),
            "output": exact(sol.output),
        },
    }
