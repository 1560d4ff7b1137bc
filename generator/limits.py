"""The ranges every stage checks seeds and variants against, written once.

The practice engine defines them (``practice.seeds`` draws from any seed in
``SEED``); the command line, the figure registry and the practice settings take
the same numbers from here, so a seed the engine accepts is accepted, and
cached, everywhere.
"""
from __future__ import annotations

import numbers
import secrets

from .errors import ParameterError

SEED = (0, 2**63 - 1)  # fits a signed 64-bit integer in any tool that stores it
VARIANT = (0, 2**32 - 1)
# Problems in one practice note's pool (cards/<lesson>.practice.toml "pool"); every
# entry's HTML travels in the note's fields, so the top keeps a field small.
POOL = (1, 60)
# Fresh seeds (a build without --seed) are drawn from the start of the range:
# short enough to read out and type again.
FRESH_SEED_BELOW = 2**31


def check_int(name: str, value: object, low: int, high: int) -> int:
    """``value`` as an int in [low, high], or a ParameterError naming ``name`` and the range.

    The one integer check: the engine, the figures, the registry and the settings all
    call it, so every range is reported in the same words.
    """
    # bool is an int subclass; True as a step count is a bug, not a 1. numpy's integers
    # count as integers (they register as numbers.Integral).
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or not low <= value <= high:
        raise ParameterError(f"{name} must be an integer from {low} to {high}, got {value!r}", name)
    return int(value)


def fresh_seed() -> int:
    """A new seed for a run without one; the caller prints it so the run can be repeated.

    The only impure function of the pipeline, on purpose: everything downstream
    takes the seed as data.
    """
    return secrets.randbelow(FRESH_SEED_BELOW)
