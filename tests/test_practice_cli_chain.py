"""``python build.py practice`` for a head typed in: every printed line follows from the
printed numbers before it (the slides' rule), and the closing note names each query and
step that lands on or near a rounding half. Drawn heads print what they always printed.

The expectations are worked here in decimal from the definitions, reading only the
printed text: score = sum of products, scaled = score / sqrt(d_k), exp, sum of the
printed terms, weight = exp / sum, output = sum of weight x value."""
from __future__ import annotations

import io
import json
import random
import re
from decimal import Decimal, localcontext

import pytest

from generator.practice import attention, cli

STEP_NUMBER = {"scores": 1, "scaled": 2, "exp": 3, "weights": 4, "output": 5}
DECIMALS = {"scores": 2, "scaled": 4, "exp": 3, "weights": 3, "output": 2}
# A learner's number this close to a rounding half (in units of the last printed digit)
# may be rounded either way: the README's "hundredth of a unit".
NEAR = Decimal("0.01")


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = cli.main(list(argv), stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def typed_heads(n: int, seed: int) -> list[tuple[list, list, list]]:
    """Heads an instructor might type: one-decimal entries in [-2, 2] (some whole), whole
    values in [-3, 3], 2-4 keys, 1-3 queries, d_k 2-4."""
    rng = random.Random(seed)
    heads = []
    for _ in range(n):
        d_k, n_keys, n_q = rng.randint(2, 4), rng.randint(2, 4), rng.randint(1, 3)
        whole = rng.random() < 0.2

        def entry() -> str:
            return str(rng.randint(-2, 2)) if whole else f"{rng.randint(-20, 20) / 10:g}"

        heads.append((
            [[entry() for _ in range(d_k)] for _ in range(n_q)],
            [[entry() for _ in range(d_k)] for _ in range(n_keys)],
            [[str(rng.randint(-3, 3)) for _ in range(d_k)] for _ in range(n_keys)],
        ))
    return heads


def argv(head) -> list[str]:
    q, k, v = head
    return [f"--query={';'.join(','.join(r) for r in q)}", f"--keys={';'.join(','.join(r) for r in k)}",
            f"--values={';'.join(','.join(r) for r in v)}"]


def near_half(x: Decimal, places: int) -> bool:
    unit = Decimal(1).scaleb(-places)
    frac = (x / unit) % 1
    if frac < 0:
        frac += 1
    return abs(frac - Decimal("0.5")) < NEAR


def rounds_to(x: Decimal, printed: Decimal, places: int) -> bool:
    """``printed`` is ``x`` rounded to ``places`` under some rule for halves."""
    return abs(x - printed) <= Decimal(1).scaleb(-places) / 2


def check_text(text: str, head) -> tuple[set, int]:
    """Recompute every printed line of ``text`` from the printed numbers before it; return
    the (query, step) pairs that land on or near a half, and how many lines were checked."""
    q_typed, k_typed, v_typed = head
    D = Decimal
    keys = [[D(x) for x in row] for row in k_typed]
    values = [[D(x) for x in row] for row in v_typed]
    d_k = len(keys[0])
    near, checked = set(), 0
    # The inputs are printed as typed.
    def vec(text: str) -> list[Decimal]:
        return [D(x) for x in text.split(", ")]

    assert [vec(m) for m in re.findall(r"^  q\d* = \((.*)\)$", text, re.M)] == [[D(x) for x in r] for r in q_typed]
    assert [vec(m) for m in re.findall(r"^  k\d+ = \((.*?)\)", text, re.M)] == keys
    assert [vec(m) for m in re.findall(r"   v\d+ = \((.*)\)$", text, re.M)] == values
    blocks = re.split(r"^=== Query \d+: .* ===$", text, flags=re.M)
    blocks = blocks[1:] if len(blocks) > 1 else [text.split("\nInputs\n", 1)[1]]
    assert len(blocks) == len(q_typed)
    with localcontext() as ctx:
        ctx.prec = 60
        root = D(d_k).sqrt()
        printed_root = D(re.search(rf"sqrt\(d_k\) = sqrt\({d_k}\) = ([\d.]+)$", text, re.M).group(1))
        assert abs(printed_root - root) <= D("5e-7")
        for j, (block, q_row) in enumerate(zip(blocks, q_typed)):
            q = [D(x) for x in q_row]
            s = [D(x) for x in re.findall(r"^  s\d+ = .* = (-?[\d.]+)$", block, re.M)]
            sc_lines = re.findall(r"^  s\d+ / sqrt\(\d\) = (-?[\d.]+) / sqrt\(\d\) = (-?[\d.]+)$", block, re.M)
            sc_from, sc = [D(a) for a, _ in sc_lines], [D(b) for _, b in sc_lines]
            exp_lines = re.findall(r"^  exp\((-?[\d.]+)\) = ([\d.]+)$", block, re.M)
            e = [D(b) for _, b in exp_lines]
            total_line = re.search(r"^  sum = (.*) = ([\d.]+)$", block, re.M)
            total = D(total_line.group(2))
            w_lines = re.findall(r"^  w\d+ = ([\d.]+) / ([\d.]+) = ([\d.]+)$", block, re.M)
            w = [D(c) for _, _, c in w_lines]
            out = [D(x) for x in re.search(r"^  = \((.*?)\)$", block, re.M).group(1).split(", ")]
            assert len(s) == len(sc) == len(e) == len(w) == len(keys) and len(out) == len(values[0])

            def step(name: str, got: Decimal, exact: Decimal, *other: Decimal) -> None:
                """``got`` is ``exact`` rounded; ``other``: what a learner may compute instead
                (by the printed root), which only has to agree with it or be noted."""
                nonlocal checked
                places = DECIMALS[name]
                assert rounds_to(exact, got, places), (j, name, exact, got)
                if (exact / Decimal(1).scaleb(-places)) % 1 in (D("0.5"), D("-0.5")):
                    assert (got * 10**places) % 2 == 0, (j, name, exact, got)  # a half goes to even
                if near_half(exact, places) or any(not rounds_to(x, got, places) or near_half(x, places) for x in other):
                    near.add((j, name))
                checked += 1

            for i, k in enumerate(keys):
                step("scores", s[i], sum(a * b for a, b in zip(q, k)))
                assert sc_from[i] == s[i]  # the scaled line divides the printed score
                step("scaled", sc[i], s[i] / root, s[i] / printed_root)
                assert D(exp_lines[i][0]) == sc[i]  # exp of the printed scaled score
                step("exp", e[i], sc[i].exp())
            terms = [D(x) for x in total_line.group(1).split(" + ")]
            assert terms == e and total == sum(e)  # the sum of the printed terms, exactly
            for i in range(len(keys)):
                assert D(w_lines[i][0]) == e[i] and D(w_lines[i][1]) == total
                step("weights", w[i], e[i] / total)
            for c in range(len(values[0])):
                step("output", out[c], sum(wi * v[c] for wi, v in zip(w, values)))
            top = max(w)
            leaders = " and ".join(f"k{i + 1}" for i, x in enumerate(w) if x == top)
            most = re.search(r"^Most attended: (.*?)(?: \(tie\))?, weight ([\d.]+)$", block, re.M)
            assert most.group(1) == leaders and D(most.group(2)) == top
    return near, checked


def noted(text: str) -> set:
    return {(int(a) - 1, name) for a, n in re.findall(r"^  query (\d+), step (\d) \(", text, re.M)
            for name in [next(k for k, v in STEP_NUMBER.items() if v == int(n))]}


# The review's examples (FINDINGS 1): main printed sums and an exponential its own
# numbers do not give.
REVIEW_HEADS = [
    ([["0.5", "-1.2", "2"], ["1", "1", "0"]], [["1", "0", "-1"], ["0.3", "2", "1"], ["-1", "-1", "1"], ["2", "0.5", "0"]],
     [["1", "2"], ["3", "-1"], ["0", "0"], ["-2", "4"]]),
    ([["-2.5", "3.1"]], [["1.5", "-2"], ["0.7", "0.7"], ["-3", "1"]], [["10", "-5"], ["2", "2"], ["0", "7"]]),
    ([["1.6", "-1.2"]], [["0.9", "-0.5"], ["0", "-2"], ["0.5", "1.4"]], [["1", "-2"], ["0", "-2"], ["3", "3"]]),
]


@pytest.mark.parametrize("head", REVIEW_HEADS + typed_heads(400, seed=7))
def test_every_printed_line_follows_from_the_printed_numbers_before_it(head):
    code, text, err = run(*argv(head))
    assert code == 0 and err == "", err
    near, checked = check_text(text, head)
    assert checked > 0
    # The note names exactly the queries and steps that land on or near a half.
    assert noted(text) == near, (noted(text), near)
    leader_noted = re.search(r"^  query \d+, most attended:", text, re.M)
    assert ("Note:" in text) == bool(near or leader_noted)


def test_the_review_heads_print_their_own_sums():
    text = run(*argv(REVIEW_HEADS[0]))[1]
    assert "sum = 0.421 + 0.866 + 4.753 + 1.260 = 7.300" in text
    assert "sum = 1.781 + 3.773 + 0.315 + 4.235 = 10.104" in text
    assert "exp(7.4953) = 1799.565" in run(*argv(REVIEW_HEADS[1]))[1]
    # Output 1.655 worked from the printed weights: on the half, and the note says where.
    assert ("query 2, step 5 (weighted sum): output component 2 = 1.655000, exactly half-way between 1.65 and 1.66; "
            "printed 1.66 (halves go to the even digit)") in text


def test_a_leader_the_printed_weights_cannot_show_is_noted():
    # Scores 0 and 0.0001 both print as 0.00, so the chain's weights tie at 0.500; unrounded
    # the second key leads (e^0.0001 > e^0).
    code, text, err = run("--query", "1", "--keys", "0;0.0001", "--values", "1;2")
    assert code == 0 and "Most attended: k1 and k2 (tie), weight 0.500" in text
    assert "query 1, most attended: the printed weights put k1 and k2 on top; unrounded, k2" in text
    assert json.loads(run("--query", "1", "--keys", "0;0.0001", "--values", "1;2", "--json")[1])["most_attended"] == [1]


def test_typed_heads_meet_halves_often_enough_to_test_the_note():
    # The check above would pass vacuously if no typed head ever landed near a half.
    hits = sum(bool(check_text(run(*argv(h))[1], h)[0]) for h in typed_heads(60, seed=8))
    assert hits >= 5


def test_a_head_whose_exponentials_all_print_as_zero_gets_one_line():
    code, out, err = run("--query", "10,10", "--keys=-10,-10;-10,-9", "--values", "1;2")
    assert code == 2 and out == "" and err.count("\n") == 1
    assert "query 1: every exponential prints as 0.000" in err
    assert run("--query", "10,10", "--keys=-10,-10;-10,-9", "--values", "1;2", "--json")[0] == 0


@pytest.mark.parametrize("seed", range(0, 400, 7))
def test_drawn_heads_are_their_own_hand_chain(seed):
    # A drawn head prints its display; by its guarantees the hand chain gives the same
    # digits, with no step near a half, at every size and difficulty.
    from generator.practice.steps import steps_of, worked_steps  # steps_of is new with the chain

    for options in ({}, {"difficulty": "challenge", "d_k": 3, "n_keys": 4}, {"d_k": 4, "n_keys": 2, "n_queries": 3}):
        problem = attention.draw(seed, **options)
        chain = attention.hand_chain(problem)
        assert chain.near == ()
        assert [v.text for v in steps_of(chain.display)] == [v.text for v in worked_steps(problem)]
        assert [v.most_attended for v in steps_of(chain.display)] == [v.most_attended for v in worked_steps(problem)]
