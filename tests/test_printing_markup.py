"""The printouts' converters: the lesson's TeX subset to typst maths, Markdown to typst
markup, and bad input reported as file:line with no traceback."""
from __future__ import annotations

import pytest

from conftest import run_build

from generator.printing.markup import MarkupError, markdown_to_typst, text
from generator.printing.texmath import MathError, to_typst

# Expected typst written by hand from typst's maths syntax, not copied from the converter.
CASES = [
    (r"h_t", "h_(t)"),
    (r"W_{hh}", "W_(h h)"),
    (r"\frac{a}{b}", "frac(a, b)"),
    (r"\sqrt{d_k}", "sqrt(d_(k))"),
    (r"K^\top", "K^(top)"),
    (r"\tanh\left(x\right)", "tanh ( x )"),
    (r"\mathrm{softmax}(x)", 'op("softmax") ( x )'),
    (r"\mathrm{d}", 'upright("d")'),
    (r"\text{if } x", '"if " x'),
    (r"a \cdot b \approx c", "a dot.op b approx c"),
    (r"\sum_i w_i v_i", "sum_(i) w_(i) v_(i)"),
    (r"\alpha + \Omega", "alpha + Omega"),
    (r"224 / 16 = 14", r"224 \/ 16 = 14"),
    (r"\frac{\partial h_t}{\partial h_{t-1}}", "frac(partial h_(t), partial h_(t - 1))"),
    (r"\sqrt{a, b}", r"sqrt(a \, b)"),  # a bare comma would split typst's arguments
    (r"\big( x \big)", "( x )"),
    (r"x\,y\;z\!w", "x thin y thick z w"),
    (r"\mathbf{(1,\ 2)}", r"bold(( 1 \, space 2 ))"),
]


@pytest.mark.parametrize("tex, expected", CASES)
def test_tex_subset(tex, expected):
    assert to_typst(tex) == expected


@pytest.mark.parametrize("tex", [r"\oint x", r"\begin{matrix} a \end{matrix}", r"\frac{a}{b", r"a }", r"a \\ b",
                                 r"\left\langle x \right\rangle"])
def test_unsupported_tex_is_refused(tex):
    with pytest.raises(MathError):
        to_typst(tex)


def test_markdown_elements():
    out = markdown_to_typst("## Title\n\nSome **bold** and *it* with $x_1$.\n\n- a\n- b\n\n1. one\n\n"
                            "| h | k |\n|:-:|--|\n| 1 | 2 |\n\n```python\nx = 1\n```\n\n$$a$$\n").text
    assert "== Title" in out
    assert "#strong[bold]" in out and "#emph[it]" in out and "$x_(1)$" in out
    assert "#list([a], [b])" in out and "#enum(start: 1, [one])" in out
    assert "#table(columns: 2, align: (center, left,)" in out and "[#strong[h]]" in out
    assert '#raw(block: true, lang: "python", "x = 1")' in out
    assert "$ a $" in out


def test_markup_escapes_what_typst_would_read():
    assert text("a*b_c #d $e [f] <g> @h 224/16 x--y") == r"a\*b\_c \#d \$e \[f\] \<g\> \@h 224\/16 x\--y"
    assert text("1. not a list") == r"1\. not a list"
    assert text("-1.5") == r"\-1.5" and text("x -1.5") == "x -1.5"


def test_unknown_markdown_and_images_are_refused_with_their_line():
    with pytest.raises(MarkupError) as err:
        markdown_to_typst("text\n\n![photo](photo.png)\n")
    assert err.value.line == 2
    with pytest.raises(MarkupError):
        markdown_to_typst("<div>raw html</div>\n")


TINY = """---
jupyter:
  lesson:
    title: "Tiny"
---

# Tiny

A formula: $a \\oint b$ here.

<!-- notes -->
notes
<!-- /notes -->
"""


def test_bad_tex_stops_the_build_with_file_line_and_keeps_outputs(tmp_path):
    slides = tmp_path / "slides"
    slides.mkdir()
    (slides / "tiny.md").write_text(TINY.replace("\\oint", "\\cdot"))
    out = tmp_path / "out"
    done = run_build("--out", str(out), "--slides-dir", str(slides), "--seed", "1", "--no-html")
    assert done.returncode == 0, done.stderr
    before = (out / "print" / "tiny-handout.pdf").read_bytes()
    (slides / "tiny.md").write_text(TINY)
    done = run_build("--out", str(out), "--slides-dir", str(slides), "--seed", "1", "--no-html")
    assert done.returncode == 1
    assert done.stderr.strip() == f"{slides / 'tiny.md'}:9: printout: unsupported TeX command \\oint"
    assert (out / "print" / "tiny-handout.pdf").read_bytes() == before


def test_code_cell_outputs_as_markup():
    from generator.printing.outputs import output_markup

    images: dict[str, bytes] = {}
    stream = {"output_type": "stream", "name": "stdout", "text": ["a \x1b[1;31mb\x1b[0m\n", "c\n"]}
    assert output_markup(stream, images) == '#cell-output("a b\\nc\\n")'
    assert output_markup({"output_type": "stream", "name": "stdout", "text": ""}, images) is None
    value = {"output_type": "execute_result", "data": {"text/plain": "42", "text/html": "<b>42</b>"}}
    assert output_markup(value, images) == '#cell-output("42")'
    assert output_markup({"output_type": "display_data", "data": {"text/html": "<b>x</b>"}}, images) is None
    not_png = {"output_type": "display_data", "data": {"image/png": "bm90IGEgcG5n", "text/plain": "<Image>"}}
    assert output_markup(not_png, images) == '#cell-output("<Image>")' and not images
    svg = '<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"/>'
    shown = output_markup({"output_type": "display_data", "data": {"image/svg+xml": svg, "text/plain": "x"}}, images)
    assert shown.startswith('#output-image("out-') and list(images.values()) == [svg.encode()]
