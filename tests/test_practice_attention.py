"""Unit tests of the attention engine: solving, drawing, reproducibility, parameter
errors, display helpers, named slips, data export and the worked example.

Expected numbers come from test_practice_reference.py (loops, log-sum-exp, decimal
rounding), never from the module under test.
"""
from __future__ import annotations

import dataclasses
import hashlib
import json
import math
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.errors import ParameterError
from generator.practice import attention, seeds
from test_practice_reference import DECIMALS, as_rows, dec_text, ref_head, ref_softmax

ROOT = Path(__file__).resolve().parent.parent

small = st.integers(-3, 3).map(float)


@st.composite
def heads(draw, max_queries=3):
    d_k = draw(st.integers(1, 4))
    n_keys = draw(st.integers(1, 5))
    n_q = draw(st.integers(1, max_queries))
    d_v = draw(st.integers(1, 3))
    q = [[draw(small) for _ in range(d_k)] for _ in range(n_q)]
    k = [[draw(small) for _ in range(d_k)] for _ in range(n_keys)]
    v = [[draw(small) for _ in range(d_v)] for _ in range(n_keys)]
    return q, k, v


# --- solve -------------------------------------------------------------------------


@settings(max_examples=300, deadline=None, derandomize=True)
@given(heads())
def test_solve_matches_the_loop_reference(head):
    q, k, v = head
    sol = attention.solve(np.array(q), np.array(k), np.array(v))
    for j, ref in enumerate(ref_head(q, k, v)):
        for step in ("scores", "scaled", "exp", "weights", "output"):
            assert np.allclose(getattr(sol, step)[j], ref[step], rtol=1e-12, atol=1e-12), step
        assert math.isclose(sol.exp_sum[j], ref["exp_sum"], rel_tol=1e-12)
        top = max(ref["weights"])
        assert sol.most_attended[j] == [i for i, w in enumerate(ref["weights"]) if abs(w - top) < 1e-12]


def test_ties_are_all_reported():
    sol = attention.solve(np.array([1.0, 0.0]), np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]]), np.eye(3)[:, :2])
    assert sol.most_attended == [[0, 2]]


# --- reproducibility ------------------------------------------------------------------


def test_stream_is_seed_sequence_of_seed_and_key_hash_with_variant_as_spawn_key():
    # Rebuilt here from the documented recipe, with hashlib and numpy only.
    for seed, key, variant in [(0, "attention", 0), (12345, "matching", 7), (2**40, "Ünïcode", 3)]:
        digest = int.from_bytes(hashlib.sha256(key.encode("utf-8")).digest()[:8], "little")
        expected = np.random.PCG64(np.random.SeedSequence([seed, digest], spawn_key=(variant,))).random_raw(5)
        assert seeds.stream(seed, key, variant).random_raw(5).tolist() == expected.tolist()


def test_integers_map_raw_words_by_modulo():
    bits_a, bits_b = seeds.stream(3, "x", 0), seeds.stream(3, "x", 0)
    raw = bits_b.random_raw(6)
    got = seeds.integers(bits_a, -2, 2, (2, 3))
    assert got.ravel().tolist() == [int(r) % 5 - 2 for r in raw.tolist()]


def test_same_seed_same_problem_and_variants_do_not_depend_on_each_other():
    a = [attention.to_data(attention.draw(99, "set", k)) for k in range(6)]
    b = [attention.to_data(attention.draw(99, "set", k)) for k in reversed(range(10))][::-1][:6]
    assert a == b
    assert len({json.dumps(x["query"]) + json.dumps(x["keys"]) + json.dumps(x["values"]) for x in a}) == 6


def test_other_key_or_seed_gives_other_numbers():
    base = attention.to_data(attention.draw(5, "one"))
    assert attention.to_data(attention.draw(5, "two"))["keys"] != base["keys"] or \
        attention.to_data(attention.draw(5, "two"))["query"] != base["query"]
    assert attention.to_data(attention.draw(6, "one")) != base


def test_identical_in_a_fresh_process_with_another_hash_seed():
    code = (
        "import json; from generator.practice import attention as a; "
        "print(json.dumps([a.to_data(a.draw(s, 'x', s % 3, d)) for s in range(20) for d in a.DIFFICULTIES]))"
    )
    outs = []
    for hash_seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": hash_seed}
        done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True)
        outs.append(done.stdout)
    here = json.dumps([attention.to_data(attention.draw(s, "x", s % 3, d)) for s in range(20) for d in attention.DIFFICULTIES])
    assert outs[0] == outs[1] == here + "\n"


def test_fresh_seed_is_a_valid_seed():
    s = seeds.fresh_seed()
    assert seeds.check_seed(s) == s
    attention.draw(s)


# --- parameter errors -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "words"),
    [
        ({"d_k": 0}, "d_k must be an integer from 2 to 4, got 0"),
        ({"d_k": 5}, "d_k must be an integer from 2 to 4"),
        ({"d_k": True}, "d_k must be an integer from 2 to 4"),
        ({"d_k": 2.0}, "d_k must be an integer from 2 to 4"),
        ({"n_keys": 0}, "n_keys must be an integer from 2 to 4, got 0"),
        ({"n_keys": 1}, "n_keys must be an integer from 2 to 4"),
        ({"n_keys": 9}, "n_keys must be an integer from 2 to 4"),
        ({"n_queries": 0}, "n_queries must be an integer from 1 to 3"),
        ({"n_queries": 4}, "n_queries must be an integer from 1 to 3"),
        ({"variant": -1}, "variant must be an integer from 0 to 4294967295, got -1"),
        ({"seed": -1}, "seed must be an integer from 0 to 9223372036854775807, got -1"),
        ({"seed": "7"}, "seed must be an integer from 0 to 9223372036854775807"),
        ({"difficulty": "hard"}, "difficulty must be one of standard, challenge, got 'hard'"),
        ({"key": ""}, "key must be a non-empty string"),
    ],
)
def test_bad_parameters_name_the_parameter_and_its_range(kwargs, words):
    args = {"seed": 1, **kwargs}
    with pytest.raises(ParameterError) as caught:
        attention.draw(**args)
    assert words in str(caught.value)


def _level(**changes):
    return dataclasses.replace(attention.LEVELS["standard"], name="custom", **changes)


@pytest.mark.parametrize(
    ("level", "words"),
    [
        # Entries within +-0.1 give scaled scores within +-0.014: no lead of 0.5 is reachable.
        (_level(decimals=1, span=0.1, margin=0.5), "span must be at least"),
        (_level(decimals=0, span=0), "span must be a positive multiple of 1"),
        (_level(decimals=1, span=0.25), "span must be a positive multiple of 0.1"),
        (_level(margin=0.0), "margin must be in (0, 0.98)"),
        (_level(margin=0.99), "margin must be in (0, 0.98)"),
        (_level(value_span=0), "value_span must be an integer >= 1"),
        (_level(decimals=2), "decimals must be 0 or 1"),
        (_level(margin=0.2, max_lead=0.1), "max_lead must be in (0.2, 1]"),
    ],
)
def test_a_range_that_cannot_meet_the_guarantees_is_refused(level, words):
    with pytest.raises(ParameterError) as caught:
        attention.draw(1, level=level)
    assert words in str(caught.value)


def test_span_limit_is_the_documented_bound():
    # Lead >= margin needs a scaled gap g with 0.99 * (1 - exp(-g)) >= margin; the widest
    # gap on [-span, span]^d_k is 2 span^2 sqrt(d_k). Just above the bound is accepted.
    margin, d_k = 0.5, 2
    bound = math.sqrt(-math.log(1 - margin / 0.99) / (2 * math.sqrt(d_k)))
    assert 0.4 < bound < 0.5
    with pytest.raises(ParameterError, match=rf"span must be at least {bound:.3f}"):
        attention.check_level(_level(decimals=1, span=0.4, margin=margin), d_k)
    attention.check_level(_level(decimals=1, span=0.5, margin=margin), d_k)


def test_a_level_that_passes_the_quick_check_but_never_succeeds_ends_with_a_clear_error(monkeypatch):
    # draw() reads the budget in its own module since the engine was split by concern.
    monkeypatch.setattr(attention.drawing, "MAX_TRIES", 300)
    # Margin 0.9 is reachable in principle, but on the integer grid never with every
    # weight >= 0.01 on three keys.
    with pytest.raises(ParameterError, match=r"no problem met every guarantee in 300 candidate rows"):
        attention.draw(1, level=_level(decimals=0, margin=0.9))


# --- display ---------------------------------------------------------------------------


def test_fmt_uses_the_step_decimals_and_never_prints_minus_zero():
    assert attention.fmt(2, "exp") == "2.000"
    assert attention.fmt(0.6204, "weights") == "0.620"
    assert attention.fmt(-0.0001, "output") == "0.00"
    assert attention.fmt(-0.004, 2) == "0.00"
    assert attention.fmt(-0.006, 2) == "-0.01"
    assert attention.fmt(1 / 3, 4) == "0.3333"


@settings(max_examples=300, deadline=None, derandomize=True)
@given(st.floats(-1e6, 1e6, allow_nan=False), st.sampled_from(sorted(DECIMALS)))
def test_fmt_agrees_with_decimal_rounding(x, step):
    assert attention.fmt(x, step) == dec_text(x, DECIMALS[step])


def test_display_keeps_one_row_per_query_however_many():
    one = attention.rounded(attention.draw(4))
    assert isinstance(one.query[0][0], float) and isinstance(one.weights[0][0], float) and len(one.query) == 1
    assert isinstance(one.exp_sum[0], float) and one.most_attended == [[one.weights[0].index(max(one.weights[0]))]]
    assert isinstance(one.keys[0], list) and isinstance(one.text["weights"][0][0], str)
    many = attention.rounded(attention.draw(4, n_queries=2))
    assert len(many.query) == 2 and isinstance(many.weights[0], list) and len(many.exp_sum) == 2
    assert len(many.text["weights"]) == 2 and isinstance(many.text["weights"][0][0], str)
    assert many.n_queries == 2 and one.n_queries == 1


def test_inputs_print_on_their_grid():
    board = attention.rounded(attention.worked_example()).text
    assert all("." not in t for t in board["query"][0] + sum(board["keys"], []) + sum(board["values"], []))
    std = attention.rounded(attention.draw(4)).text
    assert all(len(t.split(".")[1]) == 1 for t in std["query"][0] + sum(std["keys"], []))
    assert all("." not in t for t in sum(std["values"], []))
    hard = attention.rounded(attention.draw(4, difficulty="challenge")).text
    assert all(len(t.split(".")[1]) == 1 for t in hard["query"][0] + sum(hard["keys"], []))
    assert all("." not in t for t in sum(hard["values"], []))  # values stay integers
    typed = attention.rounded(attention.Problem.given([1, 0.25], [[1, 0], [0, 1]], [[1, 2], [3, 4]])).text
    assert typed["query"] == [["1", "0.25"]]


# --- named slips -------------------------------------------------------------------------


@pytest.mark.parametrize("seed", range(40))
def test_mistakes_match_the_slips_done_by_hand(seed):
    problem = attention.draw(seed, n_queries=1 + seed % 2)
    q = problem.query.tolist()
    k, v = problem.keys.tolist(), problem.values.tolist()
    d_k = len(k[0])
    slips = attention.mistakes(problem)
    assert list(slips) == ["no_scaling", "divide_by_dk", "argmax"]
    truth = ref_head(q, k, v)
    for j, row in enumerate(q):
        scores = [sum(a * b for a, b in zip(row, key)) for key in k]
        best = max(scores)
        expected = {
            "no_scaling": ref_softmax(scores),
            "divide_by_dk": ref_softmax([s / d_k for s in scores]),
            "argmax": [1.0 if s == best else 0.0 for s in scores],
        }
        for name, w in expected.items():
            out = [math.fsum(wi * vi[c] for wi, vi in zip(w, v)) for c in range(len(v[0]))]
            slip = slips[name]
            assert as_rows(slip.text["weights"])[j] == [dec_text(x, DECIMALS["weights"]) for x in w]
            assert as_rows(slip.text["output"])[j] == [dec_text(x, DECIMALS["output"]) for x in out]
            assert as_rows(slip.weights)[j] == [float(dec_text(x, DECIMALS["weights"])) for x in w]
        for slip in slips.values():
            assert slip.explanation and "\n" not in slip.explanation
    right = [[dec_text(x, 2) for x in t["output"]] for t in truth]
    for slip in slips.values():
        assert slip.differs == (as_rows(slip.text["output"]) != right)
    # A drawn problem never lets argmax land on the answer: the output is not a value.
    assert slips["argmax"].differs


def test_mistakes_of_a_head_with_tied_scores_share_the_argmax():
    problem = attention.Problem.given([1, 0], [[1, 0], [0, 1], [1, 1]], [[2, 0], [0, 2], [4, 4]])
    slip = attention.mistakes(problem)["argmax"]
    assert slip.weights == [[0.5, 0.0, 0.5]] and slip.output == [[3.0, 2.0]]


def test_explanations_name_the_slip():
    slips = attention.mistakes(attention.draw(0))
    assert "sqrt(d_k)" in slips["no_scaling"].explanation
    assert "d_k instead of sqrt(d_k)" in slips["divide_by_dk"].explanation
    assert "argmax" in slips["argmax"].explanation


# --- data -----------------------------------------------------------------------------------


def test_to_data_is_json_and_matches_the_reference():
    problem = attention.draw(8)
    data = json.loads(json.dumps(attention.to_data(problem)))
    for name in ("query", "keys", "values", "weights", "output", "seed", "key", "variant", "difficulty",
                 "scores", "scaled", "exp", "most_attended"):
        assert name in data
    assert data["seed"] == 8 and data["key"] == "attention" and data["variant"] == 0
    assert data["difficulty"] == "standard"
    (ref,) = ref_head([data["query"]], data["keys"], data["values"])
    assert [dec_text(x, 3) for x in ref["weights"]] == data["text"]["weights"]
    assert data["weights"] == [float(dec_text(x, 3)) for x in ref["weights"]]
    assert np.allclose(data["exact"]["weights"], ref["weights"], rtol=0, atol=1e-12)
    assert data["most_attended"] == [ref["weights"].index(max(ref["weights"]))]
    assert isinstance(data["exp_sum"], float)


def test_to_data_nests_one_list_per_query():
    data = attention.to_data(attention.draw(8, n_queries=3))
    for name in ("query", "scores", "scaled", "exp", "weights", "output", "most_attended"):
        assert len(data[name]) == 3 and isinstance(data[name][0], list), name
    assert len(data["exp_sum"]) == 3


# --- the worked example ------------------------------------------------------------------------


def test_worked_example_is_the_clean_board_example():
    # The inputs the lesson shows for its seed; the answers are recomputed here.
    problem = attention.worked_example(attention.WORKED_EXAMPLE_SEED)
    assert attention.WORKED_EXAMPLE_SEED == 9705
    assert (problem.key, problem.variant, problem.difficulty) == ("worked-example", 0, "standard")
    assert problem.query.tolist() == [[1.0, 1.0]]
    assert problem.keys.tolist() == [[1.0, 2.0], [0.0, 2.0], [1.0, -1.0]]
    assert problem.values.tolist() == [[3.0, 1.0], [1.0, 2.0], [3.0, 2.0]]
    (ref,) = ref_head(problem.query.tolist(), problem.keys.tolist(), problem.values.tolist())
    text = attention.rounded(problem).text
    assert text["scores"][0] == [dec_text(x, 2) for x in ref["scores"]] == ["3.00", "2.00", "0.00"]
    assert text["weights"][0] == [dec_text(x, 3) for x in ref["weights"]]
    assert text["output"][0] == [dec_text(x, 2) for x in ref["output"]]
    w = sorted(ref["weights"], reverse=True)
    assert w[0] - w[1] > 0.25 and w[1] - w[2] > 0.1  # one clear winner, no near-ties
    assert all(slip.differs for slip in attention.mistakes(problem).values())
    assert attention.to_data(attention.worked_example()) == attention.to_data(problem)  # the default seed
