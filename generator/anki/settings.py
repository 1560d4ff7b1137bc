"""Read the practice settings (``cards/<lesson>.practice.toml``).

Only *how much* practice and *how hard* live here; the numbers themselves are
drawn from the build's ``--seed`` so each build gives learners fresh problems on
the same notes. Which tables and keys exist comes from the table of practice
kinds (``kinds.KINDS``). Every table and key is checked so that a typo is an
error at its line rather than a setting silently ignored.
"""
from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import limits
from ..errors import BuildError
from ..textfile import read_source
from .kinds import KINDS, Kind

MAX_VARIANTS = 10_000  # a sanity bound: above it a typo (an extra zero) is likelier than intent; the benchmark builds 10,000
POOL = 20  # problems per note when a table leaves "pool" out: a new one each day for 20 days


@dataclass(frozen=True)
class KindSettings:
    """One kind's settings: ``variants``, ``pool`` and the kind's own keys, read as attributes."""

    variants: int
    values: Mapping[str, Any] = field(default_factory=dict)
    line: int = 0  # where the table starts, for errors raised when drawing
    pool: int = POOL  # problems per note; a card shows one a day

    def __getattr__(self, name: str) -> Any:
        values = self.__dict__.get("values", {})
        if name in values:
            return values[name]
        raise AttributeError(name)


def _defaults(kind: Kind, variants: int) -> KindSettings:
    return KindSettings(variants, {s.name: s.default for s in kind.settings})


@dataclass(frozen=True)
class PracticeSettings:
    path: Path | None = None
    kinds: Mapping[str, KindSettings] = field(default_factory=dict)

    def of(self, key: str) -> KindSettings:
        """A kind's settings; a table left out means no practice of that kind."""
        if key in self.kinds:
            return self.kinds[key]
        return _defaults(next(k for k in KINDS if k.key == key), 0)

    def __getattr__(self, name: str) -> KindSettings:
        if any(k.key == name for k in KINDS):
            return self.of(name)
        raise AttributeError(name)


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

    by_key = {k.key: k for k in KINDS}
    kinds: dict[str, KindSettings] = {}
    for table, value in data.items():
        if table not in by_key:
            raise fail(f"unknown practice kind [{table}] (known: {', '.join(by_key)})", table)
        if not isinstance(value, dict):
            raise BuildError(f"{table!r} must be a table such as [{table}]", path, _first_line(text, table))
        kind = by_key[table]
        schema = {"variants": int, "pool": int, **{s.name: s.type for s in kind.settings}}
        for key, item in value.items():
            expected = schema.get(key)
            if expected is None:
                raise fail(f"unknown setting {key!r} in [{table}] (known: {', '.join(schema)})", table, key)
            # bool is an int subclass in Python; "variants = true" is a typo, not 1.
            if not isinstance(item, expected) or isinstance(item, bool):
                raise fail(f"[{table}] {key} must be {expected.__name__}, not {type(item).__name__}", table, key)
        variants = value.get("variants", kind.variants)
        if not 0 <= variants <= MAX_VARIANTS:
            raise fail(f"[{table}] variants must be between 0 and {MAX_VARIANTS}, not {variants}", table, "variants")
        pool = value.get("pool", POOL)
        if not limits.POOL[0] <= pool <= limits.POOL[1]:
            raise fail(f"[{table}] pool must be between {limits.POOL[0]} and {limits.POOL[1]}, not {pool}", table, "pool")
        values = {}
        for setting in kind.settings:
            item = value.get(setting.name, setting.default)
            if setting.type is list:
                if not all(isinstance(x, str) for x in item):
                    raise fail(f"[{table}] {setting.name} must be a list of strings", table, setting.name)
                known = setting.choices() if setting.choices else None
                unknown = [x for x in item if known is not None and x not in known]
                if unknown:
                    raise fail(f"[{table}] {setting.name}: unknown kind {unknown[0]!r} (known: {', '.join(known)})",
                               table, setting.name)
                item = tuple(item)
            values[setting.name] = item
        kinds[table] = KindSettings(variants, values, _line_of(text, table), pool)
    return PracticeSettings(path=path, kinds=kinds)


def key_line(settings: PracticeSettings, table: str, key: str) -> int:
    """Line of one setting, for errors found later (when the generator rejects a value)."""
    if settings.path is None:
        return 0
    return _line_of(read_source(settings.path, "practice settings"), table, key)
