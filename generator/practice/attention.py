"""One attention head: softmax(q K^T / sqrt(d_k)) V, every step kept.

The engine behind the lesson's practice: ``solve`` computes a head exactly, ``draw``
draws a hand-computable head from a seed, ``rounded`` gives every step at display
precision, ``mistakes`` gives the answers reached with the common slips, ``to_data``
gives a JSON-able dict. Slides, cards and figures all go through ``rounded``/``fmt``,
so they print the same digits.

Inputs (drawn problems)
    standard:  query and key entries have one decimal in [-2, 2]; values integers in [-3, 3].
    (The lesson's worked example uses BOARD_LEVEL: integers in [-2, 2].)
    challenge: query and key entries have one decimal in [-1.5, 1.5]; values integers
               in [-5, 5]; the top two weights are a close race (lead 0.05 to 0.35).
    Values have d_k components too. See LEVELS.

Display rounding (ROUNDING)
    scores 2 decimals (exact: inputs have at most one decimal), scaled 4, exp 3,
    exp_sum 3, weights 3, output 2. Each displayed number is the exact value rounded
    to that many decimals (round half to even on the binary value, as Python's
    ``round`` and ``format`` do); nothing is rounded twice.

    The rule a drawn problem guarantees (``consistent_at_display``): a learner who
    takes the *displayed* numbers of one step and computes the next step (with the
    exact sqrt(d_k)) gets within half a unit in the last displayed place of the
    displayed next step. Four decimals on the scaled scores keep exp() from
    amplifying their rounding; three on the weights keep sum_i w_i v_i within half
    a cent of the displayed output. Draws that still miss are redrawn.

Guarantees of drawn problems, each a function below and all listed in GUARANTEES,
judged on the displayed numbers and for every query:
    unique_leader (top weight minus runner-up >= Level.margin: 0.15 standard,
    0.05 challenge), no_extreme_weights (every weight in [0.01, 0.99], so none
    reads as 0.00 or 1.00, and not all equal), weights_sum_to_one (the displayed
    weights add up to 1.000), output_not_a_value, all_finite, consistent_at_display.
``broken_guarantees`` names the ones a problem breaks. ``draw`` redraws (at most
MAX_TRIES candidate query rows) until all hold.

Parameters: d_k in D_K_RANGE = [2, 4], n_keys in N_KEYS_RANGE = [2, 4], n_queries in
N_QUERIES_RANGE = [1, 3], variant >= 0, difficulty in DIFFICULTIES. Anything else, or a
Level that cannot reach its margin, raises ParameterError naming the parameter and its
allowed range.

Shapes for templates: ``rounded`` and ``to_data`` give flat lists for the lesson's
single query and one list per query otherwise (see ``Display``).
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cached_property
from typing import Any, Callable

import numpy as np

from generator.errors import ParameterError
from generator.practice import seeds


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
    most = [np.flatnonzero(np.isclose(row, row.max(), rtol=0, atol=1e-12)).tolist() for row in weights]
    return Solution(scores, scaled, exp, exp.sum(axis=1), weights, output, most)


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


# ---------------------------------------------------------------------------
# Drawn problems: difficulty levels, display rounding, guarantees, draw().
# ---------------------------------------------------------------------------

DIFFICULTIES = ("standard", "challenge")

# Decimals shown for each step (see "Display rounding" in the module docstring).
ROUNDING: dict[str, int] = {
    "scores": 2,
    "scaled": 4,
    "exp": 3,
    "exp_sum": 3,
    "weights": 3,
    "output": 2,
}

# Checked parameter ranges, both ends included. They are sized for hand work (the
# lesson's head is d_k = 2, three keys, one query) and so that every combination
# meets the guarantees well within MAX_TRIES (the slowest corner, standard with
# d_k = 3, four keys and three queries, needs under a tenth of the budget at worst
# over 300 seeds). d_k = 1 is excluded: dividing by sqrt(1) does nothing, so the
# scaling step and the scaling slips would vanish from the exercise.
D_K_RANGE = (2, 4)
N_KEYS_RANGE = (2, 4)
N_QUERIES_RANGE = (1, 3)
# Budget of candidate query rows per draw, and how many rows one set of keys and
# values gets per query before it is replaced.
MAX_TRIES = 20000
ROW_TRIES = 100

# No displayed weight may fall outside this band, so none reads as 0.00 or 1.00
# even when a card shows weights to two decimals only.
WEIGHT_FLOOR = 0.01
WEIGHT_CEILING = 0.99

WORKED_EXAMPLE_KEY = "worked-example"
# Picked by searching seeds for a clean board example: q = (1, 1), small non-negative
# keys and values, scores 3, 2, 0 (so one exponential is exactly 1), weights 0.620,
# 0.306, 0.074 (one clear winner), and every named slip giving a different output.
WORKED_EXAMPLE_SEED = 9705


@dataclass(frozen=True)
class Level:
    """How a difficulty draws its numbers and how far the leading key must be ahead."""

    name: str
    decimals: int  # decimals in query and key entries: 0 (integers) or 1
    span: float  # query and key entries lie in [-span, span] on that grid
    value_span: int  # value entries are integers in [-value_span, value_span]
    margin: float  # displayed top weight minus displayed runner-up, at least
    max_lead: float | None = None  # ... and at most this (a close race), None for no cap


LEVELS: dict[str, Level] = {
    # One decimal in [-2, 2] and a clear winner. Integer entries gave scores whose gaps
    # were small integers, so 100 seeds drew only 13 distinct weight sets; tenths give a
    # spread of gaps (leads from 0.15 to over 0.8) and exponentials that rarely repeat,
    # still two products and a sum per score (benchmarks/practice_bench.py reports the rate).
    "standard": Level("standard", decimals=1, span=2, value_span=3, margin=0.15),
    # One decimal, wider values, and a close race between the top two keys.
    "challenge": Level("challenge", decimals=1, span=1.5, value_span=5, margin=0.05, max_lead=0.35),
}

# The lesson's board example keeps the integer grid its seed was picked on (scores 3, 2,
# 0): small whole numbers are what a class follows on a board. It prints as "standard".
BOARD_LEVEL = Level("standard", decimals=0, span=2, value_span=3, margin=0.15)


def _check_int(name: str, value: object, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or not low <= value <= high:
        raise ParameterError(f"{name} must be an integer in [{low}, {high}], got {value!r}")
    return int(value)


def check_level(level: Level, d_k: int) -> Level:
    """Raise ParameterError when a level can never produce a problem meeting the guarantees."""
    if level.decimals not in (0, 1):
        raise ParameterError(f"decimals must be 0 or 1, got {level.decimals!r}")
    grid = level.span * 10**level.decimals
    if not level.span > 0 or abs(grid - round(grid)) > 1e-9:
        raise ParameterError(
            f"span must be a positive multiple of {10.0**-level.decimals:g}, got {level.span!r}"
        )
    if isinstance(level.value_span, bool) or not isinstance(level.value_span, int) or level.value_span < 1:
        # With every value zero the output always equals a value vector.
        raise ParameterError(f"value_span must be an integer >= 1, got {level.value_span!r}")
    if not 0 < level.margin < WEIGHT_CEILING - WEIGHT_FLOOR:
        raise ParameterError(
            f"margin must be in (0, {WEIGHT_CEILING - WEIGHT_FLOOR:.2f}), got {level.margin!r}"
        )
    if level.max_lead is not None and not level.margin < level.max_lead <= 1:
        raise ParameterError(f"max_lead must be in ({level.margin}, 1] or None, got {level.max_lead!r}")
    # The leader's weight is at most WEIGHT_CEILING and the runner-up's is the leader's
    # times exp(-gap), so the lead needs a scaled-score gap of at least -ln(1 - margin/ceiling).
    # The widest gap the range allows is 2 * span^2 * d_k / sqrt(d_k).
    needed_gap = -math.log(1 - level.margin / WEIGHT_CEILING)
    min_span = math.sqrt(needed_gap / (2 * math.sqrt(d_k)))
    if 2 * level.span**2 * math.sqrt(d_k) < needed_gap:
        raise ParameterError(
            f"span must be at least {min_span:.3f} to reach margin {level.margin} with d_k={d_k} "
            f"(allowed: span >= {min_span:.3f}), got {level.span!r}"
        )
    return level


# --- display ---------------------------------------------------------------


def _round(x: float, decimals: int) -> float:
    # Python's round() is correctly rounded on the binary value, exactly like format(),
    # so the stored float and the printed string always agree. "+ 0.0" turns -0.0 into 0.0.
    return round(float(x), decimals) + 0.0


def fmt(value: float, decimals: int | str) -> str:
    """Format ``value`` with a number of decimals, or with the decimals of a ROUNDING step.

    ``fmt(x, "weights")`` is what every slide, card and figure prints for a weight.
    """
    d = ROUNDING[decimals] if isinstance(decimals, str) else decimals
    text = f"{float(value):.{d}f}"
    if text.startswith("-") and not text.strip("-0."):
        text = text[1:]  # never show "-0.00"
    return text


def _input_text(x: float, decimals: int | None) -> str:
    if decimals is None:  # a head given by hand: show the number as typed
        text = format(float(x), ".10g")
        return "0" if text == "-0" else text
    return fmt(x, decimals)


def _rows(a: np.ndarray, decimals: int) -> list[list[float]]:
    return [[_round(x, decimals) for x in row] for row in np.atleast_2d(a)]


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


def _squeeze(rows: list, single: bool) -> list:
    # One query: the lesson's case. Templates then write weights[0], not weights[0][0].
    return rows[0] if single else rows


@dataclass(frozen=True)
class Display:
    """Every step of a problem as the learner sees it, rounded by ROUNDING.

    Numbers are plain Python floats in plain lists, ready for templates and JSON.
    Shapes follow ``to_data``: with one query, ``query``, ``scores``, ``scaled``,
    ``exp``, ``weights``, ``output`` and ``most_attended`` are flat lists and
    ``exp_sum`` is a float; with several queries they gain one outer list per query.
    ``keys`` and ``values`` are always lists of rows.

    ``text`` holds the same fields as strings with the exact digits to print (use it,
    or ``fmt``, and never format the floats yourself: ``str(2.0)`` is "2.0", not "2.000").
    ``most_attended`` holds 0-based key indices.
    """

    query: list
    keys: list[list[float]]
    values: list[list[float]]
    scores: list
    scaled: list
    exp: list
    exp_sum: float | list[float]
    weights: list
    output: list
    most_attended: list
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
    """The problem at display precision (see the module docstring for the rule)."""
    sol = problem.solution
    single = problem.query.shape[0] == 1
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
        query=_squeeze(inputs["query"], single),
        keys=inputs["keys"],
        values=inputs["values"],
        scores=_squeeze(shown["scores"], single),
        scaled=_squeeze(shown["scaled"], single),
        exp=_squeeze(shown["exp"], single),
        exp_sum=exp_sum[0] if single else exp_sum,
        weights=_squeeze(shown["weights"], single),
        output=_squeeze(shown["output"], single),
        most_attended=_squeeze([list(m) for m in sol.most_attended], single),
        d_k=int(problem.query.shape[1]),
        input_decimals=dec,
        value_decimals=vdec,
    )


# --- guarantees ------------------------------------------------------------
# Each takes what the learner sees (a Display; a Problem is rounded first) and says
# whether the promise holds. draw() redraws until all of them do.

_TINY = 1e-9  # float slack on comparisons of already-rounded numbers


def _shown(p: Problem | Display) -> Display:
    return p if isinstance(p, Display) else rounded(p)


def _half_unit(step: str) -> float:
    return 0.5 * 10.0 ** -ROUNDING[step] + _TINY


def all_finite(p: Problem | Display) -> bool:
    """No NaN or infinity anywhere a learner looks."""
    d = _shown(p)
    return all(np.isfinite(d.rows(n)).all() for n in ("scores", "scaled", "exp", "exp_sum", "weights", "output"))


def unique_leader(p: Problem | Display, margin: float, max_lead: float | None = None) -> bool:
    """For every query the top displayed weight leads the runner-up by at least ``margin``
    (and by at most ``max_lead`` when set), so "which key wins" has one clear answer."""
    w = np.sort(_shown(p).rows("weights"), axis=1)
    lead = w[:, -1] - w[:, -2]
    ok = bool((lead >= margin - _TINY).all())
    if max_lead is not None:
        ok = ok and bool((lead <= max_lead + _TINY).all())
    return ok


def no_extreme_weights(p: Problem | Display) -> bool:
    """Every displayed weight lies in [0.01, 0.99] (none reads as 0.00 or 1.00), and the
    weights of a query are not all equal."""
    w = _shown(p).rows("weights")
    in_band = bool(((w >= WEIGHT_FLOOR - _TINY) & (w <= WEIGHT_CEILING + _TINY)).all())
    return in_band and bool((w.max(axis=1) > w.min(axis=1)).all())


def weights_sum_to_one(p: Problem | Display) -> bool:
    """The displayed weights of each query add up to exactly 1 at display precision,
    so the learner's usual sanity check passes."""
    w = _shown(p).rows("weights")
    return bool((np.abs(w.sum(axis=1) - 1.0) < _TINY).all())


def output_not_a_value(p: Problem | Display) -> bool:
    """No displayed output equals a value vector: the answer is a real blend."""
    d = _shown(p)
    out, values = d.rows("output"), np.asarray(d.values, dtype=np.float64)
    same = np.abs(out[:, None, :] - values[None, :, :]) <= _half_unit("output")
    return not bool(same.all(axis=2).any())


def consistent_at_display(p: Problem | Display) -> bool:
    """A learner who takes each displayed step and computes the next one lands within
    half a unit in the last displayed place of the displayed next step.

    Steps: q, K exactly -> scores -> scores / sqrt(d_k) -> exp -> sum -> exp / sum ->
    sum_i w_i v_i, each starting from the numbers printed for the step before.
    """
    d = _shown(p)
    q, k, v = d.rows("query"), np.asarray(d.keys), np.asarray(d.values)
    scores, scaled, exp = d.rows("scores"), d.rows("scaled"), d.rows("exp")
    exp_sum, weights, output = d.rows("exp_sum"), d.rows("weights"), d.rows("output")
    with np.errstate(over="ignore", invalid="ignore"):
        checks = (
            (q @ k.T, scores, "scores"),
            (scores / math.sqrt(d.d_k), scaled, "scaled"),
            (np.exp(scaled), exp, "exp"),
            (exp.sum(axis=1, keepdims=True), exp_sum, "exp_sum"),
            (exp / exp_sum, weights, "weights"),
            (weights @ v, output, "output"),
        )
        return all(bool((np.abs(got - shown) <= _half_unit(step)).all()) for got, shown, step in checks)


def _checks(d: Display, lv: Level) -> dict[str, Callable[[], bool]]:
    # Cheapest and most often failing first, for the early exit in draw().
    return {
        "unique_leader": lambda: unique_leader(d, lv.margin, lv.max_lead),
        "no_extreme_weights": lambda: no_extreme_weights(d),
        "weights_sum_to_one": lambda: weights_sum_to_one(d),
        "output_not_a_value": lambda: output_not_a_value(d),
        "all_finite": lambda: all_finite(d),
        "consistent_at_display": lambda: consistent_at_display(d),
    }


def broken_guarantees(p: Problem | Display, level: Level | str = "standard") -> list[str]:
    """Names of the guarantees ``p`` breaks under ``level`` (empty when it is a valid drawn problem)."""
    lv = LEVELS[level] if isinstance(level, str) else level
    return [name for name, ok in _checks(_shown(p), lv).items() if not ok()]


def meets_guarantees(p: Problem | Display, level: Level | str = "standard") -> bool:
    """True when ``p`` keeps every guarantee under ``level``; stops at the first broken one."""
    lv = LEVELS[level] if isinstance(level, str) else level
    return all(ok() for ok in _checks(_shown(p), lv).values())


GUARANTEES = ("unique_leader", "no_extreme_weights", "weights_sum_to_one", "output_not_a_value",
              "all_finite", "consistent_at_display")


# --- drawing ---------------------------------------------------------------


def _entries(bits: np.random.PCG64, lv: Level, shape: tuple[int, int]) -> np.ndarray:
    grid = 10**lv.decimals
    top = round(lv.span * grid)
    return seeds.integers(bits, -top, top, shape) / grid


def _make(q: np.ndarray, k: np.ndarray, v: np.ndarray, seed: int, key: str, variant: int, name: str) -> Problem:
    with np.errstate(over="ignore"):
        return Problem(q, k, v, solve(q, k, v), seed, key, variant, name)


def _hopeless(q: np.ndarray, k: np.ndarray, lv: Level) -> bool:
    """A cheap early "no" for rows whose weights clearly miss the band or the margin.

    Only a speed-up: the slack of 0.002 is wider than any difference between these
    unrounded weights and the displayed ones, so every row it rejects would also fail
    unique_leader or no_extreme_weights; the verdict stays with broken_guarantees.
    """
    scaled = (q @ k.T)[0] / math.sqrt(q.shape[1])
    e = np.exp(scaled - scaled.max())
    w = np.sort(e / e.sum())
    slack = 0.002
    return bool(
        w[0] < WEIGHT_FLOOR - slack
        or w[-1] > WEIGHT_CEILING + slack
        or w[-1] - w[-2] < lv.margin - slack
        or (lv.max_lead is not None and w[-1] - w[-2] > lv.max_lead + slack)
    )


def draw(
    seed: int,
    key: str = "attention",
    variant: int = 0,
    difficulty: str = "standard",
    d_k: int = 2,
    n_keys: int = 3,
    n_queries: int = 1,
    *,
    level: Level | None = None,
) -> Problem:
    """Draw variant ``variant`` of exercise ``key`` from ``seed``.

    The values have d_k components too (d_v = d_k). ``level`` replaces the named
    difficulty's Level (for authors testing their own ranges); it is checked the same way.
    Raises ParameterError for parameters outside their ranges, or for a level that cannot
    meet the guarantees.
    """
    if level is None:
        if difficulty not in LEVELS:
            raise ParameterError(f"difficulty must be one of {', '.join(DIFFICULTIES)}, got {difficulty!r}")
        level = LEVELS[difficulty]
    d_k = _check_int("d_k", d_k, *D_K_RANGE)
    n_keys = _check_int("n_keys", n_keys, *N_KEYS_RANGE)
    n_queries = _check_int("n_queries", n_queries, *N_QUERIES_RANGE)
    check_level(level, d_k)
    bits = seeds.stream(seed, key, variant)  # checks seed, key and variant
    seed, variant = int(seed), int(variant)
    # Every guarantee is a statement about one query row, so rows are drawn one at a
    # time against fixed keys and values: the chance of success then no longer shrinks
    # like p**n_queries. Keys and values that admit too few good rows are redrawn.
    grid_size = (2 * round(level.span * 10**level.decimals) + 1) ** d_k
    budget = MAX_TRIES
    while budget > 0:
        k = _entries(bits, level, (n_keys, d_k))
        v = seeds.integers(bits, -level.value_span, level.value_span, (n_keys, d_k)).astype(np.float64)
        rows: list[np.ndarray] = []
        seen: set[bytes] = set()
        for _ in range(min(ROW_TRIES * n_queries, budget)):
            budget -= 1
            q = _entries(bits, level, (1, d_k))
            if q.tobytes() in seen:
                continue  # already judged; the integer grid has only (2*span+1)**d_k rows
            seen.add(q.tobytes())
            if _hopeless(q, k, level) or not meets_guarantees(_make(q, k, v, seed, key, variant, level.name), level):
                if len(seen) == grid_size:
                    break  # every possible row tried: these keys cannot do it
                continue
            rows.append(q)
            if len(rows) == n_queries:
                return _make(np.vstack(rows), k, v, seed, key, variant, level.name)
    raise ParameterError(
        f"no problem met every guarantee in {MAX_TRIES} candidate rows for difficulty {level.name!r} with "
        f"d_k={d_k}, n_keys={n_keys}, n_queries={n_queries}; margin {level.margin} may be out of "
        f"reach for span {level.span} (allowed: a wider span or a smaller margin)"
    )


def worked_example(seed: int = WORKED_EXAMPLE_SEED) -> Problem:
    """The slides' worked example: exercise "worked-example", variant 0, BOARD_LEVEL.

    The lesson source names the seed (WORKED_EXAMPLE_SEED was picked for a clean example),
    so slides, cards and diagrams all draw it through this one function.
    """
    return draw(seed, key=WORKED_EXAMPLE_KEY, variant=0, level=BOARD_LEVEL)


# --- named mistakes ----------------------------------------------------------


@dataclass(frozen=True)
class Slip:
    """The answer a learner reaches with one common slip, rounded like the real answer.

    ``weights`` and ``output`` follow the shapes of ``Display`` (flat for one query);
    ``text`` holds them as printed strings. ``differs`` is False when the slip lands on
    the displayed correct output anyway (e.g. a head whose scores are all zero), in which
    case a card should not claim "if you got X, you made this slip".
    """

    name: str
    weights: list
    output: list
    explanation: str
    differs: bool

    @property
    def text(self) -> dict[str, list]:
        def strings(value: Any, step: str) -> Any:
            return [strings(x, step) for x in value] if isinstance(value, list) else fmt(value, step)

        return {"weights": strings(self.weights, "weights"), "output": strings(self.output, "output")}


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
    top = np.isclose(scores, scores.max(axis=1, keepdims=True), rtol=0, atol=1e-12)
    slip_weights = {
        "no_scaling": _softmax_rows(scores),
        "divide_by_dk": _softmax_rows(scores / d_k),
        "argmax": top / top.sum(axis=1, keepdims=True),
    }
    single = problem.query.shape[0] == 1
    right = _rows(problem.solution.output, ROUNDING["output"])
    out: dict[str, Slip] = {}
    for name, w in slip_weights.items():
        shown_out = _rows(w @ problem.values, ROUNDING["output"])
        out[name] = Slip(
            name=name,
            weights=_squeeze(_rows(w, ROUNDING["weights"]), single),
            output=_squeeze(shown_out, single),
            explanation=SLIP_EXPLANATIONS[name],
            differs=shown_out != right,
        )
    return out


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
    single = problem.query.shape[0] == 1

    def exact(a: np.ndarray) -> list:
        return _squeeze(np.atleast_2d(a).tolist(), single)

    return {
        "seed": problem.seed,
        "key": problem.key,
        "variant": problem.variant,
        "difficulty": problem.difficulty,
        "d_k": d.d_k,
        "n_keys": int(problem.keys.shape[0]),
        "n_queries": int(problem.query.shape[0]),
        "query": d.query,
        "keys": d.keys,
        "values": d.values,
        "scores": d.scores,
        "scaled": d.scaled,
        "exp": d.exp,
        "exp_sum": d.exp_sum,
        "weights": d.weights,
        "output": d.output,
        "most_attended": d.most_attended,
        "rounding": dict(ROUNDING),
        "text": d.text,
        "exact": {
            "scores": exact(sol.scores),
            "scaled": exact(sol.scaled),
            "exp": exact(sol.exp),
            "exp_sum": float(sol.exp_sum[0]) if single else sol.exp_sum.tolist(),
            "weights": exact(sol.weights),
            "output": exact(sol.output),
        },
    }
