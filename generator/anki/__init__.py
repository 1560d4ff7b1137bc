"""Anki export: a lesson's flashcards and freshly drawn practice as one ``.apkg``.

Modules, one concept each:

* ``cards``      the flashcard source format and its parser;
* ``settings``   the practice settings file;
* ``markup``     card text -> field HTML;
* ``models``     the note types (frozen field lists, stable ids);
* ``flashcards`` flashcards -> basic and cloze notes;
* ``practice``   drawn exercises -> practice notes, with their figures;
* ``deck``       deck hierarchy, GUIDs, lesson order;
* ``package``    the ``.apkg`` writer (atomic, reproducible).

The pipeline (``generator.exporters.cards``) calls :func:`has_cards` and
:func:`package_lesson`; tools that want one deck file call :func:`build_deck`.
"""
from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from .. import collector
from ..errors import BuildError
from .cards import Flashcard, parse_cards
from .deck import MediaSource, NoteSpec, assemble
from .flashcards import flashcard_notes
from .package import Previous, apkg_bytes, write_apkg
from .settings import PracticeSettings, parse_settings
from ..model import Lesson
from ..stamp import build_mtime

__all__ = ["DeckReport", "build_deck", "package_lesson", "has_cards", "read_sources", "CARDS_SUFFIX", "PRACTICE_SUFFIX"]

CARDS_SUFFIX = ".cards"
PRACTICE_SUFFIX = ".practice.toml"


@dataclass(frozen=True)
class DeckReport:
    """What a build wrote, for the pipeline's summary and for tests."""

    path: Path
    notes: dict[str, int]  # note type name -> notes
    cards: int  # Anki cards (a cloze note gives one card per deletion)
    media: int  # media files in the package
    bytes: int
    mtime: int  # note modification time stamped on this build
    seed: int
    warnings: list[str] = field(default_factory=list)

    @property
    def total_notes(self) -> int:
        return sum(self.notes.values())


@dataclass(frozen=True)
class Sources:
    flashcards: list[Flashcard]
    practice: PracticeSettings


def _file_digest(path: Path) -> str:
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def _source_files(lesson: str, cards_dir: Path) -> list[Path]:
    if not cards_dir.is_dir():
        return []
    # Editor leftovers (backup~, .swp, #autosave#) are not sources.
    return sorted(
        # Not only regular files: a FIFO or folder named like a source is refused when read, not skipped.
        p for p in cards_dir.glob(f"{lesson}.*") if not p.name.endswith(("~", ".swp", "#"))
    )


def has_cards(lesson: str, cards_dir: Path) -> bool:
    """Whether ``cards_dir`` holds any card source for ``lesson``."""
    return bool(_source_files(lesson, Path(cards_dir)))


def read_sources(lesson: str, cards_dir: Path) -> Sources:
    cards: list[Flashcard] = []
    settings = PracticeSettings()
    for path in _source_files(lesson, Path(cards_dir)):
        suffix = path.name[len(lesson):]
        if suffix == CARDS_SUFFIX:
            cards = parse_cards(path)
        elif suffix == PRACTICE_SUFFIX:
            settings = parse_settings(path)
        else:
            # A misspelt suffix would otherwise drop a whole file of cards silently.
            raise BuildError(
                f"unknown card source {path.name!r} (expected {lesson}{CARDS_SUFFIX} or {lesson}{PRACTICE_SUFFIX})",
                path,
                None,
            )
    return Sources(cards, settings)


def lesson_notes(lesson: str, cards_dir: Path, seed: int) -> list[NoteSpec]:
    """Every note of the lesson: flashcards from ``cards_dir``, practice drawn from ``seed``."""
    from .kinds import practice_notes  # imports numpy only when a deck is built

    sources = read_sources(lesson, Path(cards_dir))
    notes: list[NoteSpec] = flashcard_notes(lesson, sources.flashcards)
    notes += practice_notes(lesson, sources.practice, seed)
    return notes


def package_lesson(lesson: Lesson, cards_dir: Path, seed: int, mtime: int, previous: Path) -> tuple[bytes, DeckReport]:
    """The pipeline's entry: the lesson's package as bytes, with its report.

    ``previous`` is where the package is about to be written, read only to warn
    when learners would not take the new notes.
    """
    with collector.paused():  # a deck's objects hold no cycles (collector.py)
        notes = lesson_notes(lesson.name, cards_dir, seed)
        decks, media = _placed(lesson.name, lesson.title, notes)
        data = apkg_bytes(decks, media, mtime)
    warnings = _stale_warnings(previous, mtime, Previous.at(previous), hashlib.sha256(data).hexdigest())
    return data, _report(previous, notes, decks, media, len(data), mtime, seed, warnings)


def build_deck(
    lesson: str,
    title: str,
    cards_dir: Path,
    out_path: Path,
    seed: int,
) -> DeckReport:
    """Read ``cards_dir/<lesson>.*``, draw practice from ``seed``, write ``out_path`` atomically.

    For tools and tests that want one deck without a lesson build (the
    benchmark's 10,000 notes are streamed to the file, never held in memory).
    Raises :class:`BuildError` (``file:line: message``) for a bad source; the
    previous ``out_path``, if any, is then left untouched.
    """
    with collector.paused():
        notes = lesson_notes(lesson, Path(cards_dir), seed)
        return write_notes(lesson, title, notes, Path(out_path), seed)


def _placed(lesson: str, title: str, notes: list[NoteSpec]) -> tuple[list, dict[str, MediaSource]]:
    media: dict[str, MediaSource] = {}
    for spec in notes:
        for name, source in spec.media.items():
            # Names carry a digest of the content, so one name is one file; only
            # two different payloads under one name would be a bug.
            if media.setdefault(name, source) != source:
                raise ValueError(f"two different media files are both named {name!r}")
    return assemble(lesson, title, notes), media


def _stale_warnings(path: Path, stamp: int, previous: Previous, new_digest: str) -> list[str]:
    """Warn when changed notes ship under a time Anki will not treat as newer."""
    if previous.data is None or previous.same_as(new_digest):
        return []
    old_stamp = previous.note_mtime()
    if old_stamp is None or old_stamp < stamp:
        return []
    return [
        f"{path}: notes carry modification time {stamp}, not later than the previous build's {old_stamp}; "
        "learners who imported that build will not get the changes (raise SOURCE_DATE_EPOCH or unset it)"
    ]


def _report(path: Path, notes: list[NoteSpec], decks: list, media: dict, size: int, stamp: int, seed: int, warnings: list[str]) -> DeckReport:
    counts = Counter(spec.note_type.full_name for spec in notes)
    cards = sum(len(note.cards) for deck in decks for note in deck.notes)
    return DeckReport(path, dict(counts), cards, len(media), size, stamp, seed, warnings)


def write_notes(lesson: str, title: str, notes: list[NoteSpec], out_path: Path, seed: int, mtime: int | None = None) -> DeckReport:
    """Place ``notes`` in the lesson's decks and write the package (also used by the benchmark)."""
    decks, media = _placed(lesson, title, notes)
    stamp = build_mtime() if mtime is None else mtime
    previous = Previous.at(out_path)
    size = write_apkg(out_path, decks, media, stamp)
    warnings = _stale_warnings(out_path, stamp, previous, _file_digest(out_path))
    return _report(out_path, notes, decks, media, size, stamp, seed, warnings)
