"""The pipeline: source -> lesson model -> numbers and figures -> exporters -> files.

Every exporter returns its files in memory; they are written together, in one
call, only once every lesson has been exported: staged inside the out dir and
moved into place only when the whole build succeeded (see staging.py), so a
build that fails, is interrupted or is killed leaves the previous outputs as
they were.
"""
from __future__ import annotations

import re
import sys
import time
from collections.abc import Callable
from pathlib import Path

from .context import Context, Options
from .errors import BuildError
from .exercises import lesson_examples
from .exporters import EXPORTERS
from .faults import fault
from .figures.cache import FigureCache
from .files import write_files
from .isolation import isolated
from .source import read_lesson
from .staging import Transaction, check_out_dir
# The lesson's deck is rendered in the figures' child and unpickled here, which imports its
# module (and jinja2) in this process anyway: imported first, the child inherits it.
from . import transform  # noqa: F401

__all__ = ["Options", "build", "find_lessons"]


# A lesson's file stem names its outputs, its Anki decks, every note's Key and its practice
# figures' media files: letters, digits, '_', '.' and '-', with single spaces between words.
# Markup (< > &), quotes, '%', '#' and the characters Windows refuses in file names (an
# Anki client there could not store the media) are not let in.
_LESSON_NAME = re.compile(r"\w[\w.-]*(?: [\w.-]+)*")


def find_lessons(slides_dir: Path, names: list[str]) -> list[Path]:
    return [_named(path) for path in _chosen(slides_dir, names)]


def _named(path: Path) -> Path:
    if not _LESSON_NAME.fullmatch(path.stem):
        raise BuildError("a lesson's file name may hold only letters, digits, '_', '.', '-' and single spaces "
                         "(it names the outputs, the Anki decks and the notes' keys)", path)
    return path


def _chosen(slides_dir: Path, names: list[str]) -> list[Path]:
    available = sorted(slides_dir.glob("*.md"))
    if not names:
        if not available:
            raise BuildError("no lesson sources (*.md) found", slides_dir)
        return available
    chosen = []
    for name in names:
        stem = Path(name).stem if name.endswith(".md") else name
        matches = [p for p in available if p.stem == stem] or [p for p in available if p.stem.startswith(stem)]
        if len(matches) != 1:
            known = ", ".join(p.stem for p in available) or "none"
            problem = "is ambiguous" if matches else "is unknown"
            raise BuildError(f"lesson '{name}' {problem} (available: {known})", slides_dir)
        chosen.append(matches[0])
    return chosen


Report = Callable[[Path, float], None]


def build(names: list[str], options: Options, report: Report) -> list[Path]:
    """Export every chosen lesson with every exporter not skipped, then write it all."""
    exporters = [e for e in EXPORTERS if e.name not in options.skip]
    sources = find_lessons(options.slides_dir, names)
    check_out_dir(options.out, [options.slides_dir, options.cards_dir])
    files: dict[str, bytes | None] = {}
    seconds: dict[str, float] = {}
    # Opened first: it finishes or undoes a killed build's moves before any
    # exporter reads the previous outputs (the old package, the figure folders).
    with Transaction(options.out) as tx:
        cache = FigureCache(options.out / ".cache" / "figures")
        for source in sources:
            started = time.perf_counter()
            lesson = read_lesson(source)
            fault("lesson")
            ctx = Context(lesson, cache, options.seed, options, lesson_examples(lesson))
            # Drawn in a child (generator.isolation): matplotlib leaves with it. The deck
            # comes back with its figures' bytes; every exporter then reads it from ctx.
            ctx.deck = isolated(lambda: ctx.deck, ("matplotlib",))
            for exporter in exporters:
                fault(f"export:{exporter.name}")
                export = exporter.export(ctx)
                # The first exporter also pays for reading the lesson and drawing its figures.
                _timed(export.files, time.perf_counter() - started, files, seconds)
                for warning in export.warnings:
                    print(f"warning: {warning}", file=sys.stderr)
                started = time.perf_counter()
        for exporter in exporters:
            started = time.perf_counter()
            _timed(exporter.finish(options.out, files), time.perf_counter() - started, files, seconds)
        written = write_files(options.out, files, tx)
    for path, rel in zip(written, files):
        if files[rel] is not None:
            report(path, seconds[rel])
    return [path for path, rel in zip(written, files) if files[rel] is not None]


def _timed(new: dict[str, bytes | None], spent: float, files: dict, seconds: dict) -> None:
    """Add ``new`` to the build's files, sharing ``spent`` seconds among them."""
    for rel, data in new.items():
        files[rel] = data
        seconds[rel] = spent / max(len(new), 1)
