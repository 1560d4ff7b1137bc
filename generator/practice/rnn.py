"""A scalar RNN step, h_t = tanh(w h_{t-1} + u x_t), and its gradient through time.

The engine behind limit 2 of recurrence ("weak long-range memory"): a learner runs
the recurrence for T steps by hand and multiplies the per-step factors

    f_t = d h_t / d h_{t-1} = w * tanh'(a_t) = w * (1 - h_t^2)

whose product is d h_T / d h_0. Each factor is at most w (tanh' <= 1): with w < 1 the
product vanishes with T whatever the inputs; with w > 1 it grows only while the factors
stay above 1, which saturation (h_t near +-1) seldom allows for long (see ``horizon``).
``solve`` computes a problem exactly, ``draw`` draws a hand-computable one from a seed,
``rounded`` gives every step at display precision, ``mistakes`` the answers reached
with the common slips, ``to_data`` a JSON-able dict. The module mirrors practice/attention.py, so a practice kind can
plug it in the same way.

Inputs (drawn problems)
    h_0 = 0; w has one decimal, in [W_VANISH] for "vanishing" and [W_EXPLODE] for
    "exploding" (w > 0 keeps the signs easy by hand); u has one decimal in
    [-U_SPAN, U_SPAN], not 0; the inputs x_t are integers in [-X_SPAN, X_SPAN].
    Parameters: T in T_RANGE = [2, 4], regime in REGIMES (default: variant 0 is
    "vanishing", 1 "exploding", 2 "vanishing", ...), variant >= 0.

Display rounding (ROUNDING): the hand chain
    pre-activations a_t 4 decimals, states h_t 3, slopes tanh'(a_t) = 1 - h_t^2 3,
    factors 4, product 3 (4 significant digits in scientific notation below 0.01).
    Unlike attention's steps, the states feed each other, so the displayed numbers are
    the chain a learner writes down: each step is computed from the *displayed* numbers
    of the step before and rounded once (Python's round, half to even on the binary
    value). a_t = w h_{t-1} + u x_t and w * slope_t are then exact at 4 decimals.
    ``consistent_at_display`` re-checks that chain and that no rounding in it is a tie
    (1 - 0.65^2 = 0.5775 is stored just below the midpoint, so round() would print 0.577
    where a learner writes 0.578: such draws are rejected); ``close_to_exact`` bounds how
    far it drifts from the float64 solution (displayed product within 1 % of the exact one).

Guarantees of drawn problems (GUARANTEES, judged on the displayed numbers):
    all_finite; clear_regime (every factor shown <= VANISH_BOUND for "vanishing", every
    factor shown >= EXPLODE_BOUND for "exploding", so the product of the T steps shown is
    at most VANISH_BOUND^T or at least EXPLODE_BOUND^T; nothing is promised about later
    steps beyond ``horizon``'s ceiling);
    not_saturated (every displayed |h_t| in [0.05, 0.95], so no state reads as 0 or
    +-1 and tanh' is visible); inputs_vary (not every x_t equal, so the steps
    differ); close_to_exact; slips_differ (every named slip gives a displayed product different from
    the right one, so "if you got X you made slip Y" is true); slips_unambiguous (each slip's
    own hand chain, rounded as the card says, has no tie to break, so X is one number);
    consistent_at_display.

Slips (``mistakes``): each slip's numbers are what a learner making it writes down,
    through the same rounded hand chain as the right answer: "w alone" multiplies w,
    "state for the slope" multiplies w by the printed states, "no tanh" redoes the forward
    chain with h_t = a_t (each state rounded to 3 decimals like any state).
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Callable

import numpy as np

from generator.errors import ParameterError
from generator.limits import check_int
from generator.practice import seeds
from generator.practice.rounding import fixed, round_to

REGIMES = ("vanishing", "exploding")
T_RANGE = (2, 4)
# w in tenths: the vanishing range keeps |w| < 1 (so |f_t| <= w < 1 whatever the
# states); the exploding range needs w well above 1 because tanh' < 1 eats into it.
W_VANISH = (0.5, 0.9)
W_EXPLODE = (1.4, 2.5)
U_SPAN = 1.0
X_SPAN = 2
# A factor at most 0.7 halves the gradient every two steps; at least 1.2, kept up for 20
# steps, would multiply it by 38. Both are far enough from 1 to read as "clearly" on a card.
VANISH_BOUND = 0.7
EXPLODE_BOUND = 1.2
STATE_BAND = (0.05, 0.95)
# The horizon a slide or card extrapolates to with the bounds above.
HORIZON = 20
MAX_TRIES = 20000

ROUNDING: dict[str, int] = {"pre": 4, "state": 3, "slope": 3, "factor": 4, "product": 3}
# How far the displayed product may drift from the exact one (relative).
EXACT_TOLERANCE = 0.01

RNN_EXAMPLE_KEY = "rnn-example"


@dataclass(frozen=True)
class Solution:
    """Every step of the recurrence and of the backward product, exactly (float64)."""

    pre: np.ndarray  # (T,): a_t = w h_{t-1} + u x_t
    state: np.ndarray  # (T,): h_t = tanh(a_t)
    slope: np.ndarray  # (T,): tanh'(a_t) = 1 - h_t^2
    factor: np.ndarray  # (T,): w * slope_t = d h_t / d h_{t-1}
    product: float  # prod_t factor_t = d h_T / d h_0


def solve(w: float, u: float, xs, h0: float = 0.0) -> Solution:
    """Run the recurrence over the inputs ``xs`` from ``h0`` and multiply the factors."""
    x = np.asarray(xs, dtype=np.float64)
    pre, state = np.empty_like(x), np.empty_like(x)
    h = float(h0)
    for t, xt in enumerate(x):
        pre[t] = w * h + u * xt
        h = math.tanh(pre[t])
        state[t] = h
    slope = 1.0 - state**2
    factor = w * slope
    return Solution(pre, state, slope, factor, float(np.prod(factor)))


@dataclass(frozen=True)
class Problem:
    """A drawn (or given) scalar RNN with its solution and where it came from."""

    w: float
    u: float
    xs: np.ndarray  # (T,)
    h0: float
    solution: Solution
    seed: int | None = None
    key: str = ""
    variant: int = 0
    regime: str = ""

    @property
    def T(self) -> int:
        return int(self.xs.shape[0])

    @classmethod
    def given(cls, w: float, u: float, xs, h0: float = 0.0) -> "Problem":
        x = np.asarray(xs, dtype=np.float64)
        return cls(float(w), float(u), x, float(h0), solve(w, u, x, h0))


# --- display ---------------------------------------------------------------


_round = round_to


_SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def fmt(value: float, step: str | int) -> str:
    """Format ``value`` as every slide and card prints ``step`` (a ROUNDING key or decimals).

    A product below 0.01 in size is printed in scientific notation with four
    significant digits, so a vanished gradient never reads as "0.000".
    """
    if step == "product" and value != 0 and abs(value) < 0.01:
        mantissa, exponent = f"{value:.3e}".split("e")
        return f"{mantissa} × 10{str(int(exponent)).translate(_SUPERSCRIPT)}"
    return fixed(value, ROUNDING[step] if isinstance(step, str) else step)


def _round_product(x: float) -> float:
    if x != 0 and abs(x) < 0.01:
        return float(f"{x:.3e}")
    return _round(x, ROUNDING["product"])


@dataclass(frozen=True)
class Display:
    """Every step as the learner sees it: plain floats and, in ``text``, the strings."""

    w: float
    u: float
    xs: list[float]
    h0: float
    pre: list[float]
    state: list[float]
    slope: list[float]
    factor: list[float]
    product: float

    @property
    def T(self) -> int:
        return len(self.xs)

    @property
    def text(self) -> dict[str, Any]:
        def num(x: float) -> str:
            s = format(float(x), "g")
            return "0" if s == "-0" else s

        out: dict[str, Any] = {"w": num(self.w), "u": num(self.u), "h0": num(self.h0), "xs": [num(x) for x in self.xs]}
        for name in ("pre", "state", "slope", "factor"):
            out[name] = [fmt(x, name) for x in getattr(self, name)]
        out["product"] = fmt(self.product, "product")
        return out


def _as_is(a: float) -> float:
    return a


def _chain(w: float, u: float, xs: list[float], h0: float, squash: Callable[[float], float]) -> Display:
    """The hand chain with ``squash`` as the activation: each step from the rounded numbers
    of the step before, rounded once. The right answer squashes with tanh; the "no tanh"
    slip runs the very same chain with h_t = a_t."""
    pre, state, slope, factor = [], [], [], []
    prev = h0
    for x in xs:
        pre.append(_round(w * prev + u * x, ROUNDING["pre"]))
        state.append(_round(squash(pre[-1]), ROUNDING["state"]))
        slope.append(_round(1 - state[-1] ** 2, ROUNDING["slope"]))
        factor.append(_round(w * slope[-1], ROUNDING["factor"]))
        prev = state[-1]
    return Display(w, u, xs, h0, pre, state, slope, factor, _round_product(math.prod(factor)))


def rounded(problem: Problem) -> Display:
    """The problem as the learner computes it: the hand chain (see "Display rounding")."""
    w, u = _round(problem.w, 1), _round(problem.u, 1)
    xs = [_round(x, 1) for x in problem.xs]
    return _chain(w, u, xs, _round(problem.h0, ROUNDING["state"]), math.tanh)


# --- guarantees ------------------------------------------------------------

_TINY = 1e-9


def _shown(p: Problem | Display) -> Display:
    return p if isinstance(p, Display) else rounded(p)


def all_finite(p: Problem | Display) -> bool:
    d = _shown(p)
    return all(math.isfinite(x) for x in (*d.pre, *d.state, *d.slope, *d.factor, d.product))


def clear_regime(p: Problem | Display, regime: str) -> bool:
    """Every displayed factor on the regime's side of its bound (and the product with it)."""
    d = _shown(p)
    if regime == "vanishing":
        return all(0 < f <= VANISH_BOUND + _TINY for f in d.factor) and d.product <= VANISH_BOUND ** d.T + _TINY
    return all(f >= EXPLODE_BOUND - _TINY for f in d.factor) and d.product >= EXPLODE_BOUND ** d.T - _TINY


def not_saturated(p: Problem | Display) -> bool:
    low, high = STATE_BAND
    return all(low - _TINY <= abs(h) <= high + _TINY for h in _shown(p).state)


def inputs_vary(p: Problem | Display) -> bool:
    return len(set(_shown(p).xs)) > 1


def _clear(value: float, shown: float, decimals: int) -> bool:
    """``shown`` is ``value`` rounded to ``decimals`` with no tie to break: a learner who
    rounds half up and one who rounds half to even write the same digits. A value within
    _TINY of a midpoint counts as a tie (a decimal tie such as 1 - 0.45^2 = 0.7975 is
    stored a hair off the midpoint, and round() on that binary value may go either way)."""
    return abs(value - shown) < 0.5 * 10.0 ** -decimals - _TINY


def _clear_product(value: float, shown: float) -> bool:
    """As _clear, for the product's two formats (3 decimals, or 4 significant digits)."""
    if value != 0 and abs(value) < 0.01:
        unit = 10.0 ** (int(f"{value:.3e}".split("e")[1]) - 3)
        return abs(value - shown) < 0.5 * unit * (1 - 1e-6)
    return _clear(value, shown, ROUNDING["product"])


def chain_clear(d: Display, squash: Callable[[float], float] = math.tanh) -> bool:
    """From each displayed step, the next one computed by hand (with ``squash`` as the
    activation) rounds to the displayed next step with no tie to break."""
    prev = d.h0
    for t in range(d.T):
        if not (_clear(d.w * prev + d.u * d.xs[t], d.pre[t], ROUNDING["pre"])
                and _clear(squash(d.pre[t]), d.state[t], ROUNDING["state"])
                and _clear(1 - d.state[t] ** 2, d.slope[t], ROUNDING["slope"])
                and _clear(d.w * d.slope[t], d.factor[t], ROUNDING["factor"])):
            return False
        prev = d.state[t]
    return _clear_product(math.prod(d.factor), d.product)


def consistent_at_display(p: Problem | Display) -> bool:
    """The displayed numbers are the hand chain a learner writes down, every rounding in it
    unambiguous (see chain_clear)."""
    return chain_clear(_shown(p))


def close_to_exact(p: Problem) -> bool:
    """The hand chain's product is within EXACT_TOLERANCE (relative) of the exact product."""
    return abs(rounded(p).product - p.solution.product) <= EXACT_TOLERANCE * abs(p.solution.product)


def slips_differ(p: Problem) -> bool:
    shown = fmt(rounded(p).product, "product")
    return all(s.text["product"] != shown for s in mistakes(p).values())


def slips_unambiguous(p: Problem | Display) -> bool:
    """Every named slip's chain rounds with no tie to break, so "if you got X" names one X."""
    return all(clear and _clear_product(math.prod(factors), _round_product(math.prod(factors)))
               for factors, clear in _slip_work(_shown(p)).values())


def _checks(p: Problem, regime: str) -> dict[str, Callable[[], bool]]:
    d = rounded(p)
    return {
        "clear_regime": lambda: clear_regime(d, regime),
        "not_saturated": lambda: not_saturated(d),
        "inputs_vary": lambda: inputs_vary(d),
        "all_finite": lambda: all_finite(d),
        "consistent_at_display": lambda: consistent_at_display(d),
        "close_to_exact": lambda: close_to_exact(p),
        "slips_differ": lambda: slips_differ(p),
        "slips_unambiguous": lambda: slips_unambiguous(d),
    }


GUARANTEES = ("clear_regime", "not_saturated", "inputs_vary", "all_finite", "consistent_at_display",
              "close_to_exact", "slips_differ", "slips_unambiguous")


def broken_guarantees(p: Problem, regime: str | None = None) -> list[str]:
    """Names of the guarantees ``p`` breaks (for ``regime``, by default its own)."""
    regime = regime or p.regime
    if regime not in REGIMES:
        raise ParameterError(f"regime must be one of {', '.join(REGIMES)}, got {regime!r}", "regime")
    return [name for name, ok in _checks(p, regime).items() if not ok()]


# --- drawing ---------------------------------------------------------------


def _tenths(bits: np.random.PCG64, low: float, high: float) -> float:
    return float(seeds.integers(bits, round(low * 10), round(high * 10), 1)[0]) / 10


def draw(seed: int, key: str = "rnn", variant: int = 0, regime: str | None = None, T: int = 2, entry: int = 0) -> Problem:
    """Draw variant ``variant`` of exercise ``key`` from ``seed``; ``entry`` is its place in
    the note's pool (``seeds.stream``), and every entry keeps the variant's regime.

    ``regime`` defaults to REGIMES[variant % 2], so a set of notes alternates.
    Raises ParameterError for parameters outside their ranges.
    """
    T = check_int("T", T, *T_RANGE)
    bits = seeds.stream(seed, key, variant, entry)  # checks seed, key, variant and entry
    seed, variant = int(seed), int(variant)
    if regime is None:
        regime = REGIMES[variant % 2]
    if regime not in REGIMES:
        raise ParameterError(f"regime must be one of {', '.join(REGIMES)}, got {regime!r}", "regime")
    w_range = W_VANISH if regime == "vanishing" else W_EXPLODE
    for _ in range(MAX_TRIES):
        w = _tenths(bits, *w_range)
        u = _tenths(bits, -U_SPAN, U_SPAN)
        xs = seeds.integers(bits, -X_SPAN, X_SPAN, T).astype(np.float64)
        if u == 0:
            continue
        p = Problem(w, u, xs, 0.0, solve(w, u, xs), seed, key, variant, regime)
        if all(ok() for ok in _checks(p, regime).values()):
            return p
    raise ParameterError(f"no {regime} problem with T={T} met every guarantee in {MAX_TRIES} tries")


def lesson_examples(seed: int) -> dict[str, Problem]:
    """The slide's two scalar RNNs, one per regime, drawn from the lesson's seed."""
    return {regime: draw(seed, key=RNN_EXAMPLE_KEY, variant=i, regime=regime) for i, regime in enumerate(REGIMES)}


# --- named mistakes ----------------------------------------------------------


@dataclass(frozen=True)
class Slip:
    """The product a learner reaches with one common slip, rounded like the right one."""

    name: str
    factors: list[float]
    product: float
    explanation: str

    @property
    def text(self) -> dict[str, Any]:
        return {"factors": [fmt(f, "factor") for f in self.factors], "product": fmt(self.product, "product")}


SLIP_EXPLANATIONS = {
    "w_only": "Multiplied w alone at every step, forgetting tanh'(a_t) = 1 - h_t^2: the gradient looks larger than it is.",
    "state_for_slope": "Used the state h_t where the slope 1 - h_t^2 belongs (tanh itself instead of its derivative).",
    "no_squash": "Ran the forward steps without tanh (h_t = a_t), so the states and their slopes are wrong.",
}


def _slip_work(d: Display) -> dict[str, tuple[list[float], bool]]:
    """Each named slip's factors, worked by hand from the right chain's displayed numbers
    and rounded as the card says, and whether every rounding on the way was clear."""
    places = ROUNDING["factor"]
    for_slope = [d.w * h for h in d.state]
    no_tanh = _chain(d.w, d.u, d.xs, d.h0, _as_is)
    return {
        "w_only": ([d.w] * d.T, True),
        "state_for_slope": ([_round(f, places) for f in for_slope],
                            all(_clear(f, _round(f, places), places) for f in for_slope)),
        "no_squash": (no_tanh.factor, chain_clear(no_tanh, _as_is)),
    }


def mistakes(problem: Problem) -> dict[str, Slip]:
    """The named slips and the product each one leads to, through the same rounded hand
    chain as the right answer: the states a learner has written down (state for the
    slope), or the whole forward chain redone with h_t = a_t (no tanh)."""
    work = _slip_work(rounded(problem))
    return {name: Slip(name, factors, _round_product(math.prod(factors)), SLIP_EXPLANATIONS[name])
            for name, (factors, _) in work.items()}


# --- data for templates and JSON ---------------------------------------------


def horizon(problem: Problem, steps: int = HORIZON) -> dict[str, Any]:
    """What the lesson may say about ``steps`` steps of this RNN, and the bound behind it.

    ``ceiling``: every factor w (1 - h_t^2) is at most w whatever the inputs and states
    (0 < tanh' <= 1), so ``steps`` steps multiply the gradient by at most w^steps. A bound
    that holds: with w < 1 ("vanishing") the gradient vanishes. It is also exactly what a
    linear RNN (no tanh) multiplies by, w at every step.
    ``value``: the regime's bound on the factors shown, carried over ``steps`` steps
    (VANISH_BOUND^steps, EXPLODE_BOUND^steps). For "exploding" a hypothetical only ("if
    every factor stayed at least 1.2"): the engine guarantees the T factors shown, and a
    longer run of a tanh RNN drifts towards +-1, where 1 - h_t^2 is small and the factors
    fall below 1. w > 1 is necessary for an exploding gradient (each factor is at most w),
    not sufficient (Pascanu, Mikolov and Bengio 2013, sections 2.1-2.2).
    """
    bound = VANISH_BOUND if problem.regime == "vanishing" else EXPLODE_BOUND
    value = bound**steps
    ceiling = problem.w**steps
    return {"steps": steps, "bound": bound, "value": value,
            "text": fmt(value, "product") if value < 0.01 else f"{value:.0f}",
            "relation": "at most" if problem.regime == "vanishing" else "at least",
            "w": fmt(problem.w, 1), "ceiling": ceiling,
            "ceiling_text": fmt(ceiling, "product") if ceiling < 1 else f"{ceiling:,.0f}"}


def to_data(problem: Problem) -> dict[str, Any]:
    """A JSON-able dict: displayed numbers at top level, ``text`` to print, ``exact`` floats."""
    d = rounded(problem)
    sol = problem.solution
    return {
        "seed": problem.seed,
        "key": problem.key,
        "variant": problem.variant,
        "regime": problem.regime,
        "T": problem.T,
        "w": d.w,
        "u": d.u,
        "xs": d.xs,
        "h0": d.h0,
        "pre": d.pre,
        "state": d.state,
        "slope": d.slope,
        "factor": d.factor,
        "product": d.product,
        "rounding": dict(ROUNDING),
        "text": d.text,
        "exact": {
            "pre": sol.pre.tolist(),
            "state": sol.state.tolist(),
            "slope": sol.slope.tolist(),
            "factor": sol.factor.tolist(),
            "product": sol.product,
        },
    }
