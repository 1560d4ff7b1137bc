"""The printouts, read back with poppler-utils as a reader would: pdfinfo for pages and
paper, pdftotext for every word. Numbers on the worksheets are checked against a
recomputation in plain Python from the drawn inputs, not against the code that
printed them."""
from __future__ import annotations

import html
import math
import re
import shutil
import subprocess
import unicodedata
from pathlib import Path

import pytest

from conftest import LESSON, ROOT, run_build

from generator.context import Context, Options
from generator.exercises import lesson_examples
from generator.figures.cache import FigureCache
from generator.source import read_lesson

SEED = 1234
VERSIONS = 3
A4 = (595.276, 841.89)
LETTER = (612.0, 792.0)

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler-utils (installed by .ci/run)")


def _build(out: Path, *args: str, figures_from: Path | None = None) -> Path:
    """Build the printouts into ``out``; with ``figures_from`` (an earlier output folder)
    its figure and execution caches are copied first, so only the printouts are made anew."""
    if figures_from is not None:
        shutil.copytree(figures_from / ".cache" / "figures", out / ".cache" / "figures")
        shutil.copytree(figures_from / ".cache" / "execute", out / ".cache" / "execute")
    done = run_build("--out", str(out), "--seed", str(SEED), "--no-html", "--no-cards", *args)
    assert done.returncode == 0, done.stderr
    return out / "print"


@pytest.fixture(scope="module")
def a4(tmp_path_factory) -> Path:
    return _build(tmp_path_factory.mktemp("a4"), "--worksheets", str(VERSIONS))


@pytest.fixture(scope="module")
def letter(tmp_path_factory, a4) -> Path:
    return _build(tmp_path_factory.mktemp("letter"), "--worksheets", "2", "--paper", "letter", "--handout-notes",
                  figures_from=a4.parent)


def info(path: Path) -> dict[str, str]:
    out = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    return dict(line.split(":", 1) for line in out.splitlines() if ":" in line)


def size(path: Path) -> tuple[float, float]:
    m = re.match(r"\s*([\d.]+) x ([\d.]+) pts", info(path)["Page size"])
    return float(m.group(1)), float(m.group(2))


def pages(path: Path, layout: bool = False) -> list[str]:
    """Each page's text, ligatures unfolded, true minus signs as hyphens, spaces collapsed
    (unless ``layout``, which keeps table rows on their lines)."""
    args = ["pdftotext", *(["-layout"] if layout else []), str(path), "-"]
    text = subprocess.run(args, capture_output=True, text=True, check=True).stdout
    found = _norm(text).split("\f")[:-1]
    return found if layout else [re.sub(r"\s+", " ", p) for p in found]


def _norm(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).replace("\u2212", "-")
    return text.translate(str.maketrans("\u2018\u2019\u201c\u201d", "''\"\""))  # typst's smart quotes


def _files(folder: Path, name: str) -> Path:
    return folder / f"{LESSON}-{name}.pdf"


# --- pages and paper -------------------------------------------------------------------


@pytest.mark.parametrize("name", ["handout", "worksheets", "answers"])
def test_paper_size_and_page_numbers(a4, letter, name):
    for folder, paper in ((a4, A4), (letter, LETTER)):
        path = _files(folder, name)
        assert size(path) == pytest.approx(paper, abs=0.01)
        count = int(info(path)["Pages"])
        texts = pages(path)
        assert len(texts) == count
        for i, text in enumerate(texts, start=1):
            assert f"Page {i} of {count}" in text


def test_worksheet_is_two_pages_per_version_and_key_one_page_or_more(a4, letter):
    for folder, n in ((a4, VERSIONS), (letter, 2)):
        assert int(info(_files(folder, "worksheets"))["Pages"]) == 2 * n
        assert int(info(_files(folder, "answers"))["Pages"]) >= n


def test_no_worksheets_without_the_option(a4, tmp_path):
    folder = _build(tmp_path, figures_from=a4.parent)
    assert sorted(p.name for p in folder.iterdir()) == [f"{LESSON}-handout.pdf"]


# --- the handout: slides, fragments, maths ------------------------------------------------


def _deck():
    lesson = read_lesson(ROOT / "slides" / f"{LESSON}.md")
    options = Options(out=Path("/nonexistent"), seed=SEED, mtime=0)
    return Context(lesson, FigureCache(ROOT / "build" / ".cache" / "figures"), SEED, options, lesson_examples(lesson)).deck


def _plain(markdown: str) -> str:
    """The words of some Markdown, maths and markup removed: what must reach the page."""
    text = re.sub(r"\$\$.*?\$\$|\$[^$]*\$|!\[[^\]]*\]\([^)]*\)|`[^`]*`", " | ", markdown, flags=re.S)
    text = re.sub(r"[*_#>|]|^\s*(\d+\.|-)\s", " | ", text, flags=re.M)
    return text


def _phrases(markdown: str) -> list[str]:
    """Every run of plain words on one source line (no maths or markup between them)."""
    runs = [run.strip() for line in _norm(_plain(markdown)).splitlines() for run in line.split("|")]
    return [re.sub(r"\s+", " ", r) for r in runs if len(r) >= 12 and re.search(r"[A-Za-z]{3}", r)]


def _slides(deck) -> list[tuple[str, list[str]]]:
    """(title, the phrases of its fragments) per slide, in order."""
    out: list[tuple[str, list[str]]] = []
    for cell in deck.cells:
        if cell.slide_type in ("slide", "subslide"):
            m = re.search(r"^#{1,3} (.+)$", cell.source, re.M)
            out.append((re.sub(r"[*`]", "", m.group(1)).strip() if m else "", []))
        elif cell.slide_type == "fragment":
            out[-1][1].extend(_phrases(cell.source))
    return out


def test_every_slide_title_and_fragment_on_its_slide_pages(a4):
    texts = pages(_files(a4, "handout"))
    slides = _slides(_deck())
    assert len(slides) > 15 and all(title for title, _ in slides)
    assert sum(len(f) for _, f in slides) >= 10
    # Each title on a page no earlier than the previous one; each fragment between its
    # slide's title and the next slide's title.
    where = []
    start = 0
    for number, (title, _) in enumerate(slides, start=1):
        page = next((i for i in range(start, len(texts)) if f"Slide {number} {title}" in texts[i]), None)
        assert page is not None, f"slide {number} {title!r} not found from page {start + 1}"
        where.append(page)
        start = page
    where.append(len(texts) - 1)
    for k, (title, fragments) in enumerate(slides):
        span = " ".join(texts[where[k]:where[k + 1] + 1])
        span = span[span.index(f"Slide {k + 1} {title}"):]
        if k + 1 < len(slides):
            span = span[:span.index(f"Slide {k + 2} ")]
        for phrase in fragments:
            assert phrase in span, f"fragment {phrase!r} not on slide {k + 1} ({title})"


@pytest.fixture(scope="module")
def handouts(tmp_path_factory, a4, letter) -> dict[tuple[str, bool], Path]:
    """The handout on both papers, with and without the speaker notes."""
    out = {("a4", False): _files(a4, "handout"), ("letter", True): _files(letter, "handout")}
    for paper, notes in (("a4", True), ("letter", False)):
        folder = _build(tmp_path_factory.mktemp(f"{paper}-{notes}"), "--paper", paper,
                        *(["--handout-notes"] if notes else []), figures_from=a4.parent)
        out[paper, notes] = _files(folder, "handout")
    return out


_WORD = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">([^<]*)</word>')


def _body_words(path: Path) -> list[list[str]]:
    """Each page's words between its header and its footer, top to bottom and left to right
    (pdftotext -bbox: figure labels come in drawing order otherwise, not by place)."""
    out = subprocess.run(["pdftotext", "-bbox", str(path), "-"], capture_output=True, text=True, check=True).stdout
    found = []
    for page in out.split("<page ")[1:]:
        height = float(re.match(r'width="[\d.]+" height="([\d.]+)"', page).group(1))
        words = [(float(y0), float(x0), w) for x0, y0, y1, w in _WORD.findall(page)
                 if float(y0) > 50 and float(y1) < height - 40]  # header above, "Page i of n" below
        found.append([html.unescape(w) for _, _, w in sorted(words, key=lambda t: (round(t[0]), t[1]))])
    return found


def _slide_pages(path: Path) -> dict[int, list[int]]:
    """The pages (1-based) on which each slide's words are printed, from its "Slide N" label up
    to the next slide's: its heading, text, tables, figure labels, code and notes."""
    where: dict[int, list[int]] = {}
    current = 0
    for number, words in enumerate(_body_words(path), start=1):
        for i, word in enumerate(words):
            if word == "Slide" and i + 1 < len(words) and words[i + 1] == str(current + 1):
                current += 1  # a label; "Slide 7" in a slide's own words is not the next number
            if not where.get(current) or where[current][-1] != number:
                where.setdefault(current, []).append(number)
    return where


@pytest.mark.parametrize("paper,notes", [("a4", False), ("a4", True), ("letter", False), ("letter", True)])
def test_no_slide_is_split_across_a_page_break(handouts, paper, notes):
    # Every slide's label, heading, text, table, figure and code (and its notes, when
    # printed) on one page: none of this lesson's slides is taller than a page.
    where = _slide_pages(handouts[paper, notes])
    assert sorted(where) == list(range(1, len(_slides(_deck())) + 1))
    split = {n: p for n, p in where.items() if len(p) > 1}
    assert not split, f"slides over two pages (slide: pages): {split}"


def _tall_lesson() -> str:
    items = "\n".join(f"- item {i:03d} of a slide taller than a page" for i in range(1, 91))
    notes = " ".join(f"Note sentence {i:03d} runs on." for i in range(1, 401))
    return f"""---
jupyter:
  lesson:
    title: "Tall"
---

# Before

A short first slide.

## Tall slide

{items}

<!-- notes -->
The tall slide's notes.
<!-- /notes -->

## Long notes

A slide that fits, whose notes do not fit beside it.

<!-- notes -->
{notes}
<!-- /notes -->

## After

The last slide.
"""


def test_a_slide_taller_than_a_page_starts_a_page_and_prints_whole(tmp_path):
    slides = tmp_path / "slides"
    slides.mkdir()
    (slides / "tall.md").write_text(_tall_lesson())
    out = tmp_path / "out"
    done = run_build("--out", str(out), "--slides-dir", str(slides), "--seed", "1", "--no-html", "--no-cards",
                     "--handout-notes")
    assert done.returncode == 0, done.stderr
    path = out / "print" / "tall-handout.pdf"
    words = _body_words(path)
    where = _slide_pages(path)
    assert sorted(where) == [1, 2, 3, 4]
    # The tall slide: from the top of a new page, every item once and in order, over the pages it needs.
    tall = where[2]
    assert len(tall) >= 2 and tall[0] > where[1][-1]
    assert words[tall[0] - 1][:4] == ["Slide", "2", "Tall", "slide"]
    text = " ".join(" ".join(w) for w in words)
    assert re.findall(r"item (\d{3}) of", text) == [f"{i:03d}" for i in range(1, 91)]
    # The slide whose notes are longer than a page: the slide itself whole on one page, its
    # notes from under it onward, every sentence once.
    first = words[where[3][0] - 1]
    start = next(i for i in range(len(first) - 1) if first[i:i + 2] == ["Slide", "3"])
    assert " ".join(first[start:]).startswith("Slide 3 Long notes A slide that fits, whose notes do not fit "
                                              "beside it. Speaker notes. Note sentence 001")
    assert re.findall(r"Note sentence (\d{3})", text) == [f"{i:03d}" for i in range(1, 401)]


def test_no_raw_tex_in_any_printout(a4, letter):
    for folder in (a4, letter):
        for name in ("handout", "worksheets", "answers"):
            text = " ".join(pages(_files(folder, name)))
            assert "$" not in text, name
            assert not re.search(r"\\[A-Za-z]+|\\[(){}]", text), (name, re.search(r".{30}\\[A-Za-z]+.{30}", text))


def test_maths_is_typeset(a4):
    text = " ".join(pages(_files(a4, "handout")))
    # the attention formula's operator names and the RNN's tanh arrive as words, roots as the radical sign
    assert "softmax" in text and "Attention" in text and "tanh" in text and "\u221a" in text


def test_speaker_notes_only_when_asked(a4, letter):
    note = "Welcome. Today is about order."
    assert note not in " ".join(pages(_files(a4, "handout")))
    assert note in " ".join(pages(_files(letter, "handout")))


def _printed_by(source: str) -> str:
    """What a code cell prints, run here with exec: not through the build's kernel or its cache."""
    import contextlib
    import io

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(source, "<cell>", "exec"), {})
    return re.sub(r"\s+", " ", out.getvalue()).strip()


def test_the_live_cells_output_is_printed_under_its_code(a4, letter):
    code = [c for c in _deck().cells if c.kind == "code"]
    assert code
    for folder in (a4, letter):
        # words by place: pdftotext's reading order takes a run of spaces in a line for a column gap
        text = _norm(" ".join(" ".join(words) for words in _body_words(_files(folder, "handout"))))
        for cell in code:
            last_line = re.sub(r"\s+", " ", cell.source.strip().splitlines()[-1])
            printed = _printed_by(cell.source)
            assert printed.startswith("weights: ")  # the lesson's live cell prints something
            assert f"{last_line} Output {printed}" in text, (folder, printed)


def test_the_handout_reuses_the_htmls_run_of_the_cells(a4, tmp_path, monkeypatch):
    from generator import execute
    from generator.build import build

    runs = tmp_path / "runs"
    real = execute._run

    def counted(notebook, deck):
        with runs.open("a") as f:  # a file: the HTML runs it in a forked child
            f.write("run\n")
        return real(notebook, deck)

    monkeypatch.setattr(execute, "_run", counted)
    count = lambda: len(runs.read_text().splitlines()) if runs.exists() else 0  # noqa: E731
    for skip, execute_cells, kernels in (({"cards"}, True, 1), ({"cards", "html"}, True, 1),
                                         ({"cards", "html"}, False, 0)):
        out = tmp_path / f"{'-'.join(sorted(skip))}-{execute_cells}"
        shutil.copytree(a4.parent / ".cache" / "figures", out / ".cache" / "figures")
        before = count()
        build([LESSON], Options(out=out, seed=SEED, mtime=1790000000, skip=frozenset(skip), execute=execute_cells),
              lambda path, seconds: None)
        assert count() - before == kernels, (skip, execute_cells)
        text = " ".join(" ".join(words) for words in _body_words(out / "print" / f"{LESSON}-handout.pdf"))
        assert ("Output weights: " in text) == execute_cells


OUTPUTS_LESSON = """---
jupyter:
  lesson:
    title: "Outputs"
---

# Outputs

```python
import base64
from IPython.display import SVG, Image, display
print("plain \\x1b[31mred\\x1b[0m text")
display(SVG('<svg xmlns="http://www.w3.org/2000/svg" width="120" height="30"><text x="4" y="20" '
            'font-family="DejaVu Sans" font-size="14">drawn-by-svg</text></svg>'))
display(Image(data=base64.b64decode("{png}")))
6 * 7
```

## Next

After the code.
"""


def _png(width: int, height: int) -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (width, height), (200, 30, 30)).save(out, format="PNG")
    return out.getvalue()


def test_every_kind_of_output_prints(tmp_path):
    # A stream (its colour codes dropped), an SVG and a PNG displayed, and a value, in the order given.
    import base64

    slides = tmp_path / "slides"
    slides.mkdir()
    (slides / "outputs.md").write_text(OUTPUTS_LESSON.replace("{png}", base64.b64encode(_png(8, 6)).decode()))
    out = tmp_path / "out"
    done = run_build("--out", str(out), "--slides-dir", str(slides), "--seed", "1", "--no-html", "--no-cards")
    assert done.returncode == 0, done.stderr
    text = " ".join(" ".join(words) for words in _body_words(out / "print" / "outputs-handout.pdf"))
    assert re.search(r"6 \* 7 Output plain red text drawn-by-svg Output 42 Slide 2 Next", text), text
    listed = subprocess.run(["pdfimages", "-list", str(out / "print" / "outputs-handout.pdf")], capture_output=True,
                            text=True, check=True).stdout.splitlines()[2:]
    assert [line.split()[3:5] for line in listed] == [["8", "6"]]  # the PNG, and nothing else as pixels


def test_figures_are_vectors(a4):
    # Every figure of the slides is an SVG; typst keeps SVG as vector paths, so the
    # handout holds no raster image at all.
    out = subprocess.run(["pdfimages", "-list", str(_files(a4, "handout"))], capture_output=True, text=True, check=True).stdout
    assert len(out.strip().splitlines()) == 2, out  # the header lines only


def fonts(path: Path) -> set[str]:
    """The fonts a PDF uses, as pdffonts names them, without the subset tag and encoding."""
    out = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    names = [line.split()[0] for line in out.splitlines()[2:] if line.strip()]
    return {re.sub(r"^[A-Z]{6}\+|-Identity-H$", "", name) for name in names}


# typst's embedded faces for text, maths and code; matplotlib's DejaVu Sans for the figures.
TEXT_FONTS = {"LibertinusSerif-Regular", "LibertinusSerif-Bold", "LibertinusSerif-Italic", "NewCMMath-Book",
              "NewCMMath-Bold", "DejaVuSansMono"}
FIGURE_FONTS = {"DejaVuSans", "DejaVuSans-Bold", "DejaVuSans-Oblique", "DejaVuSans-BoldOblique"}


def test_figure_labels_are_set_in_the_font_they_were_laid_out_for(a4, letter):
    # matplotlib lays a figure's labels out for DejaVu Sans; typst has no DejaVu Sans of its
    # own and set them in DejaVu Sans Mono or its serif. Maths labels are outlines in the
    # SVG (figures/mathlabels.py); the plain ones are text and must come out in DejaVu Sans.
    for folder in (a4, letter):
        used = fonts(_files(folder, "handout"))
        assert "DejaVuSans" in used and used <= TEXT_FONTS | FIGURE_FONTS, used
        for name in ("worksheets", "answers"):
            assert fonts(_files(folder, name)) <= TEXT_FONTS, name
    # The two-lifts figure's plain labels read as words.
    text = " ".join(pages(_files(a4, "handout")))
    for label in ("step order: 5 updates, one after another", "all 5 outputs in one step, in parallel"):
        assert label in text, label


def test_the_figure_fonts_are_found_without_importing_matplotlib():
    import sys

    code = ("import sys; from generator.printing.typeset import figure_fonts; "
            "print(all(p.is_file() for p in figure_fonts()), 'matplotlib' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["True", "False"]


# --- worksheets: numbers, versions -----------------------------------------------------


def _version_pages(folder: Path, name: str, version: int, layout: bool = False) -> list[str]:
    return [p for p in pages(_files(folder, name), layout) if f"Version {version} · code L07-{SEED}-V{version}" in p]


def test_version_code_on_every_page(a4, letter):
    for folder, n in ((a4, VERSIONS), (letter, 2)):
        for name in ("worksheets", "answers"):
            texts = pages(_files(folder, name))
            codes = [re.findall(rf"Version (\d+) · code L07-{SEED}-V(\d+)", t) for t in texts]
            assert all(c and c[0][0] == c[0][1] for c in codes), name
            assert sorted({int(c[0][0]) for c in codes}) == list(range(1, n + 1))


def _vec(text: str) -> list[float]:
    return [float(x) for x in text.split(",")]


def _inputs(text: str) -> tuple[list[float], list[list[float]], list[list[float]]]:
    q = _vec(re.search(r"Query q = \(([^)]*)\)", text).group(1))
    keys = [_vec(x) for x in re.findall(r"k\d = \(([^)]*)\)", text)]
    values = [_vec(x) for x in re.findall(r"v\d = \(([^)]*)\)", text)]
    return q, keys, values


def _r(x: float, d: int) -> str:
    s = f"{x:.{d}f}"
    return s[1:] if s.startswith("-") and not s.strip("-0.") else s


def _head(q, keys, values) -> dict[str, list[str]]:
    """The five steps in plain Python, each the exact value rounded as the lesson prints it."""
    d_k = len(q)
    scores = [sum(a * b for a, b in zip(q, k)) for k in keys]
    scaled = [s / math.sqrt(d_k) for s in scores]
    exps = [math.exp(s) for s in scaled]
    total = sum(exps)
    weights = [e / total for e in exps]
    output = [sum(w * v[j] for w, v in zip(weights, values)) for j in range(len(values[0]))]
    return {"scores": [_r(x, 2) for x in scores], "scaled": [_r(x, 4) for x in scaled],
            "exp": [_r(x, 3) for x in exps] + [_r(total, 3)], "weights": [_r(x, 3) for x in weights],
            "output": [_r(x, 2) for x in output]}


def _printed_head(text: str) -> dict[str, list[str]]:
    num = r"-?\d+\.\d+"
    part = lambda label, end: re.search(rf"{label}(.*?){end}", text).group(1)  # noqa: E731
    return {
        "scores": re.findall(rf"s\d = ({num})", part("Scores:", r"\. 2\.")),
        "scaled": re.findall(num, part(r"Scaled by √? ?\d = [\d.]+:", r"\. 3\.")),
        "exp": re.findall(num, part("Exponentials:", r"\. 4\.")),
        "weights": re.findall(rf"w\d = ({num})", part("Softmax:", r"\. 5\.")),
        "output": re.findall(num, part(r"Weighted sum: output \(", r"\)")),
    }


def _rnn(w: float, u: float, xs: list[float]) -> dict[str, list[str]]:
    """The hand chain in plain Python: each step from the previous step's printed number."""
    pre, state, slope, factor = [], [], [], []
    h = 0.0
    for x in xs:
        pre.append(round(w * h + u * x, 4))
        state.append(round(math.tanh(pre[-1]), 3))
        slope.append(round(1 - state[-1] ** 2, 3))
        factor.append(round(w * slope[-1], 4))
        h = state[-1]
    product = math.prod(factor)
    if abs(product) < 0.01:
        m, e = f"{product:.3e}".split("e")
        shown = f"{m} × 10{int(e)}"
    else:
        shown = _r(product, 3)
    return {"rows": [[_r(a, 4), _r(b, 3), _r(c, 3), _r(d, 4)] for a, b, c, d in zip(pre, state, slope, factor)],
            "product": [shown]}


def _printed_rnn(text: str, layout: str) -> tuple[float, float, list[float], dict[str, list]]:
    m = re.search(r"w = (-?[\d.]+), u = (-?[\d.]+), x = \(([^)]*)\)", text)
    rows = [re.split(r"\s+", line.strip())[1:] for line in layout.splitlines()
            if re.match(r"\s*\d\s+-?\d\.\d{4}\s+-?\d\.\d{3}\s+\d\.\d{3}\s+-?\d+\.\d{4}\s*$", line)]
    product = re.search(r"Product of the factors: (.*?) \(", text).group(1)
    product = product.translate(str.maketrans("⁻⁰¹²³⁴⁵⁶⁷⁸⁹", "-0123456789"))
    return float(m.group(1)), float(m.group(2)), _vec(m.group(3)), {"rows": rows, "product": [product]}


@pytest.mark.parametrize("version", range(1, VERSIONS + 1))
def test_answer_key_equals_a_recomputation_from_the_worksheet(a4, version):
    sheet = " ".join(_version_pages(a4, "worksheets", version))
    key = " ".join(_version_pages(a4, "answers", version))
    key_layout = "\n".join(_version_pages(a4, "answers", version, layout=True))
    q, keys, values = _inputs(sheet)
    assert len(keys) == len(values) >= 2
    assert _inputs(key) == (q, keys, values)  # the key answers the sheet it belongs to
    assert _printed_head(key) == _head(q, keys, values)

    m = re.search(r"with w = (-?[\d.]+), u = (-?[\d.]+), inputs x = \(([^)]*)\)", sheet)
    w, u, xs = float(m.group(1)), float(m.group(2)), _vec(m.group(3))
    kw, ku, kxs, printed = _printed_rnn(key, key_layout)
    assert (kw, ku, kxs) == (w, u, xs)
    assert printed == _rnn(w, u, xs)


def test_versions_differ_and_follow_the_variants(a4):
    from generator.anki import practice as deck
    from generator.anki import read_sources
    from generator.practice import rnn
    from generator.practice.steps import worked_steps

    settings = read_sources(LESSON, ROOT / "cards").practice
    seen = set()
    for version in range(1, VERSIONS + 1):
        key = " ".join(_version_pages(a4, "answers", version))
        # The engine's own numbers for variant k, as the deck would draw them.
        steps = worked_steps(deck.draw_attention(SEED, version, settings.of(deck.ATTENTION_KEY)))[0]
        shown = _printed_head(key)
        assert shown["weights"] == list(steps.step("weights").cells)
        assert shown["output"] == list(steps.step("output").cells)
        assert _inputs(key)[0] == [float(x) for x in steps.query]
        chain = rnn.rounded(rnn.draw(SEED, key="rnn", variant=version)).text
        assert f"Product of the factors: {chain['product']}" in key
        seen.add(tuple(steps.query))
    assert len(seen) == VERSIONS


# A hyphen-minus where a number's minus sign belongs: not inside a word or a code (L07-1234).
ASCII_NEGATIVE = re.compile(r"(?<![\w.])-(?=\d)")
# Maths left as ASCII text instead of set as maths.
RAW_MATHS = re.compile(r"sqrt\(|tanh[’'′]\(a_t\)|\b[adh]_[tk]\b|\bh_t\^2")


def _printed_text(path: Path) -> str:
    """pdftotext's words as printed: no minus sign folded into a hyphen (``pages`` folds them)."""
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return unicodedata.normalize("NFKC", text)


def test_every_negative_number_printed_with_a_minus_sign_and_maths_typeset(a4, letter):
    # Review 2, finding 7: each slip's output printed "(-2.07, −2.67)" (typst makes a
    # hyphen after a space a minus, not one after "("), and the slip explanations were
    # ASCII maths (sqrt(d_k), tanh'(a_t) = 1 - h_t^2) beside typeset h_0 and 1 − h_t^2.
    minus = 0
    for folder in (a4, letter):
        for name in ("worksheets", "answers"):
            text = _printed_text(_files(folder, name))
            assert not ASCII_NEGATIVE.search(text), (name, re.findall(r".{30}(?<![\w.])-\d.{10}", text))
            assert not RAW_MATHS.search(text), (name, RAW_MATHS.findall(text))
            minus += text.count("\u2212")
    assert minus > 100
    key = " ".join(pages(_files(a4, "answers")))
    assert "Slips and where they lead" in key and "√" in key and "tanh′" in key


def test_the_sign_and_maths_checks_fail_on_mains_answer_key():
    # Lines of main's answer key (seed 1234, version 1), as pdftotext read them.
    line = "• no scaling: weights 0.740, 0.190, 0.070; output (-2.07, \u22122.67). The scores went into the softmax"
    assert ASCII_NEGATIVE.findall(line) == ["-"]
    assert RAW_MATHS.search("without dividing by sqrt(d_k), so the weights come out too peaked.")
    assert RAW_MATHS.search("forgetting tanh\u2019(a_t) = 1 - h_t^2: the gradient looks larger")
    assert not ASCII_NEGATIVE.search("Version 1 · code L07-1234-V1; 1 \u2212 h2t; w = 2.5")


def _map_numbers(page: str, cells: int) -> list[str]:
    region = page[page.index("Read an attention map"):page.index("Your answer")]
    return re.findall(r"<0\.001|>0\.999|\d\.\d{3}", region)[-cells:]


def _softmax_rows(queries: list[list[float]], keys: list[list[float]]) -> list[list[float]]:
    out = []
    for q in queries:
        s = [sum(a * b for a, b in zip(q, k)) / math.sqrt(len(q)) for k in keys]
        top = max(s)
        e = [math.exp(x - top) for x in s]
        out.append([x / sum(e) for x in e])
    return out


def _w(x: float) -> str:
    s = f"{x:.3f}"
    return "<0.001" if s == "0.000" else ">0.999" if s == "1.000" else s


@pytest.mark.parametrize("version", range(1, VERSIONS + 1))
def test_map_numbers_equal_a_recomputation_from_the_drawn_inputs(a4, version):
    from generator.practice import reasoning
    from generator.printing.worksheets import MAP_KINDS

    item = reasoning.draw(SEED, variant=version, kind=MAP_KINDS[version % 2])
    n = item.numbers
    if item.kind == "image_grid":
        side = n["side"]
        flat = _softmax_rows([n["query"]], n["keys"])[0]
        expected = [_w(x) for x in flat]
        cells = side * side
    else:
        expected = [_w(x) for row in _softmax_rows(n["queries"], n["keys"]) for x in row]
        cells = len(expected)
    layout = _version_pages(a4, "worksheets", version, layout=True)[1]
    assert _map_numbers(layout, cells) == expected


# poppler's Catalog::getMarkInfo (22.12 here) reads /MarkInfo's /Suspects and reports
# any value but true as the wrong type, so the valid "/Suspects false" (PDF 1.7, 14.7.1:
# optional, boolean) that typst writes into every tagged PDF draws this line from pdfinfo.
POPPLER_SUSPECTS = "Syntax Error: Suspects object is wrong type (boolean)"


def test_poppler_complains_of_nothing_but_its_own_suspects_quirk(a4, letter, tmp_path):
    for folder in (a4, letter):
        for name in ("handout", "worksheets", "answers"):
            data = _files(folder, name).read_bytes()
            assert data.count(b"/MarkInfo<</Marked true/Suspects false>>") == 1, name
            complaints = set()
            for tool, into in ((["pdfinfo"], []), (["pdffonts"], []), (["pdftoppm", "-r", "20", "-png"], ["page"]),
                               (["pdftotext"], ["text.txt"])):
                done = subprocess.run([*tool, str(_files(folder, name)), *(str(tmp_path / f) for f in into)],
                                      capture_output=True, text=True, check=True)
                complaints |= set(done.stderr.splitlines())
            assert complaints <= {POPPLER_SUSPECTS}, (name, complaints)
            # The same file with the key blanked (the same length: every offset stays right) is silent.
            quiet = tmp_path / f"{name}.pdf"
            quiet.write_bytes(data.replace(b"/Suspects false", b" " * len(b"/Suspects false")))
            done = subprocess.run(["pdfinfo", str(quiet)], capture_output=True, text=True, check=True)
            assert done.stderr == "" and "Tagged:          yes" in done.stdout


def test_same_seed_gives_byte_identical_pdfs(a4, tmp_path):
    # No printout cache in the new folder: the PDFs are typeset again.
    again = _build(tmp_path, "--worksheets", str(VERSIONS), figures_from=a4.parent)
    for name in ("handout", "worksheets", "answers"):
        assert _files(a4, name).read_bytes() == _files(again, name).read_bytes(), name


def test_a_no_change_rebuild_does_not_typeset(a4, monkeypatch):
    from generator.build import build
    from generator.printing import typeset

    def refuse(*args, **kwargs):
        raise AssertionError("typeset again although nothing changed")

    monkeypatch.setattr(typeset, "_compile", refuse)
    out = a4.parent
    before = {p.name: p.read_bytes() for p in a4.iterdir()}
    options = Options(out=out, seed=SEED, mtime=1790000000, skip=frozenset({"html", "cards"}),
                      flags={"worksheets": VERSIONS})
    build([LESSON], options, lambda path, seconds: None)
    assert {p.name: p.read_bytes() for p in a4.iterdir()} == before
    # and the guard works: a changed option must typeset
    with pytest.raises(AssertionError, match="typeset again"):
        build([LESSON], Options(out=out, seed=SEED + 1, mtime=1790000000, skip=frozenset({"html", "cards"}),
                                flags={"worksheets": 1}), lambda path, seconds: None)


@pytest.mark.parametrize("value", ["-1", "501", "many"])
def test_a_bad_worksheet_count_is_a_usage_error(tmp_path, value):
    done = run_build("--out", str(tmp_path / "out"), "--worksheets", value)
    assert done.returncode == 2 and "--worksheets" in done.stderr.splitlines()[-1]
    assert "Traceback" not in done.stderr and not (tmp_path / "out").exists()


def test_printout_options_are_in_help():
    help_text = run_build("--help").stdout
    for option in ("--paper", "--worksheets", "--handout-notes", "--no-pdf"):
        assert option in help_text


def test_typst_runs_in_a_process_of_its_own():
    """typeset._compile hands the sources to typst_worker.py in a fresh interpreter: a good
    source comes back as a PDF, a refused one as typst's first line of complaint, and this
    process never imports typst."""
    import sys

    from generator.printing import typeset

    had_typst = "typst" in sys.modules
    pdf = typeset._compile({"main.typ": b"Hello"}, 1790000000)
    assert pdf.startswith(b"%PDF-")
    with pytest.raises(typeset.TypesetError) as refused:
        typeset._compile({"main.typ": b"#nosuchfunction()"}, 1790000000)
    assert "nosuchfunction" in str(refused.value) and "\n" not in str(refused.value)
    assert ("typst" in sys.modules) == had_typst
