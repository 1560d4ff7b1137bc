"""Attention-map reasoning: every answer recomputed from the item's own inputs with the
loop reference, every number in the text traced to a computed number, seeds reproduce.
"""
from __future__ import annotations

import json
import math
import re

import numpy as np
import pytest

from generator.errors import ParameterError
from generator.practice import reasoning
from test_practice_reference import dec_text, ref_head, ref_softmax

SEEDS = range(300)


def _flat(value) -> list[float]:
    if isinstance(value, dict):
        return [x for v in value.values() for x in _flat(v)]
    if isinstance(value, (list, tuple)):
        return [x for v in value for x in _flat(v)]
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return [float(value)]
    return []


def _numbers_in_text_are_computed(item) -> None:
    """Every decimal number printed in the text is a computed number of the item, printed
    with 2 or 3 decimals (the display rule of its step)."""
    printed = {dec_text(x, places) for x in _flat(item.numbers) for places in (2, 3)}
    printed |= {dec_text(x, places) for x in np.asarray(item.weights).ravel() for places in (2, 3)}
    for text in (item.prompt, item.answer, item.explanation):
        # "<0.001" and ">0.999" stand for weights too small or too large for three decimals.
        for token in re.findall(r"-?\d+\.\d+", re.sub(r"<0\.001|>0\.999", "", text)):
            assert token in printed, (token, text)


def _printed(x: float) -> str:
    """A weight as a card should print it: never 0.000 or 1.000 for a weight strictly between."""
    text = dec_text(x, 3)
    if text == "0.000" and x > 0:
        return "<0.001"
    if text == "1.000" and x < 1:
        return ">0.999"
    return text


def _common(item, kind: str) -> np.ndarray:
    assert item.kind == kind
    json.dumps(item.numbers)  # JSON-able
    w = np.asarray(item.weights)
    assert w.ndim == 2 and w.shape == (len(item.row_labels), len(item.col_labels))
    # One softmax per row, except the image map: one softmax over all its patches.
    sums = w.sum() if kind == "image_grid" else w.sum(axis=1)
    assert np.allclose(sums, 1.0, atol=1e-12) and np.all(np.isfinite(w)) and np.all(w > 0)
    assert [list(r) for r in item.cell_text] == [[_printed(x) for x in row] for row in w]
    assert not {"0.000", "1.000"} & {c for r in item.cell_text for c in r}
    for text in (item.prompt, item.answer, item.explanation):
        assert text and "\n" not in text and not re.search(r"\bnan\b|\binf\b", text.lower())
    _numbers_in_text_are_computed(item)
    return w


def _lead(weights: list[float]) -> float:
    shown = sorted((float(dec_text(x, 3)) for x in weights), reverse=True)
    return shown[0] - shown[1]


def test_image_grid():
    sides = set()
    for seed in SEEDS:
        item = reasoning.draw(seed, variant=seed % 2, kind="image_grid")
        w = _common(item, "image_grid")
        n = item.numbers
        side = n["side"]
        sides.add(side)
        assert w.shape == (side, side) and 224 % side == 0  # tiles the figure's 224-pixel image
        values = [[r + 1.0, c + 1.0] for r in range(side) for c in range(side)]
        (ref,) = ref_head([n["query"]], n["keys"], values)
        assert np.allclose(w.ravel(), ref["weights"], rtol=0, atol=1e-12)
        best = max(range(side * side), key=lambda i: ref["weights"][i])
        assert (n["top"]["row"], n["top"]["col"]) == (best // side + 1, best % side + 1)
        assert f"Row {best // side + 1}, column {best % side + 1}" in item.answer
        assert item.answer_cell == (best // side, best % side)
        # Runner-up: every cell printed with the second-largest weight is named, as a tie.
        shown = [dec_text(x, 3) for x in ref["weights"]]
        second = sorted(set(shown), key=float)[-2]
        tied = [f"row {i // side + 1}, column {i % side + 1}" for i, t in enumerate(shown) if t == second]
        assert all(name in item.answer for name in tied)
        assert ("tied at" in item.answer) == (len(tied) > 1)
        assert dec_text(ref["weights"][best], 3) in item.answer
        assert _lead(ref["weights"]) >= 0.05
        assert [dec_text(x, 2) for x in ref["output"]] == [dec_text(x, 2) for x in n["mean_position"]]
        assert n["word"] in item.prompt and n["word"] in item.answer
        # The card shows the map, not the picture: the backdrop the back talks about is
        # told on the front (the slides' figure paints the upper half of the rows as sky).
        half = side // 2
        assert f"The top {half} rows of patches show sky and the bottom {side - half} grass, except one patch" in item.prompt
        assert "sky and grass patches" in item.explanation
    assert sides == set(reasoning.GRID_SIDES)


# What stands on the ground and what can be up in the sky, by what the words mean.
ON_THE_GROUND = {"dog", "ball", "cat", "bicycle", "horse", "sheep", "boat", "car", "person", "chair"}
CAN_FLY = {"kite", "bird", "balloon", "plane"}


def _story(prompt: str) -> tuple[int, int, str, str | None]:
    """What an image_grid front says: sky rows, grass rows, the subject, and which rows
    it puts the subject's patch in ("grass", or None when it leaves that open)."""
    told = re.search(r"The top (\d) rows of patches show sky and the bottom (\d) grass, except one patch "
                     r"(in the grass rows|somewhere in the picture) that shows an? (\w+)\.", prompt)
    assert told, prompt
    return int(told.group(1)), int(told.group(2)), told.group(4), "grass" if "grass" in told.group(3) else None


def _peak(weights: list[list[float]]) -> tuple[int, int]:
    flat = [x for row in weights for x in row]
    best = max(range(len(flat)), key=flat.__getitem__)
    return best // len(weights[0]), best % len(weights[0])


def test_image_grid_subject_stands_where_the_front_says():
    # Review 2, finding 3: a cat, a dog or a ball was drawn in the sky rows the front
    # had just described as sky. The subject's patch is the map's peak (its printed weights).
    rows_seen = {"ground": set(), "flying": set()}
    for seed in range(400):
        item = reasoning.draw(seed, kind="image_grid")
        sky, grass, subject, said = _story(item.prompt)
        assert subject == item.numbers["word"] and subject in ON_THE_GROUND | CAN_FLY, subject
        side = len(item.numbers["weights"])
        assert sky + grass == side
        row, _ = _peak(item.numbers["weights"])
        if subject in ON_THE_GROUND:
            assert said == "grass" and row >= sky, (seed, subject, row, item.prompt)
            rows_seen["ground"].add(row)
        else:
            assert said is None, (seed, item.prompt)  # a kite or a bird may be anywhere
            rows_seen["flying"].add(row)
    assert rows_seen["ground"] == {2, 3} and rows_seen["flying"] == {0, 1, 2, 3}


def test_the_subject_check_fails_on_a_subject_in_the_sky():
    # main's worksheet v3 (seed 1234): a cat at row 1 of a front that calls rows 1-2 sky.
    prompt = ("The top 2 rows of patches show sky and the bottom 2 grass, and somewhere there is a cat. "
              "Which patch gets the most weight?")
    with pytest.raises(AssertionError):
        _story(prompt)
    weights = [[0.01] * 4 for _ in range(4)]
    weights[0][2] = 0.6
    assert _peak(weights)[0] < 2  # the peak sits in a sky row: the row check above would fail


def test_caption_words():
    ties = 0
    for seed in SEEDS:
        item = reasoning.draw(seed, kind="caption_words")
        w = _common(item, "caption_words")
        n = item.numbers
        words = n["caption"].split()
        # The captioner's direction: rows are the words (queries), columns the regions.
        assert list(item.row_labels) == words == n["words"] and len(item.col_labels) == 6
        assert list(item.col_labels) == [f"{v} {h}" for v in ("top", "bottom") for h in ("left", "centre", "right")]
        assert np.allclose(w.sum(axis=1), 1.0, atol=1e-12)  # each word spreads 1 over the regions
        d = len(n["keys"][0])
        assert len(n["queries"]) == len(words) and len(n["keys"]) == 6
        for r, q in enumerate(n["queries"]):
            scores = [sum(a * b for a, b in zip(q, k)) / math.sqrt(d) for k in n["keys"]]
            assert np.allclose(w[r], ref_softmax(scores), rtol=0, atol=1e-12)
        row = words.index(n["word"])
        best = max(range(6), key=lambda i: w[row][i])
        assert item.answer_cell == (row, best)
        assert item.answer.startswith(f"The {item.col_labels[best]} region, with {dec_text(w[row][best], 3)}")
        assert _lead(list(w[row])) >= 0.05
        shown = [dec_text(x, 3) for x in w[row]]
        second = sorted(set(shown), key=float)[-2]
        tied = [item.col_labels[i] for i, t in enumerate(shown) if t == second]
        assert all(f"the {name}" in item.answer for name in tied)
        ties += len(tied) > 1
        # The prompt lists the asked word's weights, region by region, as printed.
        listing = ", ".join(f"{label} {_printed(x)}" for label, x in zip(item.col_labels, w[row]))
        assert listing in item.prompt and f'the word "{n["word"]}"' in item.prompt
    assert ties > 0  # the tie wording above is exercised


def test_position_names_match_the_grid():
    # Every cell of a 4 x 4 and a 2 x 3 grid has its own name, and a name's column word
    # moves left to right with the column (no "left" right of a "centre").
    for rows, cols in ((4, 4), (2, 3), (3, 3)):
        names = [reasoning._area(r, c, rows, cols) for r in range(rows) for c in range(cols)]
        assert len(set(names)) == rows * cols
    order = ["far left", "left of centre", "right of centre", "far right"]
    for c in range(4):
        assert all(reasoning._area(r, c, 4).endswith(order[c]) for r in range(4))
    assert reasoning._area(3, 1, 4) == "bottom row, left of centre"


def test_maths_is_rendered_not_typed():
    for kind in reasoning.KINDS:
        for seed in range(20):
            item = reasoning.draw(seed, kind=kind)
            for text in (item.prompt, item.answer, item.explanation):
                assert "sqrt(" not in text and " . k" not in text, text


def test_equal_scores():
    for seed in SEEDS:
        item = reasoning.draw(seed, kind="equal_scores")
        w = _common(item, "equal_scores")
        n = item.numbers
        q, keys, values = n["query"], n["keys"], n["values"]
        scores = [sum(a * b for a, b in zip(q, k)) for k in keys]
        assert len(set(scores)) == 1 and any(q)
        k = len(keys)
        assert np.allclose(w, 1 / k, rtol=0, atol=1e-15)
        mean = [math.fsum(v[c] for v in values) / k for c in range(2)]
        assert "(" + ", ".join(dec_text(x, 2) for x in mean) + ")" in item.answer
        assert f"1/{k} = {dec_text(1 / k, 3)}" in item.answer
        assert len({tuple(v) for v in values}) == k  # the mean is not just one repeated value


def test_dominant_score():
    for seed in SEEDS:
        item = reasoning.draw(seed, kind="dominant_score")
        w = _common(item, "dominant_score")
        n = item.numbers
        q, keys, values = n["query"], n["keys"], n["values"]
        scores = [sum(a * b for a, b in zip(q, k)) for k in keys]
        lead = scores.index(max(scores))
        assert sorted(scores)[-2] < scores[lead] and n["dominant"] == lead
        dist, top = [], []
        for c, row in zip(n["stretch"], w):
            (ref,) = ref_head([[c * x for x in q]], keys, values)
            assert np.allclose(row, ref["weights"], rtol=0, atol=1e-12)
            top.append(ref["weights"][lead])
            dist.append(math.dist(ref["output"], values[lead]))
        assert all(a < b for a, b in zip(top, top[1:])) and top[-1] >= 0.95 - 5e-4
        assert all(a > b for a, b in zip(dist, dist[1:]))
        target = "(" + ", ".join(str(int(x)) for x in values[lead]) + ")"
        assert f"v{lead + 1} = {target}" in item.answer


def _vector(text: str) -> list[float]:
    return [float(x) for x in text.split(",")]


def test_dominant_score_front_gives_every_number_the_back_uses():
    # A learner has only the prompt: read q, the keys, the values, d_k and the stretches
    # from its words, compute each weight and output from them, and find the back's numbers.
    for seed in range(100):
        item = reasoning.draw(seed, kind="dominant_score")
        front = item.prompt
        q = _vector(re.search(r"query q = \(([^)]*)\)", front).group(1))
        keys = [_vector(m) for m in re.findall(r"k\d = \(([^)]*)\)", front)]
        values = [_vector(m) for m in re.findall(r"v\d = \(([^)]*)\)", front)]
        d_k = int(re.search(r"\\\(d_k = (\d+)\\\)", front).group(1))
        assert f"divided by \\(\\sqrt{{{d_k}}}\\)" in front, front
        stretch = [int(x) for x in re.search(r"multiplied by ([\d, ]+) in turn", front).group(1).split(", ")]
        assert d_k == len(q) and len(keys) == len(values) == 3
        scores = [sum(a * b for a, b in zip(q, k)) for k in keys]
        lead = scores.index(max(scores))
        said = re.findall(r"×(\d+): weight ([<>]?[\d.]+), output \(([^)]*)\)", item.answer)
        assert [int(c) for c, _, _ in said] == stretch
        for (c, weight, output), factor in zip(said, stretch):
            w = ref_softmax([factor * s / math.sqrt(d_k) for s in scores])
            out = [sum(wi * v[j] for wi, v in zip(w, values)) for j in range(2)]
            assert weight == _printed(w[lead]) and output == ", ".join(dec_text(x, 2) for x in out), (seed, c)


def test_scaling_dk():
    for seed in SEEDS:
        item = reasoning.draw(seed, kind="scaling_dk")
        w = _common(item, "scaling_dk")
        small, big = item.numbers["d_k"]
        assert small < big
        maxima = {}
        for i, d in enumerate((small, big)):
            facts = item.numbers[str(d)]
            q, keys = facts["query"], facts["keys"]
            assert len(q) == d and all(abs(x) == 1 for x in q + sum(keys, []))
            scores = [sum(a * b for a, b in zip(q, k)) for k in keys]
            raw, scaled = ref_softmax(scores), ref_softmax([s / math.sqrt(d) for s in scores])
            assert np.allclose(w[2 * i], raw, rtol=0, atol=1e-12)
            assert np.allclose(w[2 * i + 1], scaled, rtol=0, atol=1e-12)
            mean = sum(scores) / len(scores)
            spread = math.sqrt(sum((s - mean) ** 2 for s in scores) / len(scores))
            assert dec_text(spread, 2) in item.explanation
            maxima[d] = (max(raw), max(scaled))
        # What the answer claims: the raw softmax saturates at the larger d_k and not at the
        # smaller, and divided by sqrt(d_k) both heads stay spread over several keys: the
        # largest weight at most 0.7, at least three of the four keys at 0.05 or more.
        assert maxima[big][0] >= 0.9 - 5e-4 and maxima[small][0] <= 0.9 + 5e-4 and maxima[big][0] > maxima[small][0]
        for d in (small, big):
            scaled = w[2 * (d == big) + 1]
            assert max(scaled) <= 0.7 + 5e-4 and sum(x >= 0.05 - 5e-4 for x in scaled) >= 3, (seed, d, scaled)
        # Each maximum printed as the map prints it (never 0.000 or 1.000), in the order named.
        said = [_printed(maxima[small][0]), _printed(maxima[big][0]), _printed(maxima[small][1]), _printed(maxima[big][1])]
        assert re.findall(r"[<>]?\d\.\d{3}", item.answer) == said, (item.answer, said)


def test_no_weight_in_any_reasoning_text_reads_as_none_or_all():
    for kind in reasoning.KINDS:
        for seed in range(100):
            item = reasoning.draw(seed, kind=kind)
            for text in (item.prompt, item.answer, item.explanation):
                assert not re.search(r"(?<![\d.])[01]\.000\b", text), (kind, seed, text)


def test_kind_none_draws_a_kind_and_matches_asking_for_it():
    kinds = set()
    for seed in range(60):
        item = reasoning.draw(seed, variant=2)
        kinds.add(item.kind)
        same = reasoning.draw(seed, variant=2, kind=item.kind)
        assert (item.prompt, item.answer, item.explanation) == (same.prompt, same.answer, same.explanation)
    assert kinds == set(reasoning.KINDS)


def test_reproducible_and_variants_independent():
    for kind in reasoning.KINDS:
        a = [reasoning.draw(21, k, kind) for k in range(4)]
        b = [reasoning.draw(21, k, kind) for k in reversed(range(7))][::-1][:4]
        assert [x.prompt for x in a] == [x.prompt for x in b]
        assert all(np.array_equal(x.weights, y.weights) for x, y in zip(a, b))
        assert len({x.prompt + x.answer for x in a}) == 4


@pytest.mark.parametrize(
    ("kwargs", "words"),
    [
        ({"kind": "heatmap"}, "kind must be one of image_grid, caption_words, equal_scores, dominant_score, scaling_dk"),
        ({"variant": -1}, "variant must be an integer from 0 to 4294967295"),
        ({"seed": -1}, "seed must be an integer from 0 to 9223372036854775807"),
    ],
)
def test_bad_parameters(kwargs, words):
    with pytest.raises(ParameterError) as caught:
        reasoning.draw(**{"seed": 1, **kwargs})
    assert words in str(caught.value)
