"""Reproducible random streams for practice problems.

Every drawn exercise comes from a stream named by ``(seed, key, variant)``:

* ``seed`` is the number printed by the build (or chosen by the author);
* ``key`` names the exercise ("attention", "matching", "worked-example", ...);
* ``variant`` numbers the copies of one exercise within a set.

The stream is ``PCG64(SeedSequence(entropy=[seed, sha256(key)], spawn_key=(variant,)))``.
Variant k therefore depends on (seed, key, k) only: asking for more variants never
changes the earlier ones, and two exercises with different keys never share numbers.

Why not ``numpy.random.Generator.integers``: numpy promises stable raw bit streams
for its bit generators, but not stable *distribution* methods across releases. We
map raw 64-bit words to integers ourselves, so a seed gives the same problem on
every machine and every numpy version that keeps PCG64 and SeedSequence as they are.
Python's ``hash()`` is never used: it is salted per process for strings.
"""
from __future__ import annotations

import hashlib
import math
from typing import Sequence, TypeVar

import numpy as np

from generator import limits
from generator.errors import ParameterError

T = TypeVar("T")

# The ranges live in generator.limits, shared with the CLI, the figure registry
# and the settings; the limits here are one past their ends.
SEED_LIMIT = limits.SEED[1] + 1
VARIANT_LIMIT = limits.VARIANT[1] + 1


def check_seed(seed: object) -> int:
    """Return ``seed`` as an int if it is in ``limits.SEED``, else raise ParameterError."""
    return limits.check_int("seed", seed, *limits.SEED)


def check_variant(variant: object) -> int:
    """Return ``variant`` as an int if it is in ``limits.VARIANT``, else raise ParameterError."""
    return limits.check_int("variant", variant, *limits.VARIANT)


def check_entry(entry: object) -> int:
    """Return ``entry`` as an int if it is a place in the largest pool (0 to POOL[1] - 1)."""
    return limits.check_int("entry", entry, 0, limits.POOL[1] - 1)


def check_key(key: object) -> str:
    """Return ``key`` if it is a non-empty string, else raise ParameterError."""
    if not isinstance(key, str) or not key:
        raise ParameterError(f"key must be a non-empty string, got {key!r}", "key")
    return key


def key_hash(key: str) -> int:
    """A 64-bit number for an exercise key, the same in every process and on every machine."""
    return int.from_bytes(hashlib.sha256(key.encode("utf-8")).digest()[:8], "little")


def stream(seed: int, key: str, variant: int = 0, entry: int = 0) -> np.random.PCG64:
    """The bit generator for variant ``variant`` of exercise ``key`` in seed ``seed``.

    ``entry`` numbers the problems in a note's pool (a card shows one per day). Entry 0
    keeps the stream a note always had, so it is the problem earlier builds showed; entry
    p > 0 is spawned below the variant, (variant, p), a stream of its own.
    """
    seed = check_seed(seed)
    key = check_key(key)
    variant = check_variant(variant)
    entry = check_entry(entry)
    spawn = (variant,) if entry == 0 else (variant, entry)
    return np.random.PCG64(np.random.SeedSequence([seed, key_hash(key)], spawn_key=spawn))


def integers(bits: np.random.PCG64, low: int, high: int, shape: int | tuple[int, ...]) -> np.ndarray:
    """Integers in [low, high] (both ends included) from raw 64-bit words.

    The modulo bias is below (high - low + 1) / 2**64, far under anything a learner
    or a test could notice for the small ranges used here.
    """
    if high < low:
        raise ParameterError(f"integer range must have low <= high, got [{low}, {high}]")
    count = int(shape) if isinstance(shape, (int, np.integer)) else math.prod(shape)
    raw = bits.random_raw(count) if count else np.zeros(0, dtype=np.uint64)
    width = np.uint64(high - low + 1)
    return (raw % width).astype(np.int64).reshape(shape) + low


def below(bits: np.random.PCG64, n: int) -> int:
    """One integer in [0, n): ``integers(bits, 0, n - 1, 1)[0]``, the same word taken."""
    if n < 1:
        return int(integers(bits, 0, n - 1, 1)[0])  # its error
    # One raw word as a Python int: drawing stays in step with ``integers``, without
    # the arrays (a reasoning draw takes thousands of these).
    return bits.random_raw() % int(n)


def shuffled(bits: np.random.PCG64, items: Sequence[T]) -> list[T]:
    """A shuffled copy (Fisher-Yates on our own integers, for the same reason as above)."""
    out = list(items)
    for i in range(len(out) - 1, 0, -1):
        j = below(bits, i + 1)
        out[i], out[j] = out[j], out[i]
    return out


def sample(bits: np.random.PCG64, items: Sequence[T], n: int) -> list[T]:
    """``n`` distinct items in random order."""
    return shuffled(bits, items)[:n]


def fresh_seed() -> int:
    """A new seed for a run without ``--seed`` (see ``generator.limits.fresh_seed``)."""
    return limits.fresh_seed()
