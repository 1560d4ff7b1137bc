"""Figure names as a lesson source writes them, with typed, checked parameters.

A lesson asks for ``![alt](figure:rnn?T=5&pattern=one-to-many)``; parameters
arrive as strings. Each spec declares its parameters once (type, default,
allowed range) and turns the strings into the drawing function's arguments,
plus the numbers the figure depends on (for the cache key). Nothing is drawn
until ``Prepared.draw()`` is called, so the cache can decide first.
"""
from __future__ import annotations

import importlib
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import ModuleType
from typing import TYPE_CHECKING, Any

import numpy as np

from .. import limits
from ..errors import ParameterError
from ..practice import attention as practice
from ..practice import reasoning
from . import params as ranges

if TYPE_CHECKING:
    from matplotlib.figure import Figure

Examples = Mapping[str, practice.Problem]
_INT = re.compile(r"[+-]?\d+")


@dataclass(frozen=True)
class Param:
    """One parameter: ints carry a range, strings a list of choices (or none: free text)."""

    name: str
    default: int | str | None
    low: int | None = None
    high: int | None = None
    choices: tuple[str, ...] | None = None
    text: bool = False  # free text (a title), at most 80 characters
    help: str = ""

    @property
    def is_int(self) -> bool:
        return self.low is not None

    def allowed(self) -> str:
        if self.is_int:
            return f"an integer from {self.low} to {self.high}"
        if self.choices:
            return "one of " + ", ".join(self.choices)
        return "text of at most 80 characters"

    def convert(self, raw: str) -> int | str:
        if self.is_int:
            # Text that is not a whole number reaches the check as text, so the
            # message quotes what was written.
            value: object = int(raw) if _INT.fullmatch(raw.strip()) else raw
            return limits.check_int(self.name, value, self.low, self.high)  # type: ignore[arg-type]
        if self.choices is not None and raw not in self.choices:
            raise ParameterError(f"{self.name} must be {self.allowed()}, got {raw!r}", self.name)
        if self.text and len(raw) > 80:
            raise ParameterError(f"{self.name} must be {self.allowed()}, got {len(raw)} characters", self.name)
        return raw


@dataclass(frozen=True)
class Prepared:
    """A figure ready to draw: everything that decides its pixels, nothing drawn yet."""

    name: str
    params: dict[str, int | str]  # every parameter, defaults filled in, typed
    data: dict[str, Any]  # numbers the picture shows that params alone do not pin down
    draw: Callable[[], Figure] = field(compare=False, repr=False)


@dataclass(frozen=True)
class FigureSpec:
    name: str
    summary: str
    params: tuple[Param, ...]
    resolve: Callable[[str, dict[str, Any], Examples], Prepared]
    # Alt text from the same params and data the figure draws from (issue 12): what a
    # reader who cannot see it needs, its key numbers included.
    alt: Callable[[dict[str, Any], dict[str, Any]], str]

    def normalize(self, raw: Mapping[str, str]) -> dict[str, Any]:
        """Strings in, typed values out, every parameter present; unknown names rejected."""
        known = {p.name: p for p in self.params}
        unknown = sorted(set(raw) - set(known))
        if unknown:
            names = ", ".join(known) or "none"
            raise ParameterError(f"unknown parameter {unknown[0]!r} for figure '{self.name}' (known: {names})")
        values: dict[str, Any] = {}
        for p in self.params:
            values[p.name] = p.convert(str(raw[p.name])) if p.name in raw else p.default
        return values


# --- where the numbers come from ---------------------------------------------------


def _problem(values: dict[str, Any], examples: Examples) -> tuple[practice.Problem, dict[str, Any]]:
    """The head a figure shows: a named lesson example, or one drawn from a seed."""
    name, seed = values.get("problem"), values.get("seed")
    if name is not None and seed is not None:
        raise ParameterError("give either problem=<name> or seed=N, not both")
    if seed is None:
        name = name or "worked"
        if name not in examples:
            known = ", ".join(sorted(examples)) or "none in this lesson"
            raise ParameterError(f"problem must name a lesson example (known: {known}), got {name!r}")
        problem = examples[name]
    else:
        problem = practice.draw(
            seed,
            key=values.get("key") or "attention",
            variant=values.get("variant", 0),
            difficulty=values.get("difficulty", "standard"),
            d_k=values.get("d_k", 2),
            n_keys=values.get("n_keys", 3),
            n_queries=values.get("n_queries", 1),
        )
    return problem, _problem_data(problem)


def _problem_data(problem: practice.Problem) -> dict[str, Any]:
    """What a head figure prints: the inputs and every rounded step, as text and floats."""
    shown = practice.rounded(problem)
    return {
        "query": problem.query.tolist(),
        "keys": problem.keys.tolist(),
        "values": problem.values.tolist(),
        "difficulty": problem.difficulty,
        "shown": shown.text,
        "weights": shown.weights,
        "most_attended": shown.most_attended,
    }


def _reasoning(seed: int | None, kind: str, variant: int) -> Any:
    """A reasoning item from the practice engine: the very map its card asks about."""
    if seed is None:
        raise ParameterError(f"kind={kind} takes its weights from the practice engine: give seed=N")
    return reasoning.draw(seed, variant=variant, kind=kind)


def _item_data(item: Any) -> dict[str, Any]:
    return {
        "kind": item.kind,
        "weights": np.asarray(item.weights, dtype=np.float64).tolist(),
        "rows": list(item.row_labels),
        "cols": list(item.col_labels),
        "cells": [list(r) for r in item.cell_text],
        "word": item.numbers.get("word"),
        "answer_cell": list(item.answer_cell) if item.answer_cell is not None else None,
    }


# Axis titles that say what a reasoning kind's rows and columns are.
_AXES = {
    "image_grid": ("row", "column"),
    "caption_words": ("words of the caption", "image regions"),  # the captioner's direction
}


# --- the figures ------------------------------------------------------------------

_SEED = Param("seed", None, *limits.SEED, help="draw the numbers from this seed")
_PROBLEM = Param("problem", None, help="a named lesson example, e.g. worked")
_HEAD_DRAW = (
    Param("difficulty", "standard", choices=practice.DIFFICULTIES),
    Param("d_k", 2, *practice.D_K_RANGE),
    Param("n_keys", 3, *practice.N_KEYS_RANGE),
    Param("variant", 0, *limits.VARIANT),
)


# --- alt text: one function per figure, fed by its Prepared params and data ----------------


def _join(numbers: Any) -> str:
    return ", ".join(str(n) for n in numbers)


def _keys(n: int) -> str:
    return "key 1" if n == 1 else f"keys 1–{n}"


_RNN_IO = {
    "one-to-many": "one input and an output at every step",
    "many-to-one": "an input at every step and one output at the end",
    "many-to-many": "an input and an output at every step",
}


def _rnn_alt(v: dict[str, Any], data: dict[str, Any]) -> str:
    shared = "the same weights W_hh, W_xh, W_hy at every step"
    unrolled = f"An RNN unrolled over {v['T']} steps, {_RNN_IO[v['pattern']]}, {shared}"
    if v["view"] == "unrolled":
        return unrolled
    folded = f"An RNN folded into one cell whose hidden state loops back through W_hh, W_xh in and W_hy out, for {v['T']} steps"
    if v["view"] == "folded":
        return folded
    return f"{folded}; beside it, equal to it, the same RNN unrolled over {v['T']} steps, {_RNN_IO[v['pattern']]}, {shared}"


def _head_alt(v: dict[str, Any], data: dict[str, Any]) -> str:
    q = v["query"]
    weights, output = data["shown"]["weights"][q], data["shown"]["output"][q]
    best = " and ".join(f"key {k + 1}" for k in data["most_attended"][q])
    return (
        f"One attention head step by step (scores, scaled, exponentials, softmax, weighted sum): "
        f"weights {_join(weights)} over {_keys(len(weights))}; output ({_join(output)}); {best} most attended"
    )


def _largest(cols: list[str], weights: list[float], cells: list[str]) -> str:
    """The row's largest weight as printed, with every column that prints it (ties)."""
    top = cells[max(range(len(weights)), key=lambda j: weights[j])]
    return " and ".join(c for c, t in zip(cols, cells) if t == top) + f" {top}"


def _heatmap_alt(v: dict[str, Any], data: dict[str, Any]) -> str:
    if v["kind"] == "attention":
        rows = data["shown"]["weights"]
        if len(rows) == 1:
            return f"Attention weights {_join(rows[0])} over {_keys(len(rows[0]))}"
        listed = "; ".join(f"query {i + 1}: {_join(r)}" for i, r in enumerate(rows))
        return f"Attention weights of {len(rows)} queries over {_keys(len(rows[0]))}, one row per query: {listed}"
    weights, cells, rows, cols = data["weights"], data["cells"], data["rows"], data["cols"]
    what = {
        "caption_words": "each caption word's attention over the image regions",
        "image_grid": "one word's attention over a grid of image patches",
    }.get(data["kind"], "attention weights")
    head = f"Map of {what}, {len(rows)} rows by {len(cols)} columns"
    if v["card"] == "front":
        # A card front must not point at the answer: every number, as the picture shows them.
        listed = "; ".join(f"{r}: {_join(c)}" for r, c in zip(rows, cells))
        return f"{head} ({', '.join(cols)}): {listed}"
    if v.get("focus") == "answer" and data["answer_cell"] is not None:
        # Only the asked row prints numbers: the alt states those, and the other rows' darkest cells.
        a = data["answer_cell"][0]
        printed = ", ".join(f"{c} {t}" for c, t in zip(cols, cells[a]))
        others = "; ".join(f"{r}: {_largest(cols, w, c).rsplit(' ', 1)[0]}" for i, (r, w, c) in enumerate(zip(rows, weights, cells)) if i != a)
        return (f"{head}; numbers printed only in the row {rows[a]}: {printed}, its largest, "
                f"{_largest(cols, weights[a], cells[a])}, outlined; the darkest cell of each other row: {others}")
    # Every row's largest weight: the map's story in a sentence a screen reader can read.
    tops = "; ".join(f"{r}: {_largest(cols, w, c)}" for r, w, c in zip(rows, weights, cells))
    return f"{head}; the largest weight in each row: {tops}"


def head_alt(weights: list[str], output: list[str], most_attended: list[int]) -> str:
    """The head figure's alt text for one query's printed numbers (card figures drawn
    outside the registry use it, so every head is described in the same words)."""
    data = {"shown": {"weights": [weights], "output": [output]}, "most_attended": [most_attended]}
    return _head_alt({"query": 0}, data)


def map_alt(kind: str, side: str, weights: list[list[float]], cells: list[list[str]], rows: list[str],
            cols: list[str], answer_cell: tuple[int, int] | None) -> str:
    """A reasoning map's alt text, as the registry's heatmap gives it, for card figures."""
    data = {"kind": kind, "weights": weights, "cells": cells, "rows": rows, "cols": cols, "answer_cell": answer_cell}
    return _heatmap_alt({"kind": kind, "card": side}, data)


def _image_alt(v: dict[str, Any], data: dict[str, Any]) -> str:
    grid, cells = data["weights"], data["cells"]
    flat = [(w, r, c) for r, row in enumerate(grid) for c, w in enumerate(row)]
    _, r, c = max(flat)
    n, size = len(grid), v["image_size"]
    patch = v["patch"] or size // n
    return (
        f"A synthetic {size}×{size} image cut into {n}×{n} patches of {patch} px, shaded by the attention "
        f"the word '{data['word']}' puts on each; the largest weight, {cells[r][c]}, on the patch in row {r + 1}, column {c + 1}"
    )


def _vit_alt(v: dict[str, Any], data: dict[str, Any]) -> str:
    n = v["image_size"] // v["patch"]
    return (
        f"The Vision Transformer: a {v['image_size']}×{v['image_size']} image cut into {n}×{n} = {n * n} patches "
        f"of {v['patch']}×{v['patch']} px, each projected linearly and given a position embedding, a learned "
        f"class token in front; a Transformer encoder of {v['layers']} layers; an MLP head on the class token gives the class"
    )


_PIPELINES_ALT = {
    "captioning": "captioning, a CNN's one image feature feeding an RNN that writes words",
    "attention-captioning": "captioning with attention, a CNN's grid of region features that the RNN attends over at every word",
    "video": "video classification, a CNN on every frame feeding an RNN that gives one class",
}


def _pipelines_alt(v: dict[str, Any], data: dict[str, Any]) -> str:
    rows = ranges.PIPELINE_ROWS if v["which"] == "all" else (v["which"],)
    if len(rows) == 1:
        return f"A vision pipeline: {_PIPELINES_ALT[rows[0]]}"
    return f"{len(rows)} vision pipelines: " + "; ".join(f"{i} {_PIPELINES_ALT[r]}" for i, r in enumerate(rows, start=1))


def _lifts_alt(v: dict[str, Any], data: dict[str, Any]) -> str:
    T = v["T"]
    return (
        f"Recurrence: an RNN's chain of {T} steps, one after another, path length {T} links from x_1 to h_{T}; "
        f"attention: every one of {T} inputs linked to every output in 1 parallel step, path length 1 link"
    )


def _qkv_alt(v: dict[str, Any], data: dict[str, Any]) -> str:
    self_ = f"self-attention (ViT): q, k and v of each of {v['tokens']} tokens projected from the same token by W_Q, W_K, W_V"
    cross = (
        f"cross-attention (captioning): the query projected from the decoder state by W_Q, "
        f"keys and values from {v['regions']} image regions"
    )
    parts = {"self": (self_,), "cross": (cross,), "both": (self_, cross)}[v["which"]]
    return "Where q, k, v come from: " + "; ".join(parts)


def alt_text(prepared: Prepared) -> str:
    """The alt text of a prepared figure: its spec's alt function over its params and data."""
    return FIGURES[prepared.name].alt(prepared.params, prepared.data)


def _drawing(module: str) -> ModuleType:
    """A drawing module (``rnn``, ``attention``, ...), imported when a figure is drawn:
    they load matplotlib, which checking parameters and writing alt text do not need."""
    return importlib.import_module(f"{__package__}.{module}")


def _rnn(name: str, v: dict[str, Any], examples: Examples) -> Prepared:
    return Prepared(name, v, {}, lambda: _drawing("rnn").rnn(v["T"], v["pattern"], v["view"]))


def _head(name: str, v: dict[str, Any], examples: Examples) -> Prepared:
    problem, data = _problem({**v, "n_queries": v["query"] + 1}, examples)
    if v["query"] >= problem.query.shape[0]:
        raise ParameterError(f"query must be from 0 to {problem.query.shape[0] - 1} for this problem, got {v['query']}")
    return Prepared(name, v, data, lambda: _drawing("attention").attention_head(problem, v["query"]))


def _heatmap(name: str, v: dict[str, Any], examples: Examples) -> Prepared:
    title = v["title"] or None
    if v["kind"] == "attention":
        problem, data = _problem({**v, "n_queries": v["n_queries"]}, examples)
        shown = practice.rounded(problem)
        n_q, n_k = problem.query.shape[0], problem.keys.shape[0]
        text = shown.text["weights"]
        rows = ["q"] if n_q == 1 else [f"$q_{{{i + 1}}}$" for i in range(n_q)]
        cols = [f"$k_{{{j + 1}}}$" for j in range(n_k)]
        weights = problem.solution.weights

        def draw() -> Figure:
            # One query needs no axis title: its row label already says "q".
            row_title = "queries" if n_q > 1 else None
            return _drawing("attention").attention_heatmap(weights, rows, cols, title, cell_text=text, row_title=row_title, col_title="keys")

        return Prepared(name, v, data, draw)
    item = _reasoning(v["seed"], v["kind"], v["variant"])
    data = _item_data(item)
    row_title, col_title = _AXES.get(item.kind, (None, None))

    card = v.get("card", "")
    # i12b: focus=answer is for a slide, which may show the answer since it teaches: the
    # asked row keeps its numbers, the answer cell is outlined, other rows are colour only.
    focus = v.get("focus") == "answer" and item.answer_cell is not None
    mark = tuple(item.answer_cell) if (card == "back" or focus) and item.answer_cell is not None else None
    cells = data["cells"]
    if focus:
        cells = [row if r == item.answer_cell[0] else [""] * len(row) for r, row in enumerate(cells)]

    def draw_item() -> Figure:
        return _drawing("attention").attention_heatmap(
            data["weights"], data["rows"], data["cols"], title,
            cell_text=cells, row_title=row_title, col_title=col_title,
            mark=mark, compact=bool(card),
        )

    return Prepared(name, v, data, draw_item)


def _image(name: str, v: dict[str, Any], examples: Examples) -> Prepared:
    item = _reasoning(v["seed"], "image_grid", v["variant"])
    data = _item_data(item)
    grid = data["weights"]
    n = len(grid)
    size = v["image_size"]
    patch = v["patch"] or (size // n if size % n == 0 else None)
    if patch is None:
        raise ParameterError(f"image_size must be a multiple of the {n} patches per side of the weights, got {size}")

    def draw_image() -> Figure:
        # The engine's image_grid story: the upper half of the rows is sky (or wall).
        return _drawing("attention").attention_image(
            grid, size, patch, v["seed"], word=data["word"], sky_rows=n // 2, title=v["title"] or None
        )

    return Prepared(name, v, data, draw_image)


def _vit(name: str, v: dict[str, Any], examples: Examples) -> Prepared:
    return Prepared(name, v, {}, lambda: _drawing("vit").vit_pipeline(v["image_size"], v["patch"], v["layers"], v["seed"]))


def _pipelines(name: str, v: dict[str, Any], examples: Examples) -> Prepared:
    return Prepared(name, v, {}, lambda: _drawing("pipelines").vision_pipelines(v["which"], v["seed"]))


def _lifts(name: str, v: dict[str, Any], examples: Examples) -> Prepared:
    return Prepared(name, v, {}, lambda: _drawing("lifts").two_lifts(v["T"]))


def _qkv(name: str, v: dict[str, Any], examples: Examples) -> Prepared:
    return Prepared(name, v, {}, lambda: _drawing("qkv").qkv_sources(v["which"], v["tokens"], v["regions"]))


FIGURES: dict[str, FigureSpec] = {
    spec.name: spec
    for spec in (
        FigureSpec(
            "rnn",
            "A vanilla RNN, folded and/or unrolled over T steps, shared weights marked",
            (
                Param("T", 4, *ranges.RNN_T_RANGE, help=f"steps (at most {ranges.RNN_T_MAX_BOTH} with view=both)"),
                Param("pattern", "many-to-many", choices=ranges.RNN_PATTERNS),
                Param("view", "unrolled", choices=ranges.RNN_VIEWS),
            ),
            _rnn,
            _rnn_alt,
        ),
        FigureSpec(
            "attention_head",
            "One attention head from its numbers: scores, scaled, exp, softmax bars, weighted sum",
            (_PROBLEM, _SEED, Param("query", 0, 0, practice.N_QUERIES_RANGE[1] - 1), *_HEAD_DRAW),
            _head,
            _head_alt,
        ),
        FigureSpec(
            "attention_heatmap",
            "Attention weights as a grid with the number in each cell",
            (
                Param("kind", "attention", choices=("attention",) + reasoning.KINDS),
                _PROBLEM,
                _SEED,
                Param("n_queries", 1, *practice.N_QUERIES_RANGE),
                *_HEAD_DRAW,
                Param("title", "", text=True),
                # i11: reasoning maps for Anki cards, sized for a 400-px phone; "back" also
                # outlines the cell the answer names.
                Param("card", "", choices=("", "front", "back"), help="front or back: a phone-sized card figure"),
                Param("focus", "", choices=("", "answer"), help="answer: numbers only in the asked row, answer outlined"),
            ),
            _heatmap,
            _heatmap_alt,
        ),
        FigureSpec(
            "attention_image",
            "A synthetic image cut into patches, with attention weights over it",
            (
                Param("seed", 0, *limits.SEED),
                Param("variant", 0, *limits.VARIANT),
                Param("image_size", 224, *ranges.IMAGE_SIZE_RANGE),
                Param("patch", None, 1, ranges.IMAGE_SIZE_RANGE[1], help="default: image_size / grid side"),
                Param("title", "", text=True),
            ),
            _image,
            _image_alt,
        ),
        FigureSpec(
            "vit_pipeline",
            "Vision Transformer: patches, projection + positions + [CLS], encoder, MLP head, class",
            (
                Param("image_size", 224, *ranges.IMAGE_SIZE_RANGE),
                Param("patch", 16, 1, ranges.IMAGE_SIZE_RANGE[1]),
                Param("layers", 12, *ranges.VIT_LAYERS_RANGE),
                Param("seed", 0, *limits.SEED),
            ),
            _vit,
            _vit_alt,
        ),
        FigureSpec(
            "vision_pipelines",
            "CNN→RNN captioning, CNN grid→attention→RNN captioning, per-frame CNN→RNN video",
            (Param("which", "all", choices=ranges.PIPELINE_WHICH), Param("seed", 0, *limits.SEED)),
            _pipelines,
            _pipelines_alt,
        ),
        FigureSpec(
            "two_lifts",
            "RNN chain (T sequential steps, path T) beside attention (parallel, path 1)",
            (Param("T", 5, *ranges.LIFTS_T_RANGE),),
            _lifts,
            _lifts_alt,
        ),
        FigureSpec(
            "qkv_sources",
            "Where q, k, v come from: projections of the same tokens (self) vs decoder state against regions (cross)",
            (
                Param("which", "both", choices=ranges.QKV_WHICH),
                Param("tokens", 3, *ranges.QKV_TOKENS_RANGE),
                Param("regions", 4, *ranges.QKV_REGIONS_RANGE),
            ),
            _qkv,
            _qkv_alt,
        ),
    )
}


def spec(name: str) -> FigureSpec:
    if name not in FIGURES:
        raise ParameterError(f"unknown figure {name!r} (known: {', '.join(FIGURES)})")
    return FIGURES[name]


def prepare(name: str, params: Mapping[str, str] | None = None, examples: Examples | None = None) -> Prepared:
    """Check ``params`` (strings, as written in the lesson) and gather the figure's numbers."""
    s = spec(name)
    return s.resolve(name, s.normalize(params or {}), examples or {})


def draw(name: str, params: Mapping[str, str] | None = None, examples: Examples | None = None) -> Figure:
    """The figure ``name`` with ``params``; ParameterError for anything the spec rejects."""
    return prepare(name, params, examples).draw()


# One of each figure family as the lesson uses them, plus the variations worth
# seeing side by side: the gallery, the benchmark and the tests all walk this list.
SAMPLES: tuple[tuple[str, dict[str, str]], ...] = (
    ("vision_pipelines", {}),
    ("rnn", {"T": "5", "pattern": "many-to-many"}),
    ("rnn", {"T": "5", "pattern": "one-to-many"}),
    ("rnn", {"T": "5", "pattern": "many-to-one"}),
    ("rnn", {"T": "4", "view": "both"}),
    ("rnn", {"T": "5", "view": "folded"}),
    ("rnn", {"T": "10"}),
    ("attention_head", {"problem": "worked"}),
    # The widest head the practice engine can draw.
    ("attention_head", {"seed": "3", "difficulty": "challenge", "d_k": str(practice.D_K_RANGE[1]), "n_keys": str(practice.N_KEYS_RANGE[1])}),
    ("attention_heatmap", {"problem": "worked"}),
    ("attention_heatmap", {"seed": "5", "n_queries": "3", "n_keys": str(practice.N_KEYS_RANGE[1])}),
    ("attention_heatmap", {"kind": "caption_words", "seed": "7"}),
    ("attention_image", {"seed": "7"}),
    ("two_lifts", {"T": "5"}),
    ("qkv_sources", {}),
    ("vit_pipeline", {"image_size": "224", "patch": "16", "layers": "12"}),
)
