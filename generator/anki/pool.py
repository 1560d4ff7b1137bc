"""A practice note's pool: its problems, one per review day, in the note's own fields.

Entry p of note k is drawn from its own stream (seed, key, k, p) (``practice.seeds``);
entry 0 is the problem the note had before it had a pool. Each entry goes through the
kind's field builders like a single problem would, and the pool is the entries' field
HTML side by side (``fields/pool.html.j2``): entry 0 shown, the others hidden until
the card's script (``templates/anki/pool.html``) shows the day's one. The field list
stays as it is: the pool lives inside the existing fields, and the Data field keeps
entry 0's keys and gains ``pool``, every entry's data in order (``pooled_data``).
"""
from __future__ import annotations

import html
import json
from typing import Any

from .deck import MediaSource
from .practice import data_field
from .render import fragment

Fields = tuple[dict[str, str], dict[str, MediaSource]]
PLAIN = ("Key",)  # the note's identity, the same for every entry
# A reasoning entry's sentences: shown in the fields already, written from ``numbers``
# (which the pool keeps); left out of the pool's data to keep the Data field small.
PROSE = ("prompt", "answer", "explanation")


def read_data(field: str) -> dict[str, Any]:
    return json.loads(html.unescape(field))


def pooled_data(entries: list[dict[str, Any]]) -> dict[str, Any]:
    """Entry 0's data with ``pool``: each entry's data without the keys every entry shares
    (lesson, seed, key, variant, rounding, ...), which stay once at the top level, and
    without its sentences (``PROSE``). Entry p's numbers are ``{**data, **data["pool"][p]}``."""
    shared = {k for k, v in entries[0].items() if all(k in e and e[k] == v for e in entries)}

    def own(entry: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in entry.items() if k not in shared and not (k in PROSE and isinstance(v, str))}

    return {**entries[0], "pool": [own(e) for e in entries]}


def merge(entries: list[Fields]) -> Fields:
    """One note's fields and media from its pool's entries (entry 0 first).

    A field every entry fills alike (a fixed instruction, an empty figure slot) stays
    as it is, so ``{{#Field}}`` sections and fixed text read as before.
    """
    first, _ = entries[0]
    if len(entries) == 1:
        return entries[0]
    fields: dict[str, str] = {}
    for name, value in first.items():
        values = [f[name] for f, _ in entries]
        if name in PLAIN or all(v == value for v in values):
            fields[name] = value
        elif name == "Data":
            fields[name] = data_field(pooled_data([read_data(v) for v in values]))
        else:
            fields[name] = fragment("pool", entries=values)
    media: dict[str, MediaSource] = {}
    for _, entry_media in entries:
        media.update(entry_media)
    return fields, media
