"""What every exporter is given: the build's options and one lesson's context."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .model import Lesson

if TYPE_CHECKING:
    import nbformat

    from .figures.cache import FigureCache
    from .practice.attention import Problem
    from .transform import Deck

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Options:
    """One build's settings, the same for every lesson."""

    out: Path
    seed: int  # the build's seed: every number the build draws comes from it
    mtime: int  # time stamped on outputs that record one (see generator.stamp)
    slides_dir: Path = ROOT / "slides"
    cards_dir: Path = ROOT / "cards"
    skip: frozenset[str] = frozenset()  # exporter names left out (--no-<name>)
    vendor_cache: Path | None = None
    execute: bool = True  # run the code cells so the HTML shows their outputs (--no-execute)
    # Values of the options exporters declare (generator.exporters.Flag), by dest name.
    flags: Mapping[str, Any] = field(default_factory=dict)


@dataclass
class Context:
    """One lesson as the exporters see it.

    ``examples`` are the problems the lesson names in its front matter
    (``worked_example: {seed: ...}``): they keep their own seeds, so the slides
    show the same head whatever ``--seed`` is; everything else is drawn from
    ``seed``. The rendered deck and its notebook are made once, by the first
    exporter that asks.
    """

    lesson: Lesson
    cache: FigureCache  # the build's one figure cache
    seed: int
    options: Options
    examples: dict[str, Problem] = field(default_factory=dict)

    @cached_property
    def deck(self) -> Deck:
        from .exercises import template_context
        from .transform import transform

        return transform(self.lesson, template_context(self.lesson, self.examples), self.examples, self.cache)

    @cached_property
    def notebook(self) -> nbformat.NotebookNode:
        from .notebook import to_notebook

        return to_notebook(self.deck)
