"""An independent reference for one attention head, shared by the practice tests.

Nothing here imports the practice engine. The head is computed with plain loops and
``math`` (a log-sum-exp softmax, ``math.fsum`` sums); display rounding uses ``decimal``
on the exact binary value of each float, a different route from the engine's
``round``/``format``. The tests at the bottom check the reference itself against facts
that follow from the definitions, so a wrong reference cannot pass silently.
"""
from __future__ import annotations

import math
from decimal import ROUND_HALF_DOWN, ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal, localcontext

# The documented display rule (module docstring of generator.practice.attention),
# written out here rather than read from the code under test.
DECIMALS = {"scores": 2, "scaled": 4, "exp": 3, "exp_sum": 3, "weights": 3, "output": 2}

# The documented difficulty levels.
SPEC = {
    "standard": {"grid": Decimal("0.1"), "span": Decimal("2"), "value_span": 3, "margin": Decimal("0.15"), "max_lead": None},
    "challenge": {"grid": Decimal("0.1"), "span": Decimal("1.5"), "value_span": 5, "margin": Decimal("0.05"),
                  "max_lead": Decimal("0.35")},
}


def ref_head(queries: list[list[float]], keys: list[list[float]], values: list[list[float]]) -> list[dict]:
    """Every step of the head, one dict per query, by loops."""
    d_k = len(keys[0])
    root = math.sqrt(d_k)
    out = []
    for q in queries:
        scores = [math.fsum(a * b for a, b in zip(q, k)) for k in keys]
        scaled = [s / root for s in scores]
        exps = [math.exp(x) for x in scaled]
        top = max(scaled)
        log_sum = top + math.log(math.fsum(math.exp(x - top) for x in scaled))
        weights = [math.exp(x - log_sum) for x in scaled]
        output = [math.fsum(w * v[j] for w, v in zip(weights, values)) for j in range(len(values[0]))]
        out.append({
            "scores": scores, "scaled": scaled, "exp": exps, "exp_sum": math.fsum(exps),
            "weights": weights, "output": output,
        })
    return out


def ref_softmax(xs: list[float]) -> list[float]:
    top = max(xs)
    log_sum = top + math.log(math.fsum(math.exp(x - top) for x in xs))
    return [math.exp(x - log_sum) for x in xs]


def dec(x: float, places: int) -> Decimal:
    """``x`` rounded half-to-even at ``places`` decimals, from its exact binary value."""
    d = Decimal(x).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_EVEN)
    return d + 0  # turns -0.00 into 0.00


def dec_text(x: float, places: int) -> str:
    return str(dec(x, places))


def half_unit(places: int) -> Decimal:
    return Decimal(5).scaleb(-places - 1)


# A learner's calculator: this many significant digits, its last one rounded.
CALCULATOR_DIGITS = 10


def learner_chain(text: dict, j: int, root: str | None = None) -> dict[str, list[Decimal]]:
    """Query ``j``'s steps as a learner works them, each from the printed digits of the
    step before, to 40 significant digits (sums and products of printed numbers exact).
    ``root``: the square root of d_k as the card prints it, for a learner who divides by
    that instead of the exact root."""
    q_t, k_t, v_t = as_rows(text["query"])[j], text["keys"], text["values"]
    s_t, sc_t = as_rows(text["scores"])[j], as_rows(text["scaled"])[j]
    e_t, w_t = as_rows(text["exp"])[j], as_rows(text["weights"])[j]
    total = text["exp_sum"][j] if isinstance(text["exp_sum"], list) else text["exp_sum"]
    with localcontext() as ctx:
        ctx.prec = 40
        root = Decimal(len(k_t[0])).sqrt() if root is None else Decimal(root)
        return {
            "scores": [sum(Decimal(a) * Decimal(b) for a, b in zip(q_t, k)) for k in k_t],
            "scaled": [Decimal(s) / root for s in s_t],
            "exp": [Decimal(s).exp() for s in sc_t],
            "exp_sum": [sum(Decimal(e) for e in e_t)],
            "weights": [Decimal(e) / Decimal(total) for e in e_t],
            "output": [sum(Decimal(w) * Decimal(v[c]) for w, v in zip(w_t, v_t)) for c in range(len(v_t[0]))],
        }


def learner_readings(x: Decimal, places: int) -> set[str]:
    """Every answer a learner may write for ``x`` at ``places`` decimals: halves rounded
    up, down or to even, from ``x`` itself or from a calculator's CALCULATOR_DIGITS
    significant digits. One answer when ``x`` is clear of a tie; two or more on a tie."""
    unit = Decimal(1).scaleb(-places)
    shown = x.quantize(Decimal(1).scaleb(x.adjusted() - CALCULATOR_DIGITS + 1), rounding=ROUND_HALF_EVEN) if x else x
    return {str(y.quantize(unit, rounding=rule) + 0)
            for y in (x, shown) for rule in (ROUND_HALF_UP, ROUND_HALF_DOWN, ROUND_HALF_EVEN)}


def as_rows(value):
    """A flat list (one query) as a list with one row; rows stay rows."""
    return value if value and isinstance(value[0], list) else [value]


# --- the reference checks itself ---------------------------------------------


def test_softmax_of_known_logits():
    # softmax(0, ln 3) = (1/4, 3/4) by definition.
    w = ref_softmax([0.0, math.log(3.0)])
    assert abs(w[0] - 0.25) < 1e-15 and abs(w[1] - 0.75) < 1e-15


def test_softmax_is_stable_for_huge_logits():
    w = ref_softmax([1000.0, 1000.0 + math.log(3.0)])
    assert abs(w[0] - 0.25) < 1e-12 and abs(w[1] - 0.75) < 1e-12


def test_head_by_hand():
    # q = (1, 0), keys (1, 0) and (0, 1): scores 1 and 0, scaled 1/sqrt 2 and 0.
    (h,) = ref_head([[1.0, 0.0]], [[1.0, 0.0], [0.0, 1.0]], [[2.0, 0.0], [0.0, 2.0]])
    assert h["scores"] == [1.0, 0.0]
    assert abs(h["scaled"][0] - 2**-0.5) < 1e-15
    e = math.exp(2**-0.5)
    assert abs(h["weights"][0] - e / (e + 1)) < 1e-15
    assert abs(h["output"][0] - 2 * e / (e + 1)) < 1e-14
    assert abs(h["output"][1] - 2 / (e + 1)) < 1e-14


def test_a_learner_on_a_tie_has_two_answers_and_one_clear_of_it_has_one():
    assert learner_readings(Decimal("1.275"), 2) == {"1.27", "1.28"}
    assert learner_readings(Decimal("-0.415"), 2) == {"-0.41", "-0.42"}
    assert learner_readings(Decimal("1.276"), 2) == {"1.28"}
    # A hair under the tie: the exact number says 2.345, a 10-digit calculator 2.346.
    assert learner_readings(Decimal("2.34549999999999"), 3) == {"2.345", "2.346"}
    assert learner_readings(Decimal("-0.0049"), 2) == {"0.00"}  # never "-0.00"
    # The chain of a head printed by hand: scores 1, 0.5 (d_k = 4), exps of 0.5 and 0.25.
    text = {"query": [["1", "1", "0", "0"]], "keys": [["1", "0", "0", "0"], ["0.5", "0", "0", "0"]],
            "values": [["1", "0", "0", "0"], ["0", "3", "0", "0"]], "scores": [["1.00", "0.50"]],
            "scaled": [["0.5000", "0.2500"]], "exp": [["1.649", "1.284"]], "exp_sum": ["2.933"],
            "weights": [["0.562", "0.438"]], "output": [["0.56", "1.31", "0.00", "0.00"]]}
    chain = learner_chain(text, 0)
    assert chain["scores"] == [1, Decimal("0.5")] and chain["scaled"] == [Decimal("0.5"), Decimal("0.25")]
    assert str(chain["exp"][0])[:12] == "1.6487212707" and chain["exp_sum"] == [Decimal("2.933")]
    assert chain["output"] == [Decimal("0.562"), Decimal("1.314"), 0, 0]
    assert abs(chain["weights"][0] * Decimal("2.933") - Decimal("1.649")) < Decimal("1e-35")


def test_decimal_rounding_is_half_even_on_the_binary_value():
    assert dec_text(0.125, 2) == "0.12"  # an exact tie goes to even
    assert dec_text(0.375, 2) == "0.38"
    assert dec_text(2.675, 2) == "2.67"  # 2.675 is stored just below 2.675
    assert dec_text(-0.0001, 2) == "0.00"
    assert dec_text(1.0, 3) == "1.000"
