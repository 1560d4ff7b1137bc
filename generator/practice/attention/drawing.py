"""Drawing a hand-computable head from a seed, and the lesson's worked example.

Moved unchanged from the former ``practice/attention.py``; see the package docstring."""
from __future__ import annotations

import math

import numpy as np

from generator.errors import ParameterError
from generator.limits import check_int
from generator.practice import seeds

from .solving import Problem, solve
from .levels import BOARD_LEVEL, DIFFICULTIES, D_K_RANGE, LEVELS, Level, MAX_TRIES, N_KEYS_RANGE, N_QUERIES_RANGE, ROW_TRIES, WEIGHT_CEILING, WEIGHT_FLOOR, check_level
from .guarantees import meets_guarantees
from .screening import screen


# Candidate rows screened per numpy batch: most draws end within the first few rows.
SCREEN = 16

WORKED_EXAMPLE_KEY = "worked-example"
# Picked by searching seeds for a clean board example: q = (1, 1), small non-negative
# keys and values, scores 3, 2, 0 (so one exponential is exactly 1), weights 0.620,
# 0.306, 0.074 (one clear winner), and every named slip giving a different output.
WORKED_EXAMPLE_SEED = 9705

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


def _checked(difficulty: str, d_k: int, n_keys: int, n_queries: int, level: Level | None) -> tuple[Level, int, int, int]:
    """The level (the difficulty's unless given) and the sizes, checked as ``draw`` checks them."""
    if level is None:
        if difficulty not in LEVELS:
            raise ParameterError(f"difficulty must be one of {', '.join(DIFFICULTIES)}, got {difficulty!r}", "difficulty")
        level = LEVELS[difficulty]
    d_k = check_int("d_k", d_k, *D_K_RANGE)
    n_keys = check_int("n_keys", n_keys, *N_KEYS_RANGE)
    n_queries = check_int("n_queries", n_queries, *N_QUERIES_RANGE)
    check_level(level, d_k)
    return level, d_k, n_keys, n_queries


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
    entry: int = 0,
) -> Problem:
    """Draw variant ``variant`` of exercise ``key`` from ``seed``.

    The values have d_k components too (d_v = d_k). ``level`` replaces the named
    difficulty's Level (for authors testing their own ranges); it is checked the same way.
    ``entry`` is the problem's place in its note's pool (``seeds.stream``); 0 is the
    note's first problem.
    Raises ParameterError for parameters outside their ranges, or for a level that cannot
    meet the guarantees.
    """
    level, d_k, n_keys, n_queries = _checked(difficulty, d_k, n_keys, n_queries, level)
    bits = seeds.stream(seed, key, variant, entry)  # checks seed, key, variant and entry
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
        # This key set's candidate rows come from the stream in one piece (row i is the
        # i-th d_k words, as one row at a time would read them) and are screened in
        # batches; the state is kept to hand on exactly the words the loop used.
        count = min(ROW_TRIES * n_queries, budget)
        before = bits.state
        candidates = _entries(bits, level, (count, d_k))
        doomed = sure = np.zeros(0, dtype=bool)
        for i in range(count):
            budget -= 1
            if i == len(doomed):
                fails, passes = screen(candidates[i:i + SCREEN], k, v, level)
                doomed, sure = np.concatenate([doomed, fails]), np.concatenate([sure, passes])
            q = candidates[i:i + 1]
            if q.tobytes() in seen:
                continue  # already judged; the integer grid has only (2*span+1)**d_k rows
            seen.add(q.tobytes())
            candidate = None if doomed[i] or _hopeless(q, k, level) else _make(q, k, v, seed, key, variant, level.name)
            if candidate is None or not (sure[i] or meets_guarantees(candidate, level)):
                if len(seen) == grid_size:
                    bits.state = before  # the next keys start right after this row
                    bits.random_raw((i + 1) * d_k)
                    break  # every possible row tried: these keys cannot do it
                continue
            rows.append(q)
            if len(rows) == n_queries:
                # One row: the candidate just judged is the problem (its display already rounded).
                return candidate if n_queries == 1 else _make(np.vstack(rows), k, v, seed, key, variant, level.name)
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
