"""Checks shared by the drawing functions and the registry.

Drawing functions are called directly too (the Anki exporter does), so each one
validates its own arguments; the registry converts strings and then relies on the
same checks, which keeps every allowed range written down exactly once.
"""
from __future__ import annotations

from collections.abc import Sequence

from ..errors import ParameterError
from ..limits import check_int  # noqa: F401  (the one integer check, re-exported for the figures)


def check_choice(name: str, value: object, choices: Sequence[str]) -> str:
    if value not in choices:
        raise ParameterError(f"{name} must be one of {', '.join(choices)}, got {value!r}", name)
    return str(value)
