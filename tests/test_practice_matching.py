"""Architecture matching: the computed answer is right, the shuffles vary, seeds reproduce.

Whether a task fits an architecture is judged here by reading the task's own words
(video words mean frames, patch-token words mean ViT, ...), not by the engine's table.
"""
from __future__ import annotations

import re
from collections import Counter

import pytest

from generator.errors import ParameterError
from generator.practice import matching

LESSON_TASKS = {
    # From the lesson: task -> architecture.
    "caption an image from one summary": "CNN + RNN",
    "caption an image, letting each word look at the image regions": "CNN + attention + RNN",
    "classify a video clip": "per-frame CNN + RNN",
    "classify an image from patches, with no stack of convolution layers": "ViT",
}

# Words that name an architecture or its core part: a task containing one gives its answer away.
NAMES = ("cnn", "rnn", "vit", "transformer", "attention", "attend", "recurren", "lstm", "convolutional network")


def named(text: str) -> list[str]:
    return [w for w in NAMES if re.search(rf"\b{re.escape(w)}", text.lower())]


def judge(task: str) -> str:
    """The architecture a task's wording calls for, read from what the task needs."""
    t = task.lower()
    if any(w in t for w in ("video", "frame", "footage", "clip", "time-lapse")):
        return "per-frame CNN + RNN"
    if any(w in t for w in ("caption", "sentence", "alt text", "describe", "description", "title")):
        looks = any(w in t for w in ("region", "part of the image", "part of the picture", "patch", "look at",
                                     "area", "location", "without squeezing"))
        return "CNN + attention + RNN" if looks else "CNN + RNN"
    if any(w in t for w in ("small", "few thousand", "scarce", "modest", "tens of thousands")):
        return "CNN"
    if any(w in t for w in ("patch", "pre-train", "every other")):
        return "ViT"
    raise AssertionError(f"the test cannot tell what {task!r} needs")


def test_the_lesson_tasks_are_in_the_table_with_their_architecture():
    texts = {t.text.rstrip(".").lower(): t.architecture for t in matching.TASKS}
    for task, arch in LESSON_TASKS.items():
        assert arch in [a for text, a in texts.items() if text.startswith(task)], task


def test_every_phrasing_reads_as_its_architecture_without_naming_it():
    for t in matching.TASKS:
        assert judge(t.text) == t.architecture, t.text
        assert not named(t.text), t.text
    per = Counter(t.architecture for t in matching.TASKS)
    assert set(per) == {a.name for a in matching.ARCHITECTURES} and min(per.values()) >= 8
    assert len({t.text for t in matching.TASKS}) == len(matching.TASKS) >= 40


def test_the_name_check_catches_a_named_task():
    # The old ViT phrasing named its answer; the check above must reject it.
    assert named("Label a photo with a Transformer that treats patches as tokens.")
    assert not named("Give one activity label to a clip.")  # "vit" inside a word is no name


def test_reasons_are_written_per_task():
    reasons = [t.reason for t in matching.TASKS]
    assert len(set(reasons)) == len(reasons)
    assert all(r and "\n" not in r for r in reasons)


@pytest.mark.parametrize("n", range(2, 9))
def test_drawn_matchings_are_correct_and_well_formed(n):
    names = {a.name for a in matching.ARCHITECTURES}
    for seed in range(300):
        m = matching.draw(seed, variant=seed % 3, n=n)
        assert len(m.tasks) == n == len(set(m.tasks)) == len(m.answer) == len(m.answer_index)
        assert set(m.architectures) == names and len(m.architectures) == len(names)
        used = Counter()
        reason_of = {t.text: t.reason for t in matching.TASKS}
        for i, (task, arch, reason) in enumerate(m.answer):
            assert task == m.tasks[i]
            assert arch == judge(task) == m.architectures[m.answer_index[i]]
            assert reason == reason_of[task]
            used[arch] += 1
        if n <= 4:
            # Distinct answers, and more architectures listed than tasks: distractors.
            assert max(used.values()) == 1 and len(m.architectures) > n
        else:
            assert set(used) == names  # past four, every listed architecture is needed
        # The listed order never simply follows the tasks.
        assert any(m.architectures[i] != m.answer[i][1] for i in range(min(n, 5)))


def test_subsets_and_orders_vary_with_the_seed():
    tasks, first_arch, spare = Counter(), Counter(), Counter()
    for seed in range(400):
        m = matching.draw(seed)
        tasks.update(m.tasks)
        first_arch[m.architectures[0]] += 1
        spare.update(set(m.architectures) - {a for _, a, _ in m.answer})
    assert set(tasks) == {t.text for t in matching.TASKS}  # every phrasing gets drawn
    assert len(first_arch) == 5 and min(first_arch.values()) > 40
    assert len(spare) == 5  # every architecture is sometimes the distractor


def test_reproducible_and_variants_independent():
    a = [matching.draw(11, variant=k) for k in range(5)]
    b = [matching.draw(11, variant=k) for k in reversed(range(8))][::-1][:5]
    assert a == b
    assert len({m.tasks for m in a}) > 1
    assert matching.draw(12) != matching.draw(11)


@pytest.mark.parametrize(
    ("kwargs", "words"),
    [
        ({"n": 1}, "n must be an integer from 2 to 8, got 1"),
        ({"n": 9}, "n must be an integer from 2 to 8"),
        ({"n": True}, "n must be an integer from 2 to 8"),
        ({"variant": -1}, "variant must be an integer from 0 to 4294967295"),
        ({"seed": -3}, "seed must be an integer from 0 to 9223372036854775807"),
    ],
)
def test_bad_parameters(kwargs, words):
    with pytest.raises(ParameterError) as caught:
        matching.draw(**{"seed": 1, **kwargs})
    assert words in str(caught.value)
