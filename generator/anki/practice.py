"""The builders of the practice kinds (attention head, architecture matching,
attention-map reasoning, scalar RNN, sister-track routing): draw one item, turn it into
a note's fields with the figure of that very problem (where the kind has one). ``kinds.py`` names them in its table.

Numbers come from ``generator.practice`` and are printed through its worked-steps
view and ``fmt``, the same path the slides and figures use, so a card never
shows a digit the lesson would print differently. Figures come from
``generator.figures``; nothing here draws.

Identity: variant ``i`` of exercise ``key`` is the note with GUID
(lesson, key, i) in every build; only its numbers change with the seed.
"""
from __future__ import annotations

import html
import json
from functools import cache
from typing import Any

from .. import stencil
from ..practice import attention, rnn, symbols
from ..practice.steps import QuerySteps, worked_steps
from .deck import MediaSource
from .figures import CardSvgs, Svg, phone_min_width
from .markup import to_html
from .render import filled, fragment

# Exercise keys: part of every practice note's GUID (never rename) and of the
# seed stream the numbers are drawn from.
ATTENTION_KEY = "attention"
MATCHING_KEY = "matching"
REASONING_KEY = "reasoning"
RNN_KEY = "rnn"
TRACKS_KEY = "tracks"

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


def media_name(lesson: str, exercise: str, variant: int, figure: Svg) -> str:
    """A flat, content-addressed media name.

    Anki keeps the first file it sees under a name; a new build's figure under an
    old name would either be dropped or renamed behind our back. A name that
    changes with the bytes avoids both. (Unused old figures are removed by
    Tools > Check Media.)
    """
    return f"{lesson}-{exercise}-{variant + 1:02d}-{figure.digest[:12]}.{figure.suffix}"


def data_field(data: dict[str, Any]) -> str:
    # Escaped so the JSON survives as field HTML; json.loads(html.unescape(field)) reads it back.
    return html.escape(json.dumps(data, sort_keys=True, separators=(",", ":")), quote=False)


def _label(name: str, index: int | None = None) -> str:
    return rf"\({name}_{{{index}}}\)" if index is not None else rf"\({name}\)"


# --- attention head ----------------------------------------------------------------


def attention_fields(lesson: str, problem: attention.Problem, figure_svg: Svg) -> tuple[dict[str, str], dict[str, MediaSource]]:
    """Every field of one attention practice note, and its media."""
    views = worked_steps(problem)
    first = views[0]
    n_keys = len(first.keys)
    d_k = first.d_k
    q_label = _query_labels(first.n_queries)
    k_labels, v_labels, titles = _head_labels(n_keys, d_k, first.sqrt_d_k)
    key_header = k_labels
    headers = {"exp": (*key_header, "sum"), "output": tuple(str(c + 1) for c in range(d_k))}

    def products(v: QuerySteps) -> list[str]:
        # The arithmetic of each score, so a learner can find which product went wrong.
        scores = v.step("scores").cells
        return [
            " + ".join(f"({a})({b})" for a, b in zip(v.query, v.keys[i])) + f" = {scores[i]}" for i in range(n_keys)
        ]

    note = "; ".join(p for v in views for p in products(v))
    hints = _hints(problem)
    name = media_name(lesson, ATTENTION_KEY, problem.variant, figure_svg)
    alt = figure_svg.alt or "The attention head of this problem"
    min_width = phone_min_width(figure_svg)

    def context() -> dict[str, Any]:
        # The template's context. Each step's card heading by step name; the steps, their
        # order and numbers (the list's 1 to 5) come from the worked-steps view, as on the slides.
        steps = []
        for n, step in enumerate(first.steps):
            rows = []
            for v in views:
                shown = v.steps[n]
                cells = [*shown.cells, shown.total] if shown.total is not None else list(shown.cells)
                rows.append({"label": q_label[v.index], "cells": cells})
            steps.append({"name": step.name, "title": titles[step.name], "note": note if step.name == "scores" else "",
                          "header": list(headers.get(step.name, key_header)), "rows": rows})
        answer_rows = [
            {"label": q_label[v.index], "weights": v.step("weights").cells, "output": v.step("output").cells,
             "winner": " and ".join(k_labels[i] for i in v.most_attended)}
            for v in views
        ]
        return dict(n_queries=first.n_queries, n_keys=n_keys, d_k=d_k, rounding=attention.ROUNDING,
                    query_rows=[{"label": q_label[v.index], "cells": v.query} for v in views],
                    key_rows=[{"label": k_labels[i], "cells": row} for i, row in enumerate(first.keys)],
                    value_rows=[{"label": v_labels[i], "cells": row} for i, row in enumerate(first.values)],
                    steps=steps, rounding_rule=_ROUNDING_RULE, answer_rows=answer_rows, hints=hints,
                    name=name, alt=alt, min_width=min_width)

    # The same texts in the order ``stencil`` reads them from the context above (checked
    # there for the first note of each layout): no context is built for the others.
    texts: list[str] = []
    for v in views:
        texts += (q_label[v.index], *v.query)
    for labels, rows in ((k_labels, first.keys), (v_labels, first.values)):
        for label, row in zip(labels, rows):
            texts += (label, *row)
    for n, step in enumerate(first.steps):
        texts += (step.name, titles[step.name], note) if step.name == "scores" else (step.name, titles[step.name])
        texts += headers.get(step.name, key_header)
        for v in views:
            shown = v.steps[n]
            texts += (q_label[v.index], *shown.cells)
            if shown.total is not None:
                texts.append(shown.total)
    texts.append(_ROUNDING_RULE)
    for v in views:
        texts += (q_label[v.index], *v.step("weights").cells, *v.step("output").cells,
                  " and ".join(k_labels[i] for i in v.most_attended))
    for hint in hints:
        texts += (hint["name"], hint["answer"], hint["explanation"])
    texts += (name, alt)
    layout = (first.n_queries, n_keys, d_k, tuple(hint["name"] for hint in hints), min_width)
    written = filled("attention_note", ("Task", "Inputs", "Steps", "Answer", "Hints", "Figure"), layout, texts, context)
    return ({"Key": note_key(lesson, ATTENTION_KEY, problem.variant), **written, "Data": _attention_data(lesson, problem)},
            {name: figure_svg.source})


def _attention_data(lesson: str, problem: attention.Problem) -> str:
    """``data_field({"lesson": lesson, **attention.to_data(problem)})``, from the problem's
    numbers in the order that JSON writes them (sorted keys), into a skeleton written
    once per shape (``stencil.json_fill``, checked there against ``to_data`` itself)."""
    d = attention.rounded(problem)
    sol = problem.solution
    text = d.text
    single = len(d.query) == 1

    def rows(value: list) -> list:
        return [x for row in value for x in row]

    def exact(a: Any) -> list:
        return a.ravel().tolist()

    leaves = [
        d.d_k, _json_escaped(problem.difficulty),
        *exact(sol.exp), *exact(sol.exp_sum), *exact(sol.output), *exact(sol.scaled), *exact(sol.scores),
        *exact(sol.weights),
        *rows(d.exp), *d.exp_sum, _json_escaped(problem.key), *rows(d.keys), _json_escaped(lesson),
        *rows(d.most_attended),
        len(d.keys), len(d.query), *rows(d.output), *rows(d.query),
        *(attention.ROUNDING[name] for name in sorted(attention.ROUNDING)),
        *rows(d.scaled), *rows(d.scores), problem.seed,
        *rows(text["exp"]), *text["exp_sum"], *rows(text["keys"]), *rows(text["output"]), *rows(text["query"]),
        *rows(text["scaled"]), *rows(text["scores"]), *rows(text["values"]), *rows(text["weights"]),
        *rows(d.values), problem.variant, *rows(d.weights),
    ]
    shape = ("attention", single, len(d.query), len(d.keys), d.d_k, tuple(len(m) for m in d.most_attended))
    data = stencil.json_fill(shape, leaves, lambda: {"lesson": lesson, **attention.to_data(problem)})
    return html.escape(data, quote=False)  # as data_field


@cache
def _json_escaped(text: str) -> str:
    """``text`` as JSON writes it between its quotes (the printed numbers need nothing)."""
    return json.dumps(text)[1:-1]


_ROUNDING_RULE = (
    "Rounding: every number shown is the exact value rounded to "
    + ", ".join(f"{STEP_WORDS[name]} {n}" for name, n in attention.ROUNDING.items())
    + " decimals. Working each step from the rounded numbers of the step before gives a number"
    " that rounds to the one shown: no step ends on or near a half, so rounding halves up or to"
    " even gives the same."
)


@cache
def _query_labels(n_queries: int) -> tuple[str, ...]:
    return (_label("q"),) if n_queries == 1 else tuple(_label("q", j + 1) for j in range(n_queries))


@cache
def _head_labels(n_keys: int, d_k: int, sqrt_d_k: str) -> tuple[tuple[str, ...], tuple[str, ...], dict[str, str]]:
    """The key and value labels (the keys' also head the steps' tables) and each step's card heading, by step name."""
    keys = tuple(_label("k", i + 1) for i in range(n_keys))
    values = tuple(_label("v", i + 1) for i in range(n_keys))
    titles = {
        "scores": r"Scores \(s_i = q \cdot k_i\):",
        "scaled": rf"Scale: divide by \(\sqrt{{{d_k}}} \approx {sqrt_d_k}\):",
        "exp": r"Exponentials \(e^{s_i / \sqrt{d_k} }\) and their sum:",
        "weights": r"Softmax: each exponential over the sum gives the weights \(w_i\):",
        "output": r"Output \(\sum_i w_i v_i\):",
    }
    return keys, values, titles


def _vector_text(row: list[str]) -> str:
    return "(" + ", ".join(row) + ")"


def _hints(problem: attention.Problem) -> list[dict[str, str]]:
    """The named slips as "if you got X: what went wrong" lines.

    A slip that lands on the correct output anyway is left out: telling a
    learner with the right answer that they made a mistake would be false.
    """
    out = []
    for name, slip in attention.mistakes(problem).items():
        if not slip.differs:
            continue
        answer = "; ".join(
            f"weights {', '.join(w)} and output {_vector_text(o)}" for w, o in zip(slip.text["weights"], slip.text["output"])
        )
        out.append({"name": name, "answer": answer, "explanation": _slip_explanation(slip.explanation)})
    return out


@cache  # three explanations, on every note
def _slip_explanation(text: str) -> str:
    """A slip's explanation as the hint's sentence goes on: in MathJax, lower-cased first letter."""
    explanation = symbols.attention_tex(text)
    return explanation[:1].lower() + explanation[1:]


def draw_attention(seed: int, variant: int, cfg: Any, entry: int = 0) -> attention.Problem:
    return attention.draw(
        seed, key=ATTENTION_KEY, variant=variant, difficulty=cfg.difficulty,
        d_k=cfg.d_k, n_keys=cfg.n_keys, n_queries=cfg.n_queries, entry=entry,
    )


def draw_attention_many(seed: int, streams: list[tuple[int, int]], cfg: Any) -> list[attention.Problem]:
    """``draw_attention`` for every (variant, entry) of ``streams``: the same problems, drawn together."""
    from ..practice.attention.batch import draw_many

    problems = draw_many(seed, streams, ATTENTION_KEY, cfg.difficulty, cfg.d_k, cfg.n_keys, cfg.n_queries)
    # Every card's numbers rounded, and its slips worked out, together, ahead of its fields.
    attention.rounded_many(problems)
    attention.mistakes_many(problems)
    return problems


def attention_note(lesson: str, seed: int, variant: int, problem: attention.Problem, figures: CardSvgs) -> tuple[dict[str, str], dict[str, MediaSource]]:
    return attention_fields(lesson, problem, figures.attention_head(problem))


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


def draw_matching(seed: int, variant: int, cfg: Any, entry: int = 0) -> Any:
    from ..practice import matching

    return matching.draw(seed, variant=variant, n=cfg.n, entry=entry)


def matching_note(lesson: str, seed: int, variant: int, item: Any, figures: CardSvgs) -> tuple[dict[str, str], dict[str, MediaSource]]:
    return matching_fields(lesson, seed, variant, item), {}


# --- attention-map reasoning -------------------------------------------------------------


def reasoning_fields(lesson: str, seed: int, variant: int, item: Any, image_svg: Svg | None,
                     answer_svg: Svg | None = None) -> tuple[dict[str, str], dict[str, MediaSource]]:
    media: dict[str, MediaSource] = {}
    image = answer_image = ""
    if image_svg is not None:
        name = media_name(lesson, REASONING_KEY, variant, image_svg)
        image = fragment("figure", name=name, alt=image_svg.alt or "The attention map this question is about",
                         min_width=phone_min_width(image_svg))
        media[name] = image_svg.source
    if answer_svg is not None:
        # The marked map goes into Answer, a field only the back shows (the field list is frozen).
        name = media_name(lesson, REASONING_KEY, variant, answer_svg)
        answer_image = '<div class="figure">' + fragment("figure", name=name, alt=answer_svg.alt or "The same map with the answer marked",
                                                               min_width=phone_min_width(answer_svg)) + "</div>"
        media[name] = answer_svg.source
    data = {"lesson": lesson, "seed": seed, "variant": variant, "key": REASONING_KEY, **_json_ready(item)}
    fields = {
        "Key": note_key(lesson, REASONING_KEY, variant),
        "Prompt": to_html(symbols.attention_tex(str(item.prompt))),
        "Image": image,
        "Answer": to_html(symbols.attention_tex(str(item.answer))) + answer_image,
        "Explanation": to_html(symbols.attention_tex(str(item.explanation))),
        "Data": data_field(data),
    }
    return fields, media


def draw_reasoning(seed: int, variant: int, cfg: Any, entry: int = 0) -> Any:
    from ..practice import reasoning

    # Kinds cycle by variant index, so note i keeps its kind from build to build
    # (and every entry of its pool has that kind).
    kind = cfg.kinds[variant % len(cfg.kinds)] if cfg.kinds else None
    return reasoning.draw(seed, variant=variant, kind=kind, entry=entry)


def reasoning_note(lesson: str, seed: int, variant: int, item: Any, figures: CardSvgs) -> tuple[dict[str, str], dict[str, MediaSource]]:
    # A map that shows what the question asks for goes to the back only.
    front = figures.reasoning_image(item) if item.map_given else None
    return reasoning_fields(lesson, seed, variant, item, front, figures.reasoning_answer_image(item))


# --- scalar RNN ----------------------------------------------------------------------------

# (Data name, row label): the forward chain as the back lists it. Short labels keep four
# steps inside a phone's width; the task above states each formula.
RNN_ROWS = (("pre", r"\(a_t\)"), ("state", r"\(h_t\)"), ("slope", r"\(1 - h_t^2\)"), ("factor", r"\(f_t\)"))
RNN_WORDS = {"pre": r"\(a_t\)", "state": r"\(h_t\)", "slope": r"\(1 - h_t^2\)", "factor": r"\(f_t\)",
             "product": "the product"}


def rnn_fields(lesson: str, problem: rnn.Problem) -> dict[str, str]:
    """Every field of one scalar-RNN practice note (it has no figure)."""
    shown = rnn.rounded(problem)
    text = shown.text
    T = shown.T
    task = fragment("rnn_task", T=T, h0=text["h0"], rounding=rnn.ROUNDING)
    inputs = fragment("rnn_inputs", w=text["w"], u=text["u"], xs=text["xs"])
    previous = [text["h0"], *text["state"][:-1]]
    sums = [rf"\(a_{{{t + 1}}}\) = ({text['w']})({previous[t]}) + ({text['u']})({text['xs'][t]}) = {text['pre'][t]}"
            for t in range(T)]
    rows = [{"name": name, "label": label, "cells": text[name]} for name, label in RNN_ROWS]
    product_sum = (r"\(" + r" \cdot ".join(f"f_{{{t + 1}}}" for t in range(T)) + r"\) = "
                   + "".join(f"({f})" for f in text["factor"]) + f" = {text['product']}")
    rule = ("Rounding: " + ", ".join(f"{RNN_WORDS[name]} {n}" for name, n in rnn.ROUNDING.items())
            + " decimals (a product below 0.01: 4 significant digits). Each step starts from the rounded"
            " numbers of the step before, so a chain worked by hand lands on these digits.")
    steps = fragment("rnn_steps", T=T, h0=text["h0"], sums=sums, rows=rows, product_sum=product_sum,
                     rounding_rule=rule)
    answer = fragment("rnn_answer", T=T, states=text["state"], product=text["product"], regime=problem.regime,
                      h=rnn.horizon(problem))
    right = text["product"]
    hints = [
        {"name": name, "answer": f"the product {slip.text['product']} (factors {', '.join(slip.text['factors'])})",
         "explanation": symbols.rnn_tex(slip.explanation[:1].lower() + slip.explanation[1:])}
        for name, slip in rnn.mistakes(problem).items()
        if slip.text["product"] != right  # a slip that lands on the right answer is no slip to warn about
    ]
    data = {"lesson": lesson, **rnn.to_data(problem)}
    return {
        "Key": note_key(lesson, RNN_KEY, problem.variant),
        "Task": task,
        "Inputs": inputs,
        "Steps": steps,
        "Answer": answer,
        "Hints": fragment("attention_hints", hints=hints),
        "Data": data_field(data),
    }


def draw_rnn(seed: int, variant: int, cfg: Any, entry: int = 0) -> rnn.Problem:
    # "alternate": the engine's default, notes 1, 3, ... vanishing and notes 2, 4, ... exploding.
    regime = None if cfg.regime == "alternate" else cfg.regime
    return rnn.draw(seed, key=RNN_KEY, variant=variant, regime=regime, T=cfg.T, entry=entry)


def rnn_note(lesson: str, seed: int, variant: int, problem: rnn.Problem, figures: CardSvgs) -> tuple[dict[str, str], dict[str, MediaSource]]:
    return rnn_fields(lesson, problem), {}


# --- where to go deeper (sister tracks) ------------------------------------------------------


def tracks_fields(lesson: str, seed: int, variant: int, item: Any) -> dict[str, str]:
    from ..practice import tracks

    scope = {t.name: t.covers for t in tracks.TRACKS}
    letters = [chr(ord("A") + i) for i in range(len(item.tracks))]
    rows = [
        {"question": question, "track": track, "letter": letters[index], "reason": reason}
        for (question, track, reason), index in zip(item.answer, item.answer_index)
    ]
    data = {"lesson": lesson, "seed": seed, "variant": variant, "key": TRACKS_KEY, **_json_ready(item)}
    return {
        "Key": note_key(lesson, TRACKS_KEY, variant),
        "Task": fragment("tracks_task", n=len(item.questions)),
        "Questions": fragment("matching_list", title="Questions", items=list(item.questions), ordered=True),
        "Tracks": fragment("matching_list", title="Sister tracks", items=list(zip(letters, item.tracks)), ordered=False),
        "Answer": fragment("tracks_answer", rows=rows,
                           covers=[(letter, name, scope[name]) for letter, name in zip(letters, item.tracks)]),
        "Data": data_field(data),
    }


def draw_tracks(seed: int, variant: int, cfg: Any, entry: int = 0) -> Any:
    from ..practice import tracks

    return tracks.draw(seed, variant=variant, n=cfg.n, entry=entry)


def tracks_note(lesson: str, seed: int, variant: int, item: Any, figures: CardSvgs) -> tuple[dict[str, str], dict[str, MediaSource]]:
    return tracks_fields(lesson, seed, variant, item), {}
