"""Stage two: the numbers a lesson asks for, drawn by the practice engine.

A lesson names its worked example in the front matter::

    lesson:
      worked_example: {seed: 11}

so the slides, the figure of the head and the cards all come from one draw.
``rnn_example: {seed: 37}`` does the same for the scalar RNN of limit 2: the text
then sees ``rnn.vanishing`` and ``rnn.exploding`` (each a practice.rnn.Display).
"""
from __future__ import annotations

from typing import Any

from .errors import BuildError, ParameterError
from .model import Lesson
from .practice import attention, rnn
from .practice.steps import worked_steps


def lesson_examples(lesson: Lesson) -> dict[str, attention.Problem]:
    """The lesson's named problems (for now: ``worked``)."""
    spec = lesson.metadata.get("worked_example")
    if spec is None:
        return {}
    if not isinstance(spec, dict) or not isinstance(spec.get("seed"), int):
        raise BuildError("lesson.worked_example must be a mapping with an integer 'seed'", lesson.path, _meta_line(lesson))
    try:
        return {"worked": attention.worked_example(spec["seed"])}
    except ParameterError as exc:
        raise BuildError(f"worked_example: {exc}", lesson.path, _meta_line(lesson)) from None


def template_context(lesson: Lesson, examples: dict[str, attention.Problem]) -> dict[str, Any]:
    """What jinja2 sees in the lesson's cells."""
    context: dict[str, Any] = {"lesson": lesson.metadata, "title": lesson.title}
    for name, problem in examples.items():
        # A lesson's named example has one query: the template gets that query's steps.
        context[name] = worked_steps(problem)[0]
        context[f"{name}_problem"] = problem
        context[f"{name}_mistakes"] = attention.mistakes(problem)
    context["rounding"] = attention.ROUNDING
    context.update(_rnn_context(lesson))
    return context


def _rnn_context(lesson: Lesson) -> dict[str, Any]:
    """The scalar RNNs of limit 2, one per regime, when the front matter asks for them."""
    spec = lesson.metadata.get("rnn_example")
    if spec is None:
        return {}
    if not isinstance(spec, dict) or not isinstance(spec.get("seed"), int) or isinstance(spec.get("seed"), bool):
        raise BuildError("lesson.rnn_example must be a mapping with an integer 'seed'", lesson.path, _meta_line(lesson, "rnn_example"))
    try:
        problems = rnn.lesson_examples(spec["seed"])
    except ParameterError as exc:
        raise BuildError(f"rnn_example: {exc}", lesson.path, _meta_line(lesson, "rnn_example")) from None
    return {
        "rnn": {name: rnn.rounded(p) for name, p in problems.items()},
        "rnn_mistakes": {name: rnn.mistakes(p) for name, p in problems.items()},
        "rnn_horizon": {name: rnn.horizon(p) for name, p in problems.items()},
    }


def _meta_line(lesson: Lesson, name: str = "worked_example") -> int:
    return lesson.metadata_lines.get(name, 1)
