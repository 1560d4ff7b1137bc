"""Retired card keys: listed once, never reused; and the lesson's cards state the
corrected facts (each check below is a sentence an expert asked for, by key)."""
from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest

from generator.anki.cards import parse_cards, retired_keys
from generator.errors import BuildError

CARDS = Path(__file__).resolve().parent.parent / "cards" / "07-sequence-tools.cards"


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "x.cards"
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


def test_reusing_a_retired_key_is_an_error_at_its_line(tmp_path):
    path = write(tmp_path, """
        retired: old-card other
        == new-card
        front: a
        back: b

        == old-card
        front: c
        back: d
        """)
    with pytest.raises(BuildError) as caught:
        parse_cards(path)
    assert str(caught.value).startswith(f"{path}:6: card key 'old-card' is retired (line 1)")


def test_retired_keys_are_read_and_checked(tmp_path):
    ok = write(tmp_path, "retired: a-1 b-2\nretired: c-3\n== live\nfront: x\nback: y\n")
    assert retired_keys(ok) == {"a-1": 1, "b-2": 1, "c-3": 2}
    assert [c.key for c in parse_cards(ok)] == ["live"]
    late = write(tmp_path, "== live\nfront: x\nback: y\nretired: a-1\n")
    with pytest.raises(BuildError, match=r"x.cards:4: 'retired:' belongs before"):
        parse_cards(late)
    bad = write(tmp_path, "retired: Bad_Key\n== live\nfront: x\nback: y\n")
    with pytest.raises(BuildError, match=r"x.cards:1: bad retired key 'Bad_Key'"):
        parse_cards(bad)


def test_the_lesson_retires_vit_architecture_and_uses_no_retired_key():
    retired = retired_keys(CARDS)
    assert "vit-architecture" in retired
    assert not set(retired) & {c.key for c in parse_cards(CARDS)}


def card(key: str) -> str:
    found = [c for c in parse_cards(CARDS) if c.key == key]
    assert len(found) == 1, key
    return " ".join(found[0].fields.values())


@pytest.mark.parametrize("key, must, must_not", [
    ("attention-step-scale", [r"\*\*variance\*\*", r"mean 0"], [r"larger on average"]),
    ("attention-step-sum", [r"convex hull", r"Step 5"], [r"Step 4"]),
    ("attention-step-softmax", [r"Steps 3 and 4"], []),
    ("attention-step-scores", [r"q \\cdot k_i"], [r"similar direction"]),
    ("attention-score-meaning", [r"\\cos\\theta", r"long"], []),
    ("attention-vs-recurrence-path", [r"In an RNN, \\\(T\\\)", r"In attention, 1"], [r"T - 1\\\) updates of the hidden"]),
    ("rnn-limit-long-range", [r"vanishing", r"exploding"], []),
    ("gradient-clipping", [r"\*\*Exploding\*\*", r"nothing for vanishing"], []),
    ("rnn-limits-pair", [r"three words"], [r"two words"]),
    ("vit-replaces", [r"one convolution whose kernel and stride are the patch size", r"16×16, stride 16, for ViT-Base/16", r"MLP"], [r"replaces \*\*convolution\*\* entirely"]),
    ("vit-token-count", [r"196", r"\*\*197\*\*"], []),
    ("vit-cls-token", [r"separately learned", r"\*\*not\*\* a patch"], []),
    ("captioning-attention", [r"weighted average"], [r"Show, Attend and Tell.*\?"]),
    ("captioning-attention-scoring", [r"MLP", r"previous state", r"\*\*averaged\*\*"], []),
    ("attention-two-lifts", [r"within a layer", r"path length 1"], []),
    ("why-combined", [r"fix for recurrence's two limits"], []),
    ("which-tool", [], [r"little memory"]),
])
def test_corrected_facts(key, must, must_not):
    text = card(key)
    for pattern in must:
        assert re.search(pattern, text), (key, pattern)
    for pattern in must_not:
        assert not re.search(pattern, text), (key, pattern)


def test_rnn_numbers_card_matches_a_recomputation():
    text = card("rnn-vanish-explode-numbers")
    assert 0.5**20 < 1e-6 * 1.05 and round(1.5**20, -2) == 3300
    assert "0.5^{20} \\approx 10^{-6}" in text and "1.5^{20} \\approx 3300" in text
