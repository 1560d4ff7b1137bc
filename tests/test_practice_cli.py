"""``python build.py practice``: given heads solved right, drawn heads printed, bad input
gets one line. Expected numbers come from the loop reference."""
from __future__ import annotations

import io
import json
import math
import re
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.practice import cli
from test_practice_reference import dec_text, ref_head

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ["--query", "1,0", "--keys", "1,0;0,1;1,1", "--values", "1,0;0,1;1,1"]


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = cli.main(list(argv), stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def _ties(weights: list[float]) -> list[int]:
    top = max(weights)
    return [i for i, w in enumerate(weights) if abs(w - top) <= 1e-12]


def test_issue_example_as_json():
    code, out, err = run(*EXAMPLE, "--json")
    assert code == 0 and err == ""
    data = json.loads(out)
    assert list(data) == ["scores", "scaled", "exp", "weights", "output", "most_attended"]
    (ref,) = ref_head([[1.0, 0.0]], [[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]], [[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
    for name in ("scores", "scaled", "exp", "weights", "output"):
        assert all(math.isclose(a, b, rel_tol=1e-13, abs_tol=1e-15) for a, b in zip(data[name], ref[name])), name
    assert data["most_attended"] == _ties(ref["weights"]) == [0, 2]  # k1 and k3 tie


def test_json_keeps_full_precision():
    data = json.loads(run(*EXAMPLE, "--json")[1])
    assert data["scaled"][0] == 1 / math.sqrt(2)  # every digit, not a rounded 0.7071


def _matrix(rows: list[list[float]]) -> str:
    return ";".join(",".join(repr(x) for x in row) for row in rows)


@st.composite
def heads(draw):
    d_k, n_keys, n_q, d_v = (draw(st.integers(1, 4)), draw(st.integers(1, 5)), draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    num = st.one_of(st.integers(-5, 5).map(float), st.integers(-50, 50).map(lambda i: i / 10))
    return (
        [[draw(num) for _ in range(d_k)] for _ in range(n_q)],
        [[draw(num) for _ in range(d_k)] for _ in range(n_keys)],
        [[draw(num) for _ in range(d_v)] for _ in range(n_keys)],
    )


@settings(max_examples=150, deadline=None, derandomize=True)
@given(heads())
def test_json_matches_the_reference_for_any_head(head):
    q, k, v = head
    code, out, err = run("--query", _matrix(q), "--keys", _matrix(k), "--values", _matrix(v), "--json")
    assert code == 0, err
    data = json.loads(out)
    refs = ref_head(q, k, v)
    rows = (lambda x: [x]) if len(q) == 1 else (lambda x: x)
    for j, ref in enumerate(refs):
        for name in ("scores", "scaled", "exp", "weights", "output"):
            got = rows(data[name])[j]
            assert all(math.isclose(a, b, rel_tol=1e-11, abs_tol=1e-12) for a, b in zip(got, ref[name])), name
        assert rows(data["most_attended"])[j] == _ties(ref["weights"])


def test_plain_output_walks_through_every_step():
    code, out, err = run(*EXAMPLE)
    assert code == 0 and err == ""
    (ref,) = ref_head([[1.0, 0.0]], [[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]], [[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
    for i in range(3):
        assert f"= {dec_text(ref['scores'][i], 2)}\n" in out
        assert f"= {dec_text(ref['scaled'][i], 4)}\n" in out
        assert f"exp({dec_text(ref['scaled'][i], 4)}) = {dec_text(ref['exp'][i], 3)}" in out
        assert f"w{i + 1} = {dec_text(ref['exp'][i], 3)} / {dec_text(ref['exp_sum'], 3)} = {dec_text(ref['weights'][i], 3)}" in out
    assert "= (" + ", ".join(dec_text(x, 2) for x in ref["output"]) + ")" in out
    assert "Most attended: k1 and k3 (tie)" in out
    for step in ("Step 1.", "Step 2.", "Step 3.", "Step 4.", "Step 5."):
        assert step in out


def test_a_given_head_whose_output_is_a_half_cent_is_flagged():
    # Displayed weights 0.041, 0.346, 0.613 and values (-1, -1), (1, 3), (0, 1): the first
    # output worked from them is -0.041 + 0.346 = 0.305, on the half between 0.30 and 0.31.
    code, out, err = run("--query=-0.5,-1.8", "--keys", "-1.7,1.7;1.6,-0.9;-1.1,-0.6", "--values", "-1,-1;1,3;0,1")
    assert code == 0 and err == ""
    assert "w1 = 0.210 / 5.162 = 0.041" in out and "0.346 x (1, 3)" in out  # the chain the note is about
    assert "Note: at these steps a learner working from the printed numbers may reach another digit" in out
    assert "query 1, step 5 (weighted sum): output component 1 = 0.305000, exactly half-way between 0.30 and 0.31" in out
    code, out, err = run(*EXAMPLE)  # 0.401 + 0.401 = 0.802 and 0.198 + 0.401 = 0.599: clear of any half
    assert "Note:" not in out


def test_several_queries_and_negative_numbers():
    code, out, err = run("--query", "-1,0;0,1", "--keys", "1,0;0,1", "--values", "1;2", "--json")
    assert code == 0, err
    data = json.loads(out)
    refs = ref_head([[-1.0, 0.0], [0.0, 1.0]], [[1.0, 0.0], [0.0, 1.0]], [[1.0], [2.0]])
    assert len(data["weights"]) == 2
    for j, ref in enumerate(refs):
        assert all(math.isclose(a, b, rel_tol=1e-13) for a, b in zip(data["weights"][j], ref["weights"]))
        assert data["most_attended"][j] == _ties(ref["weights"])
    assert "=== Query 2" in run("--query", "-1,0;0,1", "--keys", "1,0;0,1", "--values", "1;2")[1]


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (["--query", "1,0", "--keys", "1,0;0,1,1", "--values", "1;2"], "rows must all have the same length"),
        (["--query", "1,0,0", "--keys", "1,0;0,1", "--values", "1;2"], "--query has 3 numbers per row but --keys has 2"),
        (["--query", "1,0", "--keys", "1,0;0,1", "--values", "1"], "--keys has 2 rows but --values has 1"),
        (["--query", "1,x", "--keys", "1,0", "--values", "1"], "--query row 1: 'x' is not a number"),
        (["--query", "1,0", "--keys", "1,0", "--values", "one"], "--values row 1: 'one' is not a number"),
        (["--query", "", "--keys", "1,0", "--values", "1"], "--query is empty"),
        (["--query", "1,0", "--keys", "1,0;;0,1", "--values", "1;2;3"], "--keys row 2 is empty"),
        (["--query", "1,", "--keys", "1,0", "--values", "1"], "--query row 1: '' is not a number"),
        (["--query", "inf,0", "--keys", "1,0", "--values", "1"], "is not a finite number"),
        (["--query", "1000,0", "--keys", "1000,0", "--values", "1"], "overflows"),
        (["--query", "1e200,0", "--keys", "1e200,0", "--values", "1"], "overflow"),
        (["--query", "1,0"], "--query needs --keys and --values"),
        (["--keys", "1,0"], "--keys and --values need --query"),
        ([*EXAMPLE, "--seed", "3"], "--seed is for drawn problems"),
        ([*EXAMPLE, "--difficulty", "challenge"], "--difficulty is for drawn problems"),
        (["--seed", "3", "--d-k", "9"], "d_k must be an integer from 2 to 4, got 9"),
        (["--seed", "3", "--difficulty", "easy"], "difficulty must be one of standard, challenge"),
        (["--seed", "-1"], "seed must be an integer from 0 to 9223372036854775807"),
        (["--frobnicate"], "unrecognized arguments: --frobnicate"),
        (["--seed", "x"], "argument --seed: 'x' is not a whole number"),
        (["--seed", "3", "--variant", "1.5"], "argument --variant: '1.5' is not a whole number"),
        # "1_0" is Python's 10, a typo for an instructor: refused in matrices and int options.
        (["--query", "1_0,0", "--keys", "1,0", "--values", "1"], "--query row 1: '1_0' is not a number (write it without '_')"),
        (["--seed", "1_0"], "argument --seed: '1_0' is not a whole number (write it without '_')"),
        (["--seed", "3", "--n-keys", "3_"], "argument --n-keys: '3_' is not a whole number (write it without '_')"),
        # A bad draw option without --seed: its error alone, no "seed ... drawn fresh" line first.
        (["--d-k", "9"], "d_k must be an integer from 2 to 4, got 9"),
        (["--difficulty", "easy", "--json"], "difficulty must be one of standard, challenge"),
        (["--n-queries", "0"], "n_queries must be an integer from 1 to 3, got 0"),
        # --key names a random stream; the lesson's other exercises are not attention heads.
        (["--seed", "3", "--key", "rnn"], "--key 'rnn' is the stream of the lesson's rnn exercise"),
        (["--key", "matching"], "--key 'matching' is the stream of the lesson's matching exercise"),
    ],
)
def test_bad_input_gets_one_error_line(argv, words):
    code, out, err = run(*argv)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and err.startswith("error: ") and words in err, err
    assert "Traceback" not in err


def test_degenerate_heads_are_solved():
    # All-zero query: every score 0, every key ties.
    data = json.loads(run("--query", "0,0", "--keys", "1,0;0,1;1,1", "--values", "3;6;9", "--json")[1])
    assert data["most_attended"] == [0, 1, 2]
    assert math.isclose(data["output"][0], 6.0, rel_tol=1e-15)
    # One key: its weight is 1.
    data = json.loads(run("--query", "2", "--keys", "5", "--values", "7,8", "--json")[1])
    assert data["weights"] == [1.0] and data["output"] == [7.0, 8.0] and data["most_attended"] == [0]


def test_drawn_problem_by_seed():
    code, out, err = run("--seed", "9705", "--key", "worked-example", "--json")
    assert code == 0 and err == ""
    data = json.loads(out)
    assert (data["seed"], data["key"], data["variant"], data["difficulty"]) == (9705, "worked-example", 0, "standard")
    (ref,) = ref_head([data["query"]], data["keys"], data["values"])
    assert data["text"]["weights"] == [dec_text(x, 3) for x in ref["weights"]]
    plain = run("--seed", "9705", "--key", "worked-example")[1]
    assert "seed 9705" in plain and "Common slips" in plain and "no_scaling" in plain


def test_fresh_seed_is_printed_and_repeats_the_problem():
    code, out, err = run()
    assert code == 0
    seed = int(re.match(r"seed (\d+) \(drawn fresh", out).group(1))
    again = run("--seed", str(seed))[1]
    assert out.split("\n", 1)[1] == again
    code, out, err = run("--json")  # JSON stays clean: the note goes to stderr
    seed = int(re.match(r"seed (\d+)", err).group(1))
    assert json.loads(out)["seed"] == seed


def test_help_exits_zero():
    code, out, err = run("--help")
    assert code == 0 and "--query" in out
    flat = " ".join(out.split())
    assert "most_attended counts them from 0 (k3 is 2)" in flat  # the text's k1, k2, ... count from 1
    assert "--key NAME name of the random stream the head is drawn from" in flat
    assert "U+2212" in flat


# Minus signs a copy from the slides (U+2212), a word processor or a web page brings,
# written here by code point.
COPIED_MINUS = ["\u2212", "\u2010", "\u2011", "\u2012", "\u2013", "\u2014", "\ufe63", "\uff0d"]


@pytest.mark.parametrize("minus", COPIED_MINUS)
def test_copied_minus_signs_read_as_minus(minus):
    rows = {"--query": "-0.4,-1.8;1,-1", "--keys": "1,-1;0.5,2", "--values": "-1,0;0,-1"}
    plain = [f"{option}={text}" for option, text in rows.items()]
    copied = [a for option, text in rows.items() for a in (option, text.replace("-", minus))]
    for extra in ([], ["--json"]):
        want = run(*plain, *extra)
        assert want[0] == 0 and run(*copied, *extra) == want
    # Int options too: "-1" copied is still -1 (and out of the variant's range).
    code, out, err = run("--seed", "3", "--variant", f"{minus}1")
    assert code == 2 and out == "" and err == "error: variant must be an integer from 0 to 4294967295, got -1\n"
    assert run("--seed", f"{minus}5")[2].endswith("got -5\n")
    assert run("--seed", "3", "--d-k", f"{minus}3")[2] == "error: d_k must be an integer from 2 to 4, got -3\n"


def test_runs_as_a_module():
    done = subprocess.run([sys.executable, "-m", "generator.practice.cli", *EXAMPLE, "--json"],
                          cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0 and set(json.loads(done.stdout)) == {
        "scores", "scaled", "exp", "weights", "output", "most_attended"}
    bad = subprocess.run([sys.executable, "-m", "generator.practice.cli", "--query", "1,a", "--keys", "1,0", "--values", "1"],
                         cwd=ROOT, capture_output=True, text=True)
    assert bad.returncode == 2 and bad.stdout == ""
    assert bad.stderr.splitlines() == ["error: --query row 1: 'a' is not a number"]
