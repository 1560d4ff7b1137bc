"""A practice card shows one problem of its pool per day: every practice card of a built
deck, rendered by the official ``anki`` library, loaded with the note type's CSS in
headless Chromium at 800 and 400 px with the clock set to 30 days (on days 0, 10 and 20
each side is a fresh page load, as on AnkiDroid; on the others it is swapped into the
page and its scripts run, as in Anki's desktop reviewer).

Checked on each day: front and back show the same entry, the one the day and the note's
key name (FNV-1a, recomputed here); every number shown equals a recomputation of that
entry from its inputs in the Data field with plain Python maths (attention heads: inputs,
the five steps, the answer, the slips' answers and the figure's numbers; maps: every
cell from the entry's weights; matching: lists and letters from the entry's data). Across
the days at least 15 entries appear. With JavaScript off the card shows entry 0, and
shows it whole. No card fetches anything from the network or logs an error, and its
script parses as ES2017 (esprima) with no later built-ins.
"""
from __future__ import annotations

import html
import json
import math
import os
import re
import struct
from pathlib import Path

import pytest

from conftest import needs_browser
from test_anki_fronts import collection  # noqa: F401  (the module-scoped deck fixture)

pytestmark = [
    needs_browser,
    pytest.mark.skipif(not os.environ.get("RUN_ANKI_TESTS"), reason="set RUN_ANKI_TESTS=1"),
]

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts" / "pool"
DAYS = 30
WIDTHS = (800, 400)
START_MS = 1_790_000_000_000  # 2026-09-21, any instant would do
DAY_MS = 86_400_000

VISIBLE = """() => {
  const shown = [...document.querySelectorAll('.pool-entry')].filter(e => e.getClientRects().length > 0);
  const one = (sel) => [...document.querySelectorAll(sel)].filter(e => e.getClientRects().length > 0);
  const cells = (table) => [...table.rows].slice(1).map(r => [...r.cells].slice(1).map(c => c.textContent.trim()));
  return {
    entries: [...new Set(shown.map(e => +e.getAttribute('data-pool')))],
    pooled: document.querySelectorAll('.pool-entry').length,
    inputs: one('table.inputs').map(cells),
    steps: Object.fromEntries(one('table.step').map(t => [t.getAttribute('data-step'), cells(t)])),
    products: one('.steps .rounding').map(e => e.textContent),
    sqrt: one('.steps li > div:first-child').map(e => e.textContent),
    weights: one('.answer .weight').map(e => e.textContent),
    outputs: one('.answer .output').map(e => e.textContent),
    slips: one('.hints li[data-slip]').map(e => [e.getAttribute('data-slip'), e.textContent]),
    images: one('img').map(i => ({src: i.getAttribute('src'), ok: i.complete && i.naturalWidth > 0})),
    lists: one('.matching ol, .matching ul').map(l => [...l.children].map(li => li.textContent.trim())),
    matches: one('.answer li').map(e => e.textContent),
    text: document.body.innerText,
    height: document.documentElement.scrollHeight,
  };
}"""


# Anki's desktop reviewer sets the card's HTML and then runs its scripts in order.
SWAP = """(body) => {
  document.body.innerHTML = body;
  for (const old of [...document.body.querySelectorAll('script')]) {
    const script = document.createElement('script');
    script.text = old.text;
    old.replaceWith(script);
  }
}"""
IMAGES_LOADED = "() => [...document.images].filter(i => i.getClientRects().length > 0).every(i => i.complete)"


def page_html(body: str, css: str) -> str:
    return (
        '<!doctype html><html><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<style>{css}</style></head><body class=\"card\">{body}</body></html>"
    )


def fnv1a(text: str) -> int:
    data = text.encode("utf-16-le")  # UTF-16 code units, as JavaScript's charCodeAt sees them
    h = 2166136261
    for unit in struct.unpack(f"<{len(data) // 2}H", data):
        h = ((h ^ unit) * 16777619) & 0xFFFFFFFF
    return h


def expected_entry(key: str, ms: int, offset_min: int, size: int) -> int:
    day = (ms - offset_min * 60_000) // DAY_MS
    return (fnv1a(key) + day) % size


def entry_data(data: dict, p: int) -> dict:
    top = {k: v for k, v in data.items() if k != "pool"}
    return {**top, **data["pool"][p]}


# --- independent recomputation ------------------------------------------------------------


def f(x: float, places: int) -> str:
    text = f"{x:.{places}f}"
    return text[1:] if text.startswith("-") and not text.strip("-0.") else text  # no "-0.00" for a reader


def softmax(xs: list[float]) -> list[float]:
    top = max(xs)
    e = [math.exp(x - top) for x in xs]
    return [x / sum(e) for x in e]


def mix(weights: list[float], values: list[list[float]]) -> list[float]:
    return [sum(w * v[j] for w, v in zip(weights, values)) for j in range(len(values[0]))]


def head(entry: dict) -> dict:
    """The displayed numbers of one single-query head, from its inputs only."""
    q, keys, values, d_k = entry["query"], entry["keys"], entry["values"], entry["d_k"]
    scores = [sum(a * b for a, b in zip(q, k)) for k in keys]
    scaled = [s / math.sqrt(d_k) for s in scores]
    exp = [math.exp(s) for s in scaled]
    weights = [e / sum(exp) for e in exp]
    output = mix(weights, values)
    top = max(scores)
    hard = [1.0 if s == top else 0.0 for s in scores]
    slips = {
        "no_scaling": softmax(scores),
        "divide_by_dk": softmax([s / d_k for s in scores]),
        "argmax": [h / sum(hard) for h in hard],
    }
    right = [f(x, 2) for x in output]
    return {
        "inputs": [q, *keys, *values],
        "steps": {
            "scores": [[f(s, 2) for s in scores]],
            "scaled": [[f(s, 4) for s in scaled]],
            "exp": [[*(f(e, 3) for e in exp), f(sum(exp), 3)]],
            "weights": [[f(w, 3) for w in weights]],
            "output": [right],
        },
        "sqrt": f(math.sqrt(d_k), 4),
        "products": [" + ".join(f"({f(a, 1)})({f(b, 1)})" for a, b in zip(q, k)) for k in keys],  # inputs: one decimal
        "slips": {name: ([f(x, 3) for x in w], [f(x, 2) for x in mix(w, values)]) for name, w in slips.items()
                  if [f(x, 2) for x in mix(w, values)] != right},
    }


def map_text(w: float) -> str:
    return "<0.001" if w < 0.0005 else ">0.999" if w >= 0.9995 else f(w, 3)


def svg_texts(path: Path) -> list[str]:
    return [html.unescape(t) for t in re.findall(r"<text[^>]*>([^<]*)</text>", path.read_text(encoding="utf-8"))]


def check_attention(got: dict, entry: dict, media: Path) -> list[str]:
    want = head(entry)
    bad = []
    shown_inputs = [[float(x) for x in row] for table in got["inputs"] for row in table]
    if shown_inputs != [[float(x) for x in row] for row in want["inputs"]]:
        bad.append(f"inputs {shown_inputs}")
    for name, rows in want["steps"].items():
        if name in got["steps"] and got["steps"][name] != rows:
            bad.append(f"{name}: shown {got['steps'][name]}, recomputed {rows}")
    if got["weights"] and (got["weights"], got["outputs"]) != (want["steps"]["weights"][0], want["steps"]["output"][0]):
        bad.append(f"answer {got['weights']} {got['outputs']}")
    if got["sqrt"] and not any(want["sqrt"] in s for s in got["sqrt"]):
        bad.append(f"sqrt(d_k) shown in none of {got['sqrt']}")
    for line in got["products"]:
        if "=" in line:
            sums = [p.strip() for p in line.split(";")]
            expected = [f"{a} = {s}" for a, s in zip(want["products"], want["steps"]["scores"][0])]
            if sums != expected:
                bad.append(f"products {sums} != {expected}")
    if got["slips"] or got["steps"]:  # the back
        shown = {name: text for name, text in got["slips"]}
        if set(shown) != set(want["slips"]):
            bad.append(f"slips {sorted(shown)} != {sorted(want['slips'])}")
        for name, (w, o) in want["slips"].items():
            if name in shown and f"weights {', '.join(w)} and output ({', '.join(o)})" not in shown[name]:
                bad.append(f"slip {name}: {shown[name]!r}")
    for image in got["images"]:
        if image["src"].endswith(".svg"):
            texts = set(svg_texts(media / image["src"]))
            numbers = {t for t in texts if re.fullmatch(r"-?\d+\.\d+", t)}
            recomputed = {x for name in ("scores", "scaled", "weights") for x in want["steps"][name][0]}
            recomputed |= set(want["steps"]["exp"][0][:-1])
            if numbers != recomputed or f"output = ({', '.join(want['steps']['output'][0])})" not in texts:
                bad.append(f"figure {image['src']}: {sorted(texts)}")
    return bad


def check_reasoning(got: dict, entry: dict, media: Path) -> list[str]:
    cells = [map_text(w) for row in entry["weights"] for w in row]
    bad = []
    for image in got["images"]:
        if image["src"].endswith(".svg"):
            texts = svg_texts(media / image["src"])
            numbers = [t for t in texts if re.fullmatch(r"[<>]?\d\.\d{3}", t)]
            if numbers != cells:
                bad.append(f"map {image['src']}: {numbers} != {cells}")
    return bad


def check_matching(got: dict, entry: dict, media: Path) -> list[str]:
    letters = [chr(ord("A") + i) for i in range(len(entry["architectures"]))]
    bad = []
    if got["lists"] and got["lists"][0] != list(entry["tasks"]):
        bad.append(f"tasks {got['lists'][0]}")
    if len(got["lists"]) > 1 and [x.split(maxsplit=1)[-1] for x in got["lists"][1]] != list(entry["architectures"]):
        bad.append(f"architectures {got['lists'][1]}")
    for line, index in zip(got["matches"], entry["answer_index"]):
        if f"{letters[index]}" not in line or entry["architectures"][index] not in line:
            bad.append(f"match {line!r} should name {letters[index]}")
    return bad


def check_rnn(got: dict, entry: dict, media: Path) -> list[str]:
    """The hand chain from the entry's own w, u and inputs (test_anki_import.rnn_by_hand, plain
    math.tanh), and every number of it visible on the side that shows it."""
    from test_anki_import import RNN_PLACES, product_text, rnn_by_hand

    text = got["text"]
    bad = [f"input {x}" for x in entry["text"]["xs"] if x not in text]
    if f"w = {entry['text']['w']}" not in text:
        bad.append(f"w = {entry['text']['w']}")
    chain = rnn_by_hand(entry["w"], entry["u"], entry["xs"], RNN_PLACES)
    if "Every step" in text or "It vanishes" in text or "It grows over" in text:  # the back
        for name, values in chain.items():
            bad += [f"{name} {v:.{RNN_PLACES[name]}f}" for v in values if f"{v:.{RNN_PLACES[name]}f}" not in text]
        product = product_text(math.prod(chain["factor"]))
        if product not in text:
            bad.append(f"product {product}")
    return bad


def check_tracks(got: dict, entry: dict, media: Path) -> list[str]:
    bad = []
    if got["lists"] and got["lists"][0] != list(entry["questions"]):
        bad.append(f"questions {got['lists'][0]}")
    if len(got["lists"]) > 1 and [x.split(maxsplit=1)[-1] for x in got["lists"][1]] != list(entry["tracks"]):
        bad.append(f"tracks {got['lists'][1]}")
    return bad


CHECKS = {"attention": check_attention, "reasoning": check_reasoning, "matching": check_matching,
          "rnn": check_rnn, "tracks": check_tracks}


# --- the card's script -----------------------------------------------------------------------

# Built-ins newer than ES2017 that a parser cannot see (they are plain member names).
LATER = re.compile(r"\.\.\.|\.flat(Map)?\(|fromEntries|matchAll|replaceAll|globalThis|\.at\(|\bBigInt\b|\d+n\b"
                   r"|allSettled|\.any\(|structuredClone|\bimport\b|\bexport\b")


def es2017_problems(script: str) -> list[str]:
    import esprima

    problems = []
    try:
        esprima.parseScript(script)
    except esprima.Error as exc:
        problems.append(f"not ES2017: {exc}")
    problems += [f"newer than ES2017: {m.group(0)!r}" for m in LATER.finditer(script)]
    return problems


def scripts_of(body: str) -> list[str]:
    return re.findall(r"<script\b[^>]*>(.*?)</script>", body, flags=re.S | re.I)


def test_es2017_check_can_fail():
    assert es2017_problems("var a = 1; (function () { return Math.imul(a, 3) >>> 0; })();") == []
    for later in ("var a = b?.c;", "var a = b ?? c;", "class A { x = 1 }", "import x from 'y';",
                  "var o = {...p};", "try {} catch {}", "[1, [2]].flat();"):
        assert es2017_problems(later), later


# --- the test ----------------------------------------------------------------------------------


def practice_cards(col):
    cards = [col.get_card(cid) for cid in col.find_cards("")]
    return [c for c in cards if "Data" in c.note().keys()]


def kind_of(note) -> str:
    return json.loads(html.unescape(note["Data"]))["key"]


def test_one_problem_a_day_front_matches_back_numbers_recomputed(collection):  # noqa: F811
    from browser import browser_page

    media = Path(collection.media.dir())
    target = media / "_pool_test.html"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    cards = practice_cards(collection)
    assert {kind_of(c.note()) for c in cards} == set(CHECKS)
    problems: list[str] = []
    network: list[str] = []
    errors: list[str] = []
    seen_scripts = 0
    with browser_page((400, 900)) as page:
        page.on("request", lambda r: network.append(r.url) if not r.url.startswith(("file:", "data:")) else None)
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.clock.install(time=START_MS / 1000)  # Playwright's Python API takes a number as seconds
        for card in cards:
            note = card.note()
            data = json.loads(html.unescape(note["Data"]))
            kind, size = data["key"], len(data["pool"])
            css = card.note_type()["css"]
            front, back = card.question(), card.answer()
            for script in scripts_of(front):
                seen_scripts += 1
                problems += [f"{note['Key']}: {p}" for p in es2017_problems(script)]
            shown_entries = set()
            for width in WIDTHS:
                page.set_viewport_size({"width": width, "height": 900})
                for day in range(DAYS):
                    ms = START_MS + day * DAY_MS + (day * 7 % 24) * 3_600_000  # any hour of the day
                    page.clock.set_fixed_time(ms / 1000)
                    sides = {}
                    for side, body in (("front", front), ("back", back)):
                        if day % 10 == 0:
                            # A fresh page, as AnkiDroid and AnkiMobile load each side.
                            target.write_text(page_html(body, css), encoding="utf-8")
                            page.goto(target.as_uri())
                        else:
                            # The side swapped into a standing page and its scripts run, as
                            # Anki's desktop reviewer does: cheaper than a page load.
                            page.evaluate(SWAP, body)
                        page.wait_for_function(IMAGES_LOADED)
                        offset = page.evaluate(f"() => new Date({ms}).getTimezoneOffset()")
                        want = expected_entry(note["Key"], ms, offset, size)
                        got = page.evaluate(VISIBLE)
                        sides[side] = got["entries"]
                        where = f"{note['Key']} {side} day {day} at {width}"
                        if got["entries"] != [want]:
                            problems.append(f"{where}: shows entries {got['entries']}, the day names {want}")
                            continue
                        problems += [f"{where}: image {i['src']} not shown" for i in got["images"] if not i["ok"]]
                        problems += [f"{where}: {p}" for p in CHECKS[kind](got, entry_data(data, want), media)]
                        if day == 1:
                            name = f"{note['Key'].replace('/', '-')}-{side}-day{day}-{width}.png"
                            page.screenshot(path=str(ARTIFACTS / name), full_page=True)
                    if sides["front"] != sides["back"]:
                        problems.append(f"{note['Key']} day {day}: front {sides['front']}, back {sides['back']}")
                    shown_entries.update(sides["front"])
            if len(shown_entries) < 15:
                problems.append(f"{note['Key']}: only {len(shown_entries)} distinct problems over {DAYS} days")
    assert seen_scripts == len(cards)
    assert not network, network[:5]
    assert not errors, errors[:5]
    assert not problems, "\n".join(problems[:30])


def test_without_javascript_cards_show_problem_0(collection):  # noqa: F811
    from browser import browser_page

    media = Path(collection.media.dir())
    target = media / "_pool_nojs_test.html"
    problems: list[str] = []
    with browser_page((400, 900), java_script_enabled=False) as page:
        for card in practice_cards(collection):
            note = card.note()
            data = json.loads(html.unescape(note["Data"]))
            kind = data["key"]
            for side, body in (("front", card.question()), ("back", card.answer())):
                target.write_text(page_html(body, card.note_type()["css"]), encoding="utf-8")
                page.goto(target.as_uri())
                got = page.evaluate(VISIBLE)
                where = f"{note['Key']} {side} without scripts"
                if got["entries"] != [0]:
                    problems.append(f"{where}: shows entries {got['entries']}")
                problems += [f"{where}: image {i['src']} not shown" for i in got["images"] if not i["ok"]]
                problems += [f"{where}: {p}" for p in CHECKS[kind](got, entry_data(data, 0), media)]
                if got["height"] < 150:
                    problems.append(f"{where}: page only {got['height']} px tall")
                if got["entries"] == [0] and kind == "attention" and side == "back":
                    # Entry 0 is the problem the note always had: the Data field's top level.
                    if got["weights"] != data["text"]["weights"]:
                        problems.append(f"{where}: weights {got['weights']} are not entry 0's {data['text']['weights']}")
            page.screenshot(path=str(ARTIFACTS / f"{note['Key'].replace('/', '-')}-nojs-400.png"), full_page=True)
    assert not problems, "\n".join(problems[:30])
