"""The parsed lesson: what every later stage reads. Nothing here touches files."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

# RISE's slide types; "-" is a continuation of the current slide.
SLIDE_TYPES = ("slide", "subslide", "fragment", "-", "notes", "skip")

CellKind = Literal["markdown", "code"]


@dataclass
class DeckCell:
    """One cell of the deck, with the source line it started on (for errors)."""

    kind: CellKind
    source: str
    slide_type: str
    line: int

    def __post_init__(self) -> None:
        if self.slide_type not in SLIDE_TYPES:
            raise ValueError(f"invalid slide type {self.slide_type!r}")


@dataclass
class Lesson:
    """A lesson source after parsing: slide structure decided, text not yet rendered."""

    name: str  # file stem: the name outputs are written under
    path: Path
    title: str
    metadata: dict[str, Any]  # the `lesson:` block of the front matter
    cells: list[DeckCell] = field(default_factory=list)
    # Source line of each key of the `lesson:` block, for errors found in later stages.
    metadata_lines: dict[str, int] = field(default_factory=dict)

    @property
    def slide_count(self) -> int:
        """Horizontal slides plus subslides: what reveal.js shows as sections."""
        return sum(c.slide_type in ("slide", "subslide") for c in self.cells)
