"""Checks shared by the drawing functions and the registry.

Drawing functions are called directly too (the Anki exporter does), so each one
validates its own arguments; the registry converts strings and then relies on the
same checks, which keeps every allowed range written down exactly once.
"""
from __future__ import annotations

from collections.abc import Sequence

from ..errors import ParameterError


def check_int(name: str, value: object, low: int, high: int) -> int:
    """``value`` as an int in [low, high], or a ParameterError naming the range."""
    # bool is an int subclass; True as a step count is a bug, not a 1.
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ParameterError(f"{name} must be an integer from {low} to {high}, got {value!r}", name)
    return value


def check_choice(name: str, value: object, choices: Sequence[str]) -> str:
    if value not in choices:
        raise ParameterError(f"{name} must be one of {', '.join(choices)}, got {value!r}", name)
    return str(value)
