"""How often drawn attention heads repeat: the number behind "fresh practice".

A learner who meets the same weights again recognises the answer instead of computing
it, so the deck's promise of new numbers is measured here: among heads drawn from
seeds 0..n-1, the share whose weight set (order ignored, as displayed) was already seen.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from generator.practice import attention

# The bounds the engine is held to (issue 11), per difficulty, for 100 seeds.
MAX_REPEAT_RATE = {"standard": 0.20, "challenge": 0.05}


@dataclass(frozen=True)
class Variety:
    n: int
    repeat_rate: float  # share of heads whose weight set was seen at a lower seed
    distinct_exp: int  # distinct displayed exponentials over all heads
    top4_exp_share: float  # share of all displayed exponentials taken by the four most common
    leads: tuple[float, ...]  # displayed top weight minus runner-up, one per head, sorted


def measure(level: attention.Level | str = "standard", n: int = 100, key: str = "attention") -> Variety:
    lv = attention.LEVELS[level] if isinstance(level, str) else level
    seen: set[tuple[str, ...]] = set()
    repeats = 0
    exps: Counter[str] = Counter()
    leads = []
    for seed in range(n):
        shown = attention.rounded(attention.draw(seed, key=key, level=lv))
        # One query per drawn head: row 0 of each per-query step.
        weights = tuple(sorted(shown.text["weights"][0]))
        repeats += weights in seen
        seen.add(weights)
        exps.update(shown.text["exp"][0])
        top = sorted(shown.weights[0])
        leads.append(round(top[-1] - top[-2], 3))
    total = sum(exps.values())
    top4 = sum(c for _, c in exps.most_common(4))
    return Variety(n, repeats / n, len(exps), top4 / total, tuple(sorted(leads)))
