"""Flashcards as written in ``cards/<lesson>.cards`` -> basic and cloze notes."""
from __future__ import annotations

from collections.abc import Sequence

from .cards import Flashcard
from .deck import NoteSpec, note_guid
from .markup import to_html
from .models import BASIC, CLOZE


def flashcard_notes(lesson: str, cards: Sequence[Flashcard]) -> list[NoteSpec]:
    notes = []
    for card in cards:
        # The Key field repeats the card key so a learner (or a bug report) can
        # point at the source card; it is also what a GUID was derived from.
        key = f"{lesson}/{card.key}"
        if card.kind == "cloze":
            fields = {"Text": to_html(card.fields["cloze"]), "Extra": to_html(card.fields.get("extra", "")), "Key": key}
            note_type = CLOZE
        else:
            fields = {"Front": to_html(card.fields["front"]), "Back": to_html(card.fields["back"]), "Key": key}
            note_type = BASIC
        notes.append(NoteSpec(note_type, fields, note_guid(lesson, card.key), "flashcards", card.tags))
    return notes
