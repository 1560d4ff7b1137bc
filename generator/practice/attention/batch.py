"""Many heads drawn at once: ``draw`` for a deck's worth of (variant, entry) streams.

A deck draws a thousand heads with the same parameters, each from its own stream.
``draw_many`` reads every stream's first key set and candidate rows in one call per
stream, screens all of them together in numpy (``screening.screen`` over a batch of key
sets), and walks each stream's rows in order with the screen's verdicts, judging a row
one at a time only where the screen cannot decide. It returns, for every stream, the
problem ``draw`` returns: the first row (rows, for several queries) that keeps every
guarantee is the same whoever judges the others, since the screen only marks rows
whose verdict is certain. A stream whose first key set yields no problem (rare: it
then needs fresh keys, or could exhaust a small grid) is drawn by ``draw`` itself.
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from generator.practice import seeds

from .drawing import SCREEN, _checked, _make, draw
from .guarantees import meets_guarantees
from .levels import Level, MAX_TRIES, ROW_TRIES
from .screening import screen
from .solving import Problem, solve_many


def draw_many(
    seed: int,
    streams: Sequence[tuple[int, int]],
    key: str = "attention",
    difficulty: str = "standard",
    d_k: int = 2,
    n_keys: int = 3,
    n_queries: int = 1,
    *,
    level: Level | None = None,
) -> list[Problem]:
    """``[draw(seed, key, variant, difficulty, d_k, n_keys, n_queries, level=level, entry=entry)
    for variant, entry in streams]``, the same problems, drawn together.

    Raises what ``draw`` raises, for the first stream ``draw`` would raise it for."""
    level, d_k, n_keys, n_queries = _checked(difficulty, d_k, n_keys, n_queries, level)
    if not streams:
        return []
    count = min(ROW_TRIES * n_queries, MAX_TRIES)
    grid = 10**level.decimals
    top = round(level.span * grid)
    if (2 * top + 1) ** d_k <= count:
        # A small grid can be exhausted within the first key set: leave that rule to draw.
        return [draw(seed, key, variant, difficulty, d_k, n_keys, n_queries, level=level, entry=entry)
                for variant, entry in streams]

    # The words draw reads for the first key set, in its order: keys, values, then
    # ``count`` candidate rows (seeds.integers maps each word the same way in bulk).
    size = n_keys * d_k
    words = np.stack([seeds.stream(seed, key, variant, entry).random_raw(2 * size + count * d_k)
                      for variant, entry in streams])
    n = len(streams)
    k = ((words[:, :size] % np.uint64(2 * top + 1)).astype(np.int64) - top).reshape(n, n_keys, d_k) / grid
    v = ((words[:, size:2 * size] % np.uint64(2 * level.value_span + 1)).astype(np.int64)
         - level.value_span).reshape(n, n_keys, d_k).astype(np.float64)
    rows = ((words[:, 2 * size:] % np.uint64(2 * top + 1)).astype(np.int64) - top).reshape(n, count, d_k) / grid

    seed = int(seed)
    # Verdicts of the screened rows: 1 surely keeps every guarantee, 0 surely breaks one,
    # -1 undecided. Screened SCREEN rows at a time, only for the streams still drawing.
    verdict = np.full((n, count), -1, dtype=np.int8)
    open_ = np.arange(n)
    chosen: list[np.ndarray | object | None] = [None] * n  # each stream's accepted rows
    for start in range(0, count, SCREEN):
        stop = min(start + SCREEN, count)
        fails, passes = screen(rows[open_, start:stop], k[open_], v[open_], level)
        verdict[open_, start:stop] = np.where(fails, 0, np.where(passes, 1, -1))
        still = []
        for i in open_.tolist():
            found = _walk(rows[i], k[i], v[i], verdict[i], stop, n_queries, seed, key, streams[i][0], level)
            if found is None:
                still.append(i)
            else:
                chosen[i] = found
        open_ = np.array(still, dtype=np.intp)
        if not len(open_):
            break
    done = [i for i, rows_ in enumerate(chosen) if isinstance(rows_, np.ndarray)]
    solved = dict(zip(done, _solved([chosen[i] for i in done], k[done], v[done]))) if done else {}
    out: list[Problem] = []
    for i, (variant, entry) in enumerate(streams):
        if i in solved:
            out.append(Problem(chosen[i], k[i], v[i], solved[i], seed, key, variant, level.name))
        else:  # the first key set had none: draw takes it from there
            out.append(draw(seed, key, variant, difficulty, d_k, n_keys, n_queries, level=level, entry=entry))
    return out


def _solved(rows: list[np.ndarray], k: np.ndarray, v: np.ndarray) -> list:
    with np.errstate(over="ignore"):  # as draw's _make
        return solve_many(np.stack(rows), k, v)


_USED_UP = object()


def _walk(rows: np.ndarray, k: np.ndarray, v: np.ndarray, verdict: np.ndarray, stop: int, n_queries: int,
          seed: int, key: str, variant: int, level: Level) -> np.ndarray | object | None:
    """draw's loop over one key set's rows ``[0, stop)``: the accepted rows (n_queries,
    d_k), ``_USED_UP`` when the key set's rows are all used up without them (draw then
    redraws keys), or None when more rows must be screened first."""
    taken: list[np.ndarray] = []
    seen: set[bytes] = set()
    for i in range(stop):
        q = rows[i:i + 1]
        token = q.tobytes()
        if token in seen:
            continue
        seen.add(token)
        if verdict[i] == -1:
            verdict[i] = meets_guarantees(_make(q, k, v, seed, key, variant, level.name), level)
        if verdict[i]:
            taken.append(q)
            if len(taken) == n_queries:
                return np.vstack(taken)
    return _USED_UP if stop == len(rows) else None
