"""Attention-map reasoning: small situations with a computed answer and a short explanation.

Kinds (KINDS):

* ``image_grid``     a captioner about to write a word attends over a 4 x 4 grid of
                     image patches; which patch gets the most weight?
* ``caption_words``  the captioner's map: each word of a caption (the decoder's query
                     while writing it) attends over the 2 x 3 regions of the image, so
                     each row sums to 1 over regions; which region does one word use most?
* ``equal_scores``   every score is equal, so the output is the mean of the values.
* ``dominant_score`` the query is stretched by 1, 2, 4, 8: one score comes to dominate
                     and the output approaches that key's value.
* ``scaling_dk``     the same kind of head at a small and a large d_k, with and without
                     dividing by sqrt(d_k); drawn only when ``shows_scaling`` holds, so
                     the numbers show what the answer says.

Every number in a prompt, answer or explanation comes from ``attention.solve`` on
drawn inputs (or from numpy on the engine's output) and is printed with
``attention.fmt``; no number is typed into the text. ``weights`` is always a 2-D
array for figures, with ``row_labels`` and ``col_labels``: for ``image_grid`` the
S x S map is one softmax over all patches (row 1 at the top); for the other kinds
each row is one softmax. ``cell_text`` has its entries as printed (3 decimals, with a
weight too small or too close to 1 for three decimals printed as "<0.001" or ">0.999",
never as 0.000 or 1.000). ``answer_cell`` is the (row, column) of the map the answer
points at, or None; a card shows it only on the back.

Maths in prompts and explanations is written as \\( ... \\) for MathJax. A runner-up
shared by several cells (equal printed weights) is named as a tie.

Variant k of a kind comes from the seed stream (seed, "reasoning/<kind>", k). With
``kind=None`` the kind itself is drawn from (seed, "reasoning", k), and the item is
then the same as asking for that kind directly.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np

from generator.errors import ParameterError
from generator.practice import attention, seeds
from generator.practice.attention import fmt

KINDS = ("image_grid", "caption_words", "equal_scores", "dominant_score", "scaling_dk")
KEY = "reasoning"
MAX_TRIES = 2000

# image_grid: 4 x 4 patches of 56 pixels tile a 224-pixel image, and 16 cells is as many
# as a phone shows with a readable number in each (the figure is where the numbers are).
GRID_SIDES = (4,)
# The winner of a map must be readable off the figure: lead at display precision.
MAP_MARGIN = 0.05
EMBED_DIM = 4  # d_k of the concept vectors behind image_grid and caption_words


@dataclass(frozen=True)
class Reasoning:
    """One reasoning item. ``numbers`` is JSON-able and holds every number the text uses."""

    kind: str
    prompt: str
    answer: str
    explanation: str
    numbers: dict[str, Any] = field(compare=False)
    weights: np.ndarray = field(compare=False)  # 2-D; see the module docstring for what sums to 1
    row_labels: tuple[str, ...]
    col_labels: tuple[str, ...]
    cell_text: tuple[tuple[str, ...], ...]
    seed: int
    variant: int
    answer_cell: tuple[int, int] | None = None  # (row, column) of the map the answer names
    # True when the map is the data the question reads (a card may show it on the front);
    # False when the weights are what the question asks for (the map belongs on the back).
    map_given: bool = False


# --- shared helpers ------------------------------------------------------------------


def _vec(values: Any, step: str) -> str:
    return "(" + ", ".join(fmt(x, step) for x in values) + ")"


def _int_vec(values: Any) -> str:
    return "(" + ", ".join(str(int(x)) for x in values) + ")"


def _w(x: float) -> str:
    """A weight as printed: three decimals, but never 0.000 or 1.000 for a weight that is
    neither (a learner would read those as "none" and "all")."""
    text = fmt(x, "weights")
    if text == "0.000" and x > 0:
        return "<0.001"
    if text == "1.000" and x < 1:
        return ">0.999"
    return text


def _cells(weights: np.ndarray) -> tuple[tuple[str, ...], ...]:
    return tuple(tuple(_w(x) for x in row) for row in weights)


def _runners_up(weights: Any, names: list[str]) -> str:
    """"next comes X with w", or every name tied for second place at display precision."""
    shown = [_w(x) for x in weights]
    order = np.argsort(np.asarray(weights))[::-1]
    second = shown[int(order[1])]
    tied = [names[i] for i in range(len(names)) if shown[i] == second and i != int(order[0])]
    if len(tied) == 1:
        return f"next comes {tied[0]} with {second}"
    return f"next come {', '.join(tied[:-1])} and {tied[-1]}, tied at {second} each"


def _r(x: float, step: str) -> float:
    return float(fmt(x, step))


# Names for the rows and columns of a grid, per number of rows (or columns): every
# row of a 4 x 4 grid has its own name, so no two cells share one and none is called
# "left" while standing right of another "left".
_ROW_NAMES = {2: ("top", "bottom"), 3: ("top", "middle", "bottom"),
              4: ("top", "upper middle", "lower middle", "bottom")}
_COL_NAMES = {2: ("left", "right"), 3: ("left", "centre", "right"),
              4: ("far left", "left of centre", "right of centre", "far right")}


def _area(row: int, col: int, rows: int, cols: int | None = None) -> str:
    """Where a cell of a rows x cols grid sits, named so that each cell has its own name."""
    vertical = _ROW_NAMES[rows][row]
    horizontal = _COL_NAMES[cols or rows][col]
    if vertical == "middle" and horizontal == "centre":
        return "centre"
    return f"{vertical} {horizontal}" if rows <= 3 and (cols or rows) <= 3 else f"{vertical} row, {horizontal}"


def _lead_ok(weights_row: np.ndarray) -> bool:
    w = np.sort([_r(x, "weights") for x in weights_row])
    return w[-1] - w[-2] >= MAP_MARGIN - 1e-9


def _concepts(bits: np.random.PCG64, names: list[str]) -> dict[str, np.ndarray]:
    """Distinct integer vectors, one per concept, entries in [-2, 2], none all zero."""
    out: dict[str, np.ndarray] = {}
    while len(out) < len(names):
        v = seeds.integers(bits, -2, 2, EMBED_DIM).astype(np.float64)
        if np.abs(v).sum() >= 3 and not any(np.array_equal(v, u) for u in out.values()):
            out[names[len(out)]] = v
    return out


def _retry(kind: str, make: Callable[[np.random.PCG64], Reasoning | None], bits: np.random.PCG64) -> Reasoning:
    for _ in range(MAX_TRIES):
        item = make(bits)
        if item is not None:
            return item
    raise ParameterError(f"kind {kind!r}: no situation met its conditions in {MAX_TRIES} draws")  # pragma: no cover


# --- image_grid ---------------------------------------------------------------------------

SUBJECTS = ("dog", "ball", "kite", "sheep", "cat", "bicycle", "bird", "horse")
# What can be up in the sky: these may sit in any row; every other subject stands on the
# ground, so it is drawn in the bottom backdrop's rows (a cat in a sky row is no photo).
FLYING = ("kite", "bird")
# The figure paints sky over grass, so the text names only what the picture shows.
BACKDROPS = (("sky", "grass"),)


def _image_grid(seed: int, variant: int) -> Callable[[np.random.PCG64], Reasoning | None]:
    def make(bits: np.random.PCG64) -> Reasoning | None:
        side = GRID_SIDES[seeds.below(bits, len(GRID_SIDES))]
        subject = SUBJECTS[seeds.below(bits, len(SUBJECTS))]
        top, bottom = BACKDROPS[seeds.below(bits, len(BACKDROPS))]
        emb = _concepts(bits, [subject, top, bottom])
        half = side // 2  # rows 0 .. half - 1 show the top backdrop
        flies = subject in FLYING
        row = seeds.below(bits, side) if flies else half + seeds.below(bits, side - half)
        col = seeds.below(bits, side)
        # Upper half shows the top backdrop, lower half the bottom one, one patch the subject.
        content = [[top if r < half else bottom for _ in range(side)] for r in range(side)]
        content[row][col] = subject
        noise = seeds.integers(bits, -1, 1, (side * side, EMBED_DIM))
        keys = np.array([emb[c] for line in content for c in line]) + noise
        # Values: the patch's (row, column), counted from 1, so the output is where the
        # model looks on average.
        values = np.array([[r + 1, c + 1] for r in range(side) for c in range(side)], dtype=np.float64)
        sol = attention.solve(emb[subject], keys, values)
        w = sol.weights[0]
        best = int(np.argmax(w))
        if best != row * side + col or not _lead_ok(w) or _r(w[best], "weights") > 0.9 or _r(w.min(), "weights") < 0.001:
            return None  # the subject's patch wins, clearly but not totally, and every cell reads as a number
        order = np.argsort(w)[::-1]
        runner = int(order[1])
        grid = w.reshape(side, side)
        mean = sol.output[0]
        where = _area(row, col, side)
        # The front says no more about the subject's place than the story fixes.
        where_told = "somewhere in the picture" if flies else f"in the {bottom} rows"
        cell_names = [f"row {i // side + 1}, column {i % side + 1}" for i in range(side * side)]
        runners = _runners_up(w, cell_names)
        numbers = {
            "side": side,
            "d_k": EMBED_DIM,
            "word": subject,
            "query": emb[subject].tolist(),
            "keys": keys.tolist(),
            "weights": [[_r(x, "weights") for x in line] for line in grid],
            "top": {"row": row + 1, "col": col + 1, "weight": _r(w[best], "weights")},
            "runner_up": {"row": runner // side + 1, "col": runner % side + 1, "weight": _r(w[runner], "weights")},
            "mean_position": [_r(x, "output") for x in mean],
        }
        prompt = (
            f"A captioning model with attention is about to write the word \"{subject}\". The image is cut into "
            f"{side} x {side} = {side * side} patches; the decoder's query is compared with the key of every patch "
            f"(\\(d_k = {EMBED_DIM}\\)) and a softmax turns the scores into the weights shown, one per patch "
            f"(row 1 at the top, column 1 on the left). The top {half} rows of patches show {top} and the "
            f"bottom {side - half} {bottom}, except one patch {where_told} that shows a {subject}. Which patch "
            "gets the most weight, and what does that tell you about the image?"
        )
        answer = (
            f"Row {row + 1}, column {col + 1} (the {where} of the image), with weight {_w(w[best])}; "
            f"{runners}. That patch most likely shows the {subject}."
        )
        explanation = (
            f"Each weight is \\(\\mathrm{{softmax}}(q \\cdot k / \\sqrt{{{EMBED_DIM}}})\\) over the {side * side} "
            "patches, so the weights add up "
            f"to 1 and the patch whose key lines up best with the query for \"{subject}\" wins. The rest of the "
            f"weight is spread over the {top} and {bottom} patches; weighting each patch's (row, column) by the map "
            f"gives an average position of {_vec(mean, 'output')}, pulled towards the {subject}."
        )
        return Reasoning(
            "image_grid", prompt, answer, explanation, numbers, grid,
            tuple(str(r + 1) for r in range(side)), tuple(str(c + 1) for c in range(side)), _cells(grid),
            seed, variant, (row, col), map_given=True,
        )

    return make


# --- caption_words -----------------------------------------------------------------------

# Captions with the content words a region can show; the other words are function words.
CAPTIONS = (
    ("a dog chases a red ball on the grass", ("dog", "ball", "grass")),
    ("two children fly a kite over the beach", ("children", "kite", "beach")),
    ("a cat sleeps on a wooden chair", ("cat", "chair")),
    ("a man rides a bicycle down the street", ("man", "bicycle", "street")),
    ("a small boat sails past the lighthouse", ("boat", "lighthouse")),
    ("a horse grazes beside an old fence", ("horse", "fence")),
)
# The image is cut into 2 rows x 3 columns of regions: six names that match the grid
# exactly, and six columns of numbers still fit a phone.
REGION_ROWS, REGION_COLS = 2, 3
FUNCTION_WORDS = ("a", "an", "the", "on", "over", "down", "past", "beside")


def _caption_words(seed: int, variant: int) -> Callable[[np.random.PCG64], Reasoning | None]:
    # Show, Attend and Tell's direction: while writing each word, the decoder's state
    # (the query) is compared with every region's feature (the keys), so each word's
    # row is one softmax over the regions.
    def make(bits: np.random.PCG64) -> Reasoning | None:
        caption, objects = CAPTIONS[seeds.below(bits, len(CAPTIONS))]
        words = caption.split()
        emb = _concepts(bits, list(objects))
        # Function words get short queries that look for nothing in particular.
        fillers = {w: seeds.integers(bits, -1, 1, EMBED_DIM).astype(np.float64) for w in words if w not in emb}
        queries = np.array([emb[w] if w in emb else fillers[w] for w in words])
        cells = REGION_ROWS * REGION_COLS
        places = seeds.sample(bits, list(range(cells)), len(objects))
        shown = {p: o for p, o in zip(places, objects)}
        # A region showing an object has a feature near that object's vector; an empty
        # region a small random one.
        noise = seeds.integers(bits, -1, 1, (cells, EMBED_DIM))
        region_keys = np.array([
            emb[shown[p]] + noise[p] if p in shown else noise[p].astype(np.float64) for p in range(cells)
        ])
        values = np.eye(cells)  # output = the weights themselves, one per region
        sol = attention.solve(queries, region_keys, values)
        obj = objects[seeds.below(bits, len(objects))]
        asked = words.index(obj)
        w = sol.weights[asked]
        best = int(np.argmax(w))
        if shown.get(best) != obj or not _lead_ok(w) or _r(w[best], "weights") > 0.9:
            return None  # the word's own region wins clearly, not totally
        if _r(sol.weights.min(), "weights") < 0.001:
            return None  # every cell of the map reads as a number
        labels = tuple(_area(p // REGION_COLS, p % REGION_COLS, REGION_ROWS, REGION_COLS) for p in range(cells))
        region = labels[best]
        runners = _runners_up(w, [f"the {label}" for label in labels])
        numbers = {
            "caption": caption,
            "words": words,
            "word": obj,
            "regions": list(labels),
            "d_k": EMBED_DIM,
            "queries": queries.tolist(),  # one per word
            "keys": region_keys.tolist(),  # one per region, row by row from the top left
            "weights": [_r(x, "weights") for x in w],
            "all_weights": [[_r(x, "weights") for x in row] for row in sol.weights],
            "top": {"region": region, "weight": _r(w[best], "weights")},
        }
        listing = ", ".join(f"{label} {_w(x)}" for label, x in zip(labels, w))
        prompt = (
            f"A captioner with attention writes \"{caption}\". The image is cut into {REGION_ROWS} x {REGION_COLS} "
            f"regions; while it writes each word, the decoder's state is the query and every region's feature is a "
            f"key (\\(d_k = {EMBED_DIM}\\)), so each word spreads a weight of 1 over the regions. For the word "
            f"\"{obj}\" the weights are: {listing} (the whole map is shown below). Which region does it use most, "
            "and what is there likely to be?"
        )
        answer = (
            f"The {region} region, with {_w(w[best])} ({runners}), so the {region} of the image most likely "
            f"shows the {obj}."
        )
        filler = next(word for word in words if word in FUNCTION_WORDS)
        explanation = (
            f"The query for \"{obj}\" scores highest against the feature of the region that shows it, and the "
            f"softmax over the {cells} regions turns the scores into weights that add up to 1 along the word's row. "
            f"Words such as \"{filler}\" name nothing in the picture: their queries are not built to match any "
            "region, so where their weight lands says nothing about what is where. (Show, Attend and Tell scored regions with a small MLP; the "
            "scaled dot product here is the modern form.)"
        )
        return Reasoning(
            "caption_words", prompt, answer, explanation, numbers, sol.weights,
            tuple(words), labels, _cells(sol.weights), seed, variant, (asked, best), map_given=True,
        )

    return make


# --- equal_scores ------------------------------------------------------------------------


def _equal_scores(seed: int, variant: int) -> Callable[[np.random.PCG64], Reasoning | None]:
    def make(bits: np.random.PCG64) -> Reasoning | None:
        n = 3 + seeds.below(bits, 2)
        q = seeds.integers(bits, -2, 2, 2).astype(np.float64)
        if not q.any():
            return None
        base = seeds.integers(bits, -1, 1, 2).astype(np.float64)
        # Keys on a line at right angles to q all have the same dot product with it.
        steps = seeds.sample(bits, [-2, -1, 0, 1, 2], n)
        perp = np.array([-q[1], q[0]])
        keys = np.array([base + t * perp for t in steps])
        values = seeds.integers(bits, -4, 4, (n, 2)).astype(np.float64)
        if len({tuple(v) for v in values.tolist()}) < n:
            return None
        sol = attention.solve(q, keys, values)
        out = sol.output[0]
        numbers = {
            "query": q.tolist(), "keys": keys.tolist(), "values": values.tolist(),
            "scores": [_r(x, "scores") for x in sol.scores[0]],
            "weights": [_r(x, "weights") for x in sol.weights[0]],
            "output": [_r(x, "output") for x in out],
        }
        key_list = ", ".join(f"k{i + 1} = {_int_vec(k)}" for i, k in enumerate(keys))
        value_list = ", ".join(f"v{i + 1} = {_int_vec(v)}" for i, v in enumerate(values))
        prompt = (
            f"A head has query q = {_int_vec(q)}, keys {key_list} and values {value_list}. "
            "Compute the scores first. What is the output, and can you get it without any exponential?"
        )
        answer = (
            f"Every score is {fmt(sol.scores[0][0], 'scores')}, so each of the {n} weights is 1/{n} = "
            f"{_w(sol.weights[0][0])} and the output is the plain mean of the values: {_vec(out, 'output')}."
        )
        explanation = (
            "The softmax only sees differences between scores. When all scores are equal every exponential is the "
            f"same number, each weight is 1/{n}, and the weighted sum of the values becomes their average. Here the "
            "keys differ only along the direction at right angles to q, which q cannot see."
        )
        w = sol.weights
        return Reasoning(
            "equal_scores", prompt, answer, explanation, numbers, w,
            ("q",), tuple(f"k{i + 1}" for i in range(n)), _cells(w), seed, variant,
        )

    return make


# --- dominant_score ----------------------------------------------------------------------

STRETCH = (1, 2, 4, 8)


def _dominant_score(seed: int, variant: int) -> Callable[[np.random.PCG64], Reasoning | None]:
    def make(bits: np.random.PCG64) -> Reasoning | None:
        q = seeds.integers(bits, -2, 2, 2).astype(np.float64)
        keys = seeds.integers(bits, -2, 2, (3, 2)).astype(np.float64)
        values = seeds.integers(bits, -4, 4, (3, 2)).astype(np.float64)
        if len({tuple(v) for v in values.tolist()}) < 3:
            return None
        sols = [attention.solve(c * q, keys, values) for c in STRETCH]
        weights = np.vstack([s.weights[0] for s in sols])
        lead = int(np.argmax(sols[0].scores[0]))
        if sorted(sols[0].scores[0])[-2] == sols[0].scores[0][lead]:
            return None  # two keys share the top score: neither can take over
        target = values[lead]
        dist = [float(np.linalg.norm(s.output[0] - target)) for s in sols]
        first, last = _r(weights[0][lead], "weights"), _r(weights[-1][lead], "weights")
        steady = all(a > b for a, b in zip(dist, dist[1:]))
        if not (first <= 0.7 and 0.95 <= last < 1.0 and _r(dist[-1], "output") > 0 and steady):
            return None  # the approach must be visible, steady, nearly complete, but not printed as reached
        outputs = [s.output[0] for s in sols]
        numbers = {
            "query": q.tolist(), "keys": keys.tolist(), "values": values.tolist(), "stretch": list(STRETCH),
            "scores": [[_r(x, "scores") for x in s.scores[0]] for s in sols],
            "weights": [[_r(x, "weights") for x in row] for row in weights],
            "outputs": [[_r(x, "output") for x in o] for o in outputs],
            "distance": [_r(d, "output") for d in dist],
            "dominant": lead,
        }
        key_list = ", ".join(f"k{i + 1} = {_int_vec(k)}" for i, k in enumerate(keys))
        value_list = ", ".join(f"v{i + 1} = {_int_vec(v)}" for i, v in enumerate(values))
        stretch = ", ".join(str(c) for c in STRETCH)
        prompt = (
            f"A head has query q = {_int_vec(q)}, keys {key_list} and values {value_list}; here \\(d_k = {len(q)}\\), "
            f"so every score is divided by \\(\\sqrt{{{len(q)}}}\\) before the softmax. The query is multiplied "
            f"by {stretch} in turn, which multiplies every score by the same factor. What happens to the weights "
            "and to the output?"
        )
        steps = "; ".join(
            f"×{c}: weight {_w(w[lead])}, output {_vec(o, 'output')}" for c, w, o in zip(STRETCH, weights, outputs)
        )
        answer = (
            f"Key k{lead + 1} has the largest score, and its weight grows until it takes nearly everything ({steps}). "
            f"The output approaches v{lead + 1} = {_int_vec(target)}."
        )
        explanation = (
            "Multiplying the scores widens the gaps between them, and the softmax turns a wide gap into a lopsided "
            "weight: exp of the top score outgrows all the others. With one dominant score the weighted sum is "
            f"almost just that key's value; the distance to v{lead + 1} shrinks from {fmt(dist[0], 'output')} to "
            f"{fmt(dist[-1], 'output')}."
        )
        return Reasoning(
            "dominant_score", prompt, answer, explanation, numbers, weights,
            tuple(f"q x {c}" for c in STRETCH), ("k1", "k2", "k3"), _cells(weights), seed, variant,
            (len(STRETCH) - 1, lead),
        )

    return make


# --- scaling_dk -------------------------------------------------------------------------

DK_PAIRS = ((4, 64), (2, 32), (8, 128))
SCALING_KEYS = 4
# What the answer says, as bounds on the printed weights (``shows_scaling``): unscaled,
# the small head still spreads (largest weight at most SMALL_RAW_MAX) while the large one
# saturates (at least SATURATED); scaled, neither head gives one key more than SPREAD_MAX,
# and at least SPREAD_KEYS keys get SPREAD_FLOOR or more in each.
SMALL_RAW_MAX = 0.9
SATURATED = 0.9
SPREAD_MAX = 0.7
SPREAD_KEYS = 3
SPREAD_FLOOR = 0.05


def shows_scaling(small: dict[str, Any], big: dict[str, Any]) -> bool:
    """Whether a scaling_dk draw shows what its answer claims, judged on its printed
    weights (``facts`` of the small and the large d_k): the larger d_k spreads its scores
    more, its raw softmax saturates on one key where the small head's does not, and once
    divided by sqrt(d_k) both heads keep attention spread over several keys."""
    def spread(weights: list[float]) -> bool:
        return max(weights) <= SPREAD_MAX and sum(w >= SPREAD_FLOOR for w in weights) >= SPREAD_KEYS

    return (0 < small["spread"] < big["spread"]
            and small["raw_max"] <= SMALL_RAW_MAX and big["raw_max"] >= SATURATED and big["raw_max"] > small["raw_max"]
            and spread(small["scaled_weights"]) and spread(big["scaled_weights"]))


def _scaling_dk(seed: int, variant: int) -> Callable[[np.random.PCG64], Reasoning | None]:
    def make(bits: np.random.PCG64) -> Reasoning | None:
        pair = DK_PAIRS[seeds.below(bits, len(DK_PAIRS))]
        rows, labels, facts, exact = [], [], {}, {}
        for d in pair:
            # Entries +1 or -1: each score is a sum of d_k terms of +-1.
            q = seeds.integers(bits, 0, 1, d) * 2 - 1.0
            keys = seeds.integers(bits, 0, 1, (SCALING_KEYS, d)) * 2 - 1.0
            values = np.eye(SCALING_KEYS)
            scaled = attention.solve(q, keys, values)
            # Multiplying q by sqrt(d_k) cancels the division inside the engine: the same
            # code path then gives the softmax of the raw scores.
            raw = attention.solve(q * math.sqrt(d), keys, values)
            rows += [raw.weights[0], scaled.weights[0]]
            labels += [f"d_k = {d}, raw", f"d_k = {d}, scaled"]
            exact[d] = (raw.weights[0].max(), scaled.weights[0].max())  # printed by _w, as the map prints them
            facts[d] = {
                "query": q.tolist(),
                "keys": keys.tolist(),
                "scores": [_r(x, "scores") for x in scaled.scores[0]],
                "spread": _r(float(np.std(scaled.scores[0])), "output"),
                "raw_max": _r(raw.weights[0].max(), "weights"),
                "scaled_max": _r(scaled.weights[0].max(), "weights"),
                "raw_weights": [_r(x, "weights") for x in raw.weights[0]],
                "scaled_weights": [_r(x, "weights") for x in scaled.weights[0]],
            }
        small, big = pair
        s, b = facts[small], facts[big]
        # The draw must show the effect the question is about.
        # (A small head whose scores are all equal shows nothing about spread.)
        if not shows_scaling(s, b):
            return None
        weights = np.vstack(rows)
        numbers = {"d_k": list(pair), **{str(d): facts[d] for d in pair}}
        prompt = (
            f"Two heads compare a query with {SCALING_KEYS} keys; every entry of every vector is +1 or -1. In the "
            f"first d_k = {small}, in the second d_k = {big}. The dot products are {', '.join(fmt(x, 'scores') for x in s['scores'])} "
            f"for d_k = {small} and {', '.join(fmt(x, 'scores') for x in b['scores'])} for d_k = {big}. What does "
            "the softmax do with these scores as they are, and what changes when they are divided by \\(\\sqrt{d_k}\\) first?"
        )
        answer = (
            f"Unscaled, the largest weight is {_w(exact[small][0])} at \\(d_k = {small}\\) but "
            f"{_w(exact[big][0])} at \\(d_k = {big}\\): the softmax saturates on one key. Divided by \\(\\sqrt{{d_k}}\\), "
            f"the largest weights are {_w(exact[small][1])} and {_w(exact[big][1])}: "
            "attention stays spread over several keys."
        )
        explanation = (
            "A dot product of \\(d_k\\) random \\(\\pm 1\\) terms has mean 0 and variance \\(d_k\\), so it spreads out "
            "like \\(\\sqrt{d_k}\\): here the scores' standard deviations "
            f"are {fmt(s['spread'], 'output')} and {fmt(b['spread'], 'output')}. Dividing by \\(\\sqrt{{d_k}}\\) brings the "
            "spread back to about 1 whatever \\(d_k\\) is, so the softmax neither collapses onto one key nor passes back "
            "vanishing gradients as \\(d_k\\) grows."
        )
        return Reasoning(
            "scaling_dk", prompt, answer, explanation, numbers, weights,
            tuple(labels), tuple(f"k{i + 1}" for i in range(SCALING_KEYS)), _cells(weights), seed, variant,
        )

    return make


_MAKERS = {
    "image_grid": _image_grid,
    "caption_words": _caption_words,
    "equal_scores": _equal_scores,
    "dominant_score": _dominant_score,
    "scaling_dk": _scaling_dk,
}


def draw(seed: int, variant: int = 0, kind: str | None = None, entry: int = 0) -> Reasoning:
    """Draw variant ``variant`` of a reasoning item; ``kind`` None draws the kind too.
    ``entry`` is its place in the note's pool (``seeds.stream``); every entry of a pool
    has the kind entry 0 has."""
    if kind is not None and kind not in KINDS:
        raise ParameterError(f"kind must be one of {', '.join(KINDS)} or None, got {kind!r}", "kind")
    if kind is None:
        kind = KINDS[seeds.below(seeds.stream(seed, KEY, variant), len(KINDS))]
    bits = seeds.stream(seed, f"{KEY}/{kind}", variant, entry)  # checks seed, variant and entry
    return _retry(kind, _MAKERS[kind](int(seed), int(variant)), bits)
