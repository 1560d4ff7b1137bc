"""The engines' plain text (slip names and explanations, reasoning text) with its
symbols marked as TeX maths, \\( ... \\).

The engines write these as plain text (the ``practice`` command prints them as they
are); a card sets the marked spans in MathJax and a printout in typst maths, so both
read the same symbols as maths from one list.
"""
from __future__ import annotations

import re
from functools import cache

# The RNN slips' symbols, longest first (a formula before the letters inside it).
_RNN_SYMBOLS = re.compile(r"tanh'\(a_t\) = 1 - h_t\^2|h_t = a_t|1 - h_t\^2|\bh_t\b|\bw\b")


@cache  # the same few explanations on every note
def attention_tex(text: str) -> str:
    """sqrt(d_k) and d_k as \\( ... \\) maths; text already written as \\( ... \\) is left as it is."""
    def plain(part: str) -> str:
        part = part.replace("sqrt(d_k)", "\\(\\sqrt{d_k}\\)")
        return re.sub(r"(?<![{\\w])d_k(?![}\\w])", r"\\(d_k\\)", part)

    pieces = re.split(r"(\\\(.*?\\\))", text)
    return "".join(p if i % 2 else plain(p) for i, p in enumerate(pieces))


def rnn_tex(text: str) -> str:
    """The scalar RNN's symbols (w, h_t, 1 - h_t^2, tanh'(a_t), h_t = a_t) as \\( ... \\) maths."""
    return _RNN_SYMBOLS.sub(lambda m: r"\(" + m.group(0).replace("tanh'", r"\tanh'") + r"\)", text)
