"""Drawn exercises -> practice notes (attention head, architecture matching,
attention-map reasoning), each with the figure of that very problem.

Numbers come from ``generator.practice`` and are printed through its
``rounded``/``fmt``, the same path the slides and figures use, so a card never
shows a digit the lesson would print differently. Figures come from
``generator.figures``; nothing here draws.

Identity: variant ``i`` of exercise ``key`` is the note with GUID
(lesson, key, i) in every build; only its numbers change with the seed.
"""
from __future__ import annotations

import html
import json
import math
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..errors import BuildError, ParameterError
from ..practice import attention
from .deck import MediaSource, NoteSpec, note_guid
from .figures import Png, phone_min_width
from .models import ATTENTION, MATCHING, REASONING
from .markup import to_html
from .render import fragment
from .settings import AttentionSettings, MatchingSettings, PracticeSettings, ReasoningSettings, key_line

# Exercise keys: part of every practice note's GUID (never rename) and of the
# seed stream the numbers are drawn from.
ATTENTION_KEY = "attention"
MATCHING_KEY = "matching"
REASONING_KEY = "reasoning"

STEP_WORDS = {
    "scores": "scores",
    "scaled": "scaled scores",
    "exp": "exponentials",
    "exp_sum": "their sum",
    "weights": "weights",
    "output": "output",
}


# --- shared ---------------------------------------------------------------------


def note_key(lesson: str, exercise: str, variant: int) -> str:
    # Shown in the Key field (Anki's first field, used for sorting and its
    # duplicate check), so it carries the lesson and is unique across lessons.
    return f"{lesson}/{exercise}/{variant + 1:02d}"


def media_name(lesson: str, exercise: str, variant: int, png: Png) -> str:
    """A flat, content-addressed media name.

    Anki keeps the first file it sees under a name; a new build's figure under an
    old name would either be dropped or renamed behind our back. A name that
    changes with the bytes avoids both. (Unused old figures are removed by
    Tools > Check Media.)
    """
    return f"{lesson}-{exercise}-{variant + 1:02d}-{png.digest[:12]}.png"


def data_field(data: dict[str, Any]) -> str:
    # Escaped so the JSON survives as field HTML; json.loads(html.unescape(field)) reads it back.
    return html.escape(json.dumps(data, sort_keys=True, separators=(",", ":")), quote=False)


def _located(settings: PracticeSettings, table: str, key: str, exc: ParameterError) -> BuildError:
    path = settings.path or Path("<practice settings>")
    return BuildError(f"[{table}] {exc}", path, key_line(settings, table, key) or None)


def _label(name: str, index: int | None = None) -> str:
    return rf"\({name}_{{{index}}}\)" if index is not None else rf"\({name}\)"


# --- attention head ----------------------------------------------------------------


def attention_fields(lesson: str, problem: attention.Problem, figure_png: Png) -> tuple[dict[str, str], dict[str, MediaSource]]:
    """Every field of one attention practice note, and its media."""
    shown = attention.rounded(problem)
    text = shown.text
    single = shown.n_queries == 1
    n_keys = len(shown.keys)
    d_k = shown.d_k

    def per_query(name: str) -> list:
        value = text[name]
        return [value] if single else value

    q_label = (lambda j: _label("q")) if single else (lambda j: _label("q", j + 1))
    query_rows = [{"label": q_label(j), "cells": row} for j, row in enumerate(per_query("query"))]
    key_rows = [{"label": _label("k", i + 1), "cells": row} for i, row in enumerate(text["keys"])]
    value_rows = [{"label": _label("v", i + 1), "cells": row} for i, row in enumerate(text["values"])]

    inputs = fragment("attention_inputs", d_k=d_k, query_rows=query_rows, key_rows=key_rows, value_rows=value_rows)
    task = fragment("attention_task", n_queries=shown.n_queries, n_keys=n_keys, d_k=d_k, rounding=attention.ROUNDING)

    key_header = [_label("k", i + 1) for i in range(n_keys)]
    sqrt_text = attention.fmt(math.sqrt(d_k), "scaled")

    def rows(name: str) -> list[dict[str, Any]]:
        return [{"label": q_label(j), "cells": cells} for j, cells in enumerate(per_query(name))]

    def products(j: int) -> list[str]:
        # The arithmetic of each score, so a learner can find which product went wrong.
        q = per_query("query")[j]
        out = []
        for i in range(n_keys):
            terms = " + ".join(f"({a})({b})" for a, b in zip(q, text["keys"][i]))
            out.append(f"{terms} = {per_query('scores')[j][i]}")
        return out

    sums = per_query("exp_sum")
    steps = [
        {
            "name": "scores",
            "title": r"Scores \(s_i = q \cdot k_i\):",
            "note": "; ".join(p for j in range(shown.n_queries) for p in products(j)),
            "header": key_header,
            "rows": rows("scores"),
        },
        {
            "name": "scaled",
            "title": rf"Scale: divide by \(\sqrt{{{d_k}}} \approx {sqrt_text}\):",
            "note": "",
            "header": key_header,
            "rows": rows("scaled"),
        },
        {
            "name": "exp",
            "title": r"Exponentials \(e^{s_i / \sqrt{d_k} }\) and their sum:",
            "note": "",
            "header": [*key_header, "sum"],
            "rows": [
                {"label": q_label(j), "cells": [*cells, sums[j]]} for j, cells in enumerate(per_query("exp"))
            ],
        },
        {
            "name": "weights",
            "title": r"Softmax: each exponential over the sum gives the weights \(w_i\):",
            "note": "",
            "header": key_header,
            "rows": rows("weights"),
        },
        {
            "name": "output",
            "title": r"Output \(\sum_i w_i v_i\):",
            "note": "",
            "header": [str(c + 1) for c in range(d_k)],
            "rows": rows("output"),
        },
    ]
    rule = (
        "Rounding: every number shown is the exact value rounded to "
        + ", ".join(f"{STEP_WORDS[name]} {n}" for name, n in attention.ROUNDING.items())
        + " decimals. Working from the rounded numbers of the step before lands within half a unit"
        " of the last digit shown."
    )
    steps_html = fragment("attention_steps", steps=steps, rounding_rule=rule)

    most = shown.most_attended if not single else [shown.most_attended]
    answer_rows = [
        {
            "label": q_label(j),
            "weights": per_query("weights")[j],
            "output": per_query("output")[j],
            "winner": " and ".join(_label("k", i + 1) for i in most[j]),
        }
        for j in range(shown.n_queries)
    ]
    answer = fragment("attention_answer", rows=answer_rows)
    hints = fragment("attention_hints", hints=_hints(problem))

    name = media_name(lesson, ATTENTION_KEY, problem.variant, figure_png)
    figure = fragment("figure", name=name, alt="The attention head of this problem", min_width=phone_min_width(figure_png))
    data = {"lesson": lesson, **attention.to_data(problem)}
    fields = {
        "Key": note_key(lesson, ATTENTION_KEY, problem.variant),
        "Task": task,
        "Inputs": inputs,
        "Steps": steps_html,
        "Answer": answer,
        "Hints": hints,
        "Figure": figure,
        "Data": data_field(data),
    }
    return fields, {name: figure_png.source}


def _math(text: str) -> str:
    """The engine's plain-text explanations with their symbols set in MathJax; text the
    engine already wrote as \\( ... \\) is left as it is."""
    def plain(part: str) -> str:
        part = part.replace("sqrt(d_k)", "\\(\\sqrt{d_k}\\)")
        return re.sub(r"(?<![{\\w])d_k(?![}\\w])", r"\\(d_k\\)", part)

    pieces = re.split(r"(\\\(.*?\\\))", text)
    return "".join(p if i % 2 else plain(p) for i, p in enumerate(pieces))


def _vector_text(row: list[str]) -> str:
    return "(" + ", ".join(row) + ")"


def _hints(problem: attention.Problem) -> list[dict[str, str]]:
    """The named slips as "if you got X: what went wrong" lines.

    A slip that lands on the correct output anyway is left out: telling a
    learner with the right answer that they made a mistake would be false.
    """
    single = problem.query.shape[0] == 1
    out = []
    for name, slip in attention.mistakes(problem).items():
        if not slip.differs:
            continue
        outputs = [slip.text["output"]] if single else slip.text["output"]
        weights = [slip.text["weights"]] if single else slip.text["weights"]
        answer = "; ".join(
            f"weights {', '.join(w)} and output {_vector_text(o)}" for w, o in zip(weights, outputs)
        )
        explanation = _math(slip.explanation)
        out.append({"name": name, "answer": answer, "explanation": explanation[:1].lower() + explanation[1:]})
    return out


def attention_notes(
    lesson: str, settings: PracticeSettings, seed: int, figure: Callable[[attention.Problem], Png]
) -> list[NoteSpec]:
    cfg: AttentionSettings = settings.attention
    notes = []
    for variant in range(cfg.variants):
        try:
            problem = attention.draw(
                seed, key=ATTENTION_KEY, variant=variant, difficulty=cfg.difficulty,
                d_k=cfg.d_k, n_keys=cfg.n_keys, n_queries=cfg.n_queries,
            )
        except ParameterError as exc:
            raise _located(settings, "attention", _culprit(str(exc)), exc) from None
        fields, media = attention_fields(lesson, problem, figure(problem))
        notes.append(
            NoteSpec(ATTENTION, fields, note_guid(lesson, ATTENTION_KEY, variant), "practice",
                     ("practice::attention", f"difficulty::{cfg.difficulty}"), media)
        )
    return notes


def _culprit(message: str) -> str:
    """Which setting a ParameterError is about, to point at its line."""
    for name in ("difficulty", "d_k", "n_keys", "n_queries", "n", "kinds", "variants"):
        if message.startswith(name + " ") or f" {name}=" in message or f"{name} must" in message:
            return name
    return "variants"


# --- practice as a whole ---------------------------------------------------------------


def practice_notes(lesson: str, settings: PracticeSettings, seed: int, cache_dir: Path | None) -> list[NoteSpec]:
    """All practice notes of the lesson, attention first, in variant order."""
    from .figures import Figures

    figures = Figures(cache_dir)  # lazily imports matplotlib on the first figure
    notes = attention_notes(lesson, settings, seed, figures.attention_head)
    notes += matching_notes(lesson, settings, seed)
    notes += reasoning_notes(lesson, settings, seed, figures.reasoning_image, figures.reasoning_answer_image)
    return notes


# --- architecture matching -----------------------------------------------------------


def _json_ready(value: Any) -> Any:
    """Dataclasses, tuples and numpy values as plain JSON types."""
    if hasattr(value, "__dataclass_fields__"):
        return {name: _json_ready(getattr(value, name)) for name in value.__dataclass_fields__}
    if isinstance(value, dict):
        return {str(k): _json_ready(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_json_ready(v) for v in value]
    if hasattr(value, "tolist"):
        return value.tolist()
    return value


def matching_fields(lesson: str, seed: int, variant: int, item: Any) -> dict[str, str]:
    letters = [chr(ord("A") + i) for i in range(len(item.architectures))]
    letter_of = dict(zip(item.architectures, letters))
    rows = [
        {"task": task, "architecture": architecture, "letter": letter_of.get(architecture, ""), "reason": reason}
        for task, architecture, reason in item.answer
    ]
    data = {"lesson": lesson, "seed": seed, "variant": variant, "key": MATCHING_KEY, **_json_ready(item)}
    return {
        "Key": note_key(lesson, MATCHING_KEY, variant),
        "Task": fragment("matching_task", n=len(item.tasks), several=len(item.tasks) > len(item.architectures),
                         spare=len(item.architectures) > len({a for _, a, _ in item.answer})),
        "Tasks": fragment("matching_list", title="Tasks", items=list(item.tasks), ordered=True),
        "Architectures": fragment("matching_list", title="Architectures", items=list(zip(letters, item.architectures)), ordered=False),
        "Answer": fragment("matching_answer", rows=rows),
        "Data": data_field(data),
    }


def matching_notes(lesson: str, settings: PracticeSettings, seed: int) -> list[NoteSpec]:
    cfg: MatchingSettings = settings.matching
    if cfg.variants == 0:
        return []
    from ..practice import matching

    notes = []
    for variant in range(cfg.variants):
        try:
            item = matching.draw(seed, variant=variant, n=cfg.n)
        except ParameterError as exc:
            raise _located(settings, "matching", _culprit(str(exc)), exc) from None
        notes.append(
            NoteSpec(MATCHING, matching_fields(lesson, seed, variant, item), note_guid(lesson, MATCHING_KEY, variant),
                     "practice", ("practice::matching",))
        )
    return notes


# --- attention-map reasoning -------------------------------------------------------------


def reasoning_fields(lesson: str, seed: int, variant: int, item: Any, image_png: Png | None,
                     answer_png: Png | None = None) -> tuple[dict[str, str], dict[str, MediaSource]]:
    media: dict[str, MediaSource] = {}
    image = answer_image = ""
    if image_png is not None:
        name = media_name(lesson, REASONING_KEY, variant, image_png)
        image = fragment("figure", name=name, alt="The attention map this question is about",
                         min_width=phone_min_width(image_png))
        media[name] = image_png.source
    if answer_png is not None:
        # The marked map goes into Answer, a field only the back shows (the field list is frozen).
        name = media_name(lesson, REASONING_KEY, variant, answer_png)
        answer_image = '<div class="figure">' + fragment("figure", name=name, alt="The same map with the answer marked",
                                                               min_width=phone_min_width(answer_png)) + "</div>"
        media[name] = answer_png.source
    data = {"lesson": lesson, "seed": seed, "variant": variant, "key": REASONING_KEY, **_json_ready(item)}
    fields = {
        "Key": note_key(lesson, REASONING_KEY, variant),
        "Prompt": to_html(_math(str(item.prompt))),
        "Image": image,
        "Answer": to_html(_math(str(item.answer))) + answer_image,
        "Explanation": to_html(_math(str(item.explanation))),
        "Data": data_field(data),
    }
    return fields, media


def reasoning_notes(lesson: str, settings: PracticeSettings, seed: int, image: Callable[[Any], Png],
                    answer_image: Callable[[Any], Png | None] | None = None) -> list[NoteSpec]:
    cfg: ReasoningSettings = settings.reasoning
    if cfg.variants == 0:
        return []
    from ..practice import reasoning

    for kind in cfg.kinds:
        if kind not in reasoning.KINDS:
            raise BuildError(
                f"[reasoning] kinds: unknown kind {kind!r} (known: {', '.join(reasoning.KINDS)})",
                settings.path or Path("<practice settings>"),
                key_line(settings, "reasoning", "kinds") or None,
            )
    notes = []
    for variant in range(cfg.variants):
        # Kinds cycle by variant index, so note i keeps its kind from build to build.
        kind = cfg.kinds[variant % len(cfg.kinds)] if cfg.kinds else None
        try:
            item = reasoning.draw(seed, variant=variant, kind=kind)
        except ParameterError as exc:
            raise _located(settings, "reasoning", "kinds" if kind else "variants", exc) from None
        # A map that shows what the question asks for goes to the back only.
        fields, media = reasoning_fields(lesson, seed, variant, item, image(item) if item.map_given else None,
                                         answer_image(item) if answer_image else None)
        notes.append(
            NoteSpec(REASONING, fields, note_guid(lesson, REASONING_KEY, variant), "practice",
                     ("practice::reasoning", f"reasoning::{item.kind}"), media)
        )
    return notes
