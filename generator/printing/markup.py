"""A slide's Markdown as typst markup, for the printouts.

markdown-it-py (with the dollar-maths plugin) parses the rendered cell; each
token kind the lessons use becomes typst: headings, paragraphs, emphasis,
lists, tables, code, maths (through :mod:`.texmath`) and figures. Figures
arrive as SVG data URIs (the slides embed them so); they become files handed
to typst by digest, so the printout shows the very SVG the slides show.
Anything unknown raises :class:`MarkupError` with the line inside the cell.
"""
from __future__ import annotations

import base64
import hashlib
import re
from dataclasses import dataclass, field

from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.dollarmath import dollarmath_plugin

from .texmath import MathError, to_typst as tex_to_typst

_SVG_URI = re.compile(r"\(data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)( \"[^\"]*\")?\)")  # i12b: optional title
_FIGURE = "print-figure:"
_COMMENT = re.compile(r"^\s*<!--.*?-->\s*$", re.S)


class MarkupError(ValueError):
    def __init__(self, message: str, line: int):
        super().__init__(message)
        self.line = line  # 0-based line within the cell


@dataclass
class Markup:
    """Typst markup and the image files it names (name -> bytes)."""

    text: str = ""
    images: dict[str, bytes] = field(default_factory=dict)


def _parser() -> MarkdownIt:
    md = MarkdownIt("commonmark").enable("table").use(dollarmath_plugin, allow_space=True, double_inline=True)
    # markdown-it refuses SVG data URIs by default; ours come from the build itself.
    md.validateLink = lambda url: True
    return md


_MD = _parser()

# Characters typst markup reads as syntax; "-" only where it would start a list
# or join into a dash, so "-1.5" still prints with a true minus sign; a leading
# "1." would start a numbered list (inside **1. Scores** too).
_SPECIAL = re.compile(r"[\\#*_$\[\]<>@`~=+/]|-(?=[-?])|^-|(?<=^\d)\.|(?<=^\d\d)\.")


def text(s: str) -> str:
    """Plain text escaped for typst markup."""
    return _SPECIAL.sub(lambda m: "\\" + m.group(0), s)


def string(s: str) -> str:
    """A typst string literal."""
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def maths(tex: str, block: bool, line: int) -> str:
    try:
        body = tex_to_typst(tex)
    except MathError as exc:
        raise MarkupError(str(exc), line) from None
    return f"$ {body} $" if block else f"${body}$"


class _Renderer:
    def __init__(self, images: dict[str, bytes]) -> None:
        self.images = images

    def blocks(self, tokens: list[Token], i: int = 0, close: str | None = None) -> tuple[str, int]:
        """Render block tokens from ``i`` until the token of type ``close``; return (markup, index after)."""
        out: list[str] = []
        line = 0
        while i < len(tokens):
            t = tokens[i]
            line = t.map[0] if t.map else line
            if close and t.type == close:
                return "\n\n".join(p for p in out if p), i + 1
            if t.type == "heading_open":
                level = int(t.tag[1])
                out.append("=" * level + " " + self.inline(tokens[i + 1], line))
                i += 3
            elif t.type == "paragraph_open":
                out.append(self.inline(tokens[i + 1], line))
                i += 3
            elif t.type in ("bullet_list_open", "ordered_list_open"):
                body, i = self.list_items(tokens, i + 1, t.type.replace("_open", "_close"))
                if t.type == "bullet_list_open":
                    out.append(f"#list({body})")
                else:
                    out.append(f"#enum(start: {int(t.attrGet('start') or 1)}, {body})")
            elif t.type == "table_open":
                table, i = self.table(tokens, i + 1)
                out.append(table)
            elif t.type in ("fence", "code_block"):
                lang = (t.info or "").strip().split(" ")[0]
                out.append(f"#raw(block: true, lang: {string(lang or 'text')}, {string(t.content.rstrip(chr(10)))})")
                i += 1
            elif t.type == "math_block":
                out.append(maths(t.content.strip(), True, line))
                i += 1
            elif t.type == "blockquote_open":
                body, i = self.blocks(tokens, i + 1, "blockquote_close")
                out.append(f"#quote(block: true)[{body}]")
            elif t.type == "hr":
                out.append("#line(length: 100%)")
                i += 1
            elif t.type == "html_block" and _COMMENT.match(t.content):
                i += 1  # slide markers and author comments print as nothing
            else:
                raise MarkupError(f"cannot print Markdown element '{t.type}'", line)
        return "\n\n".join(p for p in out if p), i

    def list_items(self, tokens: list[Token], i: int, close: str) -> tuple[str, int]:
        items: list[str] = []
        while tokens[i].type != close:
            body, i = self.blocks(tokens, i + 1, "list_item_close")
            items.append(f"[{body}]")
        return ", ".join(items), i + 1

    def table(self, tokens: list[Token], i: int) -> tuple[str, int]:
        header: list[str] = []
        cells: list[str] = []
        aligns: list[str] = []
        in_head = False
        while tokens[i].type != "table_close":
            t = tokens[i]
            if t.type == "thead_open":
                in_head = True
            elif t.type == "thead_close":
                in_head = False
            elif t.type in ("th_open", "td_open"):
                style = t.attrGet("style") or ""
                if in_head:
                    aligns.append("center" if "center" in style else "right" if "right" in style else "left")
                inner = self.inline(tokens[i + 1], t.map[0] if t.map else 0)
                (header if in_head else cells).append(f"[#strong[{inner}]]" if in_head else f"[{inner}]")
                i += 2
            i += 1
        columns = len(header)
        return (
            f"#table(columns: {columns}, align: ({', '.join(aligns)},), "
            f"table.header({', '.join(header)}), {', '.join(cells)})"
        ), i + 1

    def inline(self, token: Token, line: int) -> str:
        out: list[str] = []
        for child in token.children or []:
            kind = child.type
            if kind == "text":
                out.append(text(child.content))
            elif kind in ("softbreak",):
                out.append(" ")
            elif kind == "hardbreak":
                out.append(" \\\n")
            elif kind == "strong_open":
                out.append("#strong[")
            elif kind == "em_open":
                out.append("#emph[")
            elif kind in ("strong_close", "em_close", "link_close"):
                out.append("]")
            elif kind == "link_open":
                out.append(f"#link({string(child.attrGet('href') or '')})[")
            elif kind == "code_inline":
                out.append(f"#raw({string(child.content)})")
            elif kind == "math_inline":
                out.append(maths(child.content, False, line))
            elif kind == "math_inline_double":
                out.append(maths(child.content, True, line))
            elif kind == "image":
                out.append(self.image(child, line))
            elif kind == "html_inline" and _COMMENT.match(child.content):
                continue
            else:
                raise MarkupError(f"cannot print Markdown element '{kind}'", line)
        return _glue(out)

    def image(self, child: Token, line: int) -> str:
        src = child.attrGet("src") or ""
        name = src[len(_FIGURE):]
        if not src.startswith(_FIGURE) or name not in self.images:
            raise MarkupError(f"the printout takes figures only (figure:...), not the image {src[:40]!r}", line)
        alt = child.content or ""
        return f"#figure-image({string(name)}, {string(alt)})"


def _glue(pieces: list[str]) -> str:
    """Join inline pieces; a typst call followed by "(", "[" or ".name" would read them as
    part of the call, so an empty string separates them."""
    out = ""
    for piece in pieces:
        if out.endswith(("]", ")")) and re.match(r"[(\[]|\.\w", piece) and re.search(r"#\w[\w.-]*[(\[][^#]*$", out):
            out += '#""'
        out += piece
    return out


def _take_figures(markdown: str) -> tuple[str, dict[str, bytes]]:
    """The cell with each inline SVG replaced by a short name (markdown-it walks a long
    data URI character by character), and the SVGs by name."""
    images: dict[str, bytes] = {}

    def take(m: re.Match) -> str:
        data = base64.b64decode(m.group(1))
        name = f"fig-{hashlib.sha256(data).hexdigest()[:16]}.svg"
        images[name] = data
        return f"({_FIGURE}{name}{m.group(2) or ''})"

    return _SVG_URI.sub(take, markdown), images


def markdown_to_typst(markdown: str) -> Markup:
    """Typst markup for one cell of Markdown; MarkupError (with its line) for what cannot print."""
    markdown, images = _take_figures(markdown)
    renderer = _Renderer(images)
    body, _ = renderer.blocks(_MD.parse(markdown))
    return Markup(body, images)

