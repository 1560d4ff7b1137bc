"""seeds.below takes one raw word as ``integers`` does: the same number, the stream left in
the same place, and the modulo of that word (the definition in ``integers``' docstring)."""
from __future__ import annotations

import numpy as np
import pytest

from generator.errors import ParameterError
from generator.practice import seeds

SIZES = [1, 2, 3, 7, 8, 10, 25, 97, 1000, 2**31 - 1, 2**32 + 15, 2**53 + 1, 2**63]


@pytest.mark.parametrize("n", SIZES)
def test_below_is_one_raw_word_modulo_n(n):
    fast, plain, raw = (np.random.PCG64(2024 + n % 1000) for _ in range(3))
    for _ in range(200):
        got = seeds.below(fast, n)
        assert type(got) is int and 0 <= got < n
        assert got == int(seeds.integers(plain, 0, n - 1, 1)[0])
        assert got == int(raw.random_raw(1)[0]) % n  # Python ints: no uint64 arithmetic to share
    # Every stream has taken the same words: the next one is the same.
    assert fast.random_raw() == plain.random_raw() == raw.random_raw()


def test_below_takes_numpy_sizes_and_rejects_empty_ranges():
    bits, plain = np.random.PCG64(7), np.random.PCG64(7)
    assert seeds.below(bits, np.int64(6)) == int(seeds.integers(plain, 0, 5, 1)[0])
    with pytest.raises(ParameterError):
        seeds.below(bits, 0)


@pytest.mark.parametrize("shape", [5, np.int64(5), (2, 3), (0,), (3, 0)])
def test_integers_shapes(shape):
    bits, raw = np.random.PCG64(11), np.random.PCG64(11)
    got = seeds.integers(bits, -2, 2, shape)
    want = np.array([int(w) % 5 - 2 for w in raw.random_raw(int(np.prod(shape)))], dtype=np.int64)
    assert got.dtype == np.int64 and got.shape == np.empty(shape).shape
    assert got.ravel().tolist() == want.tolist()
