"""Stage two: the numbers a lesson asks for, drawn by the practice engine.

A lesson names its worked example in the front matter::

    lesson:
      worked_example: {seed: 11}

so the slides, the figure of the head and the cards all come from one draw.
"""
from __future__ import annotations

from typing import Any

from .errors import BuildError, ParameterError
from .model import Lesson
from .practice import attention
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
    return context


def _meta_line(lesson: Lesson) -> int:
    return lesson.metadata_lines.get("worked_example", 1)
