"""Pools of practice problems, without a browser: entry 0 is the note's problem as before,
entry p comes from its own stream (seed, key, k, p), a pool is a pure function of
(seed, key, k), and every entry is in the Data field for an audit."""
from __future__ import annotations

import html
import json
import math
import re
from pathlib import Path

import pytest

from generator.anki.kinds import practice_notes
from generator.anki.settings import parse_settings
from generator.errors import BuildError, ParameterError
from generator.practice import attention, matching, reasoning, seeds

SETTINGS = """
[attention]
variants = 2
pool = {pool}

[matching]
variants = 1
pool = {pool}

[reasoning]
variants = 5
pool = {pool}
kinds = ["image_grid", "caption_words", "equal_scores", "dominant_score", "scaling_dk"]
"""
ENTRY = re.compile(r'<div class="pool-entry" data-pool="(\d+)"(?: hidden)?>(.*?)</div>(?= <div class="pool-entry"|$)', re.S)


def notes(tmp_path: Path, pool: int, seed: int = 77) -> dict[str, dict[str, str]]:
    path = tmp_path / f"pool{pool}.practice.toml"
    path.write_text(SETTINGS.format(pool=pool), encoding="utf-8")
    return {n.fields["Key"]: n for n in practice_notes("L", parse_settings(path), seed)}


def data(note) -> dict:
    return json.loads(html.unescape(note.fields["Data"]))


def first_problem(card_html: str) -> str:
    """A card's HTML with every pooled problem but the first taken out and the first one's
    wrapper removed: the card as it was before pools (what a client without scripts shows;
    the test in Chromium checks that it does)."""
    out, i = [], 0
    for m in re.finditer(r'<div class="pool-entry" data-pool="(\d+)"[^>]*>', card_html):
        depth, j = 1, m.end()
        while depth:
            tag = re.compile(r"<(/?)div\b[^>]*>").search(card_html, j)
            depth += -1 if tag.group(1) else 1
            j = tag.end()
        out.append(card_html[i:m.start()])
        if m.group(1) == "0":
            out.append(card_html[m.end():tag.start()])  # entry 0 without its wrapper
        i = j
    return "".join(out) + card_html[i:]


def full_entries(note) -> list[dict]:
    d = data(note)
    return [{k: v for k, v in {**d, **own}.items() if k != "pool"} for own in d["pool"]]


def entries(field: str) -> list[str]:
    found = ENTRY.findall(field)
    assert [int(i) for i, _ in found] == list(range(len(found)))
    return [body for _, body in found]


def test_first_problem_drops_the_other_entries_whole():
    field = ('<div class="pool-entry" data-pool="0"><div class="a">zero</div></div> '
             '<div class="pool-entry" data-pool="1" hidden><div><div>one</div></div></div> '
             '<div class="pool-entry" data-pool="12" hidden>twelve</div>')
    assert first_problem(f"<p>{field}</p><b>after</b>") == '<p><div class="a">zero</div>  </p><b>after</b>'


def test_stream_of_entry_0_is_the_variants_and_entries_differ():
    a = seeds.stream(5, "attention", 3).random_raw(4).tolist()
    assert seeds.stream(5, "attention", 3, 0).random_raw(4).tolist() == a
    assert seeds.stream(5, "attention", 3, 1).random_raw(4).tolist() != a
    # (variant 1, entry 2) and (variant 2, entry 1) are different streams
    assert seeds.stream(5, "x", 1, 2).random_raw(4).tolist() != seeds.stream(5, "x", 2, 1).random_raw(4).tolist()
    for bad in (-1, 60, True, 1.0):
        with pytest.raises(ParameterError) as caught:
            seeds.stream(5, "x", 0, bad)
        assert caught.value.name == "entry"


def test_engines_draw_entry_0_as_before():
    assert attention.to_data(attention.draw(9, key="attention", variant=2, entry=0)) == \
        attention.to_data(attention.draw(9, key="attention", variant=2))
    assert matching.draw(9, variant=1, entry=0) == matching.draw(9, variant=1)
    for kind in reasoning.KINDS:
        assert reasoning.draw(9, 1, kind, entry=0) == reasoning.draw(9, 1, kind)
        assert reasoning.draw(9, 1, kind, entry=3).kind == kind


def test_entry_0_fields_are_todays_and_the_pool_is_pure(tmp_path):
    one, pooled = notes(tmp_path, 1), notes(tmp_path, 20)
    again, longer = notes(tmp_path, 20), notes(tmp_path, 30)
    assert one.keys() == pooled.keys()
    for key, note in pooled.items():
        before = one[key]
        assert before.media.keys() <= note.media.keys()
        assert note.tags == before.tags and note.guid == before.guid
        top = {k: v for k, v in data(note).items() if k != "pool"}
        assert top == data(before), key  # today's Data keys and values, for problem 0
        pool = data(note)["pool"]
        assert len(pool) == 20
        for name, value in note.fields.items():
            if name in ("Key", "Data"):
                assert name != "Key" or value == before.fields[name]
                continue
            shown = entries(value) or [value] * 20
            assert len(shown) == 20, (key, name)
            assert shown[0] == before.fields[name], (key, name)  # entry 0 is today's field
            assert shown == ((entries(longer[key].fields[name]) or [value] * 30)[:20]), (key, name)
        assert note.fields == again[key].fields  # a pure function of (seed, key, k)
        assert full_entries(longer[key])[:20] == full_entries(note)  # more entries leave the first ones alone


def test_entries_are_different_problems(tmp_path):
    for key, note in notes(tmp_path, 20).items():
        pool = data(note)["pool"]
        distinct = {json.dumps(e, sort_keys=True) for e in pool}
        assert len(distinct) >= 15, (key, len(distinct))


def test_every_entry_is_in_data_as_the_engine_drew_it(tmp_path):
    built = notes(tmp_path, 20)
    for variant in range(2):
        d = data(built[f"L/attention/{variant + 1:02d}"])
        for p, own in enumerate(d["pool"]):
            full = {k: v for k, v in {**d, **own}.items() if k not in ("pool", "lesson")}
            drawn = attention.to_data(attention.draw(77, key="attention", variant=variant, entry=p))
            assert full == drawn, p
    d = data(built["L/matching/01"])
    for p, own in enumerate(d["pool"]):
        item = matching.draw(77, variant=0, entry=p)
        assert {**d, **own}["tasks"] == list(item.tasks)
        assert {**d, **own}["answer_index"] == list(item.answer_index)


def test_pooled_figures_are_small_svgs_and_fronts_mark_nothing(tmp_path):
    built = notes(tmp_path, 20)
    sizes, wide = [], 0
    for key, note in built.items():
        for name, source in note.media.items():
            if name.endswith(".svg"):
                sizes.append(len(source))
                text = source.decode("utf-8")
                assert 'data-min-text-px="15"' in text
                width = float(re.search(r'width="([\d.]+)"', text).group(1))
                if width > 386:  # wider than a phone card: kept at full size, scrolling sideways
                    assert any(f'src="{name}" alt="' in v and f"min-width: {math.ceil(width)}px" in v
                               for v in note.fields.values()), name
                    wide += 1
        image = note.fields.get("Image", "")
        for src in re.findall(r'src="([^"]+\.svg)"', image):
            assert 'data-marks="none"' in note.media[src].decode(), src
    assert sizes and max(sizes) < 12_000
    assert wide <= len(sizes) // 10


@pytest.mark.parametrize("value, message", [
    ("0", "pool must be between 1 and 60, not 0"),
    ("61", "pool must be between 1 and 60, not 61"),
    ('"many"', "pool must be int, not str"),
])
def test_a_bad_pool_setting_is_an_error_at_its_line(tmp_path, value, message):
    path = tmp_path / "x.practice.toml"
    path.write_text(f"[attention]\nvariants = 1\npool = {value}\n", encoding="utf-8")
    with pytest.raises(BuildError, match=re.escape(message)) as caught:
        parse_settings(path)
    assert str(caught.value).startswith(f"{path}:3: ")
