"""Stencils (generator/stencil.py): a template rendered once per layout and filled in per
item gives exactly the template's own render, or the render is the template's own."""
from __future__ import annotations

import jinja2
import pytest

from generator import stencil

ENV = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined)


def plain_of(source: str):
    template = ENV.from_string(source)
    made = []

    def plain(context):
        made.append(context)
        return tuple(" ".join(line.strip() for line in template.render(**context).split("\n") if line.strip())
                     .split("|"))

    return plain, made


def test_items_of_one_layout_share_one_render_and_keep_their_own_texts():
    plain, made = plain_of("<b>{{ a }}</b>{% for x in xs %}<i>{{ x }}</i>{% endfor %}|{% if note %}[{{ note }}]{% endif %}{n}")
    first = stencil.render("t1", plain, {"a": "1.5", "xs": ["x", "{0}"], "note": "n"})
    second = stencil.render("t1", plain, {"a": "-2", "xs": ["it's", "<y> & z"], "note": "m"})
    assert first == ("<b>1.5</b><i>x</i><i>{0}</i>", "[n]{n}")
    # Escaped as autoescape escapes, braces in texts and in the markup kept as they are.
    assert second == ("<b>-2</b><i>it&#39;s</i><i>&lt;y&gt; &amp; z</i>", "[m]{n}")
    # Made once (the holes, then the check against the first context), not rendered again.
    assert len(made) == 2
    # An empty text is layout: its own render.
    assert stencil.render("t1", plain, {"a": "3", "xs": ["x", "y"], "note": ""}) == ("<b>3</b><i>x</i><i>y</i>", "{n}")
    assert len(made) == 4


def test_a_template_that_reads_a_text_is_rendered_plainly():
    # Compares a text with a value: the stencil made from holes takes the other branch,
    # the check at its making sees it, and every item of that layout is rendered plainly.
    plain, made = plain_of('{% if a == "yes" %}Y{% else %}N{% endif %}{{ a | upper }}')
    assert stencil.render("t2", plain, {"a": "yes"}) == ("YYES",)
    assert stencil.render("t2", plain, {"a": "no"}) == ("NNO",)
    assert stencil.render("t2", plain, {"a": "yes"}) == ("YYES",)
    # Made once (holes, check), then one plain render per item, in new layouts too: the
    # template is not tried again.
    assert len(made) == 2 + 3
    assert stencil.render("t2", plain, {"a": "", "b": ["x"]}) == ("N",)
    assert len(made) == 6
    # Another template is not affected.
    other, made_other = plain_of("<{{ a }}>")
    assert [stencil.render("t2b", other, {"a": a}) for a in "xyz"] == [("<x>",), ("<y>",), ("<z>",)]
    assert len(made_other) == 2


@pytest.mark.parametrize("text", ["a\nb", "trailing ", " leading", "tab\t", "a\x1fb", "nul\x00"])
def test_texts_the_post_processing_would_change_are_rendered_plainly(text):
    plain, made = plain_of("<p>\n{{ a }}\n</p>")
    expected = plain({"a": text})
    # The layout's stencil is made from a plain text first, then meets this one.
    assert stencil.render(f"t3{text!r}", plain, {"a": "ok"}) == ("<p> ok </p>",)
    assert stencil.render(f"t3{text!r}", plain, {"a": text}) == expected


def test_plain_turns_stencils_off():
    plain, made = plain_of("{{ a }}")
    stencil.render("t4", plain, {"a": "x"})
    made.clear()
    with stencil.plain():
        assert stencil.render("t4", plain, {"a": "y"}) == ("y",)
    assert len(made) == 1


def test_fill_from_the_callers_texts_is_render_of_the_context():
    source = "<b>{{ a }}</b>{% for x in xs %}<i>{{ x }}</i>{% endfor %}|{% if note %}[{{ note }}]{% endif %}"
    plain, made = plain_of(source)
    built = []

    def item(a, xs, note):
        context = {"a": a, "xs": xs, "note": note}

        def make():
            built.append(context)
            return context

        return ("n", len(xs), bool(note)), [a, *xs, *([note] if note else [])], make

    items = [item("1", ["x", "<y>"], "n"), item("-2", ["it's", "z"], "m"), item("3", ["p"], ""), item("4", ["q"], "")]
    for layout, texts, make in items:
        context = make()
        built.remove(context)
        assert stencil.fill("f1", plain, layout, texts, make) == plain(context)
    # A context built for the first item of each layout only.
    assert [c["a"] for c in built] == ["1", "3"]


def test_fill_checks_the_first_items_texts_and_later_counts():
    plain, made = plain_of("<b>{{ a }}</b>{% if b %}<i>{{ b }}</i>{% endif %}")
    # Texts in another order than the context's: found at the first item, never filled in.
    assert stencil.fill("f2", plain, "L", ["B", "A"], lambda: {"a": "A", "b": "B"}) == ("<b>A</b><i>B</i>",)
    assert stencil.fill("f2", plain, "L", ["D", "C"], lambda: {"a": "C", "b": "D"}) == ("<b>C</b><i>D</i>",)
    # A later item of a layout with a text too few, or an empty one, is rendered from its context.
    assert stencil.fill("f3", plain, "L", ["A", "B"], lambda: {"a": "A", "b": "B"}) == ("<b>A</b><i>B</i>",)
    assert stencil.fill("f3", plain, "L", ["C"], lambda: {"a": "C", "b": ""}) == ("<b>C</b>",)
    assert stencil.fill("f3", plain, "L", ["C", ""], lambda: {"a": "C", "b": ""}) == ("<b>C</b>",)
    assert stencil.fill("f3", plain, "L", ["E", "F"], lambda: {"a": "E", "b": "F"}) == ("<b>E</b><i>F</i>",)
    with stencil.plain():
        assert stencil.fill("f3", plain, "L", ["wrong"], lambda: {"a": "G", "b": "H"}) == ("<b>G</b><i>H</i>",)


def dumped(data):
    import json

    return json.dumps(data, sort_keys=True, separators=(",", ":"))


def test_json_fill_writes_what_json_dumps_writes():
    built = []

    def data(x, s, n):
        built.append(x)
        return {"b": [x, -x], "a": {"z": s, "y": n}, "c%s": "100%"}

    # Leaves in the dump's order (sorted keys): a.y, a.z, b..., c%s; strings as JSON escapes them.
    for x, s, escaped, n in [(0.1, "1.50", "1.50", 3), (-0.0, "x", "x", -7), (1e300, "%d %s", "%d %s", 0),
                             (2.5e-9, "q", "q", 12345678901234567890), (1.0, 'say "hi" é', 'say \\"hi\\" \\u00e9', 1)]:
        assert stencil.json_fill("j1", [n, escaped, x, -x, "100%"], lambda: data(x, s, n)) == dumped(data(x, s, n))
    assert len(built) == 5 + 1  # each item's expected text, and the first item's data: the rest filled in
    # Numbers JSON writes its own way (NaN, Infinity) go through json.dumps, as does a string saying "inf".
    for x, s in [(float("nan"), "a"), (float("inf"), "b"), (1.0, "info")]:
        assert stencil.json_fill("j1", [3, s, x, -x, "100%"], lambda: data(x, s, 3)) == dumped(data(x, s, 3))


def test_json_fill_checks_the_first_items_leaves_and_later_counts():
    built = []

    def data(a, b):
        def make():
            built.append(a)
            return {"a": a, "b": b}

        return make

    # Leaves out of order (or of another type) at a layout's first item: never filled in.
    assert stencil.json_fill("j2", [2, 1], data(1, 2)) == '{"a":1,"b":2}'
    assert stencil.json_fill("j2", [4, 3], data(3, 4)) == '{"a":3,"b":4}'
    assert stencil.json_fill("j3", [1.0, 2], data(1, 2)) == '{"a":1,"b":2}'
    assert stencil.json_fill("j3", [3, 4], data(3, 4)) == '{"a":3,"b":4}'
    built.clear()
    assert stencil.json_fill("j4", [1, 2], data(1, 2)) == '{"a":1,"b":2}'
    assert stencil.json_fill("j4", [5, 6], data(5, 6)) == '{"a":5,"b":6}'
    assert built == [1]  # the data built for the first item only
    assert stencil.json_fill("j4", [7], data(7, [8, 9])) == '{"a":7,"b":[8,9]}'  # a leaf short: dumped
