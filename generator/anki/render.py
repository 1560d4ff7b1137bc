"""Field HTML from the jinja2 fragments in ``generator/templates/anki/fields``.

Fragments produce *field contents*. The card templates (``*.front.html``,
``*.back.html``) are plain files read as they are: they use Anki's own
``{{Field}}`` syntax, which jinja2 would try to interpret.
"""
from __future__ import annotations

from functools import cache
from typing import Any

import jinja2

from ..templating import environment


@cache
def _environment() -> jinja2.Environment:
    # Package files that never change during a build: no stat of the file on every render.
    return environment("anki/fields", autoescape=True, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=False,
                       auto_reload=False)


def fragment(template: str, /, **context: Any) -> str:
    # Anki stores fields as single strings; newlines between tags only add noise.
    html = _environment().get_template(f"{template}.html.j2").render(**context)
    return " ".join(line.strip() for line in html.splitlines() if line.strip())
