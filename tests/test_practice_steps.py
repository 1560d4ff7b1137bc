"""One worked-steps view, one step numbering: the slides' five steps everywhere."""
from __future__ import annotations

import json
import re

import pytest

from conftest import ROOT
from test_practice_reference import DECIMALS, dec_text, ref_head

from generator.anki.practice import attention_fields
from generator.anki.figures import Svg
from generator.practice import attention
from generator.practice.cli import worked_text
from generator.practice.steps import worked_steps

# The lesson's numbering, written out here rather than read from the code under test.
LESSON_STEPS = [(1, "scores"), (2, "scaled"), (3, "exp"), (4, "weights"), (5, "output")]


@pytest.mark.parametrize("n_queries", [1, 2, 3])
def test_view_is_per_query_with_the_lesson_numbers_and_printed_digits(n_queries):
    problem = attention.draw(11, n_queries=n_queries, d_k=3, n_keys=4)
    views = worked_steps(problem)
    assert len(views) == n_queries
    refs = ref_head(problem.query.tolist(), problem.keys.tolist(), problem.values.tolist())
    for j, (view, ref) in enumerate(zip(views, refs)):
        assert view.index == j and [(s.number, s.name) for s in view.steps] == LESSON_STEPS
        for step in view.steps:
            assert list(step.cells) == [dec_text(x, DECIMALS[step.name]) for x in ref[step.name]]
        assert view.step("exp").total == dec_text(ref["exp_sum"], DECIMALS["exp_sum"])
        assert view.sqrt_d_k == "1.732051"  # sqrt(3) = 1.7320508..., to six decimals
        top = max(ref["weights"])
        assert list(view.most_attended) == [i for i, w in enumerate(ref["weights"]) if w == top]


def test_practice_command_numbers_the_steps_as_the_lesson():
    text = worked_text(attention.draw(3, n_queries=2))
    found = re.findall(r"^Step (\d)\. (\w+)", text, re.M)
    assert found == [("1", "Scores"), ("2", "Divide"), ("3", "Exponentials"), ("4", "Softmax"), ("5", "Output")] * 2


def test_card_lists_the_steps_in_the_lesson_order():
    problem = attention.draw(3, n_queries=2)
    fields, _ = attention_fields("07-x", problem, Svg.of('<svg width="1" height="1"></svg>'))
    # An <ol> numbers its items 1, 2, ...: item k is step k.
    assert re.findall(r'data-step="(\w+)"', fields["Steps"]) == [name for _, name in LESSON_STEPS]
    assert fields["Steps"].startswith("<ol>")


def test_slides_number_the_steps_as_the_view(built):
    notebook = json.loads((built / "slides" / "07-sequence-tools.ipynb").read_text())
    text = "\n".join("".join(c["source"]) for c in notebook["cells"])
    found = re.findall(r"\*\*(\d)\. (Scores|Scaled|Exponentials|Softmax|Weighted sum)\*\*", text)
    assert [int(n) for n, _ in found] == [1, 2, 3, 4, 5]


def test_flashcards_number_the_steps_as_the_lesson():
    cards = (ROOT / "cards" / "07-sequence-tools.cards").read_text()
    fronts = dict(re.findall(r"^== (attention-step-\w+)\n(?:tags:.*\n)?front: (Steps? [\d and]+)of", cards, re.M))
    assert fronts == {
        "attention-step-scores": "Step 1 ",
        "attention-step-scale": "Step 2 ",
        "attention-step-softmax": "Steps 3 and 4 ",
        "attention-step-sum": "Step 5 ",
    }
