"""Attention practice notes built in batches (draws screened for the whole deck at once,
fields and figures filled into per-layout stencils) are the notes the one-by-one path
builds: each problem drawn alone by ``attention.draw`` and every field and figure
rendered by its template (``stencil.plain``). Every field, media name and media byte
is compared, over the difficulties, sizes and pools a deck can ask for."""
from __future__ import annotations

import numpy as np
import pytest

from generator import stencil
from generator.anki import pool, practice
from generator.anki.figures import CardSvgs
from generator.anki.kinds import practice_notes
from generator.anki.settings import KindSettings, PracticeSettings
from generator.practice.attention import draw
from generator.practice.attention.batch import draw_many

LESSON = "07-sequence-tools"

SETTINGS = [
    # difficulty, d_k, n_keys, n_queries, variants, pool
    ("standard", 2, 3, 1, 120, 1),
    ("challenge", 2, 3, 1, 60, 2),
    ("standard", 3, 4, 2, 40, 2),
    ("challenge", 4, 2, 3, 30, 1),
    ("standard", 4, 4, 3, 20, 3),
]


def one_by_one(cfg: KindSettings, seed: int):
    """The definition: each problem drawn on its own, each template rendered for each note."""
    figures = CardSvgs()
    notes = []
    with stencil.plain():
        for variant in range(cfg.variants):
            entries = [practice.attention_note(LESSON, seed, variant, draw(seed, "attention", variant, cfg.difficulty, cfg.d_k,
                                                                             cfg.n_keys, cfg.n_queries, entry=entry), figures)
                       for entry in range(cfg.pool)]
            notes.append(pool.merge(entries))
    return notes


@pytest.mark.parametrize("difficulty, d_k, n_keys, n_queries, variants, size", SETTINGS)
def test_batched_notes_are_the_notes_built_one_by_one(difficulty, d_k, n_keys, n_queries, variants, size):
    seed = 500 + d_k * 10 + n_keys
    cfg = KindSettings(variants, {"difficulty": difficulty, "d_k": d_k, "n_keys": n_keys, "n_queries": n_queries},
                       pool=size)
    expected = one_by_one(cfg, seed)
    got = practice_notes(LESSON, PracticeSettings(kinds={"attention": cfg}), seed)
    assert len(got) == len(expected) == variants
    for variant, (note, (fields, media)) in enumerate(zip(got, expected)):
        assert note.fields == fields, variant
        assert note.media == media, variant


def test_notes_drawn_in_several_batches_are_the_same(monkeypatch):
    from generator.anki import kinds

    monkeypatch.setattr(kinds, "BATCH", 7)  # 3 notes of 2 problems a batch; the last batch short
    cfg = KindSettings(11, {"difficulty": "challenge", "d_k": 2, "n_keys": 3, "n_queries": 1}, pool=2)
    got = practice_notes(LESSON, PracticeSettings(kinds={"attention": cfg}), 77)
    assert [(note.fields, note.media) for note in got] == one_by_one(cfg, 77)


def test_draw_many_falls_back_to_draw_where_a_key_set_runs_dry():
    # A grid of 3 x 3 rows can be used up within a key set: those streams are drawn by draw.
    from generator.practice.attention import Level

    tight = Level("tight", decimals=0, span=1, value_span=2, margin=0.3)
    streams = [(v, p) for v in range(8) for p in range(2)]
    got = draw_many(4, streams, "screen", d_k=2, n_keys=3, level=tight)
    for (variant, entry), problem in zip(streams, got):
        alone = draw(4, "screen", variant, d_k=2, n_keys=3, level=tight, entry=entry)
        assert (problem.query.tolist(), problem.keys.tolist(), problem.values.tolist()) == (
            alone.query.tolist(), alone.keys.tolist(), alone.values.tolist())


def test_rounding_in_bulk_is_pythons_round():
    from generator.practice.attention.display import _round_many
    from generator.practice.rounding import round_to

    rng = np.random.default_rng(5)
    for places in (0, 2, 3, 4):
        # Decimal halves (the binary value a hair either side), their neighbours, large and odd values.
        halves = (np.arange(-3000, 3000) + 0.5) / 10**places
        x = np.concatenate([halves, np.nextafter(halves, np.inf), np.nextafter(halves, -np.inf),
                            rng.normal(0, 50, 3000), rng.normal(0, 1, 1000) * 10.0 ** rng.integers(-3, 60, 1000),
                            [np.inf, -np.inf, np.nan, -0.0, 1e300]])
        got = _round_many(x, places).tolist()
        expected = [round_to(value, places) for value in x.tolist()]
        assert [repr(g) for g in got] == [repr(e) for e in expected], places


def test_numbers_printed_in_bulk_are_those_printed_alone():
    from generator.practice.rounding import fixed, fixed_many

    rng = np.random.default_rng(6)
    for places in (0, 2, 3, 4):
        tiny = 10.0 ** -places
        # Negatives that print as zero, halves either side, zeros of both signs, large and odd values.
        x = np.concatenate([-rng.uniform(0, tiny / 2, 500), (np.arange(-300, 300) + 0.5) * tiny,
                            rng.normal(0, 50, 1000), [0.0, -0.0, np.inf, -np.inf, np.nan, 1e300, -1e-300]]).tolist()
        assert fixed_many(x, places) == [fixed(value, places) for value in x], places
        assert fixed_many([1.5, 2.0], places) == [fixed(1.5, places), fixed(2.0, places)]  # no negative zero to fix


def test_displays_rounded_together_are_those_rounded_alone():
    from generator.practice.attention import Problem, rounded_many
    from generator.practice.attention.display import _rounded

    rng = np.random.default_rng(8)
    problems = [draw(3, "bulk", v, "challenge", 3, 4, 2) for v in range(40)]
    # Heads typed by hand: finer inputs, integers, exponentials too large for a fixed point.
    problems += [Problem.given(rng.integers(-20, 20, (2, 3)) / rng.choice([1, 10, 7]),
                               rng.integers(-20, 20, (4, 3)) / rng.choice([1, 10, 3]),
                               rng.integers(-5, 5, (4, 3)) / rng.choice([1, 10, 3])) for _ in range(80)]
    rounded_many(problems)
    for problem in problems:
        together, alone = problem.__dict__["_display"], _rounded(problem)
        assert repr(together) == repr(alone)
        assert together.text == alone.text


def test_slips_worked_out_together_are_those_worked_out_alone():
    from generator.practice.attention import Problem, mistakes, mistakes_many

    rng = np.random.default_rng(9)
    shapes = [("standard", 2, 3, 1), ("challenge", 3, 4, 2), ("standard", 4, 2, 3)]
    drawn = [draw(4, "slips", v, difficulty, d_k, n_keys, n_queries)
             for difficulty, d_k, n_keys, n_queries in shapes for v in range(60)]
    given = [Problem.given(rng.integers(-20, 20, (2, 3)) / 10, rng.integers(-20, 20, (4, 3)) / 10,
                           rng.integers(-5, 5, (4, 3)) / rng.choice([1, 10, 3])) for _ in range(60)]
    given.append(Problem.given([[1.0, 1.0]], [[1.0, 0.0], [0.0, 1.0]], [[1.0, 2.0], [3.0, 4.0]]))  # a tie: argmax shared
    together = drawn + given
    alone = [Problem.given(p.query, p.keys, p.values) for p in together]
    mistakes_many(together)
    for a, b in zip(together, alone):
        assert a.__dict__["_slips"] == mistakes(b)  # every slip's name, numbers, text and verdict


def test_a_deck_build_leaves_the_garbage_collector_as_it_found_it(tmp_path):
    import gc

    from generator.anki import build_deck
    from generator.errors import BuildError

    cards = tmp_path / "cards"
    cards.mkdir()
    settings = cards / f"{LESSON}.practice.toml"
    settings.write_text("[attention]\nvariants = 2\npool = 1\n", encoding="utf-8")
    assert gc.isenabled()
    build_deck(LESSON, "T", cards, tmp_path / "a.apkg", 1)
    assert gc.isenabled()
    settings.write_text("[attention]\nvariants = 2\nd_k = 9\n", encoding="utf-8")  # fails while drawing
    with pytest.raises(BuildError):
        build_deck(LESSON, "T", cards, tmp_path / "b.apkg", 1)
    assert gc.isenabled()
    gc.disable()
    try:
        build_deck(LESSON, "T", cards.parent / "none", tmp_path / "c.apkg", 1)
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_the_lessons_deck_is_the_deck_rendered_plainly():
    """Every kind of the lesson's own practice notes (reasoning heatmaps, rnn, matching,
    tracks, attention heads), filled into stencils where their templates allow, against
    every template rendered for every note."""
    from pathlib import Path

    from generator.anki.settings import parse_settings

    settings = parse_settings(Path(__file__).resolve().parent.parent / "cards" / f"{LESSON}.practice.toml")
    got = practice_notes(LESSON, settings, 5)
    with stencil.plain():
        expected = practice_notes(LESSON, settings, 5)
    assert len(got) == len(expected) > 10
    assert {note.note_type for note in got} == {note.note_type for note in expected}
    for note, plain in zip(got, expected):
        assert note.fields == plain.fields and note.media == plain.media


def test_batched_notes_are_filled_in_from_their_texts(monkeypatch):
    """The notes above are right however they are made; here, most are made without a
    template context: their fields and head figures from the texts the builders list
    (``stencil.fill``), a context built only for the first note of each layout."""
    from collections import Counter

    monkeypatch.setattr(stencil, "_given", {})
    monkeypatch.setattr(stencil, "_stencils", {})
    monkeypatch.setattr(stencil, "_skeletons", {})
    contexts = Counter()
    render = stencil.render

    def counted(name, plain, context):
        contexts[name] += 1
        return render(name, plain, context)

    monkeypatch.setattr(stencil, "render", counted)
    cfg = KindSettings(200, {"difficulty": "standard", "d_k": 2, "n_keys": 3, "n_queries": 1}, pool=1)
    assert len(practice_notes(LESSON, PracticeSettings(kinds={"attention": cfg}), 901)) == 200
    layouts = Counter(name for name, _ in stencil._given)
    assert contexts == layouts
    assert layouts["anki/fields/attention_note"] <= 3 and 0 < layouts["figures/card_head.svg.j2"] <= 20
    # The Data fields: one skeleton per shape, filled in (None: every note dumped by json).
    assert len(stencil._skeletons) == 1 and None not in stencil._skeletons.values()


def test_data_fields_filled_in_escape_the_lesson_as_json_and_html_do():
    figures = CardSvgs()
    problems = [draw(3, "attention", v) for v in range(3)]
    for lesson in ("07-sequence-tools", 'L "quoted" é & <b> 100%', "nan-inf"):
        with stencil.plain():
            expected = [practice.attention_note(lesson, 3, v, p, figures)[0]["Data"] for v, p in enumerate(problems)]
        assert [practice.attention_note(lesson, 3, v, p, figures)[0]["Data"] for v, p in enumerate(problems)] == expected
