"""The printouts' typst sources, from the jinja2 templates in ``templates/print/``."""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

import jinja2

from ..templating import environment, template_path
from .markup import string, text
from .texmath import to_typst

PAPERS = {"a4": "a4", "letter": "us-letter"}


@lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    env = environment("print", autoescape=False, trim_blocks=True, lstrip_blocks=True)
    env.filters["string"] = string  # a typst string literal
    env.filters["text"] = text  # plain text, escaped for typst markup
    env.filters["tex"] = to_typst  # TeX maths (trusted: engine text) as typst maths
    env.filters["prose"] = prose
    env.filters["num"] = num
    env.filters["nums"] = lambda xs: ", ".join(num(x) for x in xs)
    env.filters["shade"] = shade
    return env


_INLINE_MATHS = re.compile(r"\\\((.*?)\\\)", re.S)


def prose(s: str) -> str:
    """Engine text (prompts, answers, explanations: plain text with \\( ... \\) maths) as typst markup."""
    out, end = [], 0
    for m in _INLINE_MATHS.finditer(s):
        out.append(text(s[end:m.start()]))
        out.append(f"${to_typst(m.group(1))}$")
        end = m.end()
    out.append(text(s[end:]))
    return "".join(out)


def num(x: str) -> str:
    """A printed number with a true minus sign (typst would print some hyphens as they are)."""
    return text(str(x).replace("-", "\u2212"))


def shade(weight: float) -> str:
    """A cell's fill for a weight: light grey to dark, legible in black and white."""
    level = max(0.0, min(1.0, float(weight)))
    return f"luma({round(250 - 150 * level ** 0.6)})"


def source(template: str, **values: Any) -> str:
    return _environment().get_template(template).render(**values)


def shared_files() -> dict[str, bytes]:
    """Files every printout's source imports."""
    return {"common.typ": template_path("print", "common.typ").read_bytes()}
