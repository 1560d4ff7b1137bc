"""Where to go deeper: every question is routed as the lesson and the outline say, and the
draws keep their guarantees over thousands of seeds.

Which track a question belongs to is judged here from the question's own words (gates,
time steps and unrolling are recurrence; heads, positions, Transformers and masks are
attention), not from the engine's table. The two destinations are read from the lesson's
slide and the course outline, not copied from the engine.
"""
from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from generator.errors import ParameterError
from generator.practice import tracks

ROOT = Path(__file__).resolve().parent.parent
LESSON = ROOT / "slides" / "07-sequence-tools.md"
OUTLINE = Path("/work/shared/seeds/000_a577ee7f180f1d83.txt")

RECURRENCE_WORDS = ("lstm", "gru", "gate", "backpropagation through time", "backward pass", "time step",
                    "step 20", "two gates", "decoder that wrote it", "step by step")
ATTENTION_WORDS = ("attention", "transformer", "head", "position", "query", "token")


def judge(question: str) -> str:
    """'recurrence' or 'attention', from the question's words; exactly one must match."""
    t = question.lower()
    rec = [w for w in RECURRENCE_WORDS if w in t]
    att = [w for w in ATTENTION_WORDS if w in t]
    if bool(rec) == bool(att):
        raise AssertionError(f"the test cannot tell {question!r}: {rec} {att}")
    return "recurrence" if rec else "attention"


def destination(track: str) -> str:
    """'recurrence' or 'attention' for a track name, by the track numbers the lesson's slide gives."""
    numbers = set(re.findall(r"Track (\d+)", track))
    if numbers == {"12"}:
        return "recurrence"
    if numbers == {"5", "14"}:
        return "attention"
    raise AssertionError(f"{track!r} is neither of the lesson's destinations")


def test_the_destinations_are_the_ones_the_lesson_and_outline_give():
    slide = LESSON.read_text(encoding="utf-8").split("## Why one lesson, and where to go deeper", 1)[1]
    slide = slide.split("\n## ", 1)[0]
    assert "**Track 12, lesson 2**: recurrence" in slide
    assert "**Track 5** (a multi-lesson sequence) and **Track 14**: attention and Transformers" in slide
    if OUTLINE.exists():  # the outline lives outside the repository
        outline = OUTLINE.read_text(encoding="utf-8")
        assert "Track 12 L2 for recurrence; Track 5 multi-lesson + Track 14 for attention/transformers" in outline
    assert [destination(t.name) for t in tracks.TRACKS] == ["recurrence", "attention"]
    assert "Track 12, lesson 2" in tracks.TRACKS[0].name


def test_every_question_is_routed_by_its_own_words_and_names_no_track():
    for q in tracks.QUESTIONS:
        assert judge(q.text) == destination(q.track), q.text
        assert not re.search(r"\btrack\b|\blesson\b", q.text, re.I), q.text
    per = Counter(destination(q.track) for q in tracks.QUESTIONS)
    assert len(tracks.QUESTIONS) >= 20 and min(per.values()) >= 10
    assert len({q.text for q in tracks.QUESTIONS}) == len(tracks.QUESTIONS)


def test_the_questions_the_brief_names_are_there():
    # The deferred topics the slide's notes list: BPTT, gating, multi-head, positional encodings.
    texts = " ".join(q.text.lower() for q in tracks.QUESTIONS)
    for topic in ("backpropagation through time", "gate", "multi-head", "positional encodings", "pre-trained at scale"):
        assert topic in texts, topic


def test_the_judge_can_fail():
    with pytest.raises(AssertionError):
        judge("How does a Transformer's head gate its input?")  # both kinds of word
    with pytest.raises(AssertionError):
        judge("How are images stored?")  # neither
    with pytest.raises(AssertionError):
        destination("Track 12 and Track 14")


def test_reasons_are_written_per_question_and_say_the_destination():
    reasons = [q.reason for q in tracks.QUESTIONS]
    assert len(set(reasons)) == len(reasons)
    for q in tracks.QUESTIONS:
        assert q.reason and "\n" not in q.reason
        topic = r"recurren|training through time|gate" if destination(q.track) == "recurrence" else r"attention|transformer"
        assert re.search(topic, q.reason, re.I), q.reason


@pytest.mark.parametrize("n", range(2, 9))
def test_guarantees_over_thousands_of_seeds(n):
    reason_of = {q.text: q.reason for q in tracks.QUESTIONS}
    seeds = 5000 if n == 4 else 800  # the deck's n gets the full 5,000
    splits = Counter()
    for seed in range(seeds):
        t = tracks.draw(seed, variant=seed % 7, n=n)
        assert len(t.questions) == n == len(set(t.questions)) == len(t.answer) == len(t.answer_index)
        assert [destination(x) for x in t.tracks] == ["recurrence", "attention"]
        routed = []
        for i, (question, track, reason) in enumerate(t.answer):
            assert question == t.questions[i] and reason == reason_of[question]
            assert destination(track) == judge(question)
            assert t.tracks[t.answer_index[i]] == track
            routed.append(judge(question))
        assert set(routed) == {"recurrence", "attention"}  # both destinations are needed
        splits[routed.count("recurrence")] += 1
    if n >= 4:
        assert len(splits) >= 3  # the split varies: counting does not give the answer away


def test_every_question_gets_drawn_and_each_comes_first_sometimes():
    drawn, first = Counter(), Counter()
    for seed in range(600):
        t = tracks.draw(seed)
        drawn.update(t.questions)
        first[judge(t.questions[0])] += 1
    assert set(drawn) == {q.text for q in tracks.QUESTIONS}
    assert min(first.values()) > 200


def test_a_pure_function_of_seed_key_and_variant():
    a = [tracks.draw(11, variant=k) for k in range(5)]
    b = [tracks.draw(11, variant=k) for k in reversed(range(8))][::-1][:5]
    assert a == b
    assert len({t.questions for t in a}) > 1
    assert tracks.draw(12) != tracks.draw(11)
    # Large derived variants (per-note pools) work and stay independent of each other.
    assert tracks.draw(3, variant=2**32 - 1) == tracks.draw(3, variant=2**32 - 1) != tracks.draw(3, variant=2**32 - 2)


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
        tracks.draw(**{"seed": 1, **kwargs})
    assert words in str(caught.value)
