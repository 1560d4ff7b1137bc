"""Where the template files live, and the one way jinja2 environments are made."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import jinja2

from .sandbox import lesson_environment

TEMPLATES = Path(__file__).resolve().parent / "templates"


def template_path(*parts: str) -> Path:
    """A file or folder under ``generator/templates/``."""
    return TEMPLATES.joinpath(*parts)


def environment(folder: str, *, autoescape: bool, sandboxed: bool = False, **options: Any) -> jinja2.Environment:
    """An environment loading from ``generator/templates/<folder>``.

    Always strict: a misspelt name fails the build instead of printing an
    empty string. ``options`` are jinja2's own (whitespace handling).
    ``sandboxed``: for text from lesson sources, which come from pull requests
    (see sandbox.py); render with :func:`sandbox.render_bounded` and register
    filters with :func:`sandbox.add_filter`.
    """
    make = lesson_environment if sandboxed else jinja2.Environment
    return make(
        loader=jinja2.FileSystemLoader(template_path(folder)),
        autoescape=autoescape,
        undefined=jinja2.StrictUndefined,
        **options,
    )
