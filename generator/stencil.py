"""Templates rendered once per layout, then filled in per item.

A deck renders the same template for a thousand notes that differ only in their numbers.
jinja2 spends most of such a render on per-value work (a lookup, an escape and a yield
for every number), so here a template is rendered once per *layout* with numbered holes
in place of the context's strings, and every item of that layout is then one join of the
stencil's pieces and the item's (escaped) texts. The markup stays in the template file;
this module only decides which parts of a context are layout and which are text:

* text: every non-empty ``str`` (numbers as printed, labels, sentences);
* layout: everything else (list lengths, dict keys, ints, bools, None, empty strings,
  ``Markup``). Two contexts with the same layout render to the same markup around their
  texts, so the template may branch on layout (``{% if hints %}``, ``| length``, a flag)
  but must print each text as it is (autoescaped) and test it only for being empty.

A stencil is checked when it is made: filled with the context it was made from, it must
give exactly the plain render, or that template is rendered plainly from then on (a
template that reads a text fails the check in most of its layouts: trying each again
would cost two renders a layout for nothing). An item with a text the plain
render's post-processing could change (anything unprintable, such as a
line break or a field separator, or a space at a text's end, which the callers'
squeezing removes) is rendered plainly too. ``plain()`` turns stencils off (the tests'
reference).
"""
from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from markupsafe import Markup, escape

Render = Callable[[dict[str, Any]], tuple[str, ...]]

_OPEN, _CLOSE = "\x02", "\x03"  # neither escaped by HTML autoescape nor white space nor a line break
_HOLE = re.compile(f"{_OPEN}(\\d+){_CLOSE}")
_LEAVES = (int, float, bool, type(None), Markup)
_MAX = 512  # layouts kept per process; past that, renders are plain (correct, only slower)

_stencils: dict[tuple[Any, ...], tuple["Part", ...]] = {}
# Templates whose check failed once: they read a text somewhere (the heatmap card figure
# compares each cell's ink with the default), so each of their layouts would pay the
# making and fail again; they are rendered plainly from then on.
_plain_names: set[str] = set()
_enabled = True


class _NotLayout(Exception):
    """A context value that is neither text nor plain layout (an object the template may call)."""


def _split(value: Any, layout: list[Any], texts: list[str]) -> None:
    """Append ``value``'s layout to ``layout`` and its texts, in order, to ``texts``."""
    kind = type(value)
    if kind is dict:
        layout.append(tuple(value))
        items = value.values()
    elif kind is list or kind is tuple:
        layout.append((kind, len(value)))
        items = value
    elif type(value) is str:
        items = (value,)
    elif isinstance(value, _LEAVES):
        layout.append((kind, value))
        return
    else:
        raise _NotLayout(kind.__name__)
    for item in items:
        # Texts inline (most items are), anything else through a call.
        if type(item) is str:
            if item:
                texts.append(item)
            layout.append(bool(item))
        else:
            _split(item, layout, texts)


def _holes(value: Any, count: Iterator[int]) -> Any:
    """``value`` with every text replaced by its numbered hole, in ``_split``'s order."""
    if type(value) is str:
        return f"{_OPEN}{next(count)}{_CLOSE}" if value else value
    if type(value) is dict:
        return {k: _holes(v, count) for k, v in value.items()}
    if type(value) in (list, tuple):
        return type(value)(_holes(v, count) for v in value)
    return value


# A rendered part with holes, as its literal pieces and the text each hole takes:
# pieces[0] + texts[holes[0]] + pieces[1] + ... (one join, no format string to parse).
Part = tuple[list[str], list[int]]


def _part(rendered: str) -> Part:
    pieces = _HOLE.split(rendered)
    return pieces[0::2], [int(i) for i in pieces[1::2]]


def _fill(stencil: tuple[Part, ...], texts: list[str]) -> tuple[str, ...]:
    out = []
    for pieces, holes in stencil:
        merged: list[str | None] = [None] * (len(pieces) + len(holes))
        merged[0::2] = pieces
        merged[1::2] = [texts[i] for i in holes]
        out.append("".join(merged))
    return tuple(out)


def render(name: str, plain: Render, context: dict[str, Any]) -> tuple[str, ...]:
    """``plain(context)``, through the stencil of ``name`` for the context's layout.

    ``plain`` renders an autoescaping template and returns its parts (one or several
    strings); ``name`` tells templates (and their post-processing) apart."""
    if not _enabled or name in _plain_names:
        return plain(context)
    layout: list[Any] = [name]
    texts: list[str] = []
    try:
        _split(context, layout, texts)
    except _NotLayout:
        return plain(context)
    escaped = _escaped(texts)
    if escaped is None:
        return plain(context)
    key = tuple(layout)
    stencil = _stencils.get(key, False)
    if stencil is False:
        stencil = _make(plain, context, escaped)
        if stencil is None:
            _plain_names.add(name)
        elif len(_stencils) < _MAX:
            _stencils[key] = stencil
    return plain(context) if stencil is None else _fill(stencil, escaped)


def _escaped(texts: list[str]) -> list[str] | None:
    """``texts`` escaped as autoescape escapes each, or None when one cannot be carried
    as it is: anything unprintable (line breaks, which the callers' squeezing joins; the
    field separator; the holes' own marks; NUL, which joins the texts here), or a space
    at either end of a text (squeezing strips a line's ends; every other white space is
    unprintable)."""
    joined = "\x00".join(texts)
    if (not "".join(texts).isprintable() or "\x00 " in joined or " \x00" in joined
            or joined[:1] == " " or joined[-1:] == " "):
        return None
    return str(escape(joined)).split("\x00")  # NUL is left alone by escape


# Each caller-given layout's stencil and its count of texts (None: rendered through ``render``).
_given: dict[tuple[Any, ...], tuple[tuple[Part, ...], int] | None] = {}


def fill(name: str, plain: Render, layout: Any, texts: list[str],
         context: Callable[[], dict[str, Any]]) -> tuple[str, ...]:
    """``render(name, plain, context())`` for a caller that already has the context's
    texts (``render``'s order) and a key ``layout`` for the rest of the context: the
    context is built for the first item of a layout only (and for an item whose texts
    cannot be filled in as they are), not for each of a batch's thousand.

    The caller vouches that contexts with equal ``layout`` have the same layout in this
    module's sense (lists' lengths, flags, which strings are empty). The first item of
    each layout is checked: its ``texts`` must be those ``render`` finds in its context,
    or that layout is always rendered through ``render``; a later item must bring as
    many texts, none of them empty."""
    if not _enabled:
        return plain(context())
    key = (name, layout)
    given = _given.get(key, False)
    if given is False:
        made = context()
        out = render(name, plain, made)  # makes (and checks) the stencil of its layout
        shape: list[Any] = [name]
        found: list[str] | None = []
        try:
            _split(made, shape, found)
        except _NotLayout:
            found = None
        stencil = _stencils.get(tuple(shape)) if found == texts else None
        if len(_given) < _MAX:
            _given[key] = None if stencil is None else (stencil, len(texts))
        return out
    # An empty text is layout to ``render`` (no hole), so it cannot fill a hole here.
    escaped = None if given is None or len(texts) != given[1] or "" in texts else _escaped(texts)
    return render(name, plain, context()) if escaped is None else _fill(given[0], escaped)


def _make(plain: Render, context: dict[str, Any], texts: list[str]) -> tuple[Part, ...] | None:
    stencil = tuple(_part(rendered) for rendered in plain(_holes(context, iter(range(len(texts))))))
    # The check that the template treats texts as this module assumes (see the docstring).
    return stencil if _fill(stencil, texts) == plain(context) else None


# --- JSON -------------------------------------------------------------------------------

_MARK = re.compile(r'"@(\d+)@"')
# Each caller-given JSON layout's skeleton (a %-format) and count of leaves (None: written by json.dumps).
_skeletons: dict[Any, tuple[str, int] | None] = {}


def _leaves(value: Any, out: list[Any]) -> list[Any]:
    """The scalars of ``value`` in the order ``json.dumps(value, sort_keys=True)`` writes them."""
    if type(value) is dict:
        for key in sorted(value):
            _leaves(value[key], out)
    elif type(value) is list or type(value) is tuple:
        for item in value:
            _leaves(item, out)
    else:
        out.append(value)
    return out


def _marked(value: Any, count: Iterator[int]) -> Any:
    """``value`` with each scalar replaced by a numbered mark, in ``_leaves``'s order."""
    if type(value) is dict:
        return {key: _marked(value[key], count) for key in sorted(value)}
    if type(value) is list or type(value) is tuple:
        return [_marked(item, count) for item in value]
    return f"@{next(count)}@"


def json_fill(layout: Any, leaves: list[Any], data: Callable[[], dict[str, Any]]) -> str:
    """``json.dumps(data(), sort_keys=True, separators=(",", ":"))`` for a caller that has
    the data's scalars at hand (``leaves``: numbers, and strings as JSON escapes them
    between their quotes, in the order the dump writes them) and a key ``layout`` for
    its shape (dict keys, list lengths): the data is built for the first item of a
    layout only, and each later item is one ``%`` of the layout's skeleton.

    Checked as ``fill`` is: the first item's leaves, written into the skeleton, must give
    ``json.dumps``'s text (the leaves in their places and of their types). A later item must bring as many leaves,
    and one whose text holds "nan" or "inf" (a number JSON writes otherwise, or merely a
    string that says so) is written by ``json.dumps``."""
    if _enabled:
        skeleton = _skeletons.get(layout, False)
        if skeleton is False:
            made = data()
            out = json.dumps(made, sort_keys=True, separators=(",", ":"))
            found = _leaves(made, [])
            pieces = _MARK.split(json.dumps(_marked(made, iter(range(len(found)))), sort_keys=True, separators=(",", ":")))
            skeleton = "".join(piece.replace("%", "%%") if i % 2 == 0 else '"%s"' if type(found[int(piece)]) is str else "%r"
                               for i, piece in enumerate(pieces))
            # The leaves in their places, of their types (%r writes 1.0 and True otherwise).
            if len(found) != len(leaves) or _written(skeleton, leaves) != out:
                skeleton = None
            if len(_skeletons) < _MAX:
                _skeletons[layout] = (skeleton, len(leaves)) if skeleton is not None else None
            return out
        if skeleton is not None and skeleton[1] == len(leaves):
            filled = _written(skeleton[0], leaves)
            if filled is not None:
                return filled
    return json.dumps(data(), sort_keys=True, separators=(",", ":"))


def _written(skeleton: str, leaves: list[Any]) -> str | None:
    out = skeleton % tuple(leaves)
    return None if "nan" in out or "inf" in out else out


@contextmanager
def plain() -> Iterator[None]:
    """Every render inside is the template's own, one per item (the definition stencils must match)."""
    global _enabled
    was, _enabled = _enabled, False
    try:
        yield
    finally:
        _enabled = was
