"""Card fronts ask, backs answer: every card of a built deck, rendered by the official
``anki`` library, is checked for answers on its front.

A front leaks when it contains text only the back should show (the answer, the steps,
the explanation, the marked map), names the winner ("largest", "most likely shows",
the row and column the answer gives), or shows a figure that marks something. Figures
are SVG and record what they mark on their root element (``data-marks``); a front figure
must say "none", and its markup must draw no outline and no bold number (checked here
from the drawing itself, not only from the record).
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


def marks_of(svg: bytes) -> str | None:
    # Read from the file's bytes (not through the code under test).
    found = re.match(rb'<svg[^>]*\sdata-marks="([^"]*)"', svg.lstrip())
    return found.group(1).decode() if found else None


def draws_a_mark(svg: bytes) -> bool:
    """Whether the drawing itself singles something out: an unfilled outline over a cell,
    or a number set in bold (the head figure's winner)."""
    return bool(re.search(rb'<rect[^>]*fill="none"|font-weight="bold"', svg))


@pytest.fixture(scope="module")
def collection(tmp_path_factory):
    from generator.anki import build_deck

    cards = tmp_path_factory.mktemp("cards")
    shutil.copy(ROOT / "cards" / f"{LESSON}.cards", cards)
    (cards / f"{LESSON}.practice.toml").write_text(PRACTICE, encoding="utf-8")
    out = tmp_path_factory.mktemp("apkg") / f"{LESSON}.apkg"
    with source_date_epoch(1_700_000_000):
        built = build_deck(LESSON, TITLE, cards, out, 31)
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
        for name in front_images:  # every problem's figure, shown or not
            svg = (media / name).read_bytes()
            assert marks_of(svg) == "none" and not draws_a_mark(svg), (kind, name)
            fronts += 1
        for name in set(re.findall(r'<img src="([^"]+)"', answer)) - front_images:
            if kind.endswith("reasoning"):
                # The check above is a real one: back figures record their marks, and
                # those whose answer is one cell mark it.
                svg = (media / name).read_bytes()
                recorded = marks_of(svg)
                assert recorded is not None, name
                assert (recorded != "none") == draws_a_mark(svg), (name, recorded)  # the record is honest
                backs += recorded != "none"
    # image_grid, caption_words, dominant_score mark a cell; two problems of a pool may share a figure
    assert fronts >= 2 * 15 and backs >= 3 * 15


def test_a_marked_figure_on_a_front_would_fail_the_check():
    # The back's map of an image_grid note outlines the answer's cell: shown on a front,
    # both the record and the drawing must give it away. The unmarked front map passes.
    from generator.anki.figures import CardSvgs
    from generator.practice import reasoning

    item = reasoning.draw(3, variant=0, kind="image_grid")
    back, front = CardSvgs().reasoning_answer_image(item), CardSvgs().reasoning_image(item)
    assert marks_of(back.source) not in (None, "none") and draws_a_mark(back.source)
    assert marks_of(front.source) == "none" and not draws_a_mark(front.source)
    # The head figure (backs only) sets its winner in bold: a front showing it would fail.
    from generator.practice import attention

    head = CardSvgs().attention_head(attention.draw(3)).source
    assert marks_of(head) != "none" and draws_a_mark(head)
    # Before this test existed, image_grid fronts said "(largest ...)" in their caption.
    assert WINNER_WORDS.search("attention for “dog” (largest 0.495)")


# --- clozes: the back shows what was asked; no same-day twin --------------------------------

CARD_SOURCE = ROOT / "cards" / f"{LESSON}.cards"


def test_no_cloze_deletion_sits_inside_display_maths():
    # Anki cannot show a deletion inside \[ ... \] on the back; read the source directly.
    source = CARD_SOURCE.read_text(encoding="utf-8")
    for display in re.findall(r"\\\[(.*?)\\\]", source, flags=re.S):
        assert "{{c" not in display, display


def cloze_cards(col):
    """Each cloze card with the texts its own number hides (read from the note's field)."""
    for card, note, kind in cards_of(col):
        if kind.endswith("cloze"):
            yield card, note, re.findall(rf"\{{\{{c{card.ord + 1}::(.*?)\}}\}}", note["Text"])


def test_cloze_backs_show_each_deleted_part(collection):
    clozes = 0
    for card, note, hidden in cloze_cards(collection):
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


# A deletion whose answer the front also names, as a symbol or as the word the lesson
# uses for it: the symbol V is read as "values" (the attention-qkv card's word).
SPOKEN = {"v": ("values",), "k": ("keys",), "q": ("queries",), "k^top": ("keys",)}


def _plain_maths(fragment: str) -> str:
    """Text with its maths markup dropped and case folded: \\(\\sqrt{d_k}\\) reads as
    "sqrt d_k", so a deletion and the front compare as words."""
    fragment = re.sub(r"\\[()\[\]]", " ", fragment)  # MathJax delimiters
    fragment = re.sub(r"\\([A-Za-z]+)", r" \1 ", fragment)  # \sqrt -> sqrt
    fragment = re.sub(r"[{}\\,!]", " ", fragment)
    return " ".join(fragment.lower().split())


def _gives_away(hidden: str, front: str) -> str | None:
    """The word or symbol of a deletion that its own front shows, if any."""
    said = _plain_maths(text(front))
    answer = re.sub(r"^(a|an|the) ", "", _plain_maths(text(hidden)))
    for name in (answer, *SPOKEN.get(answer, ())):
        if re.search(rf"(?<![\w^]){re.escape(name)}(?![\w^])", said):
            return name
    return None


def test_no_cloze_front_shows_its_own_deletion(collection):
    checked = 0
    for card, note, deletions in cloze_cards(collection):
        for hidden in deletions:
            assert _gives_away(hidden, card.question()) is None, (note["Key"], card.ord + 1, hidden, text(card.question()))
            checked += 1
    assert checked >= 7


def test_a_front_naming_its_deletion_would_fail_the_check():
    # main's attention-formula-cloze: the softmax named two lines below its blank, and
    # the values named beside V's blank.
    assert _gives_away("a softmax", "by [...]; divided by \\(\\sqrt{d_k}\\) before the softmax;") == "softmax"
    assert _gives_away("\\(V\\)", "the weights average the rows of [...], the values.") == "values"
    assert _gives_away("\\(\\sqrt{d_k}\\)", "divided by \\( \\sqrt{ d_k } \\)") == "sqrt d_k"
    # The clue itself may describe the part; it must not name it.
    assert _gives_away("\\(V\\)", "the weights average the rows of [...], each row what one token hands over.") is None
    assert _gives_away("\\(Q K^\\top\\)", "every query is compared with every key by [...]") is None
