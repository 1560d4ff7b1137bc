"""Rounding and printing a number to a fixed count of decimals: one rule for every engine.

A stored float and its printed string must always agree, and no number prints as
"-0.00"; the attention head and the scalar RNN both display through these two.
"""
from __future__ import annotations


def round_to(x: float, decimals: int) -> float:
    # Python's round() is correctly rounded on the binary value, exactly like format(),
    # so the stored float and the printed string always agree. "+ 0.0" turns -0.0 into 0.0.
    return round(float(x), decimals) + 0.0


def fixed(value: float, decimals: int) -> str:
    """``value`` with exactly ``decimals`` decimals, never "-0.00"."""
    text = f"{float(value):.{decimals}f}"
    if text.startswith("-") and not text.strip("-0."):
        text = text[1:]
    return text


def fixed_many(values: list[float], decimals: int) -> list[str]:
    """``[fixed(v, decimals) for v in values]`` for floats, with one format spec for all
    (a deck prints tens of thousands: a call per number is most of their cost)."""
    spec = f".{decimals}f"
    texts = [format(v, spec) for v in values]
    # The only text a negative number rounds to that reads as zero (nan and inf keep theirs).
    minus_zero = "-" + format(0.0, spec)
    if minus_zero in texts:
        texts = [t[1:] if t == minus_zero else t for t in texts]
    return texts
