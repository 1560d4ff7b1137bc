"""Batch screening of candidate rows (practice/attention/screening.py) changes no drawn problem.

``draw`` skips the rows ``screen`` marks as failing and takes those it marks as passing;
these tests hold it to "only rows that surely fail" and "only rows that surely pass":
every row marked either way is judged the same one at a time by ``broken_guarantees``,
and ``draw`` returns the problem a plain one-row-at-a-time loop over the same stream
(written out here, with no screening) returns.
"""
from __future__ import annotations

import numpy as np
import pytest

from generator.errors import ParameterError
from generator.practice import seeds
from generator.practice.attention import LEVELS, Level, Problem, broken_guarantees, draw, rounded
from generator.practice.attention.screening import screen

BOARD = Level("standard", decimals=0, span=2, value_span=3, margin=0.15)
TIGHT = Level("tight", decimals=0, span=1, value_span=2, margin=0.3)  # small grid: keys often exhausted


def _rows(bits: np.random.PCG64, lv: Level, n: int, d_k: int) -> np.ndarray:
    top = round(lv.span * 10**lv.decimals)
    return seeds.integers(bits, -top, top, (n, d_k)) / 10**lv.decimals


def one_at_a_time(seed: int, key: str, variant: int, lv: Level, d_k: int, n_keys: int, n_queries: int) -> Problem:
    """The drawing procedure of the attention package's docstring, row by row, judged by
    broken_guarantees alone (budget 20,000 rows, 100 per query per key set)."""
    bits = seeds.stream(seed, key, variant)
    grid = (2 * round(lv.span * 10**lv.decimals) + 1) ** d_k
    budget = 20000
    while budget > 0:
        k = _rows(bits, lv, n_keys, d_k)
        v = seeds.integers(bits, -lv.value_span, lv.value_span, (n_keys, d_k)).astype(np.float64)
        rows, seen = [], set()
        for _ in range(min(100 * n_queries, budget)):
            budget -= 1
            q = _rows(bits, lv, 1, d_k)
            if q.tobytes() in seen:
                continue
            seen.add(q.tobytes())
            if broken_guarantees(Problem.given(q, k, v), lv):
                if len(seen) == grid:
                    break
                continue
            rows.append(q)
            if len(rows) == n_queries:
                return Problem.given(np.vstack(rows), k, v)
    raise ParameterError("no problem")


CASES = [(LEVELS["standard"], 2, 3, 1), (LEVELS["challenge"], 2, 3, 1), (LEVELS["standard"], 3, 4, 2),
         (LEVELS["challenge"], 4, 2, 3), (BOARD, 2, 3, 1), (BOARD, 2, 4, 2), (TIGHT, 2, 3, 1), (TIGHT, 3, 2, 2)]


@pytest.mark.parametrize("lv, d_k, n_keys, n_queries", CASES)
def test_draw_returns_the_first_row_a_plain_loop_accepts(lv, d_k, n_keys, n_queries):
    for variant in range(6):
        try:
            expected = one_at_a_time(11, "screen", variant, lv, d_k, n_keys, n_queries)
        except ParameterError:
            with pytest.raises(ParameterError):
                draw(11, key="screen", variant=variant, d_k=d_k, n_keys=n_keys, n_queries=n_queries, level=lv)
            continue
        got = draw(11, key="screen", variant=variant, d_k=d_k, n_keys=n_keys, n_queries=n_queries, level=lv)
        for name in ("query", "keys", "values"):
            assert getattr(got, name).tolist() == getattr(expected, name).tolist(), (variant, name)


@pytest.mark.parametrize("lv, d_k, n_keys, n_queries", CASES)
def test_a_row_marked_either_way_is_judged_the_same_by_the_exact_checks(lv, d_k, n_keys, n_queries):
    bits = seeds.stream(3, "screen-rows", d_k * 10 + n_keys)
    failing = passing = 0
    for _ in range(20):
        k = _rows(bits, lv, n_keys, d_k)
        v = seeds.integers(bits, -lv.value_span, lv.value_span, (n_keys, d_k)).astype(np.float64)
        q = _rows(bits, lv, 40, d_k)
        fails, passes = screen(q, k, v, lv)
        assert not (fails & passes).any()
        for row, doomed, sure in zip(q, fails, passes):
            broken = broken_guarantees(Problem.given(row[None, :], k, v), lv)
            if doomed:
                failing += 1
                assert broken, (row, k, v)
            if sure:
                passing += 1
                assert not broken, (row, k, v, broken)
    # The screen does its job: it marks rows both ways (most of 800 random rows fail).
    assert failing > 100 and passing > 10


def test_rows_near_a_rounding_boundary_are_left_to_the_exact_checks():
    k = np.array([[1.0, 0.0], [1.0, 0.0]])
    v = np.array([[1.0, 2.0], [3.0, 1.0]])
    q = np.array([[0.5, 0.3]])
    # Two equal keys: weights 0.5 and 0.5, all equal, so the head fails; 500 is far from a
    # boundary at three decimals, so the screen decides.
    assert screen(q, k, v, LEVELS["standard"])[0].tolist() == [True]
    # Weights 0.0025 and 0.9975: both halfway between two three-decimal numbers, so the
    # batch's last bit could round them either way; the row goes to the exact checks.
    nudged = np.array([[np.log(0.0025 / 0.9975) * np.sqrt(2), 0.0]])
    kk = np.array([[1.0, 0.0], [0.0, 0.0]])
    assert [flags.tolist() for flags in screen(nudged, kk, v, LEVELS["standard"])] == [[False], [False]]


def test_an_output_that_a_learner_gets_as_an_exact_half_is_refused_both_ways():
    # Seed 5's head on main: displayed weights 0.041, 0.346, 0.613 give a first output
    # component of -0.041 + 0.346 = 0.305 exactly, a half-cent tie (a learner rounding
    # halves to even writes 0.30), while the card printed 0.31 from the exact weights.
    q = np.array([[-0.5, -1.8]])
    k = np.array([[-1.7, 1.7], [1.6, -0.9], [-1.1, -0.6]])
    v = np.array([[-1.0, -1.0], [1.0, 3.0], [0.0, 1.0]])
    problem = Problem.given(q, k, v)
    assert rounded(problem).text["weights"] == [["0.041", "0.346", "0.613"]]
    assert rounded(problem).text["output"] == [["0.31", "1.61"]]
    assert broken_guarantees(problem, LEVELS["standard"]) == ["consistent_at_display"]
    fails, passes = screen(q, k, v, LEVELS["standard"])
    assert (fails.tolist(), passes.tolist()) == ([True], [False])


def test_a_head_whose_exponentials_all_print_as_zero_is_not_passed():
    # Scores around -30 on a wide custom level: every exponential shows as 0.000, so their
    # shown sum is 0 and the weights worked from them are NaN; the exact checks call that
    # inconsistent, and the screen must not take the row.
    lv = Level("wide", decimals=1, span=3, value_span=3, margin=0.15)
    q = np.array([[3.0, 3, 3, 3]])
    k = np.array([[-3.0, -3, -3, -3], [-2.9, -3, -3, -3], [-1.0, -3, -3, -3]])
    v = np.array([[1.0, 2, 0, 1], [3.0, 1, 1, 0], [0.0, 0, 2, 1]])
    assert broken_guarantees(Problem.given(q, k, v), lv) == ["consistent_at_display"]
    fails, passes = screen(q, k, v, lv)
    assert passes.tolist() == [False]


@pytest.mark.parametrize("lv, d_k, n_keys, n_queries", CASES)
def test_draw_many_returns_what_the_plain_loop_returns_for_every_stream(lv, d_k, n_keys, n_queries):
    from generator.practice.attention.batch import draw_many

    got = draw_many(11, [(variant, 0) for variant in range(6)], "screen", d_k=d_k, n_keys=n_keys,
                    n_queries=n_queries, level=lv)
    for variant, problem in enumerate(got):
        expected = one_at_a_time(11, "screen", variant, lv, d_k, n_keys, n_queries)
        for name in ("query", "keys", "values"):
            assert getattr(problem, name).tolist() == getattr(expected, name).tolist(), (variant, name)


def test_a_batch_row_the_screen_leaves_undecided_is_judged_exactly():
    from generator.practice.attention.batch import _walk

    k = np.array([[1.0, 0.0], [0.0, 0.0]])
    v = np.array([[1.0, 2.0], [3.0, 1.0]])
    nudged = [np.log(0.0025 / 0.9975) * np.sqrt(2), 0.0]  # weights 0.0025 and 0.9975: on a rounding boundary
    good = [1.0, 0.0]
    rows = np.array([nudged, good])
    assert broken_guarantees(Problem.given(rows[:1], k, v), LEVELS["standard"])
    assert not broken_guarantees(Problem.given(rows[1:], k, v), LEVELS["standard"])
    fails, passes = screen(rows, k, v, LEVELS["standard"])
    assert not fails[0] and not passes[0]  # undecided: the exact checks say no
    verdict = np.where(fails, 0, np.where(passes, 1, -1)).astype(np.int8)
    taken = _walk(rows, k, v, verdict, 2, 1, 1, "x", 0, LEVELS["standard"])
    assert taken.tolist() == [good]
