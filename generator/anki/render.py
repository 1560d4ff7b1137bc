"""Field HTML from the jinja2 templates in ``generator/templates/anki/fields``: one
field (``fragment``) or all of a note's fields at once (``fields``).

Fragments produce *field contents*. The card templates (``*.front.html``,
``*.back.html``) are plain files read as they are: they use Anki's own
``{{Field}}`` syntax, which jinja2 would try to interpret.
"""
from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any

import jinja2

from .. import stencil
from ..templating import environment


@cache
def _environment() -> jinja2.Environment:
    # Package files that never change during a build: no stat of the file on every render.
    return environment("anki/fields", autoescape=True, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=False,
                       auto_reload=False)


@cache  # looked up once per process (a deck renders each fragment hundreds of times)
def _template(name: str) -> jinja2.Template:
    return _environment().get_template(name)


# Ends each field in a template that writes several (``fields``): Anki's own field
# separator, which no field can hold.
SEP = "\x1f"


def fragment(template: str, /, **context: Any) -> str:
    return _squeeze(_template(f"{template}.html.j2").render(**context))


def fields(template: str, names: tuple[str, ...], /, **context: Any) -> dict[str, str]:
    """Several fields from one template, in one render: ``names`` in the order the
    template writes them, each ending at ``{{ sep }}`` (the last at the end). One render
    per note instead of one per field: a deck of a thousand notes pays jinja2's cost of
    a render (a new context, the template's setup) a thousand times, not six thousand."""
    # A deck's notes of one layout differ only in their numbers: the template is
    # rendered once per layout and each note filled in (``stencil``).
    return dict(zip(names, stencil.render(f"anki/fields/{template}", _plain(template, names), context)))


def filled(template: str, names: tuple[str, ...], layout: Any, texts: list[str],
           context: Callable[[], dict[str, Any]]) -> dict[str, str]:
    """``fields(template, names, **context())`` from the context's texts, for a caller that
    has them at hand (``stencil.fill``): the context is built once per ``layout``."""
    return dict(zip(names, stencil.fill(f"anki/fields/{template}", _plain(template, names), layout, texts, context)))


@cache
def _plain(template: str, names: tuple[str, ...]) -> Callable[[dict[str, Any]], tuple[str, ...]]:
    def plain(context: dict[str, Any]) -> tuple[str, ...]:
        parts = _template(f"{template}.html.j2").render(sep=SEP, **context).split(SEP)
        if len(parts) != len(names):
            raise ValueError(f"{template} wrote {len(parts)} fields, expected {len(names)}: {', '.join(names)}")
        return tuple(_squeeze(part) for part in parts)

    return plain


def _squeeze(html: str) -> str:
    # Anki stores fields as single strings; newlines between tags only add noise.
    return " ".join(line.strip() for line in html.splitlines() if line.strip())
