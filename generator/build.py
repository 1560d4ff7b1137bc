"""The pipeline: source -> lesson model -> numbers and figures -> exporters -> files.

Every output is staged inside the out dir and moved into place only when the
whole build succeeded (see staging.py), so a build that fails, is interrupted or
is killed leaves the previous outputs as they were.
"""
from __future__ import annotations

import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from . import anki
from .errors import BuildError
from .exercises import lesson_examples, template_context
from .figures.cache import FigureCache
from .faults import fault
from .figures.gallery import entries_from_notes, write_figure_files, write_gallery
from .html import to_html
from .notebook import notebook_bytes, to_notebook
from .source import read_lesson
from .staging import Transaction, check_out_dir
from .transform import transform
from .vendor import ensure_assets

ROOT = Path(__file__).resolve().parent.parent
RISE_CSS = Path(__file__).parent / "templates" / "rise" / "deck.css"


@dataclass
class Options:
    out: Path
    seed: int
    slides_dir: Path = ROOT / "slides"
    cards_dir: Path = ROOT / "cards"
    html: bool = True
    cards: bool = True
    vendor_cache: Path | None = None


def find_lessons(slides_dir: Path, names: list[str]) -> list[Path]:
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


def build_lesson(source: Path, options: Options, report: Report, tx: Transaction) -> list[Path]:
    started = time.perf_counter()
    lesson = read_lesson(source)
    fault("lesson")
    examples = lesson_examples(lesson)
    context = template_context(lesson, examples)
    cache = FigureCache(options.out / ".cache" / "figures")
    deck = transform(lesson, context, examples, cache)
    notebook = to_notebook(deck)
    nb_data = notebook_bytes(deck)
    outputs: list[tuple[Path, bytes, float]] = []
    slides = options.out / "slides"
    outputs.append((slides / f"{lesson.name}.ipynb", nb_data, time.perf_counter() - started))
    # jupyterlab-rise loads <notebook>.css from beside the deck: projection-sized type.
    outputs.append((slides / f"{lesson.name}.css", RISE_CSS.read_bytes(), 0.0))
    if options.html:
        t = time.perf_counter()
        html = to_html(notebook, ensure_assets(options.vendor_cache))
        outputs.append((slides / f"{lesson.name}.html", html.encode("utf-8"), time.perf_counter() - t))

    written: list[Path] = []
    if options.cards and anki.has_cards(lesson.name, options.cards_dir):
        # The deck writes its own file, into the transaction's staging folder.
        t = time.perf_counter()
        apkg = options.out / "cards" / f"{lesson.name}.apkg"
        fault("deck")
        deck_report = anki.build_deck(
            lesson.name, lesson.title, options.cards_dir, tx.staged(apkg), options.seed, options.out / ".cache" / "figures", replaces=apkg
        )
        report(apkg, time.perf_counter() - t)
        for warning in deck_report.warnings:
            print(f"warning: {warning}", file=sys.stderr)  # the warning names the package
        written.append(apkg)

    t = time.perf_counter()
    unique = list({(f.name, f.key): f for f in deck.figures}.values())
    figure_files = write_figure_files(unique, options.out / "figures" / lesson.name, tx.write, tx.remove)
    for path in figure_files:
        report(path, (time.perf_counter() - t) / max(len(figure_files), 1))
    written += figure_files
    for path, data, seconds in outputs:
        tx.write(path, data)
        report(path, seconds)
        written.append(path)
    return written


def build(names: list[str], options: Options, report: Report) -> list[Path]:
    sources = find_lessons(options.slides_dir, names)
    check_out_dir(options.out, [options.slides_dir, options.cards_dir])
    written: list[Path] = []
    with Transaction(options.out) as tx:
        for source in sources:
            written += build_lesson(source, options, report, tx)
        t = time.perf_counter()
        # The gallery lists every lesson's figures under OUT/figures, built now or before.
        gallery = options.out / "figures" / "index.html"
        write_gallery(entries_from_notes(tx.glob("figures/*/*.json"), tx.read, tx.exists), gallery, write=tx.write)
        report(gallery, time.perf_counter() - t)
    return written + [gallery]
