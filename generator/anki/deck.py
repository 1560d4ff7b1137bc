"""The lesson's deck hierarchy and the notes placed in it.

Anki's importer matches decks by *name* (it does not keep deck ids), so names
are derived from the lesson stem alone and must stay stable: renaming a deck
makes re-imported cards land in a new one. Note GUIDs come from lesson, card key
and variant index only, never from the numbers on the card, which is what lets
a new build's fresh numbers update the same notes in place.
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

import genanki

from .models import NoteType, stable_id

TRACK = "Vision"
Section = Literal["flashcards", "practice"]
# A media file's bytes (card figures are small SVGs, held in memory until the package is written).
MediaSource = bytes
SECTION_NAMES: dict[Section, str] = {"flashcards": "Flashcards", "practice": "Practice"}


@dataclass(frozen=True)
class NoteSpec:
    """One note, ready to be placed: fields by name, not yet ordered for genanki."""

    note_type: NoteType
    fields: dict[str, str]
    guid: str
    section: Section
    tags: tuple[str, ...] = ()
    media: dict[str, MediaSource] = field(default_factory=dict)  # flat name -> content, referenced by a field

    def field_list(self) -> list[str]:
        missing = [name for name in self.note_type.fields if name not in self.fields]
        extra = [name for name in self.fields if name not in self.note_type.fields]
        if missing or extra:
            # A programming error, not a source error: the note builders and the
            # frozen field lists disagree.
            raise ValueError(f"{self.note_type.name}: missing fields {missing}, unknown fields {extra}")
        return [self.fields[name] for name in self.note_type.fields]


class Note(genanki.Note):
    """genanki's note, with its check for unescaped HTML in linear time.

    genanki warns about a ``<`` that does not open a tag; its pattern decides what opens
    one with a greedy ``.*`` inside a look-ahead, which scans to the line's end and back for
    every tag. Our fields are single lines (a pooled note's run to tens of KB), so that
    check took most of a pooled deck's collection (3 of 3.5 s for 1,000 notes with pools
    of 20). A look-ahead asks only whether a match exists, and `` .*>`` and `` .*?>`` exist
    together (a ``>`` later on the line), so the lazy pattern finds the very same tags.
    """

    _INVALID_HTML_TAG_RE = re.compile(r"<(?!/?[a-zA-Z0-9]+(?: .*?|/?)>|!--|!\[CDATA\[)(?:.|\n)*?>")


class PracticeNote(Note):
    """A practice note, whose fields genanki's check for unescaped HTML has nothing to find
    in: every one is written by our templates, which escape each text they are given, but
    ``Key`` (``<lesson>/<kind>/<nn>``), and a lesson's name holds no markup (``build.py``
    refuses such a file name). The check runs over generated practice decks in the tests
    (tests/test_anki_package.py) instead of on every build, where it was a fifth of a
    1,000-note deck's serial packaging (28-33 ms, once the notes were built on two cores).
    Flashcards, whose fields an author writes, keep it."""

    @classmethod
    def _find_invalid_html_tags_in_field(cls, field: str) -> list[str]:
        return []


def note_guid(lesson: str, card_key: str, variant: int = 0) -> str:
    """The note's identity in every learner's collection."""
    return genanki.guid_for(lesson, card_key, variant)


def root_name(lesson: str) -> str:
    """``07-sequence-tools`` -> ``Vision::07 Sequence tools``."""
    match = re.fullmatch(r"(\d+)-(.+)", lesson)
    number, words = (match.group(1), match.group(2)) if match else ("", lesson)
    label = words.replace("-", " ").strip().capitalize()
    return f"{TRACK}::{number} {label}".rstrip() if number else f"{TRACK}::{label}"


def deck_name(lesson: str, section: Section) -> str:
    return f"{root_name(lesson)}::{SECTION_NAMES[section]}"


def deck_id(name: str) -> int:
    return stable_id("deck", name)


def lesson_tag(lesson: str) -> str:
    return f"lesson::{lesson}"


def assemble(lesson: str, title: str, notes: Sequence[NoteSpec]) -> list[genanki.Deck]:
    """Place notes in their decks, with ``due`` following the order given.

    genanki writes ``due = 0`` for every new card, so Anki would show them in
    arbitrary order; the position in ``notes`` is the lesson order (flashcards
    as written, then practice), and the importer keeps that relative order.
    """
    root = genanki.Deck(deck_id(root_name(lesson)), root_name(lesson), description=title)
    decks: dict[Section, genanki.Deck] = {
        section: genanki.Deck(deck_id(deck_name(lesson, section)), deck_name(lesson, section), description=f"{title}: {label.lower()}")
        for section, label in SECTION_NAMES.items()
    }
    seen: dict[str, int] = {}
    for position, spec in enumerate(notes, start=1):
        if spec.guid in seen:
            raise ValueError(f"two notes share GUID {spec.guid!r} (positions {seen[spec.guid]} and {position})")
        seen[spec.guid] = position
        tags = [lesson_tag(lesson), *(t for t in spec.tags if t != lesson_tag(lesson))]
        decks[spec.section].add_note(
            (PracticeNote if spec.section == "practice" else Note)(
                model=spec.note_type.model(), fields=spec.field_list(), tags=tags, guid=spec.guid, due=position)
        )
    # Sub-decks with no notes would show up empty in the learner's list.
    return [root, *(deck for deck in decks.values() if deck.notes)]
