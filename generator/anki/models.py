"""The note types (Anki "models") every lesson deck uses.

Field lists are frozen. Anki's importer keeps a note type's id when a field is
added or renamed, but then treats it as a different schema: it creates an empty
copy ("Name+") and skips every note, so learners silently stop getting updates.
A change of fields is therefore a *new* note type: bump ``version`` (which
changes the id and the name) and tell learners in the README how to migrate.
Templates and CSS may change freely; the importer updates those in place.

Note types are shared by all lessons (their ids do not depend on the lesson) so
a learner has one "attention practice" type, not one per lesson.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cache

import genanki

from ..templating import template_path

TEMPLATE_DIR = template_path("anki")  # the card templates and their CSS

NAMESPACE = "seqvision-lessons"


def stable_id(*parts: str) -> int:
    """An id in [2**30, 2**31) from names only: the same names give the same id forever.

    genanki's docs suggest that range; staying inside 31 bits keeps the id a
    plain JSON number on every client.
    """
    digest = hashlib.sha256("\x1f".join((NAMESPACE, *parts)).encode()).digest()
    return (1 << 30) + int.from_bytes(digest[:8], "big") % (1 << 30)


@dataclass(frozen=True)
class NoteType:
    """A note type as we define it; ``model()`` turns it into genanki's form."""

    key: str  # stable name the id is derived from
    version: int
    name: str
    fields: tuple[str, ...]
    template: str  # stem of the .front.html/.back.html files
    cloze: bool = False
    sort_field: str | None = None  # defaults to the first field
    # Practice notes carry a pool of problems in their fields; the front then ends with
    # the script that shows one a day (templates/anki/pool.html). The back repeats it
    # through {{FrontSide}}, so both sides pick the same problem.
    pooled: bool = False

    @property
    def model_id(self) -> int:
        return stable_id("model", self.key, f"v{self.version}")

    @property
    def full_name(self) -> str:
        # The version is in the name only from v2 on, so v1 keeps its plain name.
        suffix = f" (v{self.version})" if self.version > 1 else ""
        return f"{self.name}{suffix}"

    def model(self) -> genanki.Model:
        return _model(self)


# Frozen field lists: tests/test_anki_models.py pins each of them.
BASIC = NoteType("basic", 1, "Vision lessons: basic", ("Front", "Back", "Key"), "basic")
CLOZE = NoteType("cloze", 1, "Vision lessons: cloze", ("Text", "Extra", "Key"), "cloze", cloze=True)
ATTENTION = NoteType(
    "attention-practice",
    1,
    "Vision lessons: attention practice",
    ("Key", "Task", "Inputs", "Steps", "Answer", "Hints", "Figure", "Data"),
    "attention",
    pooled=True,
)
MATCHING = NoteType(
    "architecture-matching",
    1,
    "Vision lessons: architecture matching",
    ("Key", "Task", "Tasks", "Architectures", "Answer", "Data"),
    "matching",
    pooled=True,
)
REASONING = NoteType(
    "attention-map-reasoning",
    1,
    "Vision lessons: attention-map reasoning",
    ("Key", "Prompt", "Image", "Answer", "Explanation", "Data"),
    "reasoning",
    pooled=True,
)

RNN = NoteType(
    "rnn-practice",
    1,
    "Vision lessons: RNN practice",
    ("Key", "Task", "Inputs", "Steps", "Answer", "Hints", "Data"),
    "rnn",
    pooled=True,
)

TRACKS = NoteType(
    "sister-tracks",
    1,
    "Vision lessons: where to go deeper",
    ("Key", "Task", "Questions", "Tracks", "Answer", "Data"),
    "tracks",
    pooled=True,
)

NOTE_TYPES: tuple[NoteType, ...] = (BASIC, CLOZE, ATTENTION, MATCHING, REASONING, RNN, TRACKS)
# Fields that hold audit data; no template may show them (tests check this).
HIDDEN_FIELDS = ("Data",)


def template_text(name: str) -> str:
    return template_path("anki", name).read_text(encoding="utf-8")


@cache
def _model(note_type: NoteType) -> genanki.Model:
    stem = note_type.template
    template = {
        "name": "Cloze" if note_type.cloze else "Card 1",
        "qfmt": template_text(f"{stem}.front.html") + (template_text("pool.html") if note_type.pooled else ""),
        "afmt": template_text(f"{stem}.back.html"),
    }
    sort_field = note_type.sort_field or note_type.fields[0]
    return genanki.Model(
        note_type.model_id,
        note_type.full_name,
        fields=[{"name": name} for name in note_type.fields],
        templates=[template],
        css=template_text("style.css"),
        model_type=genanki.Model.CLOZE if note_type.cloze else genanki.Model.FRONT_BACK,
        sort_field_index=note_type.fields.index(sort_field),
    )
