"""Card fronts ask, backs answer: every card of a built deck, rendered by the official
``anki`` library, is checked for answers on its front.

A front leaks when it contains text only the back should show (the answer, the steps,
the explanation, the marked map), names the winner ("largest", "most likely shows",
the row and column the answer gives), or shows a figure that marks something. Figures
record what they mark in their PNG ("Marks"); a front figure must say "none".
"""
from __future__ import annotations

import html
import json
import os
import re
import shutil
from pathlib import Path

import pytest

from test_anki_import import LESSON, TITLE, fresh_collection, import_apkg, source_date_epoch
from test_practice_pool import entries

pytestmark = pytest.mark.skipif(not os.environ.get("RUN_ANKI_TESTS"), reason="set RUN_ANKI_TESTS=1")

ROOT = Path(__file__).resolve().parent.parent
# Every reasoning kind, several variants of each practice kind.
PRACTICE = """
[attention]
variants = 3
difficulty = "standard"
d_k = 2
n_keys = 3
n_queries = 1

[matching]
variants = 2
n = 4

[reasoning]
variants = 5
kinds = ["image_grid", "caption_words", "equal_scores", "dominant_score", "scaling_dk"]

[rnn]
variants = 4
T = 4                     # the widest card: four steps

[tracks]
variants = 3
n = 8                     # the longest card: eight questions
"""
WINNER_WORDS = re.compile(r"largest|winner|wins\b|most likely|takes nearly|outlined|highlighted", re.I)
BACK_ONLY = {
    "Vision lessons: attention practice": ("Answer", "Steps", "Hints", "Figure"),
    "Vision lessons: architecture matching": ("Answer",),
    "Vision lessons: attention-map reasoning": ("Answer", "Explanation"),
    "Vision lessons: RNN practice": ("Answer", "Steps", "Hints"),
    "Vision lessons: where to go deeper": ("Answer",),
    "Vision lessons: basic": ("Back",),
}


def text(fragment: str) -> str:
    """What a reader sees of some card HTML: tags, styles and scripts dropped, spaces folded."""
    fragment = re.sub(r"<(style|script)\b.*?</\1>", " ", fragment, flags=re.S | re.I)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


def marks_of(png: bytes) -> str | None:
    # Read the PNG's text chunks directly (not through the code under test); a pooled
    # problem's SVG says it on its root element.
    import io
    from PIL import Image

    if png.lstrip().startswith(b"<svg"):
        found = re.match(rb'<svg[^>]*\sdata-marks="([^"]*)"', png.lstrip())
        return found.group(1).decode() if found else None

    with Image.open(io.BytesIO(png)) as image:
        return image.text.get("Marks")


@pytest.fixture(scope="module")
def collection(tmp_path_factory):
    from generator.anki import build_deck

    cards = tmp_path_factory.mktemp("cards")
    shutil.copy(ROOT / "cards" / f"{LESSON}.cards", cards)
    (cards / f"{LESSON}.practice.toml").write_text(PRACTICE, encoding="utf-8")
    out = tmp_path_factory.mktemp("apkg") / f"{LESSON}.apkg"
    with source_date_epoch(1_700_000_000):
        built = build_deck(LESSON, TITLE, cards, out, 31, None)
    col = fresh_collection(tmp_path_factory.mktemp("collection"))
    import_apkg(col, built.path)
    yield col
    col.close()


def cards_of(col):
    for cid in col.find_cards(""):
        card = col.get_card(cid)
        yield card, card.note(), card.note_type()["name"]


def test_no_front_shows_back_only_text(collection):
    checked = 0
    for card, note, kind in cards_of(collection):
        front = text(card.question())
        for field in BACK_ONLY.get(kind, ()):
            for entry in entries(note[field]) or [note[field]]:  # each problem of a pool
                shown = text(entry)
                if len(shown) >= 8:  # a field of a few characters ("3") may occur anywhere
                    assert shown not in front, (kind, field, shown)
                    checked += 1
    assert checked > 200


def test_practice_fronts_do_not_name_the_answer(collection):
    seen = set()
    for card, note, kind in cards_of(collection):
        if "Data" not in note:
            continue
        data = json.loads(html.unescape(note["Data"]))
        front = text(card.question())
        assert not WINNER_WORDS.search(front), (kind, WINNER_WORDS.search(front).group(0), front)
        if kind.endswith("attention practice"):
            for own in data["pool"]:  # every problem of the pool (entry 0's text is at the top)
                out = own.get("text", data["text"])["output"]
                assert "(" + ", ".join(out) + ")" not in front and ", ".join(out) not in front
                assert " ".join(own.get("text", data["text"])["weights"]) not in front
        elif kind.endswith("RNN practice"):
            seen.add("rnn")
            # Neither the states nor the product nor the regime's name; the inputs are there.
            assert not re.search(r"vanish|explod", front, re.I), front
            for own in data.get("pool", [{}]):
                shown = own.get("text", data["text"])
                for number in [*shown["state"], shown["product"], *shown["factor"]]:
                    assert number not in front, (number, front)
            assert f"w = {data['text']['w']}" in front and f"u = {data['text']['u']}" in front
        elif kind.endswith("matching"):
            for task, arch, reason in data["answer"]:
                assert reason not in front
        elif kind.endswith("where to go deeper"):
            seen.add("tracks")
            # Both destinations are listed; no reason, and no question paired with its track.
            for question, track, reason in data["answer"]:
                assert question in front and track in front
                assert reason not in front and f"{question} {track}" not in front
            assert not re.search(r"recurrence in depth|attention and Transformers in depth", front, re.I), front
        elif kind.endswith("reasoning"):
            seen.add(data["kind"])
            numbers = [own.get("numbers", data["numbers"]) for own in data["pool"]]
            if data["kind"] == "image_grid":
                for top in (n["top"] for n in numbers):
                    assert f"row {top['row']}, column {top['col']}" not in front.lower()
            # A map on the front must be the data the question reads, and the question says
            # so; a map of the weights the question asks for (equal_scores, dominant_score,
            # scaling_dk) would be the answer.
            if "<img" in card.question():
                assert "shown" in front, (data["kind"], front)
            for answer in map(text, entries(note["Answer"]) or [note["Answer"]]):
                assert answer.split(",")[0] not in front or data["kind"] == "caption_words"
            if data["kind"] == "caption_words":
                for top in (n["top"] for n in numbers):
                    assert f"The {top['region']} region, with" not in front
    assert seen == {"image_grid", "caption_words", "equal_scores", "dominant_score", "scaling_dk", "rnn", "tracks"}


def test_front_figures_mark_nothing_and_back_figures_say_what_they_mark(collection):
    media = Path(collection.media.dir())
    fronts = backs = 0
    for card, note, kind in cards_of(collection):
        question, answer = card.question(), card.answer()
        front_images = set(re.findall(r'<img src="([^"]+)"', question))
        for name in front_images:  # pooled problems' figures too, shown or not
            assert marks_of((media / name).read_bytes()) == "none", (kind, name)
            fronts += 1
        for name in set(re.findall(r'<img src="([^"]+)"', answer)) - front_images:
            if kind.endswith("reasoning"):
                # The check above is a real one: back figures record their marks, and
                # those whose answer is one cell mark it.
                recorded = marks_of((media / name).read_bytes())
                assert recorded is not None, name
                backs += recorded != "none"
    # image_grid, caption_words, dominant_score mark a cell; two problems of a pool may share a figure
    assert fronts >= 2 * 15 and backs >= 3 * 15


def test_the_figure_fronts_used_to_show_would_fail_the_check():
    # Before this test existed, image_grid fronts showed the picture with the winning
    # patch outlined and "(largest ...)" in its caption; that figure must not pass.
    from generator.figures import registry
    from generator.figures.render import to_png

    assert marks_of(to_png(registry.draw("attention_image", {"seed": "3"}))) not in (None, "none")
    assert WINNER_WORDS.search("attention for “dog” (largest 0.495)")


# --- clozes: the back shows what was asked; no same-day twin --------------------------------

CARD_SOURCE = ROOT / "cards" / f"{LESSON}.cards"


def test_no_cloze_deletion_sits_inside_display_maths():
    # Anki cannot show a deletion inside \[ ... \] on the back; read the source directly.
    source = CARD_SOURCE.read_text(encoding="utf-8")
    for display in re.findall(r"\\\[(.*?)\\\]", source, flags=re.S):
        assert "{{c" not in display, display


def test_cloze_backs_show_each_deleted_part(collection):
    clozes = 0
    for card, note, kind in cards_of(collection):
        if not kind.endswith("cloze"):
            continue
        number = card.ord + 1
        hidden = re.findall(rf"\{{\{{c{number}::(.*?)\}}\}}", note["Text"])
        assert hidden
        back = card.answer()
        shown = re.findall(r'<span class="cloze"[^>]*>(.*?)</span>', back)
        assert [html.unescape(s) for s in shown] == [html.unescape(h) for h in hidden], (shown, hidden)
        assert "[...]" in card.question() and not re.search(r"\bc\d\b", text(back))
        clozes += 1
    assert clozes >= 7


def test_cloze_parts_arrive_a_day_after_their_whole_formula(collection):
    # With Anki's default of 20 new cards a day, a card 20 or more places later in the
    # new queue comes on another day. Twins: a basic card and a cloze note sharing the
    # "formula" tag and topic (recurrence or attention).
    due = {}
    for card, note, kind in cards_of(collection):
        if "formula" in note.tags:
            topic = "recurrence" if "recurrence" in note.tags else "attention"
            due.setdefault((topic, "cloze" if kind.endswith("cloze") else "basic"), []).append(card.due)
    for topic in ("recurrence", "attention"):
        assert min(due[(topic, "cloze")]) - max(due[(topic, "basic")]) >= 20, (topic, due)
