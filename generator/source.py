"""Read stage: a jupytext Markdown lesson -> :class:`Lesson` with slide types decided.

The conventions (documented in the README's authoring guide):

* ``# Title`` and ``## Heading`` open a slide, ``### Heading`` opens a subslide.
* ``<!-- slide -->`` / ``<!-- subslide -->`` open one without a heading.
* ``<!-- fragment -->`` reveals what follows (text or the next code cell) as a fragment.
* ``<!-- continue -->`` starts a new cell on the same slide (a continuation).
* ``<!-- notes -->`` ... ``<!-- /notes -->`` holds speaker notes.
* ``<!-- skip -->`` ... ``<!-- /skip -->`` is kept in the notebook but left out of the slides.

Markers are HTML comments so that the source still reads cleanly wherever
Markdown is rendered. Anything in a one-word comment must be a known marker:
a typo is an error rather than a silently visible (or silently lost) block.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import jupytext
import yaml

from .errors import BuildError
from .model import DeckCell, Lesson
from .textfile import read_source

MAX_CELLS = 2_000  # slides, fragments and notes of one lesson; a 90-minute lesson has ~200

SINGLE_MARKERS = {"slide": "slide", "subslide": "subslide", "fragment": "fragment", "continue": "-"}
BLOCK_MARKERS = {"notes": "notes", "skip": "skip"}
KNOWN = sorted([*SINGLE_MARKERS, *BLOCK_MARKERS])

_MARKER = re.compile(r"^\s*<!--\s*(/?)([A-Za-z][\w-]*)\s*-->\s*$")
_OPENS_LIKE_MARKER = re.compile(r"^\s*<!--\s*/?([A-Za-z][\w-]*)\s*(?!.*-->)")
_HEADING = re.compile(r"^(#{1,3})\s+\S")
_FENCE = re.compile(r"^\s*(`{3,}|~{3,})")


@dataclass
class _Chunk:
    slide_type: str
    line: int
    lines: list[str] = field(default_factory=list)


class _Splitter:
    """Walks markdown lines and code cells, cutting them into deck cells."""

    def __init__(self, path: Path):
        self.path = path
        self.cells: list[DeckCell] = []
        self.current: _Chunk | None = None
        self.pending: tuple[str, int] | None = None  # type forced on the next chunk, and its line
        self.block: tuple[str, int] | None = None  # open notes/skip block and its line
        self.fence = ""  # the run that opened the current ``` block ("" outside one)
        self.fence_line = 0  # where the open ``` fence started, for the unclosed-fence error

    def error(self, line: int, message: str) -> BuildError:
        return BuildError(message, self.path, line)

    def close(self) -> None:
        chunk, self.current = self.current, None
        if chunk is None:
            return
        while chunk.lines and not chunk.lines[-1].strip():
            chunk.lines.pop()
        if chunk.lines:
            self.cells.append(DeckCell("markdown", "\n".join(chunk.lines), chunk.slide_type, chunk.line))

    def open(self, slide_type: str, line: int) -> None:
        self.close()
        self.current = _Chunk(slide_type, line)

    def take_pending(self, default: str = "-") -> str:
        kind, self.pending = (self.pending or (default, 0))[0], None
        return kind

    def markdown_line(self, text: str, line: int) -> None:
        fence = _FENCE.match(text)
        if fence and not self.fence:
            self.fence, self.fence_line = fence.group(1), line
        elif fence and _closes(self.fence, fence.group(1), text[fence.end():]):
            self.fence = ""
        elif not self.fence and self.marker(text, line):
            return
        if self.block is None and not self.fence and _HEADING.match(text):
            level = len(_HEADING.match(text).group(1))
            self.pending = None
            self.open("subslide" if level == 3 else "slide", line)
        elif self.current is None:
            if not text.strip():
                return
            self.open(self.take_pending(), line)
        self.current.lines.append(text)

    def marker(self, text: str, line: int) -> bool:
        """Handle a marker line; False when the line is ordinary text."""
        m = _MARKER.match(text)
        if m is None:
            loose = _OPENS_LIKE_MARKER.match(text)
            if loose and loose.group(1).lower() in KNOWN:
                raise self.error(line, f"malformed marker {text.strip()!r}: write it as '<!-- {loose.group(1).lower()} -->' on one line")
            return False
        closing, word = m.group(1) == "/", m.group(2)
        if word.lower() not in KNOWN or word != word.lower():
            raise self.error(line, f"unknown marker '<!-- {closing and '/' or ''}{word} -->' (known: {', '.join(KNOWN)})")
        if closing:
            if word not in BLOCK_MARKERS:
                raise self.error(line, f"'{word}' is not a block: '<!-- /{word} -->' closes nothing")
            if self.block is None or self.block[0] != word:
                raise self.error(line, f"'<!-- /{word} -->' without an open '<!-- {word} -->'")
            self.close()
            self.block = None
            return True
        if self.block is not None:
            raise self.error(line, f"marker '<!-- {word} -->' inside the {self.block[0]} block opened at line {self.block[1]}")
        if word in BLOCK_MARKERS:
            self.block = (word, line)
            self.open(BLOCK_MARKERS[word], line + 1)
        else:
            self.close()
            self.pending = (SINGLE_MARKERS[word], line)
        return True

    def end_markdown(self) -> None:
        """A fence left open would swallow the rest of the cell, notes markers and all."""
        if self.fence:
            raise self.error(self.fence_line, "code fence is never closed (add a closing ``` line)")
        self.close()

    def code_cell(self, source: str, line: int) -> None:
        if self.block is not None:
            kind, opened = self.block
            raise self.error(opened, f"{kind} block is not closed before the code cell at line {line}")
        self.close()
        self.fence = ""
        self.cells.append(DeckCell("code", source, self.take_pending(), line))

    def finish(self) -> list[DeckCell]:
        if self.block is not None:
            kind, opened = self.block
            raise self.error(opened, f"{kind} block is never closed (add '<!-- /{kind} -->')")
        if self.pending is not None:
            raise self.error(self.pending[1], f"marker '{self.pending[0]}' has nothing after it")
        self.close()
        if self.cells and self.cells[0].slide_type not in ("slide", "skip"):
            self.cells[0].slide_type = "slide"
        return self.cells


def _cell_lines(text_lines: list[str], cells: list) -> list[int]:
    """Find the 1-based line each jupytext cell starts on, scanning forward."""
    starts, cursor = [], 0
    for cell in cells:
        source_lines = cell.source.split("\n")
        first = next((s for s in source_lines if s.strip()), "")
        at = cursor
        for i in range(cursor, len(text_lines)):
            if text_lines[i].rstrip() == first.rstrip():
                at = i
                break
        start = at - source_lines.index(first) if first else at
        starts.append(start + 1)
        cursor = max(cursor, start + len(source_lines))
    return starts


def _front_matter_end(lines: list[str]) -> int:
    if not lines or lines[0].strip() != "---":
        return 0
    for i, text in enumerate(lines[1:], start=1):
        if text.strip() == "---":
            return i + 1
    return 0


def _key_line(lines: list[str], key: str) -> int:
    return next((n for n, text in enumerate(lines, start=1) if text.lstrip().startswith(f"{key}:")), 1)


def check_front_matter(header: list[str], path: Path) -> None:
    """Valid YAML, a mapping, and no anchors or aliases: a few aliased lists
    expand into billions of items when jupytext copies the metadata."""
    text = "\n".join(header)
    try:
        for token in yaml.scan(text):
            if isinstance(token, (yaml.AliasToken, yaml.AnchorToken)):
                raise BuildError("front matter uses a YAML anchor or alias (&, *); write the values out", path, token.start_mark.line + 2)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = mark.line + 2 if mark is not None else 1
        raise BuildError(f"front matter is not valid YAML: {getattr(exc, 'problem', exc)}", path, where) from None
    if data is not None and not isinstance(data, dict):
        raise BuildError(f"front matter must be a mapping (key: value lines), not {type(data).__name__}", path, 2)


def _closes(opened: str, run: str, rest: str) -> bool:
    """Whether a fence line (``run`` then ``rest``) closes the block ``opened`` began (CommonMark)."""
    return run[0] == opened[0] and len(run) >= len(opened) and not rest.strip()


_FENCE_RUN = re.compile(r"^ {0,3}(`{3,}|~{3,})")


def check_fences(lines: list[str], start: int, path: Path) -> None:
    """Every ``` (or ~~~) fence must close: jupytext would otherwise read the rest of
    the lesson as one code cell, notes markers and all. A fence closes with a run
    of the same character at least as long, as in CommonMark."""
    opened: tuple[str, int] | None = None
    for number, text in enumerate(lines[start:], start=start + 1):
        m = _FENCE_RUN.match(text)
        if m is None:
            continue
        run, info = m.group(1), text[m.end():].strip()
        if opened is None:
            opened = (run, number)
        elif _closes(opened[0], run, info):
            opened = None
        elif info:
            # "```python" cannot close a fence, and lessons open every fence with a
            # language: the fence still open is the one the author forgot to close.
            # (Nor can a lesson show "```python" inside a ```` block: jupytext would
            # cut a code cell there anyway.)
            raise BuildError(f"code fence {opened[0]} is not closed before the fence at line {number}", path, opened[1])
    if opened is not None:
        raise BuildError(f"code fence {opened[0]} is never closed (add a closing {opened[0]} line)", path, opened[1])


def read_lesson(path: str | Path) -> Lesson:
    """Parse one lesson source. Raises :class:`BuildError` naming file and line."""
    path = Path(path)
    text = read_source(path, "lesson source")  # UTF-8, BOM dropped, regular file
    lines = text.split("\n")
    header_end = _front_matter_end(lines)
    if header_end:
        check_front_matter(lines[1 : header_end - 1], path)
    check_fences(lines, header_end, path)
    try:
        notebook = jupytext.reads(text, fmt="md")
    except Exception as exc:  # jupytext raises many types; the user needs one line
        raise BuildError(f"jupytext cannot read this source: {exc}", path, 1) from None

    meta = notebook.metadata.get("lesson") or {}
    if not isinstance(meta, dict):
        raise BuildError(f"'lesson' in the front matter must be a mapping, not {type(meta).__name__}", path, _key_line(lines, "lesson"))
    meta = dict(meta)
    splitter = _Splitter(path)
    body = lines[header_end:]
    for cell, start in zip(notebook.cells, _cell_lines(body, notebook.cells)):
        line = start + header_end
        if cell.cell_type == "markdown":
            for offset, text_line in enumerate(cell.source.split("\n")):
                splitter.markdown_line(text_line, line + offset)
            splitter.end_markdown()
        elif cell.cell_type == "code":
            splitter.code_cell(cell.source, line)
        else:  # raw cells carry no slide content
            continue
    cells = splitter.finish()
    if len(cells) > MAX_CELLS:
        raise BuildError(f"lesson has over {MAX_CELLS:,} cells; split it into lessons", path, cells[MAX_CELLS].line)
    if not cells:
        raise BuildError("lesson has no slides", path, header_end + 1)

    title = meta.get("title") or next(
        (c.source.split("\n")[0].lstrip("# ").strip() for c in cells if c.source.startswith("# ")), path.stem
    )
    return Lesson(
        name=path.stem, path=path, title=str(title), metadata=meta, cells=cells,
        metadata_lines=_key_lines(lines[:header_end], meta),
    )


def _key_lines(header: list[str], meta: dict) -> dict[str, int]:
    """The first front-matter line naming each key (the YAML loader keeps no positions)."""
    start = next((n for n, text in enumerate(header) if re.match(r"\s*lesson\s*:", text)), 0)
    found: dict[str, int] = {}
    for key in meta:
        pattern = re.compile(rf"[\s{{,]{re.escape(str(key))}\s*:")
        lines = enumerate(header[start:], start=start + 1)
        found[key] = next((n for n, text in lines if pattern.search(" " + text)), start + 1)
    return found
