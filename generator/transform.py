"""Stage three: render each cell's jinja2 text and draw the figures it asks for.

A figure is asked for with Markdown image syntax, so the source reads naturally::

    ![An RNN unrolled over five steps](figure:rnn?T=5&pattern=one-to-many)

The build draws it and puts the SVG inline as a data URI: the notebook stays one file.
"""
from __future__ import annotations

import base64
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

import jinja2

from .errors import BuildError, ParameterError
from .figures.cache import FigureCache, Rendered
from .model import DeckCell, Lesson
from .practice.attention import Problem, fmt
from .sandbox import add_filter, render_bounded
from .templating import environment

_FIGURE = re.compile(r"!\[(?P<alt>[^\]]*)\]\(figure:(?P<name>[^)?\s]*)(?:\?(?P<query>[^)\s]*))?\)")


@dataclass
class RenderedCell:
    kind: str
    source: str
    slide_type: str
    line: int


@dataclass
class Deck:
    """A lesson ready to export: final text, figures inline."""

    lesson: Lesson
    cells: list[RenderedCell]
    figures: list[Rendered]


MAX_PARAMETER = 100  # characters in one figure parameter, name and value


def _environment() -> jinja2.Environment:
    # Sandboxed and bounded: lessons come from pull requests (see sandbox.py).
    env = environment("lesson", autoescape=False, sandboxed=True, keep_trailing_newline=False)
    # Macros that lay out a worked head: {{ head.table(worked) }}, {{ head.scores(worked) }}, ...
    # One formatter for every number: {{ x | num('weights') }} prints as the cards do.
    add_filter(env, "num", fmt)
    env.globals["head"] = env.get_template("head.md.j2").module
    return env


def _template_line(exc: BaseException) -> int | None:
    """The template line a jinja2 runtime error happened on, from its traceback."""
    line = None
    tb = exc.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == "<template>":
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


def render_text(env: jinja2.Environment, cell: DeckCell, context: dict[str, Any], lesson: Lesson) -> str:
    try:
        return render_bounded(env, env.from_string(cell.source), context)
    except jinja2.TemplateSyntaxError as exc:
        raise BuildError(f"template error: {exc.message}", lesson.path, cell.line + (exc.lineno or 1) - 1) from None
    except Exception as exc:  # any failure inside a template is the author's to fix
        offset = _template_line(exc) or 1
        message = exc.message if isinstance(exc, jinja2.TemplateError) and exc.message else f"{type(exc).__name__}: {exc}"
        raise BuildError(f"template error: {message}", lesson.path, cell.line + offset - 1) from None


_FENCED = re.compile(r"^[ \t]*(`{3,}|~{3,})[^\n]*\n.*?(?:^[ \t]*\1[ \t]*$|\Z)", re.M | re.S)
_INLINE_CODE = re.compile(r"(`+)(?!`).+?(?<!`)\1(?!`)", re.S)


def _code_spans(text: str) -> list[tuple[int, int]]:
    """Where ``text`` holds code (fenced blocks, then inline spans outside them)."""
    spans = [m.span() for m in _FENCED.finditer(text)]
    spans += [m.span() for m in _INLINE_CODE.finditer(text) if not any(s <= m.start() < e for s, e in spans)]
    return spans


def inline_figures(
    text: str, cell: DeckCell, lesson: Lesson, cache: FigureCache, examples: dict[str, Problem], figures: list[Rendered]
) -> str:
    code = _code_spans(text)

    def replace(match: re.Match) -> str:
        if any(start <= match.start() < end for start, end in code):
            return match.group(0)  # a code sample showing the syntax, not a figure to draw
        line = cell.line + text.count("\n", 0, match.start())
        params = dict(parse_qsl(match.group("query") or "", keep_blank_values=True))
        for key, value in params.items():
            if len(key) + len(value) > MAX_PARAMETER:  # a paste or a stuck key, not a figure setting
                raise BuildError(
                    f"figure '{match.group('name')}': parameter {key[:20]!r} is {len(value):,} characters (at most {MAX_PARAMETER})",
                    lesson.path,
                    line,
                )
        try:
            rendered = cache.render(match.group("name"), params, examples)
        except ParameterError as exc:
            raise BuildError(f"figure '{match.group('name')}': {exc}", lesson.path, line) from None
        figures.append(rendered)
        # Inline data URI: JupyterLab renders no SVG attachments, but does render
        # an SVG image from a data URI, and so does the nbconvert HTML.
        data = base64.b64encode(rendered.svg).decode("ascii")
        # i12b: the generated alt text describes the figure; the author's ![text] is its caption (title).
        caption = match.group("alt").replace('"', "&quot;")
        return f'![{rendered.alt or match.group("alt")}](data:image/svg+xml;base64,{data} "{caption}")'

    return _FIGURE.sub(replace, text)


def transform(lesson: Lesson, context: dict[str, Any], examples: dict[str, Problem], cache: FigureCache) -> Deck:
    env = _environment()
    cells: list[RenderedCell] = []
    figures: list[Rendered] = []
    for cell in lesson.cells:
        text = render_text(env, cell, context, lesson)
        if cell.kind == "markdown":
            text = inline_figures(text, cell, lesson, cache, examples, figures)
        cells.append(RenderedCell(cell.kind, text, cell.slide_type, cell.line))
    return Deck(lesson, cells, figures)
