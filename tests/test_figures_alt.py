"""Alt text: every figure describes itself from its own parameters and numbers (issue 12).

Numbers are recomputed here by hand (loops and math.exp, or the reasoning engine's
raw weights), not read back from the alt generator, so a wrong or stale number fails.
"""
from __future__ import annotations

import base64
import html
import json
import math
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from generator.figures import registry
from generator.practice import attention as practice
from generator.practice import reasoning

from conftest import LESSON

# q, K, V chosen by hand; the head below is worked with loops, not with the engine.
WORKED = ([0.5, 1.0], [[1.0, 1.0], [0.0, 1.0], [-1.0, 0.0]], [[3.0, 1.0], [1.0, 2.0], [0.0, -1.0]])
EXAMPLES = {"worked": practice.Problem.given(*WORKED)}


def head_by_hand(q: list[float], keys: list[list[float]], values: list[list[float]]) -> tuple[list[float], list[float]]:
    scaled = [sum(a * b for a, b in zip(q, k)) / math.sqrt(len(q)) for k in keys]
    exps = [math.exp(s) for s in scaled]
    weights = [e / math.fsum(exps) for e in exps]
    output = [math.fsum(w * v[c] for w, v in zip(weights, values)) for c in range(len(values[0]))]
    return weights, output


def alt_of(name: str, params: dict[str, str]) -> str:
    return registry.alt_text(registry.prepare(name, params, EXAMPLES))


def expected_numbers(name: str, params: dict[str, str]) -> list[str]:
    """The numbers a reader of the alt text must get, worked out independently."""
    if name in ("attention_head", "attention_heatmap") and params.get("kind", "attention") == "attention":
        if params.get("problem") == "worked":
            q, keys, values = WORKED
            queries = [q]
        else:
            problem = practice.draw(int(params["seed"]), n_queries=int(params.get("n_queries", "1")),
                                    difficulty=params.get("difficulty", "standard"), d_k=int(params.get("d_k", "2")),
                                    n_keys=int(params.get("n_keys", "3")))
            queries, keys, values = problem.query.tolist(), problem.keys.tolist(), problem.values.tolist()
        found = []
        for q in queries:
            weights, output = head_by_hand(q, keys, values)
            found.append(", ".join(f"{w:.3f}" for w in weights))  # in key order
            if name == "attention_head":
                found.append("(" + ", ".join(f"{o:.2f}" for o in output) + ")")
        return found
    if name == "attention_heatmap":  # a reasoning map: each row's largest weight
        item = reasoning.draw(int(params["seed"]), variant=0, kind=params["kind"])
        return [f"{w}: {item.col_labels[max(range(len(row)), key=row.__getitem__)]}" for w, row in zip(item.row_labels, item.weights)] + [
            f"{max(row):.3f}" for row in item.weights]
    if name == "attention_image":
        grid = reasoning.draw(int(params["seed"]), variant=0, kind="image_grid").weights
        best = max((w, r, c) for r, row in enumerate(grid) for c, w in enumerate(row))
        return [f"{best[0]:.3f}", f"row {best[1] + 1}, column {best[2] + 1}", f"{len(grid)}×{len(grid)} patches"]
    if name == "rnn":
        return [f"{params['T']} steps", "W_hh", "W_xh", "W_hy"]
    if name == "vit_pipeline":
        n = int(params["image_size"]) // int(params["patch"])
        return [f"{n * n} patches", f"{params['layers']} layers"]
    if name == "two_lifts":
        return [f"path length {params['T']} links", "path length 1 link"]
    if name == "qkv_sources":
        return ["3 tokens", "4 image regions"]
    if name == "vision_pipelines":
        return ["3 vision pipelines", "video classification", "attends"]
    raise AssertionError(f"no expectation for {name}: add one beside its alt function")


@pytest.mark.parametrize("name,params", registry.SAMPLES, ids=[f"{n}-{'&'.join(p.values())}" for n, p in registry.SAMPLES])
def test_every_sample_has_an_alt_with_its_key_numbers(name: str, params: dict[str, str]) -> None:
    alt = alt_of(name, params)
    assert len(alt) > 30
    for number in expected_numbers(name, params):
        assert number in alt, (number, alt)
    # It goes into Markdown image text: nothing that Markdown or the maths renderers would read.
    assert not re.search(r"[\[\]$\\*`]", alt), alt


def test_every_figure_spec_has_a_sample_and_an_alt_function() -> None:
    assert {n for n, _ in registry.SAMPLES} == set(registry.FIGURES)
    assert all(callable(s.alt) for s in registry.FIGURES.values())


def test_alt_follows_the_numbers_not_a_fixed_sentence() -> None:
    # Two seeds, two different heads: the alt text must differ with them.
    a = alt_of("attention_head", {"seed": "1"})
    b = alt_of("attention_head", {"seed": "2"})
    assert a != b
    assert alt_of("rnn", {"T": "3"}) != alt_of("rnn", {"T": "7"})


def test_card_front_map_alt_lists_numbers_without_pointing_at_the_answer() -> None:
    item = reasoning.draw(5, variant=0, kind="caption_words")
    front = alt_of("attention_heatmap", {"kind": "caption_words", "seed": "5", "card": "front"})
    back = alt_of("attention_heatmap", {"kind": "caption_words", "seed": "5", "card": "back"})
    assert "largest" not in front and "largest" in back
    for row in item.weights:
        assert ", ".join(f"{w:.3f}" for w in row) in front


# --- the built lesson -------------------------------------------------------------------------


class Images(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.images: list[dict[str, str]] = []
        self.captions: list[str] = []
        self._in_caption = False

    def handle_starttag(self, tag, attrs):
        if tag == "img":
            self.images.append({k: v or "" for k, v in attrs})
        self._in_caption = tag == "figcaption" or (self._in_caption and tag != "figure")

    def handle_endtag(self, tag):
        if tag == "figcaption":
            self._in_caption = False

    def handle_data(self, data):
        if self._in_caption:
            self.captions.append(data)


def svg_text(uri: str) -> str:
    return base64.b64decode(uri.split(",", 1)[1]).decode("utf-8")


def decimals_in(alt: str) -> list[str]:
    return re.findall(r"-?\d+\.\d+", alt)


def source_captions() -> dict[str, str]:
    """The author's ![caption](figure:name?...) of each figure in the lesson source."""
    text = (Path(__file__).resolve().parent.parent / "slides" / f"{LESSON}.md").read_text(encoding="utf-8")
    return {m.group(2): m.group(1) for m in re.finditer(r"!\[([^\]]*)\]\(figure:([^)]*)\)", text)}


def test_notebook_figures_carry_generated_alt_and_the_authors_caption(built: Path) -> None:
    nb = json.loads((built / "slides" / f"{LESSON}.ipynb").read_text(encoding="utf-8"))
    found = []
    for cell in nb["cells"]:
        text = "".join(cell["source"])
        found += re.findall(r'!\[([^\]]*)\]\((data:image/svg\+xml;base64,[A-Za-z0-9+/=]+) "([^"]*)"\)', text)
    captions = set(source_captions().values())
    assert len(found) == len(source_captions()) >= 8
    for alt, uri, caption in found:
        assert html.unescape(caption) in captions
        assert alt != caption and len(alt) > 30
        # Every number the alt text states is printed in the figure itself.
        drawn = svg_text(uri)
        for number in decimals_in(alt):
            assert f">{number}<" in drawn or number in drawn, (number, alt)


def test_html_images_carry_alt_and_caption_title(built: Path) -> None:
    parser = Images()
    parser.feed((built / "slides" / f"{LESSON}.html").read_text(encoding="utf-8"))
    figures = [i for i in parser.images if i.get("src", "").startswith("data:image/svg+xml")]
    captions = set(source_captions().values())
    assert len(figures) == len(source_captions())
    for img in figures:
        assert img["title"] in captions
        assert img["alt"] and img["alt"] != img["title"]
        assert img["alt"] == alt_for_svg(built, img["src"])


def alt_for_svg(built: Path, src: str) -> str:
    """The alt the build's figure note records for the SVG with these bytes."""
    data = base64.b64decode(src.split(",", 1)[1])
    for svg in (built / "figures" / LESSON).glob("*.svg"):
        if svg.read_bytes() == data:
            return json.loads(svg.with_suffix(".json").read_text(encoding="utf-8"))["alt"]
    raise AssertionError("figure not among the build's figure files")


def test_gallery_shows_each_figures_alt(built: Path) -> None:
    parser = Images()
    parser.feed((built / "figures" / "index.html").read_text(encoding="utf-8"))
    shown = " ".join(" ".join(parser.captions).split())
    notes = [json.loads(p.read_text(encoding="utf-8")) for p in sorted((built / "figures" / LESSON).glob("*.json"))]
    assert len(notes) >= 8
    alts = {img["alt"] for img in parser.images}
    for note in notes:
        assert note["alt"] and note["alt"] in alts
        assert note["alt"] in shown


# --- the slide's words x regions map: what the slide asks about, readable ------------------------


def test_slide_map_prints_only_the_asked_row_and_outlines_its_answer() -> None:
    from generator.figures.render import to_svg_and_png

    item = reasoning.draw(5, variant=0, kind="caption_words")
    row = list(item.row_labels).index(item.numbers["word"])
    col = max(range(len(item.weights[row])), key=item.weights[row].__getitem__)
    svg = to_svg_and_png(registry.draw("attention_heatmap", {"kind": "caption_words", "seed": "5", "focus": "answer"}))[0].decode()
    printed = {(int(r), int(c)) for r, c, body in re.findall(r'<g id="heatmap-value-(\d+)-(\d+)">(.*?)</g>', svg, re.S)
               if re.search(r">[^<\s]+</text>", body)}
    assert printed == {(row, c) for c in range(len(item.col_labels))}
    assert f'id="heatmap-mark-{row}-{col}"' in svg
    # Without focus, every cell carries its number and nothing is outlined.
    plain = to_svg_and_png(registry.draw("attention_heatmap", {"kind": "caption_words", "seed": "5"}))[0].decode()
    assert len(re.findall(r'<g id="heatmap-value-\d+-\d+">\s*<text[^>]*>[^<\s]+</text>', plain)) == len(item.row_labels) * len(item.col_labels)
    assert "heatmap-mark" not in plain


def test_the_lesson_asks_for_the_focused_map() -> None:
    assert any("kind=caption_words" in q and "focus=answer" in q for q in source_captions())
