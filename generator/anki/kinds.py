"""The table of practice kinds: one row per kind of practice note.

A row names everything that makes the kind: the engine that draws it, the
settings its ``[table]`` in ``cards/<lesson>.practice.toml`` accepts, its note
type (fields and card templates), and the builders that draw one item and turn
it into fields and a figure. ``settings.parse_settings`` and
:func:`practice_notes` are driven by this table and know no kind by name.

Adding a kind: an engine module in ``generator/practice/``, a note type in
``models.py`` with its ``templates/anki/<stem>.front.html``/``.back.html``, its
field builders in ``practice.py``, and one row here.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import isolation
from ..errors import BuildError, ParameterError
from . import pool, practice
from .deck import MediaSource, NoteSpec, note_guid
from .models import ATTENTION, MATCHING, REASONING, RNN, TRACKS, NoteType

if TYPE_CHECKING:
    from .figures import CardSvgs
    from .settings import KindSettings, PracticeSettings

Fields = tuple[dict[str, str], dict[str, MediaSource]]


@dataclass(frozen=True)
class Setting:
    """One key of a kind's settings table, besides ``variants``."""

    name: str
    type: type
    default: Any
    choices: Callable[[], tuple[str, ...]] | None = None  # for a list: what each item may be


@dataclass(frozen=True)
class Kind:
    key: str  # the [table] name, and the exercise key in every note's GUID and seed (never rename)
    engine: str  # the module in generator.practice that draws it
    settings: tuple[Setting, ...]
    variants: int  # notes when the table leaves "variants" out
    note_type: NoteType
    # (seed, variant, settings, entry) -> item: entry p of the note's pool, from the
    # stream (seed, key, variant, p); entry 0 is the note's first problem.
    draw: Callable[[int, int, KindSettings, int], Any]
    fields: Callable[[str, int, int, Any, CardSvgs], Fields]  # (lesson, seed, variant, item, figures)
    tags: Callable[[Any, KindSettings], tuple[str, ...]]
    # (seed, [(variant, entry), ...], settings) -> items: ``draw`` for many problems at
    # once, the same items in the same order (for a kind whose notes are drawn by the thousand).
    draw_many: Callable[[int, list[tuple[int, int]], KindSettings], list[Any]] | None = None
    # Engine parameter -> the setting to point at when the engine rejects it.
    blame: tuple[tuple[str, str], ...] = (("variant", "variants"),)

    def setting_for(self, error: ParameterError) -> str:
        names = {s.name for s in self.settings}
        name = dict(self.blame).get(error.name or "", error.name)
        return name if name in names else "variants"


def _reasoning_kinds() -> tuple[str, ...]:
    from ..practice import reasoning

    return tuple(reasoning.KINDS)


KINDS: tuple[Kind, ...] = (
    Kind(
        key=practice.ATTENTION_KEY,
        engine="generator.practice.attention",
        settings=(Setting("difficulty", str, "standard"), Setting("d_k", int, 2), Setting("n_keys", int, 3),
                  Setting("n_queries", int, 1)),
        variants=3,
        note_type=ATTENTION,
        draw=practice.draw_attention,
        fields=practice.attention_note,
        tags=lambda item, cfg: ("practice::attention", f"difficulty::{cfg.difficulty}"),
        draw_many=practice.draw_attention_many,
    ),
    Kind(
        key=practice.MATCHING_KEY,
        engine="generator.practice.matching",
        settings=(Setting("n", int, 4),),
        variants=2,
        note_type=MATCHING,
        draw=practice.draw_matching,
        fields=practice.matching_note,
        tags=lambda item, cfg: ("practice::matching",),
    ),
    Kind(
        key=practice.REASONING_KEY,
        engine="generator.practice.reasoning",
        # Cycled through by variant index; empty: the engine picks.
        settings=(Setting("kinds", list, (), choices=_reasoning_kinds),),
        variants=2,
        note_type=REASONING,
        draw=practice.draw_reasoning,
        fields=practice.reasoning_note,
        tags=lambda item, cfg: ("practice::reasoning", f"reasoning::{item.kind}"),
        blame=(("variant", "variants"), ("kind", "kinds")),
    ),
    Kind(
        key=practice.RNN_KEY,
        engine="generator.practice.rnn",
        # "alternate" gives vanishing and exploding notes in turn; a regime name fixes one.
        settings=(Setting("T", int, 2), Setting("regime", str, "alternate")),
        variants=2,
        note_type=RNN,
        draw=practice.draw_rnn,
        fields=practice.rnn_note,
        tags=lambda item, cfg: ("practice::rnn", f"regime::{item.regime}"),
    ),
    Kind(
        key=practice.TRACKS_KEY,
        engine="generator.practice.tracks",
        settings=(Setting("n", int, 4),),
        variants=2,
        note_type=TRACKS,
        draw=practice.draw_tracks,
        fields=practice.tracks_note,
        tags=lambda item, cfg: ("practice::tracks",),
    ),
)


def practice_notes(lesson: str, settings: PracticeSettings, seed: int) -> list[NoteSpec]:
    """All practice notes of the lesson, kind by kind in table order, each in variant order,
    each with its pool of ``pool`` problems (``pool.py``).

    Every problem's figures, problem 0's too, are SVGs from templates (``figures.cards``):
    a millisecond each, so they are drawn on every build and never cached.
    """
    from .figures import CardSvgs

    figures = CardSvgs()
    notes: list[NoteSpec] = []
    for kind in KINDS:
        cfg = settings.of(kind.key)

        def built(variants: range, kind: Kind = kind, cfg: KindSettings = cfg) -> list[NoteSpec]:
            return _notes(lesson, kind, cfg, settings, seed, figures, variants)

        # (Three notes at least: the first, then one for each side.)
        if kind.draw_many is None or cfg.variants < 3 or cfg.variants * cfg.pool < FORK_AT:
            notes += built(range(cfg.variants))
            continue
        # Many problems: a forked child builds the second half of the notes while this
        # process builds the first (isolation.alongside; in one process when forking is
        # off). The first note is built before the fork, so the child starts with what it
        # imported and compiled (modules, templates, its layout's stencils).
        mid = (cfg.variants + 1) // 2
        notes += built(range(1))
        here, there = isolation.alongside(lambda: built(range(1, mid)),
                                          lambda: [_sent(note) for note in built(range(mid, cfg.variants))])
        notes += here
        notes += (NoteSpec(kind.note_type, *sent) for sent in there)
    return notes


# A kind with draw_many draws about BATCH problems at a time: enough for numpy to pay off,
# few enough that a 10,000-note deck never holds all its problems at once.
BATCH = 1000
# Problems of one kind from which its notes are built in two processes (see practice_notes).
# The split costs about 15 ms (the fork, copy-on-write page faults, pickling the child's
# notes: 4 MB per 500) and pays only while the other core is free: measured on 2 cores,
# 100 problems lost, 200-400 won by 20-40%; 400 keeps a margin, and the lesson's own deck
# (60 attention problems) far from it.
FORK_AT = 400


def _notes(lesson: str, kind: Kind, cfg: KindSettings, settings: PracticeSettings, seed: int, figures: CardSvgs,
           variants: range) -> list[NoteSpec]:
    """The notes of ``variants`` (a run of the kind's variant indices), in order."""
    step = max(1, BATCH // cfg.pool) if kind.draw_many else 1
    notes: list[NoteSpec] = []
    for first in range(variants.start, variants.stop, step):
        batch = range(first, min(first + step, variants.stop))
        for variant, items in zip(batch, _drawn(kind, cfg, settings, seed, batch)):
            entries = [kind.fields(lesson, seed, variant, item, figures) for item in items]
            fields, media = pool.merge(entries)
            notes.append(NoteSpec(kind.note_type, fields, note_guid(lesson, kind.key, variant), "practice",
                                  kind.tags(items[0], cfg), media))
    return notes


def _sent(note: NoteSpec) -> tuple[dict[str, str], str, str, tuple[str, ...], dict[str, MediaSource]]:
    """A note as the child sends it back: everything but its note type (the parent's own)."""
    return note.fields, note.guid, note.section, note.tags, note.media


def _drawn(kind: Kind, cfg: KindSettings, settings: PracticeSettings, seed: int, variants: range) -> list[list[Any]]:
    """Every problem of the pools of ``variants``: one list per note, entry 0 first."""
    try:
        if kind.draw_many is None:
            return [[kind.draw(seed, variant, cfg, entry) for entry in range(cfg.pool)] for variant in variants]
        flat = kind.draw_many(seed, [(variant, entry) for variant in variants for entry in range(cfg.pool)], cfg)
    except ParameterError as exc:
        raise _settings_error(settings, kind, exc) from None
    return [flat[i:i + cfg.pool] for i in range(0, len(flat), cfg.pool)]


def _settings_error(settings: PracticeSettings, kind: Kind, exc: ParameterError) -> BuildError:
    from .settings import key_line

    where = key_line(settings, kind.key, kind.setting_for(exc)) or None
    return BuildError(f"[{kind.key}] {exc}", settings.path or Path("<practice settings>"), where)
