"""Note types are frozen: their fields and ids are pinned here.

If one of these tests fails because you changed a field list, do not update the
pin: Anki would stop updating every learner's notes of that type. Make a new
note type instead (bump ``version`` in generator/anki/models.py), pin it here,
and add a migration note for learners to the README.
"""
from __future__ import annotations

import re

import genanki
import pytest

from generator.anki import models
from generator.anki.deck import deck_id, deck_name, note_guid, root_name
from generator.anki.models import HIDDEN_FIELDS, NOTE_TYPES, TEMPLATE_DIR, template_text

PINNED = {
    # key: (name, fields, model id)
    "basic": ("Vision lessons: basic", ("Front", "Back", "Key"), 1538230620),
    "cloze": ("Vision lessons: cloze", ("Text", "Extra", "Key"), 1136278387),
    "attention-practice": (
        "Vision lessons: attention practice",
        ("Key", "Task", "Inputs", "Steps", "Answer", "Hints", "Figure", "Data"),
        1349427943,
    ),
    "architecture-matching": (
        "Vision lessons: architecture matching",
        ("Key", "Task", "Tasks", "Architectures", "Answer", "Data"),
        1705365570,
    ),
    "attention-map-reasoning": (
        "Vision lessons: attention-map reasoning",
        ("Key", "Prompt", "Image", "Answer", "Explanation", "Data"),
        1213254629,
    ),
    "rnn-practice": (
        "Vision lessons: RNN practice",
        ("Key", "Task", "Inputs", "Steps", "Answer", "Hints", "Data"),
        1414945660,
    ),
    "sister-tracks": (
        "Vision lessons: where to go deeper",
        ("Key", "Task", "Questions", "Tracks", "Answer", "Data"),
        1491029712,
    ),
}

# Anki's own field references: {{Field}}, {{#Field}}, {{/Field}}, {{^Field}},
# {{filter:Field}}; and the special fields it fills itself.
_REFERENCE = re.compile(r"\{\{([#/^]?)((?:[a-z]+:)*)([^{}]+?)\}\}")
SPECIAL = {"FrontSide", "Deck", "Subdeck", "Tags", "Type", "Card", "CardFlag"}


def test_field_lists_names_and_ids_are_frozen():
    assert {t.key: (t.full_name, t.fields, t.model_id) for t in NOTE_TYPES} == PINNED


def test_every_practice_type_keeps_a_data_field():
    for note_type in (models.ATTENTION, models.MATCHING, models.REASONING, models.RNN, models.TRACKS):
        assert "Data" in note_type.fields


def test_the_newest_pinned_id_follows_the_documented_rule():
    # Recomputed here from the rule in models.stable_id's docstring, not by calling it.
    import hashlib

    digest = hashlib.sha256("\x1f".join(("seqvision-lessons", "model", "sister-tracks", "v1")).encode()).digest()
    assert PINNED["sister-tracks"][2] == (1 << 30) + int.from_bytes(digest[:8], "big") % (1 << 30)


def test_deck_names_and_ids_are_stable():
    lesson = "07-sequence-tools"
    assert root_name(lesson) == "Vision::07 Sequence tools"
    assert deck_name(lesson, "flashcards") == "Vision::07 Sequence tools::Flashcards"
    assert deck_name(lesson, "practice") == "Vision::07 Sequence tools::Practice"
    assert (deck_id(deck_name(lesson, "flashcards")), deck_id(deck_name(lesson, "practice"))) == (1330137227, 1772149433)


def test_guids_depend_on_lesson_key_and_variant_only():
    # Pinned: a change here would orphan every learner's notes.
    assert note_guid("07-sequence-tools", "attention", 0) == genanki.guid_for("07-sequence-tools", "attention", 0)
    guids = {note_guid(lesson, key, v) for lesson in ("07-a", "08-a") for key in ("attention", "matching") for v in range(3)}
    assert len(guids) == 12


@pytest.mark.parametrize("note_type", NOTE_TYPES, ids=lambda t: t.key)
def test_templates_only_reference_real_fields(note_type):
    """A '{{' that is not a field reference (MathJax such as x^{{2}}) builds and
    imports but renders "template has a problem"; catch it at the source."""
    fields = set(note_type.fields)
    for side in ("front", "back"):
        text = template_text(f"{note_type.template}.{side}.html")
        assert text.count("{{") == text.count("}}") == len(_REFERENCE.findall(text)), side
        for prefix, filters, name in _REFERENCE.findall(text):
            assert name in fields or (name in SPECIAL and not prefix), f"{side}: unknown field {name!r}"
            if "cloze:" in filters:
                assert note_type.cloze


@pytest.mark.parametrize("note_type", NOTE_TYPES, ids=lambda t: t.key)
def test_hidden_fields_are_shown_by_no_template(note_type):
    for side in ("front", "back"):
        names = {m[2] for m in _REFERENCE.findall(template_text(f"{note_type.template}.{side}.html"))}
        assert not names & set(HIDDEN_FIELDS)


def test_stylesheet_covers_night_mode_and_small_screens():
    css = (TEMPLATE_DIR / "style.css").read_text(encoding="utf-8")
    assert ".nightMode" in css and ".night_mode" in css
    assert re.search(r"@media \(max-width: \d+px\)", css)
