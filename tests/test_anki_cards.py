"""The flashcard source format and the practice settings: good input parses,
every kind of bad input is a BuildError at the right file and line."""
from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest

from generator.anki.cards import parse_cards
from generator.anki.markup import to_html
from generator.anki.settings import parse_settings
from generator.errors import BuildError

ROOT = Path(__file__).resolve().parent.parent
LESSON = "07-sequence-tools"
CARDS = ROOT / "cards" / f"{LESSON}.cards"
PRACTICE = ROOT / "cards" / f"{LESSON}.practice.toml"


def write(tmp_path: Path, text: str, name: str = f"{LESSON}.cards") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


def error_of(path: Path) -> BuildError:
    with pytest.raises(BuildError) as caught:
        parse_cards(path) if path.suffix == ".cards" else parse_settings(path)
    return caught.value


def assert_at(err: BuildError, path: Path, line: int, words: str) -> None:
    assert str(err).startswith(f"{path}:{line}: "), str(err)
    assert re.search(words, err.message), err.message


# --- the lesson's own cards -----------------------------------------------------------


def test_lesson_cards_parse_with_unique_keys_and_both_formula_clozes():
    cards = parse_cards(CARDS)
    keys = [c.key for c in cards]
    assert len(keys) == len(set(keys)) >= 25
    clozes = {c.key: c.clozes for c in cards if c.kind == "cloze"}
    assert set(clozes) == {"rnn-update-rule-cloze", "attention-formula-cloze"}
    assert clozes["attention-formula-cloze"] == [1, 2, 3, 4]
    assert all(c.tags for c in cards), "every card carries at least one topic tag"


def test_lesson_cards_cover_every_learning_goal():
    text = " ".join(" ".join(c.fields.values()) for c in parse_cards(CARDS))
    goals = {
        "three places with a task each": [r"captioning", r"video", r"Vision Transformer"],
        "RNN update rule": [r"h_t = \\tanh\(W_\{hh\} h_\{t-1\} \+ W_\{xh\} x_t \+ b\)"],
        "two limits": [r"[Ss]equential computation", r"[Ww]eak long-range memory"],
        "attention formula and steps": [r"\\mathrm\{softmax\}", r"QK\^\\top|Q K\^\\top", r"\\sqrt\{d_k\}",
                                         r"dot product", r"weighted sum"],
        "two lifts": [r"Parallelism", r"Long range"],
        "ViT replaces the convolution stack": [r"replaces the \*\*stack of local convolutions\*\*", r"patches"],
        "captioning and video architectures": [r"CNN-RNN", r"Show, Attend and Tell \(2015\)", r"CNN encodes each frame"],
        "sister tracks": [r"Track 12, lesson 2", r"Track 5", r"Track 14"],
    }
    for goal, patterns in goals.items():
        for pattern in patterns:
            assert re.search(pattern, text), f"{goal}: no card matches {pattern!r}"


def test_lesson_cards_say_what_the_papers_say():
    # Second review, finding 6: d_k is a dimension (a count of entries), never a "length"
    # (the score card's "long" is a norm); the variance argument needs independent entries
    # (Vaswani et al. 2017, footnote 4); 16x16 is ViT-Base/16's patch, the paper also has
    # /14 and /32 (Dosovitskiy et al. 2021, Table 1's naming); a_t is defined where
    # tanh'(a_t) is used.
    cards = {c.key: " ".join(c.fields.values()) for c in parse_cards(CARDS)}
    for key, text in cards.items():
        for sentence in re.split(r"(?<=[.;:])\s", text):
            if "d_k" in sentence:
                assert not re.search(r"\blength\b|\blong(er)?\b", sentence), (key, sentence)
    assert "independent, zero-mean, unit-variance entries" in cards["attention-step-scale"]
    assert re.search(r"ViT-Base/16.*14.*32", cards["vit-patches"]), cards["vit-patches"]
    assert re.search(r"a_t = w\\,h_\{t-1\} \+ u\\,x_t", cards["rnn-gradient-factor"]), cards["rnn-gradient-factor"]


def test_markup_escapes_html_and_keeps_mathjax():
    assert to_html(r"if \(a < b\) & **c**") == r"if \(a &lt; b\) &amp; <b>c</b>"
    assert to_html("x\n- a\n- b\n  wrapped\n\nmore") == "<p>x</p><ul><li>a</li><li>b wrapped</li></ul><p>more</p>"


def test_fields_continue_and_keep_paragraphs(tmp_path):
    path = write(tmp_path, """
        # comment
        == one
        tags: a b::c
        front: first
          second

          third
        back: x
        """)
    (card,) = parse_cards(path)
    assert card.fields["front"] == "first\nsecond\n\nthird"
    assert card.tags == ("a", "b::c")
    assert (card.line, card.field_lines["back"]) == (2, 8)


# --- bad flashcard sources -----------------------------------------------------------------


def test_missing_field_points_at_the_card(tmp_path):
    path = write(tmp_path, """
        == fine
        front: a
        back: b

        == no-back
        front: a question with no answer
        """)
    assert_at(error_of(path), path, 5, r"'no-back'.*'back' is missing")


def test_empty_field_points_at_the_field(tmp_path):
    path = write(tmp_path, """
        == empty
        front: a
        back:
        """)
    assert_at(error_of(path), path, 3, r"'back' is empty")


def test_duplicate_key_names_both_lines(tmp_path):
    path = write(tmp_path, """
        == same
        front: a
        back: b
        == other
        front: a
        back: b
        == same
        front: c
        back: d
        """)
    assert_at(error_of(path), path, 7, r"duplicate card key 'same' \(first used on line 1\)")


@pytest.mark.parametrize("tags", ["#attention", "a,b", "Attention", "a:b", "a::", "tag!"])
def test_unknown_tag_syntax(tmp_path, tags):
    path = write(tmp_path, f"""
        == tagged
        front: a
        back: b
        tags: fine {tags}
        """)
    assert_at(error_of(path), path, 4, rf"bad tag {re.escape(repr(tags))}")


@pytest.mark.parametrize(
    ("cloze", "words"),
    [
        (r"\( {{c1::\sqrt{d_k}}} \)", r"c1 ends inside a MathJax brace group"),
        (r"{{c1::open and never closed", r"c1 is never closed"),
        (r"no deletion at all", r"no deletion"),
        (r"{{c0::zero}}", r"start at c1"),
        (r"{{c1::a}} and {{x}}", r"not a cloze opening"),
        (r"{{c1::x_{i}}}", r"ends inside a MathJax brace group"),
    ],
)
def test_broken_cloze(tmp_path, cloze, words):
    path = write(tmp_path, """
        == ok
        front: a
        back: b
        == formula
        cloze: CLOZE
        """.replace("CLOZE", cloze))
    assert_at(error_of(path), path, 5, words)


def test_cloze_with_spaced_braces_is_fine(tmp_path):
    path = write(tmp_path, r"""
        == formula
        cloze: \[ \frac{ {{c1::Q K^\top}} }{ {{c2::\sqrt{d_k} }} } \]
        """)
    (card,) = parse_cards(path)
    assert card.kind == "cloze" and card.clozes == [1, 2]


def test_double_brace_outside_a_cloze(tmp_path):
    path = write(tmp_path, """
        == basic
        front: fine
        back: line one
          \\( x^{{2}} \\)
        """)
    assert_at(error_of(path), path, 4, r"'\{\{' outside a cloze")


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("== a\nfrnt: x\nback: y\n", 2, r"unknown field 'frnt'"),
        ("front: x\n", 1, r"before the first '== card-key'"),
        ("== a\nfront: x\nfront: y\nback: z\n", 3, r"'front' given twice"),
        ("== a\nfront: x\nback: y\nextra: z\n", 4, r"'extra' does not belong on a basic card"),
        ("== Bad Key\nfront: x\nback: y\n", 1, r"bad card key"),
        ("  indented first\n", 1, r"continues nothing"),
        ("== a\nthis line is prose\n", 2, r"expected '== card-key' or 'field: value'"),
    ],
)
def test_other_malformed_lines(tmp_path, text, line, words):
    path = tmp_path / f"{LESSON}.cards"
    path.write_text(text, encoding="utf-8")
    assert_at(error_of(path), path, line, words)


# --- practice settings ---------------------------------------------------------------------------


def test_lesson_practice_settings():
    settings = parse_settings(PRACTICE)
    assert settings.attention.variants >= 1 and settings.attention.d_k == 2 and settings.attention.n_keys == 3
    assert settings.matching.variants >= 1 and settings.reasoning.variants >= 1


@pytest.mark.parametrize(
    ("toml", "line", "words"),
    [
        ("[attention]\nvariants = 2\n[atention]\nvariants = 1\n", 3, r"unknown practice kind \[atention\]"),
        ("[attention]\nvariants = 2\nvarients = 3\n", 3, r"unknown setting 'varients'"),
        ("[attention]\n\nvariants = \"two\"\n", 3, r"variants must be int"),
        ("[attention]\nvariants = true\n", 2, r"variants must be int"),
        ("[matching]\nn = 4\nvariants = -1\n", 3, r"variants must be between 0"),
        ("[attention]\nvariants = 2\nd_k = \n", 3, r"not valid TOML"),
        ("[reasoning]\nkinds = [1, 2]\n", 2, r"kinds must be a list of strings"),
    ],
)
def test_bad_practice_settings(tmp_path, toml, line, words):
    path = tmp_path / f"{LESSON}.practice.toml"
    path.write_text(toml, encoding="utf-8")
    assert_at(error_of(path), path, line, words)


def test_missing_tables_mean_no_practice_of_that_kind(tmp_path):
    path = tmp_path / f"{LESSON}.practice.toml"
    path.write_text("[attention]\nvariants = 5\n", encoding="utf-8")
    settings = parse_settings(path)
    assert (settings.attention.variants, settings.matching.variants, settings.reasoning.variants) == (5, 0, 0)
