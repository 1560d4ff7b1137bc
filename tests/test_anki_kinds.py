"""The table of practice kinds: settings are parsed from it, notes built from it, and a
rejected setting is found by the parameter's name, not by reading the message."""
from __future__ import annotations

import dataclasses

import pytest

from generator.anki import kinds as kinds_module
from generator.anki.kinds import KINDS, Kind, Setting, practice_notes
from generator.anki.models import NoteType
from generator.anki.settings import parse_settings
from generator.errors import BuildError, ParameterError
from generator.practice import attention, matching, reasoning, rnn

SETTINGS = """\
[attention]
variants = 1
difficulty = "standard"
d_k = 2
n_keys = 3
n_queries = 1

[matching]
variants = 1
n = 4

[rnn]
variants = 1
T = 2
regime = "alternate"
"""


@pytest.mark.parametrize(
    ("table", "setting", "value", "words"),
    [
        ("attention", "difficulty", '"impossible"', "difficulty must be one of"),
        ("attention", "d_k", "40", "d_k must be an integer from"),
        ("attention", "n_keys", "9", "n_keys must be an integer from"),
        ("attention", "n_queries", "0", "n_queries must be an integer from"),
        ("matching", "n", "99", "n must be an integer from"),
        ("rnn", "T", "5", "T must be an integer from"),
        ("rnn", "regime", '"sideways"', "regime must be one of"),
    ],
)
def test_a_rejected_setting_points_at_its_own_line(tmp_path, table, setting, value, words):
    lines = SETTINGS.splitlines()
    current, number = None, None
    for i, line in enumerate(lines):
        if line.startswith("["):
            current = line.strip("[]")
        elif current == table and line.startswith(f"{setting} ="):
            lines[i], number = f"{setting} = {value}", i + 1
    path = tmp_path / "x.practice.toml"
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(BuildError) as caught:
        practice_notes("x", parse_settings(path), 5)
    assert (caught.value.path, caught.value.line) == (path, number)
    assert caught.value.message.startswith(f"[{table}] {words}")


def test_engines_name_the_parameter_they_reject():
    for call, name in [
        (lambda: attention.draw(1, d_k=9), "d_k"),
        (lambda: attention.draw(1, difficulty="x"), "difficulty"),
        (lambda: attention.draw(-1), "seed"),
        (lambda: attention.draw(1, variant=-1), "variant"),
        (lambda: matching.draw(1, n=0), "n"),
        (lambda: reasoning.draw(1, kind="nope"), "kind"),
        (lambda: rnn.draw(1, T=1), "T"),
        (lambda: rnn.draw(1, regime="x"), "regime"),
    ]:
        with pytest.raises(ParameterError) as caught:
            call()
        assert caught.value.name == name


def test_a_new_kind_is_one_row(tmp_path, monkeypatch):
    # A throwaway kind reusing the matching engine: the row alone makes the
    # settings table known and the notes built.
    row = dataclasses.replace(
        next(k for k in KINDS if k.key == "matching"),
        key="spare",
        settings=(Setting("n", int, 3),),
        note_type=NoteType("spare", 1, "Spare", ("Key", "Task", "Tasks", "Architectures", "Answer", "Data"), "matching"),
        tags=lambda item, cfg: ("practice::spare",),
    )
    monkeypatch.setattr(kinds_module, "KINDS", (*KINDS, row))
    monkeypatch.setattr("generator.anki.settings.KINDS", kinds_module.KINDS)
    path = tmp_path / "x.practice.toml"
    path.write_text("[spare]\nvariants = 2\nn = 3\n")
    notes = practice_notes("x", parse_settings(path), 5)
    assert [n.tags for n in notes] == [("practice::spare",)] * 2
    assert all(n.note_type.name == "Spare" for n in notes)
    path.write_text("[spare]\nm = 3\n")
    with pytest.raises(BuildError, match=r"unknown setting 'm' in \[spare\] \(known: variants, pool, n\)"):
        parse_settings(path)


def test_every_row_is_complete():
    for kind in KINDS:
        assert isinstance(kind, Kind) and kind.engine.startswith("generator.practice.")
        assert kind.note_type.fields[0] == "Key" and "Data" in kind.note_type.fields
        assert len({s.name for s in kind.settings}) == len(kind.settings)
