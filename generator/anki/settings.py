"""Read the practice settings (``cards/<lesson>.practice.toml``).

Only *how much* practice and *how hard* live here; the numbers themselves are
drawn from the build's ``--seed`` so each build gives learners fresh problems on
the same notes. Every table and key is checked so that a typo is an error at its
line rather than a setting silently ignored.
"""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import BuildError
from ..textfile import read_source

MAX_VARIANTS = 10_000  # a sanity bound: above it a typo (an extra zero) is likelier than intent; the benchmark builds 10,000


@dataclass(frozen=True)
class AttentionSettings:
    variants: int = 3
    difficulty: str = "standard"
    d_k: int = 2
    n_keys: int = 3
    n_queries: int = 1
    line: int = 0  # where the [attention] table starts, for errors raised when drawing


@dataclass(frozen=True)
class MatchingSettings:
    variants: int = 2
    n: int = 4
    line: int = 0


@dataclass(frozen=True)
class ReasoningSettings:
    variants: int = 2
    kinds: tuple[str, ...] = ()  # cycled through by variant index; empty: the generator picks
    line: int = 0


@dataclass(frozen=True)
class PracticeSettings:
    path: Path | None = None
    attention: AttentionSettings = field(default_factory=lambda: AttentionSettings(variants=0))
    matching: MatchingSettings = field(default_factory=lambda: MatchingSettings(variants=0))
    reasoning: ReasoningSettings = field(default_factory=lambda: ReasoningSettings(variants=0))


_SCHEMA: dict[str, dict[str, type]] = {
    "attention": {"variants": int, "difficulty": str, "d_k": int, "n_keys": int, "n_queries": int},
    "matching": {"variants": int, "n": int},
    "reasoning": {"variants": int, "kinds": list},
}


def _line_of(text: str, table: str, key: str | None = None) -> int:
    """The line of ``[table]`` or of ``key =`` inside it (tomllib keeps no positions)."""
    current = None
    for number, line in enumerate(text.splitlines(), start=1):
        header = re.match(r"\s*\[\s*([^\]]+?)\s*\]", line)
        if header:
            current = header.group(1)
            if key is None and current == table:
                return number
            continue
        if key is not None and current == table and re.match(rf"\s*{re.escape(key)}\s*=", line):
            return number
    return 1


def _first_line(text: str, name: str) -> int:
    """Line of ``[[name]]`` or ``name = ...``: a kind written as something other than a table."""
    pattern = re.compile(rf"\s*(\[\[\s*{re.escape(name)}\s*\]\]|{re.escape(name)}\s*=)")
    return next((n for n, line in enumerate(text.splitlines(), start=1) if pattern.match(line)), 1)


def parse_settings(path: Path) -> PracticeSettings:
    text = read_source(path, "practice settings")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        where = re.search(r"line (\d+)", str(exc))
        raise BuildError(f"not valid TOML: {exc}", path, int(where.group(1)) if where else 1) from None

    def fail(message: str, table: str, key: str | None = None) -> BuildError:
        return BuildError(message, path, _line_of(text, table, key))

    for table, value in data.items():
        if table not in _SCHEMA:
            raise fail(f"unknown practice kind [{table}] (known: {', '.join(_SCHEMA)})", table)
        if not isinstance(value, dict):
            raise BuildError(f"{table!r} must be a table such as [{table}]", path, _first_line(text, table))
        for key, item in value.items():
            expected = _SCHEMA[table].get(key)
            if expected is None:
                raise fail(f"unknown setting {key!r} in [{table}] (known: {', '.join(_SCHEMA[table])})", table, key)
            # bool is an int subclass in Python; "variants = true" is a typo, not 1.
            if not isinstance(item, expected) or isinstance(item, bool):
                raise fail(f"[{table}] {key} must be {expected.__name__}, not {type(item).__name__}", table, key)
        variants = value.get("variants")
        if variants is not None and not 0 <= variants <= MAX_VARIANTS:
            raise fail(f"[{table}] variants must be between 0 and {MAX_VARIANTS}, not {variants}", table, "variants")

    def table(name: str) -> tuple[dict[str, Any], int]:
        return dict(data.get(name, {})), _line_of(text, name) if name in data else 0

    attention, a_line = table("attention")
    matching, m_line = table("matching")
    reasoning, r_line = table("reasoning")
    kinds = reasoning.pop("kinds", [])
    if not all(isinstance(kind, str) for kind in kinds):
        raise fail("[reasoning] kinds must be a list of strings", "reasoning", "kinds")
    # Tables left out mean "no practice of that kind", not the defaults.
    return PracticeSettings(
        path=path,
        attention=AttentionSettings(**attention, line=a_line) if "attention" in data else AttentionSettings(0),
        matching=MatchingSettings(**matching, line=m_line) if "matching" in data else MatchingSettings(0),
        reasoning=ReasoningSettings(**reasoning, kinds=tuple(kinds), line=r_line)
        if "reasoning" in data
        else ReasoningSettings(0),
    )


def key_line(settings: PracticeSettings, table: str, key: str) -> int:
    """Line of one setting, for errors found later (when the generator rejects a value)."""
    if settings.path is None:
        return 0
    return _line_of(settings.path.read_text(encoding="utf-8"), table, key)
