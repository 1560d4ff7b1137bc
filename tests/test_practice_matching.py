"""Architecture matching: the computed answer is right, the shuffles vary, seeds reproduce.

Whether a task fits an architecture is judged here by reading the task's own words
(video words mean frames, patch-token words mean ViT, ...), not by the engine's table.
"""
from __future__ import annotations

from collections import Counter

import pytest

from generator.errors import ParameterError
from generator.practice import matching

LESSON_TASKS = {
    # From the lesson: task -> architecture.
    "caption an image": "CNN + RNN",
    "caption an image with attention to image regions": "CNN + attention + RNN",
    "classify a video clip": "per-frame CNN + RNN",
    "classify an image from patches with no convolution": "ViT",
}


def judge(task: str) -> str:
    """The architecture a task's wording calls for."""
    t = task.lower()
    if any(w in t for w in ("video", "frame", "footage", "clip")):
        return "per-frame CNN + RNN"
    if any(w in t for w in ("caption", "sentence", "alt text", "describe", "word")):
        looks = any(w in t for w in ("region", "part of the image", "patch", "look at"))
        return "CNN + attention + RNN" if looks else "CNN + RNN"
    if any(w in t for w in ("patch", "transformer", "[cls]", "token")):
        return "ViT"
    raise AssertionError(f"the test cannot tell what {task!r} needs")


def test_the_lesson_tasks_are_in_the_table_with_their_architecture():
    texts = {t.text.rstrip(".").lower(): t.architecture for t in matching.TASKS}
    for task, arch in LESSON_TASKS.items():
        hits = [a for text, a in texts.items() if text.startswith(task) and (task != "caption an image" or "attention" not in text)]
        assert arch in hits, task


def test_every_phrasing_reads_as_its_architecture():
    for t in matching.TASKS:
        assert judge(t.text) == t.architecture, t.text
    per = Counter(t.architecture for t in matching.TASKS)
    assert set(per) == {a.name for a in matching.ARCHITECTURES} and min(per.values()) >= 3


@pytest.mark.parametrize("n", range(2, 9))
def test_drawn_matchings_are_correct_and_well_formed(n):
    for seed in range(300):
        m = matching.draw(seed, variant=seed % 3, n=n)
        assert len(m.tasks) == n == len(set(m.tasks)) == len(m.answer) == len(m.answer_index)
        assert len(set(m.architectures)) == len(m.architectures) == min(n, 4)
        used = Counter()
        for i, (task, arch, reason) in enumerate(m.answer):
            assert task == m.tasks[i]
            assert arch == judge(task) == m.architectures[m.answer_index[i]]
            assert reason and "\n" not in reason
            used[arch] += 1
        assert set(used) == set(m.architectures)  # every listed architecture is needed
        if n <= 4:
            assert max(used.values()) == 1
        # The listed order never simply follows the tasks.
        assert any(m.architectures[i] != m.answer[i][1] for i in range(min(n, 4)))


def test_subsets_and_orders_vary_with_the_seed():
    tasks, first_arch = Counter(), Counter()
    for seed in range(400):
        m = matching.draw(seed)
        tasks.update(m.tasks)
        first_arch[m.architectures[0]] += 1
    assert set(tasks) == {t.text for t in matching.TASKS}  # every phrasing gets drawn
    assert len(first_arch) == 4 and min(first_arch.values()) > 40


def test_reproducible_and_variants_independent():
    a = [matching.draw(11, variant=k) for k in range(5)]
    b = [matching.draw(11, variant=k) for k in reversed(range(8))][::-1][:5]
    assert a == b
    assert len({m.tasks for m in a}) > 1
    assert matching.draw(12) != matching.draw(11)


@pytest.mark.parametrize(
    ("kwargs", "words"),
    [
        ({"n": 1}, "n must be an integer in [2, 8], got 1"),
        ({"n": 9}, "n must be an integer in [2, 8]"),
        ({"n": True}, "n must be an integer in [2, 8]"),
        ({"variant": -1}, "variant must be an integer in [0, 2**32)"),
        ({"seed": -3}, "seed must be an integer in [0, 2**63)"),
    ],
)
def test_bad_parameters(kwargs, words):
    with pytest.raises(ParameterError) as caught:
        matching.draw(**{"seed": 1, **kwargs})
    assert words in str(caught.value)
