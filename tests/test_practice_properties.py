"""Property tests of drawn attention problems: every guarantee, every seed.

The lesson's head (d_k = 2, three keys, one query) is drawn for seeds 0..4999 at each
difficulty, and every promise of the issue is checked against the independent
reference in test_practice_reference.py, starting from the digits a learner reads.
Hypothesis then covers the other parameter sets (d_k, keys, queries, keys of exercises,
variants) with fewer examples each.
"""
from __future__ import annotations

import math
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.practice import attention
from generator.practice.steps import worked_steps
from test_practice_reference import DECIMALS, SPEC, as_rows, dec, dec_text, learner_chain, learner_readings, ref_head

SEEDS = range(5000)


def _grid_ok(x: float, grid: Decimal, span: Decimal) -> bool:
    d = Decimal(repr(x))
    return (d / grid) == (d / grid).to_integral_value() and abs(d) <= span


def check_problem(problem: attention.Problem, difficulty: str) -> None:
    """Every guarantee of a drawn problem, recomputed independently."""
    spec = SPEC[difficulty]
    shown = attention.rounded(problem)
    text = shown.text
    queries = [[float(x) for x in row] for row in problem.query]
    keys = [[float(x) for x in row] for row in problem.keys]
    values = [[float(x) for x in row] for row in problem.values]
    d_k = len(keys[0])

    # Inputs in the documented range, on the documented grid.
    for x in (*sum(queries, []), *sum(keys, [])):
        assert _grid_ok(x, spec["grid"], spec["span"]), x
    for x in sum(values, []):
        assert x == int(x) and abs(x) <= spec["value_span"], x

    ref = ref_head(queries, keys, values)
    for j, head in enumerate(ref):
        # No NaN or infinity anywhere.
        assert all(math.isfinite(x) for step in head.values() for x in (step if isinstance(step, list) else [step]))

        # What is displayed is the exact value rounded by the documented rule.
        for step in ("scores", "scaled", "exp", "weights", "output"):
            assert as_rows(text[step])[j] == [dec_text(x, DECIMALS[step]) for x in head[step]], step
        sums = text["exp_sum"] if isinstance(text["exp_sum"], list) else [text["exp_sum"]]
        assert sums[j] == dec_text(head["exp_sum"], DECIMALS["exp_sum"])

        # The displayed floats print as the displayed strings.
        for step in ("scores", "scaled", "exp", "weights", "output"):
            floats = as_rows(getattr(shown, step))[j]
            assert [f"{x:.{DECIMALS[step]}f}" for x in floats] == as_rows(text[step])[j]

        # Guarantees, on the digits the learner sees.
        w = sorted((Decimal(t) for t in as_rows(text["weights"])[j]), reverse=True)
        lead = w[0] - w[1]
        assert lead >= spec["margin"], (lead, w)
        if spec["max_lead"] is not None:
            assert lead <= spec["max_lead"], (lead, w)
        assert all(Decimal("0.01") <= x <= Decimal("0.99") for x in w), w
        assert sum(w) == 1, w
        best = max(range(len(keys)), key=lambda i: head["weights"][i])
        assert as_rows(shown.most_attended)[j] == [best]
        out_text = as_rows(text["output"])[j]
        for v in values:
            assert out_text != [dec_text(x, DECIMALS["output"]) for x in v], (out_text, v)

        # Consistency at display: a learner starting each step from the printed digits of
        # the step before writes down the printed number, whatever they do with halves.
        printed = {
            "scores": as_rows(text["scores"])[j], "scaled": as_rows(text["scaled"])[j],
            "exp": as_rows(text["exp"])[j], "exp_sum": [sums[j]], "weights": as_rows(text["weights"])[j],
            "output": out_text,
        }
        # Also for one who divides by the square root as the card's step prints it.
        root = worked_steps(problem)[j].sqrt_d_k
        assert abs(Decimal(root) - Decimal(d_k).sqrt()) < Decimal("5e-7"), root
        for chain in (learner_chain(text, j), learner_chain(text, j, root)):
            for step, got in chain.items():
                for mine, theirs in zip(got, printed[step], strict=True):
                    assert learner_readings(mine, DECIMALS[step]) == {theirs}, (step, mine, theirs, root)


@pytest.mark.parametrize("difficulty", ["standard", "challenge"])
def test_every_guarantee_over_5000_seeds(difficulty):
    for seed in SEEDS:
        problem = attention.draw(seed, difficulty=difficulty)
        assert problem.seed == seed and problem.difficulty == difficulty
        check_problem(problem, difficulty)


@settings(max_examples=150, deadline=None, derandomize=True)
@given(
    seed=st.integers(0, 2**63 - 1),
    key=st.sampled_from(["attention", "worked-example", "quiz/7", "Ünïcode key"]),
    variant=st.integers(0, 2**32 - 1),
    difficulty=st.sampled_from(["standard", "challenge"]),
    d_k=st.integers(2, 4),
    n_keys=st.integers(2, 4),
    n_queries=st.integers(1, 3),
)
def test_every_guarantee_over_all_sizes(seed, key, variant, difficulty, d_k, n_keys, n_queries):
    problem = attention.draw(seed, key, variant, difficulty, d_k, n_keys, n_queries)
    assert problem.query.shape == (n_queries, d_k)
    assert problem.keys.shape == (n_keys, d_k) and problem.values.shape == (n_keys, d_k)
    assert len({tuple(r) for r in problem.query.tolist()}) == n_queries  # no repeated query
    check_problem(problem, difficulty)


@pytest.mark.parametrize(("d_k", "n_keys", "n_queries"), [(2, 2, 1), (4, 4, 3), (3, 4, 3), (2, 4, 3), (4, 2, 3)])
@pytest.mark.parametrize("difficulty", ["standard", "challenge"])
def test_corners_of_the_parameter_ranges(difficulty, d_k, n_keys, n_queries):
    for seed in range(15):
        check_problem(attention.draw(seed, "corner", 0, difficulty, d_k, n_keys, n_queries), difficulty)


def test_the_guarantee_functions_say_no_to_what_the_reference_rejects():
    # The named guarantee functions are the gate of draw(); each must reject a head
    # that breaks it, judged by hand here.
    flat = attention.Problem.given([0, 0], [[1, 0], [0, 1], [1, 1]], [[1, 0], [0, 1], [1, 1]])
    assert not attention.unique_leader(flat, 0.05)  # all weights 1/3
    assert not attention.no_extreme_weights(flat)  # all equal
    assert not attention.weights_sum_to_one(flat)  # 0.333 * 3 = 0.999
    peaked = attention.Problem.given([3, 3], [[2, 2], [-2, -2], [0, 0]], [[1, 0], [0, 1], [1, 1]])
    assert not attention.no_extreme_weights(peaked)  # exp(8.5) against exp(-8.5)
    assert not attention.output_not_a_value(peaked)  # output rounds to v1
    # A scaled score of 8/sqrt(2) = 5.6569 has exp near 286: the 4-decimal rounding of
    # the scaled score (about 5e-5 here) moves exp by about 0.013, far over half of 0.001.
    big = attention.Problem.given([2, 2], [[2, 1], [1, 2], [2, 2]], [[1, 0], [0, 1], [1, 1]])
    assert not attention.consistent_at_display(big)
    assert attention.all_finite(big)


def test_the_early_rejection_only_drops_rows_that_fail_anyway():
    from generator.practice import seeds

    bits = seeds.stream(7, "early-rejection", 0)
    for difficulty in ("standard", "challenge"):
        level = attention.LEVELS[difficulty]
        for _ in range(3000):
            k = attention._entries(bits, level, (3, 2))
            q = attention._entries(bits, level, (1, 2))
            if attention._hopeless(q, k, level):
                problem = attention.Problem.given(q, k, [[1, 0], [0, 1], [2, 2]])
                broken = attention.broken_guarantees(problem, level)
                assert {"unique_leader", "no_extreme_weights"} & set(broken), (q, k)
