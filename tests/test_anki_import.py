"""Import the built .apkg with the official anki library, as a learner's Anki would.

Expectations are computed here from the sources (the card file, the practice
TOML) and from the numbers in each note's Data field by a separate route
(plain loops and math.exp), never by calling the code under test.
"""
from __future__ import annotations

import html
import json
import math
import os
import re
import sqlite3
import time
import tomllib
import zipfile
from contextlib import contextmanager
from pathlib import Path
from xml.etree import ElementTree

import pytest

from test_practice_pool import first_problem

pytestmark = pytest.mark.skipif(not os.environ.get("RUN_ANKI_TESTS"), reason="set RUN_ANKI_TESTS=1")

ROOT = Path(__file__).resolve().parent.parent
LESSON = "07-sequence-tools"
TITLE = "Sequence tools for vision: recurrence and attention"
CARDS = ROOT / "cards" / f"{LESSON}.cards"
PRACTICE = ROOT / "cards" / f"{LESSON}.practice.toml"
FLASH_DECK = "Vision::07 Sequence tools::Flashcards"
PRACTICE_DECK = "Vision::07 Sequence tools::Practice"
MTIME_1 = 1_700_000_000
MTIME_2 = MTIME_1 + 86_400  # a later build: one day on
SEED_1, SEED_2 = 11, 12

TYPE_BASIC = "Vision lessons: basic"
TYPE_CLOZE = "Vision lessons: cloze"
TYPE_ATTENTION = "Vision lessons: attention practice"
TYPE_MATCHING = "Vision lessons: architecture matching"
TYPE_REASONING = "Vision lessons: attention-map reasoning"
TYPE_RNN = "Vision lessons: RNN practice"
TYPE_TRACKS = "Vision lessons: where to go deeper"
TEMPLATE_ERRORS = re.compile(r"template has a problem|templates/errors|card is blank|\{\{", re.I)


# --- expectations, read straight from the sources ----------------------------------


def expected_flashcards() -> dict[str, dict]:
    """key -> {"cloze": [numbers] or None, "tags": [...]} from a plain reading of the card file."""
    cards: dict[str, dict] = {}
    current = None
    for line in CARDS.read_text(encoding="utf-8").splitlines():
        if line.startswith("== "):
            current = cards.setdefault(line[3:].strip(), {"cloze": None, "tags": [], "text": ""})
        elif current is not None and not line.startswith("#"):
            current["text"] += line + "\n"
            if line.startswith("tags:"):
                current["tags"] = line[5:].split()
            if line.startswith("cloze:"):
                current["cloze"] = []
    for card in cards.values():
        if card["cloze"] is not None:
            card["cloze"] = sorted({int(n) for n in re.findall(r"\{\{c(\d+)::", card["text"])})
    return cards


def expected_practice() -> dict[str, int]:
    settings = tomllib.loads(PRACTICE.read_text(encoding="utf-8"))
    return {kind: settings.get(kind, {}).get("variants", 0) for kind in ("attention", "matching", "reasoning", "rnn", "tracks")}


# --- building and importing ---------------------------------------------------------------


@contextmanager
def source_date_epoch(value: int):
    old = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = str(value)
    try:
        yield
    finally:
        if old is None:
            del os.environ["SOURCE_DATE_EPOCH"]
        else:
            os.environ["SOURCE_DATE_EPOCH"] = old


def build(out: Path, seed: int, mtime: int):
    from generator.anki import build_deck

    with source_date_epoch(mtime):
        return build_deck(LESSON, TITLE, ROOT / "cards", out, seed)


def fresh_collection(directory: Path):
    from anki.collection import Collection

    directory.mkdir(parents=True, exist_ok=True)
    return Collection(str(directory / "collection.anki2"))


def import_apkg(col, apkg: Path):
    from anki.collection import ImportAnkiPackageOptions, ImportAnkiPackageRequest
    from anki.import_export_pb2 import ImportAnkiPackageUpdateCondition

    options = ImportAnkiPackageOptions(
        update_notes=ImportAnkiPackageUpdateCondition.IMPORT_ANKI_PACKAGE_UPDATE_CONDITION_IF_NEWER,
        update_notetypes=ImportAnkiPackageUpdateCondition.IMPORT_ANKI_PACKAGE_UPDATE_CONDITION_IF_NEWER,
        with_scheduling=False,
    )
    return col.import_anki_package(ImportAnkiPackageRequest(package_path=str(apkg), options=options)).log


@pytest.fixture(scope="module")
def builds(tmp_path_factory):
    out = tmp_path_factory.mktemp("apkg")
    first = build(out / "build1" / f"{LESSON}.apkg", SEED_1, MTIME_1)
    second = build(out / "build2" / f"{LESSON}.apkg", SEED_2, MTIME_2)
    return first, second


@pytest.fixture(scope="module")
def imported(builds, tmp_path_factory):
    col = fresh_collection(tmp_path_factory.mktemp("collection"))
    log = import_apkg(col, builds[0].path)
    yield col, log
    col.close()


def notes_of(col, type_name: str):
    return [col.get_note(nid) for nid in col.find_notes(f'"note:{type_name}"')]


def data_of(note) -> dict:
    return json.loads(html.unescape(note["Data"]))


# --- counts, decks, tags ----------------------------------------------------------------------


def test_note_and_card_counts_per_note_type(imported):
    col, log = imported
    flash = expected_flashcards()
    practice = expected_practice()
    basic = [k for k, c in flash.items() if c["cloze"] is None]
    cloze = {k: c["cloze"] for k, c in flash.items() if c["cloze"] is not None}
    expected_notes = {
        TYPE_BASIC: len(basic),
        TYPE_CLOZE: len(cloze),
        TYPE_ATTENTION: practice["attention"],
        TYPE_MATCHING: practice["matching"],
        TYPE_REASONING: practice["reasoning"],
        TYPE_RNN: practice["rnn"],
        TYPE_TRACKS: practice["tracks"],
    }
    expected_cards = {**expected_notes, TYPE_CLOZE: sum(len(n) for n in cloze.values())}
    assert len(log.new) == sum(expected_notes.values())
    assert not log.duplicate and not log.conflicting and not log.updated
    for type_name, count in expected_notes.items():
        assert len(col.find_notes(f'"note:{type_name}"')) == count, type_name
        assert len(col.find_cards(f'"note:{type_name}"')) == expected_cards[type_name], type_name
    assert col.card_count() == sum(expected_cards.values())


def test_deck_hierarchy(imported):
    col, _ = imported
    names = {d.name for d in col.decks.all_names_and_ids()}
    assert {"Vision", "Vision::07 Sequence tools", FLASH_DECK, PRACTICE_DECK} <= names
    flash_types = f'("note:{TYPE_BASIC}" OR "note:{TYPE_CLOZE}")'
    assert set(col.find_cards(f'"deck:{FLASH_DECK}"')) == set(col.find_cards(flash_types))
    assert set(col.find_cards(f'"deck:{PRACTICE_DECK}"')) == set(col.find_cards(f"-{flash_types}"))


def test_tags_present(imported):
    col, _ = imported
    flash = expected_flashcards()
    for note in notes_of(col, TYPE_BASIC) + notes_of(col, TYPE_CLOZE):
        key = note["Key"].split("/", 1)[1]
        assert set(note.tags) == {f"lesson::{LESSON}", *flash[key]["tags"]}, key
    for type_name, tag in ((TYPE_ATTENTION, "practice::attention"), (TYPE_MATCHING, "practice::matching"),
                           (TYPE_REASONING, "practice::reasoning"), (TYPE_RNN, "practice::rnn"),
                           (TYPE_TRACKS, "practice::tracks")):
        for note in notes_of(col, type_name):
            assert f"lesson::{LESSON}" in note.tags and tag in note.tags


def test_new_cards_come_in_lesson_order(imported):
    col, _ = imported
    flash_order = list(expected_flashcards())
    first_due: dict[str, int] = {}
    for cid in col.find_cards(f'"deck:{FLASH_DECK}"'):
        card = col.get_card(cid)
        key = card.note()["Key"].split("/", 1)[1]
        first_due[key] = min(first_due.get(key, card.due), card.due)
    assert sorted(first_due, key=first_due.get) == flash_order
    last_flash = max(first_due.values())
    assert all(col.get_card(cid).due > last_flash for cid in col.find_cards(f'"deck:{PRACTICE_DECK}"'))


# --- rendering and media --------------------------------------------------------------------------


def test_every_card_renders_without_template_errors(imported):
    col, _ = imported
    for cid in col.find_cards(""):
        card = col.get_card(cid)
        question, answer = card.question(), card.answer()
        for side, text in (("question", question), ("answer", answer)):
            found = TEMPLATE_ERRORS.search(text)
            assert found is None, f"{card.note()['Key']} {side}: {found.group(0)!r} in {text[-400:]!r}"
        assert len(re.sub(r"<style>.*?</style>", "", answer, flags=re.S)) > 40


def test_mathjax_uses_backslash_paren_and_bracket(imported):
    col, _ = imported
    fields = " ".join(" ".join(note.fields) for t in (TYPE_BASIC, TYPE_CLOZE, TYPE_ATTENTION) for note in notes_of(col, t))
    assert r"\(" in fields and r"\[" in fields
    assert "$$" not in fields and not re.search(r"(?<!\\)\$[^$]+\$", fields)


def test_every_referenced_media_file_is_in_the_media_folder(imported, builds):
    col, _ = imported
    media_dir = Path(col.media.dir())
    referenced = set()
    for nid in col.find_notes(""):
        note = col.get_note(nid)
        for name in col.media.files_in_str(note.mid, "\x1f".join(note.fields)):
            referenced.add(name)
            path = media_dir / name
            # Every problem's figure, problem 0's too, is an SVG document of its own.
            assert path.is_file() and name.endswith(".svg"), name
            root = ElementTree.fromstring(path.read_bytes())
            assert root.tag == "{http://www.w3.org/2000/svg}svg", name
    practice = expected_practice()
    assert len(referenced) >= practice["attention"] + practice["reasoning"]
    assert len(referenced) == builds[0].media
    for note in notes_of(col, TYPE_ATTENTION):
        names = re.findall(r'<img src="([^"/\\]+)"', note["Figure"])
        assert len(names) == len(data_of(note)["pool"]) and all(n.endswith(".svg") for n in names)


# --- the independent check of every attention practice note --------------------------------------


def head_by_hand(query: list[float], keys: list[list[float]], values: list[list[float]]) -> dict[str, list[float]]:
    """One head with loops and math.exp: a route that shares no code with numpy's."""
    d_k = len(query)
    scores = []
    for key in keys:
        total = 0.0
        for a, b in zip(query, key):
            total += a * b
        scores.append(total)
    scaled = [s / math.sqrt(d_k) for s in scores]
    exps = [math.exp(s) for s in scaled]
    denominator = math.fsum(exps)
    weights = [e / denominator for e in exps]
    output = [0.0] * len(values[0])
    for w, row in zip(weights, values):
        for c, x in enumerate(row):
            output[c] += w * x
    return {"scores": scores, "scaled": scaled, "exp": exps + [denominator], "weights": weights, "output": output}


def as_rows(x) -> list:
    return x if isinstance(x[0], list) else [x]


def decimals(text: str) -> int:
    return len(text.split(".")[1]) if "." in text else 0


def assert_rounds(shown: list[str], exact: list[float], places: int | None = None) -> None:
    """Each printed number is the exact value rounded at its own printed precision
    (and at ``places`` decimals, when the card states how many)."""
    assert len(shown) == len(exact) and shown
    for text, value in zip(shown, exact):
        digits = decimals(text)
        if places is not None:
            assert digits == places, text
        assert abs(float(text) - value) <= 0.5 * 10.0**-digits + 1e-12, (text, value)


def step_cells(back: str, step: str) -> list[str]:
    table = re.search(rf'<table class="nums step" data-step="{step}">(.*?)</table>', back, re.S)
    assert table, step
    return re.findall(r"<td>([-0-9.]+)</td>", table.group(1))


def test_attention_answers_agree_with_an_independent_computation(imported):
    col, _ = imported
    notes = notes_of(col, TYPE_ATTENTION)
    assert len(notes) == expected_practice()["attention"] > 0
    for note in notes:
        data = data_of(note)
        assert {"query", "keys", "values", "weights", "output", "seed"} <= set(data)
        assert data["seed"] == SEED_1
        queries = as_rows(data["query"])
        by_hand = [head_by_hand(q, data["keys"], data["values"]) for q in queries]
        flat = {step: [x for h in by_hand for x in h[step]] for step in by_hand[0]}
        # Data keeps the exact answers, and the displayed ones rounded from them.
        exact = data["exact"]
        assert [x for row in as_rows(exact["weights"]) for x in row] == pytest.approx(flat["weights"], abs=1e-9)
        assert [x for row in as_rows(exact["output"]) for x in row] == pytest.approx(flat["output"], abs=1e-9)
        assert_rounds([repr(x) for row in as_rows(data["weights"]) for x in row], flat["weights"])

        card = col.get_card(note.card_ids()[0])
        back, front = first_problem(card.answer()), first_problem(card.question())
        # The answer, at the precision the card's front asks for.
        assert_rounds(re.findall(r'<span class="weight">([-0-9.]+)</span>', back), flat["weights"], places=3)
        assert_rounds(re.findall(r'<span class="output">([-0-9.]+)</span>', back), flat["output"], places=2)
        # Every step the back works through.
        for step in ("scores", "scaled", "exp", "weights", "output"):
            assert_rounds(step_cells(back, step), flat[step])
        # The question shows the inputs the answer was computed from.
        cells = [float(x) for x in re.findall(r"<td>([-0-9.]+)</td>", front)]
        assert cells == [x for row in queries + data["keys"] + data["values"] for x in row]
        # Each named slip shows a different answer than the right one.
        hints = re.findall(r'data-slip="(\w+)">If you got weights ([-0-9., ]+) and output \(([-0-9., ]+)\)', back)
        assert hints and {name for name, _, _ in hints} <= {"no_scaling", "divide_by_dk", "argmax"}
        for name, weights, output in hints:
            assert [float(x) for x in output.split(",")] != [round(x, 2) for x in flat["output"]]
            if name == "no_scaling" and len(queries) == 1:
                # Softmax of the raw scores, by hand: what forgetting the scale gives.
                raw = [math.exp(x) for x in by_hand[0]["scores"]]
                slip_w = [e / math.fsum(raw) for e in raw]
                slip_out = [math.fsum(w * v[c] for w, v in zip(slip_w, data["values"])) for c in range(len(data["values"][0]))]
                assert_rounds([x.strip() for x in weights.split(",")], slip_w, places=3)
                assert_rounds([x.strip() for x in output.split(",")], slip_out, places=2)


# --- matching and reasoning notes, checked against their Data ------------------------------------

# Which architecture a task calls for, read from the task's words alone: a rule
# written for this test, independent of the engine's own tables.
def architecture_by_keywords(task: str) -> str:
    text = task.lower()
    if any(w in text for w in ("video", "frames", "footage", "clip", "time-lapse")):
        return "per-frame CNN + RNN"
    if any(w in text for w in ("caption", "sentence", "alt text", "describe", "description", "title")):
        grounded = ("region", "part of the image", "part of the picture", "patch of the image", "look at",
                    "area", "location", "without squeezing")
        return "CNN + attention + RNN" if any(w in text for w in grounded) else "CNN + RNN"
    if any(w in text for w in ("small", "few thousand", "scarce", "modest", "tens of thousands")):
        return "CNN"
    if any(w in text for w in ("patches", "pre-train", "every other")):
        return "ViT"
    raise AssertionError(f"cannot tell what {task!r} needs")


def test_matching_notes_pair_every_task_with_the_right_architecture(imported):
    col, _ = imported
    notes = notes_of(col, TYPE_MATCHING)
    assert len(notes) == expected_practice()["matching"] > 0
    for note in notes:
        data = data_of(note)
        card = col.get_card(note.card_ids()[0])
        question, back = first_problem(card.question()), first_problem(card.answer())
        for task in data["tasks"]:
            assert html.escape(task, quote=False) in question
        for architecture in data["architectures"]:
            assert html.escape(architecture, quote=False) in question
        pairs = re.findall(r'<span class="task">(.*?)</span><br><b class="architecture">(?:[A-Z]\. )?(.*?)</b>', back)
        assert [html.unescape(t) for t, _ in pairs] == data["tasks"]
        for task, architecture in pairs:
            assert html.unescape(architecture) == architecture_by_keywords(html.unescape(task)), task
        if len(data["tasks"]) < len(data["architectures"]):
            assert len({a for _, a in pairs}) == len(pairs)  # one-to-one, with distractors left over
            assert "fit none of them" in question


# Which sister track takes up a question, from its words and the lesson's slide alone:
# gates and training through time go to Track 12 lesson 2, heads, positions and
# Transformers to Tracks 5 and 14 (the slide "Why one lesson, and where to go deeper").
def track_by_keywords(question: str) -> set[str]:
    text = question.lower()
    recurrence = any(w in text for w in ("lstm", "gru", "gate", "through time", "backward pass", "time step",
                                         "step 20", "decoder that wrote it", "step by step"))
    attention = any(w in text for w in ("attention", "transformer", "head", "position", "query", "token"))
    assert recurrence != attention, f"cannot tell where {question!r} goes"
    return {"12"} if recurrence else {"5", "14"}


def test_tracks_notes_route_every_question_as_the_lesson_does(imported):
    col, _ = imported
    notes = notes_of(col, TYPE_TRACKS)
    assert len(notes) == expected_practice()["tracks"] > 0
    n = tomllib.loads(PRACTICE.read_text(encoding="utf-8"))["tracks"]["n"]
    for note in notes:
        data = data_of(note)
        assert (data["lesson"], data["key"], data["seed"]) == (LESSON, "tracks", SEED_1)
        assert note["Key"] == f"{LESSON}/tracks/{data['variant'] + 1:02d}"
        card = col.get_card(note.card_ids()[0])
        # Problem 0 of the note's pool: the one its Data keys describe at the top level.
        question, back = first_problem(card.question()), first_problem(card.answer())
        shown = [html.unescape(q) for q in re.findall(r"<li>(.*?)</li>", first_problem(note["Questions"]))]
        assert len(shown) == n == len(set(shown))
        assert [q for q, _, _ in data["answer"]] == shown
        listed = [html.unescape(t) for t in re.findall(r"<li><b>[A-Z]\.</b> (.*?)</li>", first_problem(note["Tracks"]))]
        assert [set(re.findall(r"Track (\d+)", t)) for t in listed] == [{"12"}, {"5", "14"}]
        assert "lesson 2" in listed[0]
        rows = re.findall(r'<span class="question">(.*?)</span><br><b class="track">([A-Z])\. (.*?)</b>: '
                          r'<span class="reason">(.*?)</span>', back)
        assert [html.unescape(q) for q, *_ in rows] == shown
        destinations = []
        for q, letter, track, reason in rows:
            expected = track_by_keywords(html.unescape(q))
            assert set(re.findall(r"Track (\d+)", html.unescape(track))) == expected, q
            assert listed[ord(letter) - ord("A")] == html.unescape(track)
            assert reason and html.unescape(reason) not in question
            destinations.append(min(expected))
        assert len(set(destinations)) == 2  # every note needs both tracks
        assert not re.search(r"\btrack\b", " ".join(shown), re.I)


def argmax_2d(rows: list[list[float]]) -> tuple[int, int]:
    best = (0, 0)
    for r, row in enumerate(rows):
        for c, x in enumerate(row):
            if x > rows[best[0]][best[1]]:
                best = (r, c)
    return best


def test_reasoning_answers_agree_with_their_attention_maps(imported):
    col, _ = imported
    notes = notes_of(col, TYPE_REASONING)
    assert len(notes) == expected_practice()["reasoning"] > 0
    kinds = set()
    for note in notes:
        data = data_of(note)
        kinds.add(data["kind"])
        # Every reasoning note shows its map: on the front when the question reads it, else on the back.
        assert re.search(r'<img src="[^"/]+\.svg"', note["Image"] if data["map_given"] else note["Answer"])
        # One softmax per query: the whole grid for an image (one word's query over
        # every patch), each row otherwise (one query per row).
        sums = [math.fsum(x for row in data["weights"] for x in row)] if data["kind"] == "image_grid" else [
            math.fsum(row) for row in data["weights"]]
        assert sums == pytest.approx([1.0] * len(sums), abs=1e-9)
        answer = html.unescape(first_problem(col.get_card(note.card_ids()[0]).answer()))
        if data["kind"] == "image_grid":
            r, c = argmax_2d(data["weights"])
            assert f"Row {r + 1}, column {c + 1}" in answer
            assert f"with weight {data['weights'][r][c]:.3f}" in answer
        elif data["kind"] == "caption_words":
            # The captioner's direction: the asked word's row spreads 1 over the regions.
            word = next(w for w in data["row_labels"] if f'For the word "{w}"' in data["prompt"])
            row = data["weights"][data["row_labels"].index(word)]
            region = data["col_labels"][max(range(len(row)), key=row.__getitem__)]
            assert re.search(rf'<div class="answer">The {re.escape(region)} region, with {max(row):.3f}', answer)
    assert kinds == set(tomllib.loads(PRACTICE.read_text(encoding="utf-8"))["reasoning"]["kinds"])


# --- scalar RNN notes, recomputed from their inputs ----------------------------------------------


# The decimals the card's task asks for, as a learner reads them.
RNN_PLACES = {"pre": 4, "state": 3, "slope": 3, "factor": 4}


def rnn_by_hand(w: float, u: float, xs: list[float], places: dict[str, int]) -> dict[str, list[float]]:
    """The hand chain with math.tanh and plain loops: each step from the rounded one before,
    rounded once at the places the card states."""
    chain: dict[str, list[float]] = {"pre": [], "state": [], "slope": [], "factor": []}
    h = 0.0
    for x in xs:
        a = round(w * h + u * x, places["pre"])
        h = round(math.tanh(a), places["state"])
        slope = round(1 - h * h, places["slope"])
        for name, value in (("pre", a), ("state", h), ("slope", slope), ("factor", round(w * slope, places["factor"]))):
            chain[name].append(value)
    return chain


def exact_rnn(w: float, u: float, xs: list[float]) -> float:
    h, product = 0.0, 1.0
    for x in xs:
        h = math.tanh(w * h + u * x)
        product *= w * (1 - h * h)
    return product


def product_text(value: float) -> str:
    # The card's printing rule, written out here: 3 decimals, or 4 significant digits below 0.01.
    if abs(value) < 0.01:
        mantissa, exponent = f"{value:.3e}".split("e")
        return f"{mantissa} × 10" + str(int(exponent)).translate(str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹"))
    return f"{value:.3f}"


def test_rnn_answers_agree_with_an_independent_computation(imported):
    col, _ = imported
    notes = notes_of(col, TYPE_RNN)
    assert len(notes) == expected_practice()["rnn"] > 0
    regimes = []
    for note in notes:
        data = data_of(note)
        assert (data["lesson"], data["key"], data["seed"]) == (LESSON, "rnn", SEED_1)
        assert note["Key"] == f"{LESSON}/rnn/{data['variant'] + 1:02d}"
        w, u, xs = data["w"], data["u"], data["xs"]
        chain = rnn_by_hand(w, u, xs, RNN_PLACES)
        for name, values in chain.items():
            assert data[name] == values, name
        product = math.prod(chain["factor"])
        assert abs(product - exact_rnn(w, u, xs)) <= 0.01 * abs(exact_rnn(w, u, xs))
        assert data["exact"]["product"] == pytest.approx(exact_rnn(w, u, xs), rel=1e-12)
        # The regime the back names follows from the factors, not from the engine's label.
        regime = "vanishing" if max(chain["factor"]) < 1 else "exploding"
        assert data["regime"] == regime and min(chain["factor"]) > (0 if regime == "vanishing" else 1)
        regimes.append(regime)

        card = col.get_card(note.card_ids()[0])
        question, back = first_problem(card.question()), html.unescape(first_problem(card.answer()))
        assert r"Give \(a_t\) to 4 decimals, \(h_t\) and \(1 - h_t^2\) to 3, \(f_t\) to 4 and the product to 3" in question
        assert [float(x) for x in re.findall(r"<td>([-0-9.]+)</td>", question)] == xs
        assert f"w = {data['text']['w']}" in question and float(data["text"]["w"]) == w
        for name, values in chain.items():
            row = re.search(rf'<tr data-step="{name}">(.*?)</tr>', back, re.S)
            assert row, name
            cells = re.findall(r"<td>([-0-9.]+)</td>", row.group(1))
            assert [float(c) for c in cells] == values and {decimals(c) for c in cells} == {RNN_PLACES[name]}
        assert re.findall(r'<span class="state">([-0-9.]+)</span>', back) == [f"{h:.3f}" for h in chain["state"]]
        assert re.findall(r'<span class="product">(.*?)</span>', back) == [product_text(product)]
        # Vanishing is certain (every factor is at most w < 1); growth only over the steps shown.
        assert ("It vanishes." in back) == (regime == "vanishing") and "It explodes" not in back
        assert (f"It grows over these {len(xs)} steps" in back) == (regime == "exploding")
        # Each slip's product, by hand, differs from the right one.
        slips = dict(re.findall(r'data-slip="(\w+)">If you got the product (\S+(?: × 10\S+)?) \(', back))
        assert set(slips) == {"w_only", "state_for_slope", "no_squash"}
        assert slips["w_only"] == product_text(w ** len(xs))
        assert all(shown != product_text(product) for shown in slips.values())
    assert set(regimes) == {"vanishing", "exploding"}


# --- re-import: new numbers on the same notes, history kept --------------------------------------


def package_fields(apkg: Path, tmp_path: Path) -> dict[str, list[str]]:
    """guid -> fields as stored in a package, read with sqlite3 (not through anki)."""
    db = tmp_path / f"{apkg.parent.name}.anki2"
    with zipfile.ZipFile(apkg) as archive:
        db.write_bytes(archive.read("collection.anki2"))
    with sqlite3.connect(db) as conn:
        return {guid: flds.split("\x1f") for guid, flds in conn.execute("select guid, flds from notes")}


def answer_some_cards(col, count: int) -> list[int]:
    answered = []
    for deck_name in (FLASH_DECK, PRACTICE_DECK):
        col.decks.select(col.decks.id_for_name(deck_name))
        for _ in range(count):
            card = col.sched.getCard()
            assert card is not None
            col.sched.answerCard(card, 3)
            answered.append(card.id)
    return answered


def history(col, card_ids: list[int]) -> list[tuple]:
    rows = col.db.all(f"select id, cid, ease, ivl, type from revlog where cid in ({','.join(map(str, card_ids))}) order by id")
    return [tuple(r) for r in rows]


def test_reimport_updates_in_place_and_keeps_history(builds, tmp_path):
    first, second = builds
    col = fresh_collection(tmp_path / "learner")
    try:
        import_apkg(col, first.path)
        notes_before = sorted(col.find_notes(""))
        answered = answer_some_cards(col, 2)
        revlog = history(col, answered)
        assert len(revlog) == len(answered) == 4
        scheduling = {cid: (col.get_card(cid).type, col.get_card(cid).queue, col.get_card(cid).due) for cid in answered}

        log = import_apkg(col, second.path)

        assert not log.new and not log.conflicting
        assert sorted(col.find_notes("")) == notes_before
        assert len({col.get_note(n).guid for n in notes_before}) == len(notes_before)
        shipped = package_fields(second.path, tmp_path)
        for type_name in (TYPE_ATTENTION, TYPE_MATCHING, TYPE_REASONING, TYPE_RNN, TYPE_TRACKS):
            for note in notes_of(col, type_name):
                assert data_of(note)["seed"] == SEED_2, note["Key"]
                assert note.fields == shipped[note.guid], note["Key"]  # every field, not only Data
        assert {u.id.nid for u in log.updated} >= set(col.find_notes(f'"note:{TYPE_ATTENTION}"')) | set(
            col.find_notes(f'"note:{TYPE_RNN}"'))
        media_dir = Path(col.media.dir())
        for type_name in (TYPE_ATTENTION, TYPE_REASONING):
            for note in notes_of(col, type_name):
                for name in col.media.files_in_str(note.mid, "\x1f".join(note.fields)):
                    assert (media_dir / name).is_file(), name  # build 2's figures arrived too
        assert history(col, answered) == revlog
        assert {cid: (col.get_card(cid).type, col.get_card(cid).queue, col.get_card(cid).due) for cid in answered} == scheduling
    finally:
        col.close()


def test_reimport_with_the_same_mtime_is_dropped_by_anki(builds, tmp_path):
    """Why every build must stamp a later mtime: Anki skips an equal one."""
    first, _ = builds
    same_time = build(tmp_path / "same" / f"{LESSON}.apkg", SEED_2, MTIME_1)
    col = fresh_collection(tmp_path / "learner")
    try:
        import_apkg(col, first.path)
        log = import_apkg(col, same_time.path)
        assert not log.updated and not log.new
        assert {data_of(n)["seed"] for n in notes_of(col, TYPE_ATTENTION)} == {SEED_1}
    finally:
        col.close()


def package_media(apkg: Path) -> set[str]:
    """The media file names a package carries (its "media" map), read without anki."""
    with zipfile.ZipFile(apkg) as archive:
        return set(json.loads(archive.read("media") or b"{}").values())


def test_five_weekly_builds_into_one_collection(tmp_path):
    """A learner imports five weekly builds, studying in between: no duplicate, history
    kept, and the figures of earlier weeks left as unused media for Tools > Check Media."""
    builds = [build(tmp_path / f"week{k}" / f"{LESSON}.apkg", 100 + k, MTIME_1 + k * 7 * 86_400) for k in range(5)]
    col = fresh_collection(tmp_path / "learner")
    try:
        import_apkg(col, builds[0].path)
        notes = sorted(col.find_notes(""))
        guids = sorted(col.get_note(n).guid for n in notes)
        answered: list[int] = []
        for week in builds[1:]:
            answered += answer_some_cards(col, 1)
            revlog = history(col, answered)
            log = import_apkg(col, week.path)
            assert not log.new and not log.duplicate and not log.conflicting
            assert sorted(col.find_notes("")) == notes
            assert sorted(col.get_note(n).guid for n in notes) == guids
            assert history(col, answered) == revlog  # every earlier review is still there
        assert {data_of(n)["seed"] for n in notes_of(col, TYPE_ATTENTION)} == {104}
        unused = sorted(col.media.check().unused)
        # Expected independently: files of weeks 1-4 that week 5 no longer ships.
        stale = set().union(*(package_media(b.path) for b in builds[:4])) - package_media(builds[4].path)
        assert unused == sorted(stale)
        print(f"\nunused media after five imports: {len(unused)} of {len(stale | package_media(builds[4].path))} files")
    finally:
        col.close()


def test_an_update_replaces_learner_edits_and_tags(builds, tmp_path):
    """What the README says about edits and tags, checked on the real importer: a newer
    build overwrites a learner's edit of a deck note and replaces its tags, so "marked"
    goes; flags, suspensions and notes of the learner's own are untouched."""
    first, _ = builds
    # Next week's build is stamped after the learner's edit, as a real one would be.
    later = build(tmp_path / "later" / f"{LESSON}.apkg", SEED_2, int(time.time()) + 86_400)
    col = fresh_collection(tmp_path / "learner")
    try:
        import_apkg(col, first.path)
        note = col.get_note(col.find_notes(f'"note:{TYPE_BASIC}"')[0])
        note["Back"] = note["Back"] + " my own remark"
        note.tags.append("marked")
        col.update_note(note)
        flagged, suspended = note.card_ids()[0], col.find_cards(f'"note:{TYPE_ATTENTION}"')[0]
        col.set_user_flag_for_cards(1, [flagged])
        col.sched.suspend_cards([suspended])
        own = col.new_note(col.models.by_name("Basic"))
        own["Front"], own["Back"] = "my question", "my answer"
        own.tags = ["mine"]
        col.add_note(own, col.decks.id_for_name(FLASH_DECK))

        import_apkg(col, later.path)

        again = col.get_note(note.id)
        assert "my own remark" not in again["Back"] and "marked" not in again.tags
        assert col.get_card(flagged).user_flag() == 1  # flags live on cards: the README's advice holds
        assert col.get_card(suspended).queue == -1  # suspended stays suspended
        kept = col.get_note(own.id)
        assert kept["Front"] == "my question" and kept.tags == ["mine"]
    finally:
        col.close()


# --- i12b: figures on cards carry the figure registry's alt text ---------------------------------


def img_alts(field: str) -> list[str]:
    return [html.unescape(a) for a in re.findall(r'<img [^>]*alt="([^"]*)"', field)]


def as_printed(w: float) -> str:
    """A weight as maps print it: three decimals, never 0.000 or 1.000."""
    return ">0.999" if w >= 0.9995 else "<0.001" if w < 0.0005 else f"{w:.3f}"


def test_card_figures_carry_alt_text_with_their_numbers(imported):
    col, _ = imported
    heads = notes_of(col, TYPE_ATTENTION)
    assert heads
    for note in heads:
        data = data_of(note)
        alts = img_alts(note["Figure"])
        # One figure per problem of the note's pool, in pool order.
        assert len(alts) == len(data["pool"])
        for p, alt in enumerate(alts):
            own = {**data, **data["pool"][p]}
            q = as_rows(own["query"])[0]
            weights = head_by_hand(q, own["keys"], own["values"])["weights"]
            assert ", ".join(f"{w:.3f}" for w in weights) in alt, (p, alt)
    maps = notes_of(col, TYPE_REASONING)
    assert maps
    for note in maps:
        pooled = data_of(note)
        for field in ("Image", "Answer"):
            alts = img_alts(note[field])
            assert len(alts) in (0, len(pooled["pool"]))
            for p, alt in enumerate(alts):
                data = {**pooled, **pooled["pool"][p]}
                assert alt.startswith("Map of"), alt
                if field == "Image":  # the front names no answer, but states every number it shows
                    assert "largest" not in alt
                    assert all(as_printed(w) in alt for row in data["weights"] for w in row), alt
                else:
                    assert all(as_printed(max(row)) in alt for row in data["weights"]), alt
