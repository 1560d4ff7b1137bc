"""The lesson's TeX maths as typst maths, for the printouts.

Slides hand ``$...$`` to MathJax; the PDF has no MathJax, so the TeX subset the
lessons use is translated here: fractions, roots, sub- and superscripts, Greek,
operator names, ``\\mathrm``/``\\text``/``\\mathbf``, ``\\left``/``\\right``,
``\\big``-style sizes, spacing commands and a few relations. Anything else raises
:class:`MathError` naming the command, so a printout never shows raw TeX.
"""
from __future__ import annotations

import re

GREEK = (
    "alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi pi rho sigma tau "
    "upsilon phi chi psi omega Gamma Delta Theta Lambda Xi Pi Sigma Upsilon Phi Psi Omega"
).split()

# TeX command -> typst maths, for commands that take no argument.
SYMBOLS: dict[str, str] = {
    **{g: g for g in GREEK},
    "varepsilon": "epsilon.alt", "varphi": "phi.alt",
    "top": "top", "cdot": "dot.op", "times": "times", "approx": "approx", "pm": "plus.minus",
    "partial": "partial", "sum": "sum", "prod": "product", "infty": "infinity", "to": "arrow.r",
    "rightarrow": "arrow.r", "leftarrow": "arrow.l", "leq": "<=", "le": "<=", "geq": ">=", "ge": ">=",
    "neq": "!=", "ne": "!=", "in": "in", "ldots": "dots.h", "dots": "dots.h", "cdots": "dots.c",
    "ll": "<<", "gg": ">>", "sim": "tilde.op", "propto": "prop", "mid": "divides",
    "tanh": "tanh", "exp": "exp", "log": "log", "ln": "ln", "max": "max", "min": "min",
    "sin": "sin", "cos": "cos", "arg": "arg",
    "quad": "quad", "qquad": "wide", ",": "thin", ":": "med", ";": "thick", " ": "space",
    "!": "", "{": "\\{", "}": "\\}", "|": "||", "%": "%", "_": "\\_",
}
# Sizes before a delimiter: typst sizes matched delimiters itself.
SIZES = {"left", "right", "big", "Big", "bigg", "Bigg", "bigl", "bigr", "Bigl", "Bigr", "biggl", "biggr"}
# Commands with one argument: typst function name.
WRAPPERS = {"sqrt": "sqrt", "mathbf": "bold", "boldsymbol": "bold", "mathit": "italic",
            "mathcal": "cal", "hat": "hat", "bar": "overline", "overline": "overline",
            "tilde": "tilde", "vec": "arrow"}
TEXTS = {"text", "mathrm", "operatorname", "textrm", "textbf", "mathsf"}

_TOKEN = re.compile(r"\\([A-Za-z]+|.)|(\s+)|([A-Za-z])|(\d+(?:\.\d+)?)|(.)", re.S)
# Characters that mean something else in typst maths: printed literally.
_LITERAL = {"/": "\\/", "#": "\\#", '"': '\\"', "$": "\\$", "@": "\\@", "&": "\\&", "*": "\\*",
            "~": "space", "`": "\\`", "<": "<", ">": ">"}


class MathError(ValueError):
    """TeX the converter does not handle; the message names it."""


class _Parser:
    def __init__(self, tex: str):
        self.tokens = [m for m in _TOKEN.finditer(tex)]
        self.i = 0
        self.tex = tex

    def peek(self) -> re.Match | None:
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def next(self) -> re.Match:
        token = self.peek()
        if token is None:
            raise MathError(f"maths ends too early: {self.tex!r}")
        self.i += 1
        return token

    def group(self, in_call: bool) -> str:
        """One argument: a {...} group or a single token."""
        token = self.peek()
        while token is not None and token.group(2):
            self.i += 1
            token = self.peek()
        if token is not None and token.group(5) == "{":
            self.i += 1
            return self.sequence(in_call, closing="}")
        return self.atom(in_call)

    def sequence(self, in_call: bool, closing: str | None = None) -> str:
        parts: list[str] = []
        while True:
            token = self.peek()
            if token is None:
                if closing:
                    raise MathError(f"unclosed '{{' in {self.tex!r}")
                return _join(parts)
            if closing and token.group(5) == closing:
                self.i += 1
                return _join(parts)
            parts.append(self.atom(in_call))

    def atom(self, in_call: bool) -> str:
        token = self.next()
        command, space, letter, number, other = token.groups()
        if space:
            return ""
        if letter:
            return letter
        if number:
            return number
        if command is not None:
            return self.command(command, in_call)
        if other == "{":
            return self.sequence(in_call, closing="}")  # a bare group only groups: typst needs no mark
        if other == "}":
            raise MathError(f"unmatched '}}' in {self.tex!r}")
        if other in "^_":
            return other + "(" + self.group(True) + ")"
        if other in ",;" and in_call:
            return "\\" + other  # a bare comma would end a typst function argument
        if other == "'":
            return "'"
        if other in "()[]|+-=.,;:!?":
            return other
        if other in _LITERAL:
            return _LITERAL[other]
        if other == "\\":
            raise MathError(f"line break '\\\\' in maths is not supported: {self.tex!r}")
        return other  # any other character (×, ≈, ...) prints as itself

    def command(self, name: str, in_call: bool) -> str:
        if name in SYMBOLS:
            return SYMBOLS[name]
        if name in SIZES:
            delimiter = self.next()
            text = delimiter.group(0)
            if text == ".":
                return ""
            if text in ("\\{", "\\}", "\\|"):
                return {"\\{": "\\{", "\\}": "\\}", "\\|": "||"}[text]
            if text not in ("(", ")", "[", "]", "|", "/"):
                raise MathError(f"\\{name} before {text!r} is not supported")
            return "\\/" if text == "/" else text
        if name == "frac":
            top = self.group(True)
            bottom = self.group(True)
            return f"frac({top}, {bottom})"
        if name in WRAPPERS:
            return f"{WRAPPERS[name]}({self.group(True)})"
        if name in TEXTS:
            return _text(self.raw_group(), name)
        raise MathError(f"unsupported TeX command \\{name}")

    def raw_group(self) -> str:
        """The verbatim text of a {...} argument (for \\text)."""
        token = self.next()
        while token.group(2):
            token = self.next()
        if token.group(5) != "{":
            return token.group(0)
        depth, start = 1, token.end()
        while depth:
            token = self.next()
            depth += {"{": 1, "}": -1}.get(token.group(5) or "", 0)
        return self.tex[start:token.start()]


def _text(body: str, command: str) -> str:
    quoted = '"' + body.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if command == "textbf":
        return f"bold(upright({quoted}))"
    if command in ("mathrm", "operatorname", "mathsf"):
        # A word in roman is an operator name (softmax, Attention): spaced as tanh is.
        return f"op({quoted})" if len(body.strip()) > 1 else f"upright({quoted})"
    return quoted


def _join(parts: list[str]) -> str:
    """Typst reads adjacent letters as one name ("ab" is a variable): keep a space
    between pieces, except before a script or a prime, which bind to what precedes."""
    out = ""
    for part in parts:
        if not part:
            continue
        if out and not part.startswith(("^", "_", "'")):
            out += " "
        out += part
    return out


def to_typst(tex: str) -> str:
    """Typst maths (without the $ delimiters) for a TeX formula; MathError if unsupported."""
    return _Parser(tex).sequence(False)
