"""The numbers of a class set of worksheets: version k is variant k of every exercise.

Each exercise is drawn exactly as the Anki deck draws it, from (seed, exercise
key, variant), so version k of a worksheet is the same on every machine for the
same seed: the attention head and the matching set through the deck's own draw
functions and the lesson's practice settings, the scalar RNN from its engine
(key ``rnn``), and a map to read from the reasoning engine (``image_grid`` on
odd versions, ``caption_words`` on even ones). Nothing here formats for print:
the templates lay these out.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..practice import attention, reasoning, rnn, symbols
from ..practice.steps import QuerySteps, worked_steps

RNN_KEY = "rnn"
MAP_KINDS = ("caption_words", "image_grid")  # by variant parity: version 1 reads an image grid


@dataclass(frozen=True)
class Slip:
    name: str  # as printed, with \\( ... \\) maths: "no scaling", "divide by \\(d_k\\)"
    answer: str  # what the slip leads to, as printed
    explanation: str  # plain text with \\( ... \\) maths, as the cards set it


@dataclass(frozen=True)
class Version:
    number: int  # the version printed on the sheet, and the variant of every exercise
    code: str  # printed on every page: lesson, seed and version
    head: QuerySteps  # the attention head's worked steps (inputs and the five steps)
    head_slips: tuple[Slip, ...]
    rnn: rnn.Display
    rnn_regime: str
    rnn_horizon: dict[str, Any]  # practice.rnn.horizon: what holds over many steps
    rnn_slips: tuple[Slip, ...]
    matching: Any  # practice.matching.Matching
    letters: tuple[str, ...]  # one per architecture, in the order listed
    answer_letters: tuple[str, ...]  # one per task
    map: reasoning.Reasoning


def version_code(lesson_number: Any, seed: int, number: int) -> str:
    """Short enough to read aloud, and enough to rebuild the sheet: lesson, seed, version."""
    lesson = f"L{int(lesson_number):02d}" if isinstance(lesson_number, int) else "L"
    return f"{lesson}-{seed}-V{number}"


def _head_slips(problem: attention.Problem) -> tuple[Slip, ...]:
    out = []
    for name, slip in attention.mistakes(problem).items():
        if not slip.differs:
            continue  # the slip lands on the right answer: nothing to warn about
        answer = f"weights {', '.join(slip.text['weights'][0])}; output ({', '.join(slip.text['output'][0])})"
        out.append(Slip(symbols.attention_tex(name.replace("_", " ").replace("dk", "d_k")), answer,
                        symbols.attention_tex(slip.explanation)))
    return tuple(out)


def _rnn_slips(problem: rnn.Problem) -> tuple[Slip, ...]:
    return tuple(
        Slip(symbols.rnn_tex(name.replace("_", " ")), f"factors {', '.join(s.text['factors'])}; product {s.text['product']}",
             symbols.rnn_tex(s.explanation))
        for name, s in rnn.mistakes(problem).items()
    )


def draw_version(seed: int, number: int, settings: Any, lesson_number: Any) -> Version:
    """Version ``number`` (>= 1) of the worksheet, from the build's seed and the lesson's
    practice settings (generator.anki.settings.PracticeSettings)."""
    from ..anki import practice as deck

    problem = deck.draw_attention(seed, number, settings.of(deck.ATTENTION_KEY))
    chain = rnn.draw(seed, key=RNN_KEY, variant=number)
    match = deck.draw_matching(seed, number, settings.of(deck.MATCHING_KEY))
    letters = tuple(chr(ord("A") + i) for i in range(len(match.architectures)))
    return Version(
        number=number,
        code=version_code(lesson_number, seed, number),
        head=worked_steps(problem)[0],
        head_slips=_head_slips(problem),
        rnn=rnn.rounded(chain),
        rnn_regime=chain.regime,
        rnn_horizon=rnn.horizon(chain),
        rnn_slips=_rnn_slips(chain),
        matching=match,
        letters=letters,
        answer_letters=tuple(letters[i] for i in match.answer_index),
        map=reasoning.draw(seed, variant=number, kind=MAP_KINDS[number % 2]),
    )
