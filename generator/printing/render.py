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
    env.filters["signed"] = signed
    env.filters["num"] = num
    env.filters["nums"] = lambda xs: ", ".join(num(x) for x in xs)
    env.filters["shade"] = shade
    return env


_INLINE_MATHS = re.compile(r"\\\((.*?)\\\)", re.S)
# A hyphen that starts a number ("(-2.07", " -1"), not one inside a word or code ("L07-1234").
_NEGATIVE = re.compile(r"(?<![\w.])-(?=\d)")


def signed(s: str) -> str:
    """Engine text with numbers in it, each minus sign a true one, as typst markup: typst
    turns a hyphen before a digit into a minus after a space but not after "(", so a
    number pair printed "(-2.07, \u22122.67)"."""
    return text(_NEGATIVE.sub("\u2212", s))


def prose(s: str) -> str:
    """Engine text (prompts, answers, explanations: plain text with \\( ... \\) maths) as typst markup."""
    out, end = [], 0
    for m in _INLINE_MATHS.finditer(s):
        out.append(signed(s[end:m.start()]))
        out.append(f"${to_typst(m.group(1))}$")
        end = m.end()
    out.append(signed(s[end:]))
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
